/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * sk.h - the body of the Encrypted payload (RFC 7296 3.14).
 *
 * body = IV | E(plaintext | padding | pad length) | ICV
 *
 * AES-GCM-16 (RFC 5282): 8-byte explicit IV, nonce = salt | IV with the
 * salt the last 4 bytes of SK_e, 16-byte ICV, AAD = the IKE header through
 * the end of the Encrypted payload header, no padding.
 * AES-CBC (RFC 3602) with HMAC-SHA2-256-128 or HMAC-SHA1-96: 16-byte random
 * IV, padding to the 16-byte block, ICV = the truncated HMAC with SK_a of
 * the whole message from the IKE header up to the ICV (AAD | IV | ciphertext).
 *
 * The caller fills the IKE header and the Encrypted payload header, with
 * lengths that count the body (sk_body_len()), before it calls sk_encrypt().
 */
#ifndef ACIKD_CRYPTO_SK_H
#define ACIKD_CRYPTO_SK_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "../chunk.h"
#include "transform.h"

/* Why sk_decrypt() refused a body; each is a distinct errno. */
#define SK_ERR_TRUNCATED (-EMSGSIZE)	/* too short or not whole blocks */
#define SK_ERR_ICV	 (-EBADMSG)	/* integrity check failed */
#define SK_ERR_PADDING	 (-EPROTO)	/* pad length beyond the plaintext */

/* Longest IV an Encrypted payload of ours carries. */
#define SK_MAX_IV_LEN 16

/**
 * sk_body_len() - length of the body that sk_encrypt() will produce
 * @s: the IKE SA's suite (encr, encr_keybits, integ)
 * @plain_len: length of the inner payloads
 * @len: receives IV + padded ciphertext + ICV
 *
 * Return: 0, -EOPNOTSUPP for an unsupported suite, or -EOVERFLOW.
 */
int sk_body_len(const struct crypto_suite *s, size_t plain_len, size_t *len);

/**
 * sk_encrypt() - protect the inner payloads
 * @s: the IKE SA's suite
 * @ke: SK_ei or SK_er (for GCM, key | 4-byte salt)
 * @ka: SK_ai or SK_ar; an empty chunk for GCM
 * @aad: the message from the IKE header through the Encrypted payload
 *	header, lengths already set
 * @plain: the inner payloads
 * @iv: the IV to use (8 bytes for GCM, 16 for CBC), or NULL for a random
 *	one; a GCM IV must never repeat under one key
 * @body: receives a new chunk of sk_body_len() bytes
 *
 * Return: 0, -EOPNOTSUPP for an unsupported suite, -EINVAL if a key has
 * the wrong length, -ENOMEM, or -EIO.
 */
int sk_encrypt(const struct crypto_suite *s, struct chunk ke,
	       struct chunk ka, struct chunk aad, struct chunk plain,
	       const uint8_t *iv, struct chunk *body);

/**
 * sk_decrypt() - verify and decrypt the body of an Encrypted payload
 * @s: the IKE SA's suite
 * @ke: the peer's SK_e (for GCM, key | 4-byte salt)
 * @ka: the peer's SK_a; an empty chunk for GCM
 * @aad: the message from the IKE header through the Encrypted payload
 *	header, as received
 * @body: the rest of the Encrypted payload, as received
 * @plain: receives the inner payloads in a new chunk; clear it with
 *	chunk_clear()
 *
 * The ICV is checked (in constant time) before any padding is looked at.
 *
 * Return: 0, SK_ERR_TRUNCATED, SK_ERR_ICV, SK_ERR_PADDING, -EOPNOTSUPP,
 * -EINVAL for a key of the wrong length, -ENOMEM, or -EIO.
 */
int sk_decrypt(const struct crypto_suite *s, struct chunk ke,
	       struct chunk ka, struct chunk aad, struct chunk body,
	       struct chunk *plain);

#endif /* ACIKD_CRYPTO_SK_H */
