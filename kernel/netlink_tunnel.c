// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel commands: NEW, DEL, SET, GET and its dump, and the notifications
 * each change sends to the "config" multicast group.
 */

#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "device.h"
#include "endpoint.h"
#include "mss.h"
#include "netlink.h"
#include "tunnel.h"

static int actun_nl_put_stats(struct sk_buff *skb, struct actun_tunnel *tunnel)
{
	u64 c[ACTUN_TC_MAX];
	struct nlattr *nest;
	int i, attr;

	/*
	 * Counter i is reported as attribute ACTUN_STATS_A_RX_PACKETS + i,
	 * one more from ACTUN_STATS_A_PAD on: counters added since the pad
	 * attribute follow it, so that no attribute changes its number.
	 */
	BUILD_BUG_ON(ACTUN_STATS_A_RX_PACKETS + ACTUN_TC_MAX != ACTUN_STATS_A_MAX);
	actun_counters_read(tunnel->stats, ACTUN_TC_MAX, c);
	nest = nla_nest_start(skb, ACTUN_TUNNEL_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ACTUN_TC_MAX; i++) {
		attr = ACTUN_STATS_A_RX_PACKETS + i;
		if (attr >= ACTUN_STATS_A_PAD)
			attr++;
		if (nla_put_u64_64bit(skb, attr, c[i], ACTUN_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int actun_nl_tunnel_fill(struct sk_buff *skb, struct actun_dev *adev,
				struct actun_tunnel *tunnel, u32 portid,
				u32 seq, int flags, u8 cmd,
				struct netlink_callback *cb)
{
	const struct actun_tunnel_params *p;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &actun_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, ACTUN_A_IFINDEX, adev->dev->ifindex))
		goto cancel;
	nest = nla_nest_start(skb, ACTUN_A_TUNNEL);
	if (!nest)
		goto cancel;

	rcu_read_lock();
	p = rcu_dereference(tunnel->params);
	if (nla_put_u32(skb, ACTUN_TUNNEL_A_ID, tunnel->id) ||
	    nla_put_string(skb, ACTUN_TUNNEL_A_NAME, tunnel->name) ||
	    nla_put_u8(skb, ACTUN_TUNNEL_A_MODE, tunnel->mode) ||
	    nla_put_u8(skb, ACTUN_TUNNEL_A_STATE, tunnel->state) ||
	    nla_put_u32(skb, ACTUN_TUNNEL_A_IFINDEX, adev->dev->ifindex) ||
	    nla_put_in_addr(skb, ACTUN_TUNNEL_A_LOCAL_IPV4, p->local) ||
	    nla_put_in_addr(skb, ACTUN_TUNNEL_A_REMOTE_IPV4, p->remote) ||
	    nla_put_u8(skb, ACTUN_TUNNEL_A_TTL, p->ttl) ||
	    nla_put_u8(skb, ACTUN_TUNNEL_A_TOS, p->tos) ||
	    nla_put_u32(skb, ACTUN_TUNNEL_A_MTU, p->mtu) ||
	    nla_put_u16(skb, ACTUN_TUNNEL_A_MSS,
			actun_mss_effective(p, actun_tunnel_keyed_mtu(p),
					    htons(ETH_P_IP))) ||
	    (p->has_key && nla_put_u32(skb, ACTUN_TUNNEL_A_KEY, p->key)) ||
	    (p->addr_family == AF_INET &&
	     nla_put_in_addr(skb, ACTUN_TUNNEL_A_ADDR_IPV4, p->addr4)) ||
	    (p->addr_family == AF_INET6 &&
	     nla_put_in6_addr(skb, ACTUN_TUNNEL_A_ADDR_IPV6, &p->addr6)) ||
	    (p->addr_family &&
	     nla_put_u8(skb, ACTUN_TUNNEL_A_ADDR_PREFIXLEN, p->addr_prefixlen)) ||
	    (tunnel->mode == ACTUN_MODE_IPSEC &&
	     nla_put_u8(skb, ACTUN_TUNNEL_A_ALLOW_NULL, p->allow_null))) {
		rcu_read_unlock();
		goto cancel;
	}
	rcu_read_unlock();
	if (actun_nl_put_stats(skb, tunnel))
		goto cancel;

	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Fill and send a notification from actun_nl_notify_alloc(); NULL is a no-op. */
static void actun_nl_notify_send(struct sk_buff *skb, struct actun_dev *adev,
				 struct actun_tunnel *tunnel, u8 cmd,
				 struct genl_info *info)
{
	if (skb)
		actun_nl_notify_commit(skb, info,
				       actun_nl_tunnel_fill(skb, adev, tunnel,
							    info->snd_portid,
							    info->snd_seq, 0,
							    cmd, NULL));
}

static int actun_nl_parse_tunnel(struct genl_info *info, struct nlattr **tb)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ACTUN_A_TUNNEL)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing tunnel attributes (ACTUN_A_TUNNEL)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, ACTUN_TUNNEL_A_MAX,
			       info->attrs[ACTUN_A_TUNNEL],
			       actun_tunnel_nl_policy, info->extack);
	if (err)
		return err;
	return actun_nl_refuse_read_only(tb, actun_tunnel_read_only,
					 info->extack);
}

static bool actun_name_valid(const char *name)
{
	for (; *name; name++)
		if (!isgraph(*name))
			return false;
	return true;
}

static int actun_nl_check_name(struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	const char *name = nla_data(attr);

	if (!*name) {
		ACTUN_ERR_ATTR(extack, attr, "tunnel name must not be empty");
		return -EINVAL;
	}
	if (strlen(name) >= ACTUN_TUNNEL_NAMSIZ) {
		ACTUN_ERR_ATTR(extack, attr, "tunnel name is longer than 31 bytes");
		return -ENAMETOOLONG;
	}
	if (!actun_name_valid(name)) {
		ACTUN_ERR_ATTR(extack, attr, "tunnel name may only contain printable characters other than space");
		return -EINVAL;
	}
	return 0;
}

static bool actun_unicast4(__be32 addr)
{
	return !ipv4_is_zeronet(addr) && !ipv4_is_multicast(addr) &&
	       !ipv4_is_lbcast(addr) && !ipv4_is_loopback(addr);
}

static int actun_nl_apply_endpoints(struct nlattr **tb,
				    struct actun_tunnel_params *p,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *v6 = tb[ACTUN_TUNNEL_A_LOCAL_IPV6] ?:
			    tb[ACTUN_TUNNEL_A_REMOTE_IPV6];

	if (v6) {
		ACTUN_ERR_ATTR(extack, v6, "IPv6 outer addresses are not supported: local and remote must be IPv4");
		return -EAFNOSUPPORT;
	}
	if (tb[ACTUN_TUNNEL_A_LOCAL_IPV4])
		p->local = nla_get_in_addr(tb[ACTUN_TUNNEL_A_LOCAL_IPV4]);
	if (tb[ACTUN_TUNNEL_A_REMOTE_IPV4])
		p->remote = nla_get_in_addr(tb[ACTUN_TUNNEL_A_REMOTE_IPV4]);
	if (!actun_unicast4(p->local)) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_LOCAL_IPV4],
				    "local address must be a unicast address");
		return -EINVAL;
	}
	if (!actun_unicast4(p->remote)) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_REMOTE_IPV4],
				    "remote address must be a unicast address");
		return -EINVAL;
	}
	if (p->local == p->remote) {
		NL_SET_ERR_MSG_MOD(extack, "local and remote addresses must differ");
		return -EINVAL;
	}
	return 0;
}

static int actun_nl_apply_key(struct nlattr **tb, u8 mode,
			      struct actun_tunnel_params *p,
			      struct netlink_ext_ack *extack)
{
	if (tb[ACTUN_TUNNEL_A_KEY] && tb[ACTUN_TUNNEL_A_NO_KEY]) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_NO_KEY],
				    "key and no-key are mutually exclusive");
		return -EINVAL;
	}
	if (tb[ACTUN_TUNNEL_A_KEY]) {
		if (mode != ACTUN_MODE_GRE) {
			ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_KEY],
					    "a key is only valid for gre tunnels");
			return -EINVAL;
		}
		p->key = nla_get_u32(tb[ACTUN_TUNNEL_A_KEY]);
		p->has_key = true;
	}
	if (tb[ACTUN_TUNNEL_A_NO_KEY])
		p->has_key = false;
	return 0;
}

static int actun_nl_apply_mtu(struct nlattr **tb, struct actun_tunnel_params *p,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *attr = tb[ACTUN_TUNNEL_A_MTU];
	u32 mtu;

	if (!attr)
		return 0;
	mtu = nla_get_u32(attr);
	if (mtu < ACTUN_MTU_MIN || mtu > ACTUN_MTU_MAX) {
		ACTUN_ERR_ATTR(extack, attr, "mtu out of range (68-65511)");
		return -ERANGE;
	}
	p->mtu = mtu;
	return 0;
}

/* The health-probe address is one end of a /31 or /30 (IPv6: /127, /126). */
static int actun_nl_check_addr4(struct nlattr *attr, u8 plen,
				struct netlink_ext_ack *extack)
{
	u32 host;

	if (plen != 30 && plen != 31) {
		NL_SET_ERR_MSG_MOD(extack, "an IPv4 interface address must be a /30 or /31");
		return -EINVAL;
	}
	host = ntohl(nla_get_in_addr(attr)) & ((1U << (32 - plen)) - 1);
	if (plen == 30 && (host == 0 || host == 3)) {
		ACTUN_ERR_ATTR(extack, attr, "a /30 interface address must not be the network or broadcast address");
		return -EINVAL;
	}
	return 0;
}

static int actun_nl_apply_addr(struct nlattr **tb,
			       struct actun_tunnel_params *p,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *a4 = tb[ACTUN_TUNNEL_A_ADDR_IPV4];
	struct nlattr *a6 = tb[ACTUN_TUNNEL_A_ADDR_IPV6];
	struct nlattr *len = tb[ACTUN_TUNNEL_A_ADDR_PREFIXLEN];
	u8 plen;
	int err;

	if (tb[ACTUN_TUNNEL_A_NO_ADDR]) {
		if (a4 || a6 || len) {
			ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_NO_ADDR],
					    "no-address cannot be combined with an address");
			return -EINVAL;
		}
		p->addr_family = 0;
		p->addr_prefixlen = 0;
		memset(&p->addr6, 0, sizeof(p->addr6));
		return 0;
	}
	if (!a4 && !a6) {
		if (len) {
			ACTUN_ERR_ATTR(extack, len, "a prefix length needs an interface address");
			return -EINVAL;
		}
		return 0;
	}
	if (a4 && a6) {
		ACTUN_ERR_ATTR(extack, a6, "give one interface address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (!len) {
		NL_SET_ERR_MSG_MOD(extack, "an interface address needs a prefix length");
		return -EINVAL;
	}
	plen = nla_get_u8(len);
	memset(&p->addr6, 0, sizeof(p->addr6));
	if (a4) {
		err = actun_nl_check_addr4(a4, plen, extack);
		if (err)
			return err;
		p->addr_family = AF_INET;
		p->addr4 = nla_get_in_addr(a4);
	} else {
		if (plen != 126 && plen != 127) {
			ACTUN_ERR_ATTR(extack, len, "an IPv6 interface address must be a /126 or /127");
			return -EINVAL;
		}
		p->addr_family = AF_INET6;
		p->addr6 = nla_get_in6_addr(a6);
	}
	p->addr_prefixlen = plen;
	return 0;
}

/*
 * Apply the mutable attributes of a NEW or SET request to @p, which holds
 * the defaults or the current configuration. Nothing is published here, so a
 * refusal leaves the tunnel as it was.
 */
static int actun_nl_apply(struct nlattr **tb, u8 mode,
			  struct actun_tunnel_params *p,
			  struct netlink_ext_ack *extack)
{
	int err;

	err = actun_nl_apply_endpoints(tb, p, extack);
	if (!err)
		err = actun_nl_apply_key(tb, mode, p, extack);
	if (!err)
		err = actun_nl_apply_mtu(tb, p, extack);
	if (!err)
		err = actun_nl_apply_addr(tb, p, extack);
	if (err)
		return err;
	if (tb[ACTUN_TUNNEL_A_MSS]) {
		u16 mss = nla_get_u16(tb[ACTUN_TUNNEL_A_MSS]);

		if (mss && (mss < ACTUN_MSS_MIN || mss > p->mtu - 40)) {
			ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_MSS],
				       "mss out of range (536 to the mtu less 40; 0 derives it from the mtu)");
			return -ERANGE;
		}
		p->mss = mss;
	}
	if (tb[ACTUN_TUNNEL_A_ALLOW_NULL]) {
		if (mode != ACTUN_MODE_IPSEC) {
			ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_ALLOW_NULL],
				       "allow-null only applies to ipsec tunnels");
			return -EINVAL;
		}
		p->allow_null = nla_get_u8(tb[ACTUN_TUNNEL_A_ALLOW_NULL]);
	}
	if (tb[ACTUN_TUNNEL_A_TTL])
		p->ttl = nla_get_u8(tb[ACTUN_TUNNEL_A_TTL]);
	if (tb[ACTUN_TUNNEL_A_TOS])
		p->tos = nla_get_u8(tb[ACTUN_TUNNEL_A_TOS]);
	return 0;
}

static int actun_nl_check_new(struct genl_info *info, struct nlattr *nest,
			      struct nlattr **tb)
{
	struct netlink_ext_ack *extack = info->extack;
	u8 mode;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ACTUN_TUNNEL_A_NAME)) {
		NL_SET_ERR_MSG_MOD(extack, "missing tunnel name");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, ACTUN_TUNNEL_A_MODE)) {
		NL_SET_ERR_MSG_MOD(extack, "missing tunnel mode");
		return -EINVAL;
	}
	mode = nla_get_u8(tb[ACTUN_TUNNEL_A_MODE]);
	if (mode != ACTUN_MODE_GRE && mode != ACTUN_MODE_IPSEC) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_MODE],
				    "unknown tunnel mode (gre or ipsec)");
		return -EINVAL;
	}
	if (!tb[ACTUN_TUNNEL_A_LOCAL_IPV4] && !tb[ACTUN_TUNNEL_A_LOCAL_IPV6]) {
		NL_SET_ERR_MSG_MOD(extack, "missing local address");
		NL_SET_ERR_ATTR_MISS(extack, nest, ACTUN_TUNNEL_A_LOCAL_IPV4);
		return -EINVAL;
	}
	if (!tb[ACTUN_TUNNEL_A_REMOTE_IPV4] && !tb[ACTUN_TUNNEL_A_REMOTE_IPV6]) {
		NL_SET_ERR_MSG_MOD(extack, "missing remote address");
		NL_SET_ERR_ATTR_MISS(extack, nest, ACTUN_TUNNEL_A_REMOTE_IPV4);
		return -EINVAL;
	}
	if (tb[ACTUN_TUNNEL_A_ID] && !nla_get_u32(tb[ACTUN_TUNNEL_A_ID])) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_ID],
				    "tunnel id 0 is reserved (leave the id out to have one allocated)");
		return -EINVAL;
	}
	if (tb[ACTUN_TUNNEL_A_NO_KEY] || tb[ACTUN_TUNNEL_A_NO_ADDR]) {
		ACTUN_ERR_ATTR(extack, tb[ACTUN_TUNNEL_A_NO_KEY] ?:
				    tb[ACTUN_TUNNEL_A_NO_ADDR],
				    "no-key and no-address only apply to an existing tunnel");
		return -EINVAL;
	}
	return actun_nl_check_name(tb[ACTUN_TUNNEL_A_NAME], extack);
}

static struct actun_tunnel_params *
actun_nl_new_params(struct nlattr **tb, u8 mode, struct netlink_ext_ack *extack)
{
	struct actun_tunnel_params *p;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->mtu = mode == ACTUN_MODE_IPSEC ? ACTUN_MTU_IPSEC_DEFAULT :
					    ACTUN_MTU_DEFAULT;
	p->tos = ACTUN_TOS_INHERIT;
	err = actun_nl_apply(tb, mode, p, extack);
	if (err) {
		kfree(p);
		return ERR_PTR(err);
	}
	return p;
}

/* GRE tunnels receive through the namespace's endpoint index. */
static int actun_nl_tunnel_bind(struct actun_dev *adev,
				struct actun_tunnel *tunnel,
				const struct actun_tunnel_params *params,
				struct netlink_ext_ack *extack)
{
	if (tunnel->mode != ACTUN_MODE_GRE)
		return 0;
	return actun_endpoint_bind(&actun_net(dev_net(adev->dev))->gre, tunnel,
				   params, extack);
}

int actun_nl_tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_TUNNEL_A_MAX + 1];
	struct actun_dev *adev = info->user_ptr[0];
	struct actun_tunnel_params *params;
	struct actun_tunnel *tunnel;
	struct sk_buff *notify;
	u8 mode;
	int err;

	err = actun_nl_parse_tunnel(info, tb);
	if (!err)
		err = actun_nl_check_new(info, info->attrs[ACTUN_A_TUNNEL], tb);
	if (err)
		return err;
	mode = nla_get_u8(tb[ACTUN_TUNNEL_A_MODE]);
	params = actun_nl_new_params(tb, mode, info->extack);
	if (IS_ERR(params))
		return PTR_ERR(params);
	tunnel = actun_tunnel_alloc(nla_data(tb[ACTUN_TUNNEL_A_NAME]), mode,
				    params);
	if (!tunnel) {
		kfree(params);
		return -ENOMEM;
	}
	if (tb[ACTUN_TUNNEL_A_ID])
		tunnel->id = nla_get_u32(tb[ACTUN_TUNNEL_A_ID]);
	tunnel->adev = adev;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify)) {
		actun_tunnel_free_unpublished(tunnel);
		return PTR_ERR(notify);
	}

	mutex_lock(&adev->lock);
	if (adev->dead) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device is being deleted");
		err = -ENODEV;
	} else {
		err = actun_tunnel_insert(&adev->tunnels, tunnel, info->extack);
	}
	if (!err) {
		err = actun_nl_tunnel_bind(adev, tunnel, params, info->extack);
		if (err) {
			/* Dumps may have seen it: unpublish and free via RCU. */
			actun_tunnel_remove(&adev->tunnels, tunnel);
			tunnel = NULL;
		}
	}
	if (!err) {
		actun_net_changed(genl_info_net(info));
		actun_nl_notify_send(notify, adev, tunnel, ACTUN_CMD_TUNNEL_NEW,
				     info);
	}
	mutex_unlock(&adev->lock);

	if (err) {
		nlmsg_free(notify);
		if (tunnel)
			actun_tunnel_free_unpublished(tunnel);
	}
	return err;
}

/**
 * actun_nl_find_tunnel - find the tunnel a request names
 * @adev: the device; the caller holds its lock
 * @id: u32 attribute with the tunnel id, or NULL
 * @name: string attribute with the tunnel name, or NULL
 * @nest: the nest @id and @name belong in
 * @miss_type: the attribute to report missing when both are NULL
 * @extack: where to explain a refusal
 *
 * By id, by name, or by both when they agree; shared by the tunnel and
 * route commands.
 *
 * Return: the tunnel, valid while the lock is held, or an ERR_PTR.
 */
struct actun_tunnel *actun_nl_find_tunnel(struct actun_dev *adev,
					  struct nlattr *id,
					  struct nlattr *name,
					  struct nlattr *nest, int miss_type,
					  struct netlink_ext_ack *extack)
{
	struct actun_tunnel *by_id = NULL, *by_name = NULL;

	lockdep_assert_held(&adev->lock);
	if (adev->dead) {
		NL_SET_ERR_MSG_MOD(extack, "the device is being deleted");
		return ERR_PTR(-ENODEV);
	}
	if (!id && !name) {
		NL_SET_ERR_MSG_MOD(extack, "missing tunnel id or name");
		NL_SET_ERR_ATTR_MISS(extack, nest, miss_type);
		return ERR_PTR(-EINVAL);
	}
	if (id) {
		by_id = actun_tunnel_find_id(&adev->tunnels, nla_get_u32(id));
		if (!by_id) {
			ACTUN_ERR_ATTR(extack, id, "no tunnel with this id on the device");
			return ERR_PTR(-ENOENT);
		}
	}
	if (name && strlen(nla_data(name)) >= ACTUN_TUNNEL_NAMSIZ) {
		ACTUN_ERR_ATTR(extack, name, "tunnel name is longer than 31 bytes");
		return ERR_PTR(-ENAMETOOLONG);
	}
	if (name) {
		by_name = actun_tunnel_find_name(&adev->tunnels, nla_data(name));
		if (!by_name) {
			ACTUN_ERR_ATTR(extack, name, "no tunnel with this name on the device");
			return ERR_PTR(-ENOENT);
		}
	}
	if (by_id && by_name && by_id != by_name) {
		NL_SET_ERR_MSG_MOD(extack, "tunnel id and name refer to different tunnels");
		return ERR_PTR(-EINVAL);
	}
	return by_id ?: by_name;
}

/* The tunnel a DEL, GET or SET names in its ACTUN_A_TUNNEL nest. */
static struct actun_tunnel *actun_nl_find(struct actun_dev *adev,
					  struct nlattr **tb,
					  struct nlattr *nest,
					  struct netlink_ext_ack *extack)
{
	return actun_nl_find_tunnel(adev, tb[ACTUN_TUNNEL_A_ID],
				    tb[ACTUN_TUNNEL_A_NAME], nest,
				    ACTUN_TUNNEL_A_NAME, extack);
}

int actun_nl_tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_TUNNEL_A_MAX + 1];
	struct actun_dev *adev = info->user_ptr[0];
	struct actun_tunnel *tunnel;
	struct sk_buff *notify;
	int err;

	err = actun_nl_parse_tunnel(info, tb);
	if (err)
		return err;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify))
		return PTR_ERR(notify);
	mutex_lock(&adev->lock);
	tunnel = actun_nl_find(adev, tb, info->attrs[ACTUN_A_TUNNEL],
			       info->extack);
	if (IS_ERR(tunnel)) {
		err = PTR_ERR(tunnel);
		nlmsg_free(notify);
		goto out;
	}
	/* The event describes the tunnel as it was, so fill it first. */
	actun_nl_notify_send(notify, adev, tunnel, ACTUN_CMD_TUNNEL_DEL, info);
	actun_endpoint_unbind(&actun_net(dev_net(adev->dev))->gre, tunnel);
	actun_sa_unlink_tunnel(&actun_net(dev_net(adev->dev))->sa_in, tunnel);
	actun_route_remove_tunnel(&adev->routes, &adev->lock, tunnel);
	actun_tunnel_remove(&adev->tunnels, tunnel);
	actun_net_changed(genl_info_net(info));
out:
	mutex_unlock(&adev->lock);
	return err;
}

static int actun_nl_set_locked(struct actun_dev *adev, struct nlattr **tb,
			       struct genl_info *info, struct sk_buff *notify)
{
	const struct actun_tunnel_params *old;
	struct actun_tunnel_params *params;
	bool endpoints_changed;
	struct actun_tunnel *tunnel;
	int err;

	tunnel = actun_nl_find(adev, tb, info->attrs[ACTUN_A_TUNNEL],
			       info->extack);
	if (IS_ERR(tunnel))
		return PTR_ERR(tunnel);
	if (tb[ACTUN_TUNNEL_A_MODE] &&
	    nla_get_u8(tb[ACTUN_TUNNEL_A_MODE]) != tunnel->mode) {
		ACTUN_ERR_ATTR(info->extack, tb[ACTUN_TUNNEL_A_MODE],
				    "the mode of a tunnel cannot be changed");
		return -EINVAL;
	}
	params = kmemdup(rcu_dereference_protected(tunnel->params,
						   lockdep_is_held(&adev->lock)),
			 sizeof(*params), GFP_KERNEL);
	if (!params)
		return -ENOMEM;
	err = actun_nl_apply(tb, tunnel->mode, params, info->extack);
	if (!err)
		err = actun_nl_tunnel_bind(adev, tunnel, params, info->extack);
	if (err) {
		kfree(params);
		return err;
	}
	old = rcu_dereference_protected(tunnel->params,
					lockdep_is_held(&adev->lock));
	endpoints_changed = old->local != params->local ||
			    old->remote != params->remote;
	actun_tunnel_replace_params(tunnel, params, &adev->lock);
	if (endpoints_changed)
		dst_cache_reset(&tunnel->dst_cache);
	actun_net_changed(genl_info_net(info));
	actun_nl_notify_send(notify, adev, tunnel, ACTUN_CMD_TUNNEL_SET, info);
	return 0;
}

int actun_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_TUNNEL_A_MAX + 1];
	struct actun_dev *adev = info->user_ptr[0];
	struct sk_buff *notify;
	int err;

	err = actun_nl_parse_tunnel(info, tb);
	if (err)
		return err;
	notify = actun_nl_notify_alloc(info);
	if (IS_ERR(notify))
		return PTR_ERR(notify);
	mutex_lock(&adev->lock);
	err = actun_nl_set_locked(adev, tb, info, notify);
	mutex_unlock(&adev->lock);
	if (err)
		nlmsg_free(notify);
	return err;
}

int actun_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[ACTUN_TUNNEL_A_MAX + 1];
	struct actun_dev *adev = info->user_ptr[0];
	struct actun_tunnel *tunnel;
	struct sk_buff *msg;
	int err;

	err = actun_nl_parse_tunnel(info, tb);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&adev->lock);
	tunnel = actun_nl_find(adev, tb, info->attrs[ACTUN_A_TUNNEL],
			       info->extack);
	if (IS_ERR(tunnel))
		err = PTR_ERR(tunnel);
	else
		err = actun_nl_tunnel_fill(msg, adev, tunnel, info->snd_portid,
					   info->snd_seq, 0,
					   ACTUN_CMD_TUNNEL_GET, NULL);
	mutex_unlock(&adev->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump state in cb->args:
 *   [0] ifindex of the device being dumped (devices go in ifindex order);
 *       a long, so that moving past ifindex INT_MAX cannot wrap
 *   [1] first tunnel id not yet dumped on that device
 *   [2] ifindex the request filtered on, or 0 for every actun device
 *   [3] set once the dump is complete
 *   [4] set once the request has been checked
 * Resuming by (ifindex, id) rather than by position keeps a dump correct when
 * devices or tunnels come and go between messages; such a change also bumps
 * the namespace generation, which marks the dump NLM_F_DUMP_INTR.
 *
 * The request is checked on the first dumpit call rather than in .start,
 * because only dumpit has cb->extack to explain a refusal.
 */
static int actun_nl_dump_check(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct actun_dev *adev;

	if (!info->attrs[ACTUN_A_IFINDEX] && !info->attrs[ACTUN_A_IFNAME])
		return 0;
	adev = actun_nl_get_dev(sock_net(skb->sk), info->attrs, cb->extack);
	if (IS_ERR(adev))
		return PTR_ERR(adev);
	cb->args[2] = adev->dev->ifindex;
	dev_put(adev->dev);
	return 0;
}

/* The actun device with the lowest ifindex >= @ifindex, under RCU. */
static struct actun_dev *actun_nl_next_dev(struct actun_net *an, long ifindex,
					   int only)
{
	struct actun_dev *adev, *best = NULL;

	list_for_each_entry_rcu(adev, &an->devices, net_node) {
		int idx = adev->dev->ifindex;

		if (idx < ifindex || (only && idx != only))
			continue;
		if (!best || idx < best->dev->ifindex)
			best = adev;
	}
	return best;
}

static int actun_nl_dump_dev(struct sk_buff *skb, struct netlink_callback *cb,
			     struct actun_dev *adev, unsigned long *next_id)
{
	struct actun_tunnel *tunnel;
	unsigned long id;

	xa_for_each_start(&adev->tunnels.by_id, id, tunnel, *next_id) {
		if (actun_nl_tunnel_fill(skb, adev, tunnel,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI,
					 ACTUN_CMD_TUNNEL_GET, cb)) {
			*next_id = id;
			return -EMSGSIZE;
		}
	}
	return 0;
}

int actun_nl_tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct actun_net *an = actun_net(sock_net(skb->sk));
	unsigned long next_id = cb->args[1];
	long ifindex = cb->args[0];
	struct actun_dev *adev;
	int err;

	/* Also on the last call: NLMSG_DONE is checked against it too. */
	cb->seq = atomic_read(&an->generation);
	if (cb->args[3])
		return 0;
	if (!cb->args[4]) {
		err = actun_nl_dump_check(skb, cb);
		if (err)
			return err;
		cb->args[4] = 1;
	}

	rcu_read_lock();
	while ((adev = actun_nl_next_dev(an, ifindex, cb->args[2]))) {
		if (adev->dev->ifindex != ifindex) {
			ifindex = adev->dev->ifindex;
			next_id = 0;
		}
		if (actun_nl_dump_dev(skb, cb, adev, &next_id))
			break;
		ifindex++;
		next_id = 0;
	}
	rcu_read_unlock();

	if (!adev)
		cb->args[3] = 1;
	cb->args[0] = ifindex;
	cb->args[1] = next_id;
	return skb->len;
}
