/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * heap.h - a binary min-heap of intrusive nodes keyed by a time (the IKE
 * SAs' next deadlines, ike_sa_table.c). Each node knows its position, so
 * that changing its key or taking it out is O(log n) without a search.
 */
#ifndef ACIKD_HEAP_H
#define ACIKD_HEAP_H

#include <stdint.h>

/**
 * struct heap_node - embed one per object that can be in a heap
 * @key: its time (valid while it is in the heap)
 * @pos: its index in the heap's array plus one; 0 while not in a heap
 */
struct heap_node {
	uint64_t key;
	unsigned int pos;
};

struct heap {
	struct heap_node **a;
	unsigned int n, cap;
};

/*
 * heap_reserve() - room for @n nodes, so that heap_set() on that many
 * never allocates (a timer must not get lost to a failed allocation).
 * 0 or -ENOMEM.
 */
int heap_reserve(struct heap *h, unsigned int n);
/*
 * heap_set() - put @x into @h with @key, or move it there if it is in
 * already; @key 0 takes it out. The caller reserved room (heap_reserve()).
 */
void heap_set(struct heap *h, struct heap_node *x, uint64_t key);
/* heap_remove() - take @x out of @h if it is in. */
void heap_remove(struct heap *h, struct heap_node *x);
/* The node with the smallest key, or NULL. */
static inline struct heap_node *heap_top(const struct heap *h)
{
	return h->n ? h->a[0] : NULL;
}
void heap_fini(struct heap *h);

#endif /* ACIKD_HEAP_H */
