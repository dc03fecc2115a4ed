/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * fleet_feed - tells the fleet agent (acfleetd) what acikd installs in
 * and removes from actun, so that every edge of the fleet holds it too
 * (tools/fleet/fleet_proto.h, Documentation/fleet.md).
 *
 * Off unless acikd.conf's "fleet" names acfleetd's socket. Messages are
 * sent without waiting; a message that cannot be sent (acfleetd not
 * running, its socket full) is logged and counted, and the SA then
 * works on this edge only.
 */
#ifndef ACIKD_FLEET_FEED_H
#define ACIKD_FLEET_FEED_H

#include <stdbool.h>
#include <stdint.h>

struct actun_sa;
struct actun_route_cfg;

/**
 * struct fleet_feed - the connection to acfleetd
 * @path: its socket; empty: no fleet
 * @fd: connected socket, -1 when not connected
 * @sent: messages sent
 * @lost: messages that could not be sent
 */
struct fleet_feed {
	char path[108];
	int fd;
	uint64_t sent;
	uint64_t lost;
};

/* No fleet when @path is NULL or empty. */
void fleet_feed_init(struct fleet_feed *f, const char *path);
void fleet_feed_close(struct fleet_feed *f);

static inline bool fleet_feed_on(const struct fleet_feed *f)
{
	return f->path[0] != '\0';
}

/**
 * fleet_feed_sa() - an SA acikd installed (@add) or removed in actun
 *	device @dev; for a removal only its tunnel, direction and SPI go
 * Return: 0 or -errno (logged).
 */
int fleet_feed_sa(struct fleet_feed *f, bool add, const char *dev,
		  const struct actun_sa *sa);

/* The same for a route. */
int fleet_feed_route(struct fleet_feed *f, bool add, const char *dev,
		     const struct actun_route_cfg *r);

#endif /* ACIKD_FLEET_FEED_H */
