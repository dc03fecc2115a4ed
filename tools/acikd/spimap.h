/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * spimap.h - Child SA inbound SPI -> owning IKE SA: which of 100k IKE SAs
 * holds the pair actun says is expiring. An open-addressing table of
 * (SPI, value) entries, linear probing, deletion by backward shift (no
 * tombstones), doubled at three quarters full: no allocation per pair,
 * 16 bytes per entry. Our SPIs are random but unique per tunnel only, so
 * one SPI may map to several values: lookups go through all of them.
 */
#ifndef ACIKD_SPIMAP_H
#define ACIKD_SPIMAP_H

#include <stddef.h>
#include <stdint.h>

struct spimap_ent {
	uint32_t spi;
	void *val;		/* NULL: a free slot */
};

struct spimap {
	struct spimap_ent *e;
	size_t mask;		/* slots - 1, a power of two minus one */
	size_t n;
	uint64_t key;		/* random: slots are not predictable */
};

/* An empty map; 0 or -ENOMEM. */
int spimap_init(struct spimap *m, uint64_t key);
void spimap_fini(struct spimap *m);
/* Map @spi to @val (not NULL) once more; 0 or -ENOMEM. */
int spimap_add(struct spimap *m, uint32_t spi, void *val);
/* Take one entry (@spi, @val) out; 0 or -ENOENT. */
int spimap_del(struct spimap *m, uint32_t spi, void *val);
/* One entry (@spi, @old) now maps to @val; 0 or -ENOENT. */
int spimap_replace(struct spimap *m, uint32_t spi, void *old, void *val);
/*
 * spimap_next() - the values of @spi one by one: start with *@it = 0,
 * call until it returns NULL. The map must not change in between.
 */
void *spimap_next(const struct spimap *m, uint32_t spi, size_t *it);

#endif /* ACIKD_SPIMAP_H */
