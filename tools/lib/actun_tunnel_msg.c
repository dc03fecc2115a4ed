// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: struct actun_tunnel_cfg to and from the ACTUN_A_TUNNEL nest.
 *
 * One table lists every field with its attribute, wire type and offset;
 * put and parse both walk it.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "actun.h"

enum field_kind {
	F_U8,
	F_U16,
	F_U32,
	F_STR,		/* char[ACTUN_TUNNEL_NAMSIZ] */
	F_IN4,		/* struct in_addr, network byte order */
	F_IN6,		/* struct in6_addr */
	F_FLAG,		/* no value */
};

struct tunnel_field {
	uint16_t attr;
	uint8_t kind;
	bool readonly;
	size_t off;
};

#define FIELD(a, k, ro, m) \
	{ ACTUN_TUNNEL_A_##a, k, ro, offsetof(struct actun_tunnel_cfg, m) }

static const struct tunnel_field fields[] = {
	FIELD(ID,		F_U32,	false,	id),
	FIELD(NAME,		F_STR,	false,	name),
	FIELD(MODE,		F_U8,	false,	mode),
	FIELD(LOCAL_IPV4,	F_IN4,	false,	local4),
	FIELD(REMOTE_IPV4,	F_IN4,	false,	remote4),
	FIELD(LOCAL_IPV6,	F_IN6,	false,	local6),
	FIELD(REMOTE_IPV6,	F_IN6,	false,	remote6),
	FIELD(KEY,		F_U32,	false,	key),
	FIELD(NO_KEY,		F_FLAG,	false,	present),
	FIELD(TTL,		F_U8,	false,	ttl),
	FIELD(TOS,		F_U8,	false,	tos),
	FIELD(MTU,		F_U32,	false,	mtu),
	FIELD(MSS,		F_U16,	false,	mss),
	FIELD(ADDR_IPV4,	F_IN4,	false,	addr4),
	FIELD(ADDR_IPV6,	F_IN6,	false,	addr6),
	FIELD(ADDR_PREFIXLEN,	F_U8,	false,	prefixlen),
	FIELD(NO_ADDR,		F_FLAG,	false,	present),
	FIELD(ALLOW_NULL,	F_U8,	false,	allow_null),
	FIELD(STATE,		F_U8,	true,	state),
	FIELD(IFINDEX,		F_U32,	true,	ifindex),
};

#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* Wire length of a fixed-size kind. */
static int kind_len(uint8_t kind)
{
	switch (kind) {
	case F_U8:
		return 1;
	case F_U16:
		return 2;
	case F_U32:
	case F_IN4:
		return 4;
	case F_IN6:
		return 16;
	default:
		return 0;
	}
}

const char *actun_mode_name(uint8_t mode)
{
	switch (mode) {
	case ACTUN_MODE_GRE:
		return "gre";
	case ACTUN_MODE_IPSEC:
		return "ipsec";
	default:
		return "unknown";
	}
}

const char *actun_state_name(uint8_t state)
{
	switch (state) {
	case ACTUN_STATE_UP:
		return "up";
	case ACTUN_STATE_DEGRADED:
		return "degraded";
	case ACTUN_STATE_DOWN:
		return "down";
	default:
		return "unknown";
	}
}

void actun_tunnel_cfg_init(struct actun_tunnel_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

static int put_field(struct nl_msg *msg, const struct tunnel_field *f,
		     const struct actun_tunnel_cfg *cfg)
{
	const char *p = (const char *)cfg + f->off;

	switch (f->kind) {
	case F_U8:
		return nla_put_u8(msg, f->attr, *(const uint8_t *)p);
	case F_U16:
		return nla_put_u16(msg, f->attr, *(const uint16_t *)p);
	case F_U32:
		return nla_put_u32(msg, f->attr, *(const uint32_t *)p);
	case F_STR:
		return nla_put_string(msg, f->attr, p);
	case F_FLAG:
		return nla_put_flag(msg, f->attr);
	default:
		return nla_put(msg, f->attr, kind_len(f->kind), p);
	}
}

int actun_tunnel_put(struct nl_msg *msg, const struct actun_tunnel_cfg *cfg)
{
	struct nlattr *nest;
	size_t i, len;

	if (actun_tunnel_has(cfg, ACTUN_TUNNEL_A_NAME)) {
		len = strnlen(cfg->name, sizeof(cfg->name));
		if (len == 0 || len >= sizeof(cfg->name))
			return -EINVAL;
	}
	nest = nla_nest_start(msg, ACTUN_A_TUNNEL);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NFIELDS; i++) {
		if (fields[i].readonly ||
		    !actun_tunnel_has(cfg, fields[i].attr))
			continue;
		if (put_field(msg, &fields[i], cfg) < 0) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int parse_field(const struct tunnel_field *f, const struct nlattr *nla,
		       struct actun_tunnel_cfg *cfg)
{
	char *p = (char *)cfg + f->off;
	int len = nla_len(nla);

	switch (f->kind) {
	case F_STR:
		if (len < 2 || len > ACTUN_TUNNEL_NAMSIZ ||
		    ((const char *)nla_data(nla))[len - 1] != '\0' ||
		    strlen(nla_data(nla)) == 0)
			return -EBADMSG;
		memcpy(p, nla_data(nla), (size_t)len);
		break;
	case F_FLAG:
		break;
	default:
		if (len != kind_len(f->kind))
			return -EBADMSG;
		memcpy(p, nla_data(nla), (size_t)len);
		break;
	}
	actun_tunnel_mark(cfg, f->attr);
	return 0;
}

static int parse_stats(struct nlattr *nest, struct actun_tunnel_stats *st)
{
	struct nlattr *tb[ACTUN_STATS_A_MAX + 1];
	uint64_t *val[ACTUN_STATS_A_MAX + 1] = {
		[ACTUN_STATS_A_RX_PACKETS] = &st->rx_packets,
		[ACTUN_STATS_A_RX_BYTES]   = &st->rx_bytes,
		[ACTUN_STATS_A_TX_PACKETS] = &st->tx_packets,
		[ACTUN_STATS_A_TX_BYTES]   = &st->tx_bytes,
		[ACTUN_STATS_A_RX_DROP_SOURCE] = &st->rx_drop_source,
		[ACTUN_STATS_A_RX_DROP_PROTO] = &st->rx_drop_proto,
		[ACTUN_STATS_A_RX_DROP_HEADER] = &st->rx_drop_header,
		[ACTUN_STATS_A_TX_DROP_MTU] = &st->tx_drop_mtu,
		[ACTUN_STATS_A_TX_DROP_OUTER_ROUTE] = &st->tx_drop_outer_route,
		[ACTUN_STATS_A_RX_KEEPALIVES] = &st->rx_keepalives,
		[ACTUN_STATS_A_TX_DROP_NO_SA] = &st->tx_drop_no_sa,
		[ACTUN_STATS_A_RX_DROP_AUTH] = &st->rx_drop_auth,
		[ACTUN_STATS_A_RX_DROP_REPLAY] = &st->rx_drop_replay,
		[ACTUN_STATS_A_TX_DROP_NO_CLAIM] = &st->tx_drop_no_claim,
	};
	int i;

	if (nla_parse_nested(tb, ACTUN_STATS_A_MAX, nest, NULL) < 0)
		return -EBADMSG;
	for (i = 0; i <= ACTUN_STATS_A_MAX; i++) {
		/* empty: padding, which kernels before ESP numbered 11 */
		if (!val[i] || !tb[i] || nla_len(tb[i]) == 0)
			continue;
		if (nla_len(tb[i]) != sizeof(uint64_t))
			return -EBADMSG;
		*val[i] = nla_get_u64(tb[i]);
		st->present |= 1u << i;
	}
	return 0;
}

int actun_tunnel_parse(struct nl_msg *msg, struct actun_tunnel_cfg *cfg)
{
	struct nlattr *top[ACTUN_A_MAX + 1];
	struct nlattr *tb[ACTUN_TUNNEL_A_MAX + 1];
	size_t i;
	int ret;

	actun_tunnel_cfg_init(cfg);
	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, ACTUN_A_MAX, NULL) < 0)
		return -EBADMSG;
	if (!top[ACTUN_A_TUNNEL])
		return -ENOMSG;
	if (nla_parse_nested(tb, ACTUN_TUNNEL_A_MAX, top[ACTUN_A_TUNNEL],
			     NULL) < 0)
		return -EBADMSG;

	for (i = 0; i < NFIELDS; i++) {
		if (!tb[fields[i].attr])
			continue;
		ret = parse_field(&fields[i], tb[fields[i].attr], cfg);
		if (ret)
			return ret;
	}
	if (tb[ACTUN_TUNNEL_A_STATS]) {
		ret = parse_stats(tb[ACTUN_TUNNEL_A_STATS], &cfg->stats);
		if (ret)
			return ret;
		actun_tunnel_mark(cfg, ACTUN_TUNNEL_A_STATS);
	}
	if (!actun_tunnel_has(cfg, ACTUN_TUNNEL_A_IFINDEX) &&
	    top[ACTUN_A_IFINDEX]) {
		if (nla_len(top[ACTUN_A_IFINDEX]) != sizeof(uint32_t))
			return -EBADMSG;
		cfg->ifindex = nla_get_u32(top[ACTUN_A_IFINDEX]);
		actun_tunnel_mark(cfg, ACTUN_TUNNEL_A_IFINDEX);
	}
	return 0;
}
