// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * heap.c - the binary min-heap (heap.h): a[0] is the smallest key, the
 * children of a[i] are a[2i+1] and a[2i+2].
 */
#include <errno.h>
#include <stdlib.h>

#include "heap.h"

int heap_reserve(struct heap *h, unsigned int n)
{
	unsigned int cap = h->cap ? h->cap : 64;
	struct heap_node **a;

	if (n <= h->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	a = realloc(h->a, cap * sizeof(*a));
	if (!a)
		return -ENOMEM;
	h->a = a;
	h->cap = cap;
	return 0;
}

static void place(struct heap *h, unsigned int i, struct heap_node *x)
{
	h->a[i] = x;
	x->pos = i + 1;
}

static void sift_up(struct heap *h, unsigned int i, struct heap_node *x)
{
	while (i) {
		unsigned int parent = (i - 1) / 2;

		if (h->a[parent]->key <= x->key)
			break;
		place(h, i, h->a[parent]);
		i = parent;
	}
	place(h, i, x);
}

static void sift_down(struct heap *h, unsigned int i, struct heap_node *x)
{
	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->a[c + 1]->key < h->a[c]->key)
			c++;
		if (x->key <= h->a[c]->key)
			break;
		place(h, i, h->a[c]);
		i = c;
	}
	place(h, i, x);
}

/* @x's key changed at position @i: move it whichever way it must go. */
static void fix(struct heap *h, unsigned int i, struct heap_node *x)
{
	if (i && h->a[(i - 1) / 2]->key > x->key)
		sift_up(h, i, x);
	else
		sift_down(h, i, x);
}

void heap_remove(struct heap *h, struct heap_node *x)
{
	unsigned int i = x->pos - 1;
	struct heap_node *last;

	if (!x->pos)
		return;
	x->pos = 0;
	last = h->a[--h->n];
	if (last != x)
		fix(h, i, last);
}

void heap_set(struct heap *h, struct heap_node *x, uint64_t key)
{
	if (!key) {
		heap_remove(h, x);
		return;
	}
	x->key = key;
	if (x->pos) {
		fix(h, x->pos - 1, x);
		return;
	}
	if (h->n == h->cap && heap_reserve(h, h->n + 1))
		return;	/* the caller did not reserve: see heap.h */
	sift_up(h, h->n++, x);
}

void heap_fini(struct heap *h)
{
	free(h->a);
	h->a = NULL;
	h->n = h->cap = 0;
}
