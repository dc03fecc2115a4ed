/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * This edge's server id claim: taken from the store with compare-and-set,
 * kept alive with a lease, mirrored into actun so that the kernel stops
 * sending on replicated SAs by itself when the lease runs out
 * (Documentation/fleet.md, "Server ids and epochs").
 */
#ifndef ACTUN_FLEET_CLAIM_H
#define ACTUN_FLEET_CLAIM_H

#include <stdbool.h>
#include <stdint.h>

#include "fleet_conf.h"

struct fleet_store;
struct actun_sock;

/**
 * struct claim - the claim and where it is kept
 * @conf: the edge's configuration
 * @st: the store
 * @sock: actun netlink socket of the edge's namespace, the claim's own:
 *	opened again when a request fails (actun reloaded under a new
 *	family id)
 * @held: the store has @id for us at @rev (as far as we know)
 * @id: the claimed server id
 * @epoch: the claim's epoch, never handed out before for @id
 * @rev: the store revision of our claim record
 * @renewed_ms: monotonic time at which the last successful take or renewal
 *	was sent: the store's lease runs from a later moment, ours from this
 * @next_ms: when claim_run() has work again
 * @retired: server ids whose epochs are used up, never claimed again
 * @on_epoch: called with true just before the kernel gets a new epoch and
 *	with false just after (whatever the outcome), or NULL
 * @on_epoch_arg: its argument
 */
struct claim {
	const struct fleet_conf *conf;
	struct fleet_store *st;
	struct actun_sock *sock;
	bool held;
	uint16_t id;
	uint16_t epoch;
	uint64_t rev;
	int64_t renewed_ms;
	int64_t next_ms;
	uint8_t retired[65536 / 8];
	void (*on_epoch)(void *arg, bool begin);
	void *on_epoch_arg;
};

/* Monotonic milliseconds. */
int64_t claim_now_ms(void);

/* Set up @c (not held); claim_run() does the rest. */
void claim_init(struct claim *c, const struct fleet_conf *conf,
		struct fleet_store *st, struct actun_sock *sock);

/**
 * claim_run() - take, renew or re-take the claim as due at @now
 * Return: milliseconds until the next call is due.
 */
int64_t claim_run(struct claim *c, int64_t now);

/*
 * Drop whatever claim actun holds, before anything else: one that an
 * earlier acfleetd of this namespace left may be in its lease still, and
 * this one does not know which SAs sent under it.
 */
void claim_reset_kernel(struct claim *c);

/* The claim is held and actun's lease of it has not run out at @now. */
bool claim_valid(const struct claim *c, int64_t now);

/* Give the claim back (store and kernel), on the way out. */
void claim_release(struct claim *c);

#endif
