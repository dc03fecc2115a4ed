/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_ESP_H
#define _ACTUN_ESP_H

#include <linux/netdevice.h>

struct actun_dev;
struct actun_sa;
struct actun_tunnel;
struct netlink_ext_ack;

netdev_tx_t actun_esp_xmit(struct actun_dev *adev, struct actun_tunnel *tunnel,
			   struct sk_buff *skb);
void actun_esp_rcv(struct actun_sa *sa, struct sk_buff *skb, __be16 natt_sport);

int actun_esp_input_init(void);
void actun_esp_input_exit(void);
int actun_natt_attach(struct actun_dev *adev, int fd,
		      struct netlink_ext_ack *extack);
bool actun_natt_detach(struct actun_dev *adev);

#endif /* _ACTUN_ESP_H */
