/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ESP security associations of ipsec tunnels: their crypto transform,
 * sequence numbers, replay window and lifetimes, the per-namespace index
 * receive finds inbound SAs in, and each tunnel's choice of outbound SA.
 */
#ifndef _ACTUN_SA_H
#define _ACTUN_SA_H

#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/actun.h>

#include "stats.h"

struct actun_tunnel;
struct crypto_aead;
struct net;

/* Inner bytes of an SA's ESP header: SPI and sequence number. */
#define ACTUN_ESP_HLEN		8
/* Largest explicit IV (CBC) and ICV (GCM, HMAC-SHA2-256-128). */
#define ACTUN_ESP_IV_MAX	16
#define ACTUN_ESP_ICV_MAX	16
/* Longest time lifetime: 90 days, far beyond any rekey interval. */
#define ACTUN_SA_SECONDS_MAX	(90 * 24 * 3600)

/**
 * enum actun_sa_counter - per-SA counters, in the order of the
 *	ACTUN_SA_STATS_A_* attributes they are reported as, which skip
 *	ACTUN_SA_STATS_A_PAD
 */
enum actun_sa_counter {
	ACTUN_SC_PACKETS,
	ACTUN_SC_BYTES,
	ACTUN_SC_DROP_AUTH,
	ACTUN_SC_DROP_REPLAY,
	ACTUN_SC_DROP_TRAILER,
	ACTUN_SC_DROP_TRUNCATED,
	ACTUN_SC_DROP_EXPIRED,
	ACTUN_SC_DROP_SEQ_EXHAUSTED,
	ACTUN_SC_DROP_NO_CLAIM,
	ACTUN_SC_MAX
};

/**
 * struct actun_replay - sliding anti-replay window (RFC 4303 3.4.3)
 * @lock: serialises checks that update the window
 * @size: bits in @bits, a power of two no smaller than the window
 * @top: highest sequence number accepted so far
 * @bits: bit (seq % @size) is set when seq, within the window, was seen
 */
struct actun_replay {
	spinlock_t lock; /* see @lock above */
	u32 size;
	u32 top;
	unsigned long bits[];
};

/**
 * struct actun_sa_config - what a request asks an SA to be
 * @spi: the SPI, host order
 * @dir: enum actun_sa_dir
 * @enc: enum actun_sa_enc
 * @auth: enum actun_sa_auth
 * @enc_key: encryption key (with the GCM salt), @enc_keylen bytes
 * @enc_keylen: its length
 * @auth_key: integrity key, @auth_keylen bytes
 * @auth_keylen: its length
 * @encap: ESP in UDP with @sport and @dport
 * @sport: UDP source port, network order
 * @dport: UDP destination port, network order
 * @replay_window: 0 or the window size
 * @epoch: outbound GCM IV epoch
 * @has_epoch: @epoch was given; else a random one is drawn
 * @fleet: a replicated SA (ACTUN_SA_A_FLEET)
 * @soft_bytes: lifetime limits, 0 for none
 * @hard_bytes: see @soft_bytes
 * @soft_seconds: see @soft_bytes
 * @hard_seconds: see @soft_bytes
 */
struct actun_sa_config {
	u32 spi;
	u8 dir;
	u8 enc;
	u8 auth;
	const u8 *enc_key;
	unsigned int enc_keylen;
	const u8 *auth_key;
	unsigned int auth_keylen;
	bool encap;
	__be16 sport;
	__be16 dport;
	u32 replay_window;
	u16 epoch;
	bool has_epoch;
	bool fleet;
	u32 rx_top;
	u64 soft_bytes;
	u64 hard_bytes;
	u64 soft_seconds;
	u64 hard_seconds;
};

/**
 * struct actun_sa - one ESP security association of an ipsec tunnel
 * @in_node: entry in &actun_sa_index.table (inbound SAs)
 * @tunnel_node: entry in &actun_tunnel.sas, under the device lock
 * @tunnel: the tunnel, referenced by the SA
 * @spi: the SPI, host order
 * @spi_be: the SPI as on the wire
 * @dir: enum actun_sa_dir
 * @enc: enum actun_sa_enc
 * @auth: enum actun_sa_auth
 * @ivlen: explicit IV bytes in each packet
 * @icvlen: integrity check value bytes
 * @align: the ESP payload (with pad length and next header) is padded to
 *	a multiple of this
 * @server_id: outbound: the fleet server id in the first 16 bits of IVs
 * @epoch: outbound: the next 16 bits of IVs, new for each installation
 * @fleet: a replicated SA: outbound, it sends only under the namespace's
 *	claim, whose server id and epoch its GCM IVs carry instead of
 *	@server_id and @epoch
 * @encap: ESP in UDP
 * @sport: UDP source port, network order
 * @dport: UDP destination port, network order
 * @aead: the transform, set up once with the SA's keys
 * @seq: outbound: the last sequence number used
 * @replay: inbound: the anti-replay window, or NULL when off
 * @replay_window: its size as configured (0 when off)
 * @rx_top: inbound: the highest sequence number authenticated, window or
 *	not (only a newer packet may move the tunnel's NAT-T port)
 * @soft_bytes: lifetime limits, 0 for none
 * @hard_bytes: see @soft_bytes
 * @soft_seconds: see @soft_bytes
 * @hard_seconds: see @soft_bytes
 * @bytes: inner bytes carried, for the byte lifetimes
 * @added: when the SA was installed (ktime_get_seconds())
 * @expiry: enum actun_sa_expiry, only ever grows
 * @unlinked: set when the SA leaves its tunnel; its timer stops re-arming
 * @timer: fires at the soft and hard time lifetimes
 * @stats: per-cpu enum actun_sa_counter counters
 * @refs: the tunnel's list holds one; packets in crypto hold one each
 * @free_work: frees the SA in process context after a grace period
 */
struct actun_sa {
	struct rhash_head in_node;
	struct list_head tunnel_node;
	struct actun_tunnel *tunnel;
	u32 spi;
	__be32 spi_be;
	u8 dir;
	u8 enc;
	u8 auth;
	u8 ivlen;
	u8 icvlen;
	u8 align;
	u16 server_id;
	u16 epoch;
	bool fleet;
	bool encap;
	__be16 sport;
	__be16 dport;
	struct crypto_aead *aead;
	atomic64_t seq;
	struct actun_replay *replay;
	u32 replay_window;
	u32 rx_top;
	u64 soft_bytes;
	u64 hard_bytes;
	u64 soft_seconds;
	u64 hard_seconds;
	atomic64_t bytes;
	time64_t added;
	int expiry;
	bool unlinked;
	struct timer_list timer;
	struct actun_counters __percpu *stats;
	refcount_t refs;
	struct rcu_work free_work;
};

/**
 * struct actun_sa_index - a namespace's inbound SAs by SPI
 * @table: SPI -> inbound SA, RCU reads
 * @lock: serialises changes; taken inside a device lock
 */
struct actun_sa_index {
	struct rhashtable table;
	struct mutex lock; /* guards @table changes */
};

int actun_sa_index_init(struct actun_sa_index *index);
void actun_sa_index_destroy(struct actun_sa_index *index);
struct actun_sa *actun_sa_lookup_in(struct actun_sa_index *index, u32 spi);

struct actun_sa *actun_sa_create(const struct actun_sa_config *cfg,
				 u16 server_id, struct netlink_ext_ack *extack);
void actun_sa_destroy_unpublished(struct actun_sa *sa);
int actun_sa_link(struct actun_sa_index *index, struct actun_tunnel *tunnel,
		  struct actun_sa *sa, struct netlink_ext_ack *extack);
void actun_sa_unlink(struct actun_sa_index *index, struct actun_sa *sa);
void actun_sa_unlink_tunnel(struct actun_sa_index *index,
			    struct actun_tunnel *tunnel);
struct actun_sa *actun_sa_find(struct actun_tunnel *tunnel, u8 dir, u32 spi);

void actun_sa_put(struct actun_sa *sa);

/**
 * actun_sa_hold - take a reference for a packet in flight
 * @sa: an SA found under RCU
 *
 * Return: false when the SA is already being freed.
 */
static inline bool actun_sa_hold(struct actun_sa *sa)
{
	return refcount_inc_not_zero(&sa->refs);
}

static inline void actun_sa_count(struct actun_sa *sa,
				  enum actun_sa_counter c)
{
	actun_counters_add(sa->stats, c, 1);
}

bool actun_sa_replay_check(struct actun_sa *sa, u32 seq);
bool actun_sa_replay_advance(struct actun_sa *sa, u32 seq);
bool actun_sa_charge(struct actun_sa *sa, unsigned int len);
void actun_sa_expire(struct actun_sa *sa, u8 expiry);

int actun_sa_init(void);
void actun_sa_exit(void);

#endif /* _ACTUN_SA_H */
