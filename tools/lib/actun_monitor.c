// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: the "config" multicast group: subscription and one callback
 * per notification.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "actun_priv.h"

/* Receive buffer asked for: bursts of notifications (a batch of 100k
 * tunnel adds) should not overrun it before we read. */
#define MONITOR_RCVBUF	(8 << 20)

int actun_monitor_subscribe(struct actun_sock *sock, struct actun_error *err)
{
	int fd = actun_sock_fd(sock);
	int size = MONITOR_RCVBUF;
	int ret;

	actun_error_clear(err);
	ret = nl_socket_add_membership(sock->nl, (int)sock->mcgrp);
	if (ret < 0) {
		ret = actun_errno_from_nl(ret);	/* EPERM without CAP_NET_ADMIN */
		return actun_error_set(err, ret,
				       "cannot join multicast group \"%s\": %s",
				       ACTUN_MCGRP_CONFIG, strerror(ret));
	}
	/* the privileged variant ignores rmem_max; both are best effort */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size,
				 sizeof(size));
	sock->subscribed = true;
	return 0;
}

struct monitor_ctx {
	int family;
	actun_event_cb cb;
	void *arg;
	int ret;
};

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;	/* notifications carry sequence number 0 */
}

static int notify_cb(struct nl_msg *msg, void *arg)
{
	struct monitor_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct actun_tunnel_cfg tunnel;
	struct actun_route_cfg route;
	struct actun_fleet fleet;
	struct actun_event ev = { 0 };
	struct genlmsghdr *gnlh;
	struct actun_sa sa;

	if (nlh->nlmsg_type != ctx->family || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	gnlh = nlmsg_data(nlh);
	switch (gnlh->cmd) {
	case ACTUN_CMD_TUNNEL_NEW:
	case ACTUN_CMD_TUNNEL_DEL:
	case ACTUN_CMD_TUNNEL_SET:
		if (actun_tunnel_parse(msg, &tunnel))
			return NL_SKIP;
		ev.tunnel = &tunnel;
		break;
	case ACTUN_CMD_ROUTE_NEW:
	case ACTUN_CMD_ROUTE_DEL:
		if (actun_route_parse(msg, &route))
			return NL_SKIP;
		ev.route = &route;
		break;
	case ACTUN_CMD_SA_NEW:
	case ACTUN_CMD_SA_DEL:
	case ACTUN_CMD_SA_EXPIRE:
		if (actun_sa_parse(msg, &sa))
			return NL_SKIP;
		ev.sa = &sa;
		break;
	case ACTUN_CMD_FLEET_SET:
		if (actun_fleet_parse(msg, &fleet))
			return NL_SKIP;
		ev.fleet = &fleet;
		break;
	default:
		return NL_SKIP;	/* a later version's notification */
	}
	ev.cmd = gnlh->cmd;
	ctx->ret = ctx->cb(&ev, ctx->arg);
	return ctx->ret ? NL_STOP : NL_OK;
}

int actun_monitor_recv(struct actun_sock *sock, actun_event_cb cb, void *arg,
		       struct actun_error *err)
{
	struct monitor_ctx ctx = { .family = sock->family, .cb = cb,
				   .arg = arg };
	struct actun_event lost = { .lost = true };
	struct nl_cb *nlcb;
	int ret;

	actun_error_clear(err);
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb)
		return actun_error_set(err, ENOMEM, "out of memory");
	nl_cb_set(nlcb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, notify_cb, &ctx);

	errno = 0;
	ret = nl_recvmsgs(sock->nl, nlcb);
	if (ret < 0) {
		/* libnl reports recvmsg's ENOBUFS as NLE_NOMEM; errno tells */
		if (ret == -NLE_NOMEM && errno == ENOBUFS)
			ctx.ret = cb(&lost, arg);
		else if (ret == -NLE_AGAIN)
			ctx.ret = actun_error_set(err, EAGAIN, "no notification");
		else
			ctx.ret = actun_error_set(err,
						  actun_errno_from_nl(ret),
						  "netlink receive failed: %s",
						  nl_geterror(ret));
	}
	nl_cb_put(nlcb);
	return ctx.ret;
}

int actun_monitor_run(struct actun_sock *sock, actun_event_cb cb, void *arg,
		      struct actun_error *err)
{
	int ret;

	do
		ret = actun_monitor_recv(sock, cb, arg, err);
	while (!ret);
	return ret;
}
