/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kernel.h - acikd's side of actun: Child SA pairs and their routes go in
 * and out through libactun, and actun's SA expiry notifications come back
 * as calls of the expiry callback.
 *
 * The module remembers every pair it installed (and the routes of each
 * tunnel) so that an expiry of either SA of a pair can be reported under
 * the pair's inbound SPI, once per kind, and so that kernel_flush() can
 * take everything out again when the daemon stops.
 *
 * It does no I/O of its own beyond netlink and never calls into the
 * daemon: the daemon polls kernel->mon_fd and calls kernel_monitor_read().
 */
#ifndef ACIKD_KERNEL_H
#define ACIKD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actun.h"
#include "fleet_feed.h"
#include "ike.h"
#include "loop.h"

/*
 * The expiry callback: the Child SA whose inbound SPI is @spi_in, in
 * tunnel @tunnel, reached its soft (rekey now) or hard (no longer used)
 * lifetime.
 */
typedef void (*kernel_expired_fn)(void *arg, const char *tunnel,
				  uint32_t spi_in, bool hard);

struct khnode;

/* An intrusive chained hash table (kernel.c). */
struct kernel_hash {
	struct khnode **buckets;
	size_t n_buckets;
	size_t n;
};

/**
 * struct kernel - the connection to actun
 * @req: requests (SA and route add/del, dumps)
 * @mon: subscribed to the "config" group; only read, never requested on
 * @mon_fd: @mon's descriptor for the daemon's loop (non-blocking)
 * @expired: called per expiry (see kernel_expired_fn); may be NULL
 * @arg: its argument
 * @by_in: installed pairs by inbound SPI (unique in the namespace)
 * @by_out: the same pairs by (device, tunnel, outbound SPI)
 * @routes: per tunnel, the routes added with its first Child SA
 * @fleet: where SAs and routes go to be replicated (fleet_feed.h); its
 *	SAs are fleet SAs (ACTUN_SA_A_FLEET)
 */
struct kernel {
	struct actun_sock *req;
	struct actun_sock *mon;
	struct loop_fd mon_fd;
	kernel_expired_fn expired;
	void *arg;
	struct kernel_hash by_in;
	struct kernel_hash by_out;
	struct kernel_hash routes;
	struct fleet_feed fleet;
};

/*
 * Open both netlink sockets in the current network namespace and join
 * the "config" group. -ENOENT: the actun module is not loaded. Logged.
 */
int kernel_open(struct kernel *k, kernel_expired_fn expired, void *arg);
/*
 * Replicate what is installed from now on through acfleetd's socket at
 * @path (acikd.conf "fleet"); NULL or "": this edge only.
 */
void kernel_set_fleet(struct kernel *k, const char *path);
/* Close the sockets and forget the bookkeeping; removes nothing. */
void kernel_close(struct kernel *k);

/*
 * ike_env_ops.child_install / child_remove; 0 or -errno, logged. The
 * tunnel's routes come with its first pair and go with its last, counted
 * here across IKE SAs (a pair this process did not install asks actun
 * whether the tunnel still has SAs); the core's first/last are hints.
 */
int kernel_child_install(struct kernel *k, const struct child_sa_install *c);
int kernel_child_remove(struct kernel *k, const struct child_sa_remove *c);

/* Remove every pair (outbound SA first) and route acikd installed. */
void kernel_flush(struct kernel *k);

/*
 * Read what the monitor socket has and report expiries; a receive buffer
 * overrun is recovered by dumping the SAs and reporting those that expired
 * meanwhile. 0 or -errno.
 */
int kernel_monitor_read(struct kernel *k);

/* Installed pairs (tests, show). */
size_t kernel_pairs(const struct kernel *k);

/* ---- pure translation, unit-tested ------------------------------------ */

/*
 * kernel_map_suite() - the actun transforms of a negotiated Child SA suite
 * @enc: receives enum actun_sa_enc
 * @auth: receives enum actun_sa_auth
 *
 * AES-GCM-16 128/256 without integrity; AES-CBC 128/256 with
 * HMAC-SHA2-256-128 or HMAC-SHA1-96. Returns 0, or -EOPNOTSUPP for
 * anything else (other key lengths, GCM with an integrity transform, CBC
 * without one).
 */
int kernel_map_suite(const struct crypto_suite *suite, uint8_t *enc,
		     uint8_t *auth);

/*
 * kernel_key_lengths() - the key bytes IKE derives for @suite (RFC 7296
 * 2.17: encryption key, with the 4-byte salt for GCM (RFC 4106 8.1), and
 * the integrity key). 0 or -EOPNOTSUPP.
 */
int kernel_key_lengths(const struct crypto_suite *suite, size_t *encr_len,
		       size_t *integ_len);

/*
 * kernel_sa_fill() - the actun SA of one direction of @c
 * @dir: ACTUN_SA_DIR_IN or ACTUN_SA_DIR_OUT
 *
 * Tunnel by name, SPI, transforms, keys (copied: wipe @sa with
 * actun_sa_clear()), UDP encapsulation and the seconds lifetimes.
 * Returns 0, -EOPNOTSUPP for a suite actun lacks, -EINVAL for keys of
 * the wrong length or a tunnel name that does not fit; @sa is wiped on
 * error.
 */
int kernel_sa_fill(struct actun_sa *sa, const struct child_sa_install *c,
		   uint8_t dir);

/* kernel_route_fill() - the actun route of traffic selector @ts into
 * @tunnel. 0, or -EINVAL for a bad family, prefix length or name. */
int kernel_route_fill(struct actun_route_cfg *r, const char *tunnel,
		      const struct ts_prefix *ts);

#endif /* ACIKD_KERNEL_H */
