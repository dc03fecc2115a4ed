// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: building requests and collecting their replies (ACKs, dumps,
 * errors with extack) over the libnl socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "actun_priv.h"

/**
 * struct request_ctx - state of one request while its replies arrive
 * @seq: sequence number of the request; other messages are skipped
 * @family: nlmsg_type the replies carry
 * @cb: user callback per reply; @arg its argument
 * @cb_ret: first error the callback returned
 * @err: where kernel errors go
 * @want_more: dump or ACK requested: wait for DONE / ACK / error
 * @done: the reply is complete
 * @intr: a message carried NLM_F_DUMP_INTR
 */
struct request_ctx {
	uint32_t seq;
	int family;
	actun_msg_cb cb;
	void *arg;
	int cb_ret;
	struct actun_error *err;
	bool want_more;
	bool done;
	bool intr;
};

struct nl_msg *actun_msg_new_family(struct actun_sock *sock, int family,
				    uint8_t version, uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	(void)sock;
	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *actun_msg_new(struct actun_sock *sock, uint8_t cmd, int flags)
{
	return actun_msg_new_family(sock, sock->family, ACTUN_GENL_VERSION,
				    cmd, flags);
}

void actun_msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *nlh;

	if (!msg)
		return;
	/* SA requests carry keys: no secret stays behind in freed memory */
	nlh = nlmsg_hdr(msg);
	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

static int seq_check_cb(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	/* stale replies of an earlier request, or stray notifications */
	return nlmsg_hdr(msg)->nlmsg_seq == ctx->seq ? NL_OK : NL_SKIP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	if (nlmsg_hdr(msg)->nlmsg_type != ctx->family)
		return NL_SKIP;
	if (ctx->cb && !ctx->cb_ret) {
		int ret = ctx->cb(msg, ctx->arg);

		if (ret < 0)
			ctx->cb_ret = ret;
	}
	if (!ctx->want_more) {
		ctx->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	(void)msg;
	ctx->done = true;
	return NL_STOP;
}

static int dump_intr_cb(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	(void)msg;
	ctx->intr = true;
	return NL_OK;	/* go on: the message itself is still processed */
}

/* NLMSG_DONE: an int, negative when the dump failed, then extack TLVs. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int error;

	ctx->done = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(error))
		return NL_STOP;
	memcpy(&error, nlmsg_data(nlh), sizeof(error));
	if (error < 0) {
		ctx->err->err = -error;
		ctx->err->origin = ACTUN_ERR_KERNEL;
		actun_error_extack(ctx->err, nlh,
				   NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(error)));
	}
	return NL_STOP;
}

/*
 * NLMSG_ERROR with an error. The message header sits right before the
 * nlmsgerr; the extack TLVs follow the echoed request, which is only its
 * header when the kernel capped it (NETLINK_CAP_ACK, NLM_F_CAPPED).
 */
static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request_ctx *ctx = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t tlv_off;

	(void)nla;
	ctx->done = true;
	ctx->err->err = abs(e->error);
	ctx->err->origin = ACTUN_ERR_KERNEL;

	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		tlv_off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e));
	else if (e->msg.nlmsg_len >= NLMSG_HDRLEN)
		tlv_off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(e->error) +
						     e->msg.nlmsg_len);
	else
		return NL_STOP;
	if (tlv_off <= nlh->nlmsg_len)
		actun_error_extack(ctx->err, nlh, tlv_off);
	return NL_STOP;
}

static struct nl_cb *request_cb_new(struct request_ctx *ctx)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_check_cb, ctx);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, ctx);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, dump_intr_cb, ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, ctx);
	return cb;
}

int actun_request(struct actun_sock *sock, struct nl_msg *req,
		  actun_msg_cb cb, void *arg, struct actun_error *err)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	struct request_ctx ctx = { 0 };
	struct actun_error local;
	struct nl_cb *nlcb;
	int ret;

	if (!err)
		err = &local;
	actun_error_clear(err);

	ctx.family = nlh->nlmsg_type;
	ctx.cb = cb;
	ctx.arg = arg;
	ctx.err = err;
	ctx.want_more = nlh->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP);

	nlcb = request_cb_new(&ctx);
	if (!nlcb)
		return actun_error_set(err, ENOMEM, "out of memory");

	ret = nl_send_auto(sock->nl, req);
	if (ret < 0) {
		ret = actun_error_set(err, actun_errno_from_nl(ret),
				      "cannot send netlink request: %s",
				      nl_geterror(ret));
		goto out;
	}
	ctx.seq = nlh->nlmsg_seq;

	while (!ctx.done) {
		ret = nl_recvmsgs(sock->nl, nlcb);
		if (ret < 0 && !ctx.done) {
			ret = actun_error_set(err, actun_errno_from_nl(ret),
					      "netlink receive failed: %s",
					      nl_geterror(ret));
			goto out;
		}
	}

	if (err->err) {
		actun_error_locate(err, nlh);
		ret = -err->err;
	} else if (ctx.cb_ret) {
		ret = actun_error_set(err, -ctx.cb_ret, "%s",
				      strerror(-ctx.cb_ret));
	} else if (ctx.intr) {
		ret = actun_error_set(err, EINTR,
				      "dump interrupted by a concurrent change");
	} else {
		ret = 0;
	}
out:
	nl_cb_put(nlcb);
	return ret;
}

int actun_object_request(struct actun_sock *sock, uint8_t cmd, int flags,
			 uint32_t ifindex, actun_put_fn put, const void *cfg,
			 const char *invalid, actun_msg_cb cb, void *arg,
			 struct actun_error *err)
{
	struct nl_msg *msg;
	int ret;

	actun_error_clear(err);
	msg = actun_msg_new(sock, cmd, flags);
	if (!msg)
		return actun_error_set(err, ENOMEM, "out of memory");
	if (ifindex && nla_put_u32(msg, ACTUN_A_IFINDEX, ifindex) < 0) {
		ret = actun_error_set(err, EMSGSIZE, "request too large");
		goto out;
	}
	if (cfg) {
		ret = put(msg, cfg);
		if (ret == -EINVAL) {
			ret = actun_error_set(err, EINVAL, "%s", invalid);
			goto out;
		} else if (ret) {
			ret = actun_error_set(err, -ret, "request too large");
			goto out;
		}
	}
	ret = actun_request(sock, msg, cb, arg, err);
out:
	actun_msg_free(msg);
	return ret;
}

static int dump_collect_cb(struct nl_msg *msg, void *arg)
{
	struct actun_dump *d = arg;
	int ret;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		void *v = reallocarray(d->v, cap, d->elem);

		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	ret = d->parse(msg, (char *)d->v + d->n * d->elem);
	if (ret == -ENOMSG)	/* not one of ours: nothing to keep */
		return 0;
	if (ret)
		return ret;
	d->n++;
	return 0;
}

int actun_dump_collect(struct actun_sock *sock, uint8_t cmd, uint32_t ifindex,
		       actun_put_fn put, const void *filter,
		       const char *invalid, struct actun_dump *d,
		       struct actun_error *err)
{
	int tries, ret = 0;

	for (tries = 0; tries < ACTUN_DUMP_TRIES; tries++) {
		d->n = 0;
		ret = actun_object_request(sock, cmd, NLM_F_DUMP, ifindex, put,
					   filter, invalid, dump_collect_cb, d,
					   err);
		if (ret != -EINTR || err->origin != ACTUN_ERR_LOCAL)
			break;
	}
	if (ret == -EBADMSG && err->origin == ACTUN_ERR_LOCAL)
		return actun_error_set(err, EBADMSG,
				       "malformed %s in the kernel's dump",
				       d->what);
	if (ret == -EINTR && err->origin == ACTUN_ERR_LOCAL)
		return actun_error_set(err, EINTR,
				       "dump interrupted by concurrent changes %d times in a row",
				       ACTUN_DUMP_TRIES);
	return ret;
}

void actun_dump_free(struct actun_dump *d)
{
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
