// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: the fleet identity and claim of a network namespace
 * (FLEET_SET, _GET): struct actun_fleet to and from the ACTUN_A_FLEET
 * nest. No device.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "actun_priv.h"

static bool fleet_has(const struct actun_fleet *fleet, int attr)
{
	return fleet->present & ACTUN_FLEET_F(attr);
}

int actun_fleet_put(struct nl_msg *msg, const struct actun_fleet *fleet)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, ACTUN_A_FLEET);
	if (!nest)
		return -EMSGSIZE;
	if ((fleet_has(fleet, ACTUN_FLEET_A_SERVER_ID) &&
	     nla_put_u16(msg, ACTUN_FLEET_A_SERVER_ID, fleet->server_id) < 0) ||
	    (fleet_has(fleet, ACTUN_FLEET_A_EPOCH) &&
	     nla_put_u16(msg, ACTUN_FLEET_A_EPOCH, fleet->epoch) < 0) ||
	    (fleet_has(fleet, ACTUN_FLEET_A_LEASE_MS) &&
	     nla_put_u32(msg, ACTUN_FLEET_A_LEASE_MS, fleet->lease_ms) < 0) ||
	    ((fleet->renew || fleet_has(fleet, ACTUN_FLEET_A_RENEW)) &&
	     nla_put_flag(msg, ACTUN_FLEET_A_RENEW) < 0) ||
	    ((fleet->release || fleet_has(fleet, ACTUN_FLEET_A_RELEASE)) &&
	     nla_put_flag(msg, ACTUN_FLEET_A_RELEASE) < 0)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* A u16 or u32 attribute of the nest into @val; -EBADMSG if malformed. */
static int parse_uint(struct nlattr *nla, int size, void *val)
{
	if (nla_len(nla) != size)
		return -EBADMSG;
	memcpy(val, nla_data(nla), (size_t)size);
	return 0;
}

int actun_fleet_parse(struct nl_msg *msg, struct actun_fleet *fleet)
{
	struct nlattr *top[ACTUN_A_MAX + 1];
	struct nlattr *tb[ACTUN_FLEET_A_MAX + 1];
	static const struct {
		int attr;
		int size;
		size_t off;
	} fields[] = {
		{ ACTUN_FLEET_A_SERVER_ID, sizeof(uint16_t),
		  offsetof(struct actun_fleet, server_id) },
		{ ACTUN_FLEET_A_EPOCH, sizeof(uint16_t),
		  offsetof(struct actun_fleet, epoch) },
		{ ACTUN_FLEET_A_LEASE_MS, sizeof(uint32_t),
		  offsetof(struct actun_fleet, lease_ms) },
		{ ACTUN_FLEET_A_LEASE_LEFT_MS, sizeof(uint32_t),
		  offsetof(struct actun_fleet, lease_left_ms) },
	};
	size_t i;

	memset(fleet, 0, sizeof(*fleet));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, ACTUN_A_MAX, NULL) < 0)
		return -EBADMSG;
	if (!top[ACTUN_A_FLEET])
		return -ENOMSG;
	if (nla_parse_nested(tb, ACTUN_FLEET_A_MAX, top[ACTUN_A_FLEET],
			     NULL) < 0)
		return -EBADMSG;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!tb[fields[i].attr])
			continue;
		if (parse_uint(tb[fields[i].attr], fields[i].size,
			       (char *)fleet + fields[i].off))
			return -EBADMSG;
		fleet->present |= ACTUN_FLEET_F(fields[i].attr);
	}
	if (tb[ACTUN_FLEET_A_RENEW]) {
		fleet->renew = true;
		fleet->present |= ACTUN_FLEET_F(ACTUN_FLEET_A_RENEW);
	}
	if (tb[ACTUN_FLEET_A_RELEASE]) {
		fleet->release = true;
		fleet->present |= ACTUN_FLEET_F(ACTUN_FLEET_A_RELEASE);
	}
	return 0;
}

static int fleet_request_put(struct nl_msg *msg, const void *fleet)
{
	return actun_fleet_put(msg, fleet);
}

int actun_fleet_set(struct actun_sock *sock, const struct actun_fleet *fleet,
		    struct actun_error *err)
{
	return actun_object_request(sock, ACTUN_CMD_FLEET_SET, NLM_F_ACK, 0,
				    fleet_request_put, fleet, "invalid fleet",
				    NULL, NULL, err);
}

struct get_ctx {
	struct actun_fleet *out;
	bool found;
};

static int get_cb(struct nl_msg *msg, void *arg)
{
	struct get_ctx *ctx = arg;

	if (ctx->found)
		return 0;
	if (actun_fleet_parse(msg, ctx->out))
		return -EBADMSG;
	ctx->found = true;
	return 0;
}

int actun_fleet_get(struct actun_sock *sock, struct actun_fleet *out,
		    struct actun_error *err)
{
	struct get_ctx ctx = { .out = out };
	int ret;

	ret = actun_object_request(sock, ACTUN_CMD_FLEET_GET, NLM_F_ACK, 0,
				   fleet_request_put, NULL, "", get_cb, &ctx,
				   err);
	if (ret == -EBADMSG && err && err->origin == ACTUN_ERR_LOCAL)
		return actun_error_set(err, EBADMSG,
				       "malformed fleet identity in the kernel's reply");
	if (!ret && !ctx.found)
		return actun_error_set(err, ENOMSG,
				       "the kernel's reply holds no fleet identity");
	return ret;
}
