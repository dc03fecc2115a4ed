// SPDX-License-Identifier: GPL-2.0
/*
 * Route commands: NEW and DEL, the dump (GET has no doit: a route is all
 * its key says), and the notifications NEW and DEL send to the "config"
 * multicast group. Deleting a tunnel deletes its routes without an event
 * per route: listeners learn it from the tunnel's DEL event, as they learn
 * a device's deletion from RTM_DELLINK.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "netlink.h"
#include "route.h"
#include "tunnel.h"

static int actun_nl_route_fill(struct sk_buff *skb, struct actun_dev *adev,
			       const struct actun_route_info *ri, u32 portid,
			       u32 seq, int flags, u8 cmd,
			       struct netlink_callback *cb)
{
	const struct actun_route_key *key = &ri->key;
	struct nlattr *nest;
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, portid, seq, &actun_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, ACTUN_A_IFINDEX, adev->dev->ifindex))
		goto cancel;
	nest = nla_nest_start(skb, ACTUN_A_ROUTE);
	if (!nest)
		goto cancel;
	if (key->family == AF_INET)
		err = nla_put_in_addr(skb, ACTUN_ROUTE_A_PREFIX, key->prefix4);
	else
		err = nla_put_in6_addr(skb, ACTUN_ROUTE_A_PREFIX, &key->prefix6);
	if (err ||
	    nla_put_u32(skb, ACTUN_ROUTE_A_TUNNEL_ID, ri->tunnel->id) ||
	    nla_put_string(skb, ACTUN_ROUTE_A_TUNNEL_NAME, ri->tunnel->name) ||
	    nla_put_u8(skb, ACTUN_ROUTE_A_FAMILY, key->family) ||
	    nla_put_u8(skb, ACTUN_ROUTE_A_PREFIXLEN, key->plen) ||
	    nla_put_u32(skb, ACTUN_ROUTE_A_PRIORITY, ri->priority) ||
	    nla_put_u32(skb, ACTUN_ROUTE_A_WEIGHT, ri->weight))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Fill and send a notification from actun_nl_notify_alloc(); NULL is a no-op. */
static void actun_nl_route_notify(struct sk_buff *skb, struct actun_dev *adev,
				  const struct actun_route_info *ri, u8 cmd,
				  struct genl_info *info)
{
	if (skb)
		actun_nl_notify_commit(skb, info,
				       actun_nl_route_fill(skb, adev, ri,
							   info->snd_portid,
							   info->snd_seq, 0,
							   cmd, NULL));
}

static int actun_nl_parse_route(struct genl_info *info, struct nlattr **tb)
{
	if (GENL_REQ_ATTR_CHECK(info, ACTUN_A_ROUTE)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing route attributes (ACTUN_A_ROUTE)");
		return -EINVAL;
	}
	return nla_parse_nested(tb, ACTUN_ROUTE_A_MAX, info->attrs[ACTUN_A_ROUTE],
				actun_route_nl_policy, info->extack);
}

/* The prefix a NEW or DEL names: family, prefix and prefix length. */
static int actun_nl_route_key(struct nlattr **tb, struct nlattr *nest,
			      struct actun_route_key *key,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *prefix = tb[ACTUN_ROUTE_A_PREFIX];
	int len, err;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ACTUN_ROUTE_A_FAMILY)) {
		NL_SET_ERR_MSG_MOD(extack, "missing route address family");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ACTUN_ROUTE_A_PREFIX)) {
		NL_SET_ERR_MSG_MOD(extack, "missing route prefix");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ACTUN_ROUTE_A_PREFIXLEN)) {
		NL_SET_ERR_MSG_MOD(extack, "missing route prefix length");
		return -EINVAL;
	}
	memset(key, 0, sizeof(*key));
	key->family = nla_get_u8(tb[ACTUN_ROUTE_A_FAMILY]);
	key->plen = nla_get_u8(tb[ACTUN_ROUTE_A_PREFIXLEN]);
	switch (key->family) {
	case AF_INET:
		len = sizeof(key->prefix4);
		break;
	case AF_INET6:
		len = sizeof(key->prefix6);
		break;
	default:
		ACTUN_ERR_ATTR(extack, tb[ACTUN_ROUTE_A_FAMILY],
			       "unknown address family (AF_INET or AF_INET6)");
		return -EAFNOSUPPORT;
	}
	if (nla_len(prefix) != len) {
		ACTUN_ERR_ATTR(extack, prefix,
			       "the prefix does not match the address family (4 bytes for AF_INET, 16 for AF_INET6)");
		return -EINVAL;
	}
	if (key->family == AF_INET)
		key->prefix4 = nla_get_in_addr(prefix);
	else
		key->prefix6 = nla_get_in6_addr(prefix);
	/* Its message says what is wrong; the errno says with which attribute. */
	err = actun_route_key_check(key, extack);
	if (err == -ERANGE)
		NL_SET_BAD_ATTR(extack, tb[ACTUN_ROUTE_A_PREFIXLEN]);
	else if (err)
		NL_SET_BAD_ATTR(extack, prefix);
	return err;
}

static int actun_nl_route_options(struct nlattr **tb,
				  struct actun_route_info *ri,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *weight = tb[ACTUN_ROUTE_A_WEIGHT];

	ri->priority = ACTUN_ROUTE_PRIORITY_DEFAULT;
	if (tb[ACTUN_ROUTE_A_PRIORITY])
		ri->priority = nla_get_u32(tb[ACTUN_ROUTE_A_PRIORITY]);
	ri->weight = ACTUN_ROUTE_WEIGHT_DEFAULT;
	if (weight)
		ri->weight = nla_get_u32(weight);
	if (!ri->weight || ri->weight > ACTUN_ROUTE_WEIGHT_MAX) {
		ACTUN_ERR_ATTR(extack, weight, "route weight out of range (1-65535)");
		return -ERANGE;
	}
	return 0;
}

/* The tunnel a request names; the caller holds the device lock. */
static struct actun_tunnel *actun_nl_route_tunnel(struct actun_dev *adev,
						  struct nlattr **tb,
						  struct nlattr *nest,
						  struct netlink_ext_ack *extack)
{
	return actun_nl_find_tunnel(adev, tb[ACTUN_ROUTE_A_TUNNEL_ID],
				    tb[ACTUN_ROUTE_A_TUNNEL_NAME], nest,
				    ACTUN_ROUTE_A_TUNNEL_NAME, extack);
}

int actun_nl_route_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_ROUTE_A_MAX + 1];
	struct nlattr *nest = info->attrs[ACTUN_A_ROUTE];
	struct actun_dev *adev = info->user_ptr[0];
	struct actun_route_info ri;
	struct sk_buff *notify;
	int err;

	err = actun_nl_parse_route(info, tb);
	if (!err)
		err = actun_nl_route_key(tb, nest, &ri.key, info->extack);
	if (!err)
		err = actun_nl_route_options(tb, &ri, info->extack);
	if (err)
		return err;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify))
		return PTR_ERR(notify);

	mutex_lock(&adev->lock);
	ri.tunnel = actun_nl_route_tunnel(adev, tb, nest, info->extack);
	if (IS_ERR(ri.tunnel))
		err = PTR_ERR(ri.tunnel);
	else
		err = actun_route_add(&adev->routes, &adev->lock, &ri.key,
				      ri.tunnel, ri.priority, ri.weight,
				      info->extack);
	if (!err) {
		actun_net_changed(genl_info_net(info));
		actun_nl_route_notify(notify, adev, &ri, ACTUN_CMD_ROUTE_NEW,
				      info);
	}
	mutex_unlock(&adev->lock);

	if (err)
		nlmsg_free(notify);
	return err;
}

int actun_nl_route_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_ROUTE_A_MAX + 1];
	struct nlattr *nest = info->attrs[ACTUN_A_ROUTE];
	struct actun_dev *adev = info->user_ptr[0];
	struct actun_tunnel *tunnel;
	struct actun_route_info ri;
	struct sk_buff *notify;
	int err;

	/* A route is its (prefix, tunnel): priority and weight are ignored. */
	err = actun_nl_parse_route(info, tb);
	if (!err)
		err = actun_nl_route_key(tb, nest, &ri.key, info->extack);
	if (err)
		return err;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify))
		return PTR_ERR(notify);

	mutex_lock(&adev->lock);
	tunnel = actun_nl_route_tunnel(adev, tb, nest, info->extack);
	if (IS_ERR(tunnel)) {
		err = PTR_ERR(tunnel);
		goto out;
	}
	/* The event describes the route as it was: read it first. */
	err = actun_route_get(&adev->routes, &adev->lock, &ri.key, tunnel, &ri);
	if (!err)
		err = actun_route_del(&adev->routes, &adev->lock, &ri.key, tunnel,
				      info->extack);
	else
		NL_SET_ERR_MSG_MOD(info->extack, "no such route");
	if (!err) {
		actun_net_changed(genl_info_net(info));
		actun_nl_route_notify(notify, adev, &ri, ACTUN_CMD_ROUTE_DEL,
				      info);
	}
out:
	mutex_unlock(&adev->lock);
	if (err)
		nlmsg_free(notify);
	return err;
}

/*
 * Dump state in cb->args:
 *   [0] ifindex of the device (route dumps name one)
 *   [1] id of the tunnel the request filtered on, 0 for every tunnel
 *   [2] first route id not yet dumped
 *   [3] set once the dump is complete
 *   [4] set once the request has been checked
 * Routes are visited in id order; resuming by id keeps the dump correct
 * while routes come and go, and every change bumps the namespace
 * generation, which marks the dump NLM_F_DUMP_INTR.
 *
 * Checked on the first dumpit call, as tunnel dumps are: only dumpit has
 * cb->extack.
 */
static int actun_nl_route_dump_filter(struct actun_dev *adev,
				      struct nlattr *nest,
				      struct netlink_callback *cb)
{
	struct nlattr *tb[ACTUN_ROUTE_A_MAX + 1];
	struct actun_tunnel *tunnel;
	int err, i;

	err = nla_parse_nested(tb, ACTUN_ROUTE_A_MAX, nest, actun_route_nl_policy,
			       cb->extack);
	if (err)
		return err;
	for (i = 0; i <= ACTUN_ROUTE_A_MAX; i++) {
		if (tb[i] && i != ACTUN_ROUTE_A_TUNNEL_ID &&
		    i != ACTUN_ROUTE_A_TUNNEL_NAME) {
			ACTUN_ERR_ATTR(cb->extack, tb[i],
				       "route dumps can only be filtered by tunnel");
			return -EINVAL;
		}
	}
	if (!tb[ACTUN_ROUTE_A_TUNNEL_ID] && !tb[ACTUN_ROUTE_A_TUNNEL_NAME])
		return 0;
	mutex_lock(&adev->lock);
	tunnel = actun_nl_route_tunnel(adev, tb, nest, cb->extack);
	if (IS_ERR(tunnel))
		err = PTR_ERR(tunnel);
	else
		cb->args[1] = tunnel->id;
	mutex_unlock(&adev->lock);
	return err;
}

static int actun_nl_route_dump_check(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct actun_dev *adev;
	int err = 0;

	adev = actun_nl_get_dev(sock_net(skb->sk), info->attrs, cb->extack);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	cb->args[0] = adev->dev->ifindex;
	if (info->attrs[ACTUN_A_ROUTE])
		err = actun_nl_route_dump_filter(adev, info->attrs[ACTUN_A_ROUTE],
						 cb);
	dev_put(adev->dev);
	return err;
}

/**
 * struct actun_nl_route_dump_ctx - what actun_nl_route_dump_one() needs
 * @skb: the message being filled
 * @cb: the dump
 * @adev: the device being dumped
 */
struct actun_nl_route_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct actun_dev *adev;
};

static int actun_nl_route_dump_one(const struct actun_route_info *ri,
				   void *arg)
{
	struct actun_nl_route_dump_ctx *ctx = arg;

	return actun_nl_route_fill(ctx->skb, ctx->adev, ri,
				   NETLINK_CB(ctx->cb->skb).portid,
				   ctx->cb->nlh->nlmsg_seq, NLM_F_MULTI,
				   ACTUN_CMD_ROUTE_GET, ctx->cb);
}

int actun_nl_route_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct actun_nl_route_dump_ctx ctx = { .skb = skb, .cb = cb };
	struct net *net = sock_net(skb->sk);
	unsigned long next_id = cb->args[2];
	struct actun_tunnel *only = NULL;
	struct net_device *dev;
	int err = 0;

	/* Also on the last call: NLMSG_DONE is checked against it too. */
	cb->seq = atomic_read(&actun_net(net)->generation);
	if (cb->args[3])
		return 0;
	if (!cb->args[4]) {
		err = actun_nl_route_dump_check(skb, cb);
		if (err)
			return err;
		cb->args[4] = 1;
	}

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, cb->args[0]);
	/* A device or tunnel gone mid-dump ends it; the generation moved. */
	if (dev && dev->rtnl_link_ops == &actun_link_ops) {
		ctx.adev = netdev_priv(dev);
		if (cb->args[1])
			only = actun_tunnel_find_id(&ctx.adev->tunnels,
						    cb->args[1]);
		if (!cb->args[1] || only)
			err = actun_route_walk(&ctx.adev->routes, &next_id,
					       only, actun_nl_route_dump_one,
					       &ctx);
	}
	rcu_read_unlock();

	if (!err)
		cb->args[3] = 1;
	cb->args[2] = next_id;
	return skb->len;
}
