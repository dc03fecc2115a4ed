/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The fleet store: a NATS JetStream cluster and the key-value buckets the
 * fleet keeps in it. This file is the only one that speaks libnats; the
 * rest of the fleet code sees errno-style results:
 *
 *	-EIO	the store did not answer (no connection, no quorum, timeout):
 *		try again later; nothing is known about the outcome
 *	-EEXIST	a create found the key held
 *	-ESTALE	a compare-and-set found another revision than ours
 */
#ifndef ACTUN_FLEET_STORE_H
#define ACTUN_FLEET_STORE_H

#include <stdint.h>

#include "fleet_conf.h"

/* Claims of server ids, "id.N"; the bucket's TTL is the lease. */
#define STORE_BUCKET_IDS	"actun-ids"
/* The last epoch handed out per server id, "epoch.N"; never expires. */
#define STORE_BUCKET_EPOCHS	"actun-epochs"
/* Replicated objects (SAs, routes), sealed; see record.h for the keys. */
#define STORE_BUCKET_OBJECTS	"actun-objects"

struct fleet_store;

/**
 * fleet_store_open() - connect to the store's nodes
 * @stp: the store, on success
 * @conf: servers, timeouts (kept by reference: it must outlive the store)
 * @err: why not
 *
 * The connection retries on its own, forever, in the background: open
 * succeeds while no node is reachable yet, and fleet_store_bind() fails
 * with -EIO until one is.
 *
 * Return: 0 or -1 with @err set.
 */
int fleet_store_open(struct fleet_store **stp, const struct fleet_conf *conf,
		     char err[FLEET_ERR_LEN]);

/* Close the connection and free the store. */
void fleet_store_close(struct fleet_store *st);

/**
 * fleet_store_bind() - find or create the fleet's buckets
 * @st: the store
 * @err: why not
 *
 * Creates missing buckets with conf->replicas replicas. An existing claims
 * bucket whose TTL is not conf->lease_s is an error: every edge must count
 * the lease alike.
 *
 * Return: 0, -EIO (try again), or -EINVAL with @err set.
 */
int fleet_store_bind(struct fleet_store *st, char err[FLEET_ERR_LEN]);

/* 1 when connected to a node, else 0. */
int fleet_store_connected(const struct fleet_store *st);

/* The URL of the node connected to, or "-". */
const char *fleet_store_node(struct fleet_store *st, char *buf, int len);

/**
 * store_id_take() - claim server id @id for @holder
 * @st: the store
 * @id: the server id
 * @holder: the value to store: who holds it
 * @rev: the claim's revision, on success
 *
 * Succeeds when the key is absent (never claimed, or expired: its lease
 * ran out) or was released (store_id_release()).
 *
 * Return: 0, -EEXIST (held by someone) or -EIO.
 */
int store_id_take(struct fleet_store *st, uint16_t id, const char *holder,
		  uint64_t *rev);

/**
 * store_id_renew() - keep claim @id alive: rewrite it if still at @rev
 * Return: 0 with *@rev the new revision, -ESTALE (expired or taken) or -EIO.
 */
int store_id_renew(struct fleet_store *st, uint16_t id, const char *holder,
		   uint64_t *rev);

/**
 * store_id_release() - give claim @id back, if still at @rev, so that
 *	another edge may take it before the lease runs out
 * Return: 0, -ESTALE or -EIO.
 */
int store_id_release(struct fleet_store *st, uint16_t id, uint64_t rev);

/**
 * store_epoch_next() - the next epoch of server id @id, never handed out
 *	before (compare-and-set on "epoch.N")
 * @st: the store
 * @id: the server id
 * @epoch: the new epoch, 1..65535
 *
 * Return: 0, -ERANGE (the id's epochs are used up: it must not be used
 * again) or -EIO.
 */
int store_epoch_next(struct fleet_store *st, uint16_t id, uint16_t *epoch);

/**
 * store_obj_put() - write a sealed object record
 * Return: 0 or -EIO.
 */
int store_obj_put(struct fleet_store *st, const char *key, const void *data,
		  int len);

/**
 * store_obj_del() - delete an object record (a delete marker that watchers
 *	see)
 * Return: 0 or -EIO.
 */
int store_obj_del(struct fleet_store *st, const char *key);

/* One change of the objects bucket, as store_obj_next() reports it. */
struct store_change {
	char key[256];
	const void *value;	/* NULL for a delete */
	int len;
	uint64_t rev;
};

struct store_watch;

/**
 * store_obj_watch() - watch every object record: first the current value
 *	of each, then a change with an empty key (the initial state is
 *	complete), then changes as they come
 * Return: 0 or -EIO.
 */
int store_obj_watch(struct fleet_store *st, struct store_watch **wp);

/**
 * store_obj_next() - the next change, waiting up to @timeout_ms
 * @w: the watch
 * @c: the change; valid until the next call
 * Return: 1 with a change, 0 on timeout, -EIO when the watch broke (make
 * a new one: it starts with the whole state again).
 */
int store_obj_next(struct store_watch *w, struct store_change *c,
		   int64_t timeout_ms);

void store_obj_unwatch(struct store_watch *w);

#endif
