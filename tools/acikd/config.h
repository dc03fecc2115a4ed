/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * config.h - acikd's configuration: what the configuration file says, as
 * the rest of the daemon reads it. config.c parses the file into these
 * structs; nothing else writes them. A reload parses a new struct
 * acikd_config and swaps it in: established SAs keep a reference to the
 * struct conn they were negotiated under (conn_get/conn_put).
 */
#ifndef ACIKD_CONFIG_H
#define ACIKD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "chunk.h"

/* IKEv2 Identification types acikd accepts (RFC 7296 3.5). */
enum ike_id_type {
	IKE_ID_IPV4_ADDR = 1,
	IKE_ID_FQDN = 2,
	IKE_ID_RFC822_ADDR = 3,
	IKE_ID_KEY_ID = 11,
};

/**
 * struct ike_id - an identity as it goes on the wire
 * @type: enum ike_id_type
 * @data: the ID data (4 address bytes, or the name's bytes without NUL)
 */
struct ike_id {
	uint8_t type;
	struct chunk data;
};

/**
 * struct ike_proposal - one IKE proposal: each list is tried in order
 * @encr: ENCR_* ids, with @encr_keybits[i] the key length of @encr[i]
 * @encr_keybits: see @encr
 * @n_encr: entries in @encr
 * @integ: AUTH_* ids (empty for AEAD-only proposals)
 * @n_integ: entries in @integ
 * @prf: PRF_* ids
 * @n_prf: entries in @prf
 * @dh: key exchange groups (5, 14, 20); for ESP proposals the PFS groups,
 *	none for no PFS
 * @n_dh: entries in @dh
 */
struct ike_proposal {
	uint16_t encr[4], encr_keybits[4];
	unsigned int n_encr;
	uint16_t integ[4];
	unsigned int n_integ;
	uint16_t prf[4];
	unsigned int n_prf;
	uint16_t dh[4];
	unsigned int n_dh;
};

/**
 * struct ts_prefix - a traffic selector as configured: an IPv4 or IPv6
 *	prefix, all protocols and ports
 * @family: AF_INET or AF_INET6
 * @addr: the prefix (network byte order), 4 or 16 bytes used
 * @plen: prefix length
 */
struct ts_prefix {
	int family;
	uint8_t addr[16];
	uint8_t plen;
};

#define CONFIG_MAX_PROPOSALS	8
#define CONFIG_MAX_TS		16
/*
 * NAT keepalives: strongSwan's default interval; NATs commonly drop an
 * idle UDP mapping after 30 s to a few minutes, so more than an hour
 * between keepalives is a mistake, not a choice.
 */
#define CONFIG_KEEPALIVE_SECONDS	20
#define CONFIG_KEEPALIVE_MAX		3600
#define CONFIG_DIGEST_LEN		32
/* Worker processes: more than a server has cores buys nothing. */
#define CONFIG_WORKERS_MAX		64

/**
 * struct conn - one connection: a customer router and how to talk to it
 * @name: the section name in the file
 * @refs: references: the config, and each IKE SA negotiated under it
 * @local: our address (the anycast address), port 0 = 500/4500
 * @remote: the customer router; INADDR_ANY accepts any address (then the
 *	IDs alone pick the connection)
 * @local_id: our identity
 * @remote_id: the identity the peer must present
 * @psk: the pre-shared key (secret: wiped when the conn is freed)
 * @ike: IKE proposals in preference order; @n_ike entries
 * @n_ike: see @ike
 * @esp: Child SA proposals; @n_esp entries
 * @n_esp: see @esp
 * @local_ts: traffic selectors on our side (the Internet side: usually
 *	0.0.0.0/0); @n_local_ts entries
 * @n_local_ts: see @local_ts
 * @remote_ts: the customer's prefixes; routes to them go into actun
 * @n_remote_ts: see @remote_ts
 * @actun_dev: the actun device name
 * @actun_tunnel: the ipsec tunnel (in @actun_dev) the Child SAs go into
 * @rekey_seconds: Child and IKE SA rekey interval (default 4 h)
 * @dpd_seconds: liveness check interval when the peer is silent (default 30)
 * @dpd_timeout_seconds: give up after this long without an answer (150)
 * @fragmentation: offer/accept IKE fragmentation (RFC 7383); default on
 * @fragment_size: the largest IP datagram a fragment may make (RFC 7383
 *	2.5.1), 576 to 65535; default 1280 (0 in a zeroed struct: 1280 too)
 * @allow_null: NULL encryption may be negotiated (explicit opt-in)
 * @initiate: this end initiates (tests, site-to-site, load generation)
 */
struct conn {
	char name[64];
	unsigned int refs;
	struct sockaddr_in local;
	struct sockaddr_in remote;
	struct ike_id local_id;
	struct ike_id remote_id;
	struct chunk psk;
	struct ike_proposal ike[CONFIG_MAX_PROPOSALS];
	unsigned int n_ike;
	struct ike_proposal esp[CONFIG_MAX_PROPOSALS];
	unsigned int n_esp;
	struct ts_prefix local_ts[CONFIG_MAX_TS];
	unsigned int n_local_ts;
	struct ts_prefix remote_ts[CONFIG_MAX_TS];
	unsigned int n_remote_ts;
	char actun_dev[16];
	char actun_tunnel[32];
	uint32_t rekey_seconds;
	uint32_t dpd_seconds;
	uint32_t dpd_timeout_seconds;
	bool fragmentation;
	unsigned int fragment_size;
	bool allow_null;
	bool initiate;
};

/**
 * struct acikd_config - the whole configuration file
 * @conns: the connections; @n_conns entries
 * @n_conns: see @conns
 * @ctl_path: the control socket's path
 * @half_open_cookie_threshold: from this many half-open IKE SAs on,
 *	IKE_SA_INIT requests must carry a COOKIE (RFC 7296 2.6); 0: always
 * @dh_reuse_seconds: how long the responder reuses its key pair of a
 *	group (RFC 7296 2.12, crypto/dh_cache.h); 0 (default): never
 * @keepalive_seconds: NAT keepalive interval when we are behind a NAT
 *	(RFC 3948 2.3); 0: none
 * @workers: worker processes, each with its own event loop and share of
 *	the IKE SAs (workers.h); 1: the process does it all
 * @fleet_path: acfleetd's socket: replicate Child SAs and routes to the
 *	fleet (fleet_feed.h); empty: this edge only
 * @digest: SHA-256 of the file's bytes: the workers of a reload check
 *	that they all read the same version
 */
struct acikd_config {
	struct conn **conns;
	unsigned int n_conns;
	char ctl_path[108];
	unsigned int half_open_cookie_threshold;
	unsigned int dh_reuse_seconds;
	unsigned int keepalive_seconds;
	unsigned int workers;
	char fleet_path[108];
	uint8_t digest[CONFIG_DIGEST_LEN];
};

int config_load(const char *path, struct acikd_config **out, char *err,
		size_t errlen);
void config_free(struct acikd_config *cfg);
struct conn *conn_get(struct conn *c);
void conn_put(struct conn *c);

struct conn *config_find_by_ids(const struct acikd_config *cfg,
				const struct sockaddr_in *local,
				const struct sockaddr_in *remote,
				const struct ike_id *remote_id,
				const struct ike_id *local_id);
const struct conn *config_find_by_addrs(const struct acikd_config *cfg,
					const struct sockaddr_in *local,
					const struct sockaddr_in *remote);

#endif /* ACIKD_CONFIG_H */
