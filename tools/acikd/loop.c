// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * loop.c - the epoll loop, and the daemon it runs: the protocol core
 * between the IKE sockets, actun and the control socket (see loop.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>

#include <openssl/rand.h>

#include "config.h"
#include "ctl.h"
#include "ike.h"
#include "kernel.h"
#include "loop.h"
#include "socket.h"
#include "workers.h"

#define LOOP_MAX_EVENTS	64

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- the generic loop --------------------------------------------------- */

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int loop_init(struct loop *loop)
{
	loop->stop = false;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void loop_fini(struct loop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

int loop_add(struct loop *loop, struct loop_fd *lfd, loop_fd_cb cb,
	     void *arg, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = lfd };

	lfd->cb = cb;
	lfd->arg = arg;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, lfd->fd, &ev))
		return -errno;
	lfd->epfd = loop->epfd;
	return 0;
}

int loop_wait(struct loop *loop, int timeout_ms)
{
	struct epoll_event ev[LOOP_MAX_EVENTS];
	struct loop_fd *lfd;
	int n, i;

	n = epoll_wait(loop->epfd, ev, LOOP_MAX_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	loop->rearm = false;
	for (i = 0; i < n && !loop->stop && !loop->rearm; i++) {
		lfd = ev[i].data.ptr;
		lfd->cb(lfd, ev[i].events);
	}
	return 0;
}

/* ---- the core's environment -------------------------------------------- */

static int env_send(void *ctx, const struct sockaddr_in *local,
		    const struct sockaddr_in *remote, bool natt,
		    struct chunk msg)
{
	struct acikd *d = ctx;
	struct ike_socket *s = socket_set_pick(d->socks, local, natt);

	if (!s)
		return -EADDRNOTAVAIL;
	return socket_send(s, local, remote, msg);
}

static int env_keepalive(void *ctx, const struct sockaddr_in *local,
			 const struct sockaddr_in *remote)
{
	struct acikd *d = ctx;
	struct ike_socket *s = socket_set_pick(d->socks, local, true);

	if (!s)
		return -EADDRNOTAVAIL;
	return socket_send_keepalive(s, local, remote);
}

/*
 * Notices are what a peer can cause at will (every refused IKE_SA_INIT
 * names its sender): LOG_BURST of them, then LOG_PER_SECOND, and a count
 * of those dropped. Errors always go out.
 */
#define LOG_BURST	50
#define LOG_PER_SECOND	10

static bool log_allowed(struct log_budget *b, uint64_t now)
{
	uint64_t add = (now - b->refilled_ms) * LOG_PER_SECOND / 1000;

	if (add >= LOG_BURST || b->tokens + add >= LOG_BURST) {
		b->tokens = LOG_BURST;
		b->refilled_ms = now;
	} else if (add) {
		/* the time of the tokens added, not now: fractions carry */
		b->tokens += (unsigned int)add;
		b->refilled_ms += add * 1000 / LOG_PER_SECOND;
	}
	if (!b->tokens)
		return false;
	b->tokens--;
	return true;
}

static void env_log(void *ctx, int prio, const char *msg)
{
	struct acikd *d = ctx;

	if (prio >= LOG_NOTICE && !log_allowed(&d->log, loop_now_ms())) {
		d->log.suppressed++;
		return;
	}
	if (d->log.suppressed) {
		syslog(LOG_NOTICE, "%lu messages suppressed (rate limit)",
		       d->log.suppressed);
		d->log.suppressed = 0;
	}
	syslog(prio, "%s", msg);
}

static int env_child_install(void *ctx, const struct child_sa_install *c)
{
	struct acikd *d = ctx;

	return kernel_child_install(d->kern, c);
}

static int env_child_remove(void *ctx, const struct child_sa_remove *c)
{
	struct acikd *d = ctx;

	return kernel_child_remove(d->kern, c);
}

static int env_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	if (len > INT_MAX)
		return -EINVAL;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

static const struct ike_env_ops env_ops = {
	.send = env_send,
	.keepalive = env_keepalive,
	.log = env_log,
	.child_install = env_child_install,
	.child_remove = env_child_remove,
	.random = env_random,
};

/* ---- events into the core ---------------------------------------------- */

static void on_datagram(void *arg, const struct sockaddr_in *local,
			const struct sockaddr_in *remote, bool natt,
			struct chunk msg)
{
	struct acikd *d = arg;

	/* a message the core refuses is its to log; nothing to do here */
	ike_manager_receive(d->ike, loop_now_ms(), local, remote, natt, msg);
}

static void on_socket(struct loop_fd *lfd, uint32_t events)
{
	struct ike_socket *s = container_of(lfd, struct ike_socket, lfd);
	struct acikd *d = lfd->arg;
	int ret;

	(void)events;
	ret = socket_read(s, d->socks->buf, SOCKET_BUF_SIZE, on_datagram, d);
	if (ret < 0 && ret != -ECONNREFUSED)	/* ICMP of an earlier send */
		syslog(LOG_WARNING, "UDP receive: %s", strerror(-ret));
}

static void on_expired(void *arg, const char *tunnel, uint32_t spi_in,
		       bool hard)
{
	struct acikd *d = arg;

	ike_manager_child_expired(d->ike, loop_now_ms(), tunnel, spi_in, hard);
}

static void on_monitor(struct loop_fd *lfd, uint32_t events)
{
	struct acikd *d = lfd->arg;

	(void)events;
	kernel_monitor_read(d->kern);
}

/* Workers 1 to N-1 reload when worker 0 asks, in order (workers.h). */
static bool reload_by_relay(const struct acikd *d)
{
	return d->workers > 1 && d->worker > 0;
}

static void on_signal(struct loop_fd *lfd, uint32_t events)
{
	struct signalfd_siginfo si;
	struct acikd *d = lfd->arg;
	char err[256];

	(void)events;
	while (read(lfd->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP && reload_by_relay(d)) {
			syslog(LOG_NOTICE, "SIGHUP ignored: worker %u reloads when worker 0 does",
			       d->worker);
			continue;
		}
		if (si.ssi_signo == SIGHUP) {
			if (acikd_reload(d, err, sizeof(err)) == 0)
				syslog(LOG_INFO, "configuration reloaded");
			continue;
		}
		syslog(LOG_INFO, "%s: shutting down", strsignal((int)si.ssi_signo));
		d->loop.stop = true;
	}
}

/* ---- control socket --------------------------------------------------- */

static int ctl_list(void *arg, ctl_list_cb cb, void *cbarg)
{
	struct acikd *d = arg;

	return ike_manager_list(d->ike, cb, cbarg);
}

static int reload(struct acikd *d, const char *relay_digest, char *err,
		  size_t errlen);

static int ctl_reload(void *arg, const char *relay_digest, char *err,
		      size_t errlen)
{
	struct acikd *d = arg;

	if (!!relay_digest != reload_by_relay(d)) {
		snprintf(err, errlen, relay_digest ?
			 "not a worker that reloads on request" :
			 "worker %u reloads when worker 0 does: ask it, or send SIGHUP to the supervisor",
			 d->worker);
		return -EPERM;
	}
	return reload(d, relay_digest, err, errlen);
}

static int ctl_show_more(void *arg, FILE *fp, bool comma)
{
	struct acikd *d = arg;

	return workers_show_more(d->ctl_path, d->workers, fp, comma);
}

static const struct ctl_ops ctl_ops = {
	.list = ctl_list,
	.reload = ctl_reload,
};

/* Worker 0 of several answers for them all. */
static const struct ctl_ops ctl_ops_first = {
	.list = ctl_list,
	.reload = ctl_reload,
	.show_more = ctl_show_more,
};

/* ---- setup -------------------------------------------------------- */

/* SIGTERM, SIGINT and SIGHUP arrive through a signalfd, in the loop, so
 * that a reload or shutdown never interrupts the core mid-message. */
static int signals_open(struct acikd *d)
{
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* a terminal's ^C reaches a worker too; the supervisor stops it
	 * (SIGTERM) once, where a second signal would cut its DELETE
	 * exchanges short */
	if (d->workers > 1)
		signal(SIGINT, SIG_IGN);
	else
		sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);	/* ctl clients that hang up early */
	d->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig.fd < 0)
		return -errno;
	ret = loop_add(&d->loop, &d->sig, on_signal, d, EPOLLIN);
	return ret;
}

/* Watch the sockets socket_set_sync() opened (and not the others again). */
static void watch_sockets(struct acikd *d)
{
	struct ike_socket *s;
	size_t i;
	int ret;

	for (i = 0; i < d->socks->n; i++) {
		s = d->socks->v[i];
		if (s->lfd.epfd >= 0)
			continue;
		ret = loop_add(&d->loop, &s->lfd, on_socket, d, EPOLLIN);
		if (ret)
			syslog(LOG_ERR, "cannot watch a UDP socket: %s",
			       strerror(-ret));
	}
}

static bool conn_named(const struct acikd_config *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; cfg && i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i]->name, name))
			return true;
	return false;
}

/* Start the connections of @cfg that initiate and that @old lacks. */
static void initiate_new(struct acikd *d, const struct acikd_config *old)
{
	const struct conn *c;
	unsigned int i;
	int ret;

	for (i = 0; i < d->cfg->n_conns; i++) {
		c = d->cfg->conns[i];
		if (!c->initiate || conn_named(old, c->name) ||
		    !workers_own_conn(d->worker, d->workers, c))
			continue;
		ret = ike_manager_initiate(d->ike, loop_now_ms(), c->name);
		if (ret)
			syslog(LOG_ERR, "connection %s: cannot initiate: %s",
			       c->name, strerror(-ret));
	}
}

/*
 * The control socket @cfg asks for. config.c fills in ACIKD_CTL_PATH when
 * the file names none; in a namespace of its own (-n) that default would
 * collide with the daemon of the initial namespace, so it becomes the
 * namespace's default.
 */
static int ctl_path_for(const struct acikd *d, const struct acikd_config *cfg,
			char *buf, size_t len)
{
	int n;

	if (!cfg->ctl_path[0] ||
	    (d->netns && !strcmp(cfg->ctl_path, ACIKD_CTL_PATH)))
		return ctl_default_path(d->netns, buf, len);
	n = snprintf(buf, len, "%s", cfg->ctl_path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int ctl_start(struct acikd *d)
{
	const struct ctl_ops *ops = &ctl_ops;
	char path[sizeof(d->ctl_path)];
	int ret;

	ret = ctl_path_for(d, d->cfg, d->ctl_path, sizeof(d->ctl_path));
	if (!ret)
		ret = workers_ctl_path(d->ctl_path, d->worker, path,
				       sizeof(path));
	if (ret)
		return ret;
	if (d->workers > 1 && !d->worker)
		ops = &ctl_ops_first;
	ret = ctl_open(d->ctl, &d->loop, path, ops, d);
	if (!ret && d->workers > 1)
		d->ctl->worker = (int)d->worker;
	return ret;
}

/*
 * Limits that stand for the whole daemon are split between the workers:
 * each sees only its share of the half-open SAs, so cookies start at the
 * same total as with one process.
 */
static void worker_share(const struct acikd *d, struct acikd_config *cfg)
{
	unsigned int t = cfg->half_open_cookie_threshold;

	if (d->workers > 1 && t)
		cfg->half_open_cookie_threshold = (t + d->workers - 1) /
						  d->workers;
}

static int alloc_parts(struct acikd *d)
{
	d->socks = calloc(1, sizeof(*d->socks));
	d->kern = calloc(1, sizeof(*d->kern));
	d->ctl = calloc(1, sizeof(*d->ctl));
	if (!d->socks || !d->kern || !d->ctl)
		return -ENOMEM;
	d->kern->mon_fd = LOOP_FD_INIT;
	d->ctl->lfd = LOOP_FD_INIT;
	return socket_set_init(d->socks);
}

static int start(struct acikd *d)
{
	int ret;

	ret = alloc_parts(d);
	if (!ret) {
		d->socks->worker = d->worker;
		d->socks->workers = d->workers;
		ret = loop_init(&d->loop);
	}
	if (!ret)
		ret = signals_open(d);
	if (!ret)
		ret = kernel_open(d->kern, on_expired, d);
	if (!ret)
		kernel_set_fleet(d->kern, d->cfg->fleet_path);
	if (!ret)
		ret = loop_add(&d->loop, &d->kern->mon_fd, on_monitor, d,
			       EPOLLIN);
	/* the control socket before the UDP sockets: it is what tells a
	 * second acikd of the namespace to stop before it takes the NAT-T
	 * socket hand-over away from the first (clients are served only
	 * once the loop runs, when the core exists) */
	if (!ret)
		ret = ctl_start(d);
	if (ret)
		return ret;
	/* a socket that cannot be bound or handed over is logged and the
	 * rest still work: one bad connection must not stop the others;
	 * but a worker that misses its place would shift the steering of
	 * the ones after it (workers.h) */
	socket_set_sync(d->socks, d->cfg, d->kern->req);
	if (d->workers > 1 && (d->socks->bind_failed ||
			       d->socks->out_of_place))
		return d->socks->out_of_place ? -EXDEV : -EADDRNOTAVAIL;
	watch_sockets(d);
	d->ike = ike_manager_new(d->cfg, &env_ops, d);
	if (!d->ike)
		return -ENOMEM;
	ike_manager_set_shard(d->ike, d->worker, d->workers);
	return 0;
}

int acikd_init(struct acikd *d, const char *config_path, const char *netns,
	       struct acikd_config *cfg, unsigned int worker)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->config_path = config_path;
	d->netns = netns;
	d->cfg = cfg;
	d->worker = worker;
	d->workers = cfg->workers > 1 ? cfg->workers : 1;
	worker_share(d, cfg);
	d->loop.epfd = -1;
	d->sig = LOOP_FD_INIT;
	ret = start(d);
	if (ret) {
		syslog(LOG_ERR, "cannot start: %s", strerror(-ret));
		acikd_fini(d);
		return ret;
	}
	initiate_new(d, NULL);
	if (d->workers > 1)
		syslog(LOG_INFO, "worker %u of %u started: %u connections, control socket %s",
		       d->worker, d->workers, cfg->n_conns, d->ctl->path);
	else
		syslog(LOG_INFO, "started: %u connections, control socket %s",
		       cfg->n_conns, d->ctl_path);
	return 0;
}

/*
 * A worker's reload could not bind a new socket: the workers after it
 * must not bind it either (their places would shift), so the reload
 * stops here and they keep the configuration they had. Or it found a
 * socket out of place: then every worker's steering on that address is
 * wrong, and only a fresh start of them all puts it right (the
 * supervisor does that when a worker exits).
 */
static int reload_socket_failed(struct acikd *d, char *err, size_t errlen)
{
	if (d->socks->out_of_place) {
		snprintf(err, errlen, "a new UDP socket is out of its place in the workers' steering: all workers restart");
		d->failed = true;
		d->loop.stop = true;
		return -EXDEV;
	}
	snprintf(err, errlen, "cannot bind a new UDP socket (see the log); workers after %u keep the previous configuration",
		 d->worker);
	return -EADDRNOTAVAIL;
}

static void digest_hex(const struct acikd_config *cfg, char *hex)
{
	for (size_t i = 0; i < CONFIG_DIGEST_LEN; i++)
		sprintf(hex + 2 * i, "%02x", cfg->digest[i]);
}

/*
 * Each worker reads the file itself: one that read another version than
 * worker 0 (the file was written meanwhile) keeps its configuration.
 */
static int same_file(const struct acikd *d, struct acikd_config *cfg,
		     const char *relay_digest, char *err, size_t errlen)
{
	char hex[2 * CONFIG_DIGEST_LEN + 1];

	if (!relay_digest)
		return 0;
	digest_hex(cfg, hex);
	if (!strcmp(hex, relay_digest))
		return 0;
	snprintf(err, errlen, "%s changed while the workers reloaded (worker %u read another version than worker 0); workers from %u on keep the previous configuration",
		 d->config_path, d->worker, d->worker);
	config_free(cfg);
	return -ESTALE;
}

/* acikd_reload(), and for workers 1..N-1 worker 0's request. */
static int reload(struct acikd *d, const char *relay_digest, char *err,
		  size_t errlen)
{
	char path[sizeof(d->ctl_path)], hex[2 * CONFIG_DIGEST_LEN + 1];
	struct acikd_config *cfg, *old;
	int ret;

	err[0] = '\0';
	ret = config_load(d->config_path, &cfg, err, errlen);
	if (!ret)
		ret = same_file(d, cfg, relay_digest, err, errlen);
	if (ret) {
		syslog(LOG_ERR, "reload of %s failed, keeping the configuration in force: %s",
		       d->config_path, err[0] ? err : strerror(-ret));
		return ret;
	}
	worker_share(d, cfg);
	if (cfg->workers != d->workers && !d->worker)
		syslog(LOG_NOTICE, "workers stays %u until restart",
		       d->workers);
	socket_set_sync(d->socks, cfg, d->kern->req);
	d->loop.rearm = true;	/* sockets of this batch may be gone */
	watch_sockets(d);
	/* SAs of removed connections get their DELETE (ike.h) */
	ike_manager_set_config(d->ike, loop_now_ms(), cfg);
	old = d->cfg;
	d->cfg = cfg;
	initiate_new(d, old);
	/* SAs negotiated under the old connections hold their own
	 * references (conn_get), so the old file can go now */
	config_free(old);
	/* the reload may have come through the control socket: moving it
	 * now would free the client being answered */
	if (!ctl_path_for(d, cfg, path, sizeof(path)) &&
	    strcmp(path, d->ctl_path))
		syslog(LOG_NOTICE, "control socket stays %s until restart",
		       d->ctl_path);
	if (d->workers > 1 && (d->socks->bind_failed ||
			       d->socks->out_of_place))
		return reload_socket_failed(d, err, errlen);
	/* in order: each binds new addresses after the one before */
	if (d->workers > 1 && !d->worker) {
		digest_hex(d->cfg, hex);
		return workers_reload_others(d->ctl_path, d->workers, hex,
					     err, errlen);
	}
	return 0;
}

int acikd_reload(struct acikd *d, char *err, size_t errlen)
{
	return reload(d, NULL, err, errlen);
}

/* Wait for the next event or the core's next deadline. */
static int wait_timeout(uint64_t deadline, uint64_t now)
{
	if (!deadline || deadline == UINT64_MAX)
		return -1;
	/* at least 1 ms: a deadline the tick left in the past must not
	 * turn the loop into a busy one */
	if (deadline <= now)
		return 1;
	return deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
}

/*
 * Stopping: the DELETE of every established IKE SA goes out, then the
 * loop runs on (answers, retransmissions) until they are all answered or
 * SHUTDOWN_GRACE_MS have passed; a second signal ends it at once.
 * acikd_fini() then flushes actun as before.
 */
#define SHUTDOWN_GRACE_MS	1000

static void shutdown_grace(struct acikd *d)
{
	uint64_t now = loop_now_ms(), end = now + SHUTDOWN_GRACE_MS;
	unsigned int left = ike_manager_shutdown(d->ike, now);
	int timeout;

	d->loop.stop = false;
	while (left && !d->loop.stop && now < end) {
		timeout = wait_timeout(ike_manager_tick(d->ike, now), now);
		if (timeout < 0 || (uint64_t)timeout > end - now)
			timeout = (int)(end - now);
		if (loop_wait(&d->loop, timeout))
			break;
		now = loop_now_ms();
		left = ike_manager_shutdown(d->ike, now);
	}
	d->loop.stop = true;
}

int acikd_run(struct acikd *d)
{
	uint64_t now;
	int ret;

	while (!d->loop.stop) {
		/* every turn: any event may have armed an earlier timer
		 * (a retransmission, say), and ike.h has no other way to
		 * learn the next deadline than asking tick() */
		now = loop_now_ms();
		d->deadline_ms = ike_manager_tick(d->ike, now);
		ret = loop_wait(&d->loop, wait_timeout(d->deadline_ms, now));
		if (ret) {
			syslog(LOG_ERR, "event loop: %s", strerror(-ret));
			return ret;
		}
	}
	shutdown_grace(d);
	return d->failed ? -EXDEV : 0;
}

void acikd_fini(struct acikd *d)
{
	if (d->ctl)
		ctl_close(d->ctl);
	/* the core first: its last callbacks may still remove Child SAs */
	if (d->ike)
		ike_manager_free(d->ike);
	d->ike = NULL;
	if (d->kern && d->kern->req) {
		kernel_flush(d->kern);	/* nothing half-configured left */
		if (d->socks)
			socket_set_fini(d->socks, d->kern->req);
	} else if (d->socks) {
		socket_set_fini(d->socks, NULL);
	}
	if (d->kern)
		kernel_close(d->kern);
	if (d->cfg)
		config_free(d->cfg);
	d->cfg = NULL;
	loop_fd_close(&d->sig);
	loop_fini(&d->loop);
	free(d->ctl);
	free(d->kern);
	free(d->socks);
	d->ctl = NULL;
	d->kern = NULL;
	d->socks = NULL;
}

void acikd_log_open(bool to_stderr)
{
	/* not when standard error is the journal already (systemd sets
	 * JOURNAL_STREAM): it would show every message twice */
	int opt = LOG_PID | LOG_NDELAY;

	if (to_stderr && !getenv("JOURNAL_STREAM"))
		opt |= LOG_PERROR;
	closelog();
	openlog("acikd", opt, LOG_DAEMON);
}
