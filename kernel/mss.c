// SPDX-License-Identifier: GPL-2.0
/*
 * TCP MSS clamping of SYNs crossing a tunnel, both ways, so that hosts that
 * never see an ICMP too-big still pick segments that fit the tunnel (the
 * seeds' advice: 1436 for GRE over a 1500-byte path).
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <asm/unaligned.h>

#include "mss.h"
#include "tunnel.h"

/**
 * actun_mss_effective - the MSS SYNs through a tunnel are clamped to
 * @p: the tunnel's current parameters
 * @mtu: the inner MTU in force: the tunnel's, or less where the path to the
 *	remote cannot carry that much
 * @proto: ETH_P_IP or ETH_P_IPV6, the inner protocol
 *
 * Return: the configured MSS, or @mtu less the IP and TCP headers.
 */
u16 actun_mss_effective(const struct actun_tunnel_params *p, u32 mtu,
			__be16 proto)
{
	if (p->mss)
		return p->mss;
	if (proto == htons(ETH_P_IPV6))
		return mtu - sizeof(struct ipv6hdr) - sizeof(struct tcphdr);
	return mtu - sizeof(struct iphdr) - sizeof(struct tcphdr);
}

/* Offset of the TCP header of an unfragmented packet, or -1. */
static int actun_tcp_offset(struct sk_buff *skb)
{
	int off = skb_network_offset(skb);

	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
			return -1;
		return off + iph->ihl * 4;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off;

		off = ipv6_skip_exthdr(skb, off + sizeof(struct ipv6hdr),
				       &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_TCP || frag_off)
			return -1;
		return off;
	}
	return -1;
}

static void actun_mss_rewrite(struct sk_buff *skb, struct tcphdr *th,
			      u8 *opt, int len, u16 mss)
{
	while (len >= 2) {
		if (opt[0] == TCPOPT_EOL)
			return;
		if (opt[0] == TCPOPT_NOP) {
			opt++;
			len--;
			continue;
		}
		if (opt[1] < 2 || opt[1] > len)
			return;
		if (opt[0] == TCPOPT_MSS && opt[1] == TCPOLEN_MSS) {
			u16 old = get_unaligned_be16(opt + 2);

			if (old > mss) {
				put_unaligned_be16(mss, opt + 2);
				inet_proto_csum_replace2(&th->check, skb,
							 htons(old), htons(mss),
							 false);
			}
			return;
		}
		len -= opt[1];
		opt += opt[1];
	}
}

/**
 * actun_mss_clamp - lower the MSS option of a TCP SYN to @mss
 * @skb: an IPv4 or IPv6 packet, network header set
 * @mss: the largest MSS to let through
 *
 * Leaves anything that is not an unfragmented TCP SYN with an MSS option
 * above @mss untouched.
 */
void actun_mss_clamp(struct sk_buff *skb, u16 mss)
{
	struct tcphdr *th;
	int off, thlen;

	off = actun_tcp_offset(skb);
	if (off < 0 || !pskb_may_pull(skb, off + sizeof(*th)))
		return;
	th = (struct tcphdr *)(skb->data + off);
	if (!th->syn)
		return;
	thlen = th->doff * 4;
	if (thlen <= sizeof(*th) || skb_ensure_writable(skb, off + thlen))
		return;
	th = (struct tcphdr *)(skb->data + off);
	actun_mss_rewrite(skb, th, (u8 *)(th + 1), thlen - sizeof(*th), mss);
}
