/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * acctl: configuration tool of the actun anycast tunnel module.
 */
#ifndef ACCTL_H
#define ACCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "actun.h"
#include "json_print.h"
#include "utils.h"

#define ACCTL_VERSION	"0.1.0"

/**
 * struct acctl - the whole mutable state of one acctl run
 * @netns: -n NETNS, entered once before anything else (or NULL)
 * @json: -j
 * @pretty: -p
 * @stats: -s
 * @batch_file: -b FILE (or NULL); @batch_line: line being run
 * @sock: the netlink socket, opened on first use and kept for a batch
 * @tunnels: tunnel name -> device, from one dump per run (tunnel_cache.c);
 *	NULL until a command needs it
 * @jw: stdout, text or JSON
 * @ifindex: @ifname caches the last if_indextoname() of a command
 */
struct acctl {
	const char *netns;
	bool json;
	bool pretty;
	bool stats;
	const char *batch_file;
	unsigned long batch_line;
	struct actun_sock *sock;
	struct tunnel_cache *tunnels;
	struct json_writer jw;
	uint32_t ifindex;
	char ifname[IF_NAMESIZE + 8];
};

/**
 * struct acctl_cmd - one word of the grammar
 * @name: the exact word
 * @func: runs it with the words after it; returns the exit status (0, 1)
 * @help: one line for the usage text
 */
struct acctl_cmd {
	const char *name;
	int (*func)(struct acctl *ac, int argc, char **argv);
	const char *help;
};

/* acctl.c */
int acctl_sock(struct acctl *ac, struct actun_sock **sockp);
void acctl_print_error(const struct actun_error *err);
const char *acctl_ifname(struct acctl *ac, uint32_t ifindex);

/* tunnel.c */
int do_tunnel(struct acctl *ac, int argc, char **argv);
void tunnel_print(struct acctl *ac, const struct actun_tunnel_cfg *t);

/* route.c */
int do_route(struct acctl *ac, int argc, char **argv);
void route_print(struct acctl *ac, const struct actun_route_cfg *r);

/* sa.c: sa_print() prints what follows "sa" in a show line;
 * sa_print_expire() "soft" or "hard" and which SA */
int do_sa(struct acctl *ac, int argc, char **argv);
void sa_print(struct acctl *ac, const struct actun_sa *sa);
void sa_print_expire(struct acctl *ac, const struct actun_sa *sa);

/* fleet.c */
int do_fleet(struct acctl *ac, int argc, char **argv);
void fleet_print(struct acctl *ac, const struct actun_fleet *fleet);

/* fleet_agent.c: the fleet agent's status file */
int fleet_wait(struct acctl *ac, int argc, char **argv);
int fleet_agent(struct acctl *ac, int argc, char **argv);

/* socket.c */
int do_socket(struct acctl *ac, int argc, char **argv);

/*
 * tunnel_cache.c: the device of a tunnel named without "dev". Lookups
 * print their error and return -1; the cache follows this run's own adds
 * and deletes (acctl_tunnel_added/_deleted), acctl_tunnels_forget() drops
 * it, acctl_tunnels_age() marks the start of a command.
 */
struct tunnel_cache;
int acctl_tunnel_dev(struct acctl *ac, const char *name, uint32_t *ifindex);
/* The devices holding tunnels, ascending; free(*ifindexes) afterwards. */
int acctl_tunnel_devs(struct acctl *ac, uint32_t **ifindexes, size_t *n);
void acctl_tunnel_added(struct acctl *ac, const char *name, uint32_t ifindex);
void acctl_tunnel_deleted(struct acctl *ac, const char *name,
			  uint32_t ifindex);
void acctl_tunnels_forget(struct acctl *ac);
void acctl_tunnels_age(struct acctl *ac);

/* ike.c: acikd's control socket */
int do_ike(struct acctl *ac, int argc, char **argv);

/* monitor.c */
int do_monitor(struct acctl *ac, int argc, char **argv);

#endif /* ACCTL_H */
