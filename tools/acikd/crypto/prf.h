/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * prf.h - IKEv2 PRFs (HMAC-SHA2, RFC 4868) and prf+ (RFC 7296 2.13).
 */
#ifndef ACIKD_CRYPTO_PRF_H
#define ACIKD_CRYPTO_PRF_H

#include <stddef.h>
#include <stdint.h>

#include "../chunk.h"
#include "transform.h"

/* prf+ produces at most 255 blocks (RFC 7296 2.13). */
#define PRF_PLUS_MAX_BLOCKS 255

/**
 * prf_len() - output length of a PRF, also its preferred key length
 * @prf_id: PRF_* transform ID
 *
 * Return: 32, 48 or 64 bytes, or 0 if @prf_id is not supported.
 */
size_t prf_len(uint16_t prf_id);

/**
 * prf() - one PRF invocation, prf(@key, @data)
 * @prf_id: PRF_* transform ID
 * @key: the key, any length (HMAC hashes a key longer than a block)
 * @data: the input
 * @out: receives a new chunk of prf_len() bytes; clear it with chunk_clear()
 *
 * Return: 0, -EOPNOTSUPP for an unknown @prf_id, -ENOMEM, or -EIO if
 * OpenSSL fails.
 */
int prf(uint16_t prf_id, struct chunk key, struct chunk data,
	struct chunk *out);

/**
 * prf_plus() - prf+(@key, @seed) truncated to @len bytes (RFC 7296 2.13)
 * @prf_id: PRF_* transform ID
 * @key: the key
 * @seed: S; T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)
 * @len: number of bytes wanted, at most 255 * prf_len()
 * @out: receives a new chunk of @len bytes; clear it with chunk_clear()
 *
 * Return: 0, -EOPNOTSUPP for an unknown @prf_id, -E2BIG if more than 255
 * blocks would be needed, -ENOMEM, or -EIO if OpenSSL fails.
 */
int prf_plus(uint16_t prf_id, struct chunk key, struct chunk seed,
	     size_t len, struct chunk *out);

/**
 * hmac_parts() - HMAC over the concatenation of several chunks
 * @digest: OpenSSL digest name, e.g. "SHA2-256"
 * @key: the HMAC key
 * @parts: the message, parts[0] | parts[1] | ...
 * @nparts: number of parts
 * @out: receives the full HMAC output
 * @out_size: size of @out, at least the digest's output length
 * @out_len: receives the output length; may be NULL
 *
 * The building block of prf() and of the Encrypted payload's ICV.
 *
 * Return: 0, -EOPNOTSUPP if @digest is unknown, -ENOSPC if @out is too
 * small, -ENOMEM, or -EIO if OpenSSL fails.
 */
int hmac_parts(const char *digest, struct chunk key,
	       const struct chunk *parts, size_t nparts,
	       uint8_t *out, size_t out_size, size_t *out_len);

#endif /* ACIKD_CRYPTO_PRF_H */
