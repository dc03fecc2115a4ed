// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: the fleet identity of a network namespace (FLEET_SET, _GET):
 * struct actun_fleet to and from the ACTUN_A_FLEET nest. No device.
 */
#include <errno.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "actun_priv.h"

int actun_fleet_put(struct nl_msg *msg, const struct actun_fleet *fleet)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, ACTUN_A_FLEET);
	if (!nest)
		return -EMSGSIZE;
	if ((fleet->present & ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID)) &&
	    nla_put_u16(msg, ACTUN_FLEET_A_SERVER_ID, fleet->server_id) < 0) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

int actun_fleet_parse(struct nl_msg *msg, struct actun_fleet *fleet)
{
	struct nlattr *top[ACTUN_A_MAX + 1];
	struct nlattr *tb[ACTUN_FLEET_A_MAX + 1];
	struct nlattr *id;

	memset(fleet, 0, sizeof(*fleet));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, ACTUN_A_MAX, NULL) < 0)
		return -EBADMSG;
	if (!top[ACTUN_A_FLEET])
		return -ENOMSG;
	if (nla_parse_nested(tb, ACTUN_FLEET_A_MAX, top[ACTUN_A_FLEET],
			     NULL) < 0)
		return -EBADMSG;
	id = tb[ACTUN_FLEET_A_SERVER_ID];
	if (id) {
		if (nla_len(id) != sizeof(uint16_t))
			return -EBADMSG;
		fleet->server_id = nla_get_u16(id);
		fleet->present |= ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID);
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
