/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The publisher: acfleetd's socket for acikd (fleet_proto.h). Each object
 * acikd installed or removed is sealed and written to (or deleted from)
 * the store's objects bucket; while the store does not answer, the writes
 * wait in order in a queue and go out when it does.
 */
#ifndef ACTUN_FLEET_PUBLISH_H
#define ACTUN_FLEET_PUBLISH_H

#include <poll.h>
#include <stdint.h>

struct fleet_store;
struct fleet_key;
struct replica;
struct publish_op;

#define PUBLISH_MAX_CLIENTS	64
/* How long one publisher_flush() may write queued records. */
#define PUBLISH_SLICE_MS	100
/* Writes that may wait for the store; more are dropped (and counted). */
#define PUBLISH_QUEUE_MAX	100000

/**
 * struct publisher - the socket, its clients and the queue
 * @published: records written, @withdrawn: deleted
 * @refused: messages that were not valid objects
 * @dropped: writes lost because the queue was full
 */
struct publisher {
	struct fleet_store *st;
	const struct fleet_key *key;
	struct replica *replica;
	const char *path;
	int listen_fd;
	int clients[PUBLISH_MAX_CLIENTS];
	int n_clients;
	struct publish_op *head, *tail;
	unsigned int queued;
	uint64_t published;
	uint64_t withdrawn;
	uint64_t refused;
	uint64_t dropped;
};

/* Create the socket at @path (mode 0600); 0 or -1 (logged). */
int publisher_open(struct publisher *p, const char *path,
		   struct fleet_store *st, const struct fleet_key *key,
		   struct replica *replica);

void publisher_close(struct publisher *p);

/* The descriptors to poll: at most 1 + PUBLISH_MAX_CLIENTS. */
int publisher_pollfds(const struct publisher *p, struct pollfd *pfd);

/* Accept and read what @pfd (as publisher_pollfds() filled it) says. */
void publisher_handle(struct publisher *p, const struct pollfd *pfd, int n);

/* Try the queued writes again; 1 when some still wait. */
int publisher_flush(struct publisher *p);

#endif
