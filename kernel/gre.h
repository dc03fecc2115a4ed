/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_GRE_H
#define _ACTUN_GRE_H

#include <linux/netdevice.h>

struct actun_dev;
struct actun_tunnel;

netdev_tx_t actun_gre_xmit(struct actun_dev *adev, struct actun_tunnel *tunnel,
			   struct sk_buff *skb);
int actun_gre_hook_get(struct net *net);
void actun_gre_hook_put(struct net *net);

#endif /* _ACTUN_GRE_H */
