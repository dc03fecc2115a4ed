/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * actun: anycast GRE/ESP tunnel device, generic netlink interface.
 *
 * Documentation/netlink/specs/actun.yaml is the contract this header
 * implements; Documentation/uapi.md explains every command and attribute.
 *
 * Object tree (every request names the device with ACTUN_A_IFINDEX or
 * ACTUN_A_IFNAME, except dumps that may span all actun devices of the
 * caller's network namespace):
 *
 *   ACTUN_A_IFINDEX, ACTUN_A_IFNAME
 *   ACTUN_A_TUNNEL  (nest, enum actun_tunnel_attr)
 *   ACTUN_A_SA      (nest, enum actun_sa_attr)
 *   ACTUN_A_ROUTE   (nest, enum actun_route_attr)
 *   ACTUN_A_FLEET   (nest, enum actun_fleet_attr)   per namespace, no device
 *   ACTUN_A_SOCKET_FD
 *
 * Commands and attributes marked "reserved" are part of the numbering plan
 * so that later versions stay binary compatible; a kernel that does not
 * implement them answers -EOPNOTSUPP for the command.
 */
#ifndef _UAPI_LINUX_ACTUN_H
#define _UAPI_LINUX_ACTUN_H

#define ACTUN_GENL_NAME		"actun"
#define ACTUN_GENL_VERSION	1
#define ACTUN_MCGRP_CONFIG	"config"

/* Longest tunnel name, including the terminating NUL. */
#define ACTUN_TUNNEL_NAMSIZ	32

/* Outer header overhead of GRE over IPv4 without key: IPv4 20 + GRE 4. */
#define ACTUN_GRE_OVERHEAD	24
#define ACTUN_MTU_MIN		68
#define ACTUN_MTU_MAX		(65535 - ACTUN_GRE_OVERHEAD)
#define ACTUN_MTU_DEFAULT	1476
/* Default inner MTU of ipsec tunnels: MSS 1360, as the seeds require. */
#define ACTUN_MTU_IPSEC_DEFAULT	1400
#define ACTUN_MSS_MIN		536

/**
 * enum actun_cmd - generic netlink commands of the "actun" family
 * @ACTUN_CMD_TUNNEL_NEW: create a tunnel; also the notification for it
 * @ACTUN_CMD_TUNNEL_DEL: delete a tunnel by id or name; notification too
 * @ACTUN_CMD_TUNNEL_GET: get one tunnel (doit) or dump tunnels (dumpit)
 * @ACTUN_CMD_TUNNEL_SET: change mutable fields of a tunnel; notification too
 * @ACTUN_CMD_SA_NEW: install an ESP security association; notification too
 * @ACTUN_CMD_SA_DEL: delete an SA by (tunnel, direction, SPI); notification too
 * @ACTUN_CMD_SA_GET: get one SA (doit) or dump the SAs of one device,
 *	optionally of one tunnel (dumpit; the device is required); keys are
 *	never returned
 * @ACTUN_CMD_SA_EXPIRE: notification only: an SA reached its soft lifetime
 *	(rekey now) or its hard lifetime (no longer used); carries
 *	ACTUN_SA_A_EXPIRED
 * @ACTUN_CMD_ROUTE_NEW: route a prefix to a tunnel; notification too
 * @ACTUN_CMD_ROUTE_DEL: delete a route; notification too
 * @ACTUN_CMD_ROUTE_GET: dump routes (of one tunnel, or of the device)
 * @ACTUN_CMD_FLEET_SET: set this namespace's fleet identity (ACTUN_A_FLEET),
 *	or claim, renew or release a (server id, epoch) pair; no device needed
 * @ACTUN_CMD_FLEET_GET: read them back; no device needed
 * @ACTUN_CMD_SOCKET_ATTACH: hand the device a bound IPv4 UDP socket
 *	(ACTUN_A_SOCKET_FD, normally port 4500) for ESP-in-UDP (RFC 3948):
 *	the device consumes ESP arriving on it and leaves IKE (non-ESP
 *	marker) and NAT keepalives to the socket's owner. The device keeps the
 *	socket open until SOCKET_DETACH or its own deletion.
 * @ACTUN_CMD_SOCKET_DETACH: release the device's reference to the
 *	attached socket and undo the encapsulation hook; the socket then
 *	delivers every datagram to its owner again
 */
enum actun_cmd {
	ACTUN_CMD_UNSPEC,
	ACTUN_CMD_TUNNEL_NEW,
	ACTUN_CMD_TUNNEL_DEL,
	ACTUN_CMD_TUNNEL_GET,
	ACTUN_CMD_TUNNEL_SET,
	ACTUN_CMD_SA_NEW,
	ACTUN_CMD_SA_DEL,
	ACTUN_CMD_SA_GET,
	ACTUN_CMD_SA_EXPIRE,
	ACTUN_CMD_ROUTE_NEW,
	ACTUN_CMD_ROUTE_DEL,
	ACTUN_CMD_ROUTE_GET,
	ACTUN_CMD_FLEET_SET,
	ACTUN_CMD_FLEET_GET,
	ACTUN_CMD_SOCKET_ATTACH,
	ACTUN_CMD_SOCKET_DETACH,

	__ACTUN_CMD_MAX,
	ACTUN_CMD_MAX = __ACTUN_CMD_MAX - 1
};

/**
 * enum actun_attr - top-level attributes
 * @ACTUN_A_IFINDEX: u32, the actun device
 * @ACTUN_A_IFNAME: string, the actun device by name (IFINDEX wins if both)
 * @ACTUN_A_TUNNEL: nest of enum actun_tunnel_attr
 * @ACTUN_A_SA: nest of enum actun_sa_attr
 * @ACTUN_A_ROUTE: nest of enum actun_route_attr
 * @ACTUN_A_PAD: padding for 64-bit attributes
 * @ACTUN_A_FLEET: nest of enum actun_fleet_attr
 * @ACTUN_A_SOCKET_FD: u32, a file descriptor of the requesting process
 *	(SOCKET_ATTACH)
 */
enum actun_attr {
	ACTUN_A_UNSPEC,
	ACTUN_A_IFINDEX,
	ACTUN_A_IFNAME,
	ACTUN_A_TUNNEL,
	ACTUN_A_SA,
	ACTUN_A_ROUTE,
	ACTUN_A_PAD,
	ACTUN_A_FLEET,
	ACTUN_A_SOCKET_FD,

	__ACTUN_A_MAX,
	ACTUN_A_MAX = __ACTUN_A_MAX - 1
};

/**
 * enum actun_tunnel_mode - encapsulation of a tunnel
 * @ACTUN_MODE_GRE: GRE (RFC 2784/2890) over IPv4
 * @ACTUN_MODE_IPSEC: ESP tunnel mode (RFC 4303) over IPv4, optionally in UDP
 */
enum actun_tunnel_mode {
	ACTUN_MODE_UNSPEC,
	ACTUN_MODE_GRE,
	ACTUN_MODE_IPSEC,

	__ACTUN_MODE_MAX,
	ACTUN_MODE_MAX = __ACTUN_MODE_MAX - 1
};

/**
 * enum actun_tunnel_state - health of a tunnel as seen by this server
 * @ACTUN_STATE_UP: carrying traffic
 * @ACTUN_STATE_DEGRADED: health probes see loss; routes lose preference
 * @ACTUN_STATE_DOWN: health probes fail; routes are not used
 */
enum actun_tunnel_state {
	ACTUN_STATE_UNSPEC,
	ACTUN_STATE_UP,
	ACTUN_STATE_DEGRADED,
	ACTUN_STATE_DOWN,

	__ACTUN_STATE_MAX,
	ACTUN_STATE_MAX = __ACTUN_STATE_MAX - 1
};

/* Value of ACTUN_TUNNEL_A_TOS that copies the inner packet's DSCP/ECN. */
#define ACTUN_TOS_INHERIT	1

/**
 * enum actun_tunnel_attr - attributes nested in ACTUN_A_TUNNEL
 * @ACTUN_TUNNEL_A_ID: u32, tunnel id, unique per device. Optional on NEW
 *	(the kernel allocates one); identifies the tunnel on DEL/GET/SET.
 * @ACTUN_TUNNEL_A_NAME: NUL-terminated string, unique per device, at most
 *	ACTUN_TUNNEL_NAMSIZ bytes with the NUL. Required on NEW; identifies
 *	the tunnel on DEL/GET/SET when no id is given. Immutable.
 * @ACTUN_TUNNEL_A_MODE: u8, enum actun_tunnel_mode. Required on NEW; immutable.
 * @ACTUN_TUNNEL_A_LOCAL_IPV4: be32, the (anycast) outer source. Required on NEW.
 * @ACTUN_TUNNEL_A_REMOTE_IPV4: be32, the customer router. Required on NEW.
 * @ACTUN_TUNNEL_A_LOCAL_IPV6: 16 bytes; reserved for IPv6 outer headers,
 *	rejected by this version.
 * @ACTUN_TUNNEL_A_REMOTE_IPV6: 16 bytes; as ACTUN_TUNNEL_A_LOCAL_IPV6.
 * @ACTUN_TUNNEL_A_KEY: u32, GRE key (RFC 2890); gre tunnels only.
 * @ACTUN_TUNNEL_A_NO_KEY: flag, SET only: remove the GRE key.
 * @ACTUN_TUNNEL_A_TTL: u8, outer TTL; 0 copies the inner TTL.
 * @ACTUN_TUNNEL_A_TOS: u8, outer TOS; ACTUN_TOS_INHERIT copies the inner one.
 * @ACTUN_TUNNEL_A_MTU: u32, inner MTU, ACTUN_MTU_MIN..ACTUN_MTU_MAX;
 *	default ACTUN_MTU_DEFAULT.
 * @ACTUN_TUNNEL_A_ADDR_IPV4: be32, interface address used by health probes.
 * @ACTUN_TUNNEL_A_ADDR_IPV6: 16 bytes, interface address (IPv6).
 * @ACTUN_TUNNEL_A_ADDR_PREFIXLEN: u8, prefix length of the interface
 *	address: 30 or 31 for IPv4, 126 or 127 for IPv6. Required with an address.
 * @ACTUN_TUNNEL_A_NO_ADDR: flag, SET only: remove the interface address.
 * @ACTUN_TUNNEL_A_STATE: u8, enum actun_tunnel_state; read-only.
 * @ACTUN_TUNNEL_A_IFINDEX: u32, the device holding the tunnel; read-only
 *	(in replies and notifications, so dumps over several devices say
 *	which device each tunnel belongs to).
 * @ACTUN_TUNNEL_A_STATS: nest of enum actun_stats_attr; read-only.
 * @ACTUN_TUNNEL_A_MSS: u16, TCP MSS that SYNs crossing the tunnel (both
 *	directions) are clamped to; 0 (the default) derives it from the MTU
 *	(MTU - 40 for IPv4, MTU - 60 for IPv6). Replies carry the value in use.
 * @ACTUN_TUNNEL_A_PAD: padding for 64-bit attributes.
 * @ACTUN_TUNNEL_A_ALLOW_NULL: u8, 0 or 1; ipsec tunnels only: 1 lets SAs
 *	of the tunnel use ACTUN_SA_ENC_NULL (no encryption, integrity only),
 *	an explicit opt-in. Default 0.
 *
 * The default MTU is ACTUN_MTU_DEFAULT for gre tunnels and
 * ACTUN_MTU_IPSEC_DEFAULT for ipsec tunnels; an ipsec tunnel also never
 * sends more than its outbound SA's overhead leaves of the path MTU.
 */
enum actun_tunnel_attr {
	ACTUN_TUNNEL_A_UNSPEC,
	ACTUN_TUNNEL_A_ID,
	ACTUN_TUNNEL_A_NAME,
	ACTUN_TUNNEL_A_MODE,
	ACTUN_TUNNEL_A_LOCAL_IPV4,
	ACTUN_TUNNEL_A_REMOTE_IPV4,
	ACTUN_TUNNEL_A_LOCAL_IPV6,
	ACTUN_TUNNEL_A_REMOTE_IPV6,
	ACTUN_TUNNEL_A_KEY,
	ACTUN_TUNNEL_A_NO_KEY,
	ACTUN_TUNNEL_A_TTL,
	ACTUN_TUNNEL_A_TOS,
	ACTUN_TUNNEL_A_MTU,
	ACTUN_TUNNEL_A_ADDR_IPV4,
	ACTUN_TUNNEL_A_ADDR_IPV6,
	ACTUN_TUNNEL_A_ADDR_PREFIXLEN,
	ACTUN_TUNNEL_A_NO_ADDR,
	ACTUN_TUNNEL_A_STATE,
	ACTUN_TUNNEL_A_IFINDEX,
	ACTUN_TUNNEL_A_STATS,
	ACTUN_TUNNEL_A_MSS,
	ACTUN_TUNNEL_A_PAD,
	ACTUN_TUNNEL_A_ALLOW_NULL,

	__ACTUN_TUNNEL_A_MAX,
	ACTUN_TUNNEL_A_MAX = __ACTUN_TUNNEL_A_MAX - 1
};

/**
 * enum actun_stats_attr - per-tunnel counters (u64), nested in
 *	ACTUN_TUNNEL_A_STATS
 * @ACTUN_STATS_A_RX_PACKETS: packets decapsulated and delivered
 * @ACTUN_STATS_A_RX_BYTES: inner bytes delivered
 * @ACTUN_STATS_A_TX_PACKETS: packets encapsulated and sent
 * @ACTUN_STATS_A_TX_BYTES: inner bytes sent
 * @ACTUN_STATS_A_RX_DROP_SOURCE: received, inner source not routed to
 *	this tunnel (spoofed or misconfigured)
 * @ACTUN_STATS_A_RX_DROP_PROTO: received, inner protocol neither IPv4 nor
 *	IPv6
 * @ACTUN_STATS_A_RX_DROP_HEADER: received from this tunnel's endpoints,
 *	GRE header malformed (flags, version, checksum, truncated)
 * @ACTUN_STATS_A_TX_DROP_MTU: not sent, larger than the MTU (the sender
 *	got ICMP fragmentation-needed / packet-too-big)
 * @ACTUN_STATS_A_TX_DROP_OUTER_ROUTE: not sent, no route to the remote
 * @ACTUN_STATS_A_RX_KEEPALIVES: GRE keepalives received and reflected
 * @ACTUN_STATS_A_TX_DROP_NO_SA: not sent, the ipsec tunnel has no usable
 *	outbound SA (none, hard-expired, or sequence numbers exhausted)
 * @ACTUN_STATS_A_RX_DROP_AUTH: received ESP failed its integrity check
 * @ACTUN_STATS_A_RX_DROP_REPLAY: received ESP replayed or older than the
 *	SA's replay window
 * @ACTUN_STATS_A_PAD: padding
 * @ACTUN_STATS_A_TX_DROP_NO_CLAIM: not sent, the tunnel's outbound SA is a
 *	fleet SA (ACTUN_SA_A_FLEET) and the network namespace holds no valid
 *	claim (ACTUN_CMD_FLEET_SET)
 */
enum actun_stats_attr {
	ACTUN_STATS_A_UNSPEC,
	ACTUN_STATS_A_RX_PACKETS,
	ACTUN_STATS_A_RX_BYTES,
	ACTUN_STATS_A_TX_PACKETS,
	ACTUN_STATS_A_TX_BYTES,
	ACTUN_STATS_A_RX_DROP_SOURCE,
	ACTUN_STATS_A_RX_DROP_PROTO,
	ACTUN_STATS_A_RX_DROP_HEADER,
	ACTUN_STATS_A_TX_DROP_MTU,
	ACTUN_STATS_A_TX_DROP_OUTER_ROUTE,
	ACTUN_STATS_A_RX_KEEPALIVES,
	ACTUN_STATS_A_TX_DROP_NO_SA,
	ACTUN_STATS_A_RX_DROP_AUTH,
	ACTUN_STATS_A_RX_DROP_REPLAY,
	ACTUN_STATS_A_PAD,
	ACTUN_STATS_A_TX_DROP_NO_CLAIM,

	__ACTUN_STATS_A_MAX,
	ACTUN_STATS_A_MAX = __ACTUN_STATS_A_MAX - 1
};

/* SA bounds. SPIs 1-255 are reserved by IANA; 0 marks IKE in UDP. */
#define ACTUN_SA_SPI_MIN		256
#define ACTUN_SA_REPLAY_WINDOW_MAX	4096
/* Per-SA lifetime default: soft at this share (percent) of a hard limit. */
#define ACTUN_SA_SOFT_PERCENT		90

/**
 * enum actun_sa_dir - direction of an SA
 * @ACTUN_SA_DIR_IN: decrypts what the customer router sends
 * @ACTUN_SA_DIR_OUT: encrypts what the device sends to it
 */
enum actun_sa_dir {
	ACTUN_SA_DIR_UNSPEC,
	ACTUN_SA_DIR_IN,
	ACTUN_SA_DIR_OUT,

	__ACTUN_SA_DIR_MAX,
	ACTUN_SA_DIR_MAX = __ACTUN_SA_DIR_MAX - 1
};

/**
 * enum actun_sa_enc - ESP encryption transforms
 * @ACTUN_SA_ENC_NULL: none (RFC 2410); needs an auth transform and a
 *	tunnel with ACTUN_TUNNEL_A_ALLOW_NULL
 * @ACTUN_SA_ENC_GCM_AES_128: AES-GCM, 16-byte ICV (RFC 4106); key 16 + 4
 *	bytes (the salt is the last 4); no auth transform
 * @ACTUN_SA_ENC_GCM_AES_256: as above with a 32 + 4 byte key
 * @ACTUN_SA_ENC_CBC_AES_128: AES-CBC (RFC 3602), 16-byte key; needs auth
 * @ACTUN_SA_ENC_CBC_AES_256: AES-CBC, 32-byte key; needs auth
 */
enum actun_sa_enc {
	ACTUN_SA_ENC_UNSPEC,
	ACTUN_SA_ENC_NULL,
	ACTUN_SA_ENC_GCM_AES_128,
	ACTUN_SA_ENC_GCM_AES_256,
	ACTUN_SA_ENC_CBC_AES_128,
	ACTUN_SA_ENC_CBC_AES_256,

	__ACTUN_SA_ENC_MAX,
	ACTUN_SA_ENC_MAX = __ACTUN_SA_ENC_MAX - 1
};

/**
 * enum actun_sa_auth - ESP integrity transforms (with CBC or NULL only)
 * @ACTUN_SA_AUTH_NONE: none (the GCM transforms)
 * @ACTUN_SA_AUTH_HMAC_SHA256: HMAC-SHA2-256-128 (RFC 4868), 32-byte key
 * @ACTUN_SA_AUTH_HMAC_SHA1: HMAC-SHA1-96 (RFC 2404), 20-byte key
 */
enum actun_sa_auth {
	ACTUN_SA_AUTH_NONE,
	ACTUN_SA_AUTH_HMAC_SHA256,
	ACTUN_SA_AUTH_HMAC_SHA1,

	__ACTUN_SA_AUTH_MAX,
	ACTUN_SA_AUTH_MAX = __ACTUN_SA_AUTH_MAX - 1
};

/**
 * enum actun_sa_expiry - lifetime state of an SA
 * @ACTUN_SA_EXPIRY_NONE: within its lifetimes
 * @ACTUN_SA_EXPIRY_SOFT: past a soft lifetime: still used, rekey due
 * @ACTUN_SA_EXPIRY_HARD: past a hard lifetime: no longer used
 */
enum actun_sa_expiry {
	ACTUN_SA_EXPIRY_NONE,
	ACTUN_SA_EXPIRY_SOFT,
	ACTUN_SA_EXPIRY_HARD,

	__ACTUN_SA_EXPIRY_MAX,
	ACTUN_SA_EXPIRY_MAX = __ACTUN_SA_EXPIRY_MAX - 1
};

/**
 * enum actun_sa_attr - attributes nested in ACTUN_A_SA
 * @ACTUN_SA_A_TUNNEL_ID: u32, the ipsec tunnel the SA belongs to; NEW and
 *	DEL need it or ACTUN_SA_A_TUNNEL_NAME; filters a dump
 * @ACTUN_SA_A_SPI: u32 (host order), security parameter index,
 *	>= ACTUN_SA_SPI_MIN. An inbound SPI is unique in the network
 *	namespace (receive finds the SA by SPI alone); an outbound one per
 *	tunnel.
 * @ACTUN_SA_A_DIR: u8, enum actun_sa_dir. Required on NEW, DEL and GET.
 * @ACTUN_SA_A_TUNNEL_NAME: string, the tunnel by name; replies carry both.
 * @ACTUN_SA_A_ENC_ALG: u8, enum actun_sa_enc. Required on NEW.
 * @ACTUN_SA_A_ENC_KEY: binary, the encryption key (with the salt for GCM);
 *	absent for NULL. Write-only: never in replies.
 * @ACTUN_SA_A_AUTH_ALG: u8, enum actun_sa_auth; required with CBC and NULL,
 *	refused with GCM.
 * @ACTUN_SA_A_AUTH_KEY: binary, the integrity key. Write-only.
 * @ACTUN_SA_A_ENCAP_SPORT: u16 (host order): ESP in UDP (RFC 3948) with
 *	this source port, normally 4500. With ACTUN_SA_A_ENCAP_DPORT.
 * @ACTUN_SA_A_ENCAP_DPORT: u16, the peer's port. Once ESP in UDP from the
 *	tunnel's remote authenticates under an inbound SA, the tunnel's
 *	outbound SAs follow the port it came from (NAT mapping changes).
 * @ACTUN_SA_A_REPLAY_WINDOW: u32, inbound: 0 (default, anti-replay off as
 *	anycast needs) or 1..ACTUN_SA_REPLAY_WINDOW_MAX packets.
 * @ACTUN_SA_A_ESN: flag; extended sequence numbers are refused.
 * @ACTUN_SA_A_SOFT_BYTES: u64, bytes after which SA_EXPIRE (soft) is sent;
 *	default ACTUN_SA_SOFT_PERCENT of ACTUN_SA_A_HARD_BYTES
 * @ACTUN_SA_A_HARD_BYTES: u64, bytes after which the SA is no longer used;
 *	0 (default) for no limit
 * @ACTUN_SA_A_SOFT_SECONDS: u64, as ACTUN_SA_A_SOFT_BYTES in seconds
 * @ACTUN_SA_A_HARD_SECONDS: u64, as ACTUN_SA_A_HARD_BYTES in seconds
 * @ACTUN_SA_A_EXPIRED: u8, enum actun_sa_expiry; read-only
 * @ACTUN_SA_A_AGE: u64, seconds since the SA was installed; read-only
 * @ACTUN_SA_A_SERVER_ID: u16, outbound, read-only: the fleet server id the
 *	SA's explicit IVs carry (fixed when the SA is installed; for a fleet
 *	SA, the current claim's, absent while there is no claim)
 * @ACTUN_SA_A_EPOCH: u16, outbound: the middle 16 bits of every GCM
 *	explicit IV (server id || epoch || sequence number). A server that
 *	installs again an SA it has already sent with (after a restart) must
 *	give a new epoch, since its sequence numbers start again at 1; random
 *	when not given. Refused with ACTUN_SA_A_FLEET. Replies carry the value
 *	in use (for a fleet SA, the current claim's).
 * @ACTUN_SA_A_FLEET: flag, a replicated SA, held by every server of the
 *	fleet. Outbound, it sends only while the network namespace holds a
 *	valid claim (ACTUN_FLEET_A_EPOCH, ACTUN_FLEET_A_LEASE_MS), and its GCM
 *	IVs carry the claim's server id and epoch at the time of sending;
 *	without one, packets are dropped and counted (tx_drop_no_claim,
 *	ACTUN_SA_STATS_A_DROP_NO_CLAIM). Inbound, a mark only.
 * @ACTUN_SA_A_STATS: nest of enum actun_sa_stats_attr; read-only
 * @ACTUN_SA_A_IFINDEX: u32, the device; read-only
 * @ACTUN_SA_A_PAD: padding for 64-bit attributes
 */
enum actun_sa_attr {
	ACTUN_SA_A_UNSPEC,
	ACTUN_SA_A_TUNNEL_ID,
	ACTUN_SA_A_SPI,
	ACTUN_SA_A_DIR,
	ACTUN_SA_A_TUNNEL_NAME,
	ACTUN_SA_A_ENC_ALG,
	ACTUN_SA_A_ENC_KEY,
	ACTUN_SA_A_AUTH_ALG,
	ACTUN_SA_A_AUTH_KEY,
	ACTUN_SA_A_ENCAP_SPORT,
	ACTUN_SA_A_ENCAP_DPORT,
	ACTUN_SA_A_REPLAY_WINDOW,
	ACTUN_SA_A_ESN,
	ACTUN_SA_A_SOFT_BYTES,
	ACTUN_SA_A_HARD_BYTES,
	ACTUN_SA_A_SOFT_SECONDS,
	ACTUN_SA_A_HARD_SECONDS,
	ACTUN_SA_A_EXPIRED,
	ACTUN_SA_A_AGE,
	ACTUN_SA_A_SERVER_ID,
	ACTUN_SA_A_STATS,
	ACTUN_SA_A_IFINDEX,
	ACTUN_SA_A_PAD,
	ACTUN_SA_A_EPOCH,
	ACTUN_SA_A_FLEET,

	__ACTUN_SA_A_MAX,
	ACTUN_SA_A_MAX = __ACTUN_SA_A_MAX - 1
};

/**
 * enum actun_sa_stats_attr - per-SA counters (u64), in ACTUN_SA_A_STATS
 * @ACTUN_SA_STATS_A_PACKETS: packets encrypted (out) or decrypted and
 *	accepted (in)
 * @ACTUN_SA_STATS_A_BYTES: their inner bytes (the lifetime counts these)
 * @ACTUN_SA_STATS_A_DROP_AUTH: in: integrity check failed (wrong key,
 *	corrupted or forged)
 * @ACTUN_SA_STATS_A_DROP_REPLAY: in: duplicate or older than the window
 * @ACTUN_SA_STATS_A_DROP_TRAILER: in: bad padding or next header
 * @ACTUN_SA_STATS_A_DROP_TRUNCATED: in: shorter than ESP header, IV, one
 *	block and ICV, or not a whole number of cipher blocks
 * @ACTUN_SA_STATS_A_DROP_EXPIRED: past the hard lifetime
 * @ACTUN_SA_STATS_A_DROP_SEQ_EXHAUSTED: out: sequence numbers used up
 *	(2^32 - 1 without ESN); rekey
 * @ACTUN_SA_STATS_A_PAD: padding
 * @ACTUN_SA_STATS_A_DROP_NO_CLAIM: out, fleet SAs: not sent, the network
 *	namespace holds no valid claim
 */
enum actun_sa_stats_attr {
	ACTUN_SA_STATS_A_UNSPEC,
	ACTUN_SA_STATS_A_PACKETS,
	ACTUN_SA_STATS_A_BYTES,
	ACTUN_SA_STATS_A_DROP_AUTH,
	ACTUN_SA_STATS_A_DROP_REPLAY,
	ACTUN_SA_STATS_A_DROP_TRAILER,
	ACTUN_SA_STATS_A_DROP_TRUNCATED,
	ACTUN_SA_STATS_A_DROP_EXPIRED,
	ACTUN_SA_STATS_A_DROP_SEQ_EXHAUSTED,
	ACTUN_SA_STATS_A_PAD,
	ACTUN_SA_STATS_A_DROP_NO_CLAIM,

	__ACTUN_SA_STATS_A_MAX,
	ACTUN_SA_STATS_A_MAX = __ACTUN_SA_STATS_A_MAX - 1
};

/* Longest lease of a fleet claim (ACTUN_FLEET_A_LEASE_MS): one hour. */
#define ACTUN_FLEET_LEASE_MS_MAX	3600000

/**
 * enum actun_fleet_attr - attributes nested in ACTUN_A_FLEET
 * @ACTUN_FLEET_A_SERVER_ID: u16, this server's id in its fleet, unique
 *	across the fleet; default 0. It makes up the first 16 bits of every
 *	GCM explicit IV (Documentation/esp.md), so two servers holding one
 *	replicated SA never reuse a nonce. Outbound SAs that are not fleet
 *	SAs keep the id they were installed with. Alone in FLEET_SET, it sets
 *	the id and drops any claim.
 * @ACTUN_FLEET_A_EPOCH: u16, the epoch of a claim: with SERVER_ID and
 *	LEASE_MS, FLEET_SET claims the pair (server id, epoch), replacing any
 *	claim. Fleet SAs (ACTUN_SA_A_FLEET) send only while a claim is valid,
 *	with its server id and epoch in their GCM IVs. The fleet hands out a
 *	pair at most once, so a namespace may send with any pair it held.
 * @ACTUN_FLEET_A_LEASE_MS: u32, 1..ACTUN_FLEET_LEASE_MS_MAX: the claim is
 *	valid for this many milliseconds from when the kernel processes the
 *	request.
 * @ACTUN_FLEET_A_RENEW: flag, with SERVER_ID, EPOCH and LEASE_MS: only
 *	extend the current claim, which must be of the same server id and
 *	epoch (its lease may have run out); -ESRCH when there is no such
 *	claim (none since the module was loaded, released, or another pair).
 * @ACTUN_FLEET_A_RELEASE: flag, alone: drop the claim; fleet SAs stop
 *	sending before FLEET_SET returns. Releasing no claim is no error.
 * @ACTUN_FLEET_A_LEASE_LEFT_MS: u32, read-only: milliseconds left of the
 *	claim's lease, 0 once it ran out. GET replies and FLEET_SET events
 *	carry it and EPOCH while there is a claim, and neither otherwise.
 *
 * Any other combination in FLEET_SET is refused.
 */
enum actun_fleet_attr {
	ACTUN_FLEET_A_UNSPEC,
	ACTUN_FLEET_A_SERVER_ID,
	ACTUN_FLEET_A_EPOCH,
	ACTUN_FLEET_A_LEASE_MS,
	ACTUN_FLEET_A_RENEW,
	ACTUN_FLEET_A_RELEASE,
	ACTUN_FLEET_A_LEASE_LEFT_MS,

	__ACTUN_FLEET_A_MAX,
	ACTUN_FLEET_A_MAX = __ACTUN_FLEET_A_MAX - 1
};

/* Route defaults and bounds. */
#define ACTUN_ROUTE_PRIORITY_DEFAULT	100
#define ACTUN_ROUTE_WEIGHT_DEFAULT	1
#define ACTUN_ROUTE_WEIGHT_MAX		65535

/**
 * enum actun_route_attr - attributes nested in ACTUN_A_ROUTE
 * @ACTUN_ROUTE_A_TUNNEL_ID: u32, the tunnel the prefix is routed to (on the
 *	same device). NEW and DEL need it or ACTUN_ROUTE_A_TUNNEL_NAME (both
 *	must then name the same tunnel); filters a dump.
 * @ACTUN_ROUTE_A_FAMILY: u8, AF_INET or AF_INET6. Required on NEW and DEL.
 * @ACTUN_ROUTE_A_PREFIX: 4 (AF_INET) or 16 (AF_INET6) bytes, network byte
 *	order; host bits must be zero. Required on NEW and DEL.
 * @ACTUN_ROUTE_A_PREFIXLEN: u8, 0..32 or 0..128. Required on NEW and DEL.
 * @ACTUN_ROUTE_A_PRIORITY: u32, lower is preferred; default
 *	ACTUN_ROUTE_PRIORITY_DEFAULT. Among the routes of the longest matching
 *	prefix, only those of the lowest priority carry traffic.
 * @ACTUN_ROUTE_A_WEIGHT: u32, 1..ACTUN_ROUTE_WEIGHT_MAX, default
 *	ACTUN_ROUTE_WEIGHT_DEFAULT: share of flows among routes of equal
 *	priority (ECMP by flow hash).
 * @ACTUN_ROUTE_A_TUNNEL_NAME: string, the tunnel by name, as an alternative
 *	to ACTUN_ROUTE_A_TUNNEL_ID in requests; replies carry both.
 *
 * A route is identified by (prefix, prefix length, tunnel): the same prefix
 * may be routed to several tunnels. Deleting a tunnel deletes its routes.
 * The same table checks the inner source of received packets: a packet from
 * a tunnel is delivered only if the longest prefix covering its source has a
 * route to that tunnel.
 */
enum actun_route_attr {
	ACTUN_ROUTE_A_UNSPEC,
	ACTUN_ROUTE_A_TUNNEL_ID,
	ACTUN_ROUTE_A_FAMILY,
	ACTUN_ROUTE_A_PREFIX,
	ACTUN_ROUTE_A_PREFIXLEN,
	ACTUN_ROUTE_A_PRIORITY,
	ACTUN_ROUTE_A_WEIGHT,
	ACTUN_ROUTE_A_TUNNEL_NAME,

	__ACTUN_ROUTE_A_MAX,
	ACTUN_ROUTE_A_MAX = __ACTUN_ROUTE_A_MAX - 1
};

#endif /* _UAPI_LINUX_ACTUN_H */
