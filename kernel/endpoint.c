// SPDX-License-Identifier: GPL-2.0
/*
 * The per-namespace GRE receive index. Receive looks up the pair under RCU,
 * then walks the few tunnels of the pair for the one whose key matches.
 */

#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "endpoint.h"
#include "netlink.h"
#include "tunnel.h"

static const struct rhashtable_params actun_endpoint_params = {
	.key_len = sizeof(struct actun_endpoint_key),
	.key_offset = offsetof(struct actun_endpoint, key),
	.head_offset = offsetof(struct actun_endpoint, node),
	.automatic_shrinking = true,
};

/**
 * actun_endpoints_init - prepare an empty index
 * @eps: the index
 *
 * Return: 0 or -ENOMEM.
 */
int actun_endpoints_init(struct actun_endpoints *eps)
{
	mutex_init(&eps->lock);
	return rhashtable_init(&eps->table, &actun_endpoint_params);
}

/**
 * actun_endpoints_destroy - free an index every tunnel has left
 * @eps: the index
 */
void actun_endpoints_destroy(struct actun_endpoints *eps)
{
	rhashtable_destroy(&eps->table);
	mutex_destroy(&eps->lock);
}

/**
 * actun_endpoint_lookup - the endpoint of a pair, under RCU
 * @eps: the index
 * @local: outer destination of a received packet
 * @remote: its outer source
 *
 * Return: the endpoint, or NULL when actun has no tunnel for the pair.
 */
struct actun_endpoint *actun_endpoint_lookup(struct actun_endpoints *eps,
					     __be32 local, __be32 remote)
{
	struct actun_endpoint_key key = { .local = local, .remote = remote };

	return rhashtable_lookup(&eps->table, &key, actun_endpoint_params);
}

/*
 * A tunnel's key and whether it has one, in one word, so that receive reads
 * both at once while a change rebinds the tunnel.
 */
static u64 actun_rx_match(bool has_key, u32 key)
{
	return has_key ? BIT_ULL(32) | key : 0;
}

/**
 * actun_endpoint_match - the tunnel of an endpoint a GRE key selects
 * @ep: from actun_endpoint_lookup(), under RCU
 * @has_key: the packet carries a key
 * @key: the key
 *
 * Return: the tunnel (valid in the caller's RCU section) or NULL.
 */
struct actun_tunnel *actun_endpoint_match(struct actun_endpoint *ep,
					  bool has_key, u32 key)
{
	u64 match = actun_rx_match(has_key, key);
	struct actun_tunnel *tunnel;

	hlist_for_each_entry_rcu(tunnel, &ep->tunnels, rx_node)
		if (READ_ONCE(tunnel->rx_match) == match)
			return tunnel;
	return NULL;
}

static struct actun_endpoint *actun_endpoint_find(struct actun_endpoints *eps,
						  const struct actun_tunnel_params *p)
{
	struct actun_endpoint_key key = { .local = p->local, .remote = p->remote };

	return rhashtable_lookup_fast(&eps->table, &key, actun_endpoint_params);
}

/*
 * actun_endpoint_check - would @params clash with another GRE tunnel?
 * @eps: the index; the caller holds eps->lock
 * @tunnel: the tunnel being created or changed (not a clash with itself)
 * @params: its prospective configuration
 * @extack: where to explain a clash
 *
 * Two GRE tunnels with the same local, remote and key (or both without a
 * key) could not be told apart on receive.
 *
 * Return: 0 or -EEXIST.
 */
static int actun_endpoint_check(struct actun_endpoints *eps,
				const struct actun_tunnel *tunnel,
				const struct actun_tunnel_params *params,
				struct netlink_ext_ack *extack)
{
	u64 match = actun_rx_match(params->has_key, params->key);
	struct actun_endpoint *ep;
	struct actun_tunnel *other;

	lockdep_assert_held(&eps->lock);
	ep = actun_endpoint_find(eps, params);
	if (!ep)
		return 0;
	hlist_for_each_entry(other, &ep->tunnels, rx_node) {
		if (other != tunnel && other->rx_match == match) {
			NL_SET_ERR_MSG_MOD(extack, "another gre tunnel in this network namespace has the same local, remote and key");
			return -EEXIST;
		}
	}
	return 0;
}

static struct actun_endpoint *actun_endpoint_get(struct actun_endpoints *eps,
						 const struct actun_tunnel_params *p)
{
	struct actun_endpoint *ep, *old;

	ep = actun_endpoint_find(eps, p);
	if (ep)
		return ep;
	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return ERR_PTR(-ENOMEM);
	ep->key.local = p->local;
	ep->key.remote = p->remote;
	INIT_HLIST_HEAD(&ep->tunnels);
	old = rhashtable_lookup_get_insert_fast(&eps->table, &ep->node,
						actun_endpoint_params);
	if (IS_ERR_OR_NULL(old)) {
		if (IS_ERR(old)) {
			kfree(ep);
			return ERR_CAST(old);
		}
		return ep;
	}
	/* Cannot happen under eps->lock; keep the one already published. */
	kfree(ep);
	return old;
}

static void actun_endpoint_put(struct actun_endpoints *eps,
			       struct actun_endpoint *ep)
{
	if (!hlist_empty(&ep->tunnels))
		return;
	rhashtable_remove_fast(&eps->table, &ep->node, actun_endpoint_params);
	kfree_rcu(ep, rcu);
}

/**
 * actun_endpoint_bind - make a GRE tunnel receive for its endpoints
 * @eps: the namespace's index
 * @tunnel: the tunnel; not bound, or bound to other endpoints (then it moves)
 * @params: the configuration it receives with
 * @extack: where to explain a refusal
 *
 * Return: 0, -EEXIST on a clash, -ENOMEM.
 */
int actun_endpoint_bind(struct actun_endpoints *eps,
			struct actun_tunnel *tunnel,
			const struct actun_tunnel_params *params,
			struct netlink_ext_ack *extack)
{
	struct actun_endpoint *ep;
	int err;

	mutex_lock(&eps->lock);
	err = actun_endpoint_check(eps, tunnel, params, extack);
	if (err)
		goto out;
	ep = actun_endpoint_get(eps, params);
	if (IS_ERR(ep)) {
		err = PTR_ERR(ep);
		goto out;
	}
	WRITE_ONCE(tunnel->rx_match,
		   actun_rx_match(params->has_key, params->key));
	if (tunnel->endpoint != ep) {
		if (tunnel->endpoint) {
			hlist_del_rcu(&tunnel->rx_node);
			actun_endpoint_put(eps, tunnel->endpoint);
			/* Readers of the old list must not follow us over. */
			synchronize_net();
		}
		hlist_add_head_rcu(&tunnel->rx_node, &ep->tunnels);
		tunnel->endpoint = ep;
	}
out:
	mutex_unlock(&eps->lock);
	return err;
}

/**
 * actun_endpoint_unbind - stop a tunnel receiving
 * @eps: the namespace's index
 * @tunnel: the tunnel; nothing happens if it is not bound
 *
 * Readers may still see the tunnel until a grace period has passed.
 */
void actun_endpoint_unbind(struct actun_endpoints *eps,
			   struct actun_tunnel *tunnel)
{
	mutex_lock(&eps->lock);
	if (tunnel->endpoint) {
		hlist_del_init_rcu(&tunnel->rx_node);
		actun_endpoint_put(eps, tunnel->endpoint);
		tunnel->endpoint = NULL;
	}
	mutex_unlock(&eps->lock);
}
