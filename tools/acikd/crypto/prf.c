// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * prf.c - HMAC-SHA2 PRFs and prf+ through EVP_MAC (OpenSSL 3).
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "prf.h"

/* An HMAC context bound to one digest; the key is given per message. */
struct hmac_state {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	size_t out_len;
};

static const char *prf_digest(uint16_t prf_id)
{
	switch (prf_id) {
	case PRF_HMAC_SHA2_256:
		return "SHA2-256";
	case PRF_HMAC_SHA2_384:
		return "SHA2-384";
	case PRF_HMAC_SHA2_512:
		return "SHA2-512";
	default:
		return NULL;
	}
}

size_t prf_len(uint16_t prf_id)
{
	switch (prf_id) {
	case PRF_HMAC_SHA2_256:
		return 32;
	case PRF_HMAC_SHA2_384:
		return 48;
	case PRF_HMAC_SHA2_512:
		return 64;
	default:
		return 0;
	}
}

static void hmac_state_free(struct hmac_state *st)
{
	EVP_MAC_CTX_free(st->ctx);	/* cleanses the key schedule */
	EVP_MAC_free(st->mac);
	st->ctx = NULL;
	st->mac = NULL;
}

static int hmac_state_init(struct hmac_state *st, const char *digest)
{
	EVP_MD *md;

	memset(st, 0, sizeof(*st));
	md = EVP_MD_fetch(NULL, digest, NULL);
	if (!md)
		return -EOPNOTSUPP;
	st->out_len = EVP_MD_get_size(md);
	EVP_MD_free(md);

	st->mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (!st->mac)
		return -EOPNOTSUPP;
	st->ctx = EVP_MAC_CTX_new(st->mac);
	if (!st->ctx) {
		hmac_state_free(st);
		return -ENOMEM;
	}
	st->params[0] = OSSL_PARAM_construct_utf8_string(
		OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	st->params[1] = OSSL_PARAM_construct_end();
	return 0;
}

/* HMAC(key, parts...) into out, which has room for st->out_len bytes. */
static int hmac_state_run(struct hmac_state *st, struct chunk key,
			  const struct chunk *parts, size_t nparts,
			  uint8_t *out)
{
	static const uint8_t empty_key;
	size_t i, outl = 0;

	/* A NULL key would mean "keep the previous key": pass "" instead. */
	if (!EVP_MAC_init(st->ctx, key.len ? key.ptr : &empty_key, key.len,
			  st->params))
		return -EIO;
	for (i = 0; i < nparts; i++)
		if (parts[i].len &&
		    !EVP_MAC_update(st->ctx, parts[i].ptr, parts[i].len))
			return -EIO;
	if (!EVP_MAC_final(st->ctx, out, &outl, st->out_len) ||
	    outl != st->out_len)
		return -EIO;
	return 0;
}

int hmac_parts(const char *digest, struct chunk key,
	       const struct chunk *parts, size_t nparts,
	       uint8_t *out, size_t out_size, size_t *out_len)
{
	struct hmac_state st;
	int err;

	err = hmac_state_init(&st, digest);
	if (err)
		return err;
	if (out_size < st.out_len)
		err = -ENOSPC;
	else
		err = hmac_state_run(&st, key, parts, nparts, out);
	if (!err && out_len)
		*out_len = st.out_len;
	hmac_state_free(&st);
	return err;
}

int prf(uint16_t prf_id, struct chunk key, struct chunk data,
	struct chunk *out)
{
	const char *digest = prf_digest(prf_id);
	int err;

	*out = CHUNK_EMPTY;
	if (!digest)
		return -EOPNOTSUPP;
	err = chunk_alloc(out, prf_len(prf_id));
	if (err)
		return err;
	err = hmac_parts(digest, key, &data, 1, out->ptr, out->len, NULL);
	if (err)
		chunk_clear(out);
	return err;
}

int prf_plus(uint16_t prf_id, struct chunk key, struct chunk seed,
	     size_t len, struct chunk *out)
{
	const char *digest = prf_digest(prf_id);
	size_t block = prf_len(prf_id), off = 0;
	uint8_t t[EVP_MAX_MD_SIZE];
	struct hmac_state st;
	uint8_t counter;
	int err;

	*out = CHUNK_EMPTY;
	if (!digest)
		return -EOPNOTSUPP;
	if (len > PRF_PLUS_MAX_BLOCKS * block)
		return -E2BIG;
	err = hmac_state_init(&st, digest);
	if (err)
		return err;
	err = chunk_alloc(out, len);
	if (err)
		goto out_state;

	for (counter = 1; off < len; counter++) {
		/* The first block has no Tn-1; later ones start with it. */
		const struct chunk parts[3] = {
			counter == 1 ? CHUNK_EMPTY : chunk_from(t, block),
			seed,
			chunk_from(&counter, 1),
		};
		size_t n = len - off < block ? len - off : block;

		err = hmac_state_run(&st, key, parts, 3, t);
		if (err)
			break;
		memcpy(out->ptr + off, t, n);
		off += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (err)
		chunk_clear(out);
out_state:
	hmac_state_free(&st);
	return err;
}
