/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_DATAPATH_H
#define _ACTUN_DATAPATH_H

#include <linux/skbuff.h>

#include "tunnel.h"

struct actun_dev;
struct net;
struct rtable;

static inline void actun_tunnel_count(struct actun_tunnel *tunnel,
				      enum actun_tunnel_counter c)
{
	actun_counters_add(tunnel->stats, c, 1);
}

struct rtable *actun_tunnel_route(struct actun_tunnel *tunnel,
				  const struct actun_tunnel_params *p,
				  struct net *net, u8 tos, u8 proto,
				  __be32 *saddr);
bool actun_tx_fits(struct sk_buff *skb, u32 mtu, __be16 *df);
void actun_deliver(struct actun_dev *adev, struct actun_tunnel *tunnel,
		   struct sk_buff *skb, u8 outer_tos);

#endif /* _ACTUN_DATAPATH_H */
