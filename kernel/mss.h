/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_MSS_H
#define _ACTUN_MSS_H

#include <linux/skbuff.h>

struct actun_tunnel_params;

u16 actun_mss_effective(const struct actun_tunnel_params *p, u32 mtu,
			__be16 proto);
void actun_mss_clamp(struct sk_buff *skb, u16 mss);

#endif /* _ACTUN_MSS_H */
