// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ctl.c - the control socket (see ctl.h for the protocol).
 *
 * Requests are read without blocking, each client watched by the loop
 * until its line is complete; the answer is then written in one go with a
 * send timeout, so that a client that stops reading cannot hold the daemon
 * for long.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>

#include "ctl.h"

#define CTL_SEND_TIMEOUT_MS	2000

struct ctl_client {
	struct loop_fd lfd;
	struct ctl *ctl;
	struct ctl_client *next;
	char req[CTL_REQ_MAX];
	size_t len;
};

int ctl_default_path(const char *netns, char *buf, size_t len)
{
	int n = netns ? snprintf(buf, len, ACIKD_CTL_DIR "/acikd.%s.ctl", netns) :
			snprintf(buf, len, "%s", ACIKD_CTL_PATH);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ---- the answer to "show" ---------------------------------------------- */

static void json_str(FILE *fp, const char *key, const char *s)
{
	fprintf(fp, "\"%s\":\"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

static const char *encr_name(uint16_t id)
{
	switch (id) {
	case ENCR_AES_GCM_16: return "aes-gcm-16";
	case ENCR_AES_CBC: return "aes-cbc";
	default: return "unknown";
	}
}

static const char *integ_name(uint16_t id)
{
	switch (id) {
	case AUTH_NONE: return "none";
	case AUTH_HMAC_SHA1_96: return "hmac-sha1-96";
	case AUTH_HMAC_SHA2_256_128: return "hmac-sha2-256-128";
	default: return "unknown";
	}
}

static const char *prf_name(uint16_t id)
{
	switch (id) {
	case PRF_HMAC_SHA2_256: return "hmac-sha2-256";
	case PRF_HMAC_SHA2_384: return "hmac-sha2-384";
	case PRF_HMAC_SHA2_512: return "hmac-sha2-512";
	default: return "unknown";
	}
}

struct show_ctx {
	FILE *fp;
	uint64_t now_ms;
	unsigned int n;
	int worker;
};

static void show_times(FILE *fp, const struct ike_sa_info *sa, uint64_t now)
{
	if (sa->established_ms && sa->established_ms <= now)
		fprintf(fp, ",\"established_seconds\":%llu",
			(unsigned long long)((now - sa->established_ms) / 1000));
	if (sa->rekey_ms)
		fprintf(fp, ",\"rekey_seconds\":%llu",
			(unsigned long long)(sa->rekey_ms > now ?
					     (sa->rekey_ms - now) / 1000 : 0));
}

static int show_one(void *arg, const struct ike_sa_info *sa)
{
	struct show_ctx *ctx = arg;
	FILE *fp = ctx->fp;
	char addr[INET_ADDRSTRLEN] = "";

	inet_ntop(AF_INET, &sa->remote.sin_addr, addr, sizeof(addr));
	fputs(ctx->n++ ? ",{" : "{", fp);
	json_str(fp, "conn", sa->conn ? sa->conn : "");
	fputc(',', fp);
	json_str(fp, "state", sa->state ? sa->state : "unknown");
	fprintf(fp, ",\"remote\":\"%s\",\"remote_port\":%u", addr,
		ntohs(sa->remote.sin_port));
	fprintf(fp, ",\"spi_i\":\"%016llx\",\"spi_r\":\"%016llx\"",
		(unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
	fprintf(fp, ",\"encr\":\"%s\",\"encr_keybits\":%u",
		encr_name(sa->suite.encr), sa->suite.encr_keybits);
	fprintf(fp, ",\"integ\":\"%s\",\"prf\":\"%s\",\"dh\":%u",
		integ_name(sa->suite.integ), prf_name(sa->suite.prf), sa->dh);
	show_times(fp, sa, ctx->now_ms);
	if (ctx->worker >= 0)
		fprintf(fp, ",\"worker\":%d", ctx->worker);
	fprintf(fp, ",\"children\":%u}", sa->n_child);
	return 0;
}

int ctl_show(FILE *fp, const struct ctl_ops *ops, void *arg, int worker,
	     uint64_t now_ms)
{
	struct show_ctx ctx = { .fp = fp, .now_ms = now_ms, .worker = worker };
	int ret;

	fputc('[', fp);
	ret = ops->list(arg, show_one, &ctx);
	if (!ret && ops->show_more)
		ret = ops->show_more(arg, fp, ctx.n > 0);
	fputs("]\n", fp);
	return ret;
}

/* ---- requests -------------------------------------------------------- */

static void answer_error(FILE *fp, const char *why)
{
	fputc('{', fp);
	json_str(fp, "error", why);
	fputs("}\n", fp);
}

static int answer_show(struct ctl *ctl, char **buf, size_t *len)
{
	FILE *fp = open_memstream(buf, len);
	int ret;

	if (!fp)
		return -errno;
	ret = ctl_show(fp, ctl->ops, ctl->arg, ctl->worker, loop_now_ms());
	if (fclose(fp))
		return -errno;
	if (!ret)
		return 0;
	free(*buf);	/* a half list is no answer */
	*buf = NULL;
	fp = open_memstream(buf, len);
	if (!fp)
		return -errno;
	answer_error(fp, "cannot list the IKE SAs");
	return fclose(fp) ? -errno : 0;
}

/* The whole answer to @req, in memory: the show of many SAs is written
 * to the client only once it is complete. */
static int build_answer(struct ctl *ctl, const char *req, char **buf,
			size_t *len)
{
	static const char relay[] = "worker-reload ";
	char err[256] = "";
	FILE *fp;
	int ret;

	if (!strcmp(req, "show"))
		return answer_show(ctl, buf, len);
	fp = open_memstream(buf, len);
	if (!fp)
		return -errno;
	if (!strcmp(req, "reload") || !strncmp(req, relay, strlen(relay))) {
		ret = ctl->ops->reload(ctl->arg, req[0] == 'w' ?
				       req + strlen(relay) : NULL, err,
				       sizeof(err));
		if (ret)
			answer_error(fp, err[0] ? err : strerror(-ret));
		else
			fputs("{\"reload\":\"ok\"}\n", fp);
	} else {
		answer_error(fp, "unknown request (show, reload)");
	}
	return fclose(fp) ? -errno : 0;
}

static void client_free(struct ctl_client *cl)
{
	struct ctl_client **pp;

	for (pp = &cl->ctl->clients; *pp; pp = &(*pp)->next)
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	loop_fd_close(&cl->lfd);
	free(cl);
}

static void send_all(int fd, const char *buf, size_t len)
{
	struct timeval tv = { .tv_sec = CTL_SEND_TIMEOUT_MS / 1000,
			      .tv_usec = CTL_SEND_TIMEOUT_MS % 1000 * 1000 };
	ssize_t n;
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* gone, or stopped reading: its loss */
		buf += n;
		len -= (size_t)n;
	}
}

static void client_answer(struct ctl_client *cl)
{
	char *buf = NULL, *nl;
	size_t len = 0;

	nl = memchr(cl->req, '\n', cl->len);
	cl->req[nl ? (size_t)(nl - cl->req) : cl->len] = '\0';
	if (!build_answer(cl->ctl, cl->req, &buf, &len))
		send_all(cl->lfd.fd, buf, len);
	free(buf);
	client_free(cl);
}

static void client_readable(struct loop_fd *lfd, uint32_t events)
{
	struct ctl_client *cl = lfd->arg;
	ssize_t n;

	(void)events;
	n = recv(lfd->fd, cl->req + cl->len, sizeof(cl->req) - 1 - cl->len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && !cl->len)) {
		client_free(cl);
		return;
	}
	cl->len += (size_t)n;
	/* a line, the end of the request, or all we take */
	if (n == 0 || memchr(cl->req, '\n', cl->len) ||
	    cl->len == sizeof(cl->req) - 1)
		client_answer(cl);
}

static void ctl_accept(struct loop_fd *lfd, uint32_t events)
{
	struct ctl *ctl = lfd->arg;
	struct ctl_client *cl;
	int fd;

	(void)events;
	while ((fd = accept4(lfd->fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		cl = calloc(1, sizeof(*cl));
		if (!cl) {
			close(fd);
			continue;
		}
		cl->lfd = LOOP_FD_INIT;
		cl->lfd.fd = fd;
		cl->ctl = ctl;
		if (loop_add(ctl->loop, &cl->lfd, client_readable, cl, EPOLLIN)) {
			close(fd);
			free(cl);
			continue;
		}
		cl->next = ctl->clients;
		ctl->clients = cl;
	}
}

/* ---- the listening socket ---------------------------------------------- */

/* Is a daemon answering on @sun? Then its socket must not be removed. */
static bool in_use(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = !connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return used;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, ret = 0;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	if (in_use(&sun))
		return -EADDRINUSE;
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* created 0600 from the start: no window in which others connect */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 16))
		ret = -errno;
	umask(old);
	if (!ret && chmod(path, 0600))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int ctl_open(struct ctl *ctl, struct loop *loop, const char *path,
	     const struct ctl_ops *ops, void *arg)
{
	int fd;

	memset(ctl, 0, sizeof(*ctl));
	ctl->lfd = LOOP_FD_INIT;
	ctl->worker = -1;
	ctl->loop = loop;
	ctl->ops = ops;
	ctl->arg = arg;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	fd = listen_on(path);
	if (fd < 0) {
		syslog(LOG_ERR, "control socket %s: %s%s", path,
		       strerror(-fd),
		       fd == -EADDRINUSE ? " (is another acikd running?)" : "");
		return fd;
	}
	ctl->lfd.fd = fd;
	if (loop_add(loop, &ctl->lfd, ctl_accept, ctl, EPOLLIN)) {
		ctl_close(ctl);
		return -errno;
	}
	return 0;
}

void ctl_close(struct ctl *ctl)
{
	while (ctl->clients)
		client_free(ctl->clients);
	if (ctl->lfd.fd >= 0) {
		loop_fd_close(&ctl->lfd);
		unlink(ctl->path);
	}
}

/* ---- asking another daemon ---------------------------------------------- */

static int ask_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	/* non-blocking: a daemon too busy to accept (backlog full) is an
	 * -EAGAIN at once, not a wait of unknown length */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* Read until the peer closes or @deadline_ms (loop_now_ms()) passes. */
static int ask_read(int fd, uint64_t deadline_ms, FILE *out)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char chunk[4096];
	uint64_t now;
	ssize_t n;

	for (;;) {
		now = loop_now_ms();
		if (now >= deadline_ms)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)(deadline_ms - now));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (fwrite(chunk, 1, (size_t)n, out) != (size_t)n)
			return -ENOMEM;
	}
}

int ctl_ask(const char *path, const char *req, int timeout_ms, char **buf,
	    size_t *len)
{
	uint64_t deadline = loop_now_ms() + (uint64_t)timeout_ms;
	int fd, ret;
	FILE *out;

	*buf = NULL;
	*len = 0;
	fd = ask_connect(path);
	if (fd < 0)
		return fd;
	/* the request is a short line: one send, or the daemon is gone */
	ret = dprintf(fd, "%s\n", req) < 0 ? -EPIPE : 0;
	out = ret ? NULL : open_memstream(buf, len);
	if (!ret && !out)
		ret = -errno;
	if (!ret)
		ret = ask_read(fd, deadline, out);
	if (out && fclose(out) && !ret)
		ret = -ENOMEM;
	close(fd);
	if (ret) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	return ret;
}
