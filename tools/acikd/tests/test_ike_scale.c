// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_scale.c - the structures that keep the core's cost per event
 * independent of the number of IKE SAs (hash.c, heap.c, htable.c,
 * spimap.c), each against a naive reference under random operations;
 * and the manager with 10k SAs made without handshakes
 * (manager_test.h): a tick runs exactly the due SAs, lookups find the
 * right ones. Counts of work done are asserted, never times.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hash.h"
#include "heap.h"
#include "htable.h"
#include "ike_testenv.h"
#include "manager_test.h"
#include "spimap.h"

/* A reproducible generator for the operations (xorshift64*). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

/* The reference implementation's vectors (siphash/vectors.h). */
static void test_siphash(void **state)
{
	uint8_t key[HASH_KEY_LEN], msg[64];

	(void)state;
	for (int i = 0; i < HASH_KEY_LEN; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	assert_true(hash_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(hash_siphash(key, msg, 1) == 0x74f839c593dc67fdULL);
	assert_true(hash_siphash(key, msg, 8) == 0x93f5f5799a932462ULL);
	assert_true(hash_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
}

#define HEAP_NODES	2000

/* Random sets and removals; the top is always the reference minimum. */
static void test_heap_random(void **state)
{
	static struct heap_node node[HEAP_NODES];
	static uint64_t ref[HEAP_NODES];	/* 0: not in */
	struct heap h = { 0 };
	uint64_t last = 0;

	(void)state;
	memset(node, 0, sizeof(node));
	memset(ref, 0, sizeof(ref));
	assert_int_equal(heap_reserve(&h, HEAP_NODES), 0);
	for (int op = 0; op < 200000; op++) {
		unsigned int i = (unsigned int)(rnd() % HEAP_NODES);
		/* Few distinct keys: ties are exercised too. */
		uint64_t key = rnd() % 4 ? 1 + rnd() % 5000 : 0;
		uint64_t min = 0;

		heap_set(&h, &node[i], key);
		ref[i] = key;
		for (unsigned int k = 0; k < HEAP_NODES; k++)
			if (ref[k] && (!min || ref[k] < min))
				min = ref[k];
		assert_true(heap_top(&h) ? heap_top(&h)->key == min : !min);
		assert_true((node[i].pos != 0) == (key != 0));
	}
	/* Popped in order, each once. */
	for (unsigned int n = h.n; n; n--) {
		struct heap_node *top = heap_top(&h);
		unsigned int i = (unsigned int)(top - node);

		assert_true(top->key >= last);
		assert_true(ref[i] == top->key);
		last = top->key;
		ref[i] = 0;
		heap_remove(&h, top);
	}
	for (unsigned int k = 0; k < HEAP_NODES; k++)
		assert_true(ref[k] == 0);
	heap_fini(&h);
}

#define HT_NODES	20000

struct ht_ent {
	struct hnode node;
	bool in;
};

static bool ht_has(const struct htable *t, struct ht_ent *e)
{
	for (struct hnode *n = htable_chain(t, e->node.hash); n; n = n->next)
		if (n == &e->node)
			return true;
	return false;
}

/* Adds and removals; grows at load 1, chains stay short. */
static void test_htable_random(void **state)
{
	static struct ht_ent ent[HT_NODES];
	struct htable t;
	size_t n = 0;

	(void)state;
	memset(ent, 0, sizeof(ent));
	assert_int_equal(htable_init(&t), 0);
	for (int op = 0; op < 100000; op++) {
		struct ht_ent *e = &ent[rnd() % HT_NODES];

		if (e->in) {
			htable_del(&t, &e->node);
			n--;
		} else {
			htable_add(&t, &e->node, hash_mix64(rnd()));
			n++;
		}
		e->in = !e->in;
		assert_int_equal(t.n, n);
	}
	for (unsigned int i = 0; i < HT_NODES; i++)
		assert_true(ht_has(&t, &ent[i]) == ent[i].in);
	assert_true(t.n_buckets >= t.n);
	/* ~10k entries, >= 16k buckets: 8 would be most unlikely. */
	assert_true(htable_max_chain(&t) <= 8);
	htable_fini(&t);
}

#define SM_VALS		64
#define SM_SPIS		512	/* few SPIs: duplicates and long runs */

/* Random adds, removals and replacements against a count matrix. */
static void test_spimap_random(void **state)
{
	static unsigned int ref[SM_SPIS][SM_VALS];
	static char vals[SM_VALS];
	struct spimap m;

	(void)state;
	memset(ref, 0, sizeof(ref));
	assert_int_equal(spimap_init(&m, rnd()), 0);
	for (int op = 0; op < 100000; op++) {
		uint32_t spi = (uint32_t)(rnd() % SM_SPIS) * 0x10001u;
		unsigned int s = spi / 0x10001u, v = (unsigned int)(rnd() % SM_VALS);
		unsigned int w = (unsigned int)(rnd() % SM_VALS);

		switch (rnd() % 3) {
		case 0:
			assert_int_equal(spimap_add(&m, spi, &vals[v]), 0);
			ref[s][v]++;
			break;
		case 1:
			assert_int_equal(spimap_del(&m, spi, &vals[v]),
					 ref[s][v] ? 0 : -ENOENT);
			ref[s][v] -= ref[s][v] > 0;
			break;
		default:
			assert_int_equal(spimap_replace(&m, spi, &vals[v],
							&vals[w]),
					 ref[s][v] ? 0 : -ENOENT);
			if (ref[s][v]) {
				ref[s][v]--;
				ref[s][w]++;
			}
		}
	}
	for (unsigned int s = 0; s < SM_SPIS; s++) {
		unsigned int got[SM_VALS] = { 0 };
		size_t it = 0;
		char *p;

		while ((p = spimap_next(&m, s * 0x10001u, &it)))
			got[p - vals]++;
		assert_memory_equal(got, ref[s], sizeof(got));
	}
	spimap_fini(&m);
}

/* ---- the manager with many SAs ---------------------------------------- */

#define N_SAS		10000
#define DPD_MS		30000

struct scale {
	struct te_env e;
	struct conn other;		/* another tunnel, same SPIs */
	struct conn *conns[2];
	uint64_t spi[N_SAS];
};

/*
 * Side 0's manager with @n SAs of conn0 (DPD 30 s, 150 s), SA i made at
 * i ms with pair SPI 0x1000 + i: SA i's DPD check is due at i + 30 s.
 */
static struct scale *scale_new(unsigned int n)
{
	struct scale *s = calloc(1, sizeof(*s));
	struct te_side *side;

	assert_non_null(s);
	te_setup(&s->e);
	side = &s->e.side[0];
	side->conn.dpd_seconds = DPD_MS / 1000;
	side->conn.dpd_timeout_seconds = 150;
	strcpy(side->conn.actun_tunnel, "t0");
	s->other = side->conn;
	strcpy(s->other.name, "other");
	strcpy(s->other.actun_tunnel, "t1");
	s->conns[0] = &side->conn;
	s->conns[1] = &s->other;
	side->cfg.conns = s->conns;
	side->cfg.n_conns = 2;
	te_start(&s->e);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t pair = 0x1000 + i;

		assert_int_equal(ike_manager_test_sa(side->m, i, "conn0",
						     IKE_SA_STATE_ESTABLISHED,
						     &pair, 1, &s->spi[i]), 0);
	}
	return s;
}

static void scale_free(struct scale *s)
{
	te_free(&s->e);
	free(s);
}

/* None due: no SA is looked at, whether there are 100 or 10k. */
static void test_tick_idle(void **state)
{
	unsigned int sizes[] = { 100, N_SAS };

	(void)state;
	for (unsigned int k = 0; k < 2; k++) {
		struct scale *s = scale_new(sizes[k]);
		struct ike_manager *m = s->e.side[0].m;
		uint64_t runs = ike_manager_test_timer_runs(m);

		for (uint64_t now = 1000; now < DPD_MS; now += 1000)
			assert_true(ike_manager_tick(m, now) == DPD_MS);
		assert_true(ike_manager_test_timer_runs(m) == runs);
		assert_int_equal(ike_manager_test_check(m, 1000), 0);
		scale_free(s);
	}
}

/* Exactly the due SAs run, once each, and the next deadline follows. */
static void test_tick_due(void **state)
{
	struct scale *s = scale_new(N_SAS);
	struct ike_manager *m = s->e.side[0].m;
	uint64_t runs = ike_manager_test_timer_runs(m);

	(void)state;
	/* SAs 0..99: the check cannot be built (no keys), so it goes. */
	assert_true(ike_manager_tick(m, DPD_MS + 99) == DPD_MS + 100);
	assert_true(ike_manager_test_timer_runs(m) - runs == 100);
	assert_true(ike_manager_tick(m, DPD_MS + 99) == DPD_MS + 100);
	assert_true(ike_manager_test_timer_runs(m) - runs == 100);
	assert_int_equal(ike_manager_test_check(m, DPD_MS + 99), 0);
	/* All of them, up to the first one's death (150 s after 0). */
	ike_manager_tick(m, 149999);
	assert_true(ike_manager_test_timer_runs(m) - runs == N_SAS);
	assert_true(ike_manager_tick(m, 150000) == 150001);
	assert_true(te_list(&s->e, 0).all == N_SAS - 1);
	scale_free(s);
}

/* Found through the indexes among 10k, the tunnel telling same SPIs apart. */
static void test_lookups(void **state)
{
	struct scale *s = scale_new(N_SAS);
	struct te_side *side = &s->e.side[0];
	uint32_t pair = 0x1000 + 77;
	uint64_t other;

	(void)state;
	for (unsigned int i = 0; i < N_SAS; i += 997) {
		assert_true(ike_manager_test_find(side->m, s->spi[i]));
		assert_true(ike_manager_test_child_owner(side->m, 0x1000 + i) ==
			    s->spi[i]);
	}
	assert_false(ike_manager_test_find(side->m, 1));
	assert_true(ike_manager_test_child_owner(side->m, 0x100) == 0);
	assert_true(ike_manager_test_max_chain(side->m) <= 8);
	/* SA 77's pair SPI again, in tunnel t1, on an SA going away. */
	assert_int_equal(ike_manager_test_sa(side->m, 0, "other",
					     IKE_SA_STATE_DELETING, &pair, 1,
					     &other), 0);
	ike_manager_child_expired(side->m, 1, "t1", pair, true);
	assert_int_equal(side->n_remove, 1);
	assert_true(side->rem[0].spi_in == pair);
	assert_int_equal(te_list(&s->e, 0).children, N_SAS);
	assert_true(ike_manager_test_child_owner(side->m, pair) == s->spi[77]);
	/* An unknown tunnel finds nothing. */
	ike_manager_child_expired(side->m, 1, "t9", pair, true);
	assert_int_equal(side->n_remove, 1);
	scale_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_heap_random),
		cmocka_unit_test(test_htable_random),
		cmocka_unit_test(test_spimap_random),
		cmocka_unit_test(test_tick_idle),
		cmocka_unit_test(test_tick_due),
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
