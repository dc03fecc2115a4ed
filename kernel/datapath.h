/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_DATAPATH_H
#define _ACTUN_DATAPATH_H

#include <linux/skbuff.h>

#include "tunnel.h"

struct actun_dev;

static inline void actun_tunnel_count(struct actun_tunnel *tunnel,
				      enum actun_tunnel_counter c)
{
	actun_counters_add(tunnel->stats, c, 1);
}

bool actun_tx_fits(struct sk_buff *skb, u32 mtu, __be16 *df);
void actun_deliver(struct actun_dev *adev, struct actun_tunnel *tunnel,
		   struct sk_buff *skb, u8 outer_tos);

#endif /* _ACTUN_DATAPATH_H */
