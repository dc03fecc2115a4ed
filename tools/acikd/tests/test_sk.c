// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_sk.c - the Encrypted payload body: known answers, round trips,
 * tampering, truncation and bad padding.
 *
 * The known answers were printed by tests/gen_vectors.py with Python's
 * `cryptography` (AESGCM with nonce = salt | IV; AES-CBC) and hmac: AAD =
 * 40 41 .. 5b (a 28-byte IKE header) | 21 00 00 50 (Encrypted payload
 * header), plaintext = 61 62 .. (45 bytes), GCM IV c0 .. c7, CBC IV
 * 77 84 91 .. (16 bytes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/keymat.h"
#include "crypto/sk.h"
#include "testutil.h"

#define SK_GCM128_KEY \
	"909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9"
#define SK_GCM128_BODY \
	"c0c1c2c3c4c5c6c78ec9954ec30685f3c8599211c3967338b532649e" \
	"6acdba17911484a7bc6f1784d45485fe4f708f60b2990abc80ef1b21" \
	"ce80868782e3e4926d5cccbdf0b4"
#define SK_GCM256_KEY \
	"909396999c9fa2a5a8abaeb1b4b7babdc0c3c6c9cccfd2d5d8dbdee1" \
	"e4e7eaedf0f3f6f9"
#define SK_GCM256_BODY \
	"c0c1c2c3c4c5c6c77eb9b8a2cb593ed0c114747c5fce371b1416ec8d" \
	"ea77e2e6920c504deccdff0dc1de2ee08b557b4c2febb1595ab87894" \
	"a709b5093fa361ef3684527a1f2b"
#define SK_CBC256_SHA256_KE \
	"050a0f14191e23282d32373c41464b50555a5f64696e73787d82878c" \
	"91969ba0"
#define SK_CBC256_SHA256_KA \
	"e1e8eff6fd040b121920272e353c434a51585f666d747b828990979e" \
	"a5acb3ba"
#define SK_CBC256_SHA256_BODY \
	"7784919eabb8c5d2dfecf90613202d3a7c208113e7fd42e61337156e" \
	"b0a7f535a295eb3877baeaebcbf10dfebb84b620f28c499a070c295a" \
	"61bfd13e5d4ec605435f98260ffe8cd79a1d90e7bd85df85"
#define SK_CBC128_SHA1_KE \
	"050a0f14191e23282d32373c41464b50"
#define SK_CBC128_SHA1_KA \
	"e1e8eff6fd040b121920272e353c434a51585f66"
#define SK_CBC128_SHA1_BODY \
	"7784919eabb8c5d2dfecf90613202d3a924cc4aacf103bec699071db" \
	"240e58c4d4fbe2cf811662b1feccaa93fe4f3c41bd99cd0b3d2d21fc" \
	"92e953368a443b1cefbf3d8b200d66a0cc4d3955"

struct vector {
	struct crypto_suite suite;
	const char *ke, *ka, *body;
	size_t iv_len, icv_len;
};

static const struct vector vectors[] = {
	{ { ENCR_AES_GCM_16, 128, AUTH_NONE, 0 }, SK_GCM128_KEY, "",
	  SK_GCM128_BODY, 8, 16 },
	{ { ENCR_AES_GCM_16, 256, AUTH_NONE, 0 }, SK_GCM256_KEY, "",
	  SK_GCM256_BODY, 8, 16 },
	{ { ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, 0 },
	  SK_CBC256_SHA256_KE, SK_CBC256_SHA256_KA, SK_CBC256_SHA256_BODY,
	  16, 16 },
	{ { ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 0 },
	  SK_CBC128_SHA1_KE, SK_CBC128_SHA1_KA, SK_CBC128_SHA1_BODY, 16, 12 },
};

#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

struct keys {
	struct chunk ke, ka, aad, plain, body;
};

static void keys_get(const struct vector *v, struct keys *k)
{
	k->ke = hex(v->ke);
	k->ka = hex(v->ka);
	k->aad = pattern(32, 0x40, 1);
	k->aad.ptr[28] = 0x21;
	k->aad.ptr[29] = 0x00;
	k->aad.ptr[30] = 0x00;
	k->aad.ptr[31] = 0x50;
	k->plain = pattern(45, 0x61, 1);
	k->body = hex(v->body);
}

static void keys_put(struct keys *k)
{
	chunk_clear(&k->ke);
	chunk_clear(&k->ka);
	chunk_free(&k->aad);
	chunk_free(&k->plain);
	chunk_free(&k->body);
}

static void test_known_answers(void **state)
{
	struct chunk body, plain;
	struct keys k;
	size_t i, len;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		const struct vector *v = &vectors[i];

		keys_get(v, &k);
		assert_int_equal(sk_body_len(&v->suite, k.plain.len, &len), 0);
		assert_int_equal(len, k.body.len);
		assert_int_equal(sk_encrypt(&v->suite, k.ke, k.ka, k.aad,
					    k.plain, k.body.ptr, &body), 0);
		assert_true(chunk_equal(body, k.body));
		assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka, k.aad,
					    k.body, &plain), 0);
		assert_true(chunk_equal(plain, k.plain));
		chunk_clear(&plain);
		chunk_free(&body);
		keys_put(&k);
	}
}

static void test_round_trip(void **state)
{
	struct chunk body, body2, plain, in;
	struct keys k;
	size_t i, n, len, block;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		const struct vector *v = &vectors[i];

		keys_get(v, &k);
		block = v->suite.encr == ENCR_AES_CBC ? 16 : 1;
		for (n = 0; n <= 70; n++) {
			in = pattern(n, (unsigned int)n, 7);
			assert_int_equal(sk_encrypt(&v->suite, k.ke, k.ka,
						    k.aad, in, NULL, &body), 0);
			assert_int_equal(sk_body_len(&v->suite, n, &len), 0);
			assert_int_equal(body.len, len);
			assert_int_equal((len - v->iv_len - v->icv_len) %
					 block, 0);
			assert_true(len - v->iv_len - v->icv_len >= n + 1);
			assert_true(len - v->iv_len - v->icv_len <= n + block);
			/* A random IV: the same input never repeats. */
			assert_int_equal(sk_encrypt(&v->suite, k.ke, k.ka,
						    k.aad, in, NULL, &body2), 0);
			assert_false(chunk_equal(body, body2));
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, body, &plain), 0);
			assert_true(chunk_equal(plain, in));
			chunk_clear(&plain);
			chunk_free(&body);
			chunk_free(&body2);
			chunk_free(&in);
		}
		keys_put(&k);
	}
}

/* Flipping any bit of the body or of the AAD, or another key: ICV. */
static void test_tampering(void **state)
{
	struct chunk plain;
	struct keys k;
	size_t i, j;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		const struct vector *v = &vectors[i];

		keys_get(v, &k);
		for (j = 0; j < k.body.len; j++) {
			k.body.ptr[j] ^= 1u << (j % 8);
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, k.body, &plain),
					 SK_ERR_ICV);
			assert_null(plain.ptr);
			k.body.ptr[j] ^= 1u << (j % 8);
		}
		for (j = 0; j < k.aad.len; j++) {
			k.aad.ptr[j] ^= 0x80;
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, k.body, &plain),
					 SK_ERR_ICV);
			k.aad.ptr[j] ^= 0x80;
		}
		/*
		 * GCM: another key, or another salt (part of the nonce).
		 * CBC: SK_e is not covered by the ICV, which is SK_a's job.
		 */
		if (v->suite.encr == ENCR_AES_GCM_16) {
			k.ke.ptr[0] ^= 0x01;
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, k.body, &plain),
					 SK_ERR_ICV);
			k.ke.ptr[0] ^= 0x01;
			k.ke.ptr[k.ke.len - 1] ^= 0x01;
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, k.body, &plain),
					 SK_ERR_ICV);
			k.ke.ptr[k.ke.len - 1] ^= 0x01;
		}
		if (k.ka.len) {
			k.ka.ptr[3] ^= 0x10;
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, k.body, &plain),
					 SK_ERR_ICV);
			k.ka.ptr[3] ^= 0x10;
		}
		assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka, k.aad,
					    k.body, &plain), 0);
		chunk_clear(&plain);
		keys_put(&k);
	}
}

/*
 * Bodies shorter than IV + one block + ICV, and CBC bodies that are not
 * whole blocks: refused before anything is read past their end (the
 * bodies are exact-size heap copies, so ASan/valgrind see any overread).
 */
static void test_truncated(void **state)
{
	struct chunk plain, cut;
	struct keys k;
	size_t i, n, min;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		const struct vector *v = &vectors[i];
		bool cbc = v->suite.encr == ENCR_AES_CBC;

		keys_get(v, &k);
		min = v->iv_len + (cbc ? 16 : 1) + v->icv_len;
		for (n = 0; n < min; n++) {
			assert_int_equal(chunk_dup(&cut, k.body.ptr, n), 0);
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, cut, &plain),
					 SK_ERR_TRUNCATED);
			assert_null(plain.ptr);
			chunk_free(&cut);
		}
		for (n = min; n < k.body.len; n++) {
			assert_int_equal(chunk_dup(&cut, k.body.ptr, n), 0);
			assert_int_equal(sk_decrypt(&v->suite, k.ke, k.ka,
						    k.aad, cut, &plain),
					 cbc && (n - v->iv_len - v->icv_len) % 16 ?
					 SK_ERR_TRUNCATED : SK_ERR_ICV);
			chunk_free(&cut);
		}
		keys_put(&k);
	}
}

/*
 * A body around plaintext @pt (pad length byte included) built here with
 * EVP_Encrypt* and HMAC() rather than sk_encrypt(), which never produces a
 * wrong pad length.
 */
static struct chunk craft(const struct vector *v, const struct keys *k,
			  struct chunk pt)
{
	bool gcm = v->suite.encr == ENCR_AES_GCM_16;
	size_t key_len = v->suite.encr_keybits / 8;
	const EVP_CIPHER *c = gcm ?
		(key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm()) :
		(key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc());
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[16], nonce[12], mac[EVP_MAX_MD_SIZE];
	struct chunk body;
	unsigned int ml;
	int outl;

	assert_non_null(ctx);
	memset(iv, 0x3c, sizeof(iv));
	assert_int_equal(chunk_alloc(&body, v->iv_len + pt.len + v->icv_len),
			 0);
	memcpy(body.ptr, iv, v->iv_len);
	if (gcm) {
		memcpy(nonce, k->ke.ptr + key_len, 4);
		memcpy(nonce + 4, iv, 8);
	}
	assert_true(EVP_EncryptInit_ex(ctx, c, NULL, k->ke.ptr,
				       gcm ? nonce : iv));
	assert_true(EVP_CIPHER_CTX_set_padding(ctx, 0));
	if (gcm)
		assert_true(EVP_EncryptUpdate(ctx, NULL, &outl, k->aad.ptr,
					      (int)k->aad.len));
	assert_true(EVP_EncryptUpdate(ctx, body.ptr + v->iv_len, &outl,
				      pt.ptr, (int)pt.len));
	assert_true(EVP_EncryptFinal_ex(ctx, mac, &outl));
	if (gcm) {
		assert_true(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
						body.ptr + v->iv_len + pt.len));
	} else {
		struct chunk msg;

		assert_int_equal(CHUNK_CAT(&msg, k->aad,
					   chunk_from(body.ptr,
						      v->iv_len + pt.len)), 0);
		assert_non_null(HMAC(v->suite.integ == AUTH_HMAC_SHA1_96 ?
				     EVP_sha1() : EVP_sha256(),
				     k->ka.ptr, (int)k->ka.len, msg.ptr,
				     msg.len, mac, &ml));
		memcpy(body.ptr + v->iv_len + pt.len, mac, v->icv_len);
		chunk_free(&msg);
	}
	EVP_CIPHER_CTX_free(ctx);
	return body;
}

/* Decrypt a crafted body whose last plaintext byte is @padlen. */
static int with_padlen(const struct vector *v, const struct keys *k,
		       size_t pt_len, uint8_t padlen, size_t *plain_len)
{
	struct chunk pt = pattern(pt_len, 0x20, 1), body, plain;
	int err;

	pt.ptr[pt_len - 1] = padlen;
	body = craft(v, k, pt);
	err = sk_decrypt(&v->suite, k->ke, k->ka, k->aad, body, &plain);
	if (!err) {
		*plain_len = plain.len;
		assert_memory_equal(plain.ptr, pt.ptr, plain.len);
	} else {
		assert_null(plain.ptr);
	}
	chunk_clear(&plain);
	chunk_free(&body);
	chunk_free(&pt);
	return err;
}

static void test_bad_padding(void **state)
{
	struct keys k;
	size_t i, len;

	(void)state;
	for (i = 0; i < NVEC; i++) {
		const struct vector *v = &vectors[i];
		size_t b = v->suite.encr == ENCR_AES_CBC ? 16 : 5;

		keys_get(v, &k);
		/* The crafting is right: a pad length that fits is taken. */
		assert_int_equal(with_padlen(v, &k, b, 0, &len), 0);
		assert_int_equal(len, b - 1);
		assert_int_equal(with_padlen(v, &k, b, b - 1, &len), 0);
		assert_int_equal(len, 0);
		assert_int_equal(with_padlen(v, &k, 2 * b, 2 * b - 1, &len), 0);
		assert_int_equal(len, 0);
		assert_int_equal(with_padlen(v, &k, 2 * b, 3, &len), 0);
		assert_int_equal(len, 2 * b - 4);
		/* Pad length + 1 beyond the plaintext. */
		assert_int_equal(with_padlen(v, &k, b, b, &len),
				 SK_ERR_PADDING);
		assert_int_equal(with_padlen(v, &k, b, 0xff, &len),
				 SK_ERR_PADDING);
		assert_int_equal(with_padlen(v, &k, 2 * b, 2 * b, &len),
				 SK_ERR_PADDING);
		keys_put(&k);
	}
}

static void test_bad_keys_and_suites(void **state)
{
	const struct vector *gcm = &vectors[0], *cbc = &vectors[2];
	struct crypto_suite s;
	struct chunk out;
	struct keys k;
	size_t len;

	(void)state;
	keys_get(gcm, &k);
	/* GCM key without its salt; a GCM key with an integrity key */
	assert_int_equal(sk_encrypt(&gcm->suite, chunk_from(k.ke.ptr, 16),
				    k.ka, k.aad, k.plain, NULL, &out), -EINVAL);
	assert_null(out.ptr);
	assert_int_equal(sk_decrypt(&gcm->suite, chunk_from(k.ke.ptr, 16),
				    k.ka, k.aad, k.body, &out), -EINVAL);
	assert_int_equal(sk_encrypt(&gcm->suite, k.ke, k.ke, k.aad, k.plain,
				    NULL, &out), -EINVAL);
	s = gcm->suite;
	s.integ = AUTH_HMAC_SHA2_256_128;
	assert_int_equal(sk_encrypt(&s, k.ke, k.ka, k.aad, k.plain, NULL,
				    &out), -EOPNOTSUPP);
	s.integ = AUTH_NONE;
	s.encr_keybits = 192;
	assert_int_equal(sk_body_len(&s, 10, &len), -EOPNOTSUPP);
	s.encr_keybits = 128;
	s.encr = 3;	/* ENCR_3DES */
	assert_int_equal(sk_decrypt(&s, k.ke, k.ka, k.aad, k.body, &out),
			 -EOPNOTSUPP);
	keys_put(&k);

	keys_get(cbc, &k);
	/* CBC without an integrity key, or with a short one */
	assert_int_equal(sk_encrypt(&cbc->suite, k.ke, CHUNK_EMPTY, k.aad,
				    k.plain, NULL, &out), -EINVAL);
	assert_int_equal(sk_decrypt(&cbc->suite, k.ke,
				    chunk_from(k.ka.ptr, 20), k.aad, k.body,
				    &out), -EINVAL);
	s = cbc->suite;
	s.integ = AUTH_NONE;
	assert_int_equal(sk_decrypt(&s, k.ke, CHUNK_EMPTY, k.aad, k.body,
				    &out), -EOPNOTSUPP);
	/* body lengths: IV + padded plaintext + ICV */
	assert_int_equal(sk_body_len(&cbc->suite, 0, &len), 0);
	assert_int_equal(len, 16 + 16 + 16);
	assert_int_equal(sk_body_len(&cbc->suite, 15, &len), 0);
	assert_int_equal(len, 16 + 16 + 16);
	assert_int_equal(sk_body_len(&cbc->suite, 16, &len), 0);
	assert_int_equal(len, 16 + 32 + 16);
	assert_int_equal(sk_body_len(&vectors[3].suite, 16, &len), 0);
	assert_int_equal(len, 16 + 32 + 12);
	assert_int_equal(sk_body_len(&gcm->suite, 16, &len), 0);
	assert_int_equal(len, 8 + 17 + 16);
	keys_put(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_bad_keys_and_suites),
	};

	return cmocka_run_group_tests_name("sk", tests, NULL, NULL);
}
