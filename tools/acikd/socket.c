// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * socket.c - acikd's UDP sockets on ports 500 and 4500, the non-ESP
 * marker and NAT keepalives, and the hand-over of the 4500 sockets to
 * actun (see socket.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <syslog.h>

#include "actun.h"
#include "config.h"
#include "socket.h"
#include "steer.h"

static const uint8_t non_esp_marker[NON_ESP_MARKER_LEN];

enum socket_verdict socket_classify(bool natt, const uint8_t *buf, size_t len,
				    size_t *offset)
{
	*offset = 0;
	if (!natt)
		return len ? SOCKET_IKE : SOCKET_DROP;
	if (len == 1 && buf[0] == 0xff)
		return SOCKET_KEEPALIVE;
	if (len > NON_ESP_MARKER_LEN &&
	    !memcmp(buf, non_esp_marker, NON_ESP_MARKER_LEN)) {
		*offset = NON_ESP_MARKER_LEN;
		return SOCKET_IKE;
	}
	return SOCKET_DROP;
}

static const char *addr_text(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len) ? buf : "?";
}

/* ---- one socket ------------------------------------------------------- */

static int socket_options(int fd, unsigned int workers)
{
	int one = 1;

	/* SO_REUSEADDR: a NAT-T socket an earlier acikd handed to actun may
	 * still be bound until we take the device's socket back */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)))
		return -errno;
	return workers > 1 ? steer_reuseport(fd) : 0;
}

int socket_open(struct ike_socket *s, struct in_addr addr, uint16_t port,
		bool natt)
{
	return socket_open_shared(s, addr, port, natt, 1);
}

int socket_open_shared(struct ike_socket *s, struct in_addr addr,
		       uint16_t port, bool natt, unsigned int workers)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = addr,
				   .sin_port = htons(port) };
	socklen_t len = sizeof(sin);
	char text[INET_ADDRSTRLEN];
	int fd, ret;

	memset(s, 0, sizeof(*s));
	s->lfd = LOOP_FD_INIT;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    IPPROTO_UDP);
	if (fd < 0)
		return -errno;
	ret = socket_options(fd, workers);
	if (!ret && bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		ret = -errno;
	if (!ret && workers > 1)
		ret = steer_attach(fd, workers, natt);
	if (!ret && getsockname(fd, (struct sockaddr *)&s->bound, &len))
		ret = -errno;
	if (ret) {
		syslog(LOG_ERR, "cannot bind UDP %s port %u: %s",
		       addr_text(addr, text, sizeof(text)), port,
		       strerror(-ret));
		close(fd);
		return ret;
	}
	s->lfd.fd = fd;
	s->natt = natt;
	return 0;
}

void socket_close(struct ike_socket *s)
{
	loop_fd_close(&s->lfd);
}

/* The destination address of a received datagram, from IP_PKTINFO. */
static void local_addr(const struct ike_socket *s, struct msghdr *mh,
		       struct sockaddr_in *local)
{
	struct cmsghdr *cm;
	struct in_pktinfo pi;

	*local = s->bound;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			local->sin_addr = pi.ipi_addr;
		}
}

/* One datagram: 1 if an IKE message was passed on, 0 if dropped,
 * -EAGAIN when the socket is empty, or another -errno. */
static int read_one(struct ike_socket *s, uint8_t *buf, size_t cap,
		    socket_rx_fn rx, void *arg)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} control;
	struct sockaddr_in remote, local;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_name = &remote, .msg_namelen = sizeof(remote),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n = recvmsg(s->lfd.fd, &mh, MSG_DONTWAIT);
	size_t off;

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if ((mh.msg_flags & MSG_TRUNC) || remote.sin_family != AF_INET ||
	    socket_classify(s->natt, buf, (size_t)n, &off) != SOCKET_IKE)
		return 0;
	local_addr(s, &mh, &local);
	rx(arg, &local, &remote, s->natt,
	   chunk_from(buf + off, (size_t)n - off));
	return 1;
}

int socket_read(struct ike_socket *s, uint8_t *buf, size_t cap,
		socket_rx_fn rx, void *arg)
{
	int ret, count = 0, i;

	/* a bounded batch: epoll is level-triggered and comes back, and a
	 * flood on one socket must not starve the others or the timers */
	for (i = 0; i < SOCKET_READ_BATCH; i++) {
		ret = read_one(s, buf, cap, rx, arg);
		if (ret == -EAGAIN || ret == -EWOULDBLOCK)
			return count;
		if (ret < 0)
			return ret;
		count += ret;
	}
	return count;
}

static int send_iov(const struct ike_socket *s,
		    const struct sockaddr_in *local,
		    const struct sockaddr_in *remote, struct iovec *iov,
		    size_t n_iov)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} control;
	struct msghdr mh = {
		.msg_name = (void *)remote, .msg_namelen = sizeof(*remote),
		.msg_iov = iov, .msg_iovlen = n_iov,
	};
	struct in_pktinfo pi = { .ipi_spec_dst = local->sin_addr };
	struct cmsghdr *cm;

	/* a wildcard socket must answer from the address the peer used */
	if (s->bound.sin_addr.s_addr == htonl(INADDR_ANY) &&
	    local->sin_addr.s_addr != htonl(INADDR_ANY)) {
		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(s->lfd.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

int socket_send(const struct ike_socket *s, const struct sockaddr_in *local,
		const struct sockaddr_in *remote, struct chunk msg)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)non_esp_marker,
		  .iov_len = NON_ESP_MARKER_LEN },
		{ .iov_base = msg.ptr, .iov_len = msg.len },
	};

	return s->natt ? send_iov(s, local, remote, iov, 2) :
			 send_iov(s, local, remote, iov + 1, 1);
}

int socket_send_keepalive(const struct ike_socket *s,
			  const struct sockaddr_in *local,
			  const struct sockaddr_in *remote)
{
	static const uint8_t keepalive = 0xff;
	struct iovec iov = { .iov_base = (void *)&keepalive, .iov_len = 1 };

	if (!s->natt)
		return -EINVAL;
	return send_iov(s, local, remote, &iov, 1);
}

/* ---- the set ---------------------------------------------------------- */

int socket_set_init(struct socket_set *set)
{
	memset(set, 0, sizeof(*set));
	set->buf = malloc(SOCKET_BUF_SIZE);
	return set->buf ? 0 : -ENOMEM;
}

static struct ike_socket *find(const struct socket_set *set,
			       struct in_addr addr, uint16_t port, bool natt)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i]->bound.sin_addr.s_addr == addr.s_addr &&
		    ntohs(set->v[i]->bound.sin_port) == port &&
		    set->v[i]->natt == natt)
			return set->v[i];
	return NULL;
}

/* Find or open the socket for @addr:@port and mark it used. */
static int want(struct socket_set *set, struct in_addr addr, uint16_t port,
		bool natt)
{
	struct ike_socket *s = find(set, addr, port, natt), **v;
	int ret;

	if (s) {
		s->used = true;
		return 0;
	}
	v = realloc(set->v, (set->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	set->v = v;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = socket_open_shared(s, addr, port, natt, set->workers);
	if (ret) {
		free(s);
		return ret;
	}
	s->used = true;
	s->unchecked = set->workers > 1;
	set->v[set->n++] = s;
	return 0;
}

static int want_conn(struct socket_set *set, const struct conn *c)
{
	uint16_t port = ntohs(c->local.sin_port);
	int ret = 0;

	if (port != IKE_NATT_PORT)
		ret = want(set, c->local.sin_addr, port ? port : IKE_PORT,
			   false);
	return ret ? ret : want(set, c->local.sin_addr, IKE_NATT_PORT, true);
}

static void detach(struct ike_socket *s, struct actun_sock *sock)
{
	struct actun_error err;
	char name[IF_NAMESIZE] = "?";

	if (!s->attached || !sock)
		return;
	if (actun_socket_detach(sock, s->attached, &err) && err.err != ENODEV)
		syslog(LOG_WARNING, "cannot take the NAT-T socket back from %s: %s",
		       if_indextoname(s->attached, name) ? name : "?",
		       err.msg[0] ? err.msg : strerror(err.err));
	s->attached = 0;
}

/*
 * Hand @s to device @ifindex. A device that has a socket already (from an
 * acikd that did not stop cleanly, or from acctl) gives it back first:
 * acikd owns NAT-T on the devices its connections name.
 */
static int attach(struct ike_socket *s, uint32_t ifindex, const char *dev,
		  struct actun_sock *sock)
{
	struct actun_error err;
	int ret;

	ret = actun_socket_attach(sock, ifindex, s->lfd.fd, &err);
	if (ret == -EBUSY) {
		actun_socket_detach(sock, ifindex, NULL);
		ret = actun_socket_attach(sock, ifindex, s->lfd.fd, &err);
	}
	if (ret) {
		syslog(LOG_ERR, "cannot hand the NAT-T socket to %s: %s", dev,
		       err.msg[0] ? err.msg : strerror(-ret));
		return ret;
	}
	s->attached = ifindex;
	return 0;
}

static struct ike_socket *attached_to(const struct socket_set *set,
				      uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->v[i]->attached == ifindex)
			return set->v[i];
	return NULL;
}

/* Give @c's device the 4500 socket of @c's address, once. */
static int attach_conn(struct socket_set *set, const struct conn *c,
		       struct actun_sock *sock)
{
	struct ike_socket *s = find(set, c->local.sin_addr, IKE_NATT_PORT, true);
	struct ike_socket *other;
	uint32_t ifindex;
	char text[INET_ADDRSTRLEN];

	if (!c->actun_dev[0] || !s)
		return 0;
	ifindex = strlen(c->actun_dev) < IF_NAMESIZE ?
		  if_nametoindex(c->actun_dev) : 0;
	if (!ifindex) {
		syslog(LOG_WARNING, "connection %s: actun device %s does not exist",
		       c->name, c->actun_dev);
		return 0;	/* a reload after creating it attaches it */
	}
	if (s->attached == ifindex)
		return 0;
	other = attached_to(set, ifindex);
	if (s->attached || other) {
		syslog(LOG_ERR,
		       "connection %s: %s and %s port %u cannot share a NAT-T socket with another device or address (one per device)",
		       c->name, c->actun_dev,
		       addr_text(c->local.sin_addr, text, sizeof(text)),
		       IKE_NATT_PORT);
		return -EBUSY;
	}
	return attach(s, ifindex, c->actun_dev, sock);
}

/* Does a connection on @s's address still name the device @s has? */
static bool attachment_wanted(const struct acikd_config *cfg,
			      const struct ike_socket *s)
{
	char name[IF_NAMESIZE];
	const struct conn *c;
	unsigned int i;

	if (!s->used || !if_indextoname(s->attached, name))
		return false;
	for (i = 0; i < cfg->n_conns; i++) {
		c = cfg->conns[i];
		if (c->local.sin_addr.s_addr == s->bound.sin_addr.s_addr &&
		    !strcmp(c->actun_dev, name))
			return true;
	}
	return false;
}

static void close_unused(struct socket_set *set, struct actun_sock *sock)
{
	size_t i, j;

	for (i = j = 0; i < set->n; i++) {
		if (set->v[i]->used) {
			set->v[j++] = set->v[i];
			continue;
		}
		detach(set->v[i], sock);
		socket_close(set->v[i]);
		free(set->v[i]);
	}
	set->n = j;
}

/* How long a probe of a new socket's place may take (TCG is slow). */
#define PROBE_TIMEOUT_MS	1000

/*
 * Probe @s's place once. Only a probe that went to another socket
 * (-EXDEV) says the steering is wrong; a probe that could not be made
 * or read (lo down, a flood) is no verdict and is logged only.
 */
static void check_place(struct socket_set *set, struct ike_socket *s)
{
	char text[INET_ADDRSTRLEN];
	int ret;

	if (!s->unchecked)
		return;
	s->unchecked = false;
	ret = steer_probe(s->lfd.fd, &s->bound, s->natt, set->worker,
			  set->workers, PROBE_TIMEOUT_MS);
	addr_text(s->bound.sin_addr, text, sizeof(text));
	if (ret == -EXDEV) {
		syslog(LOG_ERR, "UDP %s port %u: datagrams for worker %u reach another socket (bound out of turn, or left with actun by an earlier acikd)",
		       text, ntohs(s->bound.sin_port), set->worker);
		set->out_of_place = true;
	} else if (ret) {
		syslog(LOG_WARNING, "UDP %s port %u: cannot check the workers' steering: %s",
		       text, ntohs(s->bound.sin_port),
		       ret == -ENETDOWN ? "the loopback device is down" :
		       ret == -EAGAIN ? "the socket drops datagrams (a flood?)" :
		       strerror(-ret));
	}
}

int socket_set_sync(struct socket_set *set, const struct acikd_config *cfg,
		    struct actun_sock *sock)
{
	unsigned int i;
	size_t j;
	int ret, first = 0;

	set->bind_failed = false;
	for (j = 0; j < set->n; j++)
		set->v[j]->used = false;
	for (i = 0; i < cfg->n_conns; i++) {
		ret = want_conn(set, cfg->conns[i]);
		set->bind_failed |= ret != 0;
		first = first ? first : ret;
	}
	/* devices no longer named, or sockets going away, are given back
	 * before other sockets take them */
	for (j = 0; j < set->n; j++)
		if (set->v[j]->attached &&
		    !attachment_wanted(cfg, set->v[j]))
			detach(set->v[j], sock);
	/* worker 0's socket is the one the steering gives ESP to */
	for (i = 0; sock && !set->worker && i < cfg->n_conns; i++) {
		ret = attach_conn(set, cfg->conns[i], sock);
		first = first ? first : ret;
	}
	close_unused(set, sock);
	/* after the hand-over: it takes a stale socket out of the group;
	 * one socket out of place is verdict enough */
	for (j = 0; j < set->n && !set->out_of_place; j++)
		check_place(set, set->v[j]);
	return first;
}

struct ike_socket *socket_set_pick(const struct socket_set *set,
				   const struct sockaddr_in *local, bool natt)
{
	struct ike_socket *wild = NULL, *s;
	size_t i;

	for (i = 0; i < set->n; i++) {
		s = set->v[i];
		if (s->natt != natt ||
		    (local->sin_port && s->bound.sin_port != local->sin_port))
			continue;
		if (s->bound.sin_addr.s_addr == local->sin_addr.s_addr)
			return s;
		if (s->bound.sin_addr.s_addr == htonl(INADDR_ANY))
			wild = s;
	}
	return wild;
}

void socket_set_fini(struct socket_set *set, struct actun_sock *sock)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		detach(set->v[i], sock);
		socket_close(set->v[i]);
		free(set->v[i]);
	}
	free(set->v);
	free(set->buf);
	memset(set, 0, sizeof(*set));
}
