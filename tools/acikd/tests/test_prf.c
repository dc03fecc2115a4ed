// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_prf.c - prf() against RFC 4231; prf+ against HMAC iterations done
 * here with OpenSSL's one-shot HMAC() (an API path other than prf.c's
 * EVP_MAC) and against a vector from tests/gen_vectors.py (Python hmac).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/prf.h"
#include "testutil.h"

static const uint16_t prf_ids[3] = {
	PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384, PRF_HMAC_SHA2_512,
};

/*
 * RFC 4231 section 4, test cases 1, 2, 3, 4, 6 and 7 (case 5 truncates the
 * output, which no PRF does): HMAC-SHA-256, -384, -512. The values are the
 * RFC's; tests/gen_vectors.py prints the same with Python's hmac.
 */
static const char *const rfc4231_out[6][3] = {
	{
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c"
		"2e32cff7",
		"afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c"
		"7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
		"87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b305"
		"45e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f170"
		"2e696c203a126854",
	},
	{
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b9"
		"64ec3843",
		"af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec373"
		"6322445e8e2240ca5e69e2c78b3239ecfab21649",
		"164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7"
		"ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b"
		"636e070a38bce737",
	},
	{
		"773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514"
		"ced565fe",
		"88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e5"
		"5966144b2a5ab39dc13814b94e3ab6e101a34f27",
		"fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33"
		"b2279d39bf3e848279a722c806b485a47e67c807b946a337bee89426"
		"74278859e13292fb",
	},
	{
		"82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff4"
		"6729665b",
		"3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e"
		"1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
		"b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050"
		"361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2d"
		"e2adebeb10a298dd",
	},
	{
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f"
		"0ee37f54",
		"4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05"
		"033ac4c60c2ef6ab4030fe8296248df163f44952",
		"80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b0137"
		"83f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec"
		"8b915a985d786598",
	},
	{
		"9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f5153"
		"5c3a35e2",
		"6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82"
		"461e99c5a678cc31e799176d3860e6110c46523e",
		"e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d"
		"20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de04460"
		"65c97440fa8c6a58",
	},
};

static void rfc4231_case(int i, struct chunk *key, struct chunk *data)
{
	static const char *const msgs[6] = {
		"Hi There",
		"what do ya want for nothing?",
		NULL, NULL,
		"Test Using Larger Than Block-Size Key - Hash Key First",
		"This is a test using a larger than block-size key and a "
		"larger than block-size data. The key needs to be hashed "
		"before being used by the HMAC algorithm.",
	};

	switch (i) {
	case 0:
		*key = pattern(20, 0x0b, 0);
		break;
	case 1:
		assert_int_equal(chunk_dup(key, "Jefe", 4), 0);
		break;
	case 2:
		*key = pattern(20, 0xaa, 0);
		*data = pattern(50, 0xdd, 0);
		return;
	case 3:
		*key = pattern(25, 0x01, 1);
		*data = pattern(50, 0xcd, 0);
		return;
	default:
		*key = pattern(131, 0xaa, 0);
		break;
	}
	assert_int_equal(chunk_dup(data, msgs[i], strlen(msgs[i])), 0);
}

static void test_rfc4231(void **state)
{
	struct chunk key, data, out;
	int i, j;

	(void)state;
	for (i = 0; i < 6; i++) {
		rfc4231_case(i, &key, &data);
		for (j = 0; j < 3; j++) {
			assert_int_equal(prf(prf_ids[j], key, data, &out), 0);
			assert_int_equal(out.len, prf_len(prf_ids[j]));
			assert_chunk_hex(out, rfc4231_out[i][j]);
			chunk_clear(&out);
		}
		chunk_free(&key);
		chunk_free(&data);
	}
}

static void test_prf_lengths_and_errors(void **state)
{
	struct chunk out, k = hex("00"), d = hex("01");

	(void)state;
	assert_int_equal(prf_len(PRF_HMAC_SHA2_256), 32);
	assert_int_equal(prf_len(PRF_HMAC_SHA2_384), 48);
	assert_int_equal(prf_len(PRF_HMAC_SHA2_512), 64);
	assert_int_equal(prf_len(2), 0);	/* PRF_HMAC_SHA1 */
	assert_int_equal(prf(2, k, d, &out), -EOPNOTSUPP);
	assert_null(out.ptr);
	assert_int_equal(prf_plus(8, k, d, 10, &out), -EOPNOTSUPP);
	assert_null(out.ptr);
	chunk_free(&k);
	chunk_free(&d);
}

/* prf() with an empty key or empty data is plain HMAC. */
static void test_prf_empty(void **state)
{
	uint8_t want[EVP_MAX_MD_SIZE];
	struct chunk out, d = hex("616263");
	unsigned int wlen;

	(void)state;
	assert_non_null(HMAC(EVP_sha256(), "", 0, d.ptr, d.len, want, &wlen));
	assert_int_equal(prf(PRF_HMAC_SHA2_256, CHUNK_EMPTY, d, &out), 0);
	assert_int_equal(out.len, wlen);
	assert_memory_equal(out.ptr, want, wlen);
	chunk_clear(&out);

	assert_non_null(HMAC(EVP_sha384(), d.ptr, d.len, NULL, 0, want,
			     &wlen));
	assert_int_equal(prf(PRF_HMAC_SHA2_384, d, CHUNK_EMPTY, &out), 0);
	assert_memory_equal(out.ptr, want, wlen);
	chunk_clear(&out);
	chunk_free(&d);
}

/* prf+ computed the plain way: T1 = HMAC(K, S|1), Tn = HMAC(K, Tn-1|S|n). */
static struct chunk ref_prf_plus(const EVP_MD *md, struct chunk key,
				 struct chunk seed, size_t len)
{
	size_t hlen = EVP_MD_get_size(md), off = 0, n;
	uint8_t t[EVP_MAX_MD_SIZE], buf[EVP_MAX_MD_SIZE + 512];
	struct chunk out;
	unsigned int tl = 0;

	assert_true(seed.len <= 511);
	assert_int_equal(chunk_alloc(&out, len), 0);
	for (n = 1; off < len; n++) {
		size_t bl = 0;

		memcpy(buf, t, tl);
		bl += tl;
		memcpy(buf + bl, seed.ptr, seed.len);
		bl += seed.len;
		buf[bl++] = (uint8_t)n;
		assert_non_null(HMAC(md, key.ptr, (int)key.len, buf, bl, t,
				     &tl));
		assert_int_equal(tl, hlen);
		memcpy(out.ptr + off, t, len - off < hlen ? len - off : hlen);
		off += len - off < hlen ? len - off : hlen;
	}
	return out;
}

static void test_prf_plus_reference(void **state)
{
	const EVP_MD *mds[3] = { EVP_sha256(), EVP_sha384(), EVP_sha512() };
	static const size_t lens[] = { 0, 1, 31, 32, 33, 48, 64, 65, 100,
				       200, 231, 500, 1000 };
	struct chunk key = pattern(48, 0x11, 3), seed = pattern(80, 0x5a, 1);
	struct chunk got, want;
	size_t i, j;

	(void)state;
	for (j = 0; j < 3; j++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			want = ref_prf_plus(mds[j], key, seed, lens[i]);
			assert_int_equal(prf_plus(prf_ids[j], key, seed,
						  lens[i], &got), 0);
			assert_int_equal(got.len, lens[i]);
			assert_true(chunk_equal(got, want));
			chunk_clear(&got);
			chunk_clear(&want);
		}
	}
	chunk_free(&key);
	chunk_free(&seed);
}

/*
 * 255 blocks is the most prf+ gives (the counter is one byte); the last
 * block is from tests/gen_vectors.py (PRFPLUS_255_TAIL, Python hmac).
 */
static void test_prf_plus_limit(void **state)
{
	struct chunk key = pattern(32, 'k', 0), seed, out;

	(void)state;
	assert_int_equal(chunk_dup(&seed, "seed", 4), 0);
	assert_int_equal(prf_plus(PRF_HMAC_SHA2_256, key, seed, 255 * 32,
				  &out), 0);
	assert_int_equal(out.len, 255 * 32);
	assert_chunk_hex(chunk_from(out.ptr + 254 * 32, 32),
			 "9fb9cbd24e80baf3b6cb3600b62c900c"
			 "7a9e2d6b94b23ef2500843b525eeee88");
	chunk_clear(&out);

	assert_int_equal(prf_plus(PRF_HMAC_SHA2_256, key, seed,
				  255 * 32 + 1, &out), -E2BIG);
	assert_null(out.ptr);
	assert_int_equal(prf_plus(PRF_HMAC_SHA2_512, key, seed,
				  255 * 64 + 1, &out), -E2BIG);
	assert_int_equal(prf_plus(PRF_HMAC_SHA2_512, key, seed, 255 * 64,
				  &out), 0);
	chunk_clear(&out);
	chunk_free(&key);
	chunk_free(&seed);
}

static void test_hmac_parts(void **state)
{
	struct chunk key = pattern(20, 0x0b, 0), parts[3];
	uint8_t out[64];
	size_t len;

	(void)state;
	/* RFC 4231 test case 1 split in three parts. */
	parts[0] = chunk_from("Hi", 2);
	parts[1] = CHUNK_EMPTY;
	parts[2] = chunk_from(" There", 6);
	assert_int_equal(hmac_parts("SHA2-256", key, parts, 3, out,
				    sizeof(out), &len), 0);
	assert_int_equal(len, 32);
	assert_chunk_hex(chunk_from(out, len), rfc4231_out[0][0]);
	assert_int_equal(hmac_parts("SHA2-512", key, parts, 3, out, 63,
				    &len), -ENOSPC);
	assert_int_equal(hmac_parts("NO-SUCH-MD", key, parts, 3, out,
				    sizeof(out), &len), -EOPNOTSUPP);
	chunk_free(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4231),
		cmocka_unit_test(test_prf_lengths_and_errors),
		cmocka_unit_test(test_prf_empty),
		cmocka_unit_test(test_prf_plus_reference),
		cmocka_unit_test(test_prf_plus_limit),
		cmocka_unit_test(test_hmac_parts),
	};

	return cmocka_run_group_tests_name("prf", tests, NULL, NULL);
}
