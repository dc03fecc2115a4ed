// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: security association commands (NEW, DEL, GET, dump).
 *
 * Requests go through actun_object_request(), which wipes each message
 * before freeing it; the copies made here to narrow a request to the
 * fields that name an SA are wiped too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "actun_priv.h"

/* What names the tunnel of an SA, and what names an SA within it. */
#define SA_TUNNEL	(ACTUN_SA_F(ACTUN_SA_A_TUNNEL_ID) |	\
			 ACTUN_SA_F(ACTUN_SA_A_TUNNEL_NAME))
#define SA_KEY		(SA_TUNNEL | ACTUN_SA_F(ACTUN_SA_A_DIR) |	\
			 ACTUN_SA_F(ACTUN_SA_A_SPI))

#define SA_INVALID "tunnel name must be 1 to 31 bytes and keys at most 64 bytes"

static int sa_request_put(struct nl_msg *msg, const void *sa)
{
	return actun_sa_put(msg, sa);
}

static int sa_request(struct actun_sock *sock, uint8_t cmd, int flags,
		      uint32_t ifindex, const struct actun_sa *sa,
		      actun_msg_cb cb, void *arg, struct actun_error *err)
{
	return actun_object_request(sock, cmd, flags, ifindex, sa_request_put,
				    sa, SA_INVALID,
				    cb, arg, err);
}

/* @sa narrowed to @mask, without keys (and so nothing to wipe). */
static void sa_narrow(struct actun_sa *out, const struct actun_sa *sa,
		      uint64_t mask)
{
	actun_sa_init(out);
	out->present = sa->present & mask;
	out->tunnel_id = sa->tunnel_id;
	memcpy(out->tunnel_name, sa->tunnel_name, sizeof(out->tunnel_name));
	out->dir = sa->dir;
	out->spi = sa->spi;
}

int actun_sa_add(struct actun_sock *sock, uint32_t ifindex,
		 const struct actun_sa *sa, struct actun_error *err)
{
	return sa_request(sock, ACTUN_CMD_SA_NEW, NLM_F_ACK, ifindex, sa, NULL,
			  NULL, err);
}

int actun_sa_del(struct actun_sock *sock, uint32_t ifindex,
		 const struct actun_sa *sa, struct actun_error *err)
{
	struct actun_sa key;

	sa_narrow(&key, sa, SA_KEY);
	return sa_request(sock, ACTUN_CMD_SA_DEL, NLM_F_ACK, ifindex, &key,
			  NULL, NULL, err);
}

struct get_ctx {
	struct actun_sa *out;
	bool found;
};

static int get_cb(struct nl_msg *msg, void *arg)
{
	struct get_ctx *ctx = arg;

	if (ctx->found)
		return 0;
	if (actun_sa_parse(msg, ctx->out))
		return -EBADMSG;
	ctx->found = true;
	return 0;
}

int actun_sa_get(struct actun_sock *sock, uint32_t ifindex,
		 const struct actun_sa *which, struct actun_sa *out,
		 struct actun_error *err)
{
	struct get_ctx ctx = { .out = out };
	struct actun_sa key;
	int ret;

	sa_narrow(&key, which, SA_KEY);
	ret = sa_request(sock, ACTUN_CMD_SA_GET, NLM_F_ACK, ifindex, &key,
			 get_cb, &ctx, err);
	if (ret == -EBADMSG && err && err->origin == ACTUN_ERR_LOCAL)
		return actun_error_set(err, EBADMSG,
				       "malformed SA in the kernel's reply");
	if (!ret && !ctx.found)
		return actun_error_set(err, ENOMSG,
				       "the kernel's reply holds no SA");
	return ret;
}

static int sa_parse_any(struct nl_msg *msg, void *out)
{
	return actun_sa_parse(msg, out);
}

int actun_sa_dump(struct actun_sock *sock, uint32_t ifindex,
		  const struct actun_sa *tunnel, actun_sa_cb cb, void *arg,
		  struct actun_error *err)
{
	struct actun_dump d = {
		.what = "SA",
		.elem = sizeof(struct actun_sa),
		.parse = sa_parse_any,
	};
	const struct actun_sa *v;
	struct actun_error local;
	struct actun_sa filter;
	int ret;
	size_t i;

	if (!err)
		err = &local;
	if (tunnel)
		sa_narrow(&filter, tunnel, SA_TUNNEL);
	ret = actun_dump_collect(sock, ACTUN_CMD_SA_GET, ifindex,
				 sa_request_put, tunnel ? &filter : NULL,
				 SA_INVALID, &d, err);
	v = d.v;
	for (i = 0; !ret && i < d.n; i++)
		ret = cb(&v[i], arg);
	actun_dump_free(&d);
	return ret;
}
