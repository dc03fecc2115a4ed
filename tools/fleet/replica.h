/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The replica: this edge's actun kept in line with the store's objects
 * bucket. A thread of its own watches the bucket, opens each record with
 * the fleet key and installs or removes the object in actun; the first
 * pass over the whole bucket ends with a resync (fleet SAs that actun
 * holds and the bucket does not are removed), after which the edge is
 * ready (Documentation/fleet.md).
 */
#ifndef ACTUN_FLEET_REPLICA_H
#define ACTUN_FLEET_REPLICA_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "record.h"
#include "seal.h"
#include "strset.h"

struct fleet_conf;
struct fleet_store;
struct actun_sock;

/* Why records were not applied; one counter each (status file). */
enum replica_refusal {
	REFUSED_SEAL,		/* does not open with the fleet key */
	REFUSED_CONTENT,	/* opens, but is not a valid record */
	REFUSED_DEVICE,		/* names a device this edge lacks */
	REFUSED_ACTUN,		/* actun refused the object */
	SKIPPED_EXPIRED,	/* its hard lifetime has passed */
	SKIPPED_REUSE,		/* an outbound SA actun held earlier in this
				 * epoch: installing it again would repeat
				 * its sequence numbers */
	REPLICA_N_REFUSALS
};

extern const char *const replica_refusal_names[REPLICA_N_REFUSALS];

/**
 * struct replica - the watcher and what it shares with the main thread
 * @conf, @st, @key: the agent's
 * @sock: the thread's own actun socket
 * @rewatch: set by a new epoch: the thread watches the bucket again from
 *	its start (installing what actun lost) and resyncs
 * @lock: protects everything below
 * @held: record keys of outbound SAs actun held at some time in the
 *	current epoch (installed by us, by acikd, or there when the epoch
 *	began); none of them is installed again until the epoch changes,
 *	whatever the store says meanwhile (a deleted record put back, say)
 * @held_all: actun's SAs could not be listed at the epoch's start: no
 *	outbound SA is installed in this epoch
 * @live: keys of the records in the bucket, as far as the watch got
 * @pending: keys acikd published that the watch has not seen yet (not
 *	removed by a resync)
 * @ready: the first pass and its resync are done
 * @records: records in the bucket
 * @installed: objects installed, @removed: objects removed
 * @refused: by enum replica_refusal
 * @last_change_ms: wall clock of the last change seen, 0 for none
 * @lag_ms: store write to install of the last record (wall clocks)
 */
struct replica {
	const struct fleet_conf *conf;
	struct fleet_store *st;
	const struct fleet_key *key;
	struct actun_sock *sock;
	pthread_t thread;
	bool running;
	bool stop;	/* __atomic: set by the main thread */
	bool rewatch;	/* __atomic: set by the main thread, taken here */

	pthread_mutex_t lock;
	struct strset held;
	bool held_all;
	struct strset live;
	struct strset pending;
	bool ready;
	uint64_t installed;
	uint64_t removed;
	uint64_t refused[REPLICA_N_REFUSALS];
	int64_t lag_ms;
};

/* Start the watcher thread; 0 or -1 (logged). */
int replica_start(struct replica *r, const struct fleet_conf *conf,
		  struct fleet_store *st, const struct fleet_key *key);

void replica_stop(struct replica *r);

/**
 * replica_published() - acikd installed (or removed) an object itself and
 *	it is on its way to the store
 * @key: its record key
 * @outbound_sa: an outbound SA: added to @held
 */
void replica_published(struct replica *r, const char *key, bool outbound_sa);

/**
 * replica_epoch_begin() - the claim is about to get a new epoch
 * @sock: the caller's actun socket
 *
 * Between begin and end (the kernel's claim is set in between) the
 * replica installs nothing; @held becomes the outbound fleet SAs actun
 * holds before or after the change: those are the ones that may have sent
 * under the new epoch (an SA deleted in between is in the first list).
 * Any other outbound SA may be installed again: it never sent under the
 * new epoch.
 */
void replica_epoch_begin(struct replica *r, struct actun_sock *sock);
void replica_epoch_end(struct replica *r, struct actun_sock *sock);

#endif
