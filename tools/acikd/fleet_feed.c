// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fleet_feed.c - one SOCK_SEQPACKET datagram per object to acfleetd: a
 * struct fleet_msg and the object's netlink attribute as libactun encodes
 * it for actun (tools/fleet/fleet_proto.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <netlink/msg.h>
#include <openssl/crypto.h>

#include <actun.h>
#include <fleet_proto.h>

#include "fleet_feed.h"

void fleet_feed_init(struct fleet_feed *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (path && strlen(path) < sizeof(f->path))
		strcpy(f->path, path);
}

void fleet_feed_close(struct fleet_feed *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static int feed_connect(struct fleet_feed *f)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	strcpy(sun.sun_path, f->path);
	f->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (f->fd < 0)
		return -errno;
	/* room for a burst of rekeys while acfleetd is busy */
	setsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &(int){ 1 << 20 }, sizeof(int));
	if (connect(f->fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int ret = -errno;

		fleet_feed_close(f);
		return ret;
	}
	return 0;
}

/* Send, connecting first (or again, once, if acfleetd was restarted). */
static int feed_send(struct fleet_feed *f, const void *buf, size_t len)
{
	int tries, ret = 0;

	for (tries = 0; tries < 2; tries++) {
		if (f->fd < 0 && (ret = feed_connect(f)))
			break;
		if (send(f->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		    (ssize_t)len)
			return 0;
		ret = -errno;
		if (ret == -EAGAIN)
			break;	/* acfleetd is behind: keep the connection
				 * (and the order), do not wait */
		fleet_feed_close(f);
	}
	return ret;
}

/* Wrap the nest @msg holds and send it. */
static int feed_msg(struct fleet_feed *f, bool add, uint8_t kind,
		    const char *dev, struct nl_msg *msg, const char *what)
{
	uint8_t buf[FLEET_MSG_MAX];
	struct fleet_msg *m = (struct fleet_msg *)buf;
	size_t len = nlmsg_datalen(nlmsg_hdr(msg));
	int ret = -EMSGSIZE;

	if (strlen(dev) < sizeof(m->dev) && sizeof(*m) + len <= sizeof(buf)) {
		memset(m, 0, sizeof(*m));
		m->version = FLEET_PROTO_VERSION;
		m->op = add ? FLEET_MSG_PUT : FLEET_MSG_DEL;
		m->kind = kind;
		strcpy(m->dev, dev);
		memcpy(buf + sizeof(*m), nlmsg_data(nlmsg_hdr(msg)), len);
		ret = feed_send(f, buf, sizeof(*m) + len);
		OPENSSL_cleanse(buf, sizeof(*m) + len);
	}
	if (!ret) {
		f->sent++;
		return 0;
	}
	f->lost++;
	syslog(LOG_ERR, "fleet: %s not replicated (acfleetd at %s: %s)", what,
	       f->path, strerror(-ret));
	return ret;
}

int fleet_feed_sa(struct fleet_feed *f, bool add, const char *dev,
		  const struct actun_sa *sa)
{
	struct nl_msg *msg = nlmsg_alloc();
	char what[96];
	int ret;

	if (!msg)
		return -ENOMEM;
	snprintf(what, sizeof(what), "tunnel %s: %s SA 0x%08x", sa->tunnel_name,
		 actun_sa_dir_name(sa->dir), sa->spi);
	ret = actun_sa_put(msg, sa);
	if (!ret)
		ret = feed_msg(f, add, FLEET_OBJ_SA, dev, msg, what);
	OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return ret;
}

int fleet_feed_route(struct fleet_feed *f, bool add, const char *dev,
		     const struct actun_route_cfg *r)
{
	struct nl_msg *msg = nlmsg_alloc();
	char what[64];
	int ret;

	if (!msg)
		return -ENOMEM;
	snprintf(what, sizeof(what), "tunnel %s: a route", r->tunnel_name);
	ret = actun_route_put(msg, r);
	if (!ret)
		ret = feed_msg(f, add, FLEET_OBJ_ROUTE, dev, msg, what);
	nlmsg_free(msg);
	return ret;
}
