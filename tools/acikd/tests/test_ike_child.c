// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_child.c - CREATE_CHILD_SA between two managers in memory
 * (RFC 7296 1.3, 2.8, 2.17): rekeying a Child SA on actun's soft expiry
 * (the new pair beside the old one, then the old one's DELETE), PFS, the
 * INVALID_KE_PAYLOAD retry, the refusals (unknown SPI, no proposal), many
 * pairs on one IKE SA with the routes invariant, and the per-SA job queue.
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

/* Pair @i of side 0 and @k of side 1 mirror each other. */
static void assert_pair(struct te_env *e, unsigned int i, unsigned int k)
{
	const struct te_install *a = &e->side[0].inst[i];
	const struct te_install *b = &e->side[1].inst[k];

	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_true(a->spi_in >= 256 && a->spi_out >= 256);
	assert_memory_equal(&a->suite, &b->suite, sizeof(a->suite));
	assert_int_equal(a->encr_in_len, b->encr_out_len);
	assert_memory_equal(a->encr_in, b->encr_out, a->encr_in_len);
	assert_int_equal(a->encr_out_len, b->encr_in_len);
	assert_memory_equal(a->encr_out, b->encr_in, a->encr_out_len);
	assert_int_equal(a->integ_in_len, b->integ_out_len);
	assert_memory_equal(a->integ_in, b->integ_out, a->integ_in_len);
	assert_memory_not_equal(a->encr_in, a->encr_out, a->encr_in_len);
}

/* Two pairs of one side have nothing in common. */
static void assert_fresh(const struct te_install *old,
			 const struct te_install *new)
{
	assert_int_not_equal(old->spi_in, new->spi_in);
	assert_int_not_equal(old->spi_out, new->spi_out);
	assert_memory_not_equal(old->encr_in, new->encr_in, old->encr_in_len);
	assert_memory_not_equal(old->encr_out, new->encr_out,
				old->encr_out_len);
	assert_false(new->first);
}

static void assert_established(struct te_env *e, unsigned int children)
{
	for (int i = 0; i < 2; i++) {
		struct te_count c = te_list(e, i);

		assert_int_equal(c.all, 1);
		assert_int_equal(c.established, 1);
		assert_int_equal(c.children, children);
	}
}

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

/* IKE_SA_INIT and IKE_AUTH with the first pair; the log starts empty. */
static void handshake(struct te_env *e)
{
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	assert_int_equal(e->side[0].n_inst, 1);
	assert_int_equal(e->side[1].n_inst, 1);
	assert_established(e, 1);
	e->n_log = 0;
}

static void expire(struct te_env *e, int side, uint32_t spi_in, bool hard)
{
	ike_manager_child_expired(e->side[side].m, e->now,
				  e->side[side].conn.actun_tunnel, spi_in,
				  hard);
}

/* How many requests of @exchange side @from sent (in the log). */
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

/* Pair @old (index on both sides) was deleted on both sides, not last. */
static void assert_old_deleted(struct te_env *e, unsigned int old,
			       unsigned int n_remove)
{
	for (int i = 0; i < 2; i++) {
		const struct te_side *s = &e->side[i];
		const struct te_removal *r = &s->rem[n_remove - 1];

		assert_int_equal(s->n_remove, n_remove);
		assert_int_equal(r->spi_in, s->inst[old].spi_in);
		assert_int_equal(r->spi_out, s->inst[old].spi_out);
		assert_false(r->last);
	}
}

/* (a) Soft expiry on the initiator: new pair on both, old one deleted. */
static void test_rekey_soft_expiry(void **state)
{
	struct te_env *e = env_new();

	(void)state;
	handshake(e);
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(e->side[0].n_inst, 2);
	assert_int_equal(e->side[1].n_inst, 2);
	assert_pair(e, 1, 1);
	assert_fresh(&e->side[0].inst[0], &e->side[0].inst[1]);
	assert_fresh(&e->side[1].inst[0], &e->side[1].inst[1]);
	/* Same selectors, so the same routes. */
	assert_int_equal(e->side[0].inst[1].n_ts, e->side[0].inst[0].n_ts);
	assert_memory_equal(e->side[1].inst[1].ts, e->side[1].inst[0].ts,
			    sizeof(struct ts_prefix));
	/* New pair first, then the old one's DELETE (2.8). */
	assert_int_equal(e->n_log, 4);
	assert_log(e, 0, 0, CREATE_CHILD_SA, false);
	assert_log(e, 1, 1, CREATE_CHILD_SA, true);
	assert_log(e, 2, 0, INFORMATIONAL, false);
	assert_log(e, 3, 1, INFORMATIONAL, true);
	assert_old_deleted(e, 0, 1);
	assert_established(e, 1);
	/*
	 * The initiator sends on the new pair at once; the responder only
	 * once the initiator's DELETE of the old pair says it has the new
	 * one, just before the old pair goes.
	 */
	assert_int_equal(e->side[0].inst[1].part, CHILD_INSTALL_PAIR);
	assert_int_equal(e->side[1].inst[1].part, CHILD_INSTALL_IN);
	assert_true(e->side[1].inst[1].out_released);
	assert_int_equal(e->side[1].inst[1].removes_at_release, 0);
	/* A repeated expiry of the replaced pair starts nothing. */
	e->n_log = 0;
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(e->n_log, 0);
	/* The responder rekeys the new pair the same way. */
	expire(e, 1, e->side[1].inst[1].spi_in, false);
	te_run(e);
	assert_int_equal(e->side[0].n_inst, 3);
	assert_pair(e, 2, 2);
	assert_log(e, 0, 1, CREATE_CHILD_SA, false);
	assert_old_deleted(e, 1, 2);
	assert_established(e, 1);
	env_free(e);
}

static void pfs(struct conn *c, const uint16_t *groups, unsigned int n)
{
	memcpy(c->esp[0].dh, groups, n * sizeof(*groups));
	c->esp[0].n_dh = n;
}

/* (b) PFS with ECP-384: a KE each way, other keys than without PFS. */
static void test_rekey_pfs(void **state)
{
	static const uint16_t g20[] = { DH_GROUP_ECP_384 };
	struct te_env *e = env_new();
	size_t plain_len;

	(void)state;
	/* IKE_AUTH ignores PFS groups (1.2): the first pair comes anyway. */
	pfs(&e->side[0].conn, g20, 1);
	pfs(&e->side[1].conn, g20, 1);
	handshake(e);
	e->side[0].conn.esp[0].n_dh = 0;
	e->side[1].conn.esp[0].n_dh = 0;
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(e->side[1].n_inst, 2);
	plain_len = e->log[0].len;
	e->n_log = 0;
	pfs(&e->side[0].conn, g20, 1);
	pfs(&e->side[1].conn, g20, 1);
	expire(e, 0, e->side[0].inst[1].spi_in, false);
	te_run(e);
	assert_int_equal(e->side[0].n_inst, 3);
	assert_int_equal(e->side[1].n_inst, 3);
	assert_pair(e, 2, 2);
	assert_fresh(&e->side[0].inst[1], &e->side[0].inst[2]);
	/* The request grew by a DH transform and a 96-byte KE payload. */
	assert_true(e->log[0].len >= plain_len + 8 + 8 + 96);
	assert_true(e->log[1].len >= 8 + 96);
	assert_log(e, 2, 0, INFORMATIONAL, false);
	assert_old_deleted(e, 1, 2);
	assert_established(e, 1);
	env_free(e);
}

/* (c) KE for MODP-2048 first; the responder asks for ECP-384: retry. */
static void test_rekey_invalid_ke_retry(void **state)
{
	static const uint16_t both[] = { DH_GROUP_MODP_2048, DH_GROUP_ECP_384 };
	static const uint16_t g20[] = { DH_GROUP_ECP_384 };
	struct te_env *e = env_new();

	(void)state;
	handshake(e);
	pfs(&e->side[0].conn, both, 2);
	pfs(&e->side[1].conn, g20, 1);
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(count_req(e, 0, CREATE_CHILD_SA), 2);
	assert_log(e, 1, 1, CREATE_CHILD_SA, true);
	assert_int_equal(e->side[1].n_inst, 2);
	assert_int_equal(e->side[0].n_inst, 2);
	assert_pair(e, 1, 1);
	assert_old_deleted(e, 0, 1);
	assert_established(e, 1);

	/* No group in common: NO_PROPOSAL_CHOSEN, no retry, nothing new. */
	e->n_log = 0;
	pfs(&e->side[0].conn, both, 1);
	pfs(&e->side[1].conn, g20, 1);
	expire(e, 0, e->side[0].inst[1].spi_in, false);
	te_run(e);
	assert_int_equal(count_req(e, 0, CREATE_CHILD_SA), 1);
	assert_int_equal(e->side[0].n_inst, 2);
	assert_int_equal(e->side[1].n_inst, 2);
	assert_established(e, 1);
	env_free(e);
}

/*
 * (d) The responder's pair went (hard expiry, its DELETE crosses our
 * rekey request): the rekey finds no pair, nothing is installed.
 */
static void test_rekey_unknown_spi(void **state)
{
	struct te_env *e = env_new();
	struct te_pkt req;

	(void)state;
	handshake(e);
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	req = te_take(e);
	expire(e, 1, e->side[1].inst[0].spi_in, true);
	te_inject(e, 1, req);
	te_run(e);
	/* With its DELETE answered the pair is gone, its routes too. */
	assert_int_equal(e->side[1].n_remove, 1);
	assert_true(e->side[1].rem[0].last);
	assert_int_equal(e->side[0].n_inst, 1);
	assert_int_equal(e->side[1].n_inst, 1);
	assert_int_equal(e->side[0].n_remove, 1);
	assert_established(e, 0);
	env_free(e);
}

/* (e) No common ESP proposal: refused, the IKE SA and old pair stay. */
static void test_rekey_no_proposal(void **state)
{
	struct te_env *e = env_new();
	struct conn *r = &e->side[1].conn;

	(void)state;
	handshake(e);
	r->n_esp = 0;
	te_esp(r, ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128);
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(e->n_log, 2);
	assert_int_equal(e->side[0].n_inst, 1);
	assert_int_equal(e->side[1].n_inst, 1);
	assert_int_equal(e->side[0].n_remove + e->side[1].n_remove, 0);
	assert_established(e, 1);
	/* The same pair can still be rekeyed once the proposals fit. */
	r->n_esp = 0;
	te_esp(r, ENCR_AES_GCM_16, 256, 0);
	expire(e, 0, e->side[0].inst[0].spi_in, false);
	te_run(e);
	assert_int_equal(e->side[0].n_inst, 2);
	assert_pair(e, 1, 1);
	assert_established(e, 1);
	env_free(e);
}

/* (f) Many pairs: routes with the first only, removed with the last. */
static void test_many_children(void **state)
{
	struct te_env *e = env_new();

	(void)state;
	handshake(e);
	for (int i = 0; i < 19; i++)
		assert_int_equal(ike_manager_child_create(e->side[0].m, e->now,
							  "conn0"), 0);
	te_run(e);
	assert_int_equal(e->n_log, 38);
	assert_established(e, 20);
	for (unsigned int i = 0; i < 20; i++) {
		assert_pair(e, i, i);
		assert_int_equal(e->side[0].inst[i].first, i == 0);
		assert_int_equal(e->side[1].inst[i].first, i == 0);
		for (unsigned int k = 0; k < i; k++)
			assert_int_not_equal(e->side[0].inst[i].spi_in,
					     e->side[0].inst[k].spi_in);
	}
	/* Rekeying one of them keeps the count and the routes. */
	e->n_log = 0;
	expire(e, 1, e->side[1].inst[7].spi_in, false);
	te_run(e);
	assert_pair(e, 20, 20);
	assert_false(e->side[0].inst[20].first);
	assert_old_deleted(e, 7, 1);
	assert_established(e, 20);
	/* Up to IKE_SA_MAX_CHILD; one more is not even asked for. */
	for (int i = 20; i < IKE_SA_MAX_CHILD; i++) {
		e->n_log = 0;
		assert_int_equal(ike_manager_child_create(e->side[0].m, e->now,
							  "conn0"), 0);
		te_run(e);
	}
	assert_established(e, IKE_SA_MAX_CHILD);
	e->n_log = 0;
	assert_int_equal(ike_manager_child_create(e->side[0].m, e->now,
						  "conn0"), 0);
	te_run(e);
	assert_int_equal(e->n_log, 0);
	assert_established(e, IKE_SA_MAX_CHILD);
	assert_int_equal(ike_manager_child_create(e->side[1].m, e->now,
						  "nope"), -ENOENT);
	env_free(e);
}

/* The pair both sides keep mirrors itself: find it on side 1. */
static void assert_survivor(struct te_env *e, uint32_t spi_in0)
{
	for (unsigned int i = 0; i < e->side[0].n_inst; i++) {
		if (e->side[0].inst[i].spi_in != spi_in0)
			continue;
		for (unsigned int k = 0; k < e->side[1].n_inst; k++)
			if (e->side[1].inst[k].spi_out == spi_in0) {
				assert_pair(e, i, k);
				return;
			}
	}
	fail_msg("no pair with SPI %08x on both sides", spi_in0);
}

/* Whether side @s removed its pair with inbound SPI @spi. */
static bool removed(const struct te_side *s, uint32_t spi)
{
	for (unsigned int i = 0; i < s->n_remove && i < TE_REMOVALS; i++)
		if (s->rem[i].spi_in == spi)
			return true;
	return false;
}

/*
 * Both ends rekey the same pair at once (2.8.1): both exchanges complete,
 * the pair with the lowest nonce goes (deleted by its creator), the old
 * one goes (deleted by the other), one pair stays on both sides.
 */
static void test_rekey_collision(void **state)
{
	for (int run = 0; run < 8; run++) {
		struct te_env *e = env_new();
		uint32_t keep = 0;

		(void)state;
		handshake(e);
		expire(e, 0, e->side[0].inst[0].spi_in, false);
		expire(e, 1, e->side[1].inst[0].spi_in, false);
		te_run(e);
		assert_int_equal(count_req(e, 0, CREATE_CHILD_SA), 1);
		assert_int_equal(count_req(e, 1, CREATE_CHILD_SA), 1);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(e->side[i].n_inst, 3);
			assert_int_equal(e->side[i].n_remove, 2);
			assert_true(removed(&e->side[i],
					    e->side[i].inst[0].spi_in));
		}
		/* One of the two new pairs survives, the same on both. */
		for (unsigned int i = 1; i < 3; i++)
			if (!removed(&e->side[0], e->side[0].inst[i].spi_in))
				keep = e->side[0].inst[i].spi_in;
		assert_int_not_equal(keep, 0);
		assert_survivor(e, keep);
		for (unsigned int k = 1; k < 3; k++)
			assert_int_equal(removed(&e->side[1],
						 e->side[1].inst[k].spi_in),
					 e->side[1].inst[k].spi_out != keep);
		assert_established(e, 1);
		env_free(e);
	}
}

/* (g) Jobs wait for the window and run in order: DPD, then the rekeys. */
static void test_job_order(void **state)
{
	struct te_env *e = env_new();
	uint32_t a, b;

	(void)state;
	e->side[0].conn.dpd_seconds = 10;
	handshake(e);
	assert_int_equal(ike_manager_child_create(e->side[0].m, e->now,
						  "conn0"), 0);
	te_run(e);
	a = e->side[0].inst[0].spi_in;
	b = e->side[0].inst[1].spi_in;
	e->n_log = 0;
	e->now += 11000;
	ike_manager_tick(e->side[0].m, e->now);	/* liveness check sent */
	expire(e, 0, a, false);
	expire(e, 0, b, false);
	expire(e, 0, a, false);			/* merged with the first */
	assert_int_equal(e->n_log, 1);		/* window 1 */
	te_run(e);
	assert_int_equal(e->n_log, 10);
	assert_log(e, 0, 0, INFORMATIONAL, false);	/* DPD */
	assert_log(e, 2, 0, CREATE_CHILD_SA, false);	/* rekey a */
	assert_log(e, 4, 0, CREATE_CHILD_SA, false);	/* rekey b */
	assert_log(e, 6, 0, INFORMATIONAL, false);	/* delete a */
	assert_log(e, 8, 0, INFORMATIONAL, false);	/* delete b */
	assert_int_equal(e->side[0].rem[0].spi_in, a);
	assert_int_equal(e->side[0].rem[1].spi_in, b);
	assert_established(e, 2);
	env_free(e);
}

/* Deliver everything, however long it takes; the log keeps the last. */
static void run_all(struct te_env *e)
{
	while (te_step(e))
		if (e->n_log > TE_LOG - 8)
			e->n_log = 0;
}

/*
 * Pairs made together expire together: more soft expiries than the job
 * queue holds at once are all rekeyed, one after the other.
 */
static void test_rekey_burst(void **state)
{
	const unsigned int n = IKE_SA_MAX_JOBS + 8;
	struct te_env *e = env_new();

	(void)state;
	handshake(e);
	for (unsigned int i = 1; i < n; i++) {
		assert_int_equal(ike_manager_child_create(e->side[0].m, e->now,
							  "conn0"), 0);
		run_all(e);
	}
	assert_established(e, n);
	for (unsigned int i = 0; i < n; i++)
		expire(e, 0, e->side[0].inst[i].spi_in, false);
	run_all(e);
	assert_int_equal(e->side[0].n_inst, 2 * n);
	assert_int_equal(e->side[1].n_inst, 2 * n);
	assert_int_equal(e->side[0].n_remove, n);
	assert_int_equal(e->side[1].n_remove, n);
	for (unsigned int i = n; i < 2 * n; i++)
		assert_pair(e, i, i);
	assert_established(e, n);
	env_free(e);
}

/* The queue itself: FIFO, merged duplicates, bounded. */
static void test_job_queue(void **state)
{
	struct sockaddr_in a = te_addr("10.0.0.1", 500);
	struct ike_sa *sa = ike_sa_new(true, NULL, &a, &a, 0);
	struct ike_child *ch;
	struct ike_job j;

	(void)state;
	assert_non_null(sa);
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_REKEY_CHILD, 300), 0);
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_DPD, 0), 0);
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_REKEY_CHILD, 300), 0);
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_DELETE_CHILD, 300), 0);
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_DPD, 0), 0);
	assert_int_equal(sa->n_jobs, 3);
	assert_int_equal(ike_sa_next_job(sa, &j), 0);
	assert_int_equal(j.kind, IKE_JOB_REKEY_CHILD);
	assert_int_equal(j.spi_in, 300);
	/* The running job is not queued again either. */
	sa->out_job = j;
	sa->out_is_job = true;
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_REKEY_CHILD, 300), 0);
	assert_int_equal(ike_sa_next_job(sa, &j), 0);
	assert_int_equal(j.kind, IKE_JOB_DPD);
	assert_int_equal(ike_sa_next_job(sa, &j), 0);
	assert_int_equal(j.kind, IKE_JOB_DELETE_CHILD);
	assert_int_equal(ike_sa_next_job(sa, &j), -ENOENT);
	for (uint32_t i = 0; i < IKE_SA_MAX_JOBS; i++)
		assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_REKEY_CHILD,
						  1000 + i), 0);
	assert_int_equal(ike_sa_queue_job(sa, IKE_JOB_DPD, 0), -ENOSPC);
	/* A pair's job waits in the pair while the queue is full. */
	assert_int_equal(ike_sa_child_add(sa, &ch), 0);
	ch->spi_in = 4242;
	ike_sa_queue_child_job(sa, IKE_JOB_REKEY_CHILD, ch);
	ike_sa_queue_child_job(sa, IKE_JOB_DELETE_CHILD, ch);
	assert_int_equal(sa->n_wanted, 1);
	ike_sa_requeue(sa);
	assert_int_equal(sa->n_wanted, 1);
	for (uint32_t i = 0; i < IKE_SA_MAX_JOBS; i++) {
		assert_int_equal(ike_sa_next_job(sa, &j), 0);
		assert_int_equal(j.spi_in, 1000 + i);
		if (i == 0) {
			ike_sa_requeue(sa);	/* room for one */
			assert_int_equal(sa->n_wanted, 1);
		}
	}
	ike_sa_requeue(sa);
	assert_int_equal(sa->n_wanted, 0);
	assert_int_equal(ike_sa_next_job(sa, &j), 0);
	assert_int_equal(j.kind, IKE_JOB_DELETE_CHILD);	/* deletes first */
	assert_int_equal(ike_sa_next_job(sa, &j), 0);
	assert_int_equal(j.kind, IKE_JOB_REKEY_CHILD);
	assert_int_equal(j.spi_in, 4242);
	assert_int_equal(ike_sa_next_job(sa, &j), -ENOENT);
	ike_sa_free(sa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_soft_expiry),
		cmocka_unit_test(test_rekey_pfs),
		cmocka_unit_test(test_rekey_invalid_ke_retry),
		cmocka_unit_test(test_rekey_unknown_spi),
		cmocka_unit_test(test_rekey_no_proposal),
		cmocka_unit_test(test_many_children),
		cmocka_unit_test(test_rekey_collision),
		cmocka_unit_test(test_rekey_burst),
		cmocka_unit_test(test_job_order),
		cmocka_unit_test(test_job_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
