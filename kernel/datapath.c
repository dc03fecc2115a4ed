// SPDX-License-Identifier: GPL-2.0
/*
 * Steps the GRE and ESP data paths share: whether an inner packet fits a
 * tunnel, and delivery of a decapsulated packet on the device.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "datapath.h"
#include "device.h"
#include "mss.h"
#include "route.h"

/**
 * actun_tunnel_route - the route to a tunnel's remote, from its cache
 * @tunnel: the tunnel
 * @p: its parameters
 * @net: the device's namespace
 * @tos: outer TOS
 * @proto: outer protocol (GRE, ESP, or UDP for ESP in UDP)
 * @saddr: set to the source the route chose
 *
 * Context: rcu_read_lock_bh(), from the transmit path.
 * Return: the route, held, or NULL when there is none.
 */
struct rtable *actun_tunnel_route(struct actun_tunnel *tunnel,
				  const struct actun_tunnel_params *p,
				  struct net *net, u8 tos, u8 proto,
				  __be32 *saddr)
{
	struct flowi4 fl4;
	struct rtable *rt;

	rt = dst_cache_get_ip4(&tunnel->dst_cache, saddr);
	if (rt)
		return rt;
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = p->remote;
	fl4.saddr = p->local;
	fl4.flowi4_proto = proto;
	fl4.flowi4_tos = RT_TOS(tos);
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	dst_cache_set_ip4(&tunnel->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return rt;
}

/**
 * actun_tx_fits - does an inner packet fit the tunnel?
 * @skb: the inner IPv4 or IPv6 packet
 * @mtu: what the tunnel can carry for it
 * @df: set to the DF bit the outer header should carry
 *
 * An IPv4 packet without DF may still go, fragmented as an outer packet;
 * anything else too big is refused and the sender told.
 *
 * Return: true if the packet may be sent.
 */
bool actun_tx_fits(struct sk_buff *skb, u32 mtu, __be16 *df)
{
	bool inner_df = skb->protocol == htons(ETH_P_IPV6) ||
			(ip_hdr(skb)->frag_off & htons(IP_DF));
	bool fits = skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
				      skb->len <= mtu;

	*df = inner_df ? htons(IP_DF) : 0;
	if (fits || !inner_df)
		return true;
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(mtu));
	else
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0,
				max_t(u32, mtu, IPV6_MIN_MTU));
	return false;
}

/**
 * actun_deliver - hand a decapsulated packet to the stack on the device
 * @adev: the device
 * @tunnel: the tunnel it came through
 * @skb: the inner packet, network header set and pulled
 * @outer_tos: TOS of the outer header, for ECN
 *
 * Checks the inner source against the routes to @tunnel first.
 * Context: softirq or BH disabled, under rcu_read_lock().
 */
void actun_deliver(struct actun_dev *adev, struct actun_tunnel *tunnel,
		   struct sk_buff *skb, u8 outer_tos)
{
	const struct actun_tunnel_params *p = rcu_dereference(tunnel->params);
	unsigned int len;

	if (!actun_route_allows_source(&adev->routes, skb, tunnel)) {
		actun_tunnel_count(tunnel, ACTUN_TC_RX_DROP_SOURCE);
		actun_dev_drop(adev, ACTUN_DROP_RX_SOURCE);
		kfree_skb(skb);
		return;
	}
	INET_ECN_decapsulate(skb, outer_tos, skb->protocol == htons(ETH_P_IP) ?
			     ip_hdr(skb)->tos : ipv6_get_dsfield(ipv6_hdr(skb)));
	actun_mss_clamp(skb, actun_mss_effective(p, actun_tunnel_keyed_mtu(p),
						 skb->protocol));

	skb->dev = adev->dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	len = skb->len;
	actun_counters_add2(tunnel->stats, ACTUN_TC_RX_PACKETS, 1,
			    ACTUN_TC_RX_BYTES, len);
	dev_sw_netstats_rx_add(adev->dev, len);
	gro_cells_receive(&adev->gro_cells, skb);
}

