// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: tunnel commands (NEW, SET, DEL, GET, dump) and lookup by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "actun_priv.h"

#define ID_AND_NAME	(ACTUN_TUNNEL_F(ACTUN_TUNNEL_A_ID) | \
			 ACTUN_TUNNEL_F(ACTUN_TUNNEL_A_NAME))

static int tunnel_request_put(struct nl_msg *msg, const void *cfg)
{
	return actun_tunnel_put(msg, cfg);
}

static int tunnel_request(struct actun_sock *sock, uint8_t cmd, int flags,
			  uint32_t ifindex, const struct actun_tunnel_cfg *cfg,
			  actun_msg_cb cb, void *arg, struct actun_error *err)
{
	return actun_object_request(sock, cmd, flags, ifindex, tunnel_request_put,
				    cfg, "tunnel name must be 1 to 31 bytes",
				    cb, arg, err);
}

int actun_tunnel_new(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *cfg,
		     struct actun_error *err)
{
	return tunnel_request(sock, ACTUN_CMD_TUNNEL_NEW, NLM_F_ACK, ifindex,
			      cfg, NULL, NULL, err);
}

int actun_tunnel_set(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *cfg,
		     struct actun_error *err)
{
	return tunnel_request(sock, ACTUN_CMD_TUNNEL_SET, NLM_F_ACK, ifindex,
			      cfg, NULL, NULL, err);
}

int actun_tunnel_del(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *cfg,
		     struct actun_error *err)
{
	struct actun_tunnel_cfg which = *cfg;

	which.present &= ID_AND_NAME;
	return tunnel_request(sock, ACTUN_CMD_TUNNEL_DEL, NLM_F_ACK, ifindex,
			      &which, NULL, NULL, err);
}

struct get_ctx {
	struct actun_tunnel_cfg *out;
	bool found;
};

static int get_cb(struct nl_msg *msg, void *arg)
{
	struct get_ctx *ctx = arg;
	int ret;

	if (ctx->found)
		return 0;
	ret = actun_tunnel_parse(msg, ctx->out);
	if (ret)
		return -EBADMSG;
	ctx->found = true;
	return 0;
}

int actun_tunnel_get(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *which,
		     struct actun_tunnel_cfg *out, struct actun_error *err)
{
	struct actun_tunnel_cfg key = *which;
	struct get_ctx ctx = { .out = out };
	int ret;

	key.present &= ID_AND_NAME;
	ret = tunnel_request(sock, ACTUN_CMD_TUNNEL_GET, NLM_F_ACK, ifindex,
			     &key, get_cb, &ctx, err);
	if (ret == -EBADMSG && err && err->origin == ACTUN_ERR_LOCAL)
		return actun_error_set(err, EBADMSG,
				       "malformed tunnel in the kernel's reply");
	if (!ret && !ctx.found)
		return actun_error_set(err, ENOMSG,
				       "the kernel's reply holds no tunnel");
	return ret;
}

static int tunnel_parse_any(struct nl_msg *msg, void *out)
{
	return actun_tunnel_parse(msg, out);
}

int actun_tunnel_dump(struct actun_sock *sock, uint32_t ifindex,
		      actun_tunnel_cb cb, void *arg, struct actun_error *err)
{
	struct actun_dump d = {
		.what = "tunnel",
		.elem = sizeof(struct actun_tunnel_cfg),
		.parse = tunnel_parse_any,
	};
	const struct actun_tunnel_cfg *v;
	struct actun_error local;
	int ret;
	size_t i;

	if (!err)
		err = &local;
	ret = actun_dump_collect(sock, ACTUN_CMD_TUNNEL_GET, ifindex,
				 tunnel_request_put, NULL, NULL, &d, err);
	v = d.v;
	for (i = 0; !ret && i < d.n; i++)
		ret = cb(&v[i], arg);
	actun_dump_free(&d);
	return ret;
}

struct lookup_ctx {
	const char *name;
	struct actun_tunnel_cfg *out;
	unsigned int matches;
};

static int lookup_cb(const struct actun_tunnel_cfg *cfg, void *arg)
{
	struct lookup_ctx *ctx = arg;

	if (!actun_tunnel_has(cfg, ACTUN_TUNNEL_A_NAME) ||
	    strcmp(cfg->name, ctx->name))
		return 0;
	if (!ctx->matches++)
		*ctx->out = *cfg;
	return 0;
}

int actun_tunnel_lookup(struct actun_sock *sock, const char *name,
			struct actun_tunnel_cfg *out, struct actun_error *err)
{
	struct lookup_ctx ctx = { .name = name, .out = out };
	int ret;

	ret = actun_tunnel_dump(sock, 0, lookup_cb, &ctx, err);
	if (ret)
		return ret;
	if (!ctx.matches)
		return actun_error_set(err, ENOENT,
				       "tunnel \"%s\" does not exist", name);
	if (ctx.matches > 1)
		return actun_error_set(err, ENOTUNIQ,
				       "tunnel \"%s\" exists on several devices",
				       name);
	if (!actun_tunnel_has(out, ACTUN_TUNNEL_A_IFINDEX) || !out->ifindex)
		return actun_error_set(err, EPROTO,
				       "the kernel did not say which device holds tunnel \"%s\"",
				       name);
	return 0;
}
