// SPDX-License-Identifier: GPL-2.0
/*
 * How ESP reaches actun: raw ESP through an xfrm4 protocol handler that
 * runs before xfrm's own and claims only the SPIs of actun's inbound SAs,
 * as ip_vti does, so Linux IPsec keeps working beside actun; and ESP in UDP
 * (RFC 3948) through a UDP socket a userspace process (the IKE daemon)
 * owns and hands to a device, as drivers/net/ovpn shares its socket: the
 * device takes ESP and leaves IKE and NAT keepalives to the socket.
 */

#include <linux/file.h>
#include <linux/icmp.h>
#include <linux/net.h>
#include <linux/udp.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>

#include "device.h"
#include "esp.h"
#include "sa.h"

/* Above ip_vti (100) and xfrm interfaces (10); esp4 is 0. */
#define ACTUN_XFRM_PRIORITY	200

/* Serialises socket hand-overs across devices. */
static DEFINE_MUTEX(actun_natt_lock);

static struct actun_sa *actun_esp_find(struct net *net, struct sk_buff *skb)
{
	const struct ip_esp_hdr *esph;

	if (!pskb_may_pull(skb, sizeof(*esph)))
		return NULL;
	esph = (const struct ip_esp_hdr *)skb->data;
	return actun_sa_lookup_in(&actun_net(net)->sa_in, ntohl(esph->spi));
}

/* Raw ESP: ours if an inbound SA has its SPI, else on to xfrm. */
static int actun_esp4_rcv(struct sk_buff *skb)
{
	struct actun_sa *sa = actun_esp_find(dev_net(skb->dev), skb);

	if (!sa)
		return -EINVAL;
	actun_esp_rcv(sa, skb, 0);
	return 0;
}

/* ESP that xfrm's own UDP sockets decapsulated is xfrm's. */
static int actun_esp4_input(struct sk_buff *skb, int nexthdr, __be32 spi,
			    int encap_type)
{
	return -EINVAL;
}

/* actun never hands packets to xfrm_input(), so no callback is its. */
static int actun_esp4_cb(struct sk_buff *skb, int err)
{
	return 1;
}

/*
 * ICMP about ESP this host sent: learn the path MTU, so that transmit,
 * which fits packets into what the route to the remote allows, stops
 * sending what does not get through. Then let xfrm see the error too.
 */
static int actun_esp4_err(struct sk_buff *skb, u32 info)
{
	const struct icmphdr *icmph = icmp_hdr(skb);

	if (icmph->type == ICMP_DEST_UNREACH && icmph->code == ICMP_FRAG_NEEDED)
		ipv4_update_pmtu(skb, dev_net(skb->dev), info, 0, IPPROTO_ESP);
	return -ENOENT;
}

static struct xfrm4_protocol actun_esp4_protocol __read_mostly = {
	.handler	= actun_esp4_rcv,
	.input_handler	= actun_esp4_input,
	.cb_handler	= actun_esp4_cb,
	.err_handler	= actun_esp4_err,
	.priority	= ACTUN_XFRM_PRIORITY,
};

/*
 * A datagram on the device's socket: NAT keepalives (one 0xff byte), IKE
 * (the 4-byte non-ESP marker) and anything too short to be ESP go on to
 * the socket's owner; ESP is decrypted here.
 */
static int actun_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct actun_dev *adev = rcu_dereference_sk_user_data(sk);
	unsigned int len = skb->len - sizeof(struct udphdr);
	struct actun_sa *sa;
	__be16 sport;
	__be32 marker;

	if (!adev || len < sizeof(struct ip_esp_hdr) ||
	    !pskb_may_pull(skb, sizeof(struct udphdr) + sizeof(marker)))
		return 1;
	marker = *(__be32 *)(skb->data + sizeof(struct udphdr));
	if (!marker)
		return 1;
	sport = udp_hdr(skb)->source;
	__skb_pull(skb, sizeof(struct udphdr));
	skb_reset_transport_header(skb);
	sa = actun_esp_find(sock_net(sk), skb);
	if (!sa) {
		actun_dev_drop(adev, ACTUN_DROP_RX_NO_SA);
		kfree_skb(skb);
		return 0;
	}
	actun_esp_rcv(sa, skb, sport);
	return 0;
}

static int actun_natt_check(struct socket *sock, struct net *net,
			    struct netlink_ext_ack *extack)
{
	struct sock *sk = sock->sk;

	if (sk->sk_family != AF_INET || sk->sk_type != SOCK_DGRAM ||
	    sk->sk_protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_MOD(extack, "the socket is not an IPv4 UDP socket");
		return -EINVAL;
	}
	if (!net_eq(sock_net(sk), net)) {
		NL_SET_ERR_MSG_MOD(extack, "the socket belongs to another network namespace than the device");
		return -EINVAL;
	}
	if (!inet_sk(sk)->inet_num) {
		NL_SET_ERR_MSG_MOD(extack, "the socket is not bound to a port");
		return -EINVAL;
	}
	if (udp_sk(sk)->encap_type || rcu_access_pointer(sk->sk_user_data)) {
		NL_SET_ERR_MSG_MOD(extack, "the socket already carries an encapsulation (UDP_ENCAP or another device)");
		return -EBUSY;
	}
	/* GRO would hand over several ESP packets as one. */
	if (udp_test_bit(GRO_ENABLED, sk)) {
		NL_SET_ERR_MSG_MOD(extack, "the socket has UDP_GRO on");
		return -EINVAL;
	}
	return 0;
}

/**
 * actun_natt_attach - take a UDP socket for ESP in UDP
 * @adev: the device
 * @fd: the socket, a descriptor of the calling process
 * @extack: where to explain a refusal
 *
 * The device keeps its own reference to the socket until
 * actun_natt_detach().
 *
 * Return: 0 or a negative errno.
 */
int actun_natt_attach(struct actun_dev *adev, int fd,
		      struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data	= adev,
		.encap_type	= UDP_ENCAP_ESPINUDP,
		.encap_rcv	= actun_udp_encap_rcv,
	};
	struct socket *sock;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		NL_SET_ERR_MSG_MOD(extack, "the file descriptor is not a socket of the calling process");
		return err;
	}
	mutex_lock(&actun_natt_lock);
	/* Against the owner's setsockopt() between the check and the setup. */
	lock_sock(sock->sk);
	err = actun_natt_check(sock, dev_net(adev->dev), extack);
	if (!err && (adev->encap_sock || READ_ONCE(adev->dead))) {
		NL_SET_ERR_MSG_MOD(extack, "the device already has a socket (detach it first) or is being deleted");
		err = -EBUSY;
	}
	if (!err) {
		setup_udp_tunnel_sock(dev_net(adev->dev), sock, &cfg);
		adev->encap_sock = sock;
	}
	release_sock(sock->sk);
	mutex_unlock(&actun_natt_lock);
	if (err)
		sockfd_put(sock);
	return err;
}

/**
 * actun_natt_detach - give the device's UDP socket back
 * @adev: the device
 *
 * Once this returns no datagram of the socket reaches the device any more.
 *
 * Return: false if the device had no socket.
 */
bool actun_natt_detach(struct actun_dev *adev)
{
	struct socket *sock;
	struct sock *sk;

	mutex_lock(&actun_natt_lock);
	sock = adev->encap_sock;
	adev->encap_sock = NULL;
	if (sock) {
		sk = sock->sk;
		lock_sock(sk);
		WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
		udp_sk(sk)->encap_type = 0;
		rcu_assign_sk_user_data(sk, NULL);
		release_sock(sk);
	}
	mutex_unlock(&actun_natt_lock);
	if (!sock)
		return false;
	synchronize_net();
	sockfd_put(sock);
	return true;
}

/**
 * actun_esp_input_init - start receiving raw ESP
 *
 * Return: 0 or a negative errno (-EEXIST if the priority is taken).
 */
int actun_esp_input_init(void)
{
	return xfrm4_protocol_register(&actun_esp4_protocol, IPPROTO_ESP);
}

/**
 * actun_esp_input_exit - stop receiving raw ESP
 */
void actun_esp_input_exit(void)
{
	xfrm4_protocol_deregister(&actun_esp4_protocol, IPPROTO_ESP);
}
