// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dh_cache.c - the responder's reused key pairs (dh_cache.h explains why
 * and what it costs).
 */
#include <stddef.h>

#include "dh_cache.h"

static const uint16_t cache_groups[DH_CACHE_GROUPS] = {
	DH_GROUP_ECP_384, DH_GROUP_MODP_2048, DH_GROUP_MODP_1536,
};

void dh_cache_init(struct dh_cache *c, uint32_t lifetime_ms)
{
	*c = (struct dh_cache){ .lifetime_ms = lifetime_ms };
}

static int cache_index(uint16_t group)
{
	for (int i = 0; i < DH_CACHE_GROUPS; i++)
		if (cache_groups[i] == group)
			return i;
	return -1;
}

int dh_cache_key(struct dh_cache *c, uint16_t group, uint64_t now_ms,
		 struct dh_key **key)
{
	int i = c && c->lifetime_ms ? cache_index(group) : -1;
	int err;

	if (i < 0)
		return dh_key_create(group, key);
	if (c->slot[i].key && now_ms - c->slot[i].born_ms < c->lifetime_ms) {
		*key = dh_key_get(c->slot[i].key);
		return 0;
	}
	dh_key_free(c->slot[i].key);
	c->slot[i].key = NULL;
	err = dh_key_create(group, key);
	if (err)
		return err;
	c->slot[i].key = dh_key_get(*key);
	c->slot[i].born_ms = now_ms;
	return 0;
}

void dh_cache_clear(struct dh_cache *c)
{
	for (int i = 0; i < DH_CACHE_GROUPS; i++) {
		dh_key_free(c->slot[i].key);
		c->slot[i].key = NULL;
	}
}
