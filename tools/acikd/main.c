// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * main.c - the acikd process: options, network namespace, configuration,
 * daemonizing; loop.c does the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "actun.h"
#include "config.h"
#include "ctl.h"
#include "loop.h"
#include "workers.h"

#define ACIKD_VERSION		"0.1.0"
#define ACIKD_CONFIG_PATH	"/etc/acikd.conf"

/**
 * struct options - the command line
 * @foreground: -f
 * @check: -t, check the configuration and exit
 * @config: -c FILE
 * @netns: -n NETNS
 */
struct options {
	bool foreground;
	bool check;
	const char *config;
	const char *netns;
};

static void usage(FILE *fp)
{
	fprintf(fp,
"Usage: acikd [ -f ] [ -t ] [ -c FILE ] [ -n NETNS ]\n"
"       acikd { -h | -V }\n"
"\n"
"acikd is actun's IKEv2 daemon (RFC 7296). It answers (and, for connections\n"
"marked initiate, starts) IKE negotiations on UDP ports 500 and 4500 of the\n"
"local addresses its connections name, and installs the Child SAs it\n"
"negotiates, with routes to the peer's traffic selectors, into the actun\n"
"ipsec tunnel each connection is bound to. ESP in UDP on port 4500 is handed\n"
"to the actun device; IKE stays with acikd.\n"
"\n"
"Options:\n"
"  -f, --foreground   stay in the foreground and log to standard error as well\n"
"                     as to syslog (not when standard error is the journal)\n"
"  -t, --test         read and check the configuration, then exit: 0 if it\n"
"                     is valid, 1 (with the reason) if not\n"
"  -c, --config FILE  the configuration file (default " ACIKD_CONFIG_PATH ")\n"
"  -n, --netns NETNS  run in network namespace NETNS (/run/netns/NETNS), which\n"
"                     is entered before anything else; the default control\n"
"                     socket is then " ACIKD_CTL_DIR "/acikd.NETNS.ctl\n"
"  -h, --help         print this help\n"
"  -V, --version      print the version\n"
"\n"
"Signals: SIGHUP reloads the configuration (kept if the new one is invalid;\n"
"established SAs stay under the connection they were negotiated with);\n"
"SIGTERM and SIGINT stop the daemon, which first removes the Child SAs and\n"
"routes it installed and gives the NAT-T sockets back to actun.\n"
"\n"
"Control: \"acctl ike show\" lists the IKE SAs and \"acctl ike reload\" reloads,\n"
"through the control socket (default " ACIKD_CTL_PATH ", mode 0600).\n"
"\n"
"Needs the actun module and CAP_NET_ADMIN and CAP_NET_BIND_SERVICE (root).\n"
"See acikd(8).\n");
}

/* 0: go on, 1: exit 0 (help, version), -1: exit 1 */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument,       NULL, 'f' },
		{ "test",       no_argument,       NULL, 't' },
		{ "config",     required_argument, NULL, 'c' },
		{ "netns",      required_argument, NULL, 'n' },
		{ "help",       no_argument,       NULL, 'h' },
		{ "version",    no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	o->config = ACIKD_CONFIG_PATH;
	while ((c = getopt_long(argc, argv, "ftc:n:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->foreground = true; break;
		case 't': o->check = true; break;
		case 'c': o->config = optarg; break;
		case 'n': o->netns = optarg; break;
		case 'h': usage(stdout); return 1;
		case 'V': printf("acikd %s\n", ACIKD_VERSION); return 1;
		default:
			fprintf(stderr, "Try \"acikd --help\".\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "acikd: unexpected argument \"%s\"; try \"acikd --help\".\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/*
 * Going to the background happens in two steps. The fork comes before the
 * daemon is set up: a signalfd watched by epoll is woken through the
 * signal handling of the process that registered it, so one set up by the
 * parent would never wake the child's loop. The parent then waits on a
 * pipe for the child to report how its setup went and exits with that
 * status, so every startup error still reaches the caller; the child
 * detaches from the terminal only after reporting.
 */
static int daemon_fork(int *report)
{
	int pfd[2];
	char status = 1;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pfd[1]);
		/* nothing read: the child died before reporting */
		if (read(pfd[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(pfd[0]);
	*report = pfd[1];
	return setsid() < 0 ? -errno : 0;
}

/* Tell the waiting parent @status (0: running) and, if @detach, leave
 * the terminal. */
static void daemon_ready(int report, int status, bool detach)
{
	char c = (char)status;
	int fd;

	if (report < 0)
		return;
	if (write(report, &c, 1) != 1)
		syslog(LOG_WARNING, "cannot report to the starting process");
	close(report);
	if (status || !detach)
		return;
	acikd_log_open(false);	/* standard error is going away */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (chdir("/") || fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static int load(const struct options *o, struct acikd_config **cfg)
{
	char err[256] = "";
	int ret = config_load(o->config, cfg, err, sizeof(err));

	/* config.c's messages name the file and line already */
	if (ret && err[0])
		syslog(LOG_ERR, "%s", err);
	else if (ret)
		syslog(LOG_ERR, "%s: %s", o->config, strerror(-ret));
	return ret;
}

/* One daemon, or one worker of several: up, report, run, down. */
static int run_daemon(const struct options *o, struct acikd_config *cfg,
		      unsigned int worker, int report)
{
	struct acikd d;
	int ret;

	if (acikd_init(&d, o->config, o->netns, cfg, worker)) {
		daemon_ready(report, 1, false);
		return 1;
	}
	daemon_ready(report, 0, !o->foreground);
	ret = acikd_run(&d);
	acikd_fini(&d);
	syslog(LOG_INFO, "stopped");
	closelog();
	return ret ? 1 : 0;
}

struct worker_args {
	const struct options *o;
	struct acikd_config *cfg;
};

static int worker_main(unsigned int worker, int ready, void *arg)
{
	struct worker_args *a = arg;

	return run_daemon(a->o, a->cfg, worker, ready);
}

/* workers = N: this process supervises N daemons (workers.h). */
static int supervise(const struct options *o, struct acikd_config *cfg,
		     int report)
{
	struct worker_args a = { .o = o, .cfg = cfg };
	struct workers w;
	int ret;

	ret = workers_start(&w, cfg->workers, worker_main, &a, report);
	/* each worker has its copy; the supervisor needs none */
	config_free(cfg);
	if (ret) {
		daemon_ready(report, 1, false);
		return 1;
	}
	daemon_ready(report, 0, !o->foreground);
	ret = workers_supervise(&w);
	syslog(LOG_INFO, "stopped");
	closelog();
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct actun_error err;
	struct acikd_config *cfg;
	int ret, report = -1;

	ret = parse_options(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 1;
	/* standard error too until acikd is running in the background */
	acikd_log_open(true);
	/* first: the sockets, devices and even the actun family are the
	 * namespace's */
	if (o.netns && actun_netns_enter(o.netns, &err)) {
		syslog(LOG_ERR, "network namespace %s: %s", o.netns,
		       err.msg[0] ? err.msg : strerror(err.err));
		return 1;
	}
	if (load(&o, &cfg))
		return 1;
	if (o.check) {
		config_free(cfg);
		return 0;
	}
	if (!o.foreground && daemon_fork(&report)) {
		syslog(LOG_ERR, "cannot daemonize: %s", strerror(errno));
		return 1;
	}
	if (cfg->workers > 1)
		return supervise(&o, cfg, report);
	return run_daemon(&o, cfg, 0, report);
}
