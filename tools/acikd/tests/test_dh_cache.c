// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_dh_cache.c - the responder's reused key pairs (crypto/dh_cache.c):
 * the same pair within the lifetime, a new one after it, none reused when
 * the lifetime is 0, and a pair the cache dropped still works for the
 * exchanges that hold it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/dh_cache.h"
#include "ike_testenv.h"

static struct chunk pub_of(struct dh_key *k)
{
	struct chunk pub = CHUNK_EMPTY;

	assert_int_equal(dh_public_value(k, &pub), 0);
	return pub;
}

static bool same_pair(struct dh_key *a, struct dh_key *b)
{
	struct chunk pa = pub_of(a), pb = pub_of(b);
	bool same = chunk_equal(pa, pb);

	chunk_free(&pa);
	chunk_free(&pb);
	return same;
}

/* Both ends of an exchange agree when one of them reuses its pair. */
static void assert_agrees(struct dh_key *reused, uint16_t group)
{
	struct dh_key *peer;
	struct chunk pr, pp, s1 = CHUNK_EMPTY, s2 = CHUNK_EMPTY;

	assert_int_equal(dh_key_create(group, &peer), 0);
	pr = pub_of(reused);
	pp = pub_of(peer);
	assert_int_equal(dh_compute_shared(reused, pp, &s1), 0);
	assert_int_equal(dh_compute_shared(peer, pr, &s2), 0);
	assert_true(chunk_equal(s1, s2));
	chunk_clear(&s1);
	chunk_clear(&s2);
	chunk_free(&pr);
	chunk_free(&pp);
	dh_key_free(peer);
}

static void test_reuse_window(void **state)
{
	struct dh_cache c;
	struct dh_key *a, *b, *m, *d;

	(void)state;
	dh_cache_init(&c, 5000);
	assert_int_equal(dh_cache_key(&c, DH_GROUP_ECP_384, 1000, &a), 0);
	assert_int_equal(dh_cache_key(&c, DH_GROUP_ECP_384, 5999, &b), 0);
	assert_true(same_pair(a, b));		/* inside the window */
	assert_int_equal(dh_cache_key(&c, DH_GROUP_MODP_2048, 2000, &m), 0);
	assert_int_equal(dh_key_group(m), DH_GROUP_MODP_2048);
	assert_int_equal(dh_cache_key(&c, DH_GROUP_ECP_384, 6000, &d), 0);
	assert_false(same_pair(a, d));		/* the window closed */
	assert_agrees(b, DH_GROUP_ECP_384);
	dh_key_free(a);
	dh_key_free(b);
	dh_key_free(m);
	dh_key_free(d);
	dh_cache_clear(&c);
}

static void test_off(void **state)
{
	struct dh_cache c;
	struct dh_key *a, *b, *n;

	(void)state;
	dh_cache_init(&c, 0);
	assert_int_equal(dh_cache_key(&c, DH_GROUP_ECP_384, 1, &a), 0);
	assert_int_equal(dh_cache_key(&c, DH_GROUP_ECP_384, 1, &b), 0);
	assert_false(same_pair(a, b));
	assert_int_equal(dh_cache_key(NULL, DH_GROUP_MODP_1536, 1, &n), 0);
	dh_key_free(a);
	dh_key_free(b);
	dh_key_free(n);
	dh_cache_clear(&c);
}

/* An exchange keeps its reference after the cache let the pair go. */
static void test_outlives_cache(void **state)
{
	struct dh_cache c;
	struct dh_key *a;

	(void)state;
	dh_cache_init(&c, 60000);
	assert_int_equal(dh_cache_key(&c, DH_GROUP_MODP_1536, 0, &a), 0);
	dh_cache_clear(&c);
	assert_agrees(a, DH_GROUP_MODP_1536);
	dh_key_free(a);
	assert_int_equal(dh_cache_key(&c, 1, 0, &a), -EOPNOTSUPP);
}

/* The KE value of the IKE_SA_INIT responses the responder sent. */
static unsigned int responder_kes(struct te_env *e, struct chunk *ke,
				  unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < e->n_log && n < max; i++) {
		struct enc_message *m = malloc(sizeof(*m));
		const struct enc_payload *p;

		assert_non_null(m);
		if (e->log[i].from == 1 &&
		    !enc_message_parse(m, chunk_from(e->log[i].data,
						     e->log[i].len)) &&
		    m->hdr.exchange == IKE_SA_INIT &&
		    (p = enc_message_find(m, IKE_PL_KE, NULL)))
			assert_int_equal(chunk_dup(&ke[n++], p->u.ke.data.ptr,
						   p->u.ke.data.len), 0);
		free(m);
	}
	return n;
}

/* Three handshakes; whether the responder's KE values were the same. */
static void handshakes(unsigned int reuse_seconds, bool want_same)
{
	struct chunk ke[3] = { CHUNK_EMPTY, CHUNK_EMPTY, CHUNK_EMPTY };
	struct te_env e;

	te_setup(&e);
	e.side[1].cfg.dh_reuse_seconds = reuse_seconds;
	te_start(&e);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ike_manager_initiate(e.side[0].m, e.now,
						      "conn0"), 0);
		te_run(&e);
		e.now += 1000;
	}
	assert_int_equal(te_list(&e, 1).established, 3);
	assert_int_equal(e.side[1].n_inst, 3);	/* every Child SA works */
	assert_int_equal(responder_kes(&e, ke, 3), 3);
	assert_true(chunk_equal(ke[0], ke[1]) == want_same);
	assert_true(chunk_equal(ke[1], ke[2]) == want_same);
	for (int i = 0; i < 3; i++)
		chunk_free(&ke[i]);
	te_free(&e);
}

/* dh-reuse in the responder: one key pair for the window, else fresh. */
static void test_manager_reuse(void **state)
{
	(void)state;
	handshakes(10, true);
	handshakes(0, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reuse_window),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_outlives_cache),
		cmocka_unit_test(test_manager_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
