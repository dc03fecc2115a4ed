// SPDX-License-Identifier: GPL-2.0
/*
 * The "actun" generic netlink family: registration, device resolution,
 * notifications. Its policies and operations are generated from
 * Documentation/netlink/specs/actun.yaml into netlink_gen.c; per-object
 * handlers live in netlink_<object>.c.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "device.h"
#include "netlink.h"

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
 * actun_nl_refuse_read_only - refuse the read-only nests a request carries
 * @tb: the parsed attributes of one set
 * @ro: that set's read-only nests (netlink_gen.c), ending with type 0
 * @extack: where to explain the refusal
 *
 * Read-only scalars are refused by their policy (NLA_REJECT with the
 * spec's message). A nest cannot be: 6.1 refuses an NLA_REJECT attribute
 * flagged NLA_F_NESTED as "NLA_F_NESTED not expected" before it reads the
 * message, so the handlers call this after parsing instead.
 *
 * Return: 0, or -EINVAL with @extack naming the first such nest.
 */
int actun_nl_refuse_read_only(struct nlattr **tb,
			      const struct actun_nl_read_only *ro,
			      struct netlink_ext_ack *extack)
{
	for (; ro->type; ro++) {
		if (tb[ro->type]) {
			/* as the core does for NLA_REJECT: NL_SET_ERR_MSG wants a literal */
			if (extack)
				extack->_msg = ro->msg;
			NL_SET_BAD_ATTR(extack, tb[ro->type]);
			return -EINVAL;
		}
	}
	return 0;
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
	/* Each operation has its policy (netlink_gen.c). */
	.maxattr	= ACTUN_A_MAX,
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
