// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The fleet store over libnats: connection, buckets, and the few
 * compare-and-set operations of server id claims.
 *
 * Errors: libnats reports a failed compare-and-set and an unreachable
 * store both as failures of the call; only the statuses that say the
 * request may not have reached a JetStream leader are -EIO. Anything else
 * is taken as "the key is not as we expected" (-EEXIST, -ESTALE), which is
 * always the safe reading: the caller then claims again with a new epoch.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

#include "store.h"

/* A claim's value: "HOLDER"; a released claim's: RELEASED. */
#define RELEASED	"-"

struct fleet_store {
	const struct fleet_conf *conf;
	natsOptions *opts;
	natsConnection *nc;
	jsCtx *js;
	kvStore *ids;
	kvStore *epochs;
	kvStore *objects;
};

struct store_watch {
	kvWatcher *w;
	kvEntry *last;
};

static int store_errno(natsStatus s)
{
	switch (s) {
	case NATS_OK:
		return 0;
	case NATS_TIMEOUT:
	case NATS_NO_RESPONDERS:
	case NATS_CONNECTION_CLOSED:
	case NATS_CONNECTION_DISCONNECTED:
	case NATS_NOT_YET_CONNECTED:
	case NATS_STALE_CONNECTION:
	case NATS_IO_ERROR:
	case NATS_NO_SERVER:
	case NATS_CONNECTION_AUTH_FAILED:
		return -EIO;
	default:
		return 1;
	}
}

int fleet_store_open(struct fleet_store **stp, const struct fleet_conf *conf,
		     char err[FLEET_ERR_LEN])
{
	const char *urls[FLEET_MAX_SERVERS];
	struct fleet_store *st;
	jsOptions jso;
	natsStatus s;
	int i;

	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, FLEET_ERR_LEN, "out of memory");
		return -1;
	}
	st->conf = conf;
	for (i = 0; i < conf->n_servers; i++)
		urls[i] = conf->servers[i];
	s = natsOptions_Create(&st->opts);
	if (s == NATS_OK)
		s = natsOptions_SetServers(st->opts, urls, conf->n_servers);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(st->opts, conf->timeout_ms);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(st->opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(st->opts, 250);
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(st->opts, true, NULL,
							NULL);
	if (s == NATS_OK)
		s = natsOptions_SetName(st->opts, conf->name);
	if (s == NATS_OK) {
		s = natsConnection_Connect(&st->nc, st->opts);
		if (s == NATS_NOT_YET_CONNECTED)
			s = NATS_OK;
	}
	if (s == NATS_OK) {
		jsOptions_Init(&jso);
		jso.Wait = conf->timeout_ms;
		s = natsConnection_JetStream(&st->js, st->nc, &jso);
	}
	if (s != NATS_OK) {
		snprintf(err, FLEET_ERR_LEN, "store: %s", natsStatus_GetText(s));
		fleet_store_close(st);
		return -1;
	}
	*stp = st;
	return 0;
}

void fleet_store_close(struct fleet_store *st)
{
	if (!st)
		return;
	kvStore_Destroy(st->ids);
	kvStore_Destroy(st->epochs);
	kvStore_Destroy(st->objects);
	jsCtx_Destroy(st->js);
	if (st->nc) {
		natsConnection_Close(st->nc);
		natsConnection_Destroy(st->nc);
	}
	natsOptions_Destroy(st->opts);
	free(st);
}

int fleet_store_connected(const struct fleet_store *st)
{
	return natsConnection_Status(st->nc) == NATS_CONN_STATUS_CONNECTED;
}

const char *fleet_store_node(struct fleet_store *st, char *buf, int len)
{
	if (!fleet_store_connected(st) ||
	    natsConnection_GetConnectedUrl(st->nc, buf, len) != NATS_OK ||
	    !buf[0])
		snprintf(buf, len, "-");
	return buf;
}

/* libnats takes and gives a bucket's TTL in nanoseconds. */
#define NS_PER_MS	1000000

static int bucket_bind(struct fleet_store *st, kvStore **kvp,
		       const char *name, int64_t ttl_ms,
		       char err[FLEET_ERR_LEN])
{
	kvStatus *status = NULL;
	kvConfig cfg;
	natsStatus s;
	int64_t have;

	s = js_KeyValue(kvp, st->js, name);
	if (s == NATS_NOT_FOUND) {
		kvConfig_Init(&cfg);
		cfg.Bucket = name;
		cfg.History = 1;
		cfg.TTL = ttl_ms * NS_PER_MS;
		cfg.Replicas = st->conf->replicas;
		cfg.StorageType = js_FileStorage;
		s = js_CreateKeyValue(kvp, st->js, &cfg);
	}
	if (s != NATS_OK) {
		snprintf(err, FLEET_ERR_LEN, "bucket %s: %s", name,
			 nats_GetLastError(NULL));
		return store_errno(s) < 0 ? -EIO : -EINVAL;
	}
	s = kvStore_Status(&status, *kvp);
	if (s != NATS_OK) {
		snprintf(err, FLEET_ERR_LEN, "bucket %s: %s", name,
			 nats_GetLastError(NULL));
		kvStore_Destroy(*kvp);
		*kvp = NULL;
		return -EIO;
	}
	have = kvStatus_TTL(status) / NS_PER_MS;
	kvStatus_Destroy(status);
	if (have != ttl_ms) {
		snprintf(err, FLEET_ERR_LEN,
			 "bucket %s keeps keys for %" PRId64 " ms, the configuration's lease is %" PRId64 " ms: every edge must use one lease",
			 name, have, ttl_ms);
		kvStore_Destroy(*kvp);
		*kvp = NULL;
		return -EINVAL;
	}
	return 0;
}

int fleet_store_bind(struct fleet_store *st, char err[FLEET_ERR_LEN])
{
	int ret = 0;

	if (!st->ids)
		ret = bucket_bind(st, &st->ids, STORE_BUCKET_IDS,
				  (int64_t)st->conf->lease_s * 1000, err);
	if (!ret && !st->epochs)
		ret = bucket_bind(st, &st->epochs, STORE_BUCKET_EPOCHS, 0, err);
	if (!ret && !st->objects)
		ret = bucket_bind(st, &st->objects, STORE_BUCKET_OBJECTS, 0,
				  err);
	return ret;
}

static void id_key(char *key, size_t len, const char *what, uint16_t id)
{
	snprintf(key, len, "%s.%u", what, id);
}

int store_id_take(struct fleet_store *st, uint16_t id, const char *holder,
		  uint64_t *rev)
{
	kvEntry *e = NULL;
	char key[32];
	natsStatus s;
	int ret;

	id_key(key, sizeof(key), "id", id);
	s = kvStore_CreateString(rev, st->ids, key, holder);
	ret = store_errno(s);
	if (ret <= 0)
		return ret;	/* *rev is ours, or we hold nothing */
	/* Held, or released: a released claim is taken over at its revision. */
	s = kvStore_Get(&e, st->ids, key);
	if (s == NATS_NOT_FOUND)
		return -EEXIST;		/* expired in between: next round */
	ret = store_errno(s);
	if (ret)
		return ret < 0 ? ret : -EEXIST;
	if (kvEntry_ValueLen(e) != (int)strlen(RELEASED) ||
	    memcmp(kvEntry_Value(e), RELEASED, strlen(RELEASED))) {
		kvEntry_Destroy(e);
		return -EEXIST;
	}
	s = kvStore_UpdateString(rev, st->ids, key, holder,
				 kvEntry_Revision(e));
	kvEntry_Destroy(e);
	ret = store_errno(s);
	return ret > 0 ? -EEXIST : ret;
}

int store_id_renew(struct fleet_store *st, uint16_t id, const char *holder,
		   uint64_t *rev)
{
	char key[32];
	int ret;

	uint64_t got;

	/* libnats zeroes the revision it returns on any failure: never let
	 * a timeout cost us the revision our next renewal needs */
	id_key(key, sizeof(key), "id", id);
	ret = store_errno(kvStore_UpdateString(&got, st->ids, key, holder,
					       *rev));
	if (!ret)
		*rev = got;
	return ret > 0 ? -ESTALE : ret;
}

int store_id_release(struct fleet_store *st, uint16_t id, uint64_t rev)
{
	char key[32];
	int ret;

	uint64_t got;

	id_key(key, sizeof(key), "id", id);
	ret = store_errno(kvStore_UpdateString(&got, st->ids, key, RELEASED,
					       rev));
	return ret > 0 ? -ESTALE : ret;
}

/* The epoch stored in @e: a decimal 1..65535. */
static int epoch_value(kvEntry *e, unsigned long *out)
{
	const char *v = kvEntry_Value(e);
	int len = kvEntry_ValueLen(e), i;

	if (len < 1 || len > 5)
		return -1;
	*out = 0;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		*out = *out * 10 + (v[i] - '0');
	}
	return *out > 65535 ? -1 : 0;
}

int store_epoch_next(struct fleet_store *st, uint16_t id, uint16_t *epoch)
{
	unsigned long last;
	uint64_t rev, got;
	kvEntry *e = NULL;
	char key[32], val[8];
	natsStatus s;
	int ret, tries;

	id_key(key, sizeof(key), "epoch", id);
	for (tries = 0; tries < 8; tries++) {
		s = kvStore_Get(&e, st->epochs, key);
		if (s == NATS_NOT_FOUND) {
			/* never written, or deleted: then the update below
			 * fails (-EIO after the tries) and the id is not used
			 * rather than its epochs started over */
			last = 0;
			rev = 0;
		} else if ((ret = store_errno(s))) {
			return ret < 0 ? ret : -EIO;
		} else {
			rev = kvEntry_Revision(e);
			ret = epoch_value(e, &last);
			kvEntry_Destroy(e);
			e = NULL;
			/* A value we cannot read is never rewritten: the id
			 * is given up rather than an epoch risked.
			 */
			if (ret)
				return -ERANGE;
		}
		if (last >= 65535)
			return -ERANGE;
		snprintf(val, sizeof(val), "%lu", last + 1);
		/* rev 0: "expect no message at all"; unlike a create, it
		 * fails over a delete marker, so a deleted epoch.N never
		 * starts the epochs again at 1 */
		s = kvStore_UpdateString(&got, st->epochs, key, val, rev);
		ret = store_errno(s);
		if (ret < 0)
			return ret;
		if (!ret) {
			*epoch = last + 1;
			return 0;
		}
		/* Someone else moved the counter: read it again. */
	}
	return -EIO;
}

int store_obj_put(struct fleet_store *st, const char *key, const void *data,
		  int len)
{
	uint64_t rev;

	return store_errno(kvStore_Put(&rev, st->objects, key, data, len)) ?
	       -EIO : 0;
}

int store_obj_del(struct fleet_store *st, const char *key)
{
	return store_errno(kvStore_Delete(st->objects, key)) ? -EIO : 0;
}

int store_obj_watch(struct fleet_store *st, struct store_watch **wp)
{
	struct store_watch *w = calloc(1, sizeof(*w));
	kvWatchOptions opts;

	if (!w)
		return -EIO;
	kvWatchOptions_Init(&opts);
	opts.Timeout = st->conf->timeout_ms;
	if (kvStore_WatchAll(&w->w, st->objects, &opts) != NATS_OK) {
		free(w);
		return -EIO;
	}
	*wp = w;
	return 0;
}

int store_obj_next(struct store_watch *w, struct store_change *c,
		   int64_t timeout_ms)
{
	kvOperation op;
	natsStatus s;
	kvEntry *e;

	kvEntry_Destroy(w->last);
	w->last = NULL;
	s = kvWatcher_Next(&e, w->w, timeout_ms > 0 ? timeout_ms : 1);
	if (s == NATS_TIMEOUT)
		return 0;
	if (s != NATS_OK)
		return -EIO;
	memset(c, 0, sizeof(*c));
	if (!e)
		return 1;	/* the initial state is complete */
	w->last = e;
	snprintf(c->key, sizeof(c->key), "%s", kvEntry_Key(e));
	c->rev = kvEntry_Revision(e);
	op = kvEntry_Operation(e);
	if (op == kvOp_Put) {
		c->value = kvEntry_Value(e);
		c->len = kvEntry_ValueLen(e);
	}
	return 1;
}

void store_obj_unwatch(struct store_watch *w)
{
	if (!w)
		return;
	kvEntry_Destroy(w->last);
	kvWatcher_Destroy(w->w);
	free(w);
}
