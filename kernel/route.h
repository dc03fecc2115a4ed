/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prefix routes: inner destination -> tunnel, longest prefix match, then
 * the lowest priority, then a weighted flow hash among equals (ECMP). The
 * same table checks the inner source of received packets.
 */
#ifndef _ACTUN_ROUTE_H
#define _ACTUN_ROUTE_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct actun_tunnel;
struct actun_route_node;

/* Upper bound of routes per device; the brief sizes for 1M. */
#define ACTUN_MAX_ROUTES	(4U << 20)

/**
 * struct actun_route_table - the prefix routes of one device
 * @root4: IPv4 trie, RCU-protected
 * @root6: IPv6 trie, RCU-protected
 * @by_id: every route by an internal id in allocation order, so dumps of a
 *	million routes resume by id as tunnel dumps do
 * @next_id: where cyclic id allocation resumes
 * @count: number of routes
 *
 * Writers hold the device lock; readers hold rcu_read_lock() (or _bh).
 */
struct actun_route_table {
	struct actun_route_node __rcu *root4;
	struct actun_route_node __rcu *root6;
	struct xarray by_id;
	u32 next_id;
	unsigned int count;
};

/**
 * struct actun_route_key - what identifies a route
 * @family: AF_INET or AF_INET6
 * @plen: prefix length
 * @prefix4: the prefix (AF_INET), host bits zero, network byte order
 * @prefix6: the prefix (AF_INET6), host bits zero
 */
struct actun_route_key {
	u8 family;
	u8 plen;
	union {
		__be32 prefix4;
		struct in6_addr prefix6;
	};
};

/**
 * struct actun_route_info - one route as dumps see it
 * @key: prefix
 * @tunnel: the tunnel it routes to
 * @priority: lower is preferred
 * @weight: ECMP share
 */
struct actun_route_info {
	struct actun_route_key key;
	struct actun_tunnel *tunnel;
	u32 priority;
	u32 weight;
};

int actun_route_key_check(const struct actun_route_key *key,
			  struct netlink_ext_ack *extack);

void actun_route_table_init(struct actun_route_table *table);
void actun_route_table_flush(struct actun_route_table *table,
			     struct mutex *lock);

int actun_route_add(struct actun_route_table *table, struct mutex *lock,
		    const struct actun_route_key *key,
		    struct actun_tunnel *tunnel, u32 priority, u32 weight,
		    struct netlink_ext_ack *extack);
int actun_route_get(struct actun_route_table *table, struct mutex *lock,
		    const struct actun_route_key *key,
		    const struct actun_tunnel *tunnel,
		    struct actun_route_info *info);
int actun_route_del(struct actun_route_table *table, struct mutex *lock,
		    const struct actun_route_key *key,
		    struct actun_tunnel *tunnel,
		    struct netlink_ext_ack *extack);
void actun_route_remove_tunnel(struct actun_route_table *table,
			       struct mutex *lock, struct actun_tunnel *tunnel);

struct actun_tunnel *actun_route_select(struct actun_route_table *table,
					struct sk_buff *skb, u32 hash);
bool actun_route_allows_source(struct actun_route_table *table,
			       struct sk_buff *skb,
			       const struct actun_tunnel *tunnel);

/**
 * typedef actun_route_walk_cb - called per route by actun_route_walk()
 * @info: the route
 * @arg: the caller's argument
 *
 * Return: 0 to go on, nonzero to stop (the walk returns it).
 */
typedef int (*actun_route_walk_cb)(const struct actun_route_info *info,
				   void *arg);

int actun_route_walk(struct actun_route_table *table, unsigned long *next_id,
		     const struct actun_tunnel *only, actun_route_walk_cb cb,
		     void *arg);

int actun_route_cache_init(void);
void actun_route_cache_exit(void);

#endif /* _ACTUN_ROUTE_H */
