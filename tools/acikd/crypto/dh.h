/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * dh.h - IKEv2 key exchange groups (Transform Type 4) through EVP_PKEY.
 *
 * Group 20 (ECP-384, RFC 5903): the public value is x | y, 48 bytes each,
 * and the shared secret is the x coordinate of the product, 48 bytes.
 * Groups 5 and 14 (MODP-1536 and MODP-2048, RFC 3526, generator 2): the
 * public value and the shared secret are padded with zeros on the left to
 * the length of the prime (RFC 7296 3.4).
 */
#ifndef ACIKD_CRYPTO_DH_H
#define ACIKD_CRYPTO_DH_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "../chunk.h"

enum ike_dh_group {
	DH_GROUP_MODP_1536 = 5,
	DH_GROUP_MODP_2048 = 14,
	DH_GROUP_ECP_384 = 20,
};

/* Why a peer's public value is refused; each is a distinct errno. */
#define DH_ERR_LENGTH	(-EMSGSIZE)	/* not the group's length */
#define DH_ERR_ZERO	(-EDOM)		/* all zero */
#define DH_ERR_RANGE	(-ERANGE)	/* MODP: not in [2, p-2]; ECP: x or y >= p */
#define DH_ERR_GROUP	(-EILSEQ)	/* ECP: the point is not on the curve
					 * (MODP: the safe primes need only
					 * the range check, RFC 6989 2.2) */

/* A key pair of one group; the private key is wiped when it is freed. */
struct dh_key;

/**
 * dh_public_len() - length of a group's public value and shared secret
 * @group: DH_GROUP_* transform ID
 *
 * Return: 96 (ECP-384 public value; its shared secret is 48), 256, 192,
 * or 0 if @group is not supported.
 */
size_t dh_public_len(uint16_t group);

/**
 * dh_secret_len() - length of a group's shared secret
 * @group: DH_GROUP_* transform ID
 *
 * Return: 48, 256, 192, or 0 if @group is not supported.
 */
size_t dh_secret_len(uint16_t group);

/**
 * dh_key_create() - generate a fresh key pair
 * @group: DH_GROUP_* transform ID
 * @key: receives the key pair; free it with dh_key_free()
 *
 * Return: 0, -EOPNOTSUPP for an unsupported group, -ENOMEM, or -EIO.
 */
int dh_key_create(uint16_t group, struct dh_key **key);

/**
 * dh_key_import() - a key pair from known values (known-answer tests)
 * @group: DH_GROUP_* transform ID
 * @priv: the private value, big-endian (scalar or exponent)
 * @pub: the matching public value in IKE's encoding
 * @key: receives the key pair; free it with dh_key_free()
 *
 * @pub is validated like a peer's value and must match @priv.
 *
 * Return: 0, -EOPNOTSUPP, a DH_ERR_* for a bad @pub, -EINVAL if the
 * values do not form a key pair, -ENOMEM, or -EIO.
 */
int dh_key_import(uint16_t group, struct chunk priv, struct chunk pub,
		  struct dh_key **key);

/**
 * dh_key_get() - another reference to a key pair (a reused one, dh_cache.h)
 * @key: the key pair
 *
 * Return: @key; each reference is dropped with dh_key_free().
 */
struct dh_key *dh_key_get(struct dh_key *key);

/**
 * dh_key_free() - drop a reference to a key pair; the last one frees it,
 * wiping its private value
 * @key: the key pair, or NULL
 */
void dh_key_free(struct dh_key *key);

/**
 * dh_key_group() - the group of a key pair
 * @key: the key pair
 *
 * Return: its DH_GROUP_* transform ID.
 */
uint16_t dh_key_group(const struct dh_key *key);

/**
 * dh_public_value() - our public value for the KE payload
 * @key: the key pair
 * @out: receives a new chunk of dh_public_len() bytes (not secret)
 *
 * Return: 0, -ENOMEM, or -EIO.
 */
int dh_public_value(const struct dh_key *key, struct chunk *out);

/**
 * dh_check_peer() - validate a peer's public value
 * @group: DH_GROUP_* transform ID
 * @peer: the value from the peer's KE payload
 *
 * Return: 0 if acceptable; -EOPNOTSUPP for an unsupported group;
 * DH_ERR_LENGTH, DH_ERR_ZERO, DH_ERR_RANGE or DH_ERR_GROUP if refused;
 * -ENOMEM or -EIO.
 */
int dh_check_peer(uint16_t group, struct chunk peer);

/**
 * dh_compute_shared() - the shared secret g^ir with a peer
 * @key: our key pair
 * @peer: the peer's public value, checked with dh_check_peer() first
 * @secret: receives a new chunk of dh_secret_len() bytes; clear it with
 *	chunk_clear()
 *
 * Return: 0, an error of dh_check_peer(), -ENOMEM, or -EIO.
 */
int dh_compute_shared(const struct dh_key *key, struct chunk peer,
		      struct chunk *secret);

#endif /* ACIKD_CRYPTO_DH_H */
