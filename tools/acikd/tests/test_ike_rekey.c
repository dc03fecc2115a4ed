// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_rekey.c - rekeying the IKE SA (tasks/ike_rekey.c, RFC 7296
 * 1.3.2, 2.8, 2.18), INITIAL_CONTACT (2.4), and the IKE SAs that go on a
 * reload or at shutdown (manager_sa.c).
 *
 * Most tests run two managers in memory (ike_testenv.h) on a virtual
 * clock: the rekey initiated by either side, the INVALID_KE_PAYLOAD
 * retry, refusals and their retry, forged and replayed requests, both
 * sides at once. The malformed requests are built by hand against two
 * hand-made established SAs and answered by the task directly.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "crypto/dh.h"
#include "ike_sa.h"
#include "ike_testenv.h"
#include "tasks/tasks.h"

#define LONG_REKEY	100000	/* seconds: the side that does not rekey */

static struct te_env *env_new(void)
{
	struct te_env *e = malloc(sizeof(*e));

	assert_non_null(e);
	te_setup(e);
	return e;
}

static void env_free(struct te_env *e)
{
	te_free(e);
	free(e);
}

/* The only IKE SA side @side lists (asserted established). */
static struct ike_sa_info only_sa(struct te_env *e, int side)
{
	struct te_count c = te_list(e, side);

	assert_int_equal(c.all, 1);
	assert_int_equal(c.established, 1);
	return c.last;
}

static void assert_same_sa(struct te_env *e, unsigned int children)
{
	struct ike_sa_info a = only_sa(e, 0), b = only_sa(e, 1);

	assert_true(a.spi_i == b.spi_i && a.spi_r == b.spi_r);
	assert_int_equal(a.n_child, children);
	assert_int_equal(b.n_child, children);
}

/* IKE_SA_INIT and IKE_AUTH with the first pair; the log starts empty. */
static void handshake(struct te_env *e)
{
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	assert_int_equal(e->side[0].n_inst, 1);
	assert_int_equal(e->side[1].n_inst, 1);
	assert_same_sa(e, 1);
	e->n_log = 0;
}

/* Side @side's IKE SA is due in 100 s (90 to 100), the other's much later. */
static void rekeyer(struct te_env *e, int side)
{
	e->side[side].conn.rekey_seconds = 100;
	e->side[!side].conn.rekey_seconds = LONG_REKEY;
}

static void tick(struct te_env *e, int side)
{
	ike_manager_tick(e->side[side].m, e->now);
}

static void assert_log(struct te_env *e, unsigned int i, int from,
		       uint8_t exchange, bool response)
{
	struct enc_header h;

	assert_true(i < e->n_log);
	h = te_hdr(&e->log[i]);
	assert_int_equal(e->log[i].from, from);
	assert_int_equal(h.exchange, exchange);
	assert_int_equal(!!(h.flags & IKE_FLAG_RESPONSE), response);
}

static unsigned int count_req(struct te_env *e, int from, uint8_t exchange)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < e->n_log; i++) {
		struct enc_header h = te_hdr(&e->log[i]);

		n += e->log[i].from == from && h.exchange == exchange &&
		     !(h.flags & IKE_FLAG_RESPONSE);
	}
	return n;
}

/* Pair @i of side 0 and @k of side 1 mirror each other, keys included. */
static void assert_pair(struct te_env *e, unsigned int i, unsigned int k)
{
	const struct te_install *a = &e->side[0].inst[i];
	const struct te_install *b = &e->side[1].inst[k];

	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_int_equal(a->encr_in_len, b->encr_out_len);
	assert_memory_equal(a->encr_in, b->encr_out, a->encr_in_len);
	assert_memory_equal(a->encr_out, b->encr_in, a->encr_out_len);
}

/*
 * The rekey initiated by @side: CREATE_CHILD_SA on the old SA, then its
 * DELETE on the old SA; new SPIs on both sides, the pair still there and
 * never removed; then a Child SA rekey on the new SA (message ID 0, keys
 * from the new SK_d on both sides).
 */
static void rekey_by(int side)
{
	struct te_env *e = env_new();
	struct ike_sa_info old, now;
	struct enc_header h;

	rekeyer(e, side);
	handshake(e);
	old = only_sa(e, side);
	assert_true(old.rekey_ms <= 100000 && old.rekey_ms >= 90000);
	e->now = 100000;
	tick(e, side);
	te_run(e);
	assert_int_equal(e->n_log, 4);
	assert_log(e, 0, side, CREATE_CHILD_SA, false);
	assert_log(e, 1, !side, CREATE_CHILD_SA, true);
	assert_log(e, 2, side, INFORMATIONAL, false);
	assert_log(e, 3, !side, INFORMATIONAL, true);
	for (unsigned int i = 0; i < 4; i++) {
		h = te_hdr(&e->log[i]);
		assert_true(h.spi_i == old.spi_i && h.spi_r == old.spi_r);
	}
	assert_same_sa(e, 1);
	now = only_sa(e, 0);
	assert_true(now.spi_i != old.spi_i && now.spi_r != old.spi_r);
	assert_int_equal(now.established_ms, 100000);
	/* The rekey initiator is the new SA's original initiator (2.8). */
	assert_int_equal(te_hdr(&e->log[0]).flags & IKE_FLAG_INITIATOR,
			 side ? 0 : IKE_FLAG_INITIATOR);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(e->side[i].n_inst, 1);
		assert_int_equal(e->side[i].n_remove, 0);
	}
	/* The pair moved with the SA: its rekey runs on the new SA. */
	e->n_log = 0;
	ike_manager_child_expired(e->side[0].m, e->now, NULL,
				  e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(e->n_log, 4);
	h = te_hdr(&e->log[0]);
	assert_true(h.spi_i == now.spi_i && h.spi_r == now.spi_r);
	assert_int_equal(h.message_id, 0);
	assert_pair(e, 1, 1);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(e->side[i].n_remove, 1);
		assert_int_equal(e->side[i].rem[0].spi_in,
				 e->side[i].inst[0].spi_in);
		assert_false(e->side[i].rem[0].last);
	}
	assert_same_sa(e, 1);
	env_free(e);
}

static void test_rekey_by_initiator(void **state)
{
	(void)state;
	rekey_by(0);
}

static void test_rekey_by_responder(void **state)
{
	(void)state;
	rekey_by(1);
}

/* The responder wants MODP-2048 now: INVALID_KE_PAYLOAD, then a retry. */
static void test_rekey_invalid_ke(void **state)
{
	struct te_env *e = env_new();
	struct conn *i = &e->side[0].conn, *r = &e->side[1].conn;

	(void)state;
	rekeyer(e, 0);
	i->ike[0].dh[1] = DH_GROUP_MODP_2048;
	i->ike[0].n_dh = 2;
	handshake(e);
	assert_int_equal(only_sa(e, 0).dh, DH_GROUP_ECP_384);
	r->ike[0].dh[0] = DH_GROUP_MODP_2048;
	e->now = 100000;
	tick(e, 0);
	te_run(e);
	assert_int_equal(count_req(e, 0, CREATE_CHILD_SA), 2);
	assert_same_sa(e, 1);
	assert_int_equal(only_sa(e, 0).dh, DH_GROUP_MODP_2048);
	assert_int_equal(only_sa(e, 1).dh, DH_GROUP_MODP_2048);
	assert_int_equal(e->side[0].n_remove + e->side[1].n_remove, 0);
	env_free(e);
}

/* No common proposal: refused, nothing changes; tried again later. */
static void test_rekey_refused_retry(void **state)
{
	struct te_env *e = env_new();
	struct conn *r = &e->side[1].conn;
	struct ike_sa_info old;

	(void)state;
	rekeyer(e, 0);
	handshake(e);
	old = only_sa(e, 0);
	r->ike[0].encr[0] = ENCR_AES_CBC;
	r->ike[0].integ[0] = AUTH_HMAC_SHA2_256_128;
	r->ike[0].n_integ = 1;
	e->now = 100000;
	tick(e, 0);
	te_run(e);
	assert_int_equal(e->n_log, 2);
	assert_same_sa(e, 1);
	assert_true(only_sa(e, 0).spi_i == old.spi_i);
	/* Again in 30 to 60 s; with the proposal back, it works. */
	assert_true(only_sa(e, 0).rekey_ms >= 130000 &&
		    only_sa(e, 0).rekey_ms < 160000);
	r->ike[0].encr[0] = ENCR_AES_GCM_16;
	r->ike[0].n_integ = 0;
	e->now = 160000;
	tick(e, 0);
	te_run(e);
	assert_int_equal(e->n_log, 6);
	assert_same_sa(e, 1);
	assert_true(only_sa(e, 0).spi_i != old.spi_i);
	assert_int_equal(e->side[0].n_remove + e->side[1].n_remove, 0);
	env_free(e);
}

/*
 * A rekey request with a flipped bit is dropped (no answer, no new SA);
 * the real one, delivered twice, makes one new SA: the second copy gets
 * the stored response, which the initiator no longer waits for.
 */
static void test_rekey_forged_replayed(void **state)
{
	struct te_env *e = env_new();
	struct te_pkt req, bad;

	(void)state;
	rekeyer(e, 0);
	handshake(e);
	e->now = 100000;
	tick(e, 0);
	req = te_take(e);
	bad = req;
	bad.data[bad.len - 5] ^= 0x40;
	te_inject(e, 1, bad);
	te_run(e);
	assert_int_equal(e->n_log, 1);
	assert_same_sa(e, 1);
	te_inject(e, 1, req);
	te_inject(e, 1, req);
	te_run(e);
	assert_int_equal(count_req(e, 0, CREATE_CHILD_SA), 1);
	assert_same_sa(e, 1);
	assert_int_equal(e->side[0].n_remove + e->side[1].n_remove, 0);
	/* After the DELETE, a replay finds no SA at all. */
	e->n_log = 0;
	te_inject(e, 1, req);
	te_run(e);
	assert_int_equal(e->n_log, 0);
	assert_same_sa(e, 1);
	env_free(e);
}

/* After a collision: one SA on both sides, new, with the untouched pair. */
static void assert_resolved(struct te_env *e, const struct ike_sa_info *old)
{
	assert_same_sa(e, 1);
	assert_true(only_sa(e, 0).spi_i != old->spi_i);
	assert_true(only_sa(e, 0).spi_r != old->spi_r);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(e->side[i].n_inst, 1);
		assert_int_equal(e->side[i].n_remove, 0);
	}
}

/*
 * Both sides rekey at once and both see it (2.8.2): both exchanges
 * complete, the SA with the lowest nonce is deleted by its initiator,
 * the old one by the other side; the pair ends up on the survivor.
 */
static void test_rekey_collision(void **state)
{
	(void)state;
	for (int run = 0; run < 8; run++) {
		struct te_env *e = env_new();
		struct ike_sa_info old;

		e->side[0].conn.rekey_seconds = 100;
		e->side[1].conn.rekey_seconds = 100;
		handshake(e);
		old = only_sa(e, 0);
		e->now = 100000;
		tick(e, 0);
		tick(e, 1);
		te_run(e);
		assert_int_equal(count_req(e, 0, CREATE_CHILD_SA), 1);
		assert_int_equal(count_req(e, 1, CREATE_CHILD_SA), 1);
		/* One DELETE each: the redundant SA, and the old one. */
		assert_int_equal(count_req(e, 0, INFORMATIONAL), 1);
		assert_int_equal(count_req(e, 1, INFORMATIONAL), 1);
		assert_int_equal(e->n_log, 8);
		assert_resolved(e, &old);
		/* The survivor works: a Child SA rekey on it. */
		ike_manager_child_expired(e->side[1].m, e->now, NULL,
					  e->side[1].inst[0].spi_in, false);
		te_run(e);
		assert_pair(e, 1, 1);
		assert_same_sa(e, 1);
		env_free(e);
	}
}

/*
 * Side 1 sees the collision, side 0 does not (its answer came before
 * side 1's request): side 0 deletes the old SA, so side 1's held SA (side
 * 0's) takes the pair over; side 1's own request dies with the old SA.
 */
static void test_rekey_collision_one_sided(void **state)
{
	struct te_env *e = env_new();
	struct ike_sa_info old;
	struct te_pkt a, b;

	(void)state;
	e->side[0].conn.rekey_seconds = 100;
	e->side[1].conn.rekey_seconds = 100;
	handshake(e);
	old = only_sa(e, 0);
	e->now = 100000;
	tick(e, 0);
	tick(e, 1);
	a = te_take(e);
	b = te_take(e);
	assert_int_equal(a.from, 0);
	te_inject(e, 1, a);
	te_run(e);
	te_inject(e, 0, b);
	te_run(e);
	assert_resolved(e, &old);
	/* Side 1's request is not retransmitted: the old SA is gone. */
	e->n_log = 0;
	e->now += 1000;
	tick(e, 1);
	assert_int_equal(e->n_log, 0);
	env_free(e);
}

/* A CREATE_CHILD_SA for a pair while our IKE SA rekey is outstanding. */
static void test_child_during_rekey(void **state)
{
	struct te_env *e = env_new();

	(void)state;
	rekeyer(e, 0);
	handshake(e);
	e->now = 100000;
	tick(e, 0);
	assert_int_equal(ike_manager_child_create(e->side[1].m, e->now,
						  "conn1"), 0);
	te_run(e);
	/* Side 1's request was refused (2.25), side 0's rekey went through. */
	assert_int_equal(count_req(e, 1, CREATE_CHILD_SA), 1);
	assert_int_equal(e->side[0].n_inst, 1);
	assert_int_equal(e->side[1].n_inst, 1);
	assert_same_sa(e, 1);
	env_free(e);
}

/* ---- malformed requests, against hand-made SAs ---------------------- */

struct wb {
	struct te_env e;
	struct ike_sa *sa[2];
	struct ike_ctx ctx[2];
};

static void wb_setup(struct wb *w)
{
	uint8_t ke[2][36], skd[48];

	te_setup(&w->e);
	assert_int_equal(RAND_bytes(&ke[0][0], sizeof(ke)), 1);
	assert_int_equal(RAND_bytes(skd, sizeof(skd)), 1);
	for (int i = 0; i < 2; i++) {
		struct te_side *s = &w->e.side[i];
		struct sockaddr_in l = te_addr(i ? "192.0.2.1" : "10.0.0.1", 500);
		struct sockaddr_in r = te_addr(i ? "10.0.0.1" : "192.0.2.1", 500);
		struct ike_sa *sa = ike_sa_new(!i, &s->conn, &l, &r, 0);
		struct ike_child *ch;

		assert_non_null(sa);
		sa->spi_i = 0x0102030405060708ULL;
		sa->spi_r = 0x1112131415161718ULL;
		sa->suite = (struct crypto_suite){ ENCR_AES_GCM_16, 256, 0,
						   PRF_HMAC_SHA2_384 };
		sa->dh_group = DH_GROUP_ECP_384;
		assert_int_equal(chunk_dup(&sa->keys.sk_ei, ke[0], 36), 0);
		assert_int_equal(chunk_dup(&sa->keys.sk_er, ke[1], 36), 0);
		assert_int_equal(chunk_dup(&sa->keys.sk_d, skd, 48), 0);
		sa->state = IKE_SA_STATE_ESTABLISHED;
		sa->next_req_id = sa->expect_req_id = 2;
		for (uint32_t k = 0; k < 2; k++) {
			assert_int_equal(ike_sa_child_add(sa, &ch), 0);
			ch->spi_in = (i ? 0x20000 : 0x10000) + k;
			ch->spi_out = (i ? 0x10000 : 0x20000) + k;
		}
		w->sa[i] = sa;
		w->ctx[i] = (struct ike_ctx){ .cfg = &s->cfg, .ops = &te_ops,
					      .arg = s };
	}
}

static void wb_free(struct wb *w)
{
	ike_sa_free(w->sa[0]);
	ike_sa_free(w->sa[1]);
}

/* What a request carries; each field can be spoiled. */
struct rk_req {
	uint8_t protocol;
	size_t spi_len;
	uint8_t spi[8];
	uint16_t ke_group;	/* 0: no KE payload */
	bool ke_garbage;
};

#define RK_GOOD { IKE_PROTO_IKE, 8, { 1, 2, 3, 4, 5, 6, 7, 8 }, \
		  DH_GROUP_ECP_384, false }

/* Side 0 sends @q on its SA, side 1's task answers: the notify or 0. */
static uint16_t wb_rekey(struct wb *w, const struct rk_req *q,
			 struct ike_sa **fresh)
{
	struct enc_proposal prop = {
		.number = 1, .protocol = q->protocol,
		.spi = chunk_from(q->spi, q->spi_len), .num_transforms = 3,
		.transforms = {
			{ IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256, false },
			{ IKE_TRANSFORM_PRF, PRF_HMAC_SHA2_384, 0, false },
			{ IKE_TRANSFORM_DH, DH_GROUP_ECP_384, 0, false },
		},
	};
	uint8_t scratch[512], msg[IKE_MSG_MAX], out[IKE_MSG_MAX], nonce[32];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	struct enc_buf ob = enc_buf_init(out, sizeof(out));
	struct enc_message *m = malloc(sizeof(*m));
	struct enc_payload p[3] = { { .type = IKE_PL_SA },
				    { .type = IKE_PL_NONCE },
				    { .type = IKE_PL_KE } };
	const struct enc_payload *n;
	struct chunk plain, pub = CHUNK_EMPTY;
	struct dh_key *key = NULL;
	uint16_t type = 0;

	assert_non_null(m);
	if (q->protocol == IKE_PROTO_ESP)
		prop.transforms[1] = (struct enc_transform){
			IKE_TRANSFORM_ESN, IKE_ESN_NO, 0, false };
	assert_int_equal(enc_sa_build(&p[0].u.sa, &sb, &prop, 1), 0);
	assert_int_equal(RAND_bytes(nonce, sizeof(nonce)), 1);
	p[1].u.nonce.data = chunk_from(nonce, sizeof(nonce));
	if (q->ke_group) {
		assert_int_equal(dh_key_create(q->ke_group, &key), 0);
		assert_int_equal(dh_public_value(key, &pub), 0);
		if (q->ke_garbage)
			memset(pub.ptr, 0xff, pub.len);
		p[2].u.ke.group = q->ke_group;
		p[2].u.ke.data = pub;
	}
	assert_int_equal(ike_sa_build(w->sa[0], CREATE_CHILD_SA, false, 2, p,
				      q->ke_group ? 3 : 2, true, &mb), 0);
	assert_int_equal(enc_message_parse(m, enc_buf_chunk(&mb)), 0);
	assert_int_equal(ike_sa_decrypt(w->sa[1], m, &plain), 0);
	assert_true(ike_rekey_is_request(m));
	assert_int_equal(ike_rekey_respond(w->sa[1], &w->ctx[1], m,
					   0x4242424242424242ULL, &ob, fresh),
			 0);
	chunk_clear(&plain);
	assert_int_equal(enc_message_parse(m, enc_buf_chunk(&ob)), 0);
	assert_int_equal(ike_sa_decrypt(w->sa[0], m, &plain), 0);
	n = enc_message_find(m, IKE_PL_NOTIFY, NULL);
	if (n)
		type = n->u.notify.type;
	else
		assert_non_null(enc_message_find(m, IKE_PL_KE, NULL));
	chunk_clear(&plain);
	chunk_free(&pub);
	dh_key_free(key);
	free(m);
	return type;
}

/* A refusal changed nothing on the responder. */
static void assert_untouched(struct wb *w, struct ike_sa *fresh)
{
	assert_null(fresh);
	assert_int_equal(w->sa[1]->state, IKE_SA_STATE_ESTABLISHED);
	assert_int_equal(w->sa[1]->n_children, 2);
	assert_int_equal(w->e.side[1].n_inst + w->e.side[1].n_remove, 0);
}

static void test_rekey_malformed(void **state)
{
	static const struct {
		struct rk_req q;
		uint16_t notify;
	} bad[] = {
		{ { IKE_PROTO_IKE, 0, { 0 }, DH_GROUP_ECP_384, false },
		  NOTIFY_INVALID_SYNTAX },		/* no SPI */
		{ { IKE_PROTO_IKE, 8, { 0 }, DH_GROUP_ECP_384, false },
		  NOTIFY_INVALID_SYNTAX },		/* SPI zero */
		{ { IKE_PROTO_IKE, 8, { 1 }, 0, false },
		  NOTIFY_INVALID_KE_PAYLOAD },		/* no KE */
		{ { IKE_PROTO_IKE, 8, { 1 }, DH_GROUP_MODP_2048, false },
		  NOTIFY_INVALID_KE_PAYLOAD },		/* KE of another group */
		{ { IKE_PROTO_IKE, 8, { 1 }, DH_GROUP_ECP_384, true },
		  NOTIFY_INVALID_SYNTAX },		/* KE not on the curve */
		{ { IKE_PROTO_ESP, 4, { 1, 2, 3, 4 }, DH_GROUP_ECP_384, false },
		  NOTIFY_NO_PROPOSAL_CHOSEN },		/* ESP without TS */
	};
	static const struct rk_req good = RK_GOOD;
	struct ike_sa *fresh;
	struct wb w;

	(void)state;
	wb_setup(&w);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wb_rekey(&w, &bad[i].q, &fresh),
				 bad[i].notify);
		assert_untouched(&w, fresh);
	}
	/* A Child SA exchange of its own, or going: TEMPORARY_FAILURE. */
	w.sa[1]->out_pending = true;
	w.sa[1]->out_exchange = CREATE_CHILD_SA;
	assert_int_equal(wb_rekey(&w, &good, &fresh), NOTIFY_TEMPORARY_FAILURE);
	assert_untouched(&w, fresh);
	/* Its own IKE SA rekey: accepted, the new SA held back (2.8.2). */
	w.sa[1]->nego.ike_spi = 0x77;
	assert_int_equal(wb_rekey(&w, &good, &fresh), 0);
	assert_non_null(fresh);
	assert_int_equal(fresh->state, IKE_SA_STATE_REKEYED);
	assert_int_equal(fresh->n_children, 0);
	assert_int_equal(w.sa[1]->n_children, 2);
	assert_int_equal(w.sa[1]->state, IKE_SA_STATE_ESTABLISHED);
	assert_int_equal(w.sa[1]->nego.collide_ike_spi, fresh->spi_r);
	assert_int_equal(w.sa[1]->nego.collide_nonce.len, 32);
	ike_sa_free(fresh);
	w.sa[1]->nego.ike_spi = 0;
	/* A liveness check of its own does not stand in the way. */
	w.sa[1]->out_exchange = INFORMATIONAL;
	w.sa[1]->state = IKE_SA_STATE_DELETING;
	assert_int_equal(wb_rekey(&w, &good, &fresh), NOTIFY_TEMPORARY_FAILURE);
	assert_null(fresh);
	w.sa[1]->state = IKE_SA_STATE_ESTABLISHED;
	/* The good one: the pairs move, the old SA is rekeyed away. */
	assert_int_equal(wb_rekey(&w, &good, &fresh), 0);
	assert_non_null(fresh);
	assert_int_equal(fresh->spi_i, 0x0102030405060708ULL);
	assert_int_equal(fresh->spi_r, 0x4242424242424242ULL);
	assert_false(fresh->initiator);
	assert_int_equal(fresh->n_children, 2);
	assert_int_equal(fresh->next_req_id + fresh->expect_req_id, 0);
	assert_int_equal(w.sa[1]->n_children, 0);
	assert_int_equal(w.sa[1]->state, IKE_SA_STATE_REKEYED);
	assert_int_equal(w.e.side[1].n_inst + w.e.side[1].n_remove, 0);
	/* A second rekey of the rekeyed SA is refused. */
	{
		struct ike_sa *again;

		assert_int_equal(wb_rekey(&w, &good, &again),
				 NOTIFY_TEMPORARY_FAILURE);
		assert_null(again);
	}
	ike_sa_free(fresh);
	wb_free(&w);
}

/* ---- INITIAL_CONTACT ------------------------------------------------- */

/* How many pairs side @id had installed when it last removed one. */
static unsigned int inst_at_remove[2];

static int ic_remove(void *ctx, const struct child_sa_remove *c)
{
	struct te_side *s = ctx;

	inst_at_remove[s->id] = s->n_inst;
	return te_remove(ctx, c);
}

static const struct ike_env_ops ic_ops = {
	.send = te_send,
	.child_install = te_install,
	.child_remove = ic_remove,
	.random = te_random,
	.log = te_log,
};

static void ic_start(struct te_env *e)
{
	for (int i = 0; i < 2; i++) {
		e->side[i].m = ike_manager_new(&e->side[i].cfg, &ic_ops,
					       &e->side[i]);
		assert_non_null(e->side[i].m);
	}
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	assert_same_sa(e, 1);
}

/*
 * The customer router restarts (a new manager on side 0, which has no
 * SA with the peer, so its IKE_AUTH says INITIAL_CONTACT): the responder
 * drops the old SA and its pair without a word, after the new pair is in.
 */
static void test_initial_contact(void **state)
{
	struct te_env *e = env_new();
	struct ike_sa_info old;

	(void)state;
	ic_start(e);
	old = only_sa(e, 1);
	ike_manager_free(e->side[0].m);
	e->side[0].m = ike_manager_new(&e->side[0].cfg, &ic_ops, &e->side[0]);
	assert_non_null(e->side[0].m);
	e->now = 5000;
	e->n_log = 0;
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	assert_int_equal(e->n_log, 4);	/* no DELETE to anyone */
	assert_same_sa(e, 1);
	assert_true(only_sa(e, 1).spi_i != old.spi_i);
	assert_int_equal(e->side[1].n_inst, 2);
	assert_true(e->side[1].inst[1].first);
	assert_int_equal(e->side[1].n_remove, 1);
	assert_int_equal(e->side[1].rem[0].spi_in, e->side[1].inst[0].spi_in);
	/* The IKE SA's last pair (kernel.c keeps routes another pair has). */
	assert_true(e->side[1].rem[0].last);
	assert_int_equal(inst_at_remove[1], 2);
	assert_int_equal(e->side[0].n_remove, 0);
	assert_non_null(strstr(e->side[1].logs, "conn1: INITIAL_CONTACT"));
	env_free(e);
}

/* Side 0 restarts (a new manager) and connects again. */
static void restart(struct te_env *e)
{
	ike_manager_free(e->side[0].m);
	e->side[0].m = ike_manager_new(&e->side[0].cfg, &ic_ops, &e->side[0]);
	assert_non_null(e->side[0].m);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
}

/*
 * An address identity names the address: INITIAL_CONTACT from the same
 * ID_IPV4_ADDR at another address (here through a NAT) leaves the SA of
 * the first address alone.
 */
static void test_initial_contact_other_address(void **state)
{
	struct te_env *e = env_new();
	struct te_count c;

	(void)state;
	te_id(&e->side[0].conn.local_id, IKE_ID_IPV4_ADDR, "10.0.0.1");
	te_id(&e->side[1].conn.remote_id, IKE_ID_IPV4_ADDR, "10.0.0.1");
	ic_start(e);
	/* From the same address: the first SA goes. */
	restart(e);
	c = te_list(e, 1);
	assert_int_equal(c.established, 1);
	assert_int_equal(e->side[1].n_remove, 1);
	/* From another one: the SA stays. */
	e->nat = true;
	restart(e);
	c = te_list(e, 1);
	assert_int_equal(c.established, 2);
	assert_int_equal(c.children, 2);
	assert_int_equal(e->side[1].n_remove, 1);
	env_free(e);
}

/* A second IKE SA from a peer that has one already: both stay. */
static void test_no_initial_contact(void **state)
{
	struct te_env *e = env_new();
	struct te_count c;

	(void)state;
	ic_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	for (int i = 0; i < 2; i++) {
		c = te_list(e, i);
		assert_int_equal(c.established, 2);
		assert_int_equal(c.children, 2);
		assert_int_equal(e->side[i].n_remove, 0);
	}
	env_free(e);
}

/* ---- reload and shutdown --------------------------------------------- */

/* Established, rekeyed and deleting SAs are not half-open. */
static void test_table_half_open(void **state)
{
	struct ike_sa_table *t = calloc(1, sizeof(*t));
	struct sockaddr_in a = te_addr("10.0.0.1", 500);
	enum ike_sa_state st[] = { IKE_SA_STATE_INIT, IKE_SA_STATE_ESTABLISHED,
				   IKE_SA_STATE_REKEYED,
				   IKE_SA_STATE_DELETING };
	struct ike_sa *sa[4];
	uint8_t key[HASH_KEY_LEN] = { 1 };

	(void)state;
	assert_non_null(t);
	assert_int_equal(ike_sa_table_init(t, key), 0);
	for (int i = 0; i < 4; i++) {
		sa[i] = ike_sa_new(true, NULL, &a, &a, 0);
		assert_non_null(sa[i]);
		sa[i]->spi_i = 0x1000 + (uint64_t)i;
		sa[i]->state = st[i];
		assert_int_equal(ike_sa_table_add(t, sa[i], 0), 0);
	}
	assert_int_equal(t->count, 4);
	assert_int_equal(t->half_open, 1);
	assert_ptr_equal(ike_sa_table_find_spi(t, 0x1002), sa[2]);
	assert_null(ike_sa_table_find_spi(t, 0));
	for (int i = 0; i < 4; i++) {
		ike_sa_table_remove(t, sa[i]);
		ike_sa_free(sa[i]);
	}
	assert_int_equal(t->count + t->half_open, 0);
	ike_sa_table_fini(t);
	free(t);
}

/* A reload without the connection deletes its IKE SA (DELETE sent). */
static void test_reload_removes_conn(void **state)
{
	struct te_env *e = env_new();
	struct acikd_config none = { 0 };

	(void)state;
	handshake(e);
	ike_manager_set_config(e->side[1].m, e->now, &none);
	te_run(e);
	assert_int_equal(e->n_log, 2);
	assert_log(e, 0, 1, INFORMATIONAL, false);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(te_list(e, i).all, 0);
		assert_int_equal(e->side[i].n_remove, 1);
		assert_true(e->side[i].rem[0].last);
	}
	/* Kept connections keep their SAs. */
	ike_manager_set_config(e->side[1].m, e->now, &e->side[1].cfg);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	ike_manager_set_config(e->side[0].m, e->now, &e->side[0].cfg);
	te_run(e);
	assert_same_sa(e, 1);
	env_free(e);
}

/* Shutdown: one DELETE per established SA, retransmitted while waited for. */
static void test_shutdown(void **state)
{
	struct te_env *e = env_new();

	(void)state;
	handshake(e);
	e->mute[1] = true;
	assert_int_equal(ike_manager_shutdown(e->side[0].m, e->now), 1);
	assert_int_equal(ike_manager_shutdown(e->side[0].m, e->now), 1);
	te_run(e);
	assert_int_equal(count_req(e, 0, INFORMATIONAL), 1);
	assert_int_equal(te_list(e, 1).all, 0);
	assert_int_equal(e->side[1].n_remove, 1);
	e->mute[1] = false;
	e->now = 500;
	tick(e, 0);
	te_run(e);
	assert_int_equal(count_req(e, 0, INFORMATIONAL), 2);
	/* Gone on side 1: the retransmission is not answered; ours waits. */
	assert_int_equal(ike_manager_shutdown(e->side[0].m, e->now), 1);
	env_free(e);

	e = env_new();
	handshake(e);
	assert_int_equal(ike_manager_shutdown(e->side[1].m, e->now), 1);
	te_run(e);
	assert_int_equal(ike_manager_shutdown(e->side[1].m, e->now), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(te_list(e, i).all, 0);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_by_initiator),
		cmocka_unit_test(test_rekey_by_responder),
		cmocka_unit_test(test_rekey_invalid_ke),
		cmocka_unit_test(test_rekey_refused_retry),
		cmocka_unit_test(test_rekey_forged_replayed),
		cmocka_unit_test(test_rekey_collision),
		cmocka_unit_test(test_rekey_collision_one_sided),
		cmocka_unit_test(test_child_during_rekey),
		cmocka_unit_test(test_rekey_malformed),
		cmocka_unit_test(test_initial_contact),
		cmocka_unit_test(test_initial_contact_other_address),
		cmocka_unit_test(test_no_initial_contact),
		cmocka_unit_test(test_table_half_open),
		cmocka_unit_test(test_reload_removes_conn),
		cmocka_unit_test(test_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
