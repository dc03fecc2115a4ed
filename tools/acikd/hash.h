/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hash.h - the hash functions of the core's tables (ike_sa_table.c,
 * spimap.c). Keys an attacker chooses (the peer's SPI and address) go
 * through SipHash-2-4 under the manager's random key, so that nobody can
 * aim many entries at one bucket; our own SPIs are random already and
 * only need their bits spread (hash_mix64()).
 */
#ifndef ACIKD_HASH_H
#define ACIKD_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_KEY_LEN	16

/* SipHash-2-4 (Aumasson, Bernstein) of @len bytes at @p under @key. */
uint64_t hash_siphash(const uint8_t key[HASH_KEY_LEN], const void *p,
		      size_t len);

/* A bijective mix of all 64 bits (splitmix64's finalizer). */
static inline uint64_t hash_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif /* ACIKD_HASH_H */
