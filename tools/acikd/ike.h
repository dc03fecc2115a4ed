/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ike.h - the IKEv2 protocol core of acikd, as the rest of the daemon (and
 * the unit tests) drive it.
 *
 * The core does no I/O and reads no clock: it is handed datagrams and the
 * time, and it calls back through struct ike_env_ops to send datagrams and
 * to install or remove Child SAs. The daemon wires the callbacks to its
 * sockets (loop.c) and to actun (kernel.c); the unit tests wire two
 * managers to each other in memory, with a virtual clock.
 */
#ifndef ACIKD_IKE_H
#define ACIKD_IKE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "chunk.h"
#include "config.h"
#include "crypto/transform.h"

/**
 * enum child_install_part - what of a pair a child_install() call puts in
 * @CHILD_INSTALL_PAIR: inbound, then outbound, then routes (if first)
 * @CHILD_INSTALL_IN: inbound and routes only: a rekey's responder holds
 *	the new outbound SA back until the peer deletes the old pair, as the
 *	peer may not have its new inbound SA yet (strongSwan does the same)
 * @CHILD_INSTALL_OUT: the outbound SA held back of a pair installed with
 *	CHILD_INSTALL_IN (@remote_ts and @first are not read)
 */
enum child_install_part {
	CHILD_INSTALL_PAIR,
	CHILD_INSTALL_IN,
	CHILD_INSTALL_OUT,
};

/**
 * struct child_sa_install - a Child SA pair to put into actun
 * @conn: the connection (its actun_dev and actun_tunnel name the tunnel;
 *	its remote_ts are the routes)
 * @spi_in: our SPI: the peer sends with it (the inbound SA), host order
 * @spi_out: the peer's SPI: we send with it (the outbound SA), host order
 * @suite: the Child SA's encryption and integrity (prf unused)
 * @encr_in: encryption key (+ GCM salt) of the inbound SA
 * @integ_in: integrity key of the inbound SA (empty for GCM)
 * @encr_out: encryption key (+ GCM salt) of the outbound SA
 * @integ_out: integrity key of the outbound SA (empty for GCM)
 * @encap: ESP in UDP (NAT detected), from @sport to @dport
 * @sport: our UDP port, normally 4500
 * @dport: the peer's UDP port
 * @soft_seconds: when actun should announce that a rekey is due
 * @hard_seconds: when actun stops using the SA
 * @remote_ts: the narrowed remote traffic selectors: routes to the tunnel
 * @n_remote_ts: entries in @remote_ts
 * @first: the first Child SA of the tunnel: routes are added with it
 * @part: all of it, or its inbound or outbound half
 *
 * Keys are views owned by the core; the callback copies what it keeps.
 */
struct child_sa_install {
	const struct conn *conn;
	uint32_t spi_in;
	uint32_t spi_out;
	struct crypto_suite suite;
	struct chunk encr_in, integ_in, encr_out, integ_out;
	bool encap;
	uint16_t sport;
	uint16_t dport;
	uint64_t soft_seconds;
	uint64_t hard_seconds;
	const struct ts_prefix *remote_ts;
	unsigned int n_remote_ts;
	bool first;
	enum child_install_part part;
};

/**
 * struct child_sa_remove - a Child SA pair to take out of actun
 * @conn: the connection
 * @spi_in: our SPI
 * @spi_out: the peer's SPI
 * @last: the tunnel's last Child SA: its routes go too
 * @remote_ts: the routes to remove with the last one
 * @n_remote_ts: entries in @remote_ts
 */
struct child_sa_remove {
	const struct conn *conn;
	uint32_t spi_in;
	uint32_t spi_out;
	bool last;
	const struct ts_prefix *remote_ts;
	unsigned int n_remote_ts;
};

/**
 * struct ike_env_ops - what the core needs from its surroundings
 * @send: send @msg from @local to @remote; @natt: on port 4500 with the
 *	non-ESP marker (the callback adds it). Returns 0 or -errno.
 * @child_install: install the inbound SA, then the outbound one, then (if
 *	@c->first) the routes, or the half @c->part names; on failure undo
 *	what was done. 0 or -errno.
 * @child_remove: delete a pair (outbound first) and, if last, its routes
 * @random: fill @buf with @len random bytes (SPIs, nonces); 0 or -errno
 * @keepalive: send a NAT keepalive from @local (port 4500) to @remote:
 *	the one octet 0xFF of RFC 3948 2.3, without the non-ESP marker.
 *	0 or -errno. May be NULL (no keepalives are sent).
 * @log: a line for the operator (why a peer was refused, an SA given up,
 *	a connection restarted) at syslog priority @prio. May be NULL.
 */
struct ike_env_ops {
	int (*send)(void *ctx, const struct sockaddr_in *local,
		    const struct sockaddr_in *remote, bool natt,
		    struct chunk msg);
	int (*child_install)(void *ctx, const struct child_sa_install *c);
	int (*child_remove)(void *ctx, const struct child_sa_remove *c);
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	int (*keepalive)(void *ctx, const struct sockaddr_in *local,
			 const struct sockaddr_in *remote);
	void (*log)(void *ctx, int prio, const char *msg);
};

struct ike_manager;

/**
 * struct ike_sa_info - what `acctl ike show` lists of one IKE SA
 * @conn: connection name
 * @state: "connecting", "established", "rekeyed" (replaced by a new IKE
 *	SA, waiting for its DELETE), "deleting"
 * @spi_i: initiator SPI
 * @spi_r: responder SPI
 * @remote: the peer's address and port
 * @suite: negotiated IKE transforms; @dh the group
 * @dh: see @suite
 * @established_ms: when it was established (manager time)
 * @rekey_ms: when it is due for rekeying (0: not scheduled)
 * @n_child: Child SAs
 */
struct ike_sa_info {
	const char *conn;
	const char *state;
	uint64_t spi_i, spi_r;
	struct sockaddr_in remote;
	struct crypto_suite suite;
	uint16_t dh;
	uint64_t established_ms;
	uint64_t rekey_ms;
	unsigned int n_child;
};

struct ike_manager *ike_manager_new(const struct acikd_config *cfg,
				    const struct ike_env_ops *ops, void *ctx);
void ike_manager_free(struct ike_manager *m);
/*
 * ike_manager_set_shard() - this manager is worker @shard of @shards
 * (workers.h): the SPIs it draws, IKE and Child, are all congruent to
 * @shard modulo @shards (their first 32 bits for IKE SPIs), which is how
 * the kernel's steering finds it. Set before the first SA.
 */
void ike_manager_set_shard(struct ike_manager *m, uint32_t shard,
			   uint32_t shards);
/*
 * ike_manager_set_config() - a new configuration (a reload). SAs hold
 * references to their connections, so the old configuration may be freed
 * afterwards; SAs of a connection @cfg no longer has are deleted (a DELETE
 * queued on established ones, our half-open ones dropped).
 */
void ike_manager_set_config(struct ike_manager *m, uint64_t now_ms,
			    const struct acikd_config *cfg);
/*
 * ike_manager_shutdown() - acikd stops: send the DELETE of every
 * established IKE SA, once, without waiting for the request window (best
 * effort). Calling it again sends nothing more. Return: the SAs still
 * waiting for the answer to a DELETE; the caller may run the loop (and
 * ticks) a little while that is not 0, then free the manager.
 */
unsigned int ike_manager_shutdown(struct ike_manager *m, uint64_t now_ms);
int ike_manager_receive(struct ike_manager *m, uint64_t now_ms,
			const struct sockaddr_in *local,
			const struct sockaddr_in *remote, bool natt,
			struct chunk datagram);
int ike_manager_initiate(struct ike_manager *m, uint64_t now_ms,
			 const char *conn_name);
uint64_t ike_manager_tick(struct ike_manager *m, uint64_t now_ms);
void ike_manager_child_expired(struct ike_manager *m, uint64_t now_ms,
			       const char *tunnel, uint32_t spi_in, bool hard);
/*
 * ike_manager_child_create() - one more Child SA pair (CREATE_CHILD_SA)
 * on @conn_name's established IKE SA, with the connection's selectors;
 * queued behind the SA's other jobs. 0, -ENOENT (no established SA) or
 * -ENOSPC (queue full).
 */
int ike_manager_child_create(struct ike_manager *m, uint64_t now_ms,
			     const char *conn_name);
/*
 * ike_manager_delete() - DELETE @conn_name's established IKE SA (the
 * first one) and with it its Child SAs and routes; queued behind the
 * SA's other jobs. The SA goes when the peer answers or the request's
 * retransmissions run out. The connection is not initiated again: a
 * restart waiting is cancelled, our attempt in flight dropped.
 * 0, -ENOENT (nothing of it) or -ENOSPC.
 */
int ike_manager_delete(struct ike_manager *m, uint64_t now_ms,
		       const char *conn_name);
/**
 * struct ike_stats - counters of the manager's defences
 * @cookies_sent: stateless N(COOKIE) responses (RFC 7296 2.6)
 * @cookies_rejected: IKE_SA_INIT requests with an invalid cookie
 * @frag_bytes: memory held by fragments being reassembled (RFC 7383)
 */
struct ike_stats {
	uint64_t cookies_sent;
	uint64_t cookies_rejected;
	uint64_t frag_bytes;
};

void ike_manager_stats(struct ike_manager *m, struct ike_stats *st);
/*
 * ike_manager_frag_limits() - the reassembly memory caps: per IKE SA not
 * yet established (its peer is not authenticated), per IKE SA, and over
 * all of them (defaults FRAG_HALF_OPEN_MAX_BYTES, FRAG_SA_MAX_BYTES,
 * FRAG_POOL_MAX_BYTES; the smaller of the first two binds a half-open
 * SA); a fragment that would exceed one is dropped.
 */
void ike_manager_frag_limits(struct ike_manager *m, size_t half_open,
			     size_t per_sa, size_t total);
int ike_manager_list(struct ike_manager *m,
		     int (*cb)(void *arg, const struct ike_sa_info *sa),
		     void *arg);

#endif /* ACIKD_IKE_H */
