/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_TUNNEL_H
#define _ACTUN_TUNNEL_H

#include <linux/bits.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <linux/actun.h>

#include "stats.h"

struct actun_dev;
struct actun_endpoint;
struct actun_sa;

/* Upper bound of tunnels per device; the brief sizes for 100k. */
#define ACTUN_MAX_TUNNELS	BIT(20)

/**
 * struct actun_tunnel_params - mutable configuration of a tunnel
 * @local: outer source, the anycast address
 * @remote: outer destination, the customer router
 * @key: GRE key, valid when @has_key
 * @has_key: a GRE key is configured
 * @ttl: outer TTL, 0 copies the inner one
 * @tos: outer TOS, ACTUN_TOS_INHERIT copies the inner one
 * @mtu: inner MTU
 * @mss: TCP MSS SYNs are clamped to, 0 for the one derived from @mtu
 * @addr_family: AF_INET or AF_INET6 when an interface address is set, else 0
 * @addr_prefixlen: prefix length of the interface address
 * @addr4: IPv4 interface address
 * @addr6: IPv6 interface address
 * @allow_null: ipsec: SAs may use ACTUN_SA_ENC_NULL
 * @rcu: frees a replaced copy after readers are done
 *
 * Readers see one consistent set: a change builds a new copy and swaps the
 * pointer in &actun_tunnel.params.
 */
struct actun_tunnel_params {
	__be32 local;
	__be32 remote;
	u32 key;
	bool has_key;
	u8 ttl;
	u8 tos;
	u32 mtu;
	u16 mss;
	u8 addr_family;
	u8 addr_prefixlen;
	bool allow_null;
	union {
		__be32 addr4;
		struct in6_addr addr6;
	};
	struct rcu_head rcu;
};

/**
 * struct actun_tunnel - one customer tunnel of an actun device
 * @id: unique per device, never 0
 * @mode: enum actun_tunnel_mode, fixed at creation
 * @state: enum actun_tunnel_state
 * @name: unique per device, NUL-padded (it is the hash key)
 * @name_node: entry in &actun_tunnel_table.by_name
 * @params: current configuration, RCU-protected
 * @routes: its prefix routes (route.c), under the device lock
 * @adev: the device holding the tunnel, set when it is inserted
 * @rx_node: entry in &actun_endpoint.tunnels (GRE receive), RCU
 * @rx_match: the GRE key receive matches on, as actun_rx_match() builds
 *	it; written under the endpoint index lock, read locklessly
 * @endpoint: the endpoint @rx_node is on, or NULL; under the index lock
 * @sas: ipsec: every SA of the tunnel, oldest first, under the device lock
 * @sa_count: the length of @sas
 * @sa_out: ipsec: the outbound SA packets are sent with (the newest), RCU
 * @natt_dport: ipsec: the UDP port the remote last sent authenticated ESP
 *	in UDP from, network order, 0 before any; outbound SAs with UDP
 *	encapsulation send to it (NAT mappings change)
 * @stats: per-cpu enum actun_tunnel_counter counters
 * @dst_cache: per-cpu cache of the route to the remote
 * @refcount: the table holds one reference; a reader that must keep the
 *	tunnel past its RCU section takes one with kref_get_unless_zero()
 * @rcu: defers the free until readers are done
 */
struct actun_tunnel {
	u32 id;
	u8 mode;
	u8 state;
	char name[ACTUN_TUNNEL_NAMSIZ];
	struct rhash_head name_node;
	struct actun_tunnel_params __rcu *params;
	struct list_head routes;
	struct actun_dev *adev;
	struct hlist_node rx_node;
	u64 rx_match;
	struct actun_endpoint *endpoint;
	struct list_head sas;
	unsigned int sa_count;
	struct actun_sa __rcu *sa_out;
	__be16 natt_dport;
	struct actun_counters __percpu *stats;
	struct dst_cache dst_cache;
	struct kref refcount;
	struct rcu_head rcu;
};

/**
 * struct actun_tunnel_table - the tunnels of one device
 * @by_id: id -> tunnel, RCU reads, ordered (dumps resume by id)
 * @by_name: name -> tunnel; used by the configuration path under the
 *	device lock only
 * @next_id: where cyclic id allocation resumes
 * @count: number of tunnels
 */
struct actun_tunnel_table {
	struct xarray by_id;
	struct rhashtable by_name;
	u32 next_id;
	unsigned int count;
};

/**
 * actun_tunnel_keyed_mtu - the inner MTU once a GRE key has taken its share
 * @p: a tunnel's parameters
 *
 * The configured MTU assumes the 4-byte GRE base header; a key adds 4 more
 * bytes outside, which come off what the inner packet may use.
 *
 * Return: the MTU, less 4 with a key.
 */
static inline u32 actun_tunnel_keyed_mtu(const struct actun_tunnel_params *p)
{
	return p->has_key ? p->mtu - 4 : p->mtu;
}

int actun_tunnel_table_init(struct actun_tunnel_table *table);
void actun_tunnel_table_flush(struct actun_tunnel_table *table);
void actun_tunnel_table_destroy(struct actun_tunnel_table *table);

struct actun_tunnel *actun_tunnel_alloc(const char *name, u8 mode,
					struct actun_tunnel_params *params);
void actun_tunnel_free_unpublished(struct actun_tunnel *tunnel);
int actun_tunnel_insert(struct actun_tunnel_table *table,
			struct actun_tunnel *tunnel,
			struct netlink_ext_ack *extack);
void actun_tunnel_remove(struct actun_tunnel_table *table,
			 struct actun_tunnel *tunnel);
void actun_tunnel_replace_params(struct actun_tunnel *tunnel,
				 struct actun_tunnel_params *params,
				 struct mutex *lock);

struct actun_tunnel *actun_tunnel_find_id(struct actun_tunnel_table *table,
					  u32 id);
struct actun_tunnel *actun_tunnel_find_name(struct actun_tunnel_table *table,
					    const char *name);

void actun_tunnel_put(struct actun_tunnel *tunnel);

int actun_tunnel_cache_init(void);
void actun_tunnel_cache_exit(void);

#endif /* _ACTUN_TUNNEL_H */
