// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sk.c - Encrypted payload protection through EVP_CIPHER and EVP_MAC.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "keymat.h"
#include "prf.h"
#include "sk.h"

#define GCM_NONCE_LEN (KEYMAT_GCM_SALT_LEN + 8)

/* What a suite means for the Encrypted payload. */
struct sk_alg {
	bool aead;
	const char *cipher;	/* EVP cipher name */
	const char *digest;	/* HMAC digest name (CBC) */
	size_t key_len;		/* AES key, without salt */
	size_t iv_len;
	size_t block;		/* padding unit */
	size_t icv_len;
};

static int sk_alg(const struct crypto_suite *s, struct sk_alg *a)
{
	if (s->encr_keybits != 128 && s->encr_keybits != 256)
		return -EOPNOTSUPP;
	memset(a, 0, sizeof(*a));
	a->key_len = s->encr_keybits / 8;
	if (s->encr == ENCR_AES_GCM_16) {
		if (s->integ != AUTH_NONE)
			return -EOPNOTSUPP;
		a->aead = true;
		a->cipher = s->encr_keybits == 128 ? "AES-128-GCM" :
			"AES-256-GCM";
		a->iv_len = 8;
		a->block = 1;
		a->icv_len = 16;
		return 0;
	}
	if (s->encr != ENCR_AES_CBC)
		return -EOPNOTSUPP;
	a->cipher = s->encr_keybits == 128 ? "AES-128-CBC" : "AES-256-CBC";
	a->iv_len = 16;
	a->block = 16;
	switch (s->integ) {
	case AUTH_HMAC_SHA2_256_128:
		a->digest = "SHA2-256";
		a->icv_len = 16;
		return 0;
	case AUTH_HMAC_SHA1_96:
		a->digest = "SHA1";
		a->icv_len = 12;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* The suite, and keys of the lengths it needs. */
static int sk_setup(const struct crypto_suite *s, struct chunk ke,
		    struct chunk ka, struct sk_alg *a)
{
	size_t ek, ak;
	int err;

	err = sk_alg(s, a);
	if (!err)
		err = keymat_encr_key_len(s->encr, s->encr_keybits, &ek);
	if (!err)
		err = keymat_integ_key_len(s->integ, &ak);
	if (err)
		return err;
	return ke.len == ek && ka.len == ak ? 0 : -EINVAL;
}

int sk_body_len(const struct crypto_suite *s, size_t plain_len, size_t *len)
{
	struct sk_alg a;
	size_t ct;
	int err;

	err = sk_alg(s, &a);
	if (err)
		return err;
	if (plain_len > SIZE_MAX - 64)
		return -EOVERFLOW;
	ct = (plain_len + 1 + a.block - 1) / a.block * a.block;
	*len = a.iv_len + ct + a.icv_len;
	return 0;
}

/*
 * Run the cipher over @len bytes in place at @buf. GCM: @iv is the 8-byte
 * explicit IV, @aad is authenticated, @tag is written (encrypt) or checked
 * (decrypt). CBC: @iv is the 16-byte IV, no padding by OpenSSL.
 */
static int sk_cipher(const struct sk_alg *a, bool enc, struct chunk ke,
		     const uint8_t *iv, struct chunk aad, uint8_t *buf,
		     size_t len, uint8_t *tag)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, a->cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t nonce[GCM_NONCE_LEN], scratch[16];
	int outl, err = -EIO;

	if (!cipher || !ctx) {
		err = cipher ? -ENOMEM : -EOPNOTSUPP;
		goto out;
	}
	if (a->aead) {
		memcpy(nonce, ke.ptr + a->key_len, KEYMAT_GCM_SALT_LEN);
		memcpy(nonce + KEYMAT_GCM_SALT_LEN, iv, a->iv_len);
		iv = nonce;	/* GCM's default IV length is 12 */
	}
	if (!EVP_CipherInit_ex2(ctx, cipher, ke.ptr, iv, enc, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0))
		goto out;
	if (a->aead && aad.len &&
	    !EVP_CipherUpdate(ctx, NULL, &outl, aad.ptr, aad.len))
		goto out;
	if (len > INT_MAX ||
	    !EVP_CipherUpdate(ctx, buf, &outl, buf, (int)len) ||
	    (size_t)outl != len)
		goto out;
	if (a->aead && !enc &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, a->icv_len, tag))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, scratch, &outl)) {
		err = a->aead && !enc ? SK_ERR_ICV : -EIO;
		goto out;
	}
	if (a->aead && enc &&
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, a->icv_len, tag))
		goto out;
	err = 0;
out:
	OPENSSL_cleanse(nonce, sizeof(nonce));	/* holds the salt */
	EVP_CIPHER_CTX_free(ctx);		/* cleanses the key schedule */
	EVP_CIPHER_free(cipher);
	return err;
}

/* The truncated HMAC over AAD | @msg into @icv (CBC suites). */
static int sk_icv(const struct sk_alg *a, struct chunk ka, struct chunk aad,
		  struct chunk msg, uint8_t *icv)
{
	const struct chunk parts[2] = { aad, msg };
	uint8_t mac[EVP_MAX_MD_SIZE];
	int err;

	err = hmac_parts(a->digest, ka, parts, 2, mac, sizeof(mac), NULL);
	if (!err)
		memcpy(icv, mac, a->icv_len);
	OPENSSL_cleanse(mac, sizeof(mac));
	return err;
}

int sk_encrypt(const struct crypto_suite *s, struct chunk ke,
	       struct chunk ka, struct chunk aad, struct chunk plain,
	       const uint8_t *iv, struct chunk *body)
{
	size_t len, ct_len, pad;
	uint8_t *ct, *icv;
	struct sk_alg a;
	int err;

	*body = CHUNK_EMPTY;
	err = sk_setup(s, ke, ka, &a);
	if (!err)
		err = sk_body_len(s, plain.len, &len);
	if (!err)
		err = chunk_alloc(body, len);
	if (err)
		return err;
	ct = body->ptr + a.iv_len;
	ct_len = len - a.iv_len - a.icv_len;
	icv = ct + ct_len;
	pad = ct_len - plain.len - 1;

	if (iv)
		memcpy(body->ptr, iv, a.iv_len);
	else if (RAND_bytes(body->ptr, a.iv_len) != 1)
		err = -EIO;
	if (plain.len)
		memcpy(ct, plain.ptr, plain.len);
	/* Padding bytes stay zero (chunk_alloc()); then the pad length. */
	ct[ct_len - 1] = (uint8_t)pad;
	if (!err)
		err = sk_cipher(&a, true, ke, body->ptr, aad, ct, ct_len,
				icv);
	if (!err && !a.aead)
		err = sk_icv(&a, ka, aad, chunk_from(body->ptr, icv - body->ptr),
			     icv);
	if (err)
		chunk_clear(body);
	return err;
}

int sk_decrypt(const struct crypto_suite *s, struct chunk ke,
	       struct chunk ka, struct chunk aad, struct chunk body,
	       struct chunk *plain)
{
	uint8_t icv[EVP_MAX_MD_SIZE];
	size_t ct_len, pad;
	struct sk_alg a;
	int err;

	*plain = CHUNK_EMPTY;
	err = sk_setup(s, ke, ka, &a);
	if (err)
		return err;
	/* At least one block: the pad length byte is always there. */
	if (body.len < a.iv_len + a.block + a.icv_len)
		return SK_ERR_TRUNCATED;
	ct_len = body.len - a.iv_len - a.icv_len;
	if (ct_len % a.block)
		return SK_ERR_TRUNCATED;

	if (!a.aead) {
		err = sk_icv(&a, ka, aad,
			     chunk_from(body.ptr, a.iv_len + ct_len), icv);
		if (err)
			return err;
		if (CRYPTO_memcmp(icv, body.ptr + a.iv_len + ct_len,
				  a.icv_len))
			return SK_ERR_ICV;
	} else {
		memcpy(icv, body.ptr + a.iv_len + ct_len, a.icv_len);
	}

	err = chunk_dup(plain, body.ptr + a.iv_len, ct_len);
	if (!err)
		err = sk_cipher(&a, false, ke, body.ptr, aad, plain->ptr,
				ct_len, icv);
	if (!err) {
		pad = plain->ptr[ct_len - 1];
		if (pad + 1 > ct_len) {
			err = SK_ERR_PADDING;
		} else {
			/* Wipe padding and pad length, keep the payloads. */
			OPENSSL_cleanse(plain->ptr + ct_len - pad - 1, pad + 1);
			plain->len = ct_len - pad - 1;
		}
	}
	if (err)
		chunk_clear(plain);
	return err;
}
