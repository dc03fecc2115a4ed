/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * htable.h - an intrusive chained hash table that doubles its buckets
 * (a power of two) whenever it holds more entries than buckets, so that
 * chains stay about one entry long at any size. Entries embed a struct
 * hnode and carry their 64-bit hash (well mixed: the low bits pick the
 * bucket); lookups walk one chain comparing hashes, then keys.
 */
#ifndef ACIKD_HTABLE_H
#define ACIKD_HTABLE_H

#include <stddef.h>
#include <stdint.h>

struct hnode {
	struct hnode *next;
	uint64_t hash;
};

struct htable {
	struct hnode **b;
	size_t n_buckets;	/* a power of two */
	size_t n;
};

#define HTABLE_MIN_BUCKETS	64

/* An empty table of HTABLE_MIN_BUCKETS buckets; 0 or -ENOMEM. */
int htable_init(struct htable *t);
void htable_fini(struct htable *t);
/*
 * Add @node with @hash. Never fails: a table that cannot grow (no
 * memory) keeps its buckets and chains get longer.
 */
void htable_add(struct htable *t, struct hnode *node, uint64_t hash);
/* Take @node (which is in @t) out. */
void htable_del(struct htable *t, struct hnode *node);

/* The chain @hash's entries are in (compare node->hash, then the key). */
static inline struct hnode *htable_chain(const struct htable *t,
					 uint64_t hash)
{
	return t->b[hash & (t->n_buckets - 1)];
}

/* The longest chain (tests and the benchmark). */
size_t htable_max_chain(const struct htable *t);

#endif /* ACIKD_HTABLE_H */
