/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Sealed records: what the fleet writes to the store is encrypted and
 * authenticated with the fleet key (AES-256-GCM), with the record's bucket
 * and key as associated data, so that a record cannot be read without the
 * key nor moved to another name undetected.
 *
 *	sealed = version (1 byte, 1) || nonce (12) || ciphertext || tag (16)
 *
 * Nonces are random: one key seals at most 2^32 records (NIST SP 800-38D
 * 8.3), which a fleet reaches only after years of rekeys; a new fleet key
 * then (Documentation/fleet.md).
 */
#ifndef ACTUN_FLEET_SEAL_H
#define ACTUN_FLEET_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_LEN	32
#define SEAL_NONCE_LEN	12
#define SEAL_TAG_LEN	16
#define SEAL_VERSION	1
/* What sealing adds to a plaintext. */
#define SEAL_OVERHEAD	(1 + SEAL_NONCE_LEN + SEAL_TAG_LEN)

struct fleet_key {
	uint8_t bytes[SEAL_KEY_LEN];
};

/**
 * fleet_key_load() - read the fleet key file
 * @path: 64 hexadecimal digits (and an optional newline); the file must be
 *	a regular file of mode 0600 or stricter, so that a key readable by
 *	others is refused rather than used
 * @key: the key
 * @err: why not, 256 bytes
 *
 * Return: 0 or -1 with @err set.
 */
int fleet_key_load(const char *path, struct fleet_key *key, char *err);

/* Wipe a key. */
void fleet_key_clear(struct fleet_key *key);

/**
 * seal() - encrypt @len bytes of @in into @out (@len + SEAL_OVERHEAD)
 * @aad: the record's name ("BUCKET/KEY")
 * Return: the sealed length, or -1.
 */
int seal(const struct fleet_key *key, const char *aad, const uint8_t *in,
	 size_t len, uint8_t *out);

/**
 * unseal() - check and decrypt a sealed record into @out (@len -
 *	SEAL_OVERHEAD bytes)
 * Return: the plaintext length, or -1 when the record is not one the
 * fleet key sealed under this name (wrong key, name, version, truncated,
 * altered).
 */
int unseal(const struct fleet_key *key, const char *aad, const uint8_t *in,
	   size_t len, uint8_t *out);

#endif
