/* SPDX-License-Identifier: GPL-2.0 */
/*
 * actun counters: per-cpu u64 arrays, one slot per counter, so that no
 * packet is ever dropped without a trace and no counter costs a shared
 * cache line. Devices count drops by reason (ethtool -S, and the totals in
 * ip -s link); tunnels count traffic and their own drops (acctl -s).
 */
#ifndef _ACTUN_STATS_H
#define _ACTUN_STATS_H

#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/**
 * enum actun_drop_reason - why the device dropped a packet
 * @ACTUN_DROP_TX_NO_ROUTE: no prefix route covers the inner destination
 * @ACTUN_DROP_TX_BAD_PROTO: not an IPv4 or IPv6 packet
 * @ACTUN_DROP_TX_NO_SA: routed to an ipsec tunnel, which has no outbound SA
 * @ACTUN_DROP_TX_MTU: larger than the tunnel MTU and not fragmentable
 * @ACTUN_DROP_TX_OUTER_ROUTE: no route to the tunnel's remote, or a loop
 * @ACTUN_DROP_TX_NOMEM: no memory for headroom or offload state
 * @ACTUN_DROP_TX_CRYPTO: encryption failed
 * @ACTUN_DROP_TX_NO_CLAIM: the tunnel's outbound SA is a fleet SA and the
 *	namespace holds no valid claim
 * @ACTUN_DROP_RX_NO_TUNNEL: GRE between actun endpoints, no tunnel has its key
 * @ACTUN_DROP_RX_VERSION: GRE version not 0
 * @ACTUN_DROP_RX_FLAGS: routing or unknown GRE flags, or a bad checksum
 * @ACTUN_DROP_RX_TRUNCATED: shorter than its headers
 * @ACTUN_DROP_RX_PROTO: inner protocol neither IPv4 nor IPv6
 * @ACTUN_DROP_RX_SOURCE: inner source not routed to the tunnel
 * @ACTUN_DROP_RX_DEAD: the device is being deleted
 * @ACTUN_DROP_RX_NO_SA: ESP in UDP on the device's socket, no SA has its SPI
 * @ACTUN_DROP_RX_AUTH: ESP integrity check failed
 * @ACTUN_DROP_RX_REPLAY: ESP replayed or older than the replay window
 * @ACTUN_DROP_RX_TRAILER: ESP padding or next header malformed
 * @ACTUN_DROP_RX_EXPIRED: ESP for an SA past its hard lifetime
 * @ACTUN_DROP_RX_NOMEM: no memory to decrypt
 * @ACTUN_DROP_MAX: number of reasons
 */
enum actun_drop_reason {
	ACTUN_DROP_TX_NO_ROUTE,
	ACTUN_DROP_TX_BAD_PROTO,
	ACTUN_DROP_TX_NO_SA,
	ACTUN_DROP_TX_MTU,
	ACTUN_DROP_TX_OUTER_ROUTE,
	ACTUN_DROP_TX_NOMEM,
	ACTUN_DROP_TX_CRYPTO,
	ACTUN_DROP_TX_NO_CLAIM,
	ACTUN_DROP_RX_NO_TUNNEL,
	ACTUN_DROP_RX_VERSION,
	ACTUN_DROP_RX_FLAGS,
	ACTUN_DROP_RX_TRUNCATED,
	ACTUN_DROP_RX_PROTO,
	ACTUN_DROP_RX_SOURCE,
	ACTUN_DROP_RX_DEAD,
	ACTUN_DROP_RX_NO_SA,
	ACTUN_DROP_RX_AUTH,
	ACTUN_DROP_RX_REPLAY,
	ACTUN_DROP_RX_TRAILER,
	ACTUN_DROP_RX_EXPIRED,
	ACTUN_DROP_RX_NOMEM,
	ACTUN_DROP_MAX
};

/* Names as ethtool -S prints them, in enum order. */
#define ACTUN_DROP_NAMES {		\
	"tx_drop_no_route",		\
	"tx_drop_bad_proto",		\
	"tx_drop_no_sa",		\
	"tx_drop_mtu",			\
	"tx_drop_outer_route",		\
	"tx_drop_nomem",		\
	"tx_drop_crypto",		\
	"tx_drop_no_claim",		\
	"rx_drop_no_tunnel",		\
	"rx_drop_version",		\
	"rx_drop_flags",		\
	"rx_drop_truncated",		\
	"rx_drop_proto",		\
	"rx_drop_source",		\
	"rx_drop_dead",			\
	"rx_drop_no_sa",		\
	"rx_drop_auth",			\
	"rx_drop_replay",		\
	"rx_drop_trailer",		\
	"rx_drop_expired",		\
	"rx_drop_nomem",		\
}

/* The first receive reason: the rest count as rx_dropped, not tx_dropped. */
#define ACTUN_DROP_FIRST_RX	ACTUN_DROP_RX_NO_TUNNEL

/**
 * enum actun_tunnel_counter - per-tunnel counters, in the order of the
 *	ACTUN_STATS_A_* attributes they are reported as (see uapi), which
 *	skip ACTUN_STATS_A_PAD
 */
enum actun_tunnel_counter {
	ACTUN_TC_RX_PACKETS,
	ACTUN_TC_RX_BYTES,
	ACTUN_TC_TX_PACKETS,
	ACTUN_TC_TX_BYTES,
	ACTUN_TC_RX_DROP_SOURCE,
	ACTUN_TC_RX_DROP_PROTO,
	ACTUN_TC_RX_DROP_HEADER,
	ACTUN_TC_TX_DROP_MTU,
	ACTUN_TC_TX_DROP_OUTER_ROUTE,
	ACTUN_TC_RX_KEEPALIVES,
	ACTUN_TC_TX_DROP_NO_SA,
	ACTUN_TC_RX_DROP_AUTH,
	ACTUN_TC_RX_DROP_REPLAY,
	ACTUN_TC_TX_DROP_NO_CLAIM,
	ACTUN_TC_MAX
};

/**
 * struct actun_counters - one cpu's slots of a counter array
 * @syncp: lets 32-bit readers see whole 64-bit values
 * @c: the counters
 */
struct actun_counters {
	struct u64_stats_sync syncp;
	u64_stats_t c[];
};

/**
 * actun_counters_alloc - per-cpu array of @n zeroed counters
 * @n: number of counters
 * @gfp: allocation flags
 *
 * Return: the array (free_percpu() it) or NULL.
 */
static inline struct actun_counters __percpu *
actun_counters_alloc(unsigned int n, gfp_t gfp)
{
	struct actun_counters __percpu *ctrs;
	int cpu;

	ctrs = __alloc_percpu_gfp(struct_size((struct actun_counters *)NULL, c, n),
				  __alignof__(u64), gfp);
	if (ctrs)
		for_each_possible_cpu(cpu)
			u64_stats_init(&per_cpu_ptr(ctrs, cpu)->syncp);
	return ctrs;
}

static inline void actun_counters_add(struct actun_counters __percpu *ctrs,
				      unsigned int i, u64 val)
{
	struct actun_counters *s = this_cpu_ptr(ctrs);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[i], val);
	u64_stats_update_end(&s->syncp);
}

/* Two counters in one update: packets and bytes. */
static inline void actun_counters_add2(struct actun_counters __percpu *ctrs,
				       unsigned int i, u64 a,
				       unsigned int j, u64 b)
{
	struct actun_counters *s = this_cpu_ptr(ctrs);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->c[i], a);
	u64_stats_add(&s->c[j], b);
	u64_stats_update_end(&s->syncp);
}

/**
 * actun_counters_read - sum @n counters over all cpus
 * @ctrs: the per-cpu array
 * @n: number of counters (at most 32)
 * @out: @n totals
 */
static inline void actun_counters_read(struct actun_counters __percpu *ctrs,
				       unsigned int n, u64 *out)
{
	unsigned int start, i;
	int cpu;

	for (i = 0; i < n; i++)
		out[i] = 0;
	for_each_possible_cpu(cpu) {
		const struct actun_counters *s = per_cpu_ptr(ctrs, cpu);
		u64 snap[32];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < n; i++)
				snap[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < n; i++)
			out[i] += snap[i];
	}
}

#endif /* _ACTUN_STATS_H */
