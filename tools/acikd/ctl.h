/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ctl.h - acikd's control socket, what `acctl ike` talks to.
 *
 * A Unix stream socket (mode 0600: only root may look at or reload the
 * daemon). A client connects, writes one request line and reads the
 * answer until the daemon closes the connection:
 *
 *	show\n		a JSON array, one object per IKE SA:
 *			{"conn":"c1","state":"established",
 *			 "remote":"198.51.100.1","remote_port":500,
 *			 "spi_i":"0123456789abcdef","spi_r":"...",
 *			 "encr":"aes-gcm-16","encr_keybits":256,
 *			 "integ":"none","prf":"hmac-sha2-256","dh":20,
 *			 "established_seconds":12,"rekey_seconds":14388,
 *			 "children":1}
 *			(established_seconds: age; rekey_seconds: until the
 *			rekey; both left out when not known). Never keys.
 *			With several workers (workers.h) each object also
 *			has "worker":N, and worker 0's answer holds them all.
 *	reload\n	{"reload":"ok"} or {"error":"why"}
 *	worker-reload DIGEST\n
 *			the same, as worker 0 asks workers 1 to N-1 (the
 *			only way they reload: in order, workers.h); DIGEST
 *			is the SHA-256 of the file worker 0 read, in hex
 *
 * Anything else is answered with {"error":"..."}.
 */
#ifndef ACIKD_CTL_H
#define ACIKD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ike.h"
#include "loop.h"

/* The control socket when the configuration names none; with -n NETNS
 * it is /run/acikd.NETNS.ctl, so that daemons of several namespaces do
 * not collide. acctl ike uses the same rule. */
#define ACIKD_CTL_DIR		"/run"
#define ACIKD_CTL_PATH		ACIKD_CTL_DIR "/acikd.ctl"

/* Longest request line. */
#define CTL_REQ_MAX		128

/* What the control socket asks of the daemon. */
typedef int (*ctl_list_cb)(void *cbarg, const struct ike_sa_info *sa);

struct ctl_ops {
	/* ike_manager_list() */
	int (*list)(void *arg, ctl_list_cb cb, void *cbarg);
	/* acikd_reload(); @relay_digest: NULL from an operator, or worker
	 * 0's asking (workers.h) with the hexadecimal SHA-256 of the file
	 * it read; @err says why it failed */
	int (*reload)(void *arg, const char *relay_digest, char *err,
		      size_t errlen);
	/*
	 * Optional: write the other workers' IKE SAs to @fp as more JSON
	 * objects of the array, the first after a comma if @comma; 0 or
	 * -errno (then the whole answer is an error).
	 */
	int (*show_more)(void *arg, FILE *fp, bool comma);
};

struct ctl_client;

/**
 * struct ctl - the listening socket and its clients
 * @lfd: the listening socket
 * @loop: where clients are watched
 * @path: its path, unlinked on close
 * @ops: the daemon's side
 * @arg: @ops' argument
 * @clients: connections waiting for their request line
 * @worker: the "worker" key of each IKE SA shown; -1 (ctl_open()'s
 *	default, one process): no key
 */
struct ctl {
	struct loop_fd lfd;
	struct loop *loop;
	char path[108];
	const struct ctl_ops *ops;
	void *arg;
	struct ctl_client *clients;
	int worker;
};

/* The default path for @netns (NULL: none) into @buf; 0 or -ENAMETOOLONG. */
int ctl_default_path(const char *netns, char *buf, size_t len);

/*
 * ctl_open() - listen on @path and watch it in @loop. A stale socket
 * file is replaced; one a running daemon answers on is not (-EADDRINUSE).
 * 0 or -errno, logged.
 */
int ctl_open(struct ctl *ctl, struct loop *loop, const char *path,
	     const struct ctl_ops *ops, void *arg);
void ctl_close(struct ctl *ctl);

/* The answer to "show" (tests, and the daemon's log on SIGUSR1 later);
 * @worker as in struct ctl. */
int ctl_show(FILE *fp, const struct ctl_ops *ops, void *arg, int worker,
	     uint64_t now_ms);

/*
 * ctl_ask() - the client side, for one worker asking another: send
 * @req (a line without its newline) to the control socket at @path and
 * read the whole answer, at most @timeout_ms in all, into *@buf (NUL
 * terminated, *@len bytes before the NUL; the caller frees it). 0 or
 * -errno (-ETIMEDOUT, -ECONNREFUSED, ...).
 */
int ctl_ask(const char *path, const char *req, int timeout_ms, char **buf,
	    size_t *len);

#endif /* ACIKD_CTL_H */
