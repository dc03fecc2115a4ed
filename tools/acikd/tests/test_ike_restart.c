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

static void up(struct te_env *e)
{
	te_setup(e);
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
	assert_int_equal(te_list(e, 0).established, 1);
	assert_int_equal(te_list(e, 1).established, 1);
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

/* The peer deletes the IKE SA: 2 to 2.5 s later it is initiated again. */
static void test_restart_after_peer_delete(void **state)
{
	struct te_env e;
	uint64_t next;

	(void)state;
	up(&e);
	e.now = 1000;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restart_after_peer_delete),
		cmocka_unit_test(test_restart_backoff),
		cmocka_unit_test(test_no_restart_own_delete),
		cmocka_unit_test(test_no_restart_after_reload),
		cmocka_unit_test(test_no_restart_removed),
		cmocka_unit_test(test_no_restart_shutdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
