/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GRE receive index, per network namespace: (local, remote) -> the GRE
 * tunnels of every actun device of the namespace with those endpoints.
 *
 * actun owns all GRE between a pair it has a tunnel for: such packets are
 * decapsulated or dropped and counted by actun, malformed ones included.
 * GRE between any other pair is left to the rest of the stack (ip_gre).
 */
#ifndef _ACTUN_ENDPOINT_H
#define _ACTUN_ENDPOINT_H

#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rhashtable-types.h>

struct actun_tunnel;
struct actun_tunnel_params;

/**
 * struct actun_endpoint_key - the outer addresses of a GRE packet
 * @local: its destination, a local (anycast) address
 * @remote: its source, the customer router
 */
struct actun_endpoint_key {
	__be32 local;
	__be32 remote;
};

/**
 * struct actun_endpoint - the GRE tunnels between one pair of addresses
 * @node: entry in &actun_endpoints.table
 * @key: the pair
 * @tunnels: &actun_tunnel.rx_node list, RCU; at most one per GRE key and
 *	one without a key
 * @rcu: frees the endpoint after readers are done
 */
struct actun_endpoint {
	struct rhash_head node;
	struct actun_endpoint_key key;
	struct hlist_head tunnels;
	struct rcu_head rcu;
};

/**
 * struct actun_endpoints - a namespace's GRE receive index
 * @table: pair -> endpoint
 * @lock: serialises changes; taken inside a device lock
 */
struct actun_endpoints {
	struct rhashtable table;
	struct mutex lock; /* guards @table changes and the tunnel lists */
};

int actun_endpoints_init(struct actun_endpoints *eps);
void actun_endpoints_destroy(struct actun_endpoints *eps);

int actun_endpoint_bind(struct actun_endpoints *eps,
			struct actun_tunnel *tunnel,
			const struct actun_tunnel_params *params,
			struct netlink_ext_ack *extack);
void actun_endpoint_unbind(struct actun_endpoints *eps,
			   struct actun_tunnel *tunnel);

struct actun_endpoint *actun_endpoint_lookup(struct actun_endpoints *eps,
					     __be32 local, __be32 remote);
struct actun_tunnel *actun_endpoint_match(struct actun_endpoint *ep,
					  bool has_key, u32 key);

#endif /* _ACTUN_ENDPOINT_H */
