// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_keymat.c - SKEYSEED, IKE SA keys, Child SA KEYMAT and rekey SKEYSEED
 * against vectors printed by tests/gen_vectors.py, which follows RFC 7296
 * 2.13, 2.14, 2.17 and 2.18 with Python's hmac/hashlib (no NIST CAVP
 * vectors were at hand offline, and none are made up here).
 *
 * Inputs (gen_vectors.py pat()): Ni = 10 11 .. (32), Nr = 80 83 .. (32),
 * g^ir = a0 a7 .. (48), SPIi = 01 02 .. (8), SPIr = f0 f1 .. (8); Child SA
 * nonces 31 32 .. (16) and 52 57 .. (24), PFS g^ir = 07 12 .. (256).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/keymat.h"
#include "crypto/prf.h"
#include "testutil.h"

#define CBC_SKEYSEED \
	"8bb3fded762621c172cf2d020514b3b26b67e34c2bb4c8729f7d06aa" \
	"80fccffe"
#define CBC_SK_D \
	"a1f07195a24f71ef03df2738cc88c9fb10dc7bc170c0844683c6cb45" \
	"20caa303"
#define CBC_SK_AI \
	"293689eaa61b12fe1b287fa300ca81448868e3077382251bdb33ba1b" \
	"0d71abcb"
#define CBC_SK_AR \
	"a80d31bdd1ad3057bbc6cae4eacaa205812bfcfd64644b64d4c29e67" \
	"2617f7b3"
#define CBC_SK_EI \
	"87ffde9bbfbae2a4843ef1be5f62f636395518823101ecf27113cb98" \
	"4b992d34"
#define CBC_SK_ER \
	"979105b6734f546cd36ee3cd708f569763e2fe2e39717fde3cee5011" \
	"20f8ea45"
#define CBC_SK_PI \
	"be99241278da54ae6af02bbdd320c73058698c0802f02d07a4638ff2" \
	"66d04fca"
#define CBC_SK_PR \
	"2a5f153f729158d6579ac246e14969b83f5dc007068b189b5fc28449" \
	"567a80d1"
#define GCM_SKEYSEED \
	"8a6887119c10ff8b510d4388e54753e1b6d4423293928f4fa490b25f" \
	"3dc3c9d1e0786c300fedebbc3b3717d930ea4d2a"
#define GCM_SK_D \
	"a774b02a12b18a37e7cb3f93dc402ed6a4ee6171ee371b66e89387be" \
	"dc11266f9528d6dc98754596225ffcaf7de49c6f"
#define GCM_SK_EI \
	"835ccf50a8f401d7ab02b8d386075fc7c26ef7f8b63e6ed37dbae9a2" \
	"eb5a29650a189ed6"
#define GCM_SK_ER \
	"1f9581cf4ded03a879e196340371d8f32f8993ff97c8bbf9ff07a45b" \
	"226d98571506ec47"
#define GCM_SK_PI \
	"a815e9a861b24973dfa11cec48d9a10e96f4ffa6f505ab3a8027a68c" \
	"f363f7a739cf2cb01623bd56dd38cae37847dab2"
#define GCM_SK_PR \
	"9e4904e7dcbf217c80e858362713cf5db163bdbe25847ae6e0ca8913" \
	"a6d23337e3a947966482d362010cac5ba3a3e328"
#define CHILD_GCM_I \
	"18944317a6af1fe705a1509601ec9991c1a12bc3"
#define CHILD_GCM_R \
	"a9f7c0c7aff78b840982ee2d4cd9f31c2cd6b886"
#define CHILD_CBC_EI \
	"4cfd1d36750ee0adab56bca3449e1cf7"
#define CHILD_CBC_AI \
	"a5fc29f2f2d3a2fdb993b13beffd221a65ab5913"
#define CHILD_CBC_ER \
	"85226edfc47c87497e57bfeecc5a8fca"
#define CHILD_CBC_AR \
	"5a78965641eaf84094ae9ccc31353f9857fe4dc0"
#define REKEY_SKEYSEED \
	"e36269f4db1ee1455b47c79ba7fcb04f83a86e8b25c2c770d24d0960" \
	"6adc4a1d"
#define REKEY_SK_D \
	"bff157b196526248f6c5cb3e41745a9fe0ec738c341dd7daabf1f797" \
	"bde90dfc674ad157fcac6e9202d2e96c56ee2e50ee1abe3d18294118" \
	"59cd51f58ee37d05"
#define REKEY_SK_EI \
	"d0318f0119f2642c9a02aad383c5b5632cab19d0"
#define REKEY_SK_PR \
	"6fdb61a6dfd8ada9423af6fc660c36f7fc7581cf4381b1e05e6dc823" \
	"96b40c82cc9833fb12aa654ae4f6d249895347759c42cb15a5f61d2f" \
	"17a6a5053165d92e"

struct inputs {
	struct chunk ni, nr, g_ir, spi_i, spi_r, cni, cnr, cg_ir;
};

static int setup(void **state)
{
	struct inputs *in = calloc(1, sizeof(*in));

	if (!in)
		return -1;
	in->ni = pattern(32, 0x10, 1);
	in->nr = pattern(32, 0x80, 3);
	in->g_ir = pattern(48, 0xa0, 7);
	in->spi_i = pattern(8, 0x01, 1);
	in->spi_r = pattern(8, 0xf0, 1);
	in->cni = pattern(16, 0x31, 1);
	in->cnr = pattern(24, 0x52, 5);
	in->cg_ir = pattern(256, 0x07, 11);
	*state = in;
	return 0;
}

static int teardown(void **state)
{
	struct inputs *in = *state;

	chunk_free(&in->ni);
	chunk_free(&in->nr);
	chunk_free(&in->g_ir);
	chunk_free(&in->spi_i);
	chunk_free(&in->spi_r);
	chunk_free(&in->cni);
	chunk_free(&in->cnr);
	chunk_free(&in->cg_ir);
	free(in);
	return 0;
}

static const struct crypto_suite cbc_suite = {
	.prf = PRF_HMAC_SHA2_256, .encr = ENCR_AES_CBC, .encr_keybits = 256,
	.integ = AUTH_HMAC_SHA2_256_128,
};
static const struct crypto_suite gcm_suite = {
	.prf = PRF_HMAC_SHA2_384, .encr = ENCR_AES_GCM_16,
	.encr_keybits = 256, .integ = AUTH_NONE,
};

static void test_key_lengths(void **state)
{
	struct crypto_suite s = gcm_suite;
	size_t len;

	(void)state;
	assert_int_equal(keymat_encr_key_len(ENCR_AES_GCM_16, 128, &len), 0);
	assert_int_equal(len, 20);
	assert_int_equal(keymat_encr_key_len(ENCR_AES_GCM_16, 256, &len), 0);
	assert_int_equal(len, 36);
	assert_int_equal(keymat_encr_key_len(ENCR_AES_CBC, 128, &len), 0);
	assert_int_equal(len, 16);
	assert_int_equal(keymat_encr_key_len(ENCR_AES_CBC, 256, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(keymat_encr_key_len(ENCR_AES_CBC, 192, &len),
			 -EOPNOTSUPP);
	assert_int_equal(keymat_encr_key_len(3, 128, &len), -EOPNOTSUPP);
	assert_int_equal(keymat_integ_key_len(AUTH_HMAC_SHA2_256_128, &len),
			 0);
	assert_int_equal(len, 32);
	assert_int_equal(keymat_integ_key_len(AUTH_HMAC_SHA1_96, &len), 0);
	assert_int_equal(len, 20);
	assert_int_equal(keymat_integ_key_len(AUTH_NONE, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(keymat_integ_key_len(13, &len), -EOPNOTSUPP);

	assert_int_equal(keymat_check_suite(&gcm_suite, true), 0);
	assert_int_equal(keymat_check_suite(&cbc_suite, true), 0);
	s.integ = AUTH_HMAC_SHA2_256_128;	/* AEAD with integrity */
	assert_int_equal(keymat_check_suite(&s, true), -EINVAL);
	s = cbc_suite;
	s.integ = AUTH_NONE;			/* CBC without integrity */
	assert_int_equal(keymat_check_suite(&s, true), -EINVAL);
	s = cbc_suite;
	s.prf = 2;				/* PRF_HMAC_SHA1 */
	assert_int_equal(keymat_check_suite(&s, true), -EOPNOTSUPP);
	assert_int_equal(keymat_check_suite(&s, false), 0);
}

static void test_ike_sa_cbc(void **state)
{
	struct inputs *in = *state;
	struct chunk skeyseed;
	struct ike_sa_keys k;

	assert_int_equal(keymat_skeyseed(PRF_HMAC_SHA2_256, in->ni, in->nr,
					 in->g_ir, &skeyseed), 0);
	assert_chunk_hex(skeyseed, CBC_SKEYSEED);
	assert_int_equal(keymat_ike_sa_keys(&cbc_suite, skeyseed, in->ni,
					    in->nr, in->spi_i.ptr,
					    in->spi_r.ptr, &k), 0);
	assert_chunk_hex(k.sk_d, CBC_SK_D);
	assert_chunk_hex(k.sk_ai, CBC_SK_AI);
	assert_chunk_hex(k.sk_ar, CBC_SK_AR);
	assert_chunk_hex(k.sk_ei, CBC_SK_EI);
	assert_chunk_hex(k.sk_er, CBC_SK_ER);
	assert_chunk_hex(k.sk_pi, CBC_SK_PI);
	assert_chunk_hex(k.sk_pr, CBC_SK_PR);
	ike_sa_keys_clear(&k);
	assert_null(k.sk_d.ptr);
	assert_int_equal(k.sk_pr.len, 0);
	chunk_clear(&skeyseed);
}

static void test_ike_sa_gcm(void **state)
{
	struct inputs *in = *state;
	struct ike_sa_keys k;

	assert_int_equal(keymat_ike_sa(&gcm_suite, in->ni, in->nr, in->g_ir,
				       in->spi_i.ptr, in->spi_r.ptr, &k), 0);
	assert_chunk_hex(k.sk_d, GCM_SK_D);
	assert_int_equal(k.sk_ai.len, 0);	/* no SK_a with AEAD */
	assert_int_equal(k.sk_ar.len, 0);
	assert_chunk_hex(k.sk_ei, GCM_SK_EI);	/* 32 key + 4 salt */
	assert_chunk_hex(k.sk_er, GCM_SK_ER);
	assert_chunk_hex(k.sk_pi, GCM_SK_PI);
	assert_chunk_hex(k.sk_pr, GCM_SK_PR);
	ike_sa_keys_clear(&k);
}

static void test_ike_sa_bad_suite(void **state)
{
	struct inputs *in = *state;
	struct crypto_suite s = gcm_suite;
	struct ike_sa_keys k;

	s.integ = AUTH_HMAC_SHA1_96;
	assert_int_equal(keymat_ike_sa(&s, in->ni, in->nr, in->g_ir,
				       in->spi_i.ptr, in->spi_r.ptr, &k),
			 -EINVAL);
	assert_null(k.sk_d.ptr);
	s = gcm_suite;
	s.prf = 4;				/* PRF_AES128_CMAC */
	assert_int_equal(keymat_ike_sa(&s, in->ni, in->nr, in->g_ir,
				       in->spi_i.ptr, in->spi_r.ptr, &k),
			 -EOPNOTSUPP);
}

static void test_child_sa_no_pfs(void **state)
{
	const struct crypto_suite s = {
		.prf = PRF_HMAC_SHA2_256, .encr = ENCR_AES_GCM_16,
		.encr_keybits = 128, .integ = AUTH_NONE,
	};
	struct inputs *in = *state;
	struct chunk sk_d = hex(CBC_SK_D);
	struct child_sa_keys k;

	assert_int_equal(keymat_child_sa(&s, sk_d, CHUNK_EMPTY, in->cni,
					 in->cnr, &k), 0);
	assert_chunk_hex(k.encr_i, CHILD_GCM_I);	/* 16 key + 4 salt */
	assert_chunk_hex(k.encr_r, CHILD_GCM_R);
	assert_int_equal(k.integ_i.len, 0);
	assert_int_equal(k.integ_r.len, 0);
	child_sa_keys_clear(&k);
	assert_null(k.encr_i.ptr);
	chunk_free(&sk_d);
}

static void test_child_sa_pfs(void **state)
{
	const struct crypto_suite s = {
		.prf = PRF_HMAC_SHA2_256, .encr = ENCR_AES_CBC,
		.encr_keybits = 128, .integ = AUTH_HMAC_SHA1_96,
	};
	struct inputs *in = *state;
	struct chunk sk_d = hex(CBC_SK_D);
	struct child_sa_keys k;

	assert_int_equal(keymat_child_sa(&s, sk_d, in->cg_ir, in->cni,
					 in->cnr, &k), 0);
	/* 2.17: encryption then integrity, i->r then r->i */
	assert_chunk_hex(k.encr_i, CHILD_CBC_EI);
	assert_chunk_hex(k.integ_i, CHILD_CBC_AI);
	assert_chunk_hex(k.encr_r, CHILD_CBC_ER);
	assert_chunk_hex(k.integ_r, CHILD_CBC_AR);
	child_sa_keys_clear(&k);
	chunk_free(&sk_d);
}

static void test_ike_sa_rekey(void **state)
{
	const struct crypto_suite s = {
		.prf = PRF_HMAC_SHA2_512, .encr = ENCR_AES_GCM_16,
		.encr_keybits = 128, .integ = AUTH_NONE,
	};
	struct inputs *in = *state;
	struct chunk sk_d = hex(CBC_SK_D), skeyseed;
	struct chunk spi_i = pattern(8, 0x21, 1), spi_r = pattern(8, 0x42, 1);
	struct ike_sa_keys k;

	/* SKEYSEED with the old IKE SA's PRF (SHA2-256), the rest SHA2-512 */
	assert_int_equal(keymat_skeyseed_rekey(PRF_HMAC_SHA2_256, sk_d,
					       in->cg_ir, in->cni, in->cnr,
					       &skeyseed), 0);
	assert_chunk_hex(skeyseed, REKEY_SKEYSEED);
	chunk_clear(&skeyseed);

	assert_int_equal(keymat_ike_sa_rekey(PRF_HMAC_SHA2_256, sk_d, &s,
					     in->cg_ir, in->cni, in->cnr,
					     spi_i.ptr, spi_r.ptr, &k), 0);
	assert_chunk_hex(k.sk_d, REKEY_SK_D);
	assert_chunk_hex(k.sk_ei, REKEY_SK_EI);
	assert_int_equal(k.sk_er.len, 20);
	assert_int_equal(k.sk_pi.len, 64);
	assert_chunk_hex(k.sk_pr, REKEY_SK_PR);
	ike_sa_keys_clear(&k);
	chunk_free(&spi_i);
	chunk_free(&spi_r);
	chunk_free(&sk_d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_lengths),
		cmocka_unit_test(test_ike_sa_cbc),
		cmocka_unit_test(test_ike_sa_gcm),
		cmocka_unit_test(test_ike_sa_bad_suite),
		cmocka_unit_test(test_child_sa_no_pfs),
		cmocka_unit_test(test_child_sa_pfs),
		cmocka_unit_test(test_ike_sa_rekey),
	};

	return cmocka_run_group_tests_name("keymat", tests, setup, teardown);
}
