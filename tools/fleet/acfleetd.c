// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acfleetd: the fleet agent of one edge. It connects to the fleet store
 * (NATS JetStream), claims this edge's server id and keeps it alive, and
 * mirrors the claim into actun (Documentation/fleet.md, acfleetd(8)).
 *
 * One thread of ours (libnats runs its own for the connection): a loop
 * that sleeps on a signalfd until the claim has work.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <actun.h>

#include "claim.h"
#include "fleet_conf.h"
#include "fleet_proto.h"
#include "log.h"
#include "publish.h"
#include "replica.h"
#include "seal.h"
#include "status.h"
#include "store.h"

#define DEFAULT_CONF	"/etc/actun/fleet.conf"

struct agent {
	const char *conf_path;
	const char *netns;
	const char *socket_path;
	const char *status_path;
	struct fleet_conf conf;
	struct fleet_key key;
	struct fleet_store *st;
	struct actun_sock *sock;
	struct claim claim;
	struct replica replica;
	struct publisher pub;
	int sigfd;
};

static void usage(FILE *fp)
{
	fprintf(fp,
"Usage: acfleetd [-c FILE] [-n NETNS] [-s SOCKET] [-S STATUS] [-v]\n"
"       acfleetd -h\n"
"\n"
"The fleet agent of one edge: connects to the fleet store (a NATS JetStream\n"
"cluster), claims a server id for this edge with compare-and-set, keeps it\n"
"alive with a lease, and gives actun the claim (server id, epoch, lease) so\n"
"that replicated SAs send only while the claim is valid. It writes the SAs\n"
"and routes acikd installs (sent to SOCKET) to the store, sealed with the\n"
"fleet key, and installs every edge's records in this edge's actun.\n"
"\n"
"  -c FILE   the fleet configuration, fleet.conf(5) (default " DEFAULT_CONF ")\n"
"  -n NETNS  work in this network namespace (as ip netns exec): actun and\n"
"            the store connection both\n"
"  -s SOCKET where acikd sends what it installs (default " FLEET_SOCKET ")\n"
"  -S STATUS the status file, rewritten every second: \"KEY VALUE\" lines\n"
"            (default " STATUS_FILE "); \"ready 1\" once this edge's actun\n"
"            holds every record of the store\n"
"  -v        log debugging detail too\n"
"  -h        this help\n"
"\n"
"Runs in the foreground and logs to standard error. SIGTERM and SIGINT give\n"
"the claim back (actun stops sending on replicated SAs) and exit.\n"
"Exit status: 0 after a signal, 1 on a configuration or start-up error.\n");
}

static int parse_args(struct agent *ag, int argc, char **argv)
{
	int opt;

	ag->conf_path = DEFAULT_CONF;
	ag->socket_path = FLEET_SOCKET;
	ag->status_path = STATUS_FILE;
	while ((opt = getopt(argc, argv, "c:n:s:S:vh")) != -1) {
		switch (opt) {
		case 'c':
			ag->conf_path = optarg;
			break;
		case 'n':
			ag->netns = optarg;
			break;
		case 's':
			ag->socket_path = optarg;
			break;
		case 'S':
			ag->status_path = optarg;
			break;
		case 'v':
			fleet_log_max = LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "acfleetd: unexpected argument \"%s\"\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/* Signals are read from a signalfd; block them before libnats starts its
 * threads so that none of those takes them.
 */
static int signals_open(struct agent *ag)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	ag->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	return ag->sigfd < 0 ? -1 : 0;
}

/* The directory of @path (/run/actun for the defaults), if missing. */
static void parent_dir(const char *path)
{
	char dir[256], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			fleet_log(LOG_WARN, "cannot create %s: %s", dir,
				  strerror(errno));
	}
}

/* The claim's epoch changes: the replica learns which SAs sent under it. */
static void agent_epoch(void *arg, bool begin)
{
	struct agent *ag = arg;

	if (begin)
		replica_epoch_begin(&ag->replica, ag->claim.sock);
	else
		replica_epoch_end(&ag->replica, ag->claim.sock);
}

static int agent_start(struct agent *ag)
{
	struct actun_error aerr;
	char err[FLEET_ERR_LEN];

	if (fleet_conf_load(ag->conf_path, &ag->conf, err)) {
		fleet_log(LOG_ERR, "%s", err);
		return -1;
	}
	if (!ag->conf.key_file[0]) {
		fleet_log(LOG_ERR, "%s: key-file is required", ag->conf_path);
		return -1;
	}
	if (fleet_key_load(ag->conf.key_file, &ag->key, err)) {
		fleet_log(LOG_ERR, "%s", err);
		return -1;
	}
	if (signals_open(ag)) {
		fleet_log(LOG_ERR, "signals: %s", strerror(errno));
		return -1;
	}
	if (ag->netns && actun_netns_enter(ag->netns, &aerr)) {
		fleet_log(LOG_ERR, "%s", aerr.msg);
		return -1;
	}
	if (actun_sock_open(&ag->sock, &aerr)) {
		fleet_log(LOG_ERR, "%s", aerr.msg);
		return -1;
	}
	if (fleet_store_open(&ag->st, &ag->conf, err)) {
		fleet_log(LOG_ERR, "%s", err);
		return -1;
	}
	claim_init(&ag->claim, &ag->conf, ag->st, ag->sock);
	ag->claim.on_epoch = agent_epoch;
	ag->claim.on_epoch_arg = ag;
	ag->pub.listen_fd = -1;
	fleet_log(LOG_INFO, "edge %s, server ids %u-%u, lease %u s",
		  ag->conf.name, ag->conf.id_min, ag->conf.id_max,
		  ag->conf.lease_s);
	return 0;
}

/* Wait up to @ms for a signal or acikd; 1 when the agent is to stop. */
static int agent_wait(struct agent *ag, int64_t ms)
{
	struct pollfd pfd[2 + PUBLISH_MAX_CLIENTS];
	struct signalfd_siginfo si;
	int n = 1;

	pfd[0].fd = ag->sigfd;
	pfd[0].events = POLLIN;
	if (ag->pub.listen_fd >= 0)
		n += publisher_pollfds(&ag->pub, pfd + 1);
	if (poll(pfd, n, ms > 1000 ? 1000 : (int)ms) <= 0)
		return 0;
	if (n > 1)
		publisher_handle(&ag->pub, pfd + 1, n - 1);
	if (!(pfd[0].revents & POLLIN) ||
	    read(ag->sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGHUP) {
		fleet_log(LOG_INFO, "SIGHUP: nothing to reload yet");
		return 0;
	}
	fleet_log(LOG_INFO, "%s: stopping", strsignal(si.ssi_signo));
	return 1;
}

/* Until the buckets are there: 0 when bound, 1 when told to stop. */
static int agent_bind(struct agent *ag)
{
	char err[FLEET_ERR_LEN], last[FLEET_ERR_LEN] = "";
	int ret;

	for (;;) {
		ret = fleet_store_bind(ag->st, err);
		if (!ret)
			return 0;
		if (ret == -EINVAL) {
			fleet_log(LOG_ERR, "%s", err);
			return -1;
		}
		if (strcmp(err, last)) {
			fleet_log(LOG_WARN, "store not ready: %s", err);
			strcpy(last, err);
		}
		if (agent_wait(ag, 500))
			return 1;
	}
}

static void agent_status(struct agent *ag)
{
	struct status st = {
		.conf = &ag->conf, .claim = &ag->claim, .store = ag->st,
		.replica = &ag->replica, .pub = &ag->pub,
	};

	status_write(ag->status_path, &st);
}

static int agent_run(struct agent *ag)
{
	int64_t wait, now, status_at = 0;
	int ret;

	parent_dir(ag->status_path);
	parent_dir(ag->socket_path);
	agent_status(ag);
	ret = agent_bind(ag);
	if (ret)
		return ret < 0 ? -1 : 0;
	fleet_log(LOG_INFO, "store buckets ready");
	claim_reset_kernel(&ag->claim);
	if (replica_start(&ag->replica, &ag->conf, ag->st, &ag->key))
		return -1;
	if (publisher_open(&ag->pub, ag->socket_path, ag->st, &ag->key,
			   &ag->replica)) {
		replica_stop(&ag->replica);
		return -1;
	}
	for (;;) {
		wait = claim_run(&ag->claim, claim_now_ms());
		if (publisher_flush(&ag->pub) && wait > 200)
			wait = 200;
		now = claim_now_ms();
		if (now >= status_at) {
			agent_status(ag);
			status_at = now + 1000;
		}
		if (agent_wait(ag, wait))
			break;
	}
	publisher_flush(&ag->pub);
	publisher_close(&ag->pub);
	claim_release(&ag->claim);
	replica_stop(&ag->replica);
	unlink(ag->status_path);
	return 0;
}

int main(int argc, char **argv)
{
	struct agent ag = { .sigfd = -1 };
	int ret = 1;

	if (parse_args(&ag, argc, argv))
		return 1;
	if (!agent_start(&ag))
		ret = agent_run(&ag) ? 1 : 0;
	fleet_store_close(ag.st);
	fleet_key_clear(&ag.key);
	if (ag.claim.sock)
		actun_sock_close(ag.claim.sock);
	else if (ag.sock)
		actun_sock_close(ag.sock);
	if (ag.sigfd >= 0)
		close(ag.sigfd);
	return ret;
}
