// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ike_rekey.c - rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 1.3.2,
 * 2.8, 2.18), both roles.
 *
 * The request carries IKE proposals holding the new SA's initiator SPI,
 * Ni and KEi; the response the chosen proposal holding its responder SPI,
 * Nr and KEr. The new SA's keys come from the old SA's SK_d and the new
 * key exchange (2.18). The new SA takes the old one's Child SA pairs over
 * as they are (nothing changes in actun) together with their queued jobs,
 * and starts its message IDs at 0. The rekey initiator becomes the new
 * SA's original initiator and deletes the old SA, which by then has no
 * pairs left to remove; the responder marks the old SA REKEYED, starts
 * nothing more on it and lets it go with the DELETE (or IKE_REKEYED_MS).
 *
 * Simultaneous IKE SA rekeys (2.8.2): both exchanges complete. The SA
 * the peer's exchange created waits (REKEYED, no pairs) until ours is
 * answered; then the SA whose exchange has the lowest of the four nonces
 * is redundant and deleted by its initiator, the other one takes the
 * pairs over, and the initiator of that one deletes the old SA. If our
 * exchange fails, or the peer deletes the old SA first, the peer's SA
 * wins. A responder with a Child SA exchange of its own outstanding
 * answers TEMPORARY_FAILURE (2.25): the pair's answer would come on the
 * old SA after the pairs moved.
 */
#include <errno.h>

#include "crypto/keymat.h"
#include "msg.h"
#include "negotiate.h"
#include "tasks.h"

#define DEFAULT_REKEY_SECONDS (4 * 3600)

/* A random delay in [0, @max) from the environment (0 if none). */
static uint64_t jitter(const struct ike_ctx *c, uint64_t max)
{
	uint32_t r = 0;

	if (!max || c->ops->random(c->arg, (uint8_t *)&r, sizeof(r)))
		return 0;
	return r % max;
}

/*
 * Up to a tenth early, as for Child SAs: two ends with the same
 * rekey_seconds then rarely rekey at once.
 */
void ike_rekey_schedule(struct ike_sa *sa, const struct ike_ctx *c)
{
	uint32_t rekey = sa->conn && sa->conn->rekey_seconds ?
			 sa->conn->rekey_seconds : DEFAULT_REKEY_SECONDS;
	uint64_t ms = 1000ULL * rekey;

	sa->rekey_at_ms = c->now_ms + ms - jitter(c, ms / 10 + 1);
}

/* A refused or failed rekey: again later, at a random time. */
static void schedule_retry(struct ike_sa *sa, const struct ike_ctx *c)
{
	sa->rekey_at_ms = c->now_ms + IKE_REKEY_RETRY_MS +
			  jitter(c, IKE_REKEY_RETRY_MS);
}

bool ike_rekey_is_request(const struct enc_message *m)
{
	/* Child SAs always come with selectors (1.3.1, 1.3.2). */
	return !enc_message_find(m, IKE_PL_TSI, NULL);
}

/* Our nonce, key pair and new SPI of the exchange are forgotten. */
static void rk_reset(struct ike_sa *sa)
{
	chunk_clear(&sa->nego.ni);
	dh_key_free(sa->nego.dh);
	sa->nego.dh = NULL;
	sa->nego.dh_group = 0;
	sa->nego.ike_spi = 0;
}

/* No rekey by the peer crossed ours (yet). */
static void collide_reset(struct ike_sa *sa)
{
	sa->nego.collide_ike_spi = 0;
	chunk_free(&sa->nego.collide_nonce);
}

/* @p (built without SPIs) again, with @spi in every proposal (3.3.1). */
static int set_spi(struct enc_payload *p, const uint8_t spi[IKE_SPI_LEN],
		   struct enc_buf *scratch)
{
	struct enc_proposal props[CONFIG_MAX_PROPOSALS];
	struct enc_proposal_iter it;
	size_t n = 0;
	int err = 0;

	enc_proposal_iter_init(&it, &p->u.sa);
	while (n < CONFIG_MAX_PROPOSALS &&
	       (err = enc_proposal_next(&it, &props[n])) > 0)
		props[n++].spi = chunk_from(spi, IKE_SPI_LEN);
	if (err < 0)
		return err;
	return enc_sa_build(&p->u.sa, scratch, props, n);
}

/* The SPI of proposal @number of @sa: non-zero, 8 bytes. */
static int chosen_spi(const struct enc_sa *sa, uint8_t number, uint64_t *spi)
{
	struct enc_proposal_iter it;
	struct enc_proposal pp;

	enc_proposal_iter_init(&it, sa);
	while (enc_proposal_next(&it, &pp) > 0) {
		if (pp.number != number)
			continue;
		if (pp.spi.len != IKE_SPI_LEN)
			return -EPROTO;
		*spi = enc_get_be64(pp.spi.ptr);
		return *spi ? 0 : -EPROTO;
	}
	return -EPROTO;
}

/* The request: SA (our SPI in each proposal), Ni, KEi (1.3.2). */
static int send_request(struct ike_sa *sa, const struct ike_ctx *c,
			uint64_t spi, uint16_t group)
{
	uint8_t msg[IKE_MSG_MAX];
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	const struct conn *cn = sa->conn;
	struct task_msg *x = task_msg_new();
	int err;

	if (!x)
		return -ENOMEM;
	rk_reset(sa);
	sa->nego.ike_spi = spi;
	sa->nego.dh_group = group;
	enc_put_be64(x->spi, spi);
	err = ike_nonce_new(c, &sa->nego.ni);
	if (!err)
		err = nego_offer(cn->ike, cn->n_ike, IKE_PROTO_IKE, 0,
				 task_msg_add(x, IKE_PL_SA), &x->sb);
	if (!err)
		err = set_spi(&x->p[0], x->spi, &x->sb2);
	if (!err) {
		task_msg_add(x, IKE_PL_NONCE)->u.nonce.data = sa->nego.ni;
		err = task_msg_add_ke(x, group, &sa->nego.dh);
	}
	if (!err)
		err = ike_sa_build(sa, CREATE_CHILD_SA, false, sa->next_req_id,
				   x->p, x->n, true, &mb);
	task_msg_free(x);
	if (!err)
		err = ike_sa_send_request(sa, c, CREATE_CHILD_SA,
					  enc_buf_chunk(&mb));
	if (err)
		rk_reset(sa);
	return err;
}

int ike_rekey_start(struct ike_sa *sa, const struct ike_ctx *c, uint64_t spi)
{
	int err;

	/* The group in use: the peer accepted it once already. */
	sa->nego.retried = false;
	collide_reset(sa);
	err = send_request(sa, c, spi, sa->dh_group);
	if (err)
		schedule_retry(sa, c);
	return err;
}

/* Whether @group is in one of our IKE proposals. */
static bool group_ok(const struct conn *cn, uint16_t group)
{
	for (unsigned int i = 0; i < cn->n_ike; i++)
		for (unsigned int k = 0; k < cn->ike[i].n_dh; k++)
			if (cn->ike[i].dh[k] == group)
				return true;
	return false;
}

/* INVALID_KE_PAYLOAD: once again with the group asked for (1.3.2, 2.7). */
static int retry_ke(struct ike_sa *sa, const struct ike_ctx *c,
		    const struct enc_payload *n)
{
	const struct chunk d = n->u.notify.data;
	uint16_t group;

	if (sa->nego.retried || d.len != 2)
		return -EPROTO;
	group = (uint16_t)(d.ptr[0] << 8 | d.ptr[1]);
	if (group == sa->nego.dh_group || !group_ok(sa->conn, group))
		return -ENOENT;
	sa->nego.retried = true;
	return send_request(sa, c, sa->nego.ike_spi, group);
}

/* What the new SA is made of. */
struct rk_keying {
	bool initiator;			/* we initiated the rekey */
	uint64_t spi_i, spi_r;
	struct crypto_suite suite;
	uint16_t dh;
	struct chunk g_ir, ni, nr;
};

/* The new SA with its keys (2.18); not in a table, no pairs yet. */
static int make_sa(struct ike_sa *old, const struct ike_ctx *c,
		   const struct rk_keying *k, struct ike_sa **out)
{
	struct ike_sa *sa = ike_sa_new(k->initiator, old->conn, &old->local,
				       &old->remote, c->now_ms);
	uint8_t si[IKE_SPI_LEN], sr[IKE_SPI_LEN];
	int err;

	if (!sa)
		return -ENOMEM;
	sa->spi_i = k->spi_i;
	sa->spi_r = k->spi_r;
	sa->natt = old->natt;
	sa->nat_local = old->nat_local;
	sa->keepalive_at_ms = old->keepalive_at_ms;
	sa->nat_remote = old->nat_remote;
	sa->peer_frag = old->peer_frag;
	sa->suite = k->suite;
	sa->dh_group = k->dh;
	enc_put_be64(si, k->spi_i);
	enc_put_be64(sr, k->spi_r);
	/* 2.18: the old SA's PRF makes SKEYSEED, the new one the rest. */
	err = keymat_ike_sa_rekey(old->suite.prf, old->keys.sk_d, &k->suite,
				  k->g_ir, k->ni, k->nr, si, sr, &sa->keys);
	if (!err)
		err = chunk_dup(&sa->ni, k->ni.ptr, k->ni.len);
	if (!err)
		err = chunk_dup(&sa->nr, k->nr.ptr, k->nr.len);
	if (err) {
		ike_sa_free(sa);
		return err;
	}
	sa->state = IKE_SA_STATE_ESTABLISHED;
	sa->established_ms = c->now_ms;
	sa->last_heard_ms = c->now_ms;
	ike_rekey_schedule(sa, c);
	*out = sa;
	return 0;
}

/*
 * The new SA takes the pairs over, and the jobs queued for them (IKE-wide
 * ones stay behind: a DPD check or rekey is of the old SA). The old SA
 * is left without pairs, so that deleting it removes nothing from actun.
 */
static void take_over(struct ike_sa *sa, struct ike_sa *old,
		      const struct ike_ctx *c)
{
	struct ike_job j;

	ike_sa_children_move(sa, old);
	while (!ike_sa_next_job(old, &j))
		if (j.kind == IKE_JOB_REKEY_CHILD ||
		    j.kind == IKE_JOB_DELETE_CHILD ||
		    j.kind == IKE_JOB_CREATE_CHILD)
			ike_sa_queue_job(sa, j.kind, j.spi_in);
	old->state = IKE_SA_STATE_REKEYED;
	old->rekeyed_ms = c->now_ms;
	old->rekey_at_ms = 0;
}

/* The peer's SA of a collision wins: it is up, and the pairs go to it. */
void ike_rekey_peer_won(struct ike_sa *peers, struct ike_sa *old,
			const struct ike_ctx *c)
{
	peers->state = IKE_SA_STATE_ESTABLISHED;
	peers->established_ms = c->now_ms;
	ike_rekey_schedule(peers, c);
	take_over(peers, old, c);
	collide_reset(old);
}

/* Whether our new SA @sa lost a collision (2.8.2) to the peer's. */
static bool lost(const struct ike_sa *sa, const struct ike_sa *old)
{
	return chunk_compare(chunk_min(sa->ni, sa->nr),
			 old->nego.collide_nonce) < 0;
}

/* Initiator: the new SA from a response without errors. */
static int from_response(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *m, struct ike_sa **out)
{
	const struct enc_payload *sap = enc_message_find(m, IKE_PL_SA, NULL);
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	const struct enc_payload *nr = enc_message_find(m, IKE_PL_NONCE, NULL);
	const struct conn *cn = sa->conn;
	struct rk_keying k = { .initiator = true, .spi_i = sa->nego.ike_spi };
	struct nego_choice ch;
	int err;

	if (!sap || !ke || !nr || !sa->nego.dh)
		return -EPROTO;
	err = nego_select(cn->ike, cn->n_ike, IKE_PROTO_IKE, &sap->u.sa,
			  sa->nego.dh_group, true, &ch);
	if (err)
		return err;
	/* The responder must take the group our KE payload is for. */
	if (ch.dh != sa->nego.dh_group || ke->u.ke.group != ch.dh)
		return -EPROTO;
	err = chosen_spi(&sap->u.sa, ch.number, &k.spi_r);
	if (!err)
		err = dh_check_peer(ch.dh, ke->u.ke.data);
	if (!err)
		err = dh_compute_shared(sa->nego.dh, ke->u.ke.data, &k.g_ir);
	k.suite = ch.suite;
	k.dh = ch.dh;
	k.ni = sa->nego.ni;
	k.nr = nr->u.nonce.data;
	if (!err)
		err = make_sa(sa, c, &k, out);
	chunk_clear(&k.g_ir);
	return err;
}

/* Any error notify (a refusal) in @m. */
static bool has_error(const struct enc_message *m)
{
	const struct enc_payload *p = NULL;

	while ((p = enc_message_find(m, IKE_PL_NOTIFY, p)))
		if (p->u.notify.type <= NOTIFY_ERROR_MAX)
			return true;
	return false;
}

int ike_rekey_process(struct ike_sa *sa, const struct ike_ctx *c,
		      const struct enc_message *m, struct ike_sa *collided,
		      struct ike_sa **new_sa)
{
	const struct enc_payload *ike =
		enc_message_notify(m, NOTIFY_INVALID_KE_PAYLOAD);

	*new_sa = NULL;
	if (ike && !retry_ke(sa, c, ike))
		return 0;	/* sent again: keep the exchange's state */
	if (has_error(m) || from_response(sa, c, m, new_sa)) {
		/* Refused or unusable: the peer's rekey, if any, stands. */
		if (collided)
			ike_rekey_peer_won(collided, sa, c);
		else
			schedule_retry(sa, c);
	} else if (collided && lost(*new_sa, sa)) {
		/* Ours is redundant: we delete it, the peer the old SA. */
		ike_rekey_peer_won(collided, sa, c);
		(*new_sa)->rekey_at_ms = 0;
		ike_sa_queue_job(*new_sa, IKE_JOB_DELETE_IKE, 0);
	} else {
		/* A collided SA of the peer's stays REKEYED: it deletes it. */
		take_over(*new_sa, sa, c);
		/* The rekey initiator deletes the old SA (2.8). */
		ike_sa_queue_job(sa, IKE_JOB_DELETE_IKE, 0);
	}
	rk_reset(sa);
	collide_reset(sa);
	return 0;
}

/* The responder's exchange: a refusal (@notify, @x->data) or the new SA. */
struct rk_resp {
	struct task_msg *x;
	uint16_t notify;
	struct chunk nr;
	struct dh_key *dh;
	struct ike_sa *sa;
};

static int refuse(struct rk_resp *r, uint16_t notify)
{
	r->notify = notify;
	return -ENOENT;
}

/*
 * The proposal and the peer's KE: a group other than the chosen
 * proposal's is answered with ours (INVALID_KE_PAYLOAD, 1.3.2).
 */
static int choose(const struct ike_sa *sa, const struct enc_message *m,
		  struct nego_choice *ch, struct rk_keying *k,
		  struct rk_resp *r)
{
	const struct enc_payload *sap = enc_message_find(m, IKE_PL_SA, NULL);
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	const struct conn *cn = sa->conn;

	if (nego_select(cn->ike, cn->n_ike, IKE_PROTO_IKE, &sap->u.sa,
			ke ? ke->u.ke.group : 0, false, ch))
		return refuse(r, NOTIFY_NO_PROPOSAL_CHOSEN);
	if (!ke || ke->u.ke.group != ch->dh) {
		r->x->data[0] = (uint8_t)(ch->dh >> 8);
		r->x->data[1] = (uint8_t)ch->dh;
		r->x->data_len = 2;
		return refuse(r, NOTIFY_INVALID_KE_PAYLOAD);
	}
	if (chosen_spi(&sap->u.sa, ch->number, &k->spi_i) ||
	    dh_check_peer(ch->dh, ke->u.ke.data))
		return refuse(r, NOTIFY_INVALID_SYNTAX);
	k->suite = ch->suite;
	k->dh = ch->dh;
	return 0;
}

/* Choose, key the new SA and put SA, Nr, KEr into @r->x. */
static int respond_rekey(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *m, uint64_t spi,
			 struct rk_resp *r)
{
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	struct rk_keying k = { .initiator = false, .spi_r = spi };
	struct nego_choice ch;
	int err = choose(sa, m, &ch, &k, r);

	if (err)
		return err;
	enc_put_be64(r->x->spi, spi);
	err = nego_answer(&ch, IKE_PROTO_IKE, 0, task_msg_add(r->x, IKE_PL_SA),
			  &r->x->sb);
	if (!err)
		err = set_spi(&r->x->p[0], r->x->spi, &r->x->sb2);
	if (!err)
		err = ike_nonce_new(c, &r->nr);
	if (!err) {
		task_msg_add(r->x, IKE_PL_NONCE)->u.nonce.data = r->nr;
		err = task_msg_add_ke(r->x, ch.dh, &r->dh);
	}
	if (!err)
		err = dh_compute_shared(r->dh, ke->u.ke.data, &k.g_ir);
	k.ni = enc_message_find(m, IKE_PL_NONCE, NULL)->u.nonce.data;
	k.nr = r->nr;
	if (!err)
		err = make_sa(sa, c, &k, &r->sa);
	chunk_clear(&k.g_ir);
	return err ? refuse(r, NOTIFY_TEMPORARY_FAILURE) : 0;
}

/*
 * 2.25: no rekey of an SA that is going or rekeyed, nor while a Child SA
 * exchange of ours is outstanding on it: its answer would come on the
 * old SA after the pairs moved. Our own IKE SA rekey is a collision
 * (2.8.2); an INFORMATIONAL request is answered on the old SA.
 */
static bool busy(const struct ike_sa *sa)
{
	return sa->state != IKE_SA_STATE_ESTABLISHED ||
	       (sa->out_pending && sa->out_exchange == CREATE_CHILD_SA &&
		!sa->nego.ike_spi);
}

/*
 * The peer rekeyed while our rekey is outstanding (2.8.2): its SA waits,
 * REKEYED and without pairs, until our answer decides which one stays.
 */
static void hold(struct ike_sa *old, struct ike_sa *peers,
		 const struct ike_ctx *c)
{
	struct chunk low = chunk_min(peers->ni, peers->nr);

	collide_reset(old);
	if (!chunk_dup(&old->nego.collide_nonce, low.ptr, low.len))
		old->nego.collide_ike_spi = peers->spi_r;
	peers->state = IKE_SA_STATE_REKEYED;
	peers->rekeyed_ms = c->now_ms;
	peers->rekey_at_ms = 0;
}

int ike_rekey_respond(struct ike_sa *sa, const struct ike_ctx *c,
		      const struct enc_message *m, uint64_t spi,
		      struct enc_buf *out, struct ike_sa **new_sa)
{
	struct rk_resp r = { .x = task_msg_new() };
	int err;

	*new_sa = NULL;
	if (!r.x)
		return -ENOMEM;
	if (busy(sa) || !spi)
		refuse(&r, NOTIFY_TEMPORARY_FAILURE);
	/* A refusal is a response with the one notify (2.21). */
	if (r.notify || respond_rekey(sa, c, m, spi, &r))
		task_msg_refuse(r.x, r.notify, 0);
	out->len = 0;
	err = ike_sa_build(sa, CREATE_CHILD_SA, true, m->hdr.message_id,
			   r.x->p, r.x->n, true, out);
	if (!err && r.sa && !r.notify) {
		if (sa->nego.ike_spi)
			hold(sa, r.sa, c);
		else
			take_over(r.sa, sa, c);
		*new_sa = r.sa;
		r.sa = NULL;
	}
	ike_sa_free(r.sa);
	task_msg_free(r.x);
	chunk_clear(&r.nr);
	dh_key_free(r.dh);
	return err;
}
