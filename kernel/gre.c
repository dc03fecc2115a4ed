// SPDX-License-Identifier: GPL-2.0
/*
 * GRE (RFC 2784, keys per RFC 2890) over IPv4: encapsulation for packets the
 * device's routes send to a gre tunnel, and receive for the tunnels'
 * endpoint pairs.
 *
 * Receive cannot use gre_add_protocol(GREPROTO_CISCO): ip_gre owns that one
 * slot and the demultiplexer does not fall through. actun instead hooks
 * NF_INET_LOCAL_IN in each namespace holding an actun device, just after the
 * filter table (so INPUT rules still see the outer packet), and takes only
 * GRE between a (local, remote) pair it has a tunnel for; everything else
 * goes on to ip_gre or whoever else handles GRE.
 * Documentation/architecture.md has the reasoning.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_tunnel.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/gre.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/route.h>

#include "device.h"
#include "datapath.h"
#include "gre.h"
#include "mss.h"
#include "route.h"

/* GRE flags actun accepts: checksum, key, sequence number. */
#define ACTUN_GRE_FLAGS_OK	(GRE_CSUM | GRE_KEY | GRE_SEQ)

/* ---- transmit ---------------------------------------------------------- */

/**
 * actun_gre_xmit - encapsulate an inner packet for a gre tunnel and send it
 * @adev: the device the packet was routed to
 * @tunnel: the tunnel its route chose, under rcu_read_lock_bh()
 * @skb: the inner IPv4 or IPv6 packet, network header set
 *
 * Return: NETDEV_TX_OK; the packet is consumed either way.
 */
netdev_tx_t actun_gre_xmit(struct actun_dev *adev, struct actun_tunnel *tunnel,
			   struct sk_buff *skb)
{
	const struct actun_tunnel_params *p = rcu_dereference_bh(tunnel->params);
	const struct iphdr *inner = ip_hdr(skb);
	__be16 gre_flags = p->has_key ? TUNNEL_KEY : 0;
	int hlen = gre_calc_hlen(gre_flags);
	unsigned int len = skb->len;
	enum actun_drop_reason reason;
	struct rtable *rt;
	u8 tos, ttl;
	u32 mtu;
	__be32 saddr;
	__be16 df;

	tos = p->tos == ACTUN_TOS_INHERIT ? ip_tunnel_get_dsfield(inner, skb) :
					    p->tos;
	rt = actun_tunnel_route(tunnel, p, dev_net(adev->dev), tos, IPPROTO_GRE,
			       &saddr);
	if (!rt || rt->dst.dev == adev->dev) {
		if (rt)
			ip_rt_put(rt);
		actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_OUTER_ROUTE);
		reason = ACTUN_DROP_TX_OUTER_ROUTE;
		goto drop;
	}
	/* The tunnel MTU, or less if the path to the remote cannot carry it. */
	mtu = min_t(u32, actun_tunnel_keyed_mtu(p),
		    dst_mtu(&rt->dst) - sizeof(struct iphdr) - hlen);
	if (!actun_tx_fits(skb, mtu, &df)) {
		ip_rt_put(rt);
		actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_MTU);
		reason = ACTUN_DROP_TX_MTU;
		goto drop;
	}
	actun_mss_clamp(skb, actun_mss_effective(p, mtu, skb->protocol));
	inner = ip_hdr(skb);
	tos = ip_tunnel_ecn_encap(tos, inner, skb);
	ttl = p->ttl ?: ip_tunnel_get_ttl(inner, skb);

	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + sizeof(struct iphdr) + hlen) ||
	    iptunnel_handle_offloads(skb, SKB_GSO_GRE)) {
		ip_rt_put(rt);
		reason = ACTUN_DROP_TX_NOMEM;
		goto drop;
	}
	gre_build_header(skb, hlen, gre_flags, skb->protocol, htonl(p->key), 0);
	actun_counters_add2(tunnel->stats, ACTUN_TC_TX_PACKETS,
			    skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1,
			    ACTUN_TC_TX_BYTES, len);
	iptunnel_xmit(NULL, rt, skb, saddr, p->remote, IPPROTO_GRE, tos, ttl,
		      df, false);
	return NETDEV_TX_OK;

drop:
	actun_dev_drop(adev, reason);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* ---- receive ----------------------------------------------------------- */

/* A parsed GRE header. */
struct actun_gre_hdr {
	int len;
	bool has_key;
	u32 key;
	__be16 proto;
};

/* Parse the GRE header at skb->data; returns a drop reason or -1 if fine. */
static int actun_gre_parse(struct sk_buff *skb, struct actun_gre_hdr *h)
{
	const struct gre_base_hdr *greh;
	__be16 flags;
	__be32 *opt;

	if (!pskb_may_pull(skb, sizeof(*greh)))
		return ACTUN_DROP_RX_TRUNCATED;
	greh = (const struct gre_base_hdr *)skb->data;
	flags = greh->flags;
	if (flags & GRE_VERSION)
		return ACTUN_DROP_RX_VERSION;
	if (flags & ~ACTUN_GRE_FLAGS_OK)
		return ACTUN_DROP_RX_FLAGS;
	h->len = gre_calc_hlen(gre_flags_to_tnl_flags(flags));
	if (!pskb_may_pull(skb, h->len))
		return ACTUN_DROP_RX_TRUNCATED;
	greh = (const struct gre_base_hdr *)skb->data;
	h->proto = greh->protocol;
	opt = (__be32 *)(greh + 1);
	if (flags & GRE_CSUM) {
		if (skb_checksum_simple_validate(skb))
			return ACTUN_DROP_RX_FLAGS;
		opt++;
	}
	h->has_key = flags & GRE_KEY;
	h->key = h->has_key ? ntohl(*opt) : 0;
	return -1;
}

/*
 * A Cisco-style keepalive: the customer router wrapped a GRE packet
 * addressed back to itself; sending the inner packet on returns it.
 */
static bool actun_gre_is_keepalive(struct sk_buff *skb, __be32 local,
				   __be32 remote)
{
	const struct iphdr *iph;

	if (skb->protocol != htons(ETH_P_IP))
		return false;
	iph = ip_hdr(skb);
	return iph->protocol == IPPROTO_GRE && iph->saddr == local &&
	       iph->daddr == remote;
}

static void actun_gre_reflect(struct actun_dev *adev,
			      struct actun_tunnel *tunnel, struct sk_buff *skb)
{
	struct net *net = dev_net(adev->dev);
	const struct iphdr *iph = ip_hdr(skb);
	struct rtable *rt;

	rt = ip_route_output(net, iph->daddr, iph->saddr, 0, 0);
	if (IS_ERR(rt)) {
		actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_OUTER_ROUTE);
		actun_dev_drop(adev, ACTUN_DROP_TX_OUTER_ROUTE);
		kfree_skb(skb);
		return;
	}
	actun_tunnel_count(tunnel, ACTUN_TC_RX_KEEPALIVES);
	skb_dst_set(skb, &rt->dst);
	ip_local_out(net, NULL, skb);
}

/* Drop a packet actun owns, counting it on the device (and tunnel). */
static void actun_gre_rx_drop(struct actun_dev *adev,
			      struct actun_tunnel *tunnel, int reason,
			      struct sk_buff *skb)
{
	if (tunnel)
		actun_tunnel_count(tunnel, reason == ACTUN_DROP_RX_PROTO ?
				   ACTUN_TC_RX_DROP_PROTO :
				   ACTUN_TC_RX_DROP_HEADER);
	actun_dev_drop(adev, reason);
	kfree_skb(skb);
}

/*
 * The tunnel a packet between the endpoints of @ep belongs to when its
 * header cannot say: the only one, if there is exactly one.
 */
static struct actun_tunnel *actun_gre_sole(struct actun_endpoint *ep)
{
	struct hlist_node *first = rcu_dereference(hlist_first_rcu(&ep->tunnels));

	if (!first || rcu_dereference(hlist_next_rcu(first)))
		return NULL;
	return hlist_entry(first, struct actun_tunnel, rx_node);
}

static void actun_gre_rcv(struct actun_endpoint *ep, struct actun_tunnel *any,
			  struct sk_buff *skb)
{
	const struct iphdr *oiph = ip_hdr(skb);
	__be32 local = oiph->daddr, remote = oiph->saddr;
	u8 outer_tos = oiph->tos;
	struct actun_tunnel *tunnel;
	struct actun_gre_hdr h;
	int reason;

	__skb_pull(skb, ip_hdrlen(skb));
	reason = actun_gre_parse(skb, &h);
	if (reason >= 0)
		return actun_gre_rx_drop(any->adev, actun_gre_sole(ep), reason,
					 skb);
	tunnel = actun_endpoint_match(ep, h.has_key, h.key);
	if (!tunnel)
		return actun_gre_rx_drop(any->adev, NULL,
					 ACTUN_DROP_RX_NO_TUNNEL, skb);
	if (READ_ONCE(tunnel->adev->dead))
		return actun_gre_rx_drop(tunnel->adev, NULL,
					 ACTUN_DROP_RX_DEAD, skb);
	if (h.proto != htons(ETH_P_IP) && h.proto != htons(ETH_P_IPV6))
		return actun_gre_rx_drop(tunnel->adev, tunnel,
					 ACTUN_DROP_RX_PROTO, skb);
	if (iptunnel_pull_header(skb, h.len, h.proto, false))
		return actun_gre_rx_drop(tunnel->adev, tunnel,
					 ACTUN_DROP_RX_TRUNCATED, skb);
	skb_reset_network_header(skb);
	if (!pskb_inet_may_pull(skb))
		return actun_gre_rx_drop(tunnel->adev, tunnel,
					 ACTUN_DROP_RX_TRUNCATED, skb);
	if (actun_gre_is_keepalive(skb, local, remote))
		return actun_gre_reflect(tunnel->adev, tunnel, skb);
	actun_deliver(tunnel->adev, tunnel, skb, outer_tos);
}

static unsigned int actun_gre_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct actun_endpoint *ep;
	struct actun_tunnel *any;

	if (iph->protocol != IPPROTO_GRE)
		return NF_ACCEPT;
	ep = actun_endpoint_lookup(&actun_net(state->net)->gre, iph->daddr,
				   iph->saddr);
	if (!ep)
		return NF_ACCEPT;
	/* Any tunnel of the pair names the device to count drops on. */
	any = hlist_entry_safe(rcu_dereference(hlist_first_rcu(&ep->tunnels)),
			       struct actun_tunnel, rx_node);
	if (!any)
		return NF_ACCEPT;
	actun_gre_rcv(ep, any, skb);
	return NF_STOLEN;
}

static const struct nf_hook_ops actun_gre_hook_ops = {
	.hook		= actun_gre_hook,
	.pf		= NFPROTO_IPV4,
	.hooknum	= NF_INET_LOCAL_IN,
	.priority	= NF_IP_PRI_FILTER + 1,
};

/**
 * actun_gre_hook_get - receive GRE in @net; one call per actun device
 * @net: the device's namespace
 *
 * Context: RTNL.
 * Return: 0 or a negative errno.
 */
int actun_gre_hook_get(struct net *net)
{
	struct actun_net *an = actun_net(net);
	int err;

	ASSERT_RTNL();
	if (an->hook_users++)
		return 0;
	err = nf_register_net_hook(net, &actun_gre_hook_ops);
	if (err)
		an->hook_users--;
	return err;
}

/**
 * actun_gre_hook_put - undo actun_gre_hook_get()
 * @net: the device's namespace
 *
 * Context: RTNL.
 */
void actun_gre_hook_put(struct net *net)
{
	struct actun_net *an = actun_net(net);

	ASSERT_RTNL();
	if (!--an->hook_users)
		nf_unregister_net_hook(net, &actun_gre_hook_ops);
}
