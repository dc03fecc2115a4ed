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

static int sa_request_put(struct nl_msg *msg, const void *sa)
{
	return actun_sa_put(msg, sa);
}

static int sa_request(struct actun_sock *sock, uint8_t cmd, int flags,
		      uint32_t ifindex, const struct actun_sa *sa,
		      actun_msg_cb cb, void *arg, struct actun_error *err)
{
	return actun_object_request(sock, cmd, flags, ifindex, sa_request_put,
				    sa, "tunnel name must be 1 to 31 bytes and keys at most 64 bytes",
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

/* A dump is collected whole before anything is handed out. */
struct sa_vec {
	struct actun_sa *v;
	size_t n;
	size_t cap;
};

static int collect_cb(struct nl_msg *msg, void *arg)
{
	struct sa_vec *vec = arg;
	int ret;

	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		struct actun_sa *v;

		v = realloc(vec->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	ret = actun_sa_parse(msg, &vec->v[vec->n]);
	if (ret == -ENOMSG)	/* not an SA: nothing for us */
		return 0;
	if (ret)
		return ret;
	vec->n++;
	return 0;
}

int actun_sa_dump(struct actun_sock *sock, uint32_t ifindex,
		  const struct actun_sa *tunnel, actun_sa_cb cb, void *arg,
		  struct actun_error *err)
{
	struct sa_vec vec = { 0 };
	struct actun_error local;
	struct actun_sa filter;
	int tries, ret = 0;
	size_t i;

	if (!err)
		err = &local;
	if (tunnel)
		sa_narrow(&filter, tunnel, SA_TUNNEL);
	for (tries = 0; tries < ACTUN_DUMP_TRIES; tries++) {
		vec.n = 0;
		ret = sa_request(sock, ACTUN_CMD_SA_GET, NLM_F_DUMP, ifindex,
				 tunnel ? &filter : NULL, collect_cb, &vec,
				 err);
		if (ret != -EINTR || err->origin != ACTUN_ERR_LOCAL)
			break;
	}
	if (ret == -EBADMSG && err->origin == ACTUN_ERR_LOCAL)
		ret = actun_error_set(err, EBADMSG,
				      "malformed SA in the kernel's dump");
	else if (ret == -EINTR && err->origin == ACTUN_ERR_LOCAL)
		ret = actun_error_set(err, EINTR,
				      "dump interrupted by concurrent changes %d times in a row",
				      ACTUN_DUMP_TRIES);
	for (i = 0; !ret && i < vec.n; i++)
		ret = cb(&vec.v[i], arg);
	free(vec.v);
	return ret;
}
