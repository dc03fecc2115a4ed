// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_restart.c - `initiate = yes` connections are kept up
 * (manager_restart.c): initiated again after the peer's DELETE, after
 * attempts that get no answer (with a doubling delay), and not after the
 * operator's own DELETE, a reload that removes the connection or turns
 * initiate off, or the shutdown. Two managers in memory (ike_testenv.h),
 * side 0 the `initiate = yes` end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike_testenv.h"
#include "manager_test.h"

static void up(struct te_env *e)
{
	te_setup(e);
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	assert_int_equal(te_list(e, 0).established, 1);
	assert_int_equal(te_list(e, 1).established, 1);
}

/* The peer deletes the IKE SA. Return: side 0's next deadline. */
static uint64_t peer_deletes(struct te_env *e)
{
	assert_int_equal(ike_manager_delete(e->side[1].m, e->now, "conn1"), 0);
	te_run(e);
	assert_int_equal(te_list(e, 0).all, 0);
	return ike_manager_tick(e->side[0].m, e->now);
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

/* IKE_SA_INIT requests side 0 sent with a fresh SPI (not retransmitted). */
static unsigned int attempts(const struct te_env *e, uint64_t *spis,
			     unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < e->n_log; i++) {
		struct enc_header h = te_hdr(&e->log[i]);

		if (e->log[i].from || h.exchange != IKE_SA_INIT ||
		    (h.flags & IKE_FLAG_RESPONSE) || (n && spis[n - 1] == h.spi_i))
			continue;
		assert_true(n < max);
		spis[n++] = h.spi_i;
	}
	return n;
}

/*
 * The peer deletes an IKE SA that was up for more than 5 minutes: 2 to
 * 2.5 s later it is initiated again.
 */
static void test_restart_after_peer_delete(void **state)
{
	struct te_env e;
	uint64_t next;

	(void)state;
	up(&e);
	e.now = 400000;
	assert_int_equal(ike_manager_delete(e.side[1].m, e.now, "conn1"), 0);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_int_equal(te_list(&e, 1).all, 0);
	assert_non_null(strstr(e.side[0].logs, "conn0: initiating again"));
	next = ike_manager_tick(e.side[0].m, e.now);
	assert_in_range(next, e.now + 2000, e.now + 2500);
	ike_manager_tick(e.side[0].m, next - 1);
	assert_int_equal(te_list(&e, 0).all, 0);
	e.now = next;
	ike_manager_tick(e.side[0].m, e.now);
	assert_int_equal(te_list(&e, 0).all, 1);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).established, 1);
	assert_int_equal(te_list(&e, 1).established, 1);
	assert_int_equal(e.side[0].n_inst, 2);
	/* The responder (initiate = no) queued nothing. */
	assert_true(ike_manager_tick(e.side[1].m, e.now) > e.now + 3600000);
	te_free(&e);
}

/*
 * Two workers: only the one the peer's address is steered to initiates
 * again (workers.h); the other, holding an SA the peer started, lets it
 * go, so the two never take turns replacing each other's SA.
 */
static void test_restart_by_owner_only(void **state)
{
	/* conn0's peer, 192.0.2.1: odd, so worker 1 of 2 */
	const unsigned int owner = ike_shard_of_addr(htonl(0xc0000201), 2);
	unsigned int shard, restarted = 0;
	struct te_env e;
	uint64_t next;

	(void)state;
	assert_int_equal(owner, 1);
	for (shard = 0; shard < 2; shard++) {
		up(&e);
		ike_manager_set_shard(e.side[0].m, shard, 2);
		e.now = 400000;
		next = peer_deletes(&e);
		if (strstr(e.side[0].logs, "conn0: initiating again")) {
			assert_int_equal(shard, owner);
			restarted++;
			assert_in_range(next, e.now + 2000, e.now + 2500);
		} else {
			/* 0: nothing due, ever */
			assert_true(next == 0 || next > e.now + 3600000);
		}
		te_free(&e);
	}
	assert_int_equal(restarted, 1);
}

/*
 * No answer: each attempt gives up after 31.5 s (5 retransmissions) and
 * the next one waits 4, 8, 16 s (+ up to a quarter) longer each time.
 */
static void test_restart_backoff(void **state)
{
	uint64_t spis[8], start[8] = { 0 };
	unsigned int n = 0, seen;
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.mute[0] = true;
	te_start(&e);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	n = attempts(&e, spis, 8);
	assert_int_equal(n, 1);
	while (n < 4) {
		uint64_t next = ike_manager_tick(e.side[0].m, e.now);

		assert_true(next > e.now);
		e.now = next;
		ike_manager_tick(e.side[0].m, e.now);
		seen = attempts(&e, spis, 8);
		if (seen > n)
			start[n++] = e.now;
	}
	for (unsigned int k = 1; k < 4; k++) {
		uint64_t wait = start[k] - start[k - 1] - 31500;

		print_message("attempt %u after %llu ms\n", k,
			      (unsigned long long)wait);
		assert_in_range(wait, 2000u << k, (2000u << k) * 5 / 4);
	}
	assert_non_null(strstr(e.side[0].logs, "(an attempt failed)"));
	te_free(&e);
}

/* The operator's DELETE (ike_manager_delete()) is not undone. */
static void test_no_restart_own_delete(void **state)
{
	struct te_env e;

	(void)state;
	up(&e);
	assert_int_equal(ike_manager_delete(e.side[0].m, e.now, "conn0"), 0);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_true(ike_manager_tick(e.side[0].m, e.now) == 0);
	te_free(&e);
}

/* A restart due after a reload turned initiate off, or removed it. */
static void test_no_restart_after_reload(void **state)
{
	struct acikd_config empty = { 0 };
	struct te_env e;

	(void)state;
	for (int removed = 0; removed < 2; removed++) {
		up(&e);
		assert_int_equal(ike_manager_delete(e.side[1].m, e.now,
						    "conn1"), 0);
		te_run(&e);
		if (removed)
			ike_manager_set_config(e.side[0].m, e.now, &empty);
		else
			e.side[0].conn.initiate = false;
		ike_manager_tick(e.side[0].m, e.now + 10000);
		assert_int_equal(te_list(&e, 0).all, 0);
		assert_true(ike_manager_tick(e.side[0].m, e.now + 20000) == 0);
		te_free(&e);
	}
}

/* A reload that removes the connection deletes its SA for good. */
static void test_no_restart_removed(void **state)
{
	struct acikd_config empty = { 0 };
	struct te_env e;

	(void)state;
	up(&e);
	ike_manager_set_config(e.side[0].m, e.now, &empty);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_int_equal(te_list(&e, 1).all, 0);
	assert_true(ike_manager_tick(e.side[0].m, e.now) == 0);
	te_free(&e);
}

/* Stopping: the SA's DELETE goes, and nothing is initiated again. */
static void test_no_restart_shutdown(void **state)
{
	struct te_env e;

	(void)state;
	up(&e);
	assert_int_equal(ike_manager_shutdown(e.side[0].m, e.now), 1);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_true(ike_manager_tick(e.side[0].m, e.now) == 0);
	te_free(&e);
}

/* The tick that starts an attempt returns its retransmission time. */
static void test_tick_after_restart(void **state)
{
	struct te_env e;
	uint64_t next, ret;

	(void)state;
	up(&e);
	assert_int_equal(ike_manager_delete(e.side[1].m, e.now, "conn1"), 0);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	next = ike_manager_tick(e.side[0].m, e.now);
	e.mute[1] = true;
	e.now = next;
	ret = ike_manager_tick(e.side[0].m, e.now);	/* initiates */
	assert_int_equal(te_list(&e, 0).all, 1);
	/* The IKE_SA_INIT's retransmission is due at now + 500 ms. */
	assert_int_equal(ret, e.now + 500);
	te_free(&e);
}

/* A restart queued before the shutdown does not fire during it. */
static void test_restart_in_shutdown(void **state)
{
	struct te_env e;
	uint64_t next;

	(void)state;
	up(&e);
	next = peer_deletes(&e);
	assert_true(next > e.now);
	assert_int_equal(ike_manager_shutdown(e.side[0].m, e.now), 0);
	ike_manager_tick(e.side[0].m, next);
	assert_int_equal(te_list(&e, 0).all, 0);
	te_free(&e);
}

/*
 * Both ends initiate, the PSKs differ: the peer's attempt, refused by us
 * as responder, queues no second chain of attempts beside ours.
 */
static void test_two_chains(void **state)
{
	static const char other[] = "other-psk";
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[1].conn.remote = te_addr("10.0.0.1", 0);
	e.side[1].conn.psk = chunk_from(other, strlen(other));
	te_start(&e);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_int_equal(count(e.side[0].logs, "initiating again"), 1);
	e.now += 100;
	assert_int_equal(ike_manager_initiate(e.side[1].m, e.now, "conn1"), 0);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_int_equal(count(e.side[0].logs, "initiating again"), 1);
	te_free(&e);
}

/*
 * A lone IKE_SA_INIT from the peer's address (no IKE_AUTH follows: anyone
 * can send it) does not cancel the restart that is due.
 */
static void test_init_cancels_restart(void **state)
{
	struct te_env e;
	struct te_pkt p;
	uint64_t next;

	(void)state;
	up(&e);
	e.side[1].conn.remote = te_addr("10.0.0.1", 0);
	next = peer_deletes(&e);
	/* an IKE_SA_INIT "from 192.0.2.1"; its answer goes nowhere */
	assert_int_equal(ike_manager_initiate(e.side[1].m, e.now, "conn1"), 0);
	p = te_take(&e);
	ike_manager_free(e.side[1].m);
	e.side[1].m = ike_manager_new(&e.side[1].cfg, &te_ops, &e.side[1]);
	assert_int_equal(ike_manager_receive(e.side[0].m, e.now, &p.dst, &p.src,
					     p.natt, chunk_from(p.data, p.len)),
			 0);
	e.head = e.tail;	/* the response is lost */
	e.now = next;
	ike_manager_tick(e.side[0].m, e.now);
	/* only the responder's half-open SA: no attempt of ours */
	assert_int_equal(te_list(&e, 0).all, 2);
	te_free(&e);
}

/* A responder behind a NAT: its first deadline is its keepalive's. */
static void test_respond_init_heap(void **state)
{
	struct te_env e;
	struct te_pkt p;

	(void)state;
	te_setup(&e);
	e.side[0].conn.remote = te_addr("203.0.113.5", 0);	/* public */
	e.side[1].cfg.keepalive_seconds = 20;
	te_start(&e);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	p = te_take(&e);
	p.dst = te_addr("192.0.2.1", 500);	/* the NAT's DNAT */
	assert_int_equal(ike_manager_receive(e.side[1].m, e.now, &p.dst, &p.src,
					     p.natt, chunk_from(p.data, p.len)),
			 0);
	assert_int_equal(te_list(&e, 1).all, 1);
	assert_int_equal(ike_manager_test_check(e.side[1].m, e.now), 0);
	te_free(&e);
}

/* The operator's DELETE while a restart waits cancels it. */
static void test_down_during_backoff(void **state)
{
	struct te_env e;
	uint64_t next;

	(void)state;
	up(&e);
	next = peer_deletes(&e);
	assert_int_equal(ike_manager_delete(e.side[0].m, e.now, "conn0"), 0);
	ike_manager_tick(e.side[0].m, next);
	assert_int_equal(te_list(&e, 0).all, 0);
	te_free(&e);
}

/* A peer that deletes what it just accepted: the wait grows. */
static void test_restart_quick_delete(void **state)
{
	struct te_env e;
	uint64_t next;

	(void)state;
	up(&e);
	e.now = 1000;
	next = peer_deletes(&e);
	assert_in_range(next, e.now + 4000, e.now + 5000);
	te_free(&e);
}

/* The operator's DELETE while our attempt is in flight drops it. */
static void test_down_during_attempt(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.mute[0] = true;
	te_start(&e);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	assert_int_equal(te_list(&e, 0).all, 1);
	assert_int_equal(ike_manager_delete(e.side[0].m, e.now, "conn0"), 0);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_true(ike_manager_tick(e.side[0].m, e.now) == 0);
	assert_int_equal(ike_manager_delete(e.side[0].m, e.now, "conn0"),
			 -ENOENT);
	te_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_after_peer_delete),
		cmocka_unit_test(test_restart_backoff),
		cmocka_unit_test(test_restart_by_owner_only),
		cmocka_unit_test(test_no_restart_own_delete),
		cmocka_unit_test(test_no_restart_after_reload),
		cmocka_unit_test(test_no_restart_removed),
		cmocka_unit_test(test_no_restart_shutdown),
		cmocka_unit_test(test_restart_quick_delete),
		cmocka_unit_test(test_tick_after_restart),
		cmocka_unit_test(test_restart_in_shutdown),
		cmocka_unit_test(test_two_chains),
		cmocka_unit_test(test_init_cancels_restart),
		cmocka_unit_test(test_respond_init_heap),
		cmocka_unit_test(test_down_during_backoff),
		cmocka_unit_test(test_down_during_attempt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
