/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* A set of strings (record keys): chained hash table that doubles. */
#ifndef ACTUN_FLEET_STRSET_H
#define ACTUN_FLEET_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset_node;

struct strset {
	struct strset_node **buckets;
	size_t n_buckets;
	size_t n;
};

void strset_init(struct strset *s);
void strset_clear(struct strset *s);
bool strset_has(const struct strset *s, const char *key);
/* 0 (added or present) or -ENOMEM. */
int strset_add(struct strset *s, const char *key);
void strset_del(struct strset *s, const char *key);
/* Call @fn for each key; it may not change the set. */
void strset_each(const struct strset *s, void (*fn)(const char *, void *),
		 void *arg);

#endif
