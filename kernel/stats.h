/* SPDX-License-Identifier: GPL-2.0 */
/*
 * actun device counters: one per-cpu counter per drop reason, so that no
 * packet is ever dropped without a trace. The totals also feed rx_dropped and
 * tx_dropped of the device (ip -s link); ethtool -S shows them by reason.
 */
#ifndef _ACTUN_STATS_H
#define _ACTUN_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/**
 * enum actun_drop_reason - why the device dropped a packet
 * @ACTUN_DROP_TX_NO_ROUTE: no prefix route covers the inner destination
 * @ACTUN_DROP_TX_BAD_PROTO: not an IPv4 or IPv6 packet
 * @ACTUN_DROP_MAX: number of reasons
 */
enum actun_drop_reason {
	ACTUN_DROP_TX_NO_ROUTE,
	ACTUN_DROP_TX_BAD_PROTO,
	ACTUN_DROP_MAX
};

/* Names as ethtool -S prints them, in enum order. */
#define ACTUN_DROP_NAMES {		\
	"tx_drop_no_route",		\
	"tx_drop_bad_proto",		\
}

/**
 * struct actun_drop_stats - per-cpu drop counters of one device
 * @syncp: lets 32-bit readers see whole 64-bit values
 * @count: one counter per enum actun_drop_reason
 */
struct actun_drop_stats {
	struct u64_stats_sync syncp;
	u64_stats_t count[ACTUN_DROP_MAX];
};

static inline void actun_drop_inc(struct actun_drop_stats __percpu *stats,
				  enum actun_drop_reason reason)
{
	struct actun_drop_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->count[reason]);
	u64_stats_update_end(&s->syncp);
}

/**
 * actun_drop_read - sum one device's drop counters over all cpus
 * @stats: the per-cpu counters
 * @out: ACTUN_DROP_MAX totals, indexed by enum actun_drop_reason
 */
static inline void actun_drop_read(struct actun_drop_stats __percpu *stats,
				   u64 *out)
{
	unsigned int start;
	int cpu, i;

	for (i = 0; i < ACTUN_DROP_MAX; i++)
		out[i] = 0;
	for_each_possible_cpu(cpu) {
		const struct actun_drop_stats *s = per_cpu_ptr(stats, cpu);
		u64 snap[ACTUN_DROP_MAX];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < ACTUN_DROP_MAX; i++)
				snap[i] = u64_stats_read(&s->count[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < ACTUN_DROP_MAX; i++)
			out[i] += snap[i];
	}
}

#endif /* _ACTUN_STATS_H */
