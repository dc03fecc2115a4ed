// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"

struct strset_node {
	struct strset_node *next;
	char key[];
};

static size_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

void strset_init(struct strset *s)
{
	memset(s, 0, sizeof(*s));
}

void strset_clear(struct strset *s)
{
	struct strset_node *n, *next;
	size_t i;

	for (i = 0; i < s->n_buckets; i++)
		for (n = s->buckets[i]; n; n = next) {
			next = n->next;
			free(n);
		}
	free(s->buckets);
	strset_init(s);
}

static struct strset_node **slot(const struct strset *s, const char *key)
{
	struct strset_node **p;

	if (!s->n_buckets)
		return NULL;
	for (p = &s->buckets[hash(key) & (s->n_buckets - 1)]; *p;
	     p = &(*p)->next)
		if (!strcmp((*p)->key, key))
			return p;
	return p;
}

bool strset_has(const struct strset *s, const char *key)
{
	struct strset_node **p = slot(s, key);

	return p && *p;
}

static int grow(struct strset *s)
{
	size_t n = s->n_buckets ? 2 * s->n_buckets : 64, i, b;
	struct strset_node **nb = calloc(n, sizeof(*nb)), *node, *next;

	if (!nb)
		return -ENOMEM;
	for (i = 0; i < s->n_buckets; i++)
		for (node = s->buckets[i]; node; node = next) {
			next = node->next;
			b = hash(node->key) & (n - 1);
			node->next = nb[b];
			nb[b] = node;
		}
	free(s->buckets);
	s->buckets = nb;
	s->n_buckets = n;
	return 0;
}

int strset_add(struct strset *s, const char *key)
{
	struct strset_node **p, *node;
	size_t len = strlen(key) + 1;

	if (strset_has(s, key))
		return 0;
	if (s->n >= s->n_buckets && grow(s))
		return -ENOMEM;
	p = slot(s, key);
	node = malloc(sizeof(*node) + len);
	if (!node)
		return -ENOMEM;
	memcpy(node->key, key, len);
	node->next = NULL;
	*p = node;
	s->n++;
	return 0;
}

void strset_del(struct strset *s, const char *key)
{
	struct strset_node **p = slot(s, key), *node;

	if (!p || !*p)
		return;
	node = *p;
	*p = node->next;
	free(node);
	s->n--;
}

void strset_each(const struct strset *s, void (*fn)(const char *, void *),
		 void *arg)
{
	struct strset_node *n;
	size_t i;

	for (i = 0; i < s->n_buckets; i++)
		for (n = s->buckets[i]; n; n = n->next)
			fn(n->key, arg);
}
