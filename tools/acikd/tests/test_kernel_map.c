// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_kernel_map.c - kernel.c's translation of negotiated Child SAs into
 * actun's terms: transform ids, key lengths, the SA of each direction
 * (keys, encapsulation, lifetimes) and routes from traffic selectors.
 * Nothing here talks to the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel.h"
#include "testutil.h"

static const struct {
	struct crypto_suite suite;
	uint8_t enc, auth;
	size_t encr_len, integ_len;
} good[] = {
	{ { ENCR_AES_GCM_16, 128, AUTH_NONE, 0 },
	  ACTUN_SA_ENC_GCM_AES_128, ACTUN_SA_AUTH_NONE, 20, 0 },
	{ { ENCR_AES_GCM_16, 256, AUTH_NONE, 0 },
	  ACTUN_SA_ENC_GCM_AES_256, ACTUN_SA_AUTH_NONE, 36, 0 },
	{ { ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, 0 },
	  ACTUN_SA_ENC_CBC_AES_128, ACTUN_SA_AUTH_HMAC_SHA256, 16, 32 },
	{ { ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, 0 },
	  ACTUN_SA_ENC_CBC_AES_256, ACTUN_SA_AUTH_HMAC_SHA256, 32, 32 },
	{ { ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 0 },
	  ACTUN_SA_ENC_CBC_AES_128, ACTUN_SA_AUTH_HMAC_SHA1, 16, 20 },
	{ { ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, 0 },
	  ACTUN_SA_ENC_CBC_AES_256, ACTUN_SA_AUTH_HMAC_SHA1, 32, 20 },
};

static void test_map_supported(void **state)
{
	size_t i, el, il;
	uint8_t enc, auth;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(kernel_map_suite(&good[i].suite, &enc, &auth), 0);
		assert_int_equal(enc, good[i].enc);
		assert_int_equal(auth, good[i].auth);
		assert_int_equal(kernel_key_lengths(&good[i].suite, &el, &il), 0);
		assert_int_equal(el, good[i].encr_len);
		assert_int_equal(il, good[i].integ_len);
	}
}

static void test_map_refused(void **state)
{
	static const struct crypto_suite bad[] = {
		{ ENCR_AES_GCM_16, 192, AUTH_NONE, 0 },	/* no 192 in actun */
		{ ENCR_AES_CBC, 192, AUTH_HMAC_SHA1_96, 0 },
		{ ENCR_AES_GCM_16, 0, AUTH_NONE, 0 },
		{ ENCR_AES_GCM_16, 256, AUTH_HMAC_SHA2_256_128, 0 },
		{ ENCR_AES_CBC, 256, AUTH_NONE, 0 },	/* CBC needs integ */
		{ ENCR_AES_CBC, 256, 99, 0 },
		{ 11, 128, AUTH_HMAC_SHA1_96, 0 },	/* ENCR_NULL: not offered */
		{ 3, 128, AUTH_HMAC_SHA1_96, 0 },	/* 3DES */
	};
	size_t i, el, il;
	uint8_t enc, auth;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kernel_map_suite(&bad[i], &enc, &auth),
				 -EOPNOTSUPP);
		assert_int_equal(kernel_key_lengths(&bad[i], &el, &il),
				 -EOPNOTSUPP);
	}
}

/* A connection and a Child SA install with distinct key patterns. */
struct fixture {
	struct conn conn;
	struct child_sa_install c;
	struct chunk ei, ii, eo, io;
};

static void fixture_init(struct fixture *f, size_t i)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->conn.actun_dev, "ac0");
	strcpy(f->conn.actun_tunnel, "cust1");
	f->c.conn = &f->conn;
	f->c.spi_in = 0xc0010001;
	f->c.spi_out = 0x5eed0002;
	f->c.suite = good[i].suite;
	f->ei = pattern(good[i].encr_len, 0x10, 1);
	f->eo = pattern(good[i].encr_len, 0x80, 3);
	f->ii = good[i].integ_len ? pattern(good[i].integ_len, 0x40, 5) :
		CHUNK_EMPTY;
	f->io = good[i].integ_len ? pattern(good[i].integ_len, 0xc0, 7) :
		CHUNK_EMPTY;
	f->c.encr_in = f->ei;
	f->c.integ_in = f->ii;
	f->c.encr_out = f->eo;
	f->c.integ_out = f->io;
	f->c.soft_seconds = 3240;
	f->c.hard_seconds = 3600;
}

static void fixture_fini(struct fixture *f)
{
	chunk_free(&f->ei);
	chunk_free(&f->eo);
	chunk_free(&f->ii);
	chunk_free(&f->io);
}

static void check_keys(const struct actun_sa *sa, struct chunk enc,
		       struct chunk integ)
{
	assert_true(actun_sa_has(sa, ACTUN_SA_A_ENC_KEY));
	assert_int_equal(sa->enc_key_len, enc.len);
	assert_memory_equal(sa->enc_key, enc.ptr, enc.len);
	assert_int_equal(actun_sa_has(sa, ACTUN_SA_A_AUTH_KEY), integ.len != 0);
	assert_int_equal(actun_sa_has(sa, ACTUN_SA_A_AUTH_ALG), integ.len != 0);
	assert_int_equal(sa->auth_key_len, integ.len);
	if (integ.len)
		assert_memory_equal(sa->auth_key, integ.ptr, integ.len);
}

static void test_sa_fill_each_suite(void **state)
{
	struct fixture f;
	struct actun_sa sa;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		fixture_init(&f, i);
		assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN), 0);
		assert_string_equal(sa.tunnel_name, "cust1");
		assert_true(actun_sa_has(&sa, ACTUN_SA_A_TUNNEL_NAME));
		assert_int_equal(sa.dir, ACTUN_SA_DIR_IN);
		assert_int_equal(sa.spi, 0xc0010001);
		assert_int_equal(sa.enc_alg, good[i].enc);
		assert_int_equal(sa.auth_alg, good[i].auth);
		check_keys(&sa, f.ei, f.ii);
		actun_sa_clear(&sa);

		assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_OUT), 0);
		assert_int_equal(sa.dir, ACTUN_SA_DIR_OUT);
		assert_int_equal(sa.spi, 0x5eed0002);
		check_keys(&sa, f.eo, f.io);
		actun_sa_clear(&sa);
		fixture_fini(&f);
	}
}

static void test_sa_fill_encap_and_lifetimes(void **state)
{
	struct fixture f;
	struct actun_sa sa;

	(void)state;
	fixture_init(&f, 1);
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_OUT), 0);
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_ENCAP_SPORT));
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_ENCAP_DPORT));
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_REPLAY_WINDOW));
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_ESN));
	assert_int_equal(sa.soft_seconds, 3240);
	assert_int_equal(sa.hard_seconds, 3600);
	assert_true(actun_sa_has(&sa, ACTUN_SA_A_SOFT_SECONDS));
	assert_true(actun_sa_has(&sa, ACTUN_SA_A_HARD_SECONDS));
	actun_sa_clear(&sa);

	f.c.encap = true;
	f.c.sport = 4500;
	f.c.dport = 31337;
	f.c.soft_seconds = 0;	/* actun's default (90 %) */
	f.c.hard_seconds = 0;	/* no limit */
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN), 0);
	assert_true(actun_sa_has(&sa, ACTUN_SA_A_ENCAP_SPORT));
	assert_true(actun_sa_has(&sa, ACTUN_SA_A_ENCAP_DPORT));
	assert_int_equal(sa.encap_sport, 4500);
	assert_int_equal(sa.encap_dport, 31337);
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_SOFT_SECONDS));
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_HARD_SECONDS));
	actun_sa_clear(&sa);

	/* a soft limit at the hard one would be refused or useless */
	f.c.soft_seconds = 3600;
	f.c.hard_seconds = 3600;
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN), 0);
	assert_false(actun_sa_has(&sa, ACTUN_SA_A_SOFT_SECONDS));
	assert_int_equal(sa.hard_seconds, 3600);
	actun_sa_clear(&sa);
	fixture_fini(&f);
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--)
		if (*b++)
			return false;
	return true;
}

static void test_sa_fill_refusals_wipe(void **state)
{
	struct fixture f;
	struct actun_sa sa;

	(void)state;
	fixture_init(&f, 2);	/* CBC-128 + SHA-256 */
	f.c.integ_out.len = 20;	/* a SHA-1 length key for SHA-256 */
	memset(&sa, 0xa5, sizeof(sa));
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_OUT), -EINVAL);
	assert_true(all_zero(&sa, sizeof(sa)));	/* no key bytes left */

	f.c.integ_out.len = 32;
	f.c.encr_in.len = 20;	/* a GCM-length key for CBC */
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN), -EINVAL);
	assert_true(all_zero(&sa, sizeof(sa)));
	f.c.encr_in.len = 16;

	f.c.suite.integ = AUTH_NONE;
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN),
			 -EOPNOTSUPP);
	f.c.suite.integ = AUTH_HMAC_SHA2_256_128;

	strcpy(f.conn.actun_tunnel, "");
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN), -EINVAL);
	/* the longest name a conn holds is one actun takes */
	memset(f.conn.actun_tunnel, 'x', sizeof(f.conn.actun_tunnel) - 1);
	f.conn.actun_tunnel[sizeof(f.conn.actun_tunnel) - 1] = '\0';
	assert_int_equal(kernel_sa_fill(&sa, &f.c, ACTUN_SA_DIR_IN), 0);
	assert_int_equal(strlen(sa.tunnel_name), ACTUN_TUNNEL_NAMSIZ - 1);
	actun_sa_clear(&sa);
	fixture_fini(&f);
}

static void test_route_fill(void **state)
{
	struct ts_prefix v4 = { .family = AF_INET, .plen = 24 };
	struct ts_prefix v6 = { .family = AF_INET6, .plen = 48 };
	struct actun_route_cfg r;
	char text[INET6_ADDRSTRLEN];

	(void)state;
	inet_pton(AF_INET, "203.0.113.0", v4.addr);
	inet_pton(AF_INET6, "2001:db8:42::", v6.addr);

	assert_int_equal(kernel_route_fill(&r, "cust1", &v4), 0);
	assert_string_equal(r.tunnel_name, "cust1");
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.prefixlen, 24);
	assert_non_null(inet_ntop(AF_INET, &r.prefix4, text, sizeof(text)));
	assert_string_equal(text, "203.0.113.0");
	assert_true(actun_route_has(&r, ACTUN_ROUTE_A_TUNNEL_NAME));
	assert_true(actun_route_has(&r, ACTUN_ROUTE_A_PREFIX));
	assert_true(actun_route_has(&r, ACTUN_ROUTE_A_PREFIXLEN));
	assert_true(actun_route_has(&r, ACTUN_ROUTE_A_FAMILY));
	/* the kernel's defaults for the rest */
	assert_false(actun_route_has(&r, ACTUN_ROUTE_A_PRIORITY));
	assert_false(actun_route_has(&r, ACTUN_ROUTE_A_WEIGHT));

	assert_int_equal(kernel_route_fill(&r, "cust1", &v6), 0);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.prefixlen, 48);
	assert_non_null(inet_ntop(AF_INET6, &r.prefix6, text, sizeof(text)));
	assert_string_equal(text, "2001:db8:42::");

	v4.plen = 33;
	assert_int_equal(kernel_route_fill(&r, "cust1", &v4), -EINVAL);
	v6.family = AF_UNIX;
	assert_int_equal(kernel_route_fill(&r, "cust1", &v6), -EINVAL);
	v4.plen = 0;
	assert_int_equal(kernel_route_fill(&r, "", &v4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_supported),
		cmocka_unit_test(test_map_refused),
		cmocka_unit_test(test_sa_fill_each_suite),
		cmocka_unit_test(test_sa_fill_encap_and_lifetimes),
		cmocka_unit_test(test_sa_fill_refusals_wipe),
		cmocka_unit_test(test_route_fill),
	};

	return cmocka_run_group_tests_name("kernel_map", tests, NULL, NULL);
}
