/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * workers.h - one acikd on several cores.
 *
 * The Diffie-Hellman operations of the handshakes are what a responder
 * spends its time on, and one event loop uses one core. With "workers =
 * N" (acikd.conf(5)) the process acikd starts becomes a supervisor that
 * forks N workers, each a whole daemon (loop.h) with its own event loop,
 * protocol core, actun netlink sockets and control socket, and its own
 * UDP sockets on the shared addresses and ports: SO_REUSEPORT groups in
 * which the kernel hands each datagram to one worker by a steering
 * program (steer.h). The IKE SAs are partitioned: a worker draws only
 * SPIs congruent to its number (ike_shard_fit()), so whatever carries
 * one of them comes back to it; a new peer goes to its source address
 * modulo N. Nothing is shared between workers at run time but actun.
 *
 * Place in the group is the order of binding, so the supervisor starts
 * worker 0 first and each next one only when the previous has reported
 * its sockets bound; a reload binds new addresses in the same order,
 * worker 0 relaying it to the others one by one over their control
 * sockets (worker K > 0 listens on "<control>.K"). Worker 0 also answers
 * "show" for all of them and holds the NAT-T sockets actun decapsulates
 * on. A worker that dies takes its socket out of the groups and shifts
 * the others' places, so the supervisor then stops them all and exits 1
 * (systemd restarts the service).
 */
#ifndef ACIKD_WORKERS_H
#define ACIKD_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"

/* How long worker 0 waits for the others' answers to a show (a reload:
 * four times as long). */
#define WORKERS_ASK_TIMEOUT_MS	5000

/* Does worker @worker of @workers initiate connection @c? The one its
 * peer's address is steered to (ike_shard_of_addr()). */
bool workers_own_conn(unsigned int worker, unsigned int workers,
		      const struct conn *c);

/* Worker @worker's control socket, from worker 0's @base; 0 or
 * -ENAMETOOLONG. */
int workers_ctl_path(const char *base, unsigned int worker, char *buf,
		     size_t len);

/*
 * workers_show_more() - worker 0 appends the IKE SAs of workers 1 to
 * @workers - 1 (their "show" answers) to the JSON array it is writing to
 * @fp, after a comma if @comma. 0, or -errno if one did not answer.
 */
int workers_show_more(const char *base, unsigned int workers, FILE *fp,
		      bool comma);

/*
 * workers_reload_others() - worker 0, reloaded, has workers 1 to
 * @workers - 1 reload, one after the other, each checking that it read
 * the file worker 0 did (@digest, the SHA-256 in hex); @err names the
 * first that failed and why (the ones after it are not asked). 0 or
 * -errno.
 */
int workers_reload_others(const char *base, unsigned int workers,
			  const char *digest, char *err, size_t errlen);

/*
 * A worker's life: set up as worker @worker, write one byte to @ready
 * (0: running, else failed) and close it, run, clean up. Return: the
 * worker process's exit status.
 */
typedef int (*worker_main_fn)(unsigned int worker, int ready, void *arg);

/**
 * struct workers - the supervisor's view
 * @pids: the worker processes, @n of them; 0 once reaped
 * @n: see @pids
 */
struct workers {
	pid_t pids[CONFIG_WORKERS_MAX];
	unsigned int n;
};

/*
 * workers_start() - fork @n workers running @fn(k, ready, @arg), worker 0
 * first, each after the previous reported it runs. Blocks SIGTERM,
 * SIGINT, SIGHUP and SIGCHLD in the caller (workers_supervise() takes
 * them). In the workers, @close_fd (if >= 0) is closed first. On failure
 * the started workers are stopped; 0 or -errno (logged).
 */
int workers_start(struct workers *w, unsigned int n, worker_main_fn fn,
		  void *arg, int close_fd);

/*
 * workers_supervise() - until SIGTERM or SIGINT (passed on to the workers,
 * then waited for: 0) or a worker's unexpected exit (the others stopped:
 * 1); SIGHUP goes to worker 0, which reloads them all.
 */
int workers_supervise(struct workers *w);

#endif /* ACIKD_WORKERS_H */
