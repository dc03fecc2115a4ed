// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/route.c compiled for userspace (selftests/kshim/ stands in for the
 * kernel interfaces it uses) and checked against a brute-force model:
 * random adds, deletes and tunnel removals over overlapping IPv4 and IPv6
 * prefixes, each followed by the trie's structural invariants (nodes
 * ordered and linked both ways, no node without routes unless it forks,
 * routes in tunnel id order), longest prefix matches for selection and
 * the source check, the ECMP choice, dump walks that stop and resume, and
 * no object left behind.
 *
 * The data path itself (select, allows_source) has no other test before
 * the GRE traffic tests; this one needs no VM and runs in a second.
 */
#include "kshim.h"

/* Instead of tunnel.h: route.c reads id and state and links the list. */
#define _ACTUN_TUNNEL_H
#include <linux/actun.h>

struct actun_tunnel {
	u32 id;
	u8 state;
	char name[ACTUN_TUNNEL_NAMSIZ];
	struct list_head routes;
};

struct rcu_head *kshim_rcu_pending;

#include "../kernel/route.c"

static int checks, failures, nmodel;

#define CHECK(cond, ...) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("# %s:%d (%d routes): %s: ", __FILE__, __LINE__,	\
		       nmodel, #cond);					\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		if (failures > 20)					\
			exit(1);					\
	}								\
} while (0)

#define NTUNNELS	6
#define MAXROUTES	4096

static struct actun_tunnel tunnels[NTUNNELS];
static struct actun_route_table table;
static struct mutex lock;

/* The model: every route, as route.c should hold it. */
static struct model_route {
	struct actun_route_key key;
	int tunnel;
	u32 priority, weight;
} model[MAXROUTES];

static u64 rnd_state = 88172645463325252ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static bool key_eq(const struct actun_route_key *a,
		   const struct actun_route_key *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       (a->family == AF_INET ? a->prefix4 == b->prefix4 :
		!memcmp(&a->prefix6, &b->prefix6, sizeof(a->prefix6)));
}

static int model_find(const struct actun_route_key *key, int t)
{
	int i;

	for (i = 0; i < nmodel; i++)
		if (model[i].tunnel == t && key_eq(&model[i].key, key))
			return i;
	return -1;
}

/* A prefix of few distinct leading bits, so that prefixes overlap often. */
static void random_key(struct actun_route_key *key)
{
	static const u8 plens[] = { 0, 1, 2, 7, 8, 9, 16, 23, 24, 25, 31, 32 };
	u64 bits[2];

	memset(key, 0, sizeof(*key));
	key->family = rnd() % 4 ? AF_INET : AF_INET6;
	bits[0] = (rnd() % 4) << 62 | (rnd() % 16) << 32 | (rnd() % 8) << 24 |
		  (rnd() & 0xff00000000ffULL);
	bits[1] = rnd() % 2 ? rnd() : 0;
	if (key->family == AF_INET) {
		key->plen = rnd() % 3 ? plens[rnd() % sizeof(plens)] : rnd() % 33;
	} else {
		key->plen = rnd() % 3 ? plens[rnd() % sizeof(plens)] * 4 :
					rnd() % 129;
	}
	actun_key_mask(bits, key->plen);
	if (key->family == AF_INET) {
		key->prefix4 = cpu_to_be32((u32)(bits[0] >> 32));
	} else {
		put_unaligned_be64(bits[0], &key->prefix6.s6_addr[0]);
		put_unaligned_be64(bits[1], &key->prefix6.s6_addr[8]);
	}
}

/* An address: inside a known prefix, or anywhere. */
static void random_addr(u8 *family, u64 *addr)
{
	struct actun_route_key key;
	u64 host[2] = { rnd(), rnd() }, mask[2] = { ~0ULL, ~0ULL };

	if (nmodel && rnd() % 4)
		key = model[rnd() % nmodel].key;
	else
		random_key(&key);
	actun_key_from_route(&key, addr);
	actun_key_mask(mask, key.plen);
	addr[0] |= host[0] & ~mask[0];
	addr[1] |= host[1] & ~mask[1];
	if (key.family == AF_INET) {
		addr[0] &= 0xffffffff00000000ULL;
		addr[1] = 0;
	}
	*family = key.family;
}

static bool model_covers(const struct model_route *m, u8 family,
			 const u64 *addr)
{
	u64 a[2] = { addr[0], addr[1] }, k[2];

	if (m->key.family != family)
		return false;
	actun_key_from_route(&m->key, k);
	actun_key_mask(a, m->key.plen);
	return a[0] == k[0] && a[1] == k[1];
}

/* The routes of the longest prefix covering @addr, by tunnel id. */
static int model_lpm(u8 family, const u64 *addr, int *out)
{
	int i, j, n = 0, best = -1, tmp;

	for (i = 0; i < nmodel; i++)
		if (model_covers(&model[i], family, addr) &&
		    model[i].key.plen > best)
			best = model[i].key.plen;
	for (i = 0; i < nmodel; i++)
		if (model[i].key.plen == best &&
		    model_covers(&model[i], family, addr))
			out[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && model[out[j]].tunnel < model[out[j - 1]].tunnel; j--) {
			tmp = out[j];
			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	return n;
}

static struct actun_tunnel *model_select(u8 family, const u64 *addr, u32 hash)
{
	int idx[NTUNNELS], n, i;
	u64 best = U64_MAX, total = 0, pick, sum = 0, pref[NTUNNELS];

	n = model_lpm(family, addr, idx);
	for (i = 0; i < n; i++) {
		const struct model_route *m = &model[idx[i]];
		u8 state = tunnels[m->tunnel].state;

		pref[i] = state == ACTUN_STATE_DOWN ? U64_MAX :
			  m->priority + (state == ACTUN_STATE_DEGRADED ? 500000ULL : 0);
		if (pref[i] < best)
			best = pref[i];
	}
	for (i = 0; i < n; i++)
		if (pref[i] == best && best != U64_MAX)
			total += model[idx[i]].weight;
	if (!total)
		return NULL;
	pick = (u64)(((unsigned __int128)total * hash) >> 32);
	for (i = 0; i < n; i++) {
		if (pref[i] != best)
			continue;
		sum += model[idx[i]].weight;
		if (pick < sum)
			return &tunnels[model[idx[i]].tunnel];
	}
	return NULL;
}

static void make_skb(struct sk_buff *skb, unsigned char *buf, u8 family,
		     const u64 *addr)
{
	memset(buf, 0, 64);
	skb->data = buf;
	if (family == AF_INET) {
		skb->protocol = htons(ETH_P_IP);
		ip_hdr(skb)->saddr = cpu_to_be32((u32)(addr[0] >> 32));
		ip_hdr(skb)->daddr = ip_hdr(skb)->saddr;
	} else {
		skb->protocol = htons(ETH_P_IPV6);
		put_unaligned_be64(addr[0], &ipv6_hdr(skb)->daddr.s6_addr[0]);
		put_unaligned_be64(addr[1], &ipv6_hdr(skb)->daddr.s6_addr[8]);
		ipv6_hdr(skb)->saddr = ipv6_hdr(skb)->daddr;
	}
}

static void check_lookups(int rounds)
{
	unsigned char buf[64] __aligned(8);
	struct actun_tunnel *want, *got;
	struct sk_buff skb;
	int idx[NTUNNELS], n, i, t, r;
	u64 addr[2];
	u8 family;
	u32 hash;

	for (r = 0; r < rounds; r++) {
		random_addr(&family, addr);
		make_skb(&skb, buf, family, addr);
		hash = (u32)rnd();
		want = model_select(family, addr, hash);
		got = actun_route_select(&table, &skb, hash);
		CHECK(want == got, "select %s %016llx%016llx: tunnel %d, want %d",
		      family == AF_INET ? "v4" : "v6",
		      (unsigned long long)addr[0], (unsigned long long)addr[1],
		      got ? (int)got->id : 0, want ? (int)want->id : 0);
		n = model_lpm(family, addr, idx);
		for (t = 0; t < NTUNNELS; t++) {
			bool allowed = false;

			for (i = 0; i < n; i++)
				allowed |= model[idx[i]].tunnel == t;
			CHECK(allowed == actun_route_allows_source(&table, &skb,
								   &tunnels[t]),
			      "allows_source tunnel %d", t + 1);
		}
	}
}

/* Structure of one subtrie; returns its number of routes. */
static long check_subtrie(struct actun_route_node *node,
			  struct actun_route_node *parent, u8 family,
			  long *nodes)
{
	struct actun_route_node *child;
	struct actun_route *route;
	long routes = 0;
	u32 last_id = 0;
	int i;

	if (!node)
		return 0;
	(*nodes)++;
	CHECK(node->parent == parent, "parent pointer");
	CHECK(node->family == family, "family");
	CHECK(node->plen <= (family == AF_INET ? 32 : 128), "plen");
	if (parent) {
		CHECK(node->plen > parent->plen, "plen grows downwards");
		CHECK(actun_node_covers(parent, node->key), "parent covers");
		CHECK(actun_deref(parent->child[actun_key_bit(node->key,
							       parent->plen)]) == node,
		      "child slot");
	}
	hlist_for_each_entry(route, &node->routes, node_list) {
		CHECK(route->node == node, "route's node");
		CHECK(route->tunnel->id > last_id, "routes in tunnel id order");
		last_id = route->tunnel->id;
		routes++;
	}
	if (hlist_empty(&node->routes))
		CHECK(node->child[0] && node->child[1],
		      "a node without routes forks (plen %u)", node->plen);
	for (i = 0; i < 2; i++) {
		child = node->child[i];
		if (child)
			CHECK(actun_key_bit(child->key, node->plen) == (unsigned int)i,
			      "child on its bit's side");
		routes += check_subtrie(child, node, family, nodes);
	}
	return routes;
}

static void check_structure(void)
{
	long nodes = 0, routes;

	routes = check_subtrie(table.root4, NULL, AF_INET, &nodes) +
		 check_subtrie(table.root6, NULL, AF_INET6, &nodes);
	CHECK(routes == nmodel, "%ld routes in the trie, model %d", routes,
	      nmodel);
	CHECK(table.count == (unsigned int)nmodel, "count %u, model %d",
	      table.count, nmodel);
	kshim_grace_period();
	CHECK(actun_route_node_cache->live == nodes,
	      "%ld live nodes, %ld in the trie", actun_route_node_cache->live,
	      nodes);
	CHECK(actun_route_cache->live == nmodel, "%ld live routes, model %d",
	      actun_route_cache->live, nmodel);
}

struct walk_ctx {
	int seen[MAXROUTES];
	int accepted, stop_after, in_batch;
	const struct actun_tunnel *only;
};

static int walk_cb(const struct actun_route_info *info, void *arg)
{
	struct walk_ctx *ctx = arg;
	int i = model_find(&info->key, (int)(info->tunnel - tunnels));

	if (ctx->stop_after && ctx->in_batch == ctx->stop_after) {
		ctx->in_batch = 0;
		return 1;	/* not accepted: the walk resumes here */
	}
	ctx->in_batch++;
	CHECK(i >= 0, "walked a route the model lacks");
	if (i < 0)
		return 0;
	CHECK(!ctx->only || info->tunnel == ctx->only, "filter");
	CHECK(info->priority == model[i].priority &&
	      info->weight == model[i].weight, "priority and weight");
	ctx->seen[i]++;
	ctx->accepted++;
	return 0;
}

static void check_walk(const struct actun_tunnel *only, int stop_after)
{
	static struct walk_ctx ctx;
	unsigned long next = 0;
	int i, want = 0, calls = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.only = only;
	ctx.stop_after = stop_after;
	while (actun_route_walk(&table, &next, only, walk_cb, &ctx))
		CHECK(++calls < 100000, "walk does not end");
	CHECK(next == ULONG_MAX, "a finished walk ends past the end");
	for (i = 0; i < nmodel; i++) {
		if (only && &tunnels[model[i].tunnel] != only)
			continue;
		want++;
		CHECK(ctx.seen[i] == 1, "route %d walked %d times", i, ctx.seen[i]);
	}
	CHECK(ctx.accepted == want, "walked %d, want %d", ctx.accepted, want);
}

static void model_remove(int i)
{
	model[i] = model[--nmodel];
}

/* One random change; @grow: mostly adds. */
static void random_op(bool grow)
{
	struct netlink_ext_ack extack = { 0 };
	struct actun_route_key key;
	int t = (int)(rnd() % NTUNNELS), i, err;
	u32 prio = rnd() % 3 * 100, weight = 1 + rnd() % 4;

	/* A full model only deletes. */
	switch (nmodel == MAXROUTES ? 2 : grow ? 7 + rnd() % 9 : rnd() % 16) {
	case 0:		/* a tunnel goes */
		if (rnd() % 4)
			break;
		actun_route_remove_tunnel(&table, &lock, &tunnels[t]);
		for (i = nmodel - 1; i >= 0; i--)
			if (model[i].tunnel == t)
				model_remove(i);
		CHECK(list_empty(&tunnels[t].routes), "tunnel list emptied");
		break;
	case 1:		/* health changes */
		tunnels[t].state = ACTUN_STATE_UP + rnd() % 3;
		break;
	case 2: case 3: case 4: case 5: case 6:	/* delete one we have */
		if (!nmodel)
			break;
		i = (int)(rnd() % nmodel);
		err = actun_route_del(&table, &lock, &model[i].key,
				      &tunnels[model[i].tunnel], &extack);
		CHECK(!err, "del of a route the model has: %d", err);
		model_remove(i);
		break;
	default:	/* add, or delete what may not exist */
		random_key(&key);
		i = model_find(&key, t);
		if (rnd() % 5 == 0) {
			err = actun_route_del(&table, &lock, &key, &tunnels[t],
					      &extack);
			CHECK(err == (i < 0 ? -ENOENT : 0), "del: %d", err);
			if (!err)
				model_remove(i);
			break;
		}
		err = actun_route_add(&table, &lock, &key, &tunnels[t], prio,
				      weight, &extack);
		CHECK(err == (i < 0 ? 0 : -EEXIST), "add: %d", err);
		if (!err) {
			model[nmodel].key = key;
			model[nmodel].tunnel = t;
			model[nmodel].priority = prio;
			model[nmodel++].weight = weight;
		}
		break;
	}
}

static struct actun_route_key key4(const char *prefix, u8 plen)
{
	struct actun_route_key key = { .family = AF_INET, .plen = plen };

	inet_pton(AF_INET, prefix, &key.prefix4);
	return key;
}

static void test_refusals(void)
{
	struct netlink_ext_ack extack = { 0 };
	struct actun_route_key key = key4("203.0.113.1", 24);

	CHECK(actun_route_add(&table, &lock, &key, &tunnels[0], 1, 1, &extack) == -EINVAL,
	      "host bits");
	CHECK(!strcmp(extack._msg, "actun: the prefix has host bits set"), "%s", extack._msg);
	key = key4("203.0.113.0", 33);
	CHECK(actun_route_key_check(&key, NULL) == -ERANGE, "plen 33");
	key.family = AF_INET6;
	key.plen = 129;
	CHECK(actun_route_key_check(&key, NULL) == -ERANGE, "plen 129");
	key.family = 7;
	CHECK(actun_route_key_check(&key, NULL) == -EAFNOSUPPORT, "family");
	key = key4("0.0.0.0", 0);
	CHECK(actun_route_key_check(&key, NULL) == 0, "default route");
	CHECK(actun_route_add(&table, &lock, &key, &tunnels[0], 1, 0, &extack) == -ERANGE,
	      "weight 0");
	CHECK(actun_route_add(&table, &lock, &key, &tunnels[0], 1, 65536, &extack) == -ERANGE,
	      "weight 65536");
	CHECK(actun_route_del(&table, &lock, &key, &tunnels[0], &extack) == -ENOENT,
	      "del of nothing");
	CHECK(!strcmp(extack._msg, "actun: no such route"), "%s", extack._msg);
	check_structure();
}

/* Weights split the hash space exactly; priorities and states decide. */
static void test_ecmp(void)
{
	struct actun_route_key key = key4("203.0.113.0", 24);
	unsigned char buf[64] __aligned(8);
	int count[NTUNNELS + 1], i;
	struct actun_tunnel *t;
	struct sk_buff skb;
	u64 addr[2] = { (u64)0xcb007105 << 32, 0 };

	CHECK(!actun_route_add(&table, &lock, &key, &tunnels[0], 100, 3, NULL), "add");
	CHECK(!actun_route_add(&table, &lock, &key, &tunnels[1], 100, 1, NULL), "add");
	CHECK(!actun_route_add(&table, &lock, &key, &tunnels[2], 200, 2, NULL), "add");
	make_skb(&skb, buf, AF_INET, addr);

#define SWEEP() do {							\
	memset(count, 0, sizeof(count));				\
	for (i = 0; i < 65536; i++) {					\
		t = actun_route_select(&table, &skb, (u32)i << 16);	\
		count[t ? t->id : 0]++;					\
	}								\
} while (0)
	SWEEP();
	CHECK(count[1] == 49152 && count[2] == 16384 && count[3] == 0,
	      "3:1 split, got %d:%d:%d", count[1], count[2], count[3]);
	tunnels[0].state = ACTUN_STATE_DEGRADED;
	SWEEP();
	CHECK(count[2] == 65536, "degraded tunnel 1 loses to tunnel 2");
	tunnels[1].state = ACTUN_STATE_DOWN;
	SWEEP();
	CHECK(count[3] == 65536, "priority 200 beats degraded 100 + 500000");
	tunnels[2].state = ACTUN_STATE_DOWN;
	SWEEP();
	CHECK(count[1] == 65536, "the degraded tunnel is better than none");
	tunnels[0].state = ACTUN_STATE_DOWN;
	SWEEP();
	CHECK(count[0] == 65536, "every tunnel down: no route");
	CHECK(actun_route_allows_source(&table, &skb, &tunnels[2]),
	      "the source check ignores states and priorities");
	for (i = 0; i < NTUNNELS; i++)
		tunnels[i].state = ACTUN_STATE_UP;
	actun_route_remove_tunnel(&table, &lock, &tunnels[0]);
	actun_route_remove_tunnel(&table, &lock, &tunnels[1]);
	actun_route_remove_tunnel(&table, &lock, &tunnels[2]);
	check_structure();
}

int main(void)
{
	int i, most = 0;

	printf("TAP version 13\n");
	if (actun_route_cache_init())
		return 1;
	actun_route_table_init(&table);
	for (i = 0; i < NTUNNELS; i++) {
		tunnels[i].id = i + 1;
		tunnels[i].state = ACTUN_STATE_UP;
		INIT_LIST_HEAD(&tunnels[i].routes);
	}

	test_refusals();
	test_ecmp();
	for (i = 0; i < 100000; i++) {
		/* Phases: grow to the model's size, then churn it away. */
		random_op(i % 50000 < 10000);
		if (nmodel > most)
			most = nmodel;
		check_lookups(2);
		if (i % 997 == 0)
			check_structure();
		if (i % 10007 == 0) {
			check_walk(NULL, 0);
			check_walk(NULL, 1 + (int)(rnd() % 50));
			check_walk(&tunnels[rnd() % NTUNNELS], 7);
		}
	}
	check_structure();
	printf("# up to %d routes; %d routes, %ld nodes before the flush\n",
	       most, nmodel, actun_route_node_cache->live);
	actun_route_table_flush(&table, &lock);
	nmodel = 0;
	check_structure();
	for (i = 0; i < NTUNNELS; i++)
		CHECK(list_empty(&tunnels[i].routes), "tunnel %d's list emptied", i + 1);
	actun_route_cache_exit();	/* aborts if anything is left */

	printf("%s 1 route trie against its model: %d checks\n",
	       failures ? "not ok" : "ok", checks);
	printf("1..1\n");
	return failures ? 1 : 0;
}
