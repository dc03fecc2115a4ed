// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix routes: a path-compressed binary trie per address family, as
 * WireGuard's allowedips, with a list of routes {tunnel, priority, weight}
 * on every node that holds a prefix.
 *
 * Keys are kept as two host-order u64 words, the address left-aligned (an
 * IPv4 address is the top 32 bits of the first word), so both families
 * share the bit arithmetic. A node covers the addresses whose first @plen
 * bits equal its key; its children differ in bit @plen. Nodes that hold no
 * route exist only as forks with two children, so the trie never holds more
 * than twice as many nodes as prefixes, and deleting a prefix prunes what
 * it no longer needs.
 *
 * Readers (the data path, dumps) run under RCU and never take a lock or
 * allocate; writers hold the device lock. Nodes and routes are never
 * changed in place once published, except for the child pointers and the
 * route lists, which readers follow with RCU.
 */

#include <linux/bitops.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <asm/unaligned.h>

#include "route.h"
#include "tunnel.h"

/* Preference a degraded tunnel's routes lose (the design brief's value). */
#define ACTUN_ROUTE_DEGRADED_PENALTY	500000

/* Route ids; ULONG_MAX is never one, so it can mean "past the end". */
#define ACTUN_ROUTE_ID_LIMIT	XA_LIMIT(1, U32_MAX - 1)

/**
 * struct actun_route_node - a node of the trie
 * @child: subtries by bit @plen of the key, RCU-protected
 * @routes: routes of this prefix (struct actun_route), ordered by tunnel
 *	id, RCU list; empty for a fork
 * @parent: the node whose child this is, NULL at the root; writers only
 * @key: the prefix, left-aligned, host order, bits past @plen zero
 * @plen: prefix length
 * @family: AF_INET or AF_INET6
 * @rcu: defers the free until readers are done
 */
struct actun_route_node {
	struct actun_route_node __rcu *child[2];
	struct hlist_head routes;
	struct actun_route_node *parent;
	u64 key[2];
	u8 plen;
	u8 family;
	struct rcu_head rcu;
};

/**
 * struct actun_route - one route: a prefix (its node) to a tunnel
 * @node_list: entry in &actun_route_node.routes
 * @tunnel_list: entry in &actun_tunnel.routes; writers only
 * @node: the node of the prefix; fixed for the route's life
 * @tunnel: the tunnel, which outlives the route (it removes its routes
 *	before it goes)
 * @id: key in &actun_route_table.by_id
 * @priority: lower is preferred
 * @weight: ECMP share, 1..ACTUN_ROUTE_WEIGHT_MAX
 * @rcu: defers the free until readers are done
 */
struct actun_route {
	struct hlist_node node_list;
	struct list_head tunnel_list;
	struct actun_route_node *node;
	struct actun_tunnel *tunnel;
	u32 id;
	u32 priority;
	u32 weight;
	struct rcu_head rcu;
};

static struct kmem_cache *actun_route_node_cache;
static struct kmem_cache *actun_route_cache;

/* Readers hold rcu_read_lock() (dumps) or rcu_read_lock_bh() (data path). */
#define actun_deref(p)	rcu_dereference_check(p, rcu_read_lock_bh_held())
#define actun_deref_locked(p, lock) \
	rcu_dereference_protected(p, lockdep_is_held(lock))

/* Bit @pos (0 = most significant) of a key. */
static unsigned int actun_key_bit(const u64 *key, unsigned int pos)
{
	return (key[pos / 64] >> (63 - pos % 64)) & 1;
}

/* Number of leading bits two keys share (128 when equal). */
static unsigned int actun_common_bits(const u64 *a, const u64 *b)
{
	u64 x = a[0] ^ b[0];

	if (x)
		return 63 - __fls(x);
	x = a[1] ^ b[1];
	if (x)
		return 127 - __fls(x);
	return 128;
}

/* Clear the bits past @plen. */
static void actun_key_mask(u64 *key, unsigned int plen)
{
	key[0] &= plen >= 64 ? ~0ULL : plen ? ~0ULL << (64 - plen) : 0;
	key[1] &= plen >= 128 ? ~0ULL : plen > 64 ? ~0ULL << (128 - plen) : 0;
}

static void actun_key_from_route(const struct actun_route_key *rkey, u64 *key)
{
	if (rkey->family == AF_INET) {
		key[0] = (u64)be32_to_cpu(rkey->prefix4) << 32;
		key[1] = 0;
	} else {
		key[0] = get_unaligned_be64(&rkey->prefix6.s6_addr[0]);
		key[1] = get_unaligned_be64(&rkey->prefix6.s6_addr[8]);
	}
}

/* Does @node's prefix cover @key? */
static bool actun_node_covers(const struct actun_route_node *node,
			      const u64 *key)
{
	return actun_common_bits(node->key, key) >= node->plen;
}

static struct actun_route_node __rcu **
actun_route_root(struct actun_route_table *table, u8 family)
{
	return family == AF_INET ? &table->root4 : &table->root6;
}

/**
 * actun_route_key_check - is a route key well formed?
 * @key: the key
 * @extack: where to explain a refusal
 *
 * Return: 0, -EAFNOSUPPORT for an unknown family, -ERANGE for a prefix
 * length out of range, -EINVAL for host bits set.
 */
int actun_route_key_check(const struct actun_route_key *key,
			  struct netlink_ext_ack *extack)
{
	u64 bits[2], masked[2];

	/* The messages say what is wrong, the errnos which attribute. */
	if (key->family != AF_INET && key->family != AF_INET6) {
		NL_SET_ERR_MSG_MOD(extack, "unknown address family (AF_INET or AF_INET6)");
		return -EAFNOSUPPORT;
	}
	if (key->plen > (key->family == AF_INET ? 32 : 128)) {
		NL_SET_ERR_MSG_MOD(extack, "prefix length out of range (0-32 for IPv4, 0-128 for IPv6)");
		return -ERANGE;
	}
	actun_key_from_route(key, bits);
	memcpy(masked, bits, sizeof(masked));
	actun_key_mask(masked, key->plen);
	if (masked[0] != bits[0] || masked[1] != bits[1]) {
		NL_SET_ERR_MSG_MOD(extack, "the prefix has host bits set");
		return -EINVAL;
	}
	return 0;
}

/**
 * actun_route_table_init - prepare an empty table
 * @table: the table
 */
void actun_route_table_init(struct actun_route_table *table)
{
	RCU_INIT_POINTER(table->root4, NULL);
	RCU_INIT_POINTER(table->root6, NULL);
	xa_init_flags(&table->by_id, XA_FLAGS_ALLOC1);
	table->next_id = 1;
	table->count = 0;
}

static void actun_route_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(actun_route_cache,
			container_of(rcu, struct actun_route, rcu));
}

static void actun_route_node_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(actun_route_node_cache,
			container_of(rcu, struct actun_route_node, rcu));
}

static struct actun_route_node *actun_node_alloc(const u64 *key, u8 plen,
						 u8 family)
{
	struct actun_route_node *node;

	node = kmem_cache_zalloc(actun_route_node_cache, GFP_KERNEL);
	if (!node)
		return NULL;
	node->key[0] = key[0];
	node->key[1] = key[1];
	actun_key_mask(node->key, plen);
	node->plen = plen;
	node->family = family;
	INIT_HLIST_HEAD(&node->routes);
	return node;
}

/* The deepest node covering a prefix and not longer (its own when *exact). */
static struct actun_route_node *
actun_node_place(struct actun_route_node __rcu **root, const u64 *key,
		 u8 plen, struct mutex *lock, bool *exact)
{
	struct actun_route_node *node = actun_deref_locked(*root, lock);
	struct actun_route_node *parent = NULL;

	*exact = false;
	while (node && node->plen <= plen && actun_node_covers(node, key)) {
		parent = node;
		if (node->plen == plen) {
			*exact = true;
			break;
		}
		node = actun_deref_locked(node->child[actun_key_bit(key, node->plen)],
					  lock);
	}
	return parent;
}

static struct actun_route *actun_node_find(struct actun_route_node *node,
					   const struct actun_tunnel *tunnel)
{
	struct actun_route *route;

	hlist_for_each_entry(route, &node->routes, node_list)
		if (route->tunnel == tunnel)
			return route;
	return NULL;
}

/* Publish @route on its node in tunnel id order, which ECMP follows. */
static void actun_node_add_route(struct actun_route_node *node,
				 struct actun_route *route)
{
	struct actun_route *pos, *last = NULL;

	hlist_for_each_entry(pos, &node->routes, node_list) {
		if (pos->tunnel->id > route->tunnel->id) {
			hlist_add_before_rcu(&route->node_list, &pos->node_list);
			return;
		}
		last = pos;
	}
	if (last)
		hlist_add_behind_rcu(&route->node_list, &last->node_list);
	else
		hlist_add_head_rcu(&route->node_list, &node->routes);
}

/*
 * Publish @leaf (with its route already on it) in @slot, whose current
 * occupant is @down. Either @leaf covers @down and takes it as a child, or
 * @fork (prepared by the caller) takes both.
 */
static void actun_node_link(struct actun_route_node __rcu **slot,
			    struct actun_route_node *parent,
			    struct actun_route_node *down,
			    struct actun_route_node *leaf,
			    struct actun_route_node *fork)
{
	struct actun_route_node *top = fork ?: leaf;

	if (fork) {
		RCU_INIT_POINTER(fork->child[actun_key_bit(leaf->key, fork->plen)],
				 leaf);
		leaf->parent = fork;
	}
	if (down) {
		RCU_INIT_POINTER(top->child[actun_key_bit(down->key, top->plen)],
				 down);
		down->parent = top;
	}
	top->parent = parent;
	rcu_assign_pointer(*slot, top);
}

/* Put @child (maybe NULL) in @node's place and free @node after readers. */
static void actun_node_replace(struct actun_route_node __rcu **root,
			       struct actun_route_node *node,
			       struct actun_route_node *child)
{
	struct actun_route_node *parent = node->parent;
	struct actun_route_node __rcu **slot = parent ?
		&parent->child[actun_key_bit(node->key, parent->plen)] : root;

	if (child)
		child->parent = node->parent;
	rcu_assign_pointer(*slot, child);
	call_rcu(&node->rcu, actun_route_node_free_rcu);
}

/*
 * @node lost its last route. A node without routes is only kept as a fork
 * of two subtries; a leaf that goes may leave its parent a fork of one,
 * which goes too. So a deletion frees at most two nodes.
 */
static void actun_node_prune(struct actun_route_node __rcu **root,
			     struct actun_route_node *node, struct mutex *lock)
{
	struct actun_route_node *c0 = actun_deref_locked(node->child[0], lock);
	struct actun_route_node *c1 = actun_deref_locked(node->child[1], lock);
	struct actun_route_node *parent = node->parent;

	if (c0 && c1)
		return;
	actun_node_replace(root, node, c0 ?: c1);
	if (!c0 && !c1 && parent && hlist_empty(&parent->routes))
		actun_node_replace(root, parent,
				   actun_deref_locked(parent->child[0], lock) ?:
				   actun_deref_locked(parent->child[1], lock));
}

/* Unpublish @route everywhere and free it after readers are done. */
static void actun_route_unlink(struct actun_route_table *table,
			       struct actun_route *route, struct mutex *lock)
{
	struct actun_route_node *node = route->node;

	hlist_del_rcu(&route->node_list);
	list_del(&route->tunnel_list);
	xa_erase(&table->by_id, route->id);
	table->count--;
	call_rcu(&route->rcu, actun_route_free_rcu);
	if (hlist_empty(&node->routes))
		actun_node_prune(actun_route_root(table, node->family), node,
				 lock);
}

/**
 * actun_route_add - route a prefix to a tunnel
 * @table: the table
 * @lock: the device lock, which the caller holds
 * @key: the prefix
 * @tunnel: a tunnel of the same device
 * @priority: lower is preferred
 * @weight: ECMP share, 1..ACTUN_ROUTE_WEIGHT_MAX
 * @extack: where to explain a refusal
 *
 * Return: 0; -EEXIST when the prefix is already routed to @tunnel; -EINVAL,
 * -ERANGE or -EAFNOSUPPORT for a bad key or weight; -ENOSPC when the table
 * is full; -ENOMEM. A refusal changes nothing.
 */
int actun_route_add(struct actun_route_table *table, struct mutex *lock,
		    const struct actun_route_key *key,
		    struct actun_tunnel *tunnel, u32 priority, u32 weight,
		    struct netlink_ext_ack *extack)
{
	struct actun_route_node *parent, *down = NULL, *leaf = NULL;
	struct actun_route_node __rcu **slot = NULL;
	struct actun_route_node __rcu **root;
	struct actun_route_node *fork = NULL;
	struct actun_route *route;
	unsigned int common;
	bool exact;
	u64 bits[2];
	int err;

	lockdep_assert_held(lock);
	err = actun_route_key_check(key, extack);
	if (err)
		return err;
	if (!weight || weight > ACTUN_ROUTE_WEIGHT_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "route weight out of range (1-65535)");
		return -ERANGE;
	}
	if (table->count >= ACTUN_MAX_ROUTES) {
		NL_SET_ERR_MSG_MOD(extack, "the device already holds the maximum number of routes");
		return -ENOSPC;
	}
	actun_key_from_route(key, bits);
	root = actun_route_root(table, key->family);
	parent = actun_node_place(root, bits, key->plen, lock, &exact);
	if (exact && actun_node_find(parent, tunnel)) {
		NL_SET_ERR_MSG_MOD(extack, "this prefix is already routed to this tunnel");
		return -EEXIST;
	}

	/* Everything that can fail comes before anything is published. */
	route = kmem_cache_zalloc(actun_route_cache, GFP_KERNEL);
	if (!route)
		return -ENOMEM;
	route->tunnel = tunnel;
	route->priority = priority;
	route->weight = weight;
	route->node = parent;
	if (!exact) {
		slot = parent ? &parent->child[actun_key_bit(bits, parent->plen)] :
				root;
		down = actun_deref_locked(*slot, lock);
		leaf = actun_node_alloc(bits, key->plen, key->family);
		if (!leaf)
			goto err_nomem;
		route->node = leaf;
		common = down ? actun_common_bits(down->key, bits) : key->plen;
		if (common < key->plen) {
			/* @down and the prefix part ways at bit @common. */
			fork = actun_node_alloc(bits, common, key->family);
			if (!fork)
				goto err_nomem;
		}
	}
	err = xa_alloc_cyclic(&table->by_id, &route->id, route,
			      ACTUN_ROUTE_ID_LIMIT, &table->next_id, GFP_KERNEL);
	if (err < 0)
		goto err_free;

	actun_node_add_route(route->node, route);
	list_add_tail(&route->tunnel_list, &tunnel->routes);
	if (!exact)
		actun_node_link(slot, parent, down, leaf, fork);
	table->count++;
	return 0;

err_nomem:
	err = -ENOMEM;
err_free:
	if (fork)
		kmem_cache_free(actun_route_node_cache, fork);
	if (leaf)
		kmem_cache_free(actun_route_node_cache, leaf);
	kmem_cache_free(actun_route_cache, route);
	return err;
}

static struct actun_route *actun_route_find(struct actun_route_table *table,
					    struct mutex *lock,
					    const struct actun_route_key *key,
					    const struct actun_tunnel *tunnel)
{
	struct actun_route_node *node;
	bool exact;
	u64 bits[2];

	if (actun_route_key_check(key, NULL))
		return NULL;
	actun_key_from_route(key, bits);
	node = actun_node_place(actun_route_root(table, key->family), bits,
				key->plen, lock, &exact);
	return exact ? actun_node_find(node, tunnel) : NULL;
}

static void actun_route_info_fill(const struct actun_route *route,
				  struct actun_route_info *info)
{
	const struct actun_route_node *node = route->node;

	memset(&info->key, 0, sizeof(info->key));
	info->key.family = node->family;
	info->key.plen = node->plen;
	if (node->family == AF_INET) {
		info->key.prefix4 = cpu_to_be32(node->key[0] >> 32);
	} else {
		put_unaligned_be64(node->key[0], &info->key.prefix6.s6_addr[0]);
		put_unaligned_be64(node->key[1], &info->key.prefix6.s6_addr[8]);
	}
	info->tunnel = route->tunnel;
	info->priority = route->priority;
	info->weight = route->weight;
}

/**
 * actun_route_get - read one route
 * @table: the table
 * @lock: the device lock, which the caller holds
 * @key: the prefix
 * @tunnel: the tunnel
 * @info: filled with the route when there is one
 *
 * Return: 0, or -ENOENT when @key is not routed to @tunnel.
 */
int actun_route_get(struct actun_route_table *table, struct mutex *lock,
		    const struct actun_route_key *key,
		    const struct actun_tunnel *tunnel,
		    struct actun_route_info *info)
{
	struct actun_route *route;

	lockdep_assert_held(lock);
	route = actun_route_find(table, lock, key, tunnel);
	if (!route)
		return -ENOENT;
	actun_route_info_fill(route, info);
	return 0;
}

/**
 * actun_route_del - delete the route of a prefix to a tunnel
 * @table: the table
 * @lock: the device lock, which the caller holds
 * @key: the prefix
 * @tunnel: the tunnel
 * @extack: where to explain a refusal
 *
 * Frees the route, and the trie nodes it alone needed, after an RCU grace
 * period.
 *
 * Return: 0, or -ENOENT when there is no such route.
 */
int actun_route_del(struct actun_route_table *table, struct mutex *lock,
		    const struct actun_route_key *key,
		    struct actun_tunnel *tunnel,
		    struct netlink_ext_ack *extack)
{
	struct actun_route *route;

	lockdep_assert_held(lock);
	route = actun_route_find(table, lock, key, tunnel);
	if (!route) {
		NL_SET_ERR_MSG_MOD(extack, "no such route");
		return -ENOENT;
	}
	actun_route_unlink(table, route, lock);
	return 0;
}

/**
 * actun_route_remove_tunnel - delete every route to a tunnel
 * @table: the table
 * @lock: the device lock, which the caller holds
 * @tunnel: the tunnel, about to be removed from its table
 *
 * Costs O(routes of @tunnel). Frees through RCU; sends no notification.
 */
void actun_route_remove_tunnel(struct actun_route_table *table,
			       struct mutex *lock, struct actun_tunnel *tunnel)
{
	struct actun_route *route, *tmp;

	lockdep_assert_held(lock);
	list_for_each_entry_safe(route, tmp, &tunnel->routes, tunnel_list) {
		actun_route_unlink(table, route, lock);
		cond_resched();
	}
}

/* Free a detached trie, its routes included, in post-order without a stack. */
static void actun_trie_free(struct actun_route_node *node)
{
	struct actun_route_node *child, *parent;
	struct actun_route *route;
	struct hlist_node *tmp;
	int i;

	while (node) {
		for (i = 0; i < 2; i++) {
			child = rcu_dereference_raw(node->child[i]);
			if (child) {
				RCU_INIT_POINTER(node->child[i], NULL);
				break;
			}
		}
		if (child) {
			node = child;
			continue;
		}
		hlist_for_each_entry_safe(route, tmp, &node->routes, node_list) {
			list_del(&route->tunnel_list);
			kmem_cache_free(actun_route_cache, route);
		}
		parent = node->parent;
		kmem_cache_free(actun_route_node_cache, node);
		node = parent;
		cond_resched();
	}
}

/**
 * actun_route_table_flush - delete every route
 * @table: the table
 * @lock: the device lock, which the caller holds
 *
 * Unpublishes everything at once, waits for an RCU grace period and frees
 * it (so a million routes cost one grace period, not a million callbacks).
 * Sleeps; the table is empty and usable afterwards.
 */
void actun_route_table_flush(struct actun_route_table *table,
			     struct mutex *lock)
{
	struct actun_route_node *root4, *root6;

	lockdep_assert_held(lock);
	might_sleep();
	root4 = rcu_replace_pointer(table->root4, NULL, lockdep_is_held(lock));
	root6 = rcu_replace_pointer(table->root6, NULL, lockdep_is_held(lock));
	/* Frees its own nodes after a grace period: dumps may be walking it. */
	xa_destroy(&table->by_id);
	table->count = 0;
	if (!root4 && !root6)
		return;
	synchronize_rcu();
	actun_trie_free(root4);
	actun_trie_free(root6);
}

/* The node of the longest prefix that covers @key and has a route. */
static struct actun_route_node *actun_route_lpm(struct actun_route_node *node,
						const u64 *key,
						unsigned int bitlen)
{
	struct actun_route_node *found = NULL;

	while (node && actun_node_covers(node, key)) {
		if (rcu_access_pointer(hlist_first_rcu(&node->routes)))
			found = node;
		if (node->plen == bitlen)
			break;
		node = actun_deref(node->child[actun_key_bit(key, node->plen)]);
	}
	return found;
}

/* Longest prefix match on the inner destination, or source, of @skb. */
static struct actun_route_node *actun_route_match(struct actun_route_table *table,
						  const struct sk_buff *skb,
						  bool source)
{
	const struct in6_addr *addr6;
	const struct iphdr *iph;
	u64 key[2];

	switch (skb->protocol) {
	case htons(ETH_P_IP):
		iph = ip_hdr(skb);
		key[0] = (u64)be32_to_cpu(source ? iph->saddr : iph->daddr) << 32;
		key[1] = 0;
		return actun_route_lpm(actun_deref(table->root4), key, 32);
	case htons(ETH_P_IPV6):
		addr6 = source ? &ipv6_hdr(skb)->saddr : &ipv6_hdr(skb)->daddr;
		key[0] = get_unaligned_be64(&addr6->s6_addr[0]);
		key[1] = get_unaligned_be64(&addr6->s6_addr[8]);
		return actun_route_lpm(actun_deref(table->root6), key, 128);
	default:
		return NULL;
	}
}

/* Effective priority of a route, U64_MAX when its tunnel is down. */
static u64 actun_route_preference(const struct actun_route *route)
{
	switch (READ_ONCE(route->tunnel->state)) {
	case ACTUN_STATE_DOWN:
		return U64_MAX;
	case ACTUN_STATE_DEGRADED:
		return (u64)route->priority + ACTUN_ROUTE_DEGRADED_PENALTY;
	default:
		return route->priority;
	}
}

/**
 * actun_route_select - the tunnel to send a packet through
 * @table: the table
 * @skb: the inner packet: IPv4 or IPv6 by skb->protocol, its network
 *	header set and in the linear area
 * @hash: the flow hash (skb_get_hash())
 *
 * Longest prefix match on the inner destination. Among that prefix's
 * routes whose tunnel is not down, those of the lowest effective priority
 * (a degraded tunnel's routes count ACTUN_ROUTE_DEGRADED_PENALTY more) share
 * the flows by weight: @hash scaled to the sum of their weights picks one,
 * walking them in tunnel id order. A prefix whose tunnels are all down
 * routes nothing (no fallback to a shorter prefix).
 *
 * The caller holds rcu_read_lock_bh() (or rcu_read_lock() in softirq);
 * nothing is allocated or locked.
 *
 * Return: the tunnel, without a reference (valid in the caller's RCU
 * section), or NULL.
 */
struct actun_tunnel *actun_route_select(struct actun_route_table *table,
					struct sk_buff *skb, u32 hash)
{
	struct actun_tunnel *last = NULL;
	struct actun_route_node *node;
	struct actun_route *route;
	u64 best = U64_MAX, total = 0, pick, sum = 0, pref;

	node = actun_route_match(table, skb, false);
	if (!node)
		return NULL;
	hlist_for_each_entry_rcu(route, &node->routes, node_list,
				 rcu_read_lock_bh_held()) {
		pref = actun_route_preference(route);
		if (pref == U64_MAX || pref > best)
			continue;
		if (pref < best) {
			best = pref;
			total = 0;
		}
		total += route->weight;
	}
	if (!total)
		return NULL;
	/* In [0, total): the flow's place among the weights. */
	pick = mul_u64_u32_shr(total, hash, 32);
	hlist_for_each_entry_rcu(route, &node->routes, node_list,
				 rcu_read_lock_bh_held()) {
		if (actun_route_preference(route) != best)
			continue;
		last = route->tunnel;
		sum += route->weight;
		if (pick < sum)
			return last;
	}
	/* The routes or states changed between the two walks. */
	return last;
}

/**
 * actun_route_allows_source - may a tunnel deliver a packet from this source?
 * @table: the table
 * @skb: the decapsulated inner packet, as for actun_route_select()
 * @tunnel: the tunnel it came through
 *
 * WireGuard's allowed-ips rule: true only if the longest prefix covering
 * the inner source has a route to @tunnel, whatever its priority and the
 * tunnel's state. The caller holds rcu_read_lock() or rcu_read_lock_bh().
 *
 * Return: whether the packet may be delivered.
 */
bool actun_route_allows_source(struct actun_route_table *table,
			       struct sk_buff *skb,
			       const struct actun_tunnel *tunnel)
{
	struct actun_route_node *node;
	struct actun_route *route;

	node = actun_route_match(table, skb, true);
	if (!node)
		return false;
	hlist_for_each_entry_rcu(route, &node->routes, node_list,
				 rcu_read_lock_bh_held())
		if (route->tunnel == tunnel)
			return true;
	return false;
}

/**
 * actun_route_walk - call @cb for routes in id order, from *@next_id on
 * @table: the table
 * @next_id: the first id to visit; on return, the id of the route @cb
 *	stopped at, or ULONG_MAX when every route was visited
 * @only: visit the routes of this tunnel only, or all when NULL
 * @cb: called per route under rcu_read_lock(); must not sleep
 * @arg: passed to @cb
 *
 * Resuming at an id keeps a dump correct while routes come and go: each
 * route that exists throughout is visited once.
 *
 * Return: 0, or the nonzero value @cb stopped with.
 */
int actun_route_walk(struct actun_route_table *table, unsigned long *next_id,
		     const struct actun_tunnel *only, actun_route_walk_cb cb,
		     void *arg)
{
	struct actun_route_info info;
	struct actun_route *route;
	unsigned long id = 0;
	int ret = 0;

	rcu_read_lock();
	xa_for_each_start(&table->by_id, id, route, *next_id) {
		if (only && route->tunnel != only)
			continue;
		actun_route_info_fill(route, &info);
		ret = cb(&info, arg);
		if (ret)
			break;
	}
	rcu_read_unlock();
	*next_id = ret ? id : ULONG_MAX;
	return ret;
}

/**
 * actun_route_cache_init - create the slab caches for routes and nodes
 *
 * Return: 0 or -ENOMEM.
 */
int actun_route_cache_init(void)
{
	/* Caches of their own make leaks visible, as for tunnels. */
	actun_route_cache = KMEM_CACHE(actun_route, 0);
	if (!actun_route_cache)
		return -ENOMEM;
	actun_route_node_cache = KMEM_CACHE(actun_route_node, 0);
	if (!actun_route_node_cache) {
		kmem_cache_destroy(actun_route_cache);
		return -ENOMEM;
	}
	return 0;
}

/**
 * actun_route_cache_exit - destroy the caches once every route is freed
 */
void actun_route_cache_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(actun_route_node_cache);
	kmem_cache_destroy(actun_route_cache);
}
