// SPDX-License-Identifier: GPL-2.0
/*
 * The "actun" generic netlink family: policies, operations, device
 * resolution. Documentation/netlink/specs/actun.yaml is the contract these
 * tables implement; keep them in step. Per-object handlers live in
 * netlink_<object>.c.
 */

#include <linux/in6.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "device.h"
#include "netlink.h"

const struct nla_policy actun_tunnel_policy[ACTUN_TUNNEL_A_MAX + 1] = {
	[ACTUN_TUNNEL_A_ID]		= { .type = NLA_U32 },
	/* Length checked by the handler, to say what the limit is. */
	[ACTUN_TUNNEL_A_NAME]		= { .type = NLA_NUL_STRING },
	[ACTUN_TUNNEL_A_MODE]		= { .type = NLA_U8 },
	[ACTUN_TUNNEL_A_LOCAL_IPV4]	= { .type = NLA_BE32 },
	[ACTUN_TUNNEL_A_REMOTE_IPV4]	= { .type = NLA_BE32 },
	[ACTUN_TUNNEL_A_LOCAL_IPV6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[ACTUN_TUNNEL_A_REMOTE_IPV6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[ACTUN_TUNNEL_A_KEY]		= { .type = NLA_U32 },
	[ACTUN_TUNNEL_A_NO_KEY]		= { .type = NLA_FLAG },
	[ACTUN_TUNNEL_A_TTL]		= { .type = NLA_U8 },
	[ACTUN_TUNNEL_A_TOS]		= { .type = NLA_U8 },
	[ACTUN_TUNNEL_A_MTU]		= { .type = NLA_U32 },
	[ACTUN_TUNNEL_A_ADDR_IPV4]	= { .type = NLA_BE32 },
	[ACTUN_TUNNEL_A_ADDR_IPV6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[ACTUN_TUNNEL_A_ADDR_PREFIXLEN]	= { .type = NLA_U8 },
	[ACTUN_TUNNEL_A_NO_ADDR]	= { .type = NLA_FLAG },
	[ACTUN_TUNNEL_A_MSS]		= { .type = NLA_U16 },
	[ACTUN_TUNNEL_A_ALLOW_NULL]	= NLA_POLICY_MAX(NLA_U8, 1),
	/* Read-only: refused by actun_nl_parse_tunnel() with a reason. */
	[ACTUN_TUNNEL_A_STATE]		= { .type = NLA_U8 },
	[ACTUN_TUNNEL_A_IFINDEX]	= { .type = NLA_U32 },
	[ACTUN_TUNNEL_A_STATS]		= { .type = NLA_NESTED },
};

/*
 * Lengths and ranges the handlers check themselves, to say what is wrong in
 * actun's words: the prefix against the family, the prefix length, the
 * weight, the tunnel name.
 */
const struct nla_policy actun_route_policy[ACTUN_ROUTE_A_MAX + 1] = {
	[ACTUN_ROUTE_A_TUNNEL_ID]	= { .type = NLA_U32 },
	[ACTUN_ROUTE_A_FAMILY]		= { .type = NLA_U8 },
	[ACTUN_ROUTE_A_PREFIX]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[ACTUN_ROUTE_A_PREFIXLEN]	= { .type = NLA_U8 },
	[ACTUN_ROUTE_A_PRIORITY]	= { .type = NLA_U32 },
	[ACTUN_ROUTE_A_WEIGHT]		= { .type = NLA_U32 },
	[ACTUN_ROUTE_A_TUNNEL_NAME]	= { .type = NLA_NUL_STRING },
};

static const struct nla_policy actun_policy[ACTUN_A_MAX + 1] = {
	[ACTUN_A_IFINDEX]	= { .type = NLA_U32 },
	[ACTUN_A_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[ACTUN_A_TUNNEL]	= NLA_POLICY_NESTED(actun_tunnel_policy),
	[ACTUN_A_SA]		= NLA_POLICY_NESTED(actun_sa_policy),
	[ACTUN_A_ROUTE]		= NLA_POLICY_NESTED(actun_route_policy),
	[ACTUN_A_FLEET]		= NLA_POLICY_NESTED(actun_fleet_policy),
	[ACTUN_A_SOCKET_FD]	= { .type = NLA_U32 },
};

/**
 * actun_nl_get_dev - resolve the device a request names
 * @net: the requester's namespace
 * @attrs: top-level attributes; ACTUN_A_IFINDEX wins over ACTUN_A_IFNAME
 * @extack: where to explain a refusal
 *
 * Return: the device, held (dev_put(adev->dev) when done), or an ERR_PTR.
 */
struct actun_dev *actun_nl_get_dev(struct net *net, struct nlattr **attrs,
				   struct netlink_ext_ack *extack)
{
	struct actun_dev *adev;
	struct nlattr *attr;

	if (attrs[ACTUN_A_IFINDEX]) {
		attr = attrs[ACTUN_A_IFINDEX];
		adev = actun_dev_get_by_index(net, nla_get_u32(attr));
	} else if (attrs[ACTUN_A_IFNAME]) {
		attr = attrs[ACTUN_A_IFNAME];
		adev = actun_dev_get_by_name(net, nla_data(attr));
	} else {
		NL_SET_ERR_MSG_MOD(extack, "missing device: give ACTUN_A_IFINDEX or ACTUN_A_IFNAME");
		NL_SET_ERR_ATTR_MISS(extack, NULL, ACTUN_A_IFINDEX);
		return ERR_PTR(-EINVAL);
	}
	if (PTR_ERR(adev) == -ENODEV)
		ACTUN_ERR_ATTR(extack, attr, "no such device in this network namespace");
	else if (PTR_ERR(adev) == -EOPNOTSUPP)
		ACTUN_ERR_ATTR(extack, attr, "the device is not an actun device");
	return adev;
}

/**
 * actun_nl_notify_alloc - allocate the notification of a change
 * @info: the request making the change
 *
 * Notifications are allocated before the change they announce, so that a
 * requester asking for NLM_F_ECHO either gets the echo or an error and an
 * unchanged table, never a silent success.
 *
 * Return: the message, NULL when nobody listens, or ERR_PTR(-ENOMEM).
 */
struct sk_buff *actun_nl_notify_alloc(struct genl_info *info)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&actun_nl_family, genl_info_net(info),
				ACTUN_NLGRP_CONFIG) &&
	    !(info->nlhdr->nlmsg_flags & NLM_F_ECHO))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	return skb ?: ERR_PTR(-ENOMEM);
}

/**
 * actun_nl_notify_commit - send a filled notification, or report its loss
 * @skb: from actun_nl_notify_alloc()
 * @info: the request that made the change
 * @fill_err: what filling @skb returned
 *
 * An object always fits NLMSG_GOODSIZE, but should one not, the group's
 * listeners learn that they missed an event.
 */
void actun_nl_notify_commit(struct sk_buff *skb, struct genl_info *info,
			    int fill_err)
{
	if (fill_err) {
		nlmsg_free(skb);
		genl_set_err(&actun_nl_family, genl_info_net(info), 0,
			     ACTUN_NLGRP_CONFIG, -ENOBUFS);
		return;
	}
	genl_notify(&actun_nl_family, skb, info, ACTUN_NLGRP_CONFIG, GFP_KERNEL);
}

static int actun_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	struct actun_dev *adev;

	info->user_ptr[0] = NULL;
	if (ops->internal_flags & ACTUN_NL_NO_DEV)
		return 0;
	adev = actun_nl_get_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	info->user_ptr[0] = adev;
	return 0;
}

static void actun_nl_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			       struct genl_info *info)
{
	struct actun_dev *adev = info->user_ptr[0];

	if (adev)
		dev_put(adev->dev);
}

static const struct genl_ops actun_nl_ops[] = {
	{
		.cmd	= ACTUN_CMD_TUNNEL_NEW,
		.doit	= actun_nl_tunnel_new,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_TUNNEL_DEL,
		.doit	= actun_nl_tunnel_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_TUNNEL_GET,
		.doit	= actun_nl_tunnel_get,
		.dumpit	= actun_nl_tunnel_dump,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_TUNNEL_SET,
		.doit	= actun_nl_tunnel_set,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_ROUTE_NEW,
		.doit	= actun_nl_route_new,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_ROUTE_DEL,
		.doit	= actun_nl_route_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_ROUTE_GET,
		.dumpit	= actun_nl_route_dump,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_SA_NEW,
		.doit	= actun_nl_sa_new,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_SA_DEL,
		.doit	= actun_nl_sa_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_SA_GET,
		.doit	= actun_nl_sa_get,
		.dumpit	= actun_nl_sa_dump,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= ACTUN_CMD_FLEET_SET,
		.doit		= actun_nl_fleet_set,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= ACTUN_NL_NO_DEV,
	},
	{
		.cmd		= ACTUN_CMD_FLEET_GET,
		.doit		= actun_nl_fleet_get,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= ACTUN_NL_NO_DEV,
	},
	{
		.cmd	= ACTUN_CMD_SOCKET_ATTACH,
		.doit	= actun_nl_socket_attach,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= ACTUN_CMD_SOCKET_DETACH,
		.doit	= actun_nl_socket_detach,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group actun_nl_mcgrps[] = {
	[ACTUN_NLGRP_CONFIG] = {
		.name	= ACTUN_MCGRP_CONFIG,
		/*
		 * Notifications carry the configuration GET is guarded for;
		 * the check is in the namespace's owning user namespace.
		 */
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family actun_nl_family __ro_after_init = {
	.name		= ACTUN_GENL_NAME,
	.version	= ACTUN_GENL_VERSION,
	.maxattr	= ACTUN_A_MAX,
	.policy		= actun_policy,
	.netnsok	= true,
	/* Each device has its own lock; requests to different ones run in parallel. */
	.parallel_ops	= true,
	.pre_doit	= actun_nl_pre_doit,
	.post_doit	= actun_nl_post_doit,
	.module		= THIS_MODULE,
	.ops		= actun_nl_ops,
	.n_ops		= ARRAY_SIZE(actun_nl_ops),
	.mcgrps		= actun_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(actun_nl_mcgrps),
};

/**
 * actun_netlink_init - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int actun_netlink_init(void)
{
	return genl_register_family(&actun_nl_family);
}

/**
 * actun_netlink_exit - unregister the family; no request runs afterwards
 */
void actun_netlink_exit(void)
{
	genl_unregister_family(&actun_nl_family);
}
