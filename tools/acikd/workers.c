// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * workers.c - the supervisor of several acikd workers, and what worker 0
 * asks of the others (see workers.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "ike_sa.h"
#include "loop.h"
#include "workers.h"

/* How long stopping workers may take before they are killed. */
#define WORKERS_STOP_TIMEOUT_S	10
/* How long a worker may take to start (bind, hand over, listen). */
#define WORKERS_START_TIMEOUT_S	30

bool workers_own_conn(unsigned int worker, unsigned int workers,
		      const struct conn *c)
{
	if (workers < 2)
		return true;
	return ike_shard_of_addr(c->remote.sin_addr.s_addr, workers) == worker;
}

int workers_ctl_path(const char *base, unsigned int worker, char *buf,
		     size_t len)
{
	int n = worker ? snprintf(buf, len, "%s.%u", base, worker) :
			 snprintf(buf, len, "%s", base);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Ask worker @k @req by @deadline (loop_now_ms()); the answer in *@buf
 * (freed by the caller). One deadline for all the workers asked: worker 0
 * does nothing else meanwhile.
 */
static int ask(const char *base, unsigned int k, const char *req,
	       uint64_t deadline, char **buf)
{
	uint64_t now = loop_now_ms();
	char path[108];
	size_t len;
	int ret = workers_ctl_path(base, k, path, sizeof(path));

	*buf = NULL;
	if (!ret && now >= deadline)
		ret = -ETIMEDOUT;
	return ret ? ret : ctl_ask(path, req, (int)(deadline - now), buf,
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
	uint64_t deadline = loop_now_ms() + WORKERS_ASK_TIMEOUT_MS;
	const char *objs;
	unsigned int k;
	char *buf;
	size_t len;
	int ret;

	for (k = 1; k < workers; k++) {
		ret = ask(base, k, "show", deadline, &buf);
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

/*
 * The text of a worker's {"error":"..."} answer, in place, for a message
 * of our own (its JSON escapes are left as they are).
 */
static const char *error_text(char *answer)
{
	static const char key[] = "{\"error\":\"";
	char *end;

	if (strncmp(answer, key, sizeof(key) - 1))
		return "unexpected answer";
	answer += sizeof(key) - 1;
	end = strrchr(answer, '"');
	if (end)
		*end = '\0';
	return answer;
}

int workers_reload_others(const char *base, unsigned int workers,
			  const char *digest, char *err, size_t errlen)
{
	char req[CTL_REQ_MAX];
	/* a reload may delete many SAs: more time than a show */
	uint64_t deadline = loop_now_ms() + 4 * WORKERS_ASK_TIMEOUT_MS;
	unsigned int k;
	char *buf;
	int ret;

	if (snprintf(req, sizeof(req), "worker-reload %s", digest) >=
	    (int)sizeof(req))
		return -EINVAL;
	for (k = 1; k < workers; k++) {
		ret = ask(base, k, req, deadline, &buf);
		if (!ret && !strstr(buf, "\"reload\":\"ok\""))
			ret = -EIO;
		if (ret) {
			snprintf(err, errlen, "worker %u: %s", k,
				 ret == -EIO ? error_text(buf) : strerror(-ret));
			syslog(LOG_ERR, "reload: %s", err);
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

static void describe_exit(unsigned int k, int status)
{
	if (WIFSIGNALED(status))
		syslog(LOG_ERR, "worker %u killed by signal %d (%s)", k,
		       WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status))
		syslog(LOG_ERR, "worker %u exited with status %d", k,
		       WEXITSTATUS(status));
}

/* Reap the workers that exited, logging those that failed if @tell;
 * how many were reaped. */
static unsigned int reap(struct workers *w, bool tell)
{
	unsigned int n = 0, k;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		k = index_of(w, pid);
		if (k == w->n)
			continue;
		w->pids[k] = 0;
		if (tell)
			describe_exit(k, st);
		n++;
	}
	/* ECHILD: none left to wait for, whatever the books say */
	if (pid < 0 && errno == ECHILD)
		for (k = 0; k < w->n; k++)
			w->pids[k] = 0;
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
	uint64_t kill_at = loop_now_ms() + 1000 * WORKERS_STOP_TIMEOUT_S;
	bool killed = false;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	signal_all(w, SIGTERM);
	for (;;) {
		reap(w, true);
		if (!running(w))
			return;
		if (!killed && loop_now_ms() >= kill_at) {
			syslog(LOG_WARNING, "workers did not stop; killing them");
			signal_all(w, SIGKILL);
			killed = true;
		}
		sigtimedwait(&set, NULL, &ts);
	}
}

static void worker_process(unsigned int k, int ready, worker_main_fn fn,
			   void *arg, int close_fd, pid_t supervisor)
{
	sigset_t chld;

	if (close_fd >= 0)
		close(close_fd);
	/* a supervisor killed outright must not leave its workers behind
	 * (and one that died before this line has left already) */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != supervisor)
		_exit(1);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
	_exit(fn(k, ready, arg));
}

/* Worker @k's one-byte report on @fd, within WORKERS_START_TIMEOUT_S. */
static int wait_ready(int fd, unsigned int k)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char status = 1;
	int n;

	do
		n = poll(&pfd, 1, WORKERS_START_TIMEOUT_S * 1000);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		syslog(LOG_ERR, "worker %u did not report within %u s", k,
		       WORKERS_START_TIMEOUT_S);
		return -ETIMEDOUT;
	}
	/* nothing read: the worker died before it reported */
	if (n < 0 || read(fd, &status, 1) != 1)
		status = 1;
	return status ? -ECHILD : 0;
}

/* Fork worker @k and wait for its report; 0 or -errno. */
static int start_one(struct workers *w, unsigned int k, worker_main_fn fn,
		     void *arg, int close_fd)
{
	pid_t pid, self = getpid();
	int pfd[2], ret;

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
		worker_process(k, pfd[1], fn, arg, close_fd, self);
	}
	w->pids[k] = pid;
	w->n = k + 1;
	close(pfd[1]);
	ret = wait_ready(pfd[0], k);
	close(pfd[0]);
	/* one started before may have died meanwhile */
	if (!ret && reap(w, true))
		ret = -ECHILD;
	return ret;
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
	/* an inherited SIG_IGN would reap the workers behind our back */
	signal(SIGCHLD, SIG_DFL);
	/* a starting process that went away must not kill us on report */
	signal(SIGPIPE, SIG_IGN);
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
	siginfo_t si;
	sigset_t set;

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
			if (!reap(w, true))
				break;
			syslog(LOG_ERR, "a worker is gone; stopping the others");
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
