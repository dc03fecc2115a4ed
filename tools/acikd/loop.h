/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * loop.h - acikd's event loop and the daemon context it drives.
 *
 * Two layers. The generic one (struct loop, struct loop_fd) is an epoll
 * set of file descriptors, each with its callback, and a monotonic
 * millisecond clock; socket.c, kernel.c and ctl.c embed a struct loop_fd
 * in their own objects and never call into the daemon. The daemon layer
 * (struct acikd) owns the configuration, the protocol core, the sockets,
 * the kernel interface and the control socket, wires the core's
 * ike_env_ops to them, and runs the loop: datagrams and SA expiries go to
 * the core, the core's timers fire at the deadline ike_manager_tick()
 * returns, SIGHUP reloads the configuration, SIGTERM and SIGINT end the
 * loop.
 */
#ifndef ACIKD_LOOP_H
#define ACIKD_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

struct loop_fd;

/* Called with the epoll events (EPOLLIN, EPOLLERR, ...) of @lfd. */
typedef void (*loop_fd_cb)(struct loop_fd *lfd, uint32_t events);

/**
 * struct loop_fd - a file descriptor watched by a loop; embed it
 * @fd: the descriptor, -1 when closed
 * @epfd: the epoll set it is registered in, -1 when it is in none
 * @cb: what to call when it is ready
 * @arg: for @cb (the owner embeds the loop_fd; @arg is whom it reports to)
 */
struct loop_fd {
	int fd;
	int epfd;
	loop_fd_cb cb;
	void *arg;
};

#define LOOP_FD_INIT	((struct loop_fd){ .fd = -1, .epfd = -1 })

/*
 * Take @lfd out of its epoll set, then close it. The explicit
 * EPOLL_CTL_DEL matters: epoll forgets a descriptor only when the last
 * reference to its file goes, and actun keeps a reference to the NAT-T
 * sockets it was handed, so a merely closed socket could still report
 * events for memory that is gone. Header-only so that socket.c and
 * kernel.c stay free of the daemon layer (their unit tests link them
 * without the protocol core).
 */
static inline void loop_fd_close(struct loop_fd *lfd)
{
	if (lfd->fd < 0)
		return;
	if (lfd->epfd >= 0)
		epoll_ctl(lfd->epfd, EPOLL_CTL_DEL, lfd->fd, NULL);
	close(lfd->fd);
	lfd->fd = -1;
	lfd->epfd = -1;
}

/**
 * struct loop - an epoll set
 * @epfd: the epoll descriptor
 * @stop: set by a callback to end the loop
 * @rearm: set by a callback that closed descriptors other than its own
 *	(a reload closing sockets): the rest of the batch of events may
 *	point at freed memory and is dropped; epoll is level-triggered, so
 *	whatever is still ready is reported again
 */
struct loop {
	int epfd;
	bool stop;
	bool rearm;
};

/* CLOCK_MONOTONIC in milliseconds: the core's time base. */
uint64_t loop_now_ms(void);

int loop_init(struct loop *loop);
void loop_fini(struct loop *loop);
/* Watch @lfd->fd for @events (EPOLLIN usually), calling @cb with @lfd
 * (@arg in @lfd->arg); 0 or -errno. */
int loop_add(struct loop *loop, struct loop_fd *lfd, loop_fd_cb cb,
	     void *arg, uint32_t events);
/* Wait at most @timeout_ms (-1: forever) and dispatch what is ready. */
int loop_wait(struct loop *loop, int timeout_ms);

/* ---- the daemon ------------------------------------------------------ */

struct acikd_config;
struct ike_manager;
struct ctl;
struct kernel;
struct socket_set;

/**
 * struct acikd - the daemon; the only mutable state of the process
 * @config_path: the file to (re)load
 * @netns: the -n network namespace (NULL: the one acikd started in); it
 *	only names the default control socket
 * @cfg: the configuration in force
 * @ike: the protocol core
 * @loop: the event loop
 * @socks: the IKE sockets (ports 500 and 4500)
 * @kern: actun: SAs, routes and the expiry monitor
 * @ctl: the control socket
 * @sig: the signalfd
 * @deadline_ms: when the core wants ike_manager_tick() next (0: never)
 * @ctl_path: the control socket's path in force (worker 0's: the
 *	others' derive from it, workers.h)
 * @worker: this process's number among @workers
 * @workers: the worker processes of the daemon (workers.h), fixed at
 *	start; 1: this process is the daemon
 * @failed: stop, and exit with status 1 (a worker whose socket is out of
 *	its place: the supervisor restarts them all)
 */
struct acikd {
	const char *config_path;
	const char *netns;
	struct acikd_config *cfg;
	struct ike_manager *ike;
	struct loop loop;
	struct socket_set *socks;
	struct kernel *kern;
	struct ctl *ctl;
	struct loop_fd sig;
	uint64_t deadline_ms;
	char ctl_path[108];
	unsigned int worker, workers;
	bool failed;
	struct log_budget {	/* the core's notices (peers can cause them) */
		uint64_t refilled_ms;
		unsigned int tokens;
		unsigned long suppressed;
	} log;
};

/*
 * acikd_init() - bring the daemon up with @cfg (which it then owns):
 * kernel interface, sockets (and their hand-over to actun), control
 * socket, protocol core, and the connections that initiate; as worker
 * @worker of @cfg->workers (workers.h). On failure everything done is
 * undone (and @cfg freed); 0 or -errno, logged.
 */
int acikd_init(struct acikd *d, const char *config_path, const char *netns,
	       struct acikd_config *cfg, unsigned int worker);
/* Run until SIGTERM or SIGINT; 0, or -errno if the loop itself failed. */
int acikd_run(struct acikd *d);
/*
 * acikd_reload() - load the configuration file again and swap it in;
 * on failure the old one stays and @err says why. 0 or -errno.
 */
int acikd_reload(struct acikd *d, char *err, size_t errlen);
/*
 * acikd_fini() - free the core, remove the Child SAs and routes acikd
 * installed, give the NAT-T sockets back, close everything.
 */
void acikd_fini(struct acikd *d);

/* syslog(3), and standard error too if @to_stderr (while acikd has a
 * terminal or runs in the foreground); may be called again to change. */
void acikd_log_open(bool to_stderr);

#endif /* ACIKD_LOOP_H */
