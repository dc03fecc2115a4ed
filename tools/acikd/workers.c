// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * workers.c - the supervisor of several acikd workers, and what worker 0
 * asks of the others (see workers.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "workers.h"

/* How long stopping workers may take before they are killed. */
#define WORKERS_STOP_TIMEOUT_S	10

bool workers_own_conn(unsigned int worker, unsigned int workers,
		      const char *name)
{
	uint32_t h = 2166136261u;	/* FNV-1a: stable across reloads */

	if (workers < 2)
		return true;
	while (*name)
		h = (h ^ (uint8_t)*name++) * 16777619u;
	return h % workers == worker;
}

int workers_ctl_path(const char *base, unsigned int worker, char *buf,
		     size_t len)
{
	int n = worker ? snprintf(buf, len, "%s.%u", base, worker) :
			 snprintf(buf, len, "%s", base);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Ask worker @k @req; the answer in *@buf (freed by the caller). */
static int ask(const char *base, unsigned int k, const char *req, char **buf)
{
	char path[108];
	size_t len;
	int ret = workers_ctl_path(base, k, path, sizeof(path));

	return ret ? ret : ctl_ask(path, req, WORKERS_ASK_TIMEOUT_MS, buf,
				   &len);
}

/* The objects of a "show" answer: between its brackets, trimmed. */
static int array_inside(char *answer, const char **start, size_t *len)
{
	char *open = strchr(answer, '['), *close = strrchr(answer, ']');

	if (!open || !close || close < open || answer[0] != '[')
		return -EPROTO;
	*start = open + 1;
	*len = (size_t)(close - open - 1);
	return 0;
}

int workers_show_more(const char *base, unsigned int workers, FILE *fp,
		      bool comma)
{
	const char *objs;
	unsigned int k;
	char *buf;
	size_t len;
	int ret;

	for (k = 1; k < workers; k++) {
		ret = ask(base, k, "show", &buf);
		if (!ret)
			ret = array_inside(buf, &objs, &len);
		if (ret) {
			syslog(LOG_ERR, "worker %u does not answer \"show\": %s",
			       k, strerror(-ret));
			free(buf);
			return ret;
		}
		if (len) {
			if (comma)
				fputc(',', fp);
			fwrite(objs, 1, len, fp);
			comma = true;
		}
		free(buf);
	}
	return 0;
}

int workers_reload_others(const char *base, unsigned int workers, char *err,
			  size_t errlen)
{
	unsigned int k;
	char *buf;
	int ret;

	for (k = 1; k < workers; k++) {
		ret = ask(base, k, "reload", &buf);
		if (!ret && !strstr(buf, "\"reload\":\"ok\""))
			ret = -EIO;
		if (ret) {
			/* the worker's own {"error":...} says why */
			snprintf(err, errlen, "worker %u: %s", k,
				 ret == -EIO ? buf : strerror(-ret));
			err[strcspn(err, "\n")] = '\0';
			syslog(LOG_ERR, "reload of worker %u failed: %s", k, err);
			free(buf);
			return ret;
		}
		free(buf);
	}
	return 0;
}

/* ---- the supervisor ---------------------------------------------------- */

static void sigset_supervised(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

static unsigned int index_of(const struct workers *w, pid_t pid)
{
	unsigned int k;

	for (k = 0; k < w->n; k++)
		if (w->pids[k] == pid)
			return k;
	return w->n;
}

/* Reap what exited; @status of the last one; how many were reaped. */
static unsigned int reap(struct workers *w, int *status, unsigned int *which)
{
	unsigned int n = 0, k;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		k = index_of(w, pid);
		if (k == w->n)
			continue;
		w->pids[k] = 0;
		*status = st;
		*which = k;
		n++;
	}
	return n;
}

static unsigned int running(const struct workers *w)
{
	unsigned int k, n = 0;

	for (k = 0; k < w->n; k++)
		n += w->pids[k] != 0;
	return n;
}

static void signal_all(const struct workers *w, int sig)
{
	unsigned int k;

	for (k = 0; k < w->n; k++)
		if (w->pids[k])
			kill(w->pids[k], sig);
}

/* SIGTERM to the workers left, wait for them; SIGKILL after a while. */
static void stop_all(struct workers *w)
{
	struct timespec ts = { .tv_sec = 1 };
	unsigned int waited = 0, k;
	sigset_t set;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	signal_all(w, SIGTERM);
	while (running(w)) {
		reap(w, &st, &k);
		if (!running(w))
			break;
		if (waited++ == WORKERS_STOP_TIMEOUT_S) {
			syslog(LOG_WARNING, "workers did not stop; killing them");
			signal_all(w, SIGKILL);
		}
		sigtimedwait(&set, NULL, &ts);
	}
}

static void describe_exit(unsigned int k, int status)
{
	if (WIFSIGNALED(status))
		syslog(LOG_ERR, "worker %u killed by signal %d (%s); stopping the others",
		       k, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		syslog(LOG_ERR, "worker %u exited with status %d; stopping the others",
		       k, WEXITSTATUS(status));
}

static void worker_process(unsigned int k, int ready, worker_main_fn fn,
			   void *arg, int close_fd)
{
	sigset_t chld;

	if (close_fd >= 0)
		close(close_fd);
	/* a supervisor killed outright must not leave its workers behind */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
	_exit(fn(k, ready, arg));
}

/* Fork worker @k and wait for its report; 0 or -errno. */
static int start_one(struct workers *w, unsigned int k, worker_main_fn fn,
		     void *arg, int close_fd)
{
	char status = 1;
	int pfd[2];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (pid == 0) {
		close(pfd[0]);
		worker_process(k, pfd[1], fn, arg, close_fd);
	}
	w->pids[k] = pid;
	w->n = k + 1;
	close(pfd[1]);
	/* nothing read: the worker died before it reported */
	if (read(pfd[0], &status, 1) != 1)
		status = 1;
	close(pfd[0]);
	return status ? -ECHILD : 0;
}

int workers_start(struct workers *w, unsigned int n, worker_main_fn fn,
		  void *arg, int close_fd)
{
	unsigned int k;
	sigset_t set;
	int ret;

	memset(w, 0, sizeof(*w));
	if (n > CONFIG_WORKERS_MAX)
		return -EINVAL;
	/* before the first fork: the workers inherit the mask, so no
	 * signal can reach one before its signalfd exists */
	sigset_supervised(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	for (k = 0; k < n; k++) {
		ret = start_one(w, k, fn, arg, close_fd);
		if (ret) {
			syslog(LOG_ERR, "worker %u did not start; stopping", k);
			stop_all(w);
			return ret;
		}
	}
	syslog(LOG_INFO, "%u workers running", n);
	return 0;
}

int workers_supervise(struct workers *w)
{
	unsigned int k = 0;
	siginfo_t si;
	sigset_t set;
	int st = 0;

	sigset_supervised(&set);
	for (;;) {
		if (sigwaitinfo(&set, &si) < 0) {
			if (errno == EINTR)
				continue;
			syslog(LOG_ERR, "supervisor: %s", strerror(errno));
			stop_all(w);
			return 1;
		}
		switch (si.si_signo) {
		case SIGHUP:
			/* worker 0 reloads the others in order (workers.h) */
			if (w->pids[0])
				kill(w->pids[0], SIGHUP);
			break;
		case SIGCHLD:
			if (!reap(w, &st, &k))
				break;
			describe_exit(k, st);
			stop_all(w);
			return 1;
		default:
			syslog(LOG_INFO, "%s: stopping the workers",
			       strsignal(si.si_signo));
			stop_all(w);
			return 0;
		}
	}
}
