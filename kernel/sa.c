// SPDX-License-Identifier: GPL-2.0
/*
 * ESP security associations: building the crypto transform once per SA,
 * linking SAs to their tunnel and to the namespace's inbound index, the
 * anti-replay window, lifetimes and their expiry notifications.
 *
 * An SA is freed in process context (crypto_free_aead() may sleep) after a
 * grace period, once its tunnel has let go of it and the last packet in
 * crypto has completed.
 */

#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "device.h"
#include "netlink.h"
#include "sa.h"
#include "tunnel.h"

/* SAs one tunnel may hold: about 100 Child SA pairs (the seeds), doubled. */
#define ACTUN_SA_PER_TUNNEL_MAX	512
/* Sequence numbers past which an outbound SA asks for a rekey (90%). */
#define ACTUN_SA_SEQ_SOFT	(U32_MAX / 10 * 9)

static struct workqueue_struct *actun_sa_wq;
/* Its own cache, as tunnels have: /proc/slabinfo counts live SAs. */
static struct kmem_cache *actun_sa_cache;

static const struct rhashtable_params actun_sa_index_params = {
	.key_len		= sizeof(u32),
	.key_offset		= offsetof(struct actun_sa, spi),
	.head_offset		= offsetof(struct actun_sa, in_node),
	.automatic_shrinking	= true,
};

/* ---- transform --------------------------------------------------------- */

/**
 * struct actun_sa_alg - how an (encryption, integrity) pair is built
 * @enc: enum actun_sa_enc
 * @auth: enum actun_sa_auth
 * @name: crypto API name of the AEAD
 * @enc_keylen: encryption key bytes (with the GCM salt)
 * @auth_keylen: integrity key bytes
 * @ivlen: explicit IV bytes
 * @icvlen: ICV bytes
 * @align: ESP payload alignment
 */
struct actun_sa_alg {
	u8 enc;
	u8 auth;
	const char *name;
	u8 enc_keylen;
	u8 auth_keylen;
	u8 ivlen;
	u8 icvlen;
	u8 align;
};

static const struct actun_sa_alg actun_sa_algs[] = {
	{ ACTUN_SA_ENC_GCM_AES_128, ACTUN_SA_AUTH_NONE, "rfc4106(gcm(aes))",
	  20, 0, 8, 16, 4 },
	{ ACTUN_SA_ENC_GCM_AES_256, ACTUN_SA_AUTH_NONE, "rfc4106(gcm(aes))",
	  36, 0, 8, 16, 4 },
	{ ACTUN_SA_ENC_CBC_AES_128, ACTUN_SA_AUTH_HMAC_SHA256,
	  "authenc(hmac(sha256),cbc(aes))", 16, 32, 16, 16, 16 },
	{ ACTUN_SA_ENC_CBC_AES_256, ACTUN_SA_AUTH_HMAC_SHA256,
	  "authenc(hmac(sha256),cbc(aes))", 32, 32, 16, 16, 16 },
	{ ACTUN_SA_ENC_CBC_AES_128, ACTUN_SA_AUTH_HMAC_SHA1,
	  "authenc(hmac(sha1),cbc(aes))", 16, 20, 16, 12, 16 },
	{ ACTUN_SA_ENC_CBC_AES_256, ACTUN_SA_AUTH_HMAC_SHA1,
	  "authenc(hmac(sha1),cbc(aes))", 32, 20, 16, 12, 16 },
	{ ACTUN_SA_ENC_NULL, ACTUN_SA_AUTH_HMAC_SHA256,
	  "authenc(hmac(sha256),ecb(cipher_null))", 0, 32, 0, 16, 4 },
	{ ACTUN_SA_ENC_NULL, ACTUN_SA_AUTH_HMAC_SHA1,
	  "authenc(hmac(sha1),ecb(cipher_null))", 0, 20, 0, 12, 4 },
};

static const struct actun_sa_alg *actun_sa_find_alg(u8 enc, u8 auth)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(actun_sa_algs); i++)
		if (actun_sa_algs[i].enc == enc && actun_sa_algs[i].auth == auth)
			return &actun_sa_algs[i];
	return NULL;
}

/* authenc() takes both keys in one buffer behind an rtattr header. */
static int actun_sa_setkey_authenc(struct crypto_aead *aead,
				   const struct actun_sa_config *cfg)
{
	struct crypto_authenc_key_param *param;
	unsigned int len;
	struct rtattr *rta;
	u8 *key, *p;
	int err;

	len = RTA_SPACE(sizeof(*param)) + cfg->auth_keylen + cfg->enc_keylen;
	key = kmalloc(len, GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	rta = (struct rtattr *)key;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(cfg->enc_keylen);
	p = key + RTA_SPACE(sizeof(*param));
	memcpy(p, cfg->auth_key, cfg->auth_keylen);
	if (cfg->enc_keylen)
		memcpy(p + cfg->auth_keylen, cfg->enc_key, cfg->enc_keylen);
	err = crypto_aead_setkey(aead, key, len);
	kfree_sensitive(key);
	return err;
}

static struct crypto_aead *actun_sa_make_aead(const struct actun_sa_alg *alg,
					      const struct actun_sa_config *cfg,
					      struct netlink_ext_ack *extack)
{
	struct crypto_aead *aead;
	int err;

	aead = crypto_alloc_aead(alg->name, 0, 0);
	if (IS_ERR(aead)) {
		NL_SET_ERR_MSG_MOD(extack, "the kernel has no implementation of this transform");
		return aead;
	}
	err = crypto_aead_setauthsize(aead, alg->icvlen);
	if (!err)
		err = alg->auth == ACTUN_SA_AUTH_NONE ?
		      crypto_aead_setkey(aead, cfg->enc_key, cfg->enc_keylen) :
		      actun_sa_setkey_authenc(aead, cfg);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the crypto API refused the key");
		crypto_free_aead(aead);
		return ERR_PTR(err);
	}
	return aead;
}

/* ---- life cycle -------------------------------------------------------- */

static void actun_sa_free(struct actun_sa *sa)
{
	if (sa->aead)
		crypto_free_aead(sa->aead);
	kfree(sa->replay);
	free_percpu(sa->stats);
	kmem_cache_free(actun_sa_cache, sa);
}

static void actun_sa_free_work(struct work_struct *work)
{
	struct actun_sa *sa = container_of(to_rcu_work(work), struct actun_sa,
					   free_work);

	if (sa->tunnel)
		actun_tunnel_put(sa->tunnel);
	actun_sa_free(sa);
}

/**
 * actun_sa_put - drop a reference
 * @sa: the SA; freed after a grace period, in process context, with the
 *	last one. Any context.
 */
void actun_sa_put(struct actun_sa *sa)
{
	if (refcount_dec_and_test(&sa->refs))
		queue_rcu_work(actun_sa_wq, &sa->free_work);
}

static struct actun_replay *actun_replay_alloc(u32 window)
{
	u32 size = roundup_pow_of_two(max_t(u32, window, BITS_PER_LONG));
	struct actun_replay *r;

	r = kzalloc(struct_size(r, bits, BITS_TO_LONGS(size)), GFP_KERNEL);
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->size = size;
	return r;
}

static void actun_sa_timer_fn(struct timer_list *t);

static void actun_sa_set_alg(struct actun_sa *sa, const struct actun_sa_alg *alg)
{
	sa->enc = alg->enc;
	sa->auth = alg->auth;
	sa->ivlen = alg->ivlen;
	sa->icvlen = alg->icvlen;
	sa->align = alg->align;
}

static void actun_sa_set_lifetimes(struct actun_sa *sa,
				   const struct actun_sa_config *cfg)
{
	sa->hard_bytes = cfg->hard_bytes;
	sa->hard_seconds = cfg->hard_seconds;
	sa->soft_bytes = cfg->soft_bytes ?:
		div_u64(cfg->hard_bytes, 100) * ACTUN_SA_SOFT_PERCENT;
	sa->soft_seconds = cfg->soft_seconds ?:
		div_u64(cfg->hard_seconds * ACTUN_SA_SOFT_PERCENT, 100);
}

/**
 * actun_sa_create - build an SA that is not yet linked to a tunnel
 * @cfg: what it is to be; the netlink layer has checked the values
 * @server_id: the namespace's fleet server id, baked into the IVs of
 *	outbound SAs other than fleet SAs
 * @extack: where to explain a refusal
 *
 * Allocates the crypto transform (which may load crypto modules), so call
 * it before taking any lock.
 *
 * Return: the SA with one reference, or an ERR_PTR.
 */
struct actun_sa *actun_sa_create(const struct actun_sa_config *cfg,
				 u16 server_id, struct netlink_ext_ack *extack)
{
	const struct actun_sa_alg *alg = actun_sa_find_alg(cfg->enc, cfg->auth);
	struct actun_sa *sa;
	int err = -ENOMEM;

	if (WARN_ON_ONCE(!alg))
		return ERR_PTR(-EINVAL);
	sa = kmem_cache_zalloc(actun_sa_cache, GFP_KERNEL);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&sa->tunnel_node);
	INIT_RCU_WORK(&sa->free_work, actun_sa_free_work);
	timer_setup(&sa->timer, actun_sa_timer_fn, 0);
	refcount_set(&sa->refs, 1);
	sa->spi = cfg->spi;
	sa->spi_be = htonl(cfg->spi);
	sa->dir = cfg->dir;
	actun_sa_set_alg(sa, alg);
	sa->fleet = cfg->fleet;
	/* A fleet SA's IVs take the namespace's claim at send time. */
	if (!sa->fleet) {
		sa->server_id = server_id;
		sa->epoch = cfg->has_epoch ? cfg->epoch : get_random_u16();
	}
	sa->encap = cfg->encap;
	sa->sport = cfg->sport;
	sa->dport = cfg->dport;
	sa->replay_window = cfg->replay_window;
	actun_sa_set_lifetimes(sa, cfg);
	sa->added = ktime_get_seconds();
	sa->stats = actun_counters_alloc(ACTUN_SC_MAX, GFP_KERNEL);
	if (!sa->stats)
		goto err;
	if (cfg->replay_window) {
		sa->replay = actun_replay_alloc(cfg->replay_window);
		if (!sa->replay)
			goto err;
	}
	sa->aead = actun_sa_make_aead(alg, cfg, extack);
	if (IS_ERR(sa->aead)) {
		err = PTR_ERR(sa->aead);
		sa->aead = NULL;
		goto err;
	}
	return sa;

err:
	actun_sa_free(sa);
	return ERR_PTR(err);
}

/**
 * actun_sa_destroy_unpublished - free an SA no reader has seen
 * @sa: from actun_sa_create(), never linked
 */
void actun_sa_destroy_unpublished(struct actun_sa *sa)
{
	actun_sa_free(sa);
}

/* ---- the tunnel's SAs and the namespace index -------------------------- */

/**
 * actun_sa_find - an SA of a tunnel by direction and SPI
 * @tunnel: the tunnel; the caller holds the device lock
 * @dir: enum actun_sa_dir
 * @spi: host order
 *
 * Return: the SA or NULL.
 */
struct actun_sa *actun_sa_find(struct actun_tunnel *tunnel, u8 dir, u32 spi)
{
	struct actun_sa *sa;

	list_for_each_entry(sa, &tunnel->sas, tunnel_node)
		if (sa->dir == dir && sa->spi == spi)
			return sa;
	return NULL;
}

/* The newest outbound SA of @tunnel other than @except. */
static struct actun_sa *actun_sa_newest_out(struct actun_tunnel *tunnel,
					    struct actun_sa *except)
{
	struct actun_sa *sa;

	list_for_each_entry_reverse(sa, &tunnel->sas, tunnel_node)
		if (sa->dir == ACTUN_SA_DIR_OUT && sa != except)
			return sa;
	return NULL;
}

static void actun_sa_arm(struct actun_sa *sa)
{
	u64 at = 0;
	time64_t now;

	if (READ_ONCE(sa->expiry) < ACTUN_SA_EXPIRY_SOFT && sa->soft_seconds)
		at = sa->soft_seconds;
	else if (READ_ONCE(sa->expiry) < ACTUN_SA_EXPIRY_HARD)
		at = sa->hard_seconds;
	if (!at || READ_ONCE(sa->unlinked))
		return;
	now = ktime_get_seconds();
	at += sa->added;
	/* Lifetimes are at most ACTUN_SA_SECONDS_MAX: no overflow here. */
	mod_timer(&sa->timer, jiffies + (at > now ? (at - now) * HZ : 0));
}

static void actun_sa_timer_fn(struct timer_list *t)
{
	struct actun_sa *sa = from_timer(sa, t, timer);
	u64 age = ktime_get_seconds() - sa->added;

	if (sa->hard_seconds && age >= sa->hard_seconds) {
		actun_sa_expire(sa, ACTUN_SA_EXPIRY_HARD);
		return;
	}
	if (sa->soft_seconds && age >= sa->soft_seconds)
		actun_sa_expire(sa, ACTUN_SA_EXPIRY_SOFT);
	actun_sa_arm(sa);
}

/**
 * actun_sa_link - give an SA to its tunnel and, inbound, to the index
 * @index: the namespace's inbound index
 * @tunnel: an ipsec tunnel; the caller holds the device lock
 * @sa: from actun_sa_create(); the tunnel takes over its reference
 * @extack: where to explain a refusal
 *
 * An outbound SA becomes the one the tunnel sends with: the newest wins.
 *
 * Return: 0, -EEXIST for a duplicate SPI, or -ENOSPC.
 */
int actun_sa_link(struct actun_sa_index *index, struct actun_tunnel *tunnel,
		  struct actun_sa *sa, struct netlink_ext_ack *extack)
{
	int err;

	if (tunnel->sa_count >= ACTUN_SA_PER_TUNNEL_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "the tunnel already holds the maximum number of SAs (512)");
		return -ENOSPC;
	}
	if (sa->dir == ACTUN_SA_DIR_OUT &&
	    actun_sa_find(tunnel, ACTUN_SA_DIR_OUT, sa->spi)) {
		NL_SET_ERR_MSG_MOD(extack, "the tunnel already has an outbound SA with this SPI");
		return -EEXIST;
	}
	/* Receive may find an inbound SA as soon as it is in the index. */
	kref_get(&tunnel->refcount);
	sa->tunnel = tunnel;
	if (sa->dir == ACTUN_SA_DIR_IN) {
		mutex_lock(&index->lock);
		err = rhashtable_lookup_insert_fast(&index->table, &sa->in_node,
						    actun_sa_index_params);
		mutex_unlock(&index->lock);
		if (err) {
			if (err == -EEXIST)
				NL_SET_ERR_MSG_MOD(extack, "an inbound SA with this SPI already exists in the network namespace");
			sa->tunnel = NULL;
			actun_tunnel_put(tunnel);
			return err;
		}
	}
	list_add_tail(&sa->tunnel_node, &tunnel->sas);
	tunnel->sa_count++;
	if (sa->dir == ACTUN_SA_DIR_OUT)
		rcu_assign_pointer(tunnel->sa_out, sa);
	actun_sa_arm(sa);
	return 0;
}

/**
 * actun_sa_unlink - take an SA from its tunnel and the index
 * @index: the namespace's inbound index
 * @sa: a linked SA; the caller holds the device lock
 *
 * Packets already in crypto finish with their own references. When the
 * tunnel's sending SA goes, the newest remaining outbound SA takes over.
 */
void actun_sa_unlink(struct actun_sa_index *index, struct actun_sa *sa)
{
	struct actun_tunnel *tunnel = sa->tunnel;

	if (sa->dir == ACTUN_SA_DIR_IN) {
		mutex_lock(&index->lock);
		rhashtable_remove_fast(&index->table, &sa->in_node,
				       actun_sa_index_params);
		mutex_unlock(&index->lock);
	} else if (rcu_access_pointer(tunnel->sa_out) == sa) {
		rcu_assign_pointer(tunnel->sa_out,
				   actun_sa_newest_out(tunnel, sa));
	}
	list_del(&sa->tunnel_node);
	tunnel->sa_count--;
	WRITE_ONCE(sa->unlinked, true);
	del_timer_sync(&sa->timer);
	actun_sa_put(sa);
}

/**
 * actun_sa_unlink_tunnel - unlink every SA of a tunnel
 * @index: the namespace's inbound index
 * @tunnel: the tunnel; the caller holds the device lock
 */
void actun_sa_unlink_tunnel(struct actun_sa_index *index,
			    struct actun_tunnel *tunnel)
{
	struct actun_sa *sa, *next;

	list_for_each_entry_safe(sa, next, &tunnel->sas, tunnel_node)
		actun_sa_unlink(index, sa);
}

/**
 * actun_sa_lookup_in - the inbound SA with @spi in a namespace
 * @index: the namespace's inbound index
 * @spi: host order
 *
 * Return: the SA, valid in the caller's RCU read-side section, or NULL.
 */
struct actun_sa *actun_sa_lookup_in(struct actun_sa_index *index, u32 spi)
{
	return rhashtable_lookup(&index->table, &spi, actun_sa_index_params);
}

/**
 * actun_sa_index_init - an empty inbound index
 * @index: the index
 *
 * Return: 0 or -ENOMEM.
 */
int actun_sa_index_init(struct actun_sa_index *index)
{
	mutex_init(&index->lock);
	return rhashtable_init(&index->table, &actun_sa_index_params);
}

/**
 * actun_sa_index_destroy - free an index every SA has left
 * @index: the index
 */
void actun_sa_index_destroy(struct actun_sa_index *index)
{
	WARN_ON(atomic_read(&index->table.nelems));
	rhashtable_destroy(&index->table);
	mutex_destroy(&index->lock);
}

/* ---- per-packet state -------------------------------------------------- */

/**
 * actun_sa_replay_check - may a packet with @seq be new?
 * @sa: an inbound SA
 * @seq: its sequence number
 *
 * Called before decryption to drop what is surely replayed or too old
 * without paying for it; actun_sa_replay_advance() decides after.
 *
 * Return: true if the packet may be new (or the window is off).
 */
bool actun_sa_replay_check(struct actun_sa *sa, u32 seq)
{
	struct actun_replay *r = sa->replay;
	u32 top;

	if (!r)
		return true;
	top = READ_ONCE(r->top);
	if (!seq)
		return false;
	if (seq > top)
		return true;
	if (top - seq >= sa->replay_window)
		return false;
	return !test_bit(seq % r->size, r->bits);
}

/**
 * actun_sa_replay_advance - record an authenticated packet in the window
 * @sa: an inbound SA
 * @seq: its sequence number
 *
 * Return: true if it is new; false if it is a replay or too old.
 */
bool actun_sa_replay_advance(struct actun_sa *sa, u32 seq)
{
	struct actun_replay *r = sa->replay;
	bool fresh = true;
	u32 diff, i;

	if (!r)
		return true;
	spin_lock_bh(&r->lock);
	if (!seq) {
		fresh = false;
	} else if (seq > r->top) {
		diff = seq - r->top;
		if (diff >= r->size)
			bitmap_zero(r->bits, r->size);
		else
			for (i = 1; i < diff; i++)
				__clear_bit((r->top + i) % r->size, r->bits);
		__set_bit(seq % r->size, r->bits);
		WRITE_ONCE(r->top, seq);
	} else if (r->top - seq >= sa->replay_window) {
		fresh = false;
	} else {
		fresh = !__test_and_set_bit(seq % r->size, r->bits);
	}
	spin_unlock_bh(&r->lock);
	return fresh;
}

/**
 * actun_sa_charge - count @len inner bytes against the byte lifetimes
 * @sa: the SA
 * @len: inner bytes of one packet
 *
 * Return: false once the hard byte lifetime is spent (drop the packet).
 */
bool actun_sa_charge(struct actun_sa *sa, unsigned int len)
{
	u64 bytes = atomic64_add_return(len, &sa->bytes);

	if (sa->hard_bytes && bytes > sa->hard_bytes) {
		actun_sa_expire(sa, ACTUN_SA_EXPIRY_HARD);
		return false;
	}
	if (sa->soft_bytes && bytes > sa->soft_bytes)
		actun_sa_expire(sa, ACTUN_SA_EXPIRY_SOFT);
	if (sa->dir == ACTUN_SA_DIR_OUT &&
	    atomic64_read(&sa->seq) > ACTUN_SA_SEQ_SOFT)
		actun_sa_expire(sa, ACTUN_SA_EXPIRY_SOFT);
	return true;
}

/**
 * actun_sa_expire - move an SA to a later lifetime state and say so
 * @sa: the SA
 * @expiry: enum actun_sa_expiry
 *
 * The first caller to reach a state sends the ACTUN_CMD_SA_EXPIRE
 * notification for it. Any context.
 */
void actun_sa_expire(struct actun_sa *sa, u8 expiry)
{
	int old = READ_ONCE(sa->expiry);

	do {
		if (old >= expiry)
			return;
	} while (!try_cmpxchg(&sa->expiry, &old, expiry));
	actun_nl_sa_expire_notify(sa, expiry);
}

/**
 * actun_sa_init - create the SA cache and the workqueue SAs are freed on
 *
 * Return: 0 or -ENOMEM.
 */
int actun_sa_init(void)
{
	actun_sa_cache = KMEM_CACHE(actun_sa, 0);
	if (!actun_sa_cache)
		return -ENOMEM;
	actun_sa_wq = alloc_workqueue("actun_sa", 0, 0);
	if (!actun_sa_wq) {
		kmem_cache_destroy(actun_sa_cache);
		return -ENOMEM;
	}
	return 0;
}

/**
 * actun_sa_exit - wait for every SA to be freed
 *
 * Every device is gone by now, so every SA is unlinked; the grace periods
 * end, then the frees queued behind them run before the queue is destroyed.
 */
void actun_sa_exit(void)
{
	rcu_barrier();
	destroy_workqueue(actun_sa_wq);
	kmem_cache_destroy(actun_sa_cache);
}
