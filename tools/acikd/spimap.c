// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * spimap.c - the Child SA SPI index (spimap.h). Every run of occupied
 * slots holds each entry at or after its home slot; backward-shift
 * deletion keeps it so, hence a lookup stops at the first free slot.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "hash.h"
#include "spimap.h"

#define SPIMAP_MIN	64

static size_t home(const struct spimap *m, uint32_t spi)
{
	return (size_t)hash_mix64(spi ^ m->key) & m->mask;
}

int spimap_init(struct spimap *m, uint64_t key)
{
	m->e = calloc(SPIMAP_MIN, sizeof(*m->e));
	m->mask = SPIMAP_MIN - 1;
	m->n = 0;
	m->key = key;
	return m->e ? 0 : -ENOMEM;
}

void spimap_fini(struct spimap *m)
{
	free(m->e);
	m->e = NULL;
	m->mask = m->n = 0;
}

static void put(struct spimap *m, uint32_t spi, void *val)
{
	size_t i = home(m, spi);

	while (m->e[i].val)
		i = (i + 1) & m->mask;
	m->e[i] = (struct spimap_ent){ .spi = spi, .val = val };
	m->n++;
}

static int grow(struct spimap *m)
{
	struct spimap old = *m;
	size_t slots = 2 * (m->mask + 1);

	m->e = calloc(slots, sizeof(*m->e));
	if (!m->e) {
		*m = old;
		return -ENOMEM;
	}
	m->mask = slots - 1;
	m->n = 0;
	for (size_t i = 0; i <= old.mask; i++)
		if (old.e[i].val)
			put(m, old.e[i].spi, old.e[i].val);
	free(old.e);
	return 0;
}

int spimap_add(struct spimap *m, uint32_t spi, void *val)
{
	/* At most three quarters full: probe runs stay short. */
	if (4 * (m->n + 1) > 3 * (m->mask + 1) && grow(m))
		return -ENOMEM;
	put(m, spi, val);
	return 0;
}

static struct spimap_ent *find(struct spimap *m, uint32_t spi, void *val)
{
	for (size_t i = home(m, spi); m->e[i].val; i = (i + 1) & m->mask)
		if (m->e[i].spi == spi && m->e[i].val == val)
			return &m->e[i];
	return NULL;
}

/* Whether home slot @k lies cyclically in (@i, @j]: then its entry at @j
 * may not move to @i. */
static bool between(size_t i, size_t k, size_t j)
{
	return i <= j ? i < k && k <= j : i < k || k <= j;
}

int spimap_del(struct spimap *m, uint32_t spi, void *val)
{
	struct spimap_ent *x = find(m, spi, val);
	size_t i, j;

	if (!x)
		return -ENOENT;
	i = j = (size_t)(x - m->e);
	for (;;) {
		j = (j + 1) & m->mask;
		if (!m->e[j].val)
			break;
		if (between(i, home(m, m->e[j].spi), j))
			continue;
		m->e[i] = m->e[j];
		i = j;
	}
	m->e[i] = (struct spimap_ent){ 0 };
	m->n--;
	return 0;
}

int spimap_replace(struct spimap *m, uint32_t spi, void *old, void *val)
{
	struct spimap_ent *x = find(m, spi, old);

	if (!x)
		return -ENOENT;
	x->val = val;
	return 0;
}

void *spimap_next(const struct spimap *m, uint32_t spi, size_t *it)
{
	size_t i = (home(m, spi) + *it) & m->mask;

	for (; m->e[i].val; i = (i + 1) & m->mask) {
		(*it)++;
		if (m->e[i].spi == spi)
			return m->e[i].val;
	}
	return NULL;
}
