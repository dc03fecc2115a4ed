// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: opening the generic netlink socket and resolving the "actun"
 * family and its "config" multicast group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <linux/genetlink.h>

#include "actun_priv.h"

struct family_info {
	bool found;
	int id;
	uint32_t version;
	bool has_grp;
	uint32_t grp;
};

static int family_cb(struct nl_msg *msg, void *arg)
{
	static const struct nla_policy policy[CTRL_ATTR_MAX + 1] = {
		[CTRL_ATTR_FAMILY_ID]	 = { .type = NLA_U16 },
		[CTRL_ATTR_VERSION]	 = { .type = NLA_U32 },
		[CTRL_ATTR_MCAST_GROUPS] = { .type = NLA_NESTED },
	};
	static const struct nla_policy grp_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = { .type = NLA_STRING, .minlen = 1 },
		[CTRL_ATTR_MCAST_GRP_ID]   = { .type = NLA_U32 },
	};
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct family_info *info = arg;
	struct nlattr *grp;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, policy) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	info->found = true;
	info->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		info->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nla_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		if (nla_parse_nested(gtb, CTRL_ATTR_MCAST_GRP_MAX, grp,
				     grp_policy) < 0)
			return -EBADMSG;
		if (gtb[CTRL_ATTR_MCAST_GRP_NAME] && gtb[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nla_get_string(gtb[CTRL_ATTR_MCAST_GRP_NAME]),
			    ACTUN_MCGRP_CONFIG)) {
			info->has_grp = true;
			info->grp = nla_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
	return 0;
}

static int resolve_family(struct actun_sock *sock, struct actun_error *err)
{
	struct family_info info = { 0 };
	struct nl_msg *msg;
	int ret;

	msg = actun_msg_new_family(sock, GENL_ID_CTRL, 1, CTRL_CMD_GETFAMILY,
				   0);
	if (!msg)
		return actun_error_set(err, ENOMEM, "out of memory");
	if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, ACTUN_GENL_NAME) < 0) {
		nlmsg_free(msg);
		return actun_error_set(err, ENOMEM, "out of memory");
	}
	ret = actun_request(sock, msg, family_cb, &info, err);
	nlmsg_free(msg);

	if (ret == -ENOENT)
		return actun_error_set(err, ENOENT,
				       "generic netlink family \"%s\" not found",
				       ACTUN_GENL_NAME);
	if (ret)
		return ret;
	if (!info.found)
		return actun_error_set(err, EPROTO,
				       "no reply to the family lookup of \"%s\"",
				       ACTUN_GENL_NAME);
	if (!info.has_grp)
		return actun_error_set(err, EPROTO,
				       "generic netlink family \"%s\" has no \"%s\" multicast group",
				       ACTUN_GENL_NAME, ACTUN_MCGRP_CONFIG);
	sock->family = info.id;
	sock->version = info.version;
	sock->mcgrp = info.grp;
	return 0;
}

/* Ask for extack messages and capped error replies; older kernels lack
 * them, which only costs the messages. */
static void enable_ext_ack(struct actun_sock *sock)
{
	int fd = nl_socket_get_fd(sock->nl);
	int one = 1;

	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

int actun_sock_open(struct actun_sock **sockp, struct actun_error *err)
{
	struct actun_sock *sock;
	int ret;

	*sockp = NULL;
	actun_error_clear(err);

	sock = calloc(1, sizeof(*sock));
	if (!sock)
		return actun_error_set(err, ENOMEM, "out of memory");
	sock->nl = nl_socket_alloc();
	if (!sock->nl) {
		free(sock);
		return actun_error_set(err, ENOMEM, "out of memory");
	}
	/* we set NLM_F_ACK ourselves and check sequence numbers ourselves */
	nl_socket_disable_auto_ack(sock->nl);
	/* peek at each datagram's size so large dump batches fit */
	nl_socket_enable_msg_peek(sock->nl);

	ret = nl_connect(sock->nl, NETLINK_GENERIC);
	if (ret < 0) {
		ret = actun_error_set(err, actun_errno_from_nl(ret),
				      "cannot open a generic netlink socket: %s",
				      nl_geterror(ret));
		goto fail;
	}
	enable_ext_ack(sock);

	ret = resolve_family(sock, err);
	if (ret)
		goto fail;
	*sockp = sock;
	return 0;

fail:
	nl_socket_free(sock->nl);
	free(sock);
	return ret;
}

void actun_sock_close(struct actun_sock *sock)
{
	if (!sock)
		return;
	nl_socket_free(sock->nl);
	free(sock);
}

int actun_sock_fd(const struct actun_sock *sock)
{
	return nl_socket_get_fd(sock->nl);
}

uint32_t actun_sock_version(const struct actun_sock *sock)
{
	return sock->version;
}
