// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: which device holds which tunnel, from one tunnel dump per run.
 *
 * Commands that name a tunnel without "dev" (tunnel set/del/show NAME,
 * route add/del/show ... tunnel NAME) need its device. One dump of every
 * tunnel of the namespace, taken at the first such need and kept for the
 * rest of the run, answers them all, so a batch of a million "route add"
 * lines costs one dump, not a million. The tunnels this run adds or
 * deletes are entered or removed as they go; a name the cache does not
 * know is looked for in a fresh dump once before it is called missing,
 * which covers tunnels other processes added since.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctl.h"

/**
 * struct tunnel_entry - one (tunnel name, device) pair
 * @next: next entry of the same bucket
 * @ifindex: the device
 * @name: the tunnel's name
 */
struct tunnel_entry {
	struct tunnel_entry *next;
	uint32_t ifindex;
	char name[ACTUN_TUNNEL_NAMSIZ];
};

/**
 * struct tunnel_cache - hash table of (name, device) pairs by name
 * @buckets: @nbuckets chains, a power of two
 * @count: number of entries
 * @fresh: filled by the command running now, so a miss is a real one
 */
struct tunnel_cache {
	struct tunnel_entry **buckets;
	size_t nbuckets;
	size_t count;
	bool fresh;
};

/* FNV-1a */
static size_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static void cache_free(struct tunnel_cache *tc)
{
	struct tunnel_entry *e, *next;
	size_t i;

	if (!tc)
		return;
	for (i = 0; i < tc->nbuckets; i++)
		for (e = tc->buckets[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	free(tc->buckets);
	free(tc);
}

static int cache_grow(struct tunnel_cache *tc)
{
	size_t n = tc->nbuckets ? tc->nbuckets * 2 : 256, i;
	struct tunnel_entry **b, *e, *next;

	b = calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (i = 0; i < tc->nbuckets; i++)
		for (e = tc->buckets[i]; e; e = next) {
			size_t h = name_hash(e->name) & (n - 1);

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	free(tc->buckets);
	tc->buckets = b;
	tc->nbuckets = n;
	return 0;
}

static int cache_add(struct tunnel_cache *tc, const char *name,
		     uint32_t ifindex)
{
	struct tunnel_entry *e;
	size_t b;

	if (tc->count >= tc->nbuckets && cache_grow(tc))
		return -ENOMEM;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->ifindex = ifindex;
	b = name_hash(name) & (tc->nbuckets - 1);
	e->next = tc->buckets[b];
	tc->buckets[b] = e;
	tc->count++;
	return 0;
}

static int load_cb(const struct actun_tunnel_cfg *t, void *arg)
{
	if (!actun_tunnel_has(t, ACTUN_TUNNEL_A_NAME) ||
	    !actun_tunnel_has(t, ACTUN_TUNNEL_A_IFINDEX))
		return 0;
	return cache_add(arg, t->name, t->ifindex);
}

/* Fill the cache from a dump unless it is already there. */
static int cache_load(struct acctl *ac)
{
	struct actun_error err;
	struct actun_sock *sock;
	struct tunnel_cache *tc;
	int ret;

	if (ac->tunnels)
		return 0;
	if (acctl_sock(ac, &sock))
		return -1;
	tc = calloc(1, sizeof(*tc));
	if (!tc || cache_grow(tc)) {
		free(tc);
		fprintf(stderr, "Error: out of memory.\n");
		return -1;
	}
	ret = actun_tunnel_dump(sock, 0, load_cb, tc, &err);
	if (ret) {
		cache_free(tc);
		if (ret == -ENOMEM && err.origin == ACTUN_ERR_LOCAL)
			fprintf(stderr, "Error: out of memory.\n");
		else
			acctl_print_error(&err);
		return -1;
	}
	tc->fresh = true;
	ac->tunnels = tc;
	return 0;
}

/* Devices holding a tunnel called @name: the first in *ifindex. */
static unsigned int cache_find(struct tunnel_cache *tc, const char *name,
			       uint32_t *ifindex)
{
	struct tunnel_entry *e;
	unsigned int n = 0;

	for (e = tc->buckets[name_hash(name) & (tc->nbuckets - 1)]; e;
	     e = e->next)
		if (!strcmp(e->name, name) && !n++)
			*ifindex = e->ifindex;
	return n;
}

int acctl_tunnel_dev(struct acctl *ac, const char *name, uint32_t *ifindex)
{
	unsigned int n;

	if (cache_load(ac))
		return -1;
	n = cache_find(ac->tunnels, name, ifindex);
	if (!n && !ac->tunnels->fresh) {
		/* Maybe added by someone else since the dump: look again. */
		acctl_tunnels_forget(ac);
		if (cache_load(ac))
			return -1;
		n = cache_find(ac->tunnels, name, ifindex);
	}
	if (n == 1)
		return 0;
	if (!n)
		fprintf(stderr, "Error: tunnel \"%s\" does not exist.\n", name);
	else
		fprintf(stderr,
			"Error: tunnel \"%s\" exists on several devices; say which with \"dev DEV\".\n",
			name);
	return -1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int acctl_tunnel_devs(struct acctl *ac, uint32_t **ifindexes, size_t *n)
{
	struct tunnel_cache *tc;
	struct tunnel_entry *e;
	uint32_t *v;
	size_t i, k = 0;

	if (cache_load(ac))
		return -1;
	tc = ac->tunnels;
	v = malloc((tc->count ? tc->count : 1) * sizeof(*v));
	if (!v) {
		fprintf(stderr, "Error: out of memory.\n");
		return -1;
	}
	for (i = 0; i < tc->nbuckets; i++)
		for (e = tc->buckets[i]; e; e = e->next)
			v[k++] = e->ifindex;
	qsort(v, k, sizeof(*v), cmp_u32);
	for (i = 0, *n = 0; i < k; i++)
		if (!*n || v[*n - 1] != v[i])
			v[(*n)++] = v[i];
	*ifindexes = v;
	return 0;
}

void acctl_tunnel_added(struct acctl *ac, const char *name, uint32_t ifindex)
{
	if (ac->tunnels && cache_add(ac->tunnels, name, ifindex))
		acctl_tunnels_forget(ac);
}

void acctl_tunnel_deleted(struct acctl *ac, const char *name,
			  uint32_t ifindex)
{
	struct tunnel_entry **p, *e;

	if (!ac->tunnels)
		return;
	p = &ac->tunnels->buckets[name_hash(name) &
				  (ac->tunnels->nbuckets - 1)];
	for (; (e = *p); p = &e->next) {
		if (e->ifindex == ifindex && !strcmp(e->name, name)) {
			*p = e->next;
			free(e);
			ac->tunnels->count--;
			return;
		}
	}
}

void acctl_tunnels_forget(struct acctl *ac)
{
	cache_free(ac->tunnels);
	ac->tunnels = NULL;
}

void acctl_tunnels_age(struct acctl *ac)
{
	if (ac->tunnels)
		ac->tunnels->fresh = false;
}
