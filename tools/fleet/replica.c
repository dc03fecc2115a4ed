// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The replica's thread (replica.h). It alone installs records into actun,
 * through its own netlink socket; the main thread only tells it, under
 * the lock, what acikd published and when the epoch changed.
 */
#include <endian.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <openssl/crypto.h>

#include <actun.h>

#include "fleet_conf.h"
#include "log.h"
#include "replica.h"
#include "store.h"

/* A resync leaves SAs younger than this alone (see resync_sa()). */
#define RESYNC_GRACE_S	30

const char *const replica_refusal_names[REPLICA_N_REFUSALS] = {
	[REFUSED_SEAL] = "refused_seal",
	[REFUSED_CONTENT] = "refused_content",
	[REFUSED_DEVICE] = "refused_device",
	[REFUSED_ACTUN] = "refused_actun",
	[SKIPPED_EXPIRED] = "skipped_expired",
	[SKIPPED_REUSE] = "skipped_reuse",
};

static void count(struct replica *r, enum replica_refusal why,
		  const char *key, const char *text)
{
	pthread_mutex_lock(&r->lock);
	r->refused[why]++;
	pthread_mutex_unlock(&r->lock);
	fleet_log(why == SKIPPED_EXPIRED ? LOG_INFO : LOG_WARN, "%s %s: %s",
		  replica_refusal_names[why], key, text);
}

/* Remaining lifetime: rewrite the nest's soft and hard seconds in place,
 * counted from the record's creation. 0, or -1 when it expired.
 */
static int lifetimes_left(uint8_t *nest, size_t len, int64_t age_s)
{
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];
	uint64_t hard = 0, soft, left;

	if (age_s < 0)
		age_s = 0;
	(void)len;	/* record_parse() checked the nest's length */
	if (nla_parse_nested(tb, ACTUN_SA_A_MAX, (struct nlattr *)nest, NULL))
		return -1;
	if (tb[ACTUN_SA_A_HARD_SECONDS]) {
		hard = nla_get_u64(tb[ACTUN_SA_A_HARD_SECONDS]);
		if (hard && (uint64_t)age_s >= hard)
			return -1;
		if (hard) {
			left = hard - age_s;
			memcpy(nla_data(tb[ACTUN_SA_A_HARD_SECONDS]), &left,
			       sizeof(left));
		}
	}
	if (tb[ACTUN_SA_A_SOFT_SECONDS] && nla_len(tb[ACTUN_SA_A_SOFT_SECONDS]) == 8) {
		soft = nla_get_u64(tb[ACTUN_SA_A_SOFT_SECONDS]);
		left = soft > (uint64_t)age_s ? soft - age_s : 1;
		if (hard && left >= hard - age_s)
			left = hard - age_s > 1 ? hard - age_s - 1 : 0;
		if (soft && left)
			memcpy(nla_data(tb[ACTUN_SA_A_SOFT_SECONDS]), &left,
			       sizeof(left));
	}
	return 0;
}

/* Requests carry keys: wiped before they are freed. */
static void msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	OPENSSL_cleanse(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

/* SA_NEW or ROUTE_NEW with the record's nest as it is. */
static int actun_add_raw(struct actun_sock *sock, uint8_t kind,
			 uint32_t ifindex, const uint8_t *nest, size_t len,
			 struct actun_error *err)
{
	struct nl_msg *msg;
	int ret;

	msg = actun_msg_new(sock, kind == FLEET_OBJ_SA ? ACTUN_CMD_SA_NEW :
					    ACTUN_CMD_ROUTE_NEW, NLM_F_ACK);
	if (!msg)
		return actun_error_set(err, ENOMEM, "out of memory");
	if (nla_put_u32(msg, ACTUN_A_IFINDEX, ifindex) < 0 ||
	    nlmsg_append(msg, (void *)nest, len, NLA_ALIGNTO) < 0) {
		msg_free(msg);
		return actun_error_set(err, EMSGSIZE, "record too large");
	}
	ret = actun_request(sock, msg, NULL, NULL, err);
	msg_free(msg);
	return ret;
}

/* The identity of an SA record, for a get or a delete. */
static void sa_ident(struct actun_sa *sa, const char *tunnel, uint8_t dir,
		     uint32_t spi)
{
	actun_sa_init(sa);
	snprintf(sa->tunnel_name, sizeof(sa->tunnel_name), "%s", tunnel);
	actun_sa_mark(sa, ACTUN_SA_A_TUNNEL_NAME);
	sa->dir = dir;
	actun_sa_mark(sa, ACTUN_SA_A_DIR);
	sa->spi = spi;
	actun_sa_mark(sa, ACTUN_SA_A_SPI);
}

static bool sa_present(struct replica *r, uint32_t ifindex,
		       const struct record *rec)
{
	struct actun_error err;
	struct actun_sa sa, got;
	int ret;

	sa_ident(&sa, rec->tunnel, rec->sa_dir, rec->sa_spi);
	ret = actun_sa_get(r->sock, ifindex, &sa, &got, &err);
	return ret != -ENOENT;
}

static void apply_put(struct replica *r, const struct store_change *c)
{
	char aad[RECORD_KEY_LEN + 32];
	struct actun_error err;
	struct record rec;
	const char *why = NULL;
	uint32_t ifindex;
	uint8_t *plain;
	bool out, held;
	int n, ret;

	plain = malloc(c->len > 0 ? c->len : 1);
	if (!plain)
		return;
	record_aad(aad, sizeof(aad), c->key);
	n = unseal(r->key, aad, c->value, c->len, plain);
	if (n < 0) {
		count(r, REFUSED_SEAL, c->key,
		      "does not open with the fleet key (another key, altered or truncated)");
		goto out;
	}
	if (record_open(plain, n, c->key, &rec, &why)) {
		count(r, REFUSED_CONTENT, c->key, why);
		goto out;
	}
	ifindex = if_nametoindex(rec.dev);
	if (!ifindex) {
		count(r, REFUSED_DEVICE, c->key, "no such device on this edge");
		goto out;
	}
	out = rec.kind == FLEET_OBJ_SA && rec.sa_dir == ACTUN_SA_DIR_OUT;
	if (rec.kind == FLEET_OBJ_SA &&
	    lifetimes_left((uint8_t *)rec.nest, rec.nest_len,
			   (record_now_ms() - (int64_t)rec.created_ms) / 1000)) {
		count(r, SKIPPED_EXPIRED, c->key, "its hard lifetime has passed");
		goto out;
	}
	/* under the lock: an epoch change (replica_epoch_begin/end) never
	 * sees half of an install */
	pthread_mutex_lock(&r->lock);
	strset_add(&r->live, c->key);
	strset_del(&r->pending, c->key);
	held = out && (r->held_all || strset_has(&r->held, c->key));
	if (held) {
		/* acikd's own, or installed by us: still there or deleted on
		 * purpose; either way not installed (again) in this epoch */
		ret = sa_present(r, ifindex, &rec) ? -EEXIST : -EALREADY;
	} else {
		ret = actun_add_raw(r->sock, rec.kind, ifindex, rec.nest,
				    rec.nest_len, &err);
	}
	if (!ret || ret == -EEXIST) {
		/* in actun now (ours, or acikd's): it may send in this epoch */
		if (out)
			strset_add(&r->held, c->key);
	}
	if (!ret) {
		r->installed++;
		r->lag_ms = record_now_ms() - (int64_t)rec.created_ms;
	}
	pthread_mutex_unlock(&r->lock);
	if (ret == -EALREADY)
		count(r, SKIPPED_REUSE, c->key,
		      "actun held this outbound SA earlier in this epoch");
	if (ret == -EEXIST || ret == -EALREADY)
		goto out;	/* installed here already (by acikd) */
	if (ret) {
		count(r, REFUSED_ACTUN, c->key, err.msg);
		goto out;
	}
	fleet_log(LOG_DEBUG, "installed %s lag_ms %lld", c->key,
		  (long long)(record_now_ms() - (int64_t)rec.created_ms));
out:
	if (c->len > 0)
		OPENSSL_cleanse(plain, c->len);
	free(plain);
}

/* Split a record key "kind.dev.tunnel.a.b[.c]" into its tokens. */
static int key_tokens(char *copy, char *tok[6])
{
	char *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(copy, ".", &save); t && n < 6;
	     t = strtok_r(NULL, ".", &save))
		tok[n++] = t;
	return t ? -1 : n;
}

static int route_ident(struct actun_route_cfg *rt, char *tok[6])
{
	unsigned int i, n, byte;
	uint8_t *p;

	actun_route_cfg_init(rt);
	snprintf(rt->tunnel_name, sizeof(rt->tunnel_name), "%s", tok[2]);
	actun_route_mark(rt, ACTUN_ROUTE_A_TUNNEL_NAME);
	rt->family = !strcmp(tok[3], "4") ? AF_INET : AF_INET6;
	n = rt->family == AF_INET ? 4 : 16;
	if (strlen(tok[4]) != 2 * n)
		return -1;
	p = rt->family == AF_INET ? (uint8_t *)&rt->prefix4 :
				    (uint8_t *)&rt->prefix6;
	for (i = 0; i < n; i++) {
		if (sscanf(tok[4] + 2 * i, "%2x", &byte) != 1)
			return -1;
		p[i] = byte;
	}
	rt->prefixlen = atoi(tok[5]);
	actun_route_mark(rt, ACTUN_ROUTE_A_FAMILY);
	actun_route_mark(rt, ACTUN_ROUTE_A_PREFIX);
	actun_route_mark(rt, ACTUN_ROUTE_A_PREFIXLEN);
	return 0;
}

/* A record was deleted: take the object out of actun (gone already: fine). */
static void apply_del(struct replica *r, const char *key)
{
	char copy[RECORD_KEY_LEN], *tok[6];
	struct actun_route_cfg rt;
	struct actun_error err;
	struct actun_sa sa;
	uint32_t ifindex;
	int n, ret = -EINVAL;

	pthread_mutex_lock(&r->lock);
	strset_del(&r->live, key);
	strset_del(&r->pending, key);
	/* @held keeps the key: an old sealed record put back under its name
	 * must not install the SA again in this epoch */
	pthread_mutex_unlock(&r->lock);
	snprintf(copy, sizeof(copy), "%s", key);
	n = key_tokens(copy, tok);
	if (n < 5)
		return;
	ifindex = if_nametoindex(tok[1]);
	if (!ifindex)
		return;
	if (n == 5 && !strcmp(tok[0], "sa")) {
		sa_ident(&sa, tok[2], !strcmp(tok[3], "in") ? ACTUN_SA_DIR_IN :
			 ACTUN_SA_DIR_OUT, strtoul(tok[4], NULL, 16));
		ret = actun_sa_del(r->sock, ifindex, &sa, &err);
	} else if (n == 6 && !strcmp(tok[0], "route") && !route_ident(&rt, tok)) {
		ret = actun_route_del(r->sock, ifindex, &rt, &err);
	}
	if (!ret) {
		pthread_mutex_lock(&r->lock);
		r->removed++;
		pthread_mutex_unlock(&r->lock);
		fleet_log(LOG_DEBUG, "removed %s", key);
	} else if (ret != -ENOENT) {
		fleet_log(LOG_WARN, "cannot remove %s: %s", key,
			  ret == -EINVAL ? "bad key" : err.msg);
	}
}

struct devs {
	uint32_t ifindex[64];
	int n;
};

static int dev_of_tunnel(const struct actun_tunnel_cfg *t, void *arg)
{
	struct devs *d = arg;
	int i;

	for (i = 0; i < d->n; i++)
		if (d->ifindex[i] == t->ifindex)
			return 0;
	if (d->n == (int)(sizeof(d->ifindex) / sizeof(d->ifindex[0])))
		return -E2BIG;	/* a partial list would fail open */
	d->ifindex[d->n++] = t->ifindex;
	return 0;
}

/* actun's SA dumps are per device: every device that has tunnels. */
static int sa_dump_all(struct actun_sock *sock, actun_sa_cb cb, void *arg,
		       struct actun_error *err)
{
	struct devs d = { .n = 0 };
	int i, ret;

	ret = actun_tunnel_dump(sock, 0, dev_of_tunnel, &d, err);
	for (i = 0; !ret && i < d.n; i++)
		ret = actun_sa_dump(sock, d.ifindex[i], NULL, cb, arg, err);
	return ret;
}

struct resync_ctx {
	struct replica *r;
	char (*stale)[RECORD_KEY_LEN];
	size_t n, cap;
};

static int resync_sa(const struct actun_sa *sa, void *arg)
{
	struct resync_ctx *ctx = arg;
	char dev[IF_NAMESIZE], key[RECORD_KEY_LEN];
	void *grown;

	if (!actun_sa_has(sa, ACTUN_SA_A_FLEET) ||
	    !if_indextoname(sa->ifindex, dev))
		return 0;
	/* acikd installs first and tells the agent afterwards: a young SA
	 * may be on its way to the store */
	if (!actun_sa_has(sa, ACTUN_SA_A_AGE) || sa->age < RESYNC_GRACE_S)
		return 0;
	record_sa_key(key, dev, sa->tunnel_name, sa->dir, sa->spi);
	if (strset_has(&ctx->r->live, key) || strset_has(&ctx->r->pending, key))
		return 0;
	if (ctx->n == ctx->cap) {
		ctx->cap = ctx->cap ? 2 * ctx->cap : 64;
		grown = realloc(ctx->stale, ctx->cap * sizeof(*ctx->stale));
		if (!grown)
			return -ENOMEM;
		ctx->stale = grown;
	}
	memcpy(ctx->stale[ctx->n++], key, RECORD_KEY_LEN);
	return 0;
}

/* The first pass is complete: fleet SAs the bucket does not have go. */
static void resync(struct replica *r)
{
	struct resync_ctx ctx = { .r = r };
	struct actun_error err;
	size_t i;
	int ret;

	pthread_mutex_lock(&r->lock);
	ret = sa_dump_all(r->sock, resync_sa, &ctx, &err);
	pthread_mutex_unlock(&r->lock);
	if (ret && ret != -ENODEV)
		fleet_log(LOG_WARN, "resync: cannot list actun's SAs: %s",
			  err.msg);
	for (i = 0; i < ctx.n; i++) {
		fleet_log(LOG_INFO, "resync: %s is not in the store", ctx.stale[i]);
		apply_del(r, ctx.stale[i]);
	}
	free(ctx.stale);
}

static void watch_pass(struct replica *r, struct store_watch *w)
{
	struct store_change c;
	int ret;

	pthread_mutex_lock(&r->lock);
	strset_clear(&r->live);
	pthread_mutex_unlock(&r->lock);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&r->rewatch, __ATOMIC_ACQUIRE)) {
		ret = store_obj_next(w, &c, 250);
		if (ret < 0)
			return;
		if (!ret)
			continue;
		if (!c.key[0]) {
			resync(r);
			pthread_mutex_lock(&r->lock);
			if (!r->ready)
				fleet_log(LOG_INFO, "ready: %zu records applied",
					  r->live.n);
			r->ready = true;
			pthread_mutex_unlock(&r->lock);
		} else if (c.value) {
			apply_put(r, &c);
		} else {
			apply_del(r, c.key);
		}
	}
}

/* A new epoch may follow a reload of actun, under a new family id. */
static void replica_reopen(struct replica *r)
{
	struct actun_sock *sock;
	struct actun_error err;

	if (actun_sock_open(&sock, &err)) {
		fleet_log(LOG_WARN, "actun: %s", err.msg);
		return;
	}
	actun_sock_close(r->sock);
	r->sock = sock;
}

static void *replica_main(void *arg)
{
	struct replica *r = arg;
	struct store_watch *w;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (store_obj_watch(r->st, &w)) {
			usleep(250 * 1000);
			continue;
		}
		watch_pass(r, w);
		store_obj_unwatch(w);
		if (__atomic_exchange_n(&r->rewatch, false, __ATOMIC_ACQ_REL)) {
			fleet_log(LOG_INFO, "new epoch: every record again");
			replica_reopen(r);
		} else if (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
			fleet_log(LOG_WARN, "store watch broke: watching again");
		}
	}
	return NULL;
}

int replica_start(struct replica *r, const struct fleet_conf *conf,
		  struct fleet_store *st, const struct fleet_key *key)
{
	struct actun_error err;

	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->st = st;
	r->key = key;
	strset_init(&r->held);
	strset_init(&r->live);
	strset_init(&r->pending);
	/* nothing known of the SAs actun holds until the first epoch */
	r->held_all = true;
	pthread_mutex_init(&r->lock, NULL);
	if (actun_sock_open(&r->sock, &err)) {
		fleet_log(LOG_ERR, "%s", err.msg);
		return -1;
	}
	if (pthread_create(&r->thread, NULL, replica_main, r)) {
		fleet_log(LOG_ERR, "cannot start the replica thread");
		actun_sock_close(r->sock);
		r->sock = NULL;
		return -1;
	}
	r->running = true;
	return 0;
}

void replica_stop(struct replica *r)
{
	if (r->running) {
		__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE);
		pthread_join(r->thread, NULL);
		r->running = false;
	}
	if (r->sock)
		actun_sock_close(r->sock);
	r->sock = NULL;
	strset_clear(&r->held);
	strset_clear(&r->live);
	strset_clear(&r->pending);
}

void replica_published(struct replica *r, const char *key, bool outbound_sa)
{
	pthread_mutex_lock(&r->lock);
	strset_add(&r->pending, key);
	if (outbound_sa)
		strset_add(&r->held, key);
	pthread_mutex_unlock(&r->lock);
}

static int held_sa(const struct actun_sa *sa, void *arg)
{
	struct replica *r = arg;
	char dev[IF_NAMESIZE], key[RECORD_KEY_LEN];

	if (sa->dir != ACTUN_SA_DIR_OUT || !actun_sa_has(sa, ACTUN_SA_A_FLEET) ||
	    !if_indextoname(sa->ifindex, dev))
		return 0;
	record_sa_key(key, dev, sa->tunnel_name, sa->dir, sa->spi);
	return strset_add(&r->held, key);
}

/* Add the outbound fleet SAs actun holds now to @held. */
static void hold_present(struct replica *r, struct actun_sock *sock)
{
	struct actun_error err;
	int ret;

	ret = sa_dump_all(sock, held_sa, r, &err);
	if (ret && ret != -ENODEV) {
		r->held_all = true;
		fleet_log(LOG_ERR, "cannot list actun's SAs (%s): no outbound SA "
			  "is installed until the next epoch", err.msg);
	}
}

void replica_epoch_begin(struct replica *r, struct actun_sock *sock)
{
	pthread_mutex_lock(&r->lock);
	strset_clear(&r->held);
	r->held_all = false;
	hold_present(r, sock);
}

void replica_epoch_end(struct replica *r, struct actun_sock *sock)
{
	hold_present(r, sock);
	/* what actun lost (a module reload) may now be installed again;
	 * not ready until that pass and its resync are done */
	r->ready = false;
	__atomic_store_n(&r->rewatch, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&r->lock);
}
