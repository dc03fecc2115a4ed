// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: routes: struct actun_route_cfg to and from the ACTUN_A_ROUTE
 * nest, and the commands (NEW, DEL, dump).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "actun_priv.h"

/* What names a route: its prefix and its tunnel. */
#define ROUTE_KEY	(ACTUN_ROUTE_F(ACTUN_ROUTE_A_TUNNEL_ID) |	\
			 ACTUN_ROUTE_F(ACTUN_ROUTE_A_TUNNEL_NAME) |	\
			 ACTUN_ROUTE_F(ACTUN_ROUTE_A_FAMILY) |		\
			 ACTUN_ROUTE_F(ACTUN_ROUTE_A_PREFIX) |		\
			 ACTUN_ROUTE_F(ACTUN_ROUTE_A_PREFIXLEN))
#define ROUTE_TUNNEL	(ACTUN_ROUTE_F(ACTUN_ROUTE_A_TUNNEL_ID) |	\
			 ACTUN_ROUTE_F(ACTUN_ROUTE_A_TUNNEL_NAME))

void actun_route_cfg_init(struct actun_route_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

static int prefix_len(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	default:
		return 0;
	}
}

int actun_route_put(struct nl_msg *msg, const struct actun_route_cfg *c)
{
	struct nlattr *nest;
	size_t len;
	int plen = 0;

	if (actun_route_has(c, ACTUN_ROUTE_A_TUNNEL_NAME)) {
		len = strnlen(c->tunnel_name, sizeof(c->tunnel_name));
		if (len == 0 || len >= sizeof(c->tunnel_name))
			return -EINVAL;
	}
	if (actun_route_has(c, ACTUN_ROUTE_A_PREFIX)) {
		plen = actun_route_has(c, ACTUN_ROUTE_A_FAMILY) ?
		       prefix_len(c->family) : 0;
		if (!plen)
			return -EINVAL;
	}
	nest = nla_nest_start(msg, ACTUN_A_ROUTE);
	if (!nest)
		return -EMSGSIZE;
	if ((actun_route_has(c, ACTUN_ROUTE_A_TUNNEL_ID) &&
	     nla_put_u32(msg, ACTUN_ROUTE_A_TUNNEL_ID, c->tunnel_id) < 0) ||
	    (actun_route_has(c, ACTUN_ROUTE_A_TUNNEL_NAME) &&
	     nla_put_string(msg, ACTUN_ROUTE_A_TUNNEL_NAME, c->tunnel_name) < 0) ||
	    (actun_route_has(c, ACTUN_ROUTE_A_FAMILY) &&
	     nla_put_u8(msg, ACTUN_ROUTE_A_FAMILY, c->family) < 0) ||
	    (plen && nla_put(msg, ACTUN_ROUTE_A_PREFIX, plen, &c->prefix6) < 0) ||
	    (actun_route_has(c, ACTUN_ROUTE_A_PREFIXLEN) &&
	     nla_put_u8(msg, ACTUN_ROUTE_A_PREFIXLEN, c->prefixlen) < 0) ||
	    (actun_route_has(c, ACTUN_ROUTE_A_PRIORITY) &&
	     nla_put_u32(msg, ACTUN_ROUTE_A_PRIORITY, c->priority) < 0) ||
	    (actun_route_has(c, ACTUN_ROUTE_A_WEIGHT) &&
	     nla_put_u32(msg, ACTUN_ROUTE_A_WEIGHT, c->weight) < 0)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* A fixed-size attribute into @dst, or -EBADMSG. */
static int get_fixed(const struct nlattr *nla, void *dst, int len)
{
	if (nla_len(nla) != len)
		return -EBADMSG;
	memcpy(dst, nla_data(nla), (size_t)len);
	return 0;
}

int actun_route_parse(struct nl_msg *msg, struct actun_route_cfg *cfg)
{
	struct nlattr *top[ACTUN_A_MAX + 1];
	struct nlattr *tb[ACTUN_ROUTE_A_MAX + 1];
	struct nlattr *name, *prefix;
	int len, i;

	actun_route_cfg_init(cfg);
	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, ACTUN_A_MAX, NULL) < 0)
		return -EBADMSG;
	if (!top[ACTUN_A_ROUTE])
		return -ENOMSG;
	if (nla_parse_nested(tb, ACTUN_ROUTE_A_MAX, top[ACTUN_A_ROUTE],
			     NULL) < 0)
		return -EBADMSG;

	if ((tb[ACTUN_ROUTE_A_TUNNEL_ID] &&
	     get_fixed(tb[ACTUN_ROUTE_A_TUNNEL_ID], &cfg->tunnel_id, 4)) ||
	    (tb[ACTUN_ROUTE_A_FAMILY] &&
	     get_fixed(tb[ACTUN_ROUTE_A_FAMILY], &cfg->family, 1)) ||
	    (tb[ACTUN_ROUTE_A_PREFIXLEN] &&
	     get_fixed(tb[ACTUN_ROUTE_A_PREFIXLEN], &cfg->prefixlen, 1)) ||
	    (tb[ACTUN_ROUTE_A_PRIORITY] &&
	     get_fixed(tb[ACTUN_ROUTE_A_PRIORITY], &cfg->priority, 4)) ||
	    (tb[ACTUN_ROUTE_A_WEIGHT] &&
	     get_fixed(tb[ACTUN_ROUTE_A_WEIGHT], &cfg->weight, 4)) ||
	    (top[ACTUN_A_IFINDEX] &&
	     get_fixed(top[ACTUN_A_IFINDEX], &cfg->ifindex, 4)))
		return -EBADMSG;
	name = tb[ACTUN_ROUTE_A_TUNNEL_NAME];
	if (name) {
		len = nla_len(name);
		if (len < 2 || len > ACTUN_TUNNEL_NAMSIZ ||
		    ((const char *)nla_data(name))[len - 1] != '\0' ||
		    strlen(nla_data(name)) == 0)
			return -EBADMSG;
		memcpy(cfg->tunnel_name, nla_data(name), (size_t)len);
	}
	prefix = tb[ACTUN_ROUTE_A_PREFIX];
	if (prefix) {
		/* The family says how long the prefix is. */
		if (!tb[ACTUN_ROUTE_A_FAMILY])
			return -EBADMSG;
		len = prefix_len(cfg->family);
		if (!len || get_fixed(prefix, &cfg->prefix6, len))
			return -EBADMSG;
	}
	for (i = 1; i <= ACTUN_ROUTE_A_MAX; i++)
		if (tb[i])
			actun_route_mark(cfg, i);
	return 0;
}

#define ROUTE_INVALID "tunnel name must be 1 to 31 bytes and the prefix IPv4 or IPv6"

static int route_request_put(struct nl_msg *msg, const void *cfg)
{
	return actun_route_put(msg, cfg);
}

static int route_request(struct actun_sock *sock, uint8_t cmd, int flags,
			 uint32_t ifindex, const struct actun_route_cfg *cfg,
			 actun_msg_cb cb, void *arg, struct actun_error *err)
{
	return actun_object_request(sock, cmd, flags, ifindex, route_request_put,
				    cfg, ROUTE_INVALID,
				    cb, arg, err);
}

int actun_route_new(struct actun_sock *sock, uint32_t ifindex,
		    const struct actun_route_cfg *cfg,
		    struct actun_error *err)
{
	return route_request(sock, ACTUN_CMD_ROUTE_NEW, NLM_F_ACK, ifindex,
			     cfg, NULL, NULL, err);
}

int actun_route_del(struct actun_sock *sock, uint32_t ifindex,
		    const struct actun_route_cfg *cfg,
		    struct actun_error *err)
{
	struct actun_route_cfg key = *cfg;

	key.present &= ROUTE_KEY;
	return route_request(sock, ACTUN_CMD_ROUTE_DEL, NLM_F_ACK, ifindex,
			     &key, NULL, NULL, err);
}

static int route_parse_any(struct nl_msg *msg, void *out)
{
	return actun_route_parse(msg, out);
}

int actun_route_dump(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_route_cfg *tunnel, actun_route_cb cb,
		     void *arg, struct actun_error *err)
{
	struct actun_dump d = {
		.what = "route",
		.elem = sizeof(struct actun_route_cfg),
		.parse = route_parse_any,
	};
	const struct actun_route_cfg *v;
	struct actun_route_cfg filter;
	struct actun_error local;
	int ret;
	size_t i;

	if (!err)
		err = &local;
	if (tunnel) {
		filter = *tunnel;
		filter.present &= ROUTE_TUNNEL;
	}
	ret = actun_dump_collect(sock, ACTUN_CMD_ROUTE_GET, ifindex,
				 route_request_put, tunnel ? &filter : NULL,
				 ROUTE_INVALID, &d, err);
	v = d.v;
	for (i = 0; !ret && i < d.n; i++)
		ret = cb(&v[i], arg);
	actun_dump_free(&d);
	return ret;
}
