/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * acfleetd's status file: one "KEY VALUE" line each, rewritten whole
 * (written to a temporary file, then renamed) so that a reader never sees
 * half of it. acctl fleet show and acctl fleet wait read it; so may any
 * routing daemon or monitoring script. Keys (acfleetd(8)):
 *
 *	edge NAME, pid N, store connected|disconnected, store_node URL|-,
 *	claimed 0|1, server_id N, epoch N, ready 0|1 (every record of
 *	the store is in actun and the claim is valid), records N,
 *	installed N, removed N, lag_ms N, published N, withdrawn N,
 *	queued N, dropped N, refused_message N, and one line per
 *	enum replica_refusal (refused_seal N, ...)
 */
#ifndef ACTUN_FLEET_STATUS_H
#define ACTUN_FLEET_STATUS_H

#define STATUS_FILE	"/run/actun/fleet.status"

struct fleet_conf;
struct claim;
struct fleet_store;
struct replica;
struct publisher;

struct status {
	const struct fleet_conf *conf;
	const struct claim *claim;
	struct fleet_store *store;
	struct replica *replica;
	const struct publisher *pub;
};

/* Write @st to @path; failures are logged once. */
void status_write(const char *path, const struct status *st);

#endif
