// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * htable.c - the growable intrusive hash table (htable.h). Growing moves
 * every entry at once: O(n) now and then, O(1) per add on average; at
 * 100k IKE SAs that is one pass over 128k buckets.
 */
#include <errno.h>
#include <stdlib.h>

#include "htable.h"

int htable_init(struct htable *t)
{
	t->b = calloc(HTABLE_MIN_BUCKETS, sizeof(*t->b));
	t->n_buckets = HTABLE_MIN_BUCKETS;
	t->n = 0;
	return t->b ? 0 : -ENOMEM;
}

void htable_fini(struct htable *t)
{
	free(t->b);
	t->b = NULL;
	t->n_buckets = t->n = 0;
}

static void grow(struct htable *t)
{
	size_t n = 2 * t->n_buckets;
	struct hnode **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct hnode *node = t->b[i], *next;

		for (; node; node = next) {
			next = node->next;
			node->next = b[node->hash & (n - 1)];
			b[node->hash & (n - 1)] = node;
		}
	}
	free(t->b);
	t->b = b;
	t->n_buckets = n;
}

void htable_add(struct htable *t, struct hnode *node, uint64_t hash)
{
	struct hnode **head;

	if (t->n >= t->n_buckets)
		grow(t);
	node->hash = hash;
	head = &t->b[hash & (t->n_buckets - 1)];
	node->next = *head;
	*head = node;
	t->n++;
}

void htable_del(struct htable *t, struct hnode *node)
{
	struct hnode **pp = &t->b[node->hash & (t->n_buckets - 1)];

	for (; *pp; pp = &(*pp)->next)
		if (*pp == node) {
			*pp = node->next;
			t->n--;
			return;
		}
}

size_t htable_max_chain(const struct htable *t)
{
	size_t max = 0;

	for (size_t i = 0; i < t->n_buckets; i++) {
		size_t len = 0;

		for (struct hnode *n = t->b[i]; n; n = n->next)
			len++;
		if (len > max)
			max = len;
	}
	return max;
}
