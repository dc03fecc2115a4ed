/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * dh_cache.h - reusing the responder's Diffie-Hellman key pair for a
 * bounded time (RFC 7296 2.12), off unless configured (dh-reuse).
 *
 * A responder's cost per IKE SA is two DH operations: making a key pair
 * and computing the shared secret. Reusing the key pair for a few seconds
 * halves it under load. 2.12 allows it as long as the nonces stay fresh
 * (they do: every exchange draws new ones) and the secrets derived from
 * the reused value are not kept longer than needed; RFC 6989's checks on
 * the peer's value (crypto/dh.c) are what makes reuse safe for our groups
 * (ECP-384 has cofactor 1; the MODP groups have safe primes). The cost is
 * forward secrecy for the window: whoever steals the private value during
 * its lifetime can compute the shared secrets of every IKE SA negotiated
 * with it. The key pair is dropped when the window closes, wiped once the
 * last SA using it has derived its keys.
 */
#ifndef ACIKD_CRYPTO_DH_CACHE_H
#define ACIKD_CRYPTO_DH_CACHE_H

#include <stdint.h>

#include "dh.h"

#define DH_CACHE_GROUPS 3	/* 20, 14, 5 */
#define DH_REUSE_MAX_SECONDS 300

/**
 * struct dh_cache - one reusable key pair per group
 * @lifetime_ms: how long a key pair is reused; 0: never (a fresh pair
 *	per exchange)
 * @slot: the key pair of each group and when it was made
 */
struct dh_cache {
	uint32_t lifetime_ms;
	struct {
		struct dh_key *key;
		uint64_t born_ms;
	} slot[DH_CACHE_GROUPS];
};

/* dh_cache_init() - an empty cache reusing key pairs for @lifetime_ms. */
void dh_cache_init(struct dh_cache *c, uint32_t lifetime_ms);

/**
 * dh_cache_key() - a key pair of @group for one exchange
 * @c: the cache, or NULL for a fresh pair
 * @group: DH_GROUP_* transform ID
 * @now_ms: the time, to expire the reused pair
 * @key: receives a reference (dh_key_free() it)
 *
 * Return: 0 or what dh_key_create() returns.
 */
int dh_cache_key(struct dh_cache *c, uint16_t group, uint64_t now_ms,
		 struct dh_key **key);

/* dh_cache_clear() - drop the cached key pairs (SAs keep their refs). */
void dh_cache_clear(struct dh_cache *c);

#endif /* ACIKD_CRYPTO_DH_CACHE_H */
