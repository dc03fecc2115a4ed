// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ike_sa.c - the IKE SA object, message protection, the request/response
 * windows (RFC 7296 2.1-2.3, window size 1), its deadline, its job queue
 * and its pairs. The tables it is filed in are ike_sa_table.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/sk.h"
#include "ike_sa.h"

struct ike_sa *ike_sa_new(bool initiator, struct conn *conn,
			  const struct sockaddr_in *local,
			  const struct sockaddr_in *remote, uint64_t now_ms)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->initiator = initiator;
	sa->conn = conn_get(conn);
	sa->local = *local;
	sa->remote = *remote;
	sa->state = IKE_SA_STATE_INIT;
	sa->created_ms = now_ms;
	return sa;
}

void ike_sa_set_conn(struct ike_sa *sa, struct conn *conn)
{
	conn_get(conn);
	conn_put(sa->conn);
	sa->conn = conn;
}

void ike_sa_free(struct ike_sa *sa)
{
	if (!sa)
		return;
	/* Normally out of the tables already; a rekey's unfiled new SA. */
	ike_sa_children_index(sa, NULL);
	conn_put(sa->conn);
	frag_sa_free(sa);
	chunk_free(&sa->cookie);
	dh_key_free(sa->dh);
	chunk_clear(&sa->ni);
	chunk_clear(&sa->nr);
	chunk_free(&sa->init_req);
	chunk_free(&sa->init_resp);
	ike_sa_keys_clear(&sa->keys);
	chunk_free(&sa->out_req);
	chunk_free(&sa->last_resp);
	chunk_clear(&sa->nego.ni);
	chunk_free(&sa->nego.collide_nonce);
	dh_key_free(sa->nego.dh);
	for (unsigned int i = 0; i < sa->n_children; i++)
		child_out_free(sa->children[i].held_out);
	free(sa->children);
	free(sa);
}

uint64_t ike_sa_our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

/* Our keys for sending, the peer's for receiving. */
void ike_sa_sk_keys(const struct ike_sa *sa, bool sending, struct chunk *ke,
		    struct chunk *ka)
{
	bool as_i = sa->initiator == sending;

	*ke = as_i ? sa->keys.sk_ei : sa->keys.sk_er;
	*ka = as_i ? sa->keys.sk_ai : sa->keys.sk_ar;
}

/* The header and the SK/SKF payload around @plain, encrypted in place. */
int ike_sa_protect(struct ike_sa *sa, const struct enc_header *h,
		   const struct enc_payload *tmpl, struct chunk plain,
		   struct enc_buf *buf)
{
	struct enc_payload sk = *tmpl;
	/* The AAD ends with SKF's Fragment Number and Total (RFC 7383 2.5). */
	size_t hdr_len = sk.type == IKE_PL_SKF ? 8 : IKE_PAYLOAD_HEADER_LEN;
	struct chunk ke, ka, body = CHUNK_EMPTY;
	uint8_t iv[8];
	size_t body_len, sk_off;
	int err;

	err = sk_body_len(&sa->suite, plain.len, &body_len);
	if (err)
		return err;
	sk.u.sk.data = chunk_from(NULL, body_len);
	err = enc_message_generate(buf, h, &sk, 1, &sk_off);
	if (err)
		return err;
	/* GCM needs a unique IV, CBC an unpredictable one (random). */
	for (int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(sa->iv_seq >> (56 - 8 * i));
	sa->iv_seq++;
	ike_sa_sk_keys(sa, true, &ke, &ka);
	err = sk_encrypt(&sa->suite, ke, ka,
			 chunk_from(buf->ptr, sk_off + hdr_len),
			 plain, sa->suite.encr == ENCR_AES_GCM_16 ? iv : NULL,
			 &body);
	if (err)
		return err;
	if (body.len != body_len)
		err = -EIO;
	else
		memcpy(buf->ptr + sk_off + hdr_len, body.ptr, body.len);
	chunk_free(&body);
	return err;
}

int ike_sa_build(struct ike_sa *sa, uint8_t exchange, bool response,
		 uint32_t msg_id, const struct enc_payload *p, size_t n,
		 bool encrypt, struct enc_buf *buf)
{
	struct enc_header h = {
		.spi_i = sa->spi_i,
		.spi_r = sa->spi_r,
		.version = IKE_VERSION_MAJOR << 4 | IKE_VERSION_MINOR,
		.exchange = exchange,
		.flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) |
			 (response ? IKE_FLAG_RESPONSE : 0),
		.message_id = msg_id,
	};
	uint8_t plain_buf[IKE_MSG_MAX];
	struct enc_buf pb = enc_buf_init(plain_buf, sizeof(plain_buf));
	struct enc_payload sk = { .type = IKE_PL_SK,
				  .next = n ? p[0].type : IKE_PL_NONE };
	int err;

	if (!encrypt)
		return enc_message_generate(buf, &h, p, n, NULL);
	err = enc_chain_generate(&pb, p, n);
	if (!err)
		err = ike_sa_protect(sa, &h, &sk, enc_buf_chunk(&pb), buf);
	/* The plaintext holds AUTH and key-bearing payloads: wipe it. */
	OPENSSL_cleanse(plain_buf, pb.len);
	return err;
}

/* SHA-256 of @data into @md; false if OpenSSL fails (no memory). */
static bool req_digest(struct chunk data, uint8_t *md)
{
	unsigned int len = IKE_REQ_DIGEST_LEN;

	return EVP_Digest(data.ptr, data.len, md, &len, EVP_sha256(), NULL) &&
	       len == IKE_REQ_DIGEST_LEN;
}

/*
 * @m passed its ICV. A request (window 1: the peer got our last answer
 * before sending it) is now the one its retransmissions must match;
 * of a fragmented one, fragment 1, which alone is answered (RFC 7383
 * 2.6.1).
 */
static void note_request(struct ike_sa *sa, const struct enc_message *m)
{
	if (m->hdr.flags & IKE_FLAG_RESPONSE || frag_not_first(m->data))
		return;
	if (!req_digest(m->data, sa->req_digest))
		memset(sa->req_digest, 0, sizeof(sa->req_digest));
}

bool ike_sa_is_last_request(const struct ike_sa *sa, struct chunk datagram)
{
	uint8_t md[IKE_REQ_DIGEST_LEN];

	return req_digest(datagram, md) &&
	       !memcmp(md, sa->req_digest, sizeof(md));
}

int ike_sa_decrypt(struct ike_sa *sa, struct enc_message *m,
		   struct chunk *plain)
{
	const struct enc_payload *sk;
	struct chunk ke, ka;
	uint8_t first;
	int err;

	*plain = CHUNK_EMPTY;
	if (m->sk < 0 || !sa->keys.sk_ei.len)
		return -EBADMSG;
	sk = &m->payloads[m->sk];
	first = sk->next;
	ike_sa_sk_keys(sa, false, &ke, &ka);
	if (sk->type == IKE_PL_SKF)
		err = frag_collect(sa, m, plain, &first);
	else
		err = sk_decrypt(&sa->suite, ke, ka, enc_message_aad(m),
				 sk->u.sk.data, plain);
	/* -EINPROGRESS: a fragment kept, so its ICV was good. */
	if (!err || err == -EINPROGRESS)
		note_request(sa, m);
	if (err)
		return err;
	err = enc_message_parse_encrypted(m, first, *plain);
	if (err)
		chunk_clear(plain);
	return err;
}

/*
 * How long a request on an established SA is retransmitted: until the
 * peer has been silent for dpd_timeout. A request sent after a silence
 * longer than dpd_delay (DPD off, or a job that waited) still gets
 * dpd_timeout - dpd_delay from its first transmission. 0: the fixed
 * IKE_RETX_TRIES (half-open and DELETING SAs, no dpd_timeout).
 */
static uint64_t retx_until(const struct ike_sa *sa, uint64_t now)
{
	const struct conn *cn = sa->conn;
	uint64_t delay, from;

	if (sa->state != IKE_SA_STATE_ESTABLISHED || !cn ||
	    !cn->dpd_timeout_seconds)
		return 0;
	delay = 1000ULL * cn->dpd_seconds;
	from = now > sa->last_heard_ms + delay ? now - delay : sa->last_heard_ms;
	return from + 1000ULL * cn->dpd_timeout_seconds;
}

void ike_sa_keepalive_arm(struct ike_sa *sa, const struct ike_ctx *c)
{
	unsigned int every = c->cfg->keepalive_seconds;

	sa->keepalive_at_ms = sa->nat_local && every ?
			      c->now_ms + 1000ULL * every : 0;
}

int ike_sa_send_keepalive(struct ike_sa *sa, const struct ike_ctx *c)
{
	if (!sa->keepalive_at_ms || c->now_ms < sa->keepalive_at_ms)
		return 0;
	ike_sa_keepalive_arm(sa, c);
	/* none scheduled any more: a reload turned keepalives off */
	if (!sa->keepalive_at_ms || sa->state != IKE_SA_STATE_ESTABLISHED ||
	    !sa->natt || !c->ops->keepalive)
		return 0;
	return c->ops->keepalive(c->arg, &sa->local, &sa->remote);
}

int ike_sa_send_request(struct ike_sa *sa, const struct ike_ctx *c,
			uint8_t exchange, struct chunk msg)
{
	int err;

	chunk_free(&sa->out_req);
	err = frag_prepare(sa, sa->natt, msg, &sa->out_req);
	if (err)
		return err;
	sa->out_req_id = sa->next_req_id++;
	sa->out_exchange = exchange;
	sa->out_pending = true;
	sa->retx_count = 0;
	sa->retx_at = c->now_ms + IKE_RETX_FIRST_MS;
	sa->retx_until_ms = retx_until(sa, c->now_ms);
	frag_send(c, &sa->local, &sa->remote, sa->natt, sa->out_req);
	ike_sa_keepalive_arm(sa, c);
	return 0;
}

int ike_sa_send_response(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct sockaddr_in *local,
			 const struct sockaddr_in *remote, bool natt,
			 struct chunk msg)
{
	int err;

	chunk_free(&sa->last_resp);
	sa->have_last_resp = false;
	err = frag_prepare(sa, natt, msg, &sa->last_resp);
	if (err)
		return err;
	sa->have_last_resp = true;
	frag_send(c, local, remote, natt, sa->last_resp);
	ike_sa_keepalive_arm(sa, c);
	return 0;
}

void ike_sa_request_done(struct ike_sa *sa)
{
	sa->out_pending = false;
	chunk_free(&sa->out_req);
}

int ike_sa_retransmit(struct ike_sa *sa, const struct ike_ctx *c)
{
	if (!sa->out_pending || c->now_ms < sa->retx_at)
		return 0;
	if (sa->retx_until_ms ? c->now_ms >= sa->retx_until_ms :
	    sa->retx_count == IKE_RETX_TRIES)
		return -ETIMEDOUT;
	if (sa->retx_count < IKE_RETX_TRIES)
		sa->retx_count++;
	sa->retx_at = c->now_ms + ((uint64_t)IKE_RETX_FIRST_MS << sa->retx_count);
	if (sa->retx_until_ms && sa->retx_at > sa->retx_until_ms)
		sa->retx_at = sa->retx_until_ms;
	/* Every fragment again: the peer may have lost any of them. */
	frag_send(c, &sa->local, &sa->remote, sa->natt, sa->out_req);
	ike_sa_keepalive_arm(sa, c);
	return 0;
}

/*
 * DPD (acikd.conf(5) dpd_delay, dpd_timeout; manager_timer.c): the
 * liveness check after dpd_delay of silence unless a request is
 * outstanding (its answer tells as much) or the check is queued already;
 * death after dpd_timeout. 0: no DPD.
 */
static uint64_t dpd_deadline(const struct ike_sa *sa, uint64_t now)
{
	const struct conn *cn = sa->conn;
	uint64_t check, dead;

	if (sa->state != IKE_SA_STATE_ESTABLISHED || !cn || !cn->dpd_seconds)
		return 0;
	check = sa->last_heard_ms + 1000ULL * cn->dpd_seconds;
	dead = cn->dpd_timeout_seconds ?
	       sa->last_heard_ms + 1000ULL * cn->dpd_timeout_seconds : 0;
	/* A check already queued (or waiting for the window): the end. */
	if (sa->out_pending || check <= now)
		return dead;
	return check;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

uint64_t ike_sa_deadline(const struct ike_sa *sa, uint64_t now_ms)
{
	uint64_t t = sa->out_pending ? sa->retx_at : 0;

	if (!sa->initiator && sa->state < IKE_SA_STATE_ESTABLISHED)
		t = earliest(t, sa->created_ms + IKE_HALF_OPEN_MS);
	/* With its DELETE outstanding, it waits for that to end. */
	if (sa->state == IKE_SA_STATE_REKEYED && !sa->out_pending)
		t = earliest(t, sa->rekeyed_ms + IKE_REKEYED_MS);
	t = earliest(t, dpd_deadline(sa, now_ms));
	if (sa->state == IKE_SA_STATE_ESTABLISHED)
		t = earliest(t, sa->rekey_at_ms);
	return earliest(t, sa->keepalive_at_ms);
}

const char *ike_sa_state_name(enum ike_sa_state s)
{
	switch (s) {
	case IKE_SA_STATE_INIT:
	case IKE_SA_STATE_AUTH:
		return "connecting";
	case IKE_SA_STATE_ESTABLISHED:
		return "established";
	case IKE_SA_STATE_DELETING:
		return "deleting";
	case IKE_SA_STATE_REKEYED:
		return "rekeyed";
	}
	return "unknown";
}

static bool job_equal(const struct ike_job *a, enum ike_job_kind kind,
		      uint32_t spi_in)
{
	return a->kind == kind && a->spi_in == spi_in;
}

int ike_sa_queue_job(struct ike_sa *sa, enum ike_job_kind kind,
		     uint32_t spi_in)
{
	bool merge = kind != IKE_JOB_CREATE_CHILD;

	if (merge && sa->out_is_job && job_equal(&sa->out_job, kind, spi_in))
		return 0;
	for (unsigned int i = 0; merge && i < sa->n_jobs; i++)
		if (job_equal(&sa->jobs[(sa->job_head + i) % IKE_SA_MAX_JOBS],
			      kind, spi_in))
			return 0;
	if (sa->n_jobs == IKE_SA_MAX_JOBS)
		return -ENOSPC;
	sa->jobs[(sa->job_head + sa->n_jobs++) % IKE_SA_MAX_JOBS] =
		(struct ike_job){ .kind = kind, .spi_in = spi_in };
	return 0;
}

void ike_sa_queue_child_job(struct ike_sa *sa, enum ike_job_kind kind,
			    struct ike_child *ch)
{
	if (!ike_sa_queue_job(sa, kind, ch->spi_in))
		return;
	if (!ch->wanted)
		sa->n_wanted++;
	ch->wanted |= 1u << kind;
}

/* Queue @ch's waiting jobs, deletes first (they free the SPI space). */
static bool requeue_one(struct ike_sa *sa, struct ike_child *ch)
{
	static const enum ike_job_kind order[] = {
		IKE_JOB_DELETE_CHILD, IKE_JOB_REKEY_CHILD,
	};

	for (unsigned int i = 0; i < 2; i++) {
		uint8_t bit = 1u << order[i];

		if (!(ch->wanted & bit))
			continue;
		if (ike_sa_queue_job(sa, order[i], ch->spi_in))
			return false;
		ch->wanted &= (uint8_t)~bit;
	}
	return true;
}

void ike_sa_requeue(struct ike_sa *sa)
{
	unsigned int left = 0;

	for (unsigned int i = 0; sa->n_wanted && i < sa->n_children; i++)
		if (sa->children[i].wanted && !requeue_one(sa, &sa->children[i]))
			left++;
	/* Recounted: removed pairs take their jobs with them. */
	sa->n_wanted = left;
}

int ike_sa_next_job(struct ike_sa *sa, struct ike_job *job)
{
	if (!sa->n_jobs)
		return -ENOENT;
	*job = sa->jobs[sa->job_head];
	sa->job_head = (sa->job_head + 1) % IKE_SA_MAX_JOBS;
	sa->n_jobs--;
	return 0;
}

struct ike_child *ike_sa_child_by_in(struct ike_sa *sa, uint32_t spi_in)
{
	for (unsigned int i = 0; i < sa->n_children; i++)
		if (sa->children[i].spi_in == spi_in)
			return &sa->children[i];
	return NULL;
}

struct ike_child *ike_sa_child_by_out(struct ike_sa *sa, uint32_t spi_out)
{
	for (unsigned int i = 0; i < sa->n_children; i++)
		if (sa->children[i].spi_out == spi_out)
			return &sa->children[i];
	return NULL;
}

int ike_sa_child_insert(struct ike_sa *sa, uint32_t spi_in,
			struct ike_child **out)
{
	if (sa->n_children == IKE_SA_MAX_CHILD)
		return -ENOSPC;
	if (sa->n_children == sa->cap_children) {
		/* Most SAs have one pair; grow by doubling from there. */
		unsigned int cap = sa->cap_children ? 2 * sa->cap_children : 1;
		struct ike_child *t;

		if (cap > IKE_SA_MAX_CHILD)
			cap = IKE_SA_MAX_CHILD;
		t = realloc(sa->children, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		sa->children = t;
		sa->cap_children = cap;
	}
	if (sa->child_index && spimap_add(sa->child_index, spi_in, sa))
		return -ENOMEM;
	*out = &sa->children[sa->n_children++];
	memset(*out, 0, sizeof(**out));
	(*out)->spi_in = spi_in;
	return 0;
}

int ike_sa_child_add(struct ike_sa *sa, struct ike_child **out)
{
	return ike_sa_child_insert(sa, 0, out);
}

void child_out_free(struct child_out *o)
{
	if (!o)
		return;
	OPENSSL_cleanse(o, sizeof(*o));
	free(o);
}

void ike_sa_child_del(struct ike_sa *sa, struct ike_child *ch)
{
	struct ike_child *last = &sa->children[--sa->n_children];

	child_out_free(ch->held_out);
	if (sa->child_index)
		spimap_del(sa->child_index, ch->spi_in, sa);
	if (ch != last)
		*ch = *last;
}

int ike_sa_children_index(struct ike_sa *sa, struct spimap *map)
{
	unsigned int i;

	for (i = 0; sa->child_index && i < sa->n_children; i++)
		spimap_del(sa->child_index, sa->children[i].spi_in, sa);
	sa->child_index = NULL;
	for (i = 0; map && i < sa->n_children; i++)
		if (spimap_add(map, sa->children[i].spi_in, sa))
			break;
	if (map && i < sa->n_children) {
		while (i--)
			spimap_del(map, sa->children[i].spi_in, sa);
		return -ENOMEM;
	}
	sa->child_index = map;
	return 0;
}

void ike_sa_children_move(struct ike_sa *dst, struct ike_sa *src)
{
	struct spimap *map = src->child_index;

	dst->children = src->children;
	dst->n_children = src->n_children;
	dst->cap_children = src->cap_children;
	dst->n_wanted = src->n_wanted;
	src->children = NULL;
	src->n_children = src->cap_children = src->n_wanted = 0;
	if (map && (!dst->child_index || dst->child_index == map)) {
		/* In place: re-pointing allocates nothing, cannot fail. */
		for (unsigned int i = 0; i < dst->n_children; i++)
			spimap_replace(map, dst->children[i].spi_in, src, dst);
		dst->child_index = map;
	} else if (dst->child_index) {
		/* From an unfiled SA (tests): file the pairs now. */
		map = dst->child_index;
		dst->child_index = NULL;
		ike_sa_children_index(dst, map);
	}
}

int ike_nonce_new(const struct ike_ctx *c, struct chunk *n)
{
	int err;

	chunk_clear(n);
	err = chunk_alloc(n, IKE_NONCE_LEN);
	if (!err)
		err = c->ops->random(c->arg, n->ptr, n->len);
	return err;
}

void ike_log(const struct ike_ctx *c, int prio, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->ops->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->ops->log(c->arg, prio, msg);
}
