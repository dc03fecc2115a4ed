// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ike_sa.c - the IKE SA object, its tables, message protection and the
 * request/response windows (RFC 7296 2.1-2.3, window size 1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

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
	free(sa->children);
	free(sa);
}

uint64_t ike_sa_our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

static unsigned int bucket(uint64_t spi)
{
	/* SPIs are random: their low bits spread well enough. */
	return (unsigned int)((spi ^ (spi >> 32)) % IKE_TABLE_SIZE);
}

static struct ike_sa *find_spi(const struct ike_sa_table *t, uint64_t spi)
{
	struct ike_sa *sa;

	for (sa = t->by_spi[bucket(spi)]; sa; sa = sa->next_spi)
		if (ike_sa_our_spi(sa) == spi)
			return sa;
	return NULL;
}

int ike_sa_new_spi(struct ike_sa_table *t, const struct ike_ctx *c,
		   uint64_t *spi)
{
	for (int tries = 0; tries < 16; tries++) {
		int err = c->ops->random(c->arg, (uint8_t *)spi, sizeof(*spi));

		if (err)
			return err;
		if (*spi && !find_spi(t, *spi))
			return 0;
	}
	return -EAGAIN;
}

void ike_sa_table_add(struct ike_sa_table *t, struct ike_sa *sa)
{
	unsigned int b = bucket(ike_sa_our_spi(sa));

	sa->next_spi = t->by_spi[b];
	t->by_spi[b] = sa;
	if (!sa->initiator) {
		b = bucket(sa->spi_i);
		sa->next_spii = t->by_spii[b];
		t->by_spii[b] = sa;
	}
	t->count++;
	/* As in ike_sa_table_remove(): a rekey's new SA is never half-open. */
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		t->half_open++;
	sa->frag_pool = &t->frag;
}

static void unlink_chain(struct ike_sa **head, struct ike_sa *sa,
			 size_t next_off)
{
	struct ike_sa **pp = head;

	while (*pp) {
		struct ike_sa **next = (struct ike_sa **)((char *)*pp + next_off);

		if (*pp == sa) {
			*pp = *next;
			return;
		}
		pp = next;
	}
}

void ike_sa_table_remove(struct ike_sa_table *t, struct ike_sa *sa)
{
	unlink_chain(&t->by_spi[bucket(ike_sa_our_spi(sa))], sa,
		     offsetof(struct ike_sa, next_spi));
	if (!sa->initiator)
		unlink_chain(&t->by_spii[bucket(sa->spi_i)], sa,
			     offsetof(struct ike_sa, next_spii));
	t->count--;
	/* A DELETING SA was established: it is not half-open. */
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		t->half_open--;
}

void ike_sa_table_established(struct ike_sa_table *t, struct ike_sa *sa)
{
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		t->half_open--;
	sa->state = IKE_SA_STATE_ESTABLISHED;
}

struct ike_sa *ike_sa_table_find(const struct ike_sa_table *t,
				 const struct enc_header *h)
{
	/* The Initiator flag says who sent it, hence whose SPI is ours. */
	bool from_initiator = h->flags & IKE_FLAG_INITIATOR;
	uint64_t ours = from_initiator ? h->spi_r : h->spi_i;
	struct ike_sa *sa = ours ? find_spi(t, ours) : NULL;

	if (!sa || sa->initiator == from_initiator)
		return NULL;
	/* The initiator learns SPIr from the IKE_SA_INIT response. */
	if (from_initiator ? sa->spi_i != h->spi_i :
	    sa->spi_r && sa->spi_r != h->spi_r)
		return NULL;
	return sa;
}

struct ike_sa *ike_sa_table_find_spi(const struct ike_sa_table *t,
				     uint64_t spi)
{
	return spi ? find_spi(t, spi) : NULL;
}

struct ike_sa *ike_sa_table_find_init(const struct ike_sa_table *t,
				      uint64_t spi_i,
				      const struct sockaddr_in *remote)
{
	struct ike_sa *sa;

	for (sa = t->by_spii[bucket(spi_i)]; sa; sa = sa->next_spii)
		if (sa->spi_i == spi_i &&
		    sa->remote.sin_addr.s_addr == remote->sin_addr.s_addr &&
		    sa->remote.sin_port == remote->sin_port)
			return sa;
	return NULL;
}

void ike_sa_table_walk(struct ike_sa_table *t,
		       void (*fn)(void *arg, struct ike_sa *sa), void *arg)
{
	for (unsigned int b = 0; b < IKE_TABLE_SIZE; b++) {
		struct ike_sa *sa = t->by_spi[b];

		while (sa) {
			struct ike_sa *next = sa->next_spi;

			fn(arg, sa);
			sa = next;
		}
	}
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
	return 0;
}

uint64_t ike_sa_deadline(const struct ike_sa *sa)
{
	if (sa->out_pending)
		return sa->retx_at;
	if (!sa->initiator && sa->state < IKE_SA_STATE_ESTABLISHED)
		return sa->created_ms + IKE_HALF_OPEN_MS;
	if (sa->state == IKE_SA_STATE_REKEYED)
		return sa->rekeyed_ms + IKE_REKEYED_MS;
	return 0;
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

int ike_sa_child_add(struct ike_sa *sa, struct ike_child **out)
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
	*out = &sa->children[sa->n_children++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

void ike_sa_child_del(struct ike_sa *sa, struct ike_child *ch)
{
	struct ike_child *last = &sa->children[--sa->n_children];

	if (ch != last)
		*ch = *last;
}
