// SPDX-License-Identifier: GPL-2.0
/*
 * ESP tunnel mode (RFC 4303) for ipsec tunnels, with the kernel crypto API
 * directly rather than xfrm: encapsulation of what the device's routes send
 * to an ipsec tunnel, decapsulation of what the customer router sends, raw
 * (protocol 50) or in UDP (RFC 3948, natt.c).
 *
 * Explicit IVs: for GCM the 8 bytes are the 16-bit fleet server id, a
 * 16-bit epoch new with each installation of the SA, and the 32-bit
 * per-server sequence number, so servers sharing one replicated SA never
 * reuse a nonce (Documentation/esp.md); for CBC they are random. A fleet
 * SA takes server id and epoch from the namespace's claim as it sends,
 * and sends nothing while the namespace holds no valid claim.
 *
 * Crypto may complete asynchronously (cryptd when the FPU is busy): each
 * packet then holds its SA, whose tunnel it holds, and the device, until
 * the completion has sent or delivered it.
 */

#include <crypto/aead.h>
#include <linux/ip.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "datapath.h"
#include "device.h"
#include "esp.h"
#include "mss.h"
#include "sa.h"

/**
 * struct actun_esp_ctx - one packet in crypto
 * @skb: the packet
 * @sa: the SA, held
 * @adev: the device, held
 * @rt: transmit: the route to the remote, held
 * @saddr: outer source (of the packet received, or to send)
 * @daddr: transmit: outer destination, the tunnel's remote
 * @len: transmit: inner bytes, for the counters
 * @tos: transmit: outer TOS
 * @ttl: transmit: outer TTL
 * @df: transmit: outer DF
 * @dport: transmit: UDP destination port when encapsulated
 * @natt_sport: receive: UDP source port when encapsulated, else 0
 * @outer_tos: receive: TOS of the outer header
 * @seq: receive: sequence number
 * @iv: the explicit IV, a copy the transform may overwrite
 *
 * The aead_request and the scatterlist follow in the same allocation.
 */
struct actun_esp_ctx {
	struct sk_buff *skb;
	struct actun_sa *sa;
	struct actun_dev *adev;
	struct rtable *rt;
	__be32 saddr;
	__be32 daddr;
	unsigned int len;
	u8 tos;
	u8 ttl;
	__be16 df;
	__be16 dport;
	__be16 natt_sport;
	u8 outer_tos;
	u32 seq;
	u8 iv[ACTUN_ESP_IV_MAX];
};

static struct aead_request *actun_esp_req(struct actun_esp_ctx *ctx)
{
	return PTR_ALIGN((void *)(ctx + 1), crypto_tfm_ctx_alignment());
}

static struct scatterlist *actun_esp_sg(struct actun_esp_ctx *ctx)
{
	struct aead_request *req = actun_esp_req(ctx);

	return PTR_ALIGN((void *)(req + 1) +
			 crypto_aead_reqsize(crypto_aead_reqtfm(req)),
			 __alignof__(struct scatterlist));
}

/*
 * Everything a packet needs in crypto, in one allocation: the crypto API
 * needs the request and scatterlist to outlive an asynchronous call.
 */
static struct actun_esp_ctx *actun_esp_ctx_alloc(struct actun_sa *sa,
						 int nfrags)
{
	struct crypto_aead *aead = sa->aead;
	struct actun_esp_ctx *ctx;
	size_t len;

	len = ALIGN(sizeof(*ctx), crypto_tfm_ctx_alignment()) +
	      sizeof(struct aead_request) + crypto_aead_reqsize(aead);
	len = ALIGN(len, __alignof__(struct scatterlist)) +
	      sizeof(struct scatterlist) * nfrags;
	ctx = kmalloc(len, GFP_ATOMIC);
	if (!ctx)
		return NULL;
	ctx->sa = sa;
	aead_request_set_tfm(actun_esp_req(ctx), aead);
	return ctx;
}

/* Release what a packet held in crypto. */
static void actun_esp_ctx_free(struct actun_esp_ctx *ctx)
{
	struct net_device *dev = ctx->adev->dev;

	/* The device last: module unload waits for it, then for SA frees. */
	actun_sa_put(ctx->sa);
	kfree(ctx);
	dev_put(dev);
}

/*
 * The AEAD's view of an ESP packet at skb->data: the associated data is
 * the ESP header and (so that it is skipped or authenticated whole) the
 * IV; the ciphertext and the ICV follow. rfc4106 takes the IV out of the
 * associated data itself; authenc authenticates it.
 */
static int actun_esp_set_crypt(struct actun_esp_ctx *ctx, int nfrags,
			       unsigned int cryptlen)
{
	struct aead_request *req = actun_esp_req(ctx);
	struct scatterlist *sg = actun_esp_sg(ctx);
	struct actun_sa *sa = ctx->sa;
	unsigned int assoclen = ACTUN_ESP_HLEN + sa->ivlen;
	int n;

	sg_init_table(sg, nfrags);
	n = skb_to_sgvec(ctx->skb, sg, 0, ctx->skb->len);
	if (unlikely(n < 0))
		return n;
	aead_request_set_crypt(req, sg, sg, cryptlen, ctx->iv);
	aead_request_set_ad(req, assoclen);
	return 0;
}

/* ---- transmit ---------------------------------------------------------- */

/* The most inner bytes one ESP packet on a path of @pmtu can carry. */
static u32 actun_esp_room(const struct actun_sa *sa, u32 pmtu)
{
	int room = pmtu - sizeof(struct iphdr) - ACTUN_ESP_HLEN - sa->ivlen -
		   sa->icvlen - (sa->encap ? sizeof(struct udphdr) : 0);

	return max(round_down(room, sa->align) - 2, 0);
}

static void actun_esp_tx_drop(struct actun_dev *adev, struct sk_buff *skb,
			      enum actun_drop_reason reason)
{
	actun_dev_drop(adev, reason);
	kfree_skb(skb);
}

/* Encrypted: put the outer headers on and send. */
static void actun_esp_tx_done(struct actun_esp_ctx *ctx, int err)
{
	struct actun_tunnel *tunnel = ctx->sa->tunnel;
	struct sk_buff *skb = ctx->skb;

	if (unlikely(err)) {
		ip_rt_put(ctx->rt);
		actun_esp_tx_drop(ctx->adev, skb, ACTUN_DROP_TX_CRYPTO);
		goto out;
	}
	actun_counters_add2(tunnel->stats, ACTUN_TC_TX_PACKETS, 1,
			    ACTUN_TC_TX_BYTES, ctx->len);
	if (ctx->sa->encap)
		udp_tunnel_xmit_skb(ctx->rt, NULL, skb, ctx->saddr, ctx->daddr,
				    ctx->tos, ctx->ttl, ctx->df, ctx->sa->sport,
				    ctx->dport, false, true);
	else
		iptunnel_xmit(NULL, ctx->rt, skb, ctx->saddr, ctx->daddr,
			      IPPROTO_ESP, ctx->tos, ctx->ttl, ctx->df, false);
out:
	actun_esp_ctx_free(ctx);
}

/* Asynchronous completions may come from any context: act as softirq. */
static void actun_esp_tx_complete(struct crypto_async_request *base, int err)
{
	struct actun_esp_ctx *ctx = base->data;

	if (err == -EINPROGRESS)
		return;
	local_bh_disable();
	actun_esp_tx_done(ctx, err);
	local_bh_enable();
}

/* Pad and trailer (RFC 4303 2.4-2.6); room for the ICV after them. */
static int actun_esp_add_trailer(struct actun_sa *sa, struct sk_buff *skb,
				 u8 nexthdr, unsigned int *elen)
{
	unsigned int padlen = ALIGN(skb->len + 2, sa->align) - skb->len - 2;
	struct sk_buff *trailer;
	int nfrags, i;
	u8 *tail;

	nfrags = skb_cow_data(skb, padlen + 2 + sa->icvlen, &trailer);
	if (nfrags < 0)
		return nfrags;
	tail = pskb_put(skb, trailer, padlen + 2 + sa->icvlen);
	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = nexthdr;
	*elen = skb->len - sa->icvlen;
	return nfrags;
}

/* @id_epoch: server id << 16 | epoch, the upper half of a GCM IV. */
static void actun_esp_write_header(struct actun_esp_ctx *ctx, u32 id_epoch,
				   u32 seq)
{
	struct actun_sa *sa = ctx->sa;
	struct ip_esp_hdr *esph;

	esph = skb_push(ctx->skb, ACTUN_ESP_HLEN + sa->ivlen);
	esph->spi = sa->spi_be;
	esph->seq_no = htonl(seq);
	if (sa->enc == ACTUN_SA_ENC_GCM_AES_128 ||
	    sa->enc == ACTUN_SA_ENC_GCM_AES_256)
		put_unaligned_be64((u64)id_epoch << 32 | seq, ctx->iv);
	else
		get_random_bytes(ctx->iv, sa->ivlen);
	memcpy(esph->enc_data, ctx->iv, sa->ivlen);
}

/*
 * The sending state of one packet, shared by the segments of a GSO one;
 * @id_epoch is the server id << 16 | epoch its GCM IVs carry.
 */
struct actun_esp_tx {
	struct actun_dev *adev;
	struct actun_sa *sa;
	u32 id_epoch;
	struct rtable *rt;
	__be32 saddr;
	__be32 daddr;
	u8 tos;
	u8 ttl;
	__be16 df;
	__be16 dport;
};

static void actun_esp_ctx_fill(struct actun_esp_ctx *ctx,
			       const struct actun_esp_tx *tx,
			       struct sk_buff *skb, unsigned int len)
{
	dev_hold(tx->adev->dev);
	ctx->adev = tx->adev;
	ctx->skb = skb;
	ctx->len = len;
	dst_hold(&tx->rt->dst);
	ctx->rt = tx->rt;
	ctx->saddr = tx->saddr;
	ctx->daddr = tx->daddr;
	ctx->tos = ip_tunnel_ecn_encap(tx->tos, ip_hdr(skb), skb);
	ctx->ttl = tx->ttl ?: ip_tunnel_get_ttl(ip_hdr(skb), skb);
	ctx->df = tx->df;
	ctx->dport = tx->dport;
}

/*
 * Take a sequence number and the bytes from the SA's lifetime; returns the
 * sequence number, or 0 when the SA can carry no more.
 */
static u32 actun_esp_take_seq(struct actun_sa *sa, unsigned int len)
{
	u64 seq = atomic64_inc_return(&sa->seq);

	if (unlikely(seq > U32_MAX)) {
		actun_sa_count(sa, ACTUN_SC_DROP_SEQ_EXHAUSTED);
		actun_sa_expire(sa, ACTUN_SA_EXPIRY_HARD);
		return 0;
	}
	if (unlikely(!actun_sa_charge(sa, len))) {
		actun_sa_count(sa, ACTUN_SC_DROP_EXPIRED);
		return 0;
	}
	return seq;
}

/*
 * Encrypt and send one (non-GSO) inner packet that fits; returns the
 * device drop reason when it cannot, or -1 once it is on its way.
 */
static int actun_esp_encrypt(const struct actun_esp_tx *tx, struct sk_buff *skb)
{
	u8 nexthdr = skb->protocol == htons(ETH_P_IP) ? IPPROTO_IPIP :
						       IPPROTO_IPV6;
	struct actun_sa *sa = tx->sa;
	unsigned int elen, len = skb->len;
	struct actun_esp_ctx *ctx;
	int nfrags, err;
	u32 seq;

	if (skb_cow_head(skb, LL_RESERVED_SPACE(tx->rt->dst.dev) +
			 tx->rt->dst.header_len + sizeof(struct iphdr) +
			 sizeof(struct udphdr) + ACTUN_ESP_HLEN + sa->ivlen) ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)))
		return ACTUN_DROP_TX_NOMEM;
	seq = actun_esp_take_seq(sa, len);
	if (!seq)
		return ACTUN_DROP_TX_NO_SA;
	nfrags = actun_esp_add_trailer(sa, skb, nexthdr, &elen);
	if (nfrags < 0 || !actun_sa_hold(sa))
		return ACTUN_DROP_TX_NOMEM;
	ctx = actun_esp_ctx_alloc(sa, nfrags);
	if (!ctx) {
		actun_sa_put(sa);
		return ACTUN_DROP_TX_NOMEM;
	}
	actun_esp_ctx_fill(ctx, tx, skb, len);
	actun_esp_write_header(ctx, tx->id_epoch, seq);
	skb->ip_summed = CHECKSUM_NONE;
	actun_counters_add2(sa->stats, ACTUN_SC_PACKETS, 1, ACTUN_SC_BYTES, len);
	err = actun_esp_set_crypt(ctx, nfrags, elen);
	if (!err) {
		aead_request_set_callback(actun_esp_req(ctx), 0,
					  actun_esp_tx_complete, ctx);
		/* Without CRYPTO_TFM_REQ_MAY_BACKLOG, -EBUSY is a refusal. */
		err = crypto_aead_encrypt(actun_esp_req(ctx));
		if (err == -EINPROGRESS)
			return -1;
	}
	actun_esp_tx_done(ctx, err);
	return -1;
}

static void actun_esp_xmit_one(const struct actun_esp_tx *tx,
			       struct sk_buff *skb)
{
	int reason = actun_esp_encrypt(tx, skb);

	if (reason >= 0)
		actun_esp_tx_drop(tx->adev, skb, reason);
}

/*
 * The server id and epoch the packet's IVs carry: a fleet SA's are the
 * namespace's claim, read once for the packet (all its GSO segments), and
 * without a valid claim it does not send. fleet.h says why a claim
 * changing meanwhile is harmless.
 */
static bool actun_esp_claim(struct actun_esp_tx *tx,
			    struct actun_tunnel *tunnel, int *reason)
{
	struct actun_sa *sa = tx->sa;

	if (!sa->fleet) {
		tx->id_epoch = (u32)sa->server_id << 16 | sa->epoch;
		return true;
	}
	if (actun_fleet_sending(&actun_net(dev_net(tx->adev->dev))->fleet,
				&tx->id_epoch))
		return true;
	actun_sa_count(sa, ACTUN_SC_DROP_NO_CLAIM);
	actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_NO_CLAIM);
	*reason = ACTUN_DROP_TX_NO_CLAIM;
	return false;
}

static bool actun_esp_tx_prepare(struct actun_esp_tx *tx,
				 struct actun_tunnel *tunnel,
				 struct sk_buff *skb, int *reason)
{
	const struct actun_tunnel_params *p = rcu_dereference_bh(tunnel->params);
	u8 tos = p->tos == ACTUN_TOS_INHERIT ?
		 ip_tunnel_get_dsfield(ip_hdr(skb), skb) : p->tos;
	struct actun_sa *sa = tx->sa;
	u32 mtu;

	tx->rt = actun_tunnel_route(tunnel, p, dev_net(tx->adev->dev), tos,
				    sa->encap ? IPPROTO_UDP : IPPROTO_ESP,
				    &tx->saddr);
	if (!tx->rt || tx->rt->dst.dev == tx->adev->dev) {
		if (tx->rt)
			ip_rt_put(tx->rt);
		actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_OUTER_ROUTE);
		*reason = ACTUN_DROP_TX_OUTER_ROUTE;
		return false;
	}
	mtu = min_t(u32, p->mtu, actun_esp_room(sa, dst_mtu(&tx->rt->dst)));
	if (!actun_tx_fits(skb, mtu, &tx->df)) {
		ip_rt_put(tx->rt);
		actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_MTU);
		*reason = ACTUN_DROP_TX_MTU;
		return false;
	}
	actun_mss_clamp(skb, actun_mss_effective(p, mtu, skb->protocol));
	tx->daddr = p->remote;
	tx->tos = tos;
	tx->ttl = p->ttl;
	tx->dport = READ_ONCE(tunnel->natt_dport) ?: sa->dport;
	return true;
}

/**
 * actun_esp_xmit - encrypt an inner packet for an ipsec tunnel and send it
 * @adev: the device the packet was routed to
 * @tunnel: the ipsec tunnel its route chose, under rcu_read_lock_bh()
 * @skb: the inner IPv4 or IPv6 packet, network header set
 *
 * GSO packets are segmented here, since each segment is its own ESP packet.
 *
 * Return: NETDEV_TX_OK; the packet is consumed either way.
 */
netdev_tx_t actun_esp_xmit(struct actun_dev *adev, struct actun_tunnel *tunnel,
			   struct sk_buff *skb)
{
	struct actun_esp_tx tx = { .adev = adev };
	struct sk_buff *segs, *next;
	int reason;

	tx.sa = rcu_dereference_bh(tunnel->sa_out);
	if (!tx.sa || READ_ONCE(tx.sa->expiry) == ACTUN_SA_EXPIRY_HARD) {
		actun_tunnel_count(tunnel, ACTUN_TC_TX_DROP_NO_SA);
		reason = ACTUN_DROP_TX_NO_SA;
		goto drop;
	}
	if (!actun_esp_claim(&tx, tunnel, &reason) ||
	    !actun_esp_tx_prepare(&tx, tunnel, skb, &reason))
		goto drop;
	if (!skb_is_gso(skb)) {
		actun_esp_xmit_one(&tx, skb);
		ip_rt_put(tx.rt);
		return NETDEV_TX_OK;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR(segs)) {
		ip_rt_put(tx.rt);
		reason = ACTUN_DROP_TX_NOMEM;
		goto drop;
	}
	if (!segs) {
		/* Nothing to segment after all. */
		actun_esp_xmit_one(&tx, skb);
		ip_rt_put(tx.rt);
		return NETDEV_TX_OK;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		actun_esp_xmit_one(&tx, skb);
	}
	ip_rt_put(tx.rt);
	return NETDEV_TX_OK;

drop:
	actun_esp_tx_drop(adev, skb, reason);
	return NETDEV_TX_OK;
}

/* ---- receive ----------------------------------------------------------- */

static void actun_esp_rx_drop(struct actun_esp_ctx *ctx,
			      enum actun_sa_counter sc,
			      enum actun_tunnel_counter tc,
			      enum actun_drop_reason reason)
{
	actun_sa_count(ctx->sa, sc);
	actun_tunnel_count(ctx->sa->tunnel, tc);
	actun_dev_drop(ctx->adev, reason);
	kfree_skb(ctx->skb);
}

/* Check the trailer and take it, the ICV and the ESP header off. */
static int actun_esp_strip(struct actun_esp_ctx *ctx)
{
	struct actun_sa *sa = ctx->sa;
	struct sk_buff *skb = ctx->skb;
	unsigned int hlen = ACTUN_ESP_HLEN + sa->ivlen;
	unsigned int elen = skb->len - hlen - sa->icvlen;
	unsigned int off, i, n;
	u8 trail[2], pad[16];

	if (skb_copy_bits(skb, skb->len - sa->icvlen - 2, trail, 2))
		return -EINVAL;
	if (trail[0] + 2 > elen)
		return -EINVAL;
	/* Padding must be 1, 2, 3, ... (RFC 4303 2.4). */
	off = skb->len - sa->icvlen - 2 - trail[0];
	for (i = 0; i < trail[0]; i += n) {
		unsigned int j;

		n = min_t(unsigned int, trail[0] - i, sizeof(pad));
		if (skb_copy_bits(skb, off + i, pad, n))
			return -EINVAL;
		for (j = 0; j < n; j++)
			if (pad[j] != i + j + 1)
				return -EINVAL;
	}
	if (pskb_trim(skb, skb->len - sa->icvlen - 2 - trail[0]))
		return -ENOMEM;
	__skb_pull(skb, hlen);
	skb_reset_network_header(skb);
	return trail[1];
}

/*
 * The customer's NAT may map it to a new port: follow it, but only for a
 * packet from the tunnel's remote that is newer than any before, so that
 * a replayed capture sent from elsewhere cannot divert the tunnel.
 */
static void actun_esp_follow_port(struct actun_esp_ctx *ctx,
				  struct actun_tunnel *tunnel)
{
	const struct actun_tunnel_params *p = rcu_dereference(tunnel->params);
	struct actun_sa *sa = ctx->sa;

	if (ctx->seq <= READ_ONCE(sa->rx_top))
		return;
	WRITE_ONCE(sa->rx_top, ctx->seq);
	if (ctx->natt_sport && ctx->saddr == p->remote &&
	    READ_ONCE(tunnel->natt_dport) != ctx->natt_sport)
		WRITE_ONCE(tunnel->natt_dport, ctx->natt_sport);
}

static void actun_esp_rx_finish(struct actun_esp_ctx *ctx)
{
	struct actun_tunnel *tunnel = ctx->sa->tunnel;
	struct sk_buff *skb = ctx->skb;
	int nexthdr;

	nexthdr = actun_esp_strip(ctx);
	if (nexthdr < 0)
		return actun_esp_rx_drop(ctx, ACTUN_SC_DROP_TRAILER,
					 ACTUN_TC_RX_DROP_HEADER,
					 nexthdr == -ENOMEM ? ACTUN_DROP_RX_NOMEM :
					 ACTUN_DROP_RX_TRAILER);
	skb->protocol = nexthdr == IPPROTO_IPIP ? htons(ETH_P_IP) :
			nexthdr == IPPROTO_IPV6 ? htons(ETH_P_IPV6) : 0;
	/* Next header 59 is TFC padding (RFC 4303 2.6): counted as a drop. */
	if (!skb->protocol || !pskb_inet_may_pull(skb) ||
	    ip_hdr(skb)->version != (nexthdr == IPPROTO_IPIP ? 4 : 6)) {
		actun_tunnel_count(tunnel, ACTUN_TC_RX_DROP_PROTO);
		actun_dev_drop(ctx->adev, ACTUN_DROP_RX_PROTO);
		kfree_skb(skb);
		return;
	}
	if (!actun_sa_charge(ctx->sa, skb->len))
		return actun_esp_rx_drop(ctx, ACTUN_SC_DROP_EXPIRED,
					 ACTUN_TC_RX_DROP_HEADER,
					 ACTUN_DROP_RX_EXPIRED);
	actun_counters_add2(ctx->sa->stats, ACTUN_SC_PACKETS, 1,
			    ACTUN_SC_BYTES, skb->len);
	actun_esp_follow_port(ctx, tunnel);
	skb_scrub_packet(skb, false);
	skb->ip_summed = CHECKSUM_NONE;
	actun_deliver(ctx->adev, tunnel, skb, ctx->outer_tos);
}

/* Decrypted and verified, or not: judge, strip and deliver. */
static void actun_esp_rx_done(struct actun_esp_ctx *ctx, int err)
{
	rcu_read_lock();
	if (err == -EBADMSG)
		actun_esp_rx_drop(ctx, ACTUN_SC_DROP_AUTH, ACTUN_TC_RX_DROP_AUTH,
				  ACTUN_DROP_RX_AUTH);
	else if (err)
		actun_esp_rx_drop(ctx, ACTUN_SC_DROP_TRUNCATED,
				  ACTUN_TC_RX_DROP_HEADER,
				  ACTUN_DROP_RX_TRUNCATED);
	else if (!actun_sa_replay_advance(ctx->sa, ctx->seq))
		actun_esp_rx_drop(ctx, ACTUN_SC_DROP_REPLAY,
				  ACTUN_TC_RX_DROP_REPLAY, ACTUN_DROP_RX_REPLAY);
	else
		actun_esp_rx_finish(ctx);
	rcu_read_unlock();
	actun_esp_ctx_free(ctx);
}

static void actun_esp_rx_complete(struct crypto_async_request *base, int err)
{
	struct actun_esp_ctx *ctx = base->data;

	if (err == -EINPROGRESS)
		return;
	local_bh_disable();
	actun_esp_rx_done(ctx, err);
	local_bh_enable();
}

/* Why a packet cannot be an ESP packet of @sa, or -1 if it may be. */
static int actun_esp_rx_check(struct actun_sa *sa, struct sk_buff *skb,
			      u32 seq, enum actun_sa_counter *sc)
{
	int elen = skb->len - ACTUN_ESP_HLEN - sa->ivlen - sa->icvlen;

	if (READ_ONCE(sa->expiry) == ACTUN_SA_EXPIRY_HARD) {
		*sc = ACTUN_SC_DROP_EXPIRED;
		return ACTUN_DROP_RX_EXPIRED;
	}
	if (elen < 2 || elen % sa->align) {
		*sc = ACTUN_SC_DROP_TRUNCATED;
		return ACTUN_DROP_RX_TRUNCATED;
	}
	if (!actun_sa_replay_check(sa, seq)) {
		*sc = ACTUN_SC_DROP_REPLAY;
		return ACTUN_DROP_RX_REPLAY;
	}
	return -1;
}

static void actun_esp_rx_reject(struct actun_sa *sa, struct actun_dev *adev,
				struct sk_buff *skb, enum actun_sa_counter sc,
				int reason)
{
	actun_sa_count(sa, sc);
	actun_tunnel_count(sa->tunnel, reason == ACTUN_DROP_RX_REPLAY ?
			   ACTUN_TC_RX_DROP_REPLAY : ACTUN_TC_RX_DROP_HEADER);
	actun_dev_drop(adev, reason);
	kfree_skb(skb);
}

/**
 * actun_esp_rcv - decrypt an ESP packet of an inbound SA and deliver it
 * @sa: the SA its SPI names, under rcu_read_lock()
 * @skb: the packet, data at the ESP header, outer IPv4 header before it
 * @natt_sport: the UDP source port if it came in UDP, else 0
 *
 * Consumes @skb.
 */
void actun_esp_rcv(struct actun_sa *sa, struct sk_buff *skb, __be16 natt_sport)
{
	struct actun_dev *adev = sa->tunnel->adev;
	struct actun_esp_ctx *ctx;
	enum actun_sa_counter sc;
	struct sk_buff *trailer;
	int nfrags, reason, err;
	u8 outer_tos = ip_hdr(skb)->tos;
	u32 seq;

	if (READ_ONCE(adev->dead)) {
		actun_dev_drop(adev, ACTUN_DROP_RX_DEAD);
		kfree_skb(skb);
		return;
	}
	if (!pskb_may_pull(skb, ACTUN_ESP_HLEN + sa->ivlen)) {
		actun_esp_rx_reject(sa, adev, skb, ACTUN_SC_DROP_TRUNCATED,
				    ACTUN_DROP_RX_TRUNCATED);
		return;
	}
	seq = ntohl(((struct ip_esp_hdr *)skb->data)->seq_no);
	reason = actun_esp_rx_check(sa, skb, seq, &sc);
	if (reason >= 0)
		return actun_esp_rx_reject(sa, adev, skb, sc, reason);
	/* The input route may not outlive this softirq; it is not needed. */
	skb_dst_drop(skb);
	nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0 || !actun_sa_hold(sa))
		goto nomem;
	ctx = actun_esp_ctx_alloc(sa, nfrags);
	if (!ctx) {
		actun_sa_put(sa);
		goto nomem;
	}
	dev_hold(adev->dev);
	ctx->adev = adev;
	ctx->skb = skb;
	ctx->seq = seq;
	ctx->outer_tos = outer_tos;
	ctx->natt_sport = natt_sport;
	ctx->saddr = ip_hdr(skb)->saddr;
	skb_copy_bits(skb, ACTUN_ESP_HLEN, ctx->iv, sa->ivlen);
	err = actun_esp_set_crypt(ctx, nfrags,
				  skb->len - ACTUN_ESP_HLEN - sa->ivlen);
	if (err)
		return actun_esp_rx_done(ctx, err);
	aead_request_set_callback(actun_esp_req(ctx), 0, actun_esp_rx_complete,
				  ctx);
	err = crypto_aead_decrypt(actun_esp_req(ctx));
	if (err == -EINPROGRESS)
		return;
	actun_esp_rx_done(ctx, err);
	return;

nomem:
	actun_dev_drop(adev, ACTUN_DROP_RX_NOMEM);
	kfree_skb(skb);
}
