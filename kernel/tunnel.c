// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel table: an xarray by id (RCU reads, ordered for resumable dumps,
 * cyclic allocation) and an rhashtable by name (configuration path). Both
 * grow with the table, so 100k tunnels per device cost no more per lookup
 * than ten.
 */

#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tunnel.h"

static struct kmem_cache *actun_tunnel_cache;

static const struct rhashtable_params actun_name_params = {
	.key_len = ACTUN_TUNNEL_NAMSIZ,
	.key_offset = offsetof(struct actun_tunnel, name),
	.head_offset = offsetof(struct actun_tunnel, name_node),
	.automatic_shrinking = true,
};

/**
 * actun_tunnel_table_init - prepare an empty table
 * @table: the table
 *
 * Return: 0 or -ENOMEM.
 */
int actun_tunnel_table_init(struct actun_tunnel_table *table)
{
	xa_init_flags(&table->by_id, XA_FLAGS_ALLOC1);
	table->next_id = 1;
	table->count = 0;
	return rhashtable_init(&table->by_name, &actun_name_params);
}

/**
 * actun_tunnel_table_flush - remove and release every tunnel
 * @table: the table; the caller holds the device lock
 */
void actun_tunnel_table_flush(struct actun_tunnel_table *table)
{
	struct actun_tunnel *tunnel;
	unsigned long id;

	xa_for_each(&table->by_id, id, tunnel) {
		actun_tunnel_remove(table, tunnel);
		cond_resched();
	}
}

/**
 * actun_tunnel_table_destroy - free an empty table's indexes
 * @table: the table, flushed, with no reader left that could walk by_name
 */
void actun_tunnel_table_destroy(struct actun_tunnel_table *table)
{
	WARN_ON(table->count);
	rhashtable_destroy(&table->by_name);
	xa_destroy(&table->by_id);
}

/**
 * actun_tunnel_alloc - build a tunnel that is not yet in any table
 * @name: its name, at most ACTUN_TUNNEL_NAMSIZ - 1 bytes
 * @mode: enum actun_tunnel_mode
 * @params: its configuration; ownership passes to the tunnel on success
 *	(on failure the caller still owns it)
 *
 * Return: the tunnel with one reference, or NULL.
 */
struct actun_tunnel *actun_tunnel_alloc(const char *name, u8 mode,
					struct actun_tunnel_params *params)
{
	struct actun_tunnel *tunnel;

	tunnel = kmem_cache_zalloc(actun_tunnel_cache, GFP_KERNEL);
	if (!tunnel)
		return NULL;
	tunnel->stats = actun_counters_alloc(ACTUN_TC_MAX, GFP_KERNEL);
	if (!tunnel->stats)
		goto err_free;
	if (dst_cache_init(&tunnel->dst_cache, GFP_KERNEL))
		goto err_stats;
	INIT_HLIST_NODE(&tunnel->rx_node);
	strscpy_pad(tunnel->name, name, sizeof(tunnel->name));
	tunnel->mode = mode;
	tunnel->state = ACTUN_STATE_UP;
	RCU_INIT_POINTER(tunnel->params, params);
	INIT_LIST_HEAD(&tunnel->routes);
	INIT_LIST_HEAD(&tunnel->sas);
	kref_init(&tunnel->refcount);
	return tunnel;

err_stats:
	free_percpu(tunnel->stats);
err_free:
	kmem_cache_free(actun_tunnel_cache, tunnel);
	return NULL;
}

static void actun_tunnel_free(struct actun_tunnel *tunnel)
{
	dst_cache_destroy(&tunnel->dst_cache);
	free_percpu(tunnel->stats);
	kfree(rcu_dereference_raw(tunnel->params));
	kmem_cache_free(actun_tunnel_cache, tunnel);
}

static void actun_tunnel_free_rcu(struct rcu_head *rcu)
{
	actun_tunnel_free(container_of(rcu, struct actun_tunnel, rcu));
}

static void actun_tunnel_release(struct kref *kref)
{
	struct actun_tunnel *tunnel;

	tunnel = container_of(kref, struct actun_tunnel, refcount);
	call_rcu(&tunnel->rcu, actun_tunnel_free_rcu);
}

/**
 * actun_tunnel_put - drop a reference
 * @tunnel: the tunnel; freed after an RCU grace period with the last one
 */
void actun_tunnel_put(struct actun_tunnel *tunnel)
{
	kref_put(&tunnel->refcount, actun_tunnel_release);
}

/**
 * actun_tunnel_free_unpublished - free a tunnel no reader has seen
 * @tunnel: from actun_tunnel_alloc(), never inserted or already unlinked
 *	before any reader could find it
 */
void actun_tunnel_free_unpublished(struct actun_tunnel *tunnel)
{
	actun_tunnel_free(tunnel);
}

static int actun_tunnel_insert_id(struct actun_tunnel_table *table,
				  struct actun_tunnel *tunnel,
				  struct netlink_ext_ack *extack)
{
	int err;

	if (tunnel->id) {
		err = xa_insert(&table->by_id, tunnel->id, tunnel, GFP_KERNEL);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG_MOD(extack, "a tunnel with this id already exists on the device");
			return -EEXIST;
		}
		return err;
	}
	err = xa_alloc_cyclic(&table->by_id, &tunnel->id, tunnel,
			      XA_LIMIT(1, U32_MAX), &table->next_id,
			      GFP_KERNEL);
	return err < 0 ? err : 0;
}

/**
 * actun_tunnel_insert - publish a tunnel in a table
 * @table: the table; the caller holds the device lock
 * @tunnel: from actun_tunnel_alloc(); id 0 asks for an allocated id
 * @extack: where to explain a refusal
 *
 * The table takes over the caller's reference on success.
 *
 * Return: 0, -EEXIST for a duplicate id or name, -ENOSPC when full, or
 * -ENOMEM.
 */
int actun_tunnel_insert(struct actun_tunnel_table *table,
			struct actun_tunnel *tunnel,
			struct netlink_ext_ack *extack)
{
	int err;

	if (table->count >= ACTUN_MAX_TUNNELS) {
		NL_SET_ERR_MSG_MOD(extack, "the device already holds the maximum number of tunnels");
		return -ENOSPC;
	}
	/* By name first: a duplicate name must not consume an id. */
	err = rhashtable_lookup_insert_fast(&table->by_name, &tunnel->name_node,
					    actun_name_params);
	if (err == -EEXIST) {
		NL_SET_ERR_MSG_MOD(extack, "a tunnel with this name already exists on the device");
		return err;
	}
	if (err)
		return err;
	err = actun_tunnel_insert_id(table, tunnel, extack);
	if (err) {
		rhashtable_remove_fast(&table->by_name, &tunnel->name_node,
				       actun_name_params);
		return err;
	}
	table->count++;
	return 0;
}

/**
 * actun_tunnel_remove - unpublish a tunnel and drop the table's reference
 * @table: the table; the caller holds the device lock
 * @tunnel: a tunnel in @table
 */
void actun_tunnel_remove(struct actun_tunnel_table *table,
			 struct actun_tunnel *tunnel)
{
	xa_erase(&table->by_id, tunnel->id);
	rhashtable_remove_fast(&table->by_name, &tunnel->name_node,
			       actun_name_params);
	table->count--;
	actun_tunnel_put(tunnel);
}

/**
 * actun_tunnel_replace_params - switch a tunnel to a new configuration
 * @tunnel: the tunnel
 * @params: the new configuration, owned by the tunnel from now on
 * @lock: the device lock, which the caller holds
 */
void actun_tunnel_replace_params(struct actun_tunnel *tunnel,
				 struct actun_tunnel_params *params,
				 struct mutex *lock)
{
	struct actun_tunnel_params *old;

	old = rcu_replace_pointer(tunnel->params, params, lockdep_is_held(lock));
	kfree_rcu(old, rcu);
}

/**
 * actun_tunnel_find_id - look a tunnel up by id
 * @table: the table
 * @id: the id
 *
 * Return: the tunnel, valid while the caller holds the device lock or
 * rcu_read_lock(); NULL if there is none.
 */
struct actun_tunnel *actun_tunnel_find_id(struct actun_tunnel_table *table,
					  u32 id)
{
	return xa_load(&table->by_id, id);
}

/**
 * actun_tunnel_find_name - look a tunnel up by name
 * @table: the table; the caller holds the device lock
 * @name: NUL-terminated name
 *
 * Return: the tunnel or NULL.
 */
struct actun_tunnel *actun_tunnel_find_name(struct actun_tunnel_table *table,
					    const char *name)
{
	char key[ACTUN_TUNNEL_NAMSIZ];

	/* A longer name must not match the tunnel named by its prefix. */
	if (strscpy_pad(key, name, sizeof(key)) < 0)
		return NULL;
	return rhashtable_lookup_fast(&table->by_name, key, actun_name_params);
}

/**
 * actun_tunnel_cache_init - create the slab cache for tunnels
 *
 * Return: 0 or -ENOMEM.
 */
int actun_tunnel_cache_init(void)
{
	/*
	 * A cache of its own makes leaks visible: kmem_cache_destroy()
	 * complains about objects left over, and /proc/slabinfo counts live
	 * tunnels.
	 */
	actun_tunnel_cache = KMEM_CACHE(actun_tunnel, 0);
	return actun_tunnel_cache ? 0 : -ENOMEM;
}

/**
 * actun_tunnel_cache_exit - destroy the cache once every tunnel is freed
 */
void actun_tunnel_cache_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(actun_tunnel_cache);
}
