// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dh.c - ECP-384 and MODP-1536/2048 key exchange through EVP_PKEY.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "dh.h"

#define DH_MAX_FIELD 256

struct dh_key {
	uint16_t group;
	unsigned int refs;	/* a reused key pair is shared (dh_cache.c) */
	EVP_PKEY *pkey;
};

struct dh_group_info {
	uint16_t id;
	bool ecp;
	const char *type;	/* EVP_PKEY type name */
	const char *name;	/* OpenSSL group name */
	size_t field;		/* bytes of the prime (one coordinate for ECP) */
};

static const struct dh_group_info dh_groups[] = {
	{ DH_GROUP_MODP_1536, false, "DH", "modp_1536", 192 },
	{ DH_GROUP_MODP_2048, false, "DH", "modp_2048", 256 },
	{ DH_GROUP_ECP_384, true, "EC", "secp384r1", 48 },
};

/* The prime of P-384, 2^384 - 2^128 - 2^96 + 2^32 - 1 (FIPS 186-4). */
static const uint8_t p384_p[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
};

static const struct dh_group_info *dh_group(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(dh_groups) / sizeof(dh_groups[0]); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

size_t dh_public_len(uint16_t group)
{
	const struct dh_group_info *g = dh_group(group);

	return !g ? 0 : g->ecp ? 2 * g->field : g->field;
}

size_t dh_secret_len(uint16_t group)
{
	const struct dh_group_info *g = dh_group(group);

	return g ? g->field : 0;
}

uint16_t dh_key_group(const struct dh_key *key)
{
	return key->group;
}

/* p - 1 of a MODP group, big-endian in @pm1 (g->field bytes). */
static int modp_p_minus_1(const struct dh_group_info *g, uint8_t *pm1)
{
	BIGNUM *p = g->id == DH_GROUP_MODP_2048 ?
		BN_get_rfc3526_prime_2048(NULL) :
		BN_get_rfc3526_prime_1536(NULL);
	int ok;

	if (!p)
		return -ENOMEM;
	ok = BN_sub_word(p, 1) && BN_bn2binpad(p, pm1, g->field) > 0;
	BN_free(p);
	return ok ? 0 : -EIO;
}

/* Length, zero and range checks; the curve check needs an EVP_PKEY. */
static int dh_check_encoding(const struct dh_group_info *g, struct chunk v)
{
	uint8_t pm1[DH_MAX_FIELD];
	size_t i, nonzero = 0;
	int err;

	if (v.len != (g->ecp ? 2 * g->field : g->field))
		return DH_ERR_LENGTH;
	for (i = 0; i < v.len; i++)
		nonzero |= v.ptr[i];
	if (!nonzero)
		return DH_ERR_ZERO;
	if (g->ecp) {
		if (memcmp(v.ptr, p384_p, g->field) >= 0 ||
		    memcmp(v.ptr + g->field, p384_p, g->field) >= 0)
			return DH_ERR_RANGE;
		return 0;
	}
	/* 1 < v < p - 1 */
	for (i = 0, nonzero = 0; i + 1 < v.len; i++)
		nonzero |= v.ptr[i];
	if (!nonzero && v.ptr[v.len - 1] < 2)
		return DH_ERR_RANGE;
	err = modp_p_minus_1(g, pm1);
	if (err)
		return err;
	return memcmp(v.ptr, pm1, g->field) >= 0 ? DH_ERR_RANGE : 0;
}

/*
 * An EVP_PKEY from a public value in IKE's encoding and, if @priv is not
 * empty, a private value. A public value that OpenSSL refuses to import
 * or to validate is a point not on the curve: DH_ERR_GROUP.
 *
 * The validation is OpenSSL's "quick" check, as RFC 6989 asks for these
 * groups: ECP-384 has cofactor 1, so a point on the curve (other than
 * infinity) is in the prime-order group and the full check's
 * multiplication by the order proves nothing more; the MODP groups have
 * safe primes, whose only small subgroup is {1, p-1}, which the range
 * check (dh_check_encoding) already refuses, so the full check's y^q mod p
 * (a full-length exponentiation, several times a whole key exchange with
 * OpenSSL's short exponents) is not needed either (RFC 6989 2.2). Keys
 * are ephemeral: nothing of a private value can accumulate.
 */
static int dh_pkey_from(const struct dh_group_info *g, struct chunk pub,
			struct chunk priv, EVP_PKEY **pkey)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	uint8_t point[1 + 2 * 48];
	OSSL_PARAM *params = NULL;
	BIGNUM *y = NULL, *x = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	int err = -ENOMEM, ok;

	*pkey = NULL;
	if (!bld)
		return -ENOMEM;
	ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     g->name, 0);
	if (g->ecp) {
		point[0] = 0x04;	/* uncompressed, SEC 1 2.3.3 */
		memcpy(point + 1, pub.ptr, pub.len);
		ok = ok && OSSL_PARAM_BLD_push_octet_string(bld,
				OSSL_PKEY_PARAM_PUB_KEY, point, 1 + pub.len);
	} else {
		y = BN_bin2bn(pub.ptr, pub.len, NULL);
		ok = ok && y && OSSL_PARAM_BLD_push_BN(bld,
				OSSL_PKEY_PARAM_PUB_KEY, y);
	}
	if (priv.len) {
		x = BN_secure_new();
		ok = ok && x && BN_bin2bn(priv.ptr, priv.len, x) &&
			OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x);
	}
	if (ok)
		params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->type, NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0)
		goto out;
	err = DH_ERR_GROUP;
	if (EVP_PKEY_fromdata(ctx, pkey, priv.len ? EVP_PKEY_KEYPAIR :
			      EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	EVP_PKEY_CTX_free(ctx);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *pkey, NULL);
	if (!ctx) {
		err = -ENOMEM;
		goto out;
	}
	if (EVP_PKEY_public_check_quick(ctx) <= 0)
		goto out;
	err = -EINVAL;
	if (priv.len && EVP_PKEY_pairwise_check(ctx) <= 0)
		goto out;
	err = 0;
out:
	if (err) {
		EVP_PKEY_free(*pkey);
		*pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	/* The secure BIGNUM went to the block OSSL_PARAM_free() clears. */
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(x);
	BN_free(y);
	return err;
}

int dh_check_peer(uint16_t group, struct chunk peer)
{
	const struct dh_group_info *g = dh_group(group);
	EVP_PKEY *pkey;
	int err;

	if (!g)
		return -EOPNOTSUPP;
	err = dh_check_encoding(g, peer);
	if (err)
		return err;
	err = dh_pkey_from(g, peer, CHUNK_EMPTY, &pkey);
	EVP_PKEY_free(pkey);
	return err;
}

int dh_key_create(uint16_t group, struct dh_key **key)
{
	const struct dh_group_info *g = dh_group(group);
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx;
	int err = -EIO;

	*key = NULL;
	if (!g)
		return -EOPNOTSUPP;
	*key = calloc(1, sizeof(**key));
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->type, NULL);
	if (!*key || !ctx) {
		err = -ENOMEM;
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(
		OSSL_PKEY_PARAM_GROUP_NAME, (char *)g->name, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_params(ctx, params) <= 0 ||
	    EVP_PKEY_generate(ctx, &(*key)->pkey) <= 0)
		goto out;
	(*key)->group = group;
	(*key)->refs = 1;
	err = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	if (err) {
		dh_key_free(*key);
		*key = NULL;
	}
	return err;
}

int dh_key_import(uint16_t group, struct chunk priv, struct chunk pub,
		  struct dh_key **key)
{
	const struct dh_group_info *g = dh_group(group);
	int err;

	*key = NULL;
	if (!g)
		return -EOPNOTSUPP;
	if (!priv.len)
		return -EINVAL;
	err = dh_check_encoding(g, pub);
	if (err)
		return err;
	*key = calloc(1, sizeof(**key));
	if (!*key)
		return -ENOMEM;
	(*key)->group = group;
	(*key)->refs = 1;
	err = dh_pkey_from(g, pub, priv, &(*key)->pkey);
	if (err) {
		dh_key_free(*key);
		*key = NULL;
	}
	return err;
}

struct dh_key *dh_key_get(struct dh_key *key)
{
	key->refs++;
	return key;
}

void dh_key_free(struct dh_key *key)
{
	if (!key || --key->refs)
		return;
	EVP_PKEY_free(key->pkey);	/* clears the private BIGNUM */
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

int dh_public_value(const struct dh_key *key, struct chunk *out)
{
	const struct dh_group_info *g = dh_group(key->group);
	BIGNUM *a = NULL, *b = NULL;
	int err;

	*out = CHUNK_EMPTY;
	err = chunk_alloc(out, dh_public_len(key->group));
	if (err)
		return err;
	err = -EIO;
	if (g->ecp) {
		if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X,
					  &a) &&
		    EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
					  &b) &&
		    BN_bn2binpad(a, out->ptr, g->field) > 0 &&
		    BN_bn2binpad(b, out->ptr + g->field, g->field) > 0)
			err = 0;
	} else if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_PUB_KEY,
					 &a) &&
		   BN_bn2binpad(a, out->ptr, g->field) > 0) {
		err = 0;
	}
	BN_free(a);
	BN_free(b);
	if (err)
		chunk_free(out);
	return err;
}

int dh_compute_shared(const struct dh_key *key, struct chunk peer,
		      struct chunk *secret)
{
	const struct dh_group_info *g = dh_group(key->group);
	EVP_PKEY *peer_key = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len;
	int err;

	*secret = CHUNK_EMPTY;
	err = dh_check_encoding(g, peer);
	if (err)
		return err;
	err = dh_pkey_from(g, peer, CHUNK_EMPTY, &peer_key);
	if (err)
		return err;
	err = chunk_alloc(secret, g->field);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
	if (err || !ctx) {
		err = -ENOMEM;
		goto out;
	}
	err = -EIO;
	len = secret->len;
	/* MODP: keep the leading zeros (RFC 7296 2.14); ECDH always does. */
	if (EVP_PKEY_derive_init(ctx) <= 0 ||
	    (!g->ecp && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0) ||
	    /* validated above: not a second time */
	    EVP_PKEY_derive_set_peer_ex(ctx, peer_key, 0) <= 0 ||
	    EVP_PKEY_derive(ctx, secret->ptr, &len) <= 0 ||
	    len != g->field)
		goto out;
	err = 0;
out:
	if (err)
		chunk_clear(secret);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer_key);
	return err;
}
