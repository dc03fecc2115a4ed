// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_workers.c - several workers on one address and port: the kernel
 * runs steer.c's program on real loopback sockets and each datagram must
 * reach the worker the IKE header names (our SPI, or the source address
 * for a new peer; ESP and keepalives to worker 0); the SPIs a worker
 * draws are its own; the worker a peer's address is steered to initiates
 * to it; worker 0
 * merges the others' "show" answers and relays a reload. Ports are
 * ephemeral: nothing here needs root.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl.h"
#include "ike_sa.h"
#include "socket.h"
#include "steer.h"
#include "tasks/child.h"
#include "workers.h"

#define WORKERS	3

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* ---- steering on loopback ----------------------------------------------- */

struct group {
	struct ike_socket s[WORKERS];
	struct sockaddr_in to;
	bool natt;
};

static void group_open(struct group *g, bool natt)
{
	uint16_t port = 0;

	g->natt = natt;
	for (int k = 0; k < WORKERS; k++) {
		assert_int_equal(socket_open_shared(&g->s[k], ip("127.0.0.1"),
						    port, natt, WORKERS), 0);
		port = ntohs(g->s[k].bound.sin_port);
	}
	g->to = g->s[0].bound;
}

static void group_close(struct group *g)
{
	for (int k = 0; k < WORKERS; k++)
		socket_close(&g->s[k]);
}

/* An IKE header: SPIs as 64-bit numbers, the Initiator flag. */
static size_t ike_hdr(uint8_t *buf, bool marker, uint64_t spi_i,
		      uint64_t spi_r, bool initiator)
{
	size_t m = marker ? NON_ESP_MARKER_LEN : 0;

	memset(buf, 0, m + 28);
	for (int i = 0; i < 8; i++) {
		buf[m + i] = (uint8_t)(spi_i >> (56 - 8 * i));
		buf[m + 8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	buf[m + 17] = 0x20;	/* version 2.0 */
	buf[m + 18] = 34;	/* IKE_SA_INIT; the program does not look */
	buf[m + 19] = initiator ? 0x08 : 0x20;
	buf[m + 27] = 28;
	return m + 28;
}

/* Send @len bytes from @from to the group; the worker that got it. */
static int steered(struct group *g, const char *from, const uint8_t *buf,
		   size_t len)
{
	struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr = ip(from) };
	struct pollfd pfd[WORKERS];
	uint8_t rx[128];
	int fd, got = -1, k;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&g->to,
				sizeof(g->to)), (ssize_t)len);
	close(fd);
	for (k = 0; k < WORKERS; k++)
		pfd[k] = (struct pollfd){ .fd = g->s[k].lfd.fd, .events = POLLIN };
	assert_true(poll(pfd, WORKERS, 2000) > 0);
	for (k = 0; k < WORKERS; k++) {
		if (!(pfd[k].revents & POLLIN))
			continue;
		assert_int_equal(got, -1);	/* one worker only */
		assert_int_equal(recv(pfd[k].fd, rx, sizeof(rx), 0), (ssize_t)len);
		got = k;
	}
	return got;
}

/* A 64-bit SPI whose first 32 bits pick worker @k. */
static uint64_t spi_of(int k)
{
	return (uint64_t)ike_shard_fit(0x9abcdef0u, (uint32_t)k, WORKERS) << 32 |
	       0x12345678u;
}

static int by_addr(const char *a)
{
	return (int)(ntohl(ip(a).s_addr) % WORKERS);
}

static void check_ike(struct group *g)
{
	uint8_t buf[64];
	size_t len;

	/* our SPI as responder (Initiator flag set): SPIr's worker */
	for (int k = 0; k < WORKERS; k++) {
		len = ike_hdr(buf, g->natt, spi_of((k + 1) % WORKERS),
			      spi_of(k), true);
		assert_int_equal(steered(g, "127.0.0.2", buf, len), k);
	}
	/* our SPI as the original initiator (flag clear): SPIi's worker */
	for (int k = 0; k < WORKERS; k++) {
		len = ike_hdr(buf, g->natt, spi_of(k),
			      spi_of((k + 2) % WORKERS), false);
		assert_int_equal(steered(g, "127.0.0.2", buf, len), k);
	}
	/* a new peer (SPIr zero): its source address, whatever its SPIi */
	for (int a = 2; a < 2 + WORKERS; a++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "127.0.0.%d", a);
		len = ike_hdr(buf, g->natt, spi_of(a % WORKERS), 0, true);
		assert_int_equal(steered(g, addr, buf, len), by_addr(addr));
		len = ike_hdr(buf, g->natt, spi_of((a + 1) % WORKERS), 0, true);
		assert_int_equal(steered(g, addr, buf, len), by_addr(addr));
	}
	/* SPIr with a zero first half is still ours, not a new peer */
	len = ike_hdr(buf, g->natt, spi_of(1), 0x00000000ffffffffull, true);
	assert_int_equal(steered(g, "127.0.0.3", buf, len), 0);
}

static void test_steer_ike_port(void **state)
{
	static const uint8_t shorty[10] = { 1, 2, 3 };
	struct group g;

	(void)state;
	group_open(&g, false);
	check_ike(&g);
	/* too short for an IKE header: worker 0 (its core drops it) */
	assert_int_equal(steered(&g, "127.0.0.4", shorty, sizeof(shorty)), 0);
	group_close(&g);
}

static void test_steer_natt_port(void **state)
{
	static const uint8_t keepalive[] = { 0xff };
	uint8_t esp[64] = { 0x00, 0x00, 0x12, 0x35, 0, 0, 0, 1 };
	struct group g;

	(void)state;
	group_open(&g, true);
	check_ike(&g);
	/* ESP in UDP and keepalives: worker 0, whose socket actun has;
	 * from an address that would pick another worker for IKE */
	assert_int_not_equal(by_addr("127.0.0.4"), 0);
	assert_int_equal(steered(&g, "127.0.0.4", esp, sizeof(esp)), 0);
	assert_int_equal(steered(&g, "127.0.0.4", keepalive,
				 sizeof(keepalive)), 0);
	group_close(&g);
}

/*
 * The probe tells a socket in its place from one that is not: after
 * worker 0's socket is closed and bound again, the group is [2, 1, 0]
 * (the last socket fills the hole), and workers 0 and 2 see it.
 */
static void test_probe_place(void **state)
{
	struct group g;
	uint16_t port;

	(void)state;
	for (int natt = 0; natt < 2; natt++) {
		group_open(&g, natt);
		for (int k = 0; k < WORKERS; k++)
			assert_int_equal(steer_probe(g.s[k].lfd.fd, &g.s[k].bound,
						     natt, (unsigned int)k,
						     WORKERS, 1000), 0);
		port = ntohs(g.s[0].bound.sin_port);
		socket_close(&g.s[0]);
		assert_int_equal(socket_open_shared(&g.s[0], ip("127.0.0.1"),
						    port, natt, WORKERS), 0);
		assert_int_equal(steer_probe(g.s[0].lfd.fd, &g.s[0].bound, natt,
					     0, WORKERS, 300), -EXDEV);
		assert_int_equal(steer_probe(g.s[1].lfd.fd, &g.s[1].bound, natt,
					     1, WORKERS, 300), 0);
		assert_int_equal(steer_probe(g.s[2].lfd.fd, &g.s[2].bound, natt,
					     2, WORKERS, 300), -EXDEV);
		group_close(&g);
	}
}

/*
 * In a namespace whose loopback device is down no local datagram arrives:
 * the probe says so (no verdict), rather than "out of place". Needs
 * CAP_SYS_ADMIN for a namespace of its own; skipped without.
 */
static void test_probe_lo_down(void **state)
{
	struct group g;
	pid_t pid;
	int st;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(77);
		group_open(&g, false);
		_exit(steer_probe(g.s[1].lfd.fd, &g.s[1].bound, false, 1,
				  WORKERS, 300) == -ENETDOWN ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- SPIs ---------------------------------------------------------------- */

static void test_shard_fit(void **state)
{
	(void)state;
	assert_int_equal(ike_shard_fit(1234, 0, 1), 1234);
	assert_int_equal(ike_shard_fit(1234, 5, 0), 1234);
	for (uint32_t n = 2; n <= CONFIG_WORKERS_MAX; n++)
		for (uint32_t k = 0; k < n; k++) {
			const uint32_t v[] = { 0, 1, n - 1, n, 0x80000000u,
					       UINT32_MAX - n, UINT32_MAX };

			for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
				uint32_t r = ike_shard_fit(v[i], k, n);

				assert_int_equal(r % n, k);
				/* within one block of the draw */
				assert_true((r > v[i] ? r - v[i] : v[i] - r) < n);
			}
		}
}

static int fake_random(void *arg, uint8_t *buf, size_t len)
{
	uint32_t *seed = arg;

	for (size_t i = 0; i < len; i++) {
		*seed = *seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(*seed >> 16);
	}
	return 0;
}

static void test_spis_are_the_workers(void **state)
{
	static const struct ike_env_ops ops = { .random = fake_random };
	uint32_t seed = 7, spi32;
	struct ike_sa_table t;
	uint8_t key[HASH_KEY_LEN] = { 1 };
	struct ike_ctx c = { .ops = &ops, .arg = &seed, .shards = 5 };
	uint64_t spi;

	(void)state;
	assert_int_equal(ike_sa_table_init(&t, key), 0);
	for (c.shard = 0; c.shard < c.shards; c.shard++)
		for (int i = 0; i < 200; i++) {
			assert_int_equal(ike_sa_new_spi(&t, &c, &spi), 0);
			assert_int_equal((spi >> 32) % c.shards, c.shard);
			assert_int_equal(child_spi(&c, &spi32), 0);
			assert_int_equal(spi32 % c.shards, c.shard);
			assert_true(spi32 >= 256);
		}
	ike_sa_table_fini(&t);
}

static void test_initiator_is_the_peers_worker(void **state)
{
	static const char *const peers[] = { "192.0.2.1", "192.0.2.2",
					     "198.51.100.77", "10.0.0.255" };
	struct conn c = { .remote = { .sin_family = AF_INET } };
	unsigned int owners, k;

	(void)state;
	for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		c.remote.sin_addr = ip(peers[i]);
		assert_true(workers_own_conn(0, 1, &c));
		for (unsigned int n = 2; n <= 8; n++) {
			for (owners = 0, k = 0; k < n; k++)
				owners += workers_own_conn(k, n, &c);
			assert_int_equal(owners, 1);
			/* the one the kernel gives that peer's IKE_SA_INIT */
			assert_true(workers_own_conn(ntohl(c.remote.sin_addr.s_addr) % n,
						     n, &c));
		}
	}
}

/* ---- worker 0 asking the others ----------------------------------------- */

struct fake_worker {
	char path[108];
	pid_t pid;
};

/* A process that answers one request on @path.K with @answer if it is
 * @expect, with an error if not. */
static void fake_worker_for(struct fake_worker *f, const char *base,
			    unsigned int k, const char *expect,
			    const char *answer)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, c;
	char req[CTL_REQ_MAX];

	assert_int_equal(workers_ctl_path(base, k, f->path, sizeof(f->path)), 0);
	strcpy(sun.sun_path, f->path);
	unlink(f->path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 4), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		alarm(10);	/* never left behind, whatever the test does */
		memset(req, 0, sizeof(req));
		c = accept(fd, NULL, NULL);
		if (c >= 0 && recv(c, req, sizeof(req) - 1, 0) > 0) {
			if (strcmp(req, expect))
				answer = "{\"error\":\"unexpected request\"}\n";
			if (write(c, answer, strlen(answer)) < 0)
				_exit(1);
			close(c);
		}
		_exit(0);
	}
	close(fd);
}

static void fake_worker(struct fake_worker *f, const char *base,
			unsigned int k, const char *answer)
{
	fake_worker_for(f, base, k, "show\n", answer);
}

/* The fake must have been asked: it exits after its one answer. */
static void fake_done(struct fake_worker *f)
{
	pid_t got = 0;

	for (int i = 0; i < 200 && !got; i++) {
		got = waitpid(f->pid, NULL, WNOHANG);
		if (!got)
			usleep(10000);
	}
	if (!got) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	unlink(f->path);
	assert_int_equal(got, f->pid);
}

static char *base_path(void)
{
	static char base[64];

	snprintf(base, sizeof(base), "/tmp/acikd-test-workers.%d.ctl", getpid());
	return base;
}

static void test_show_merges(void **state)
{
	struct fake_worker f1, f2, f3;
	const char *base = base_path();
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	(void)state;
	fake_worker(&f1, base, 1, "[{\"conn\":\"a\",\"worker\":1},{\"conn\":\"b\",\"worker\":1}]\n");
	fake_worker(&f2, base, 2, "[]\n");
	fake_worker(&f3, base, 3, "[{\"conn\":\"c\",\"worker\":3}]\n");
	fp = open_memstream(&out, &len);
	fputs("[{\"conn\":\"z\",\"worker\":0}", fp);
	assert_int_equal(workers_show_more(base, 4, fp, true), 0);
	fputs("]", fp);
	fclose(fp);
	assert_string_equal(out, "[{\"conn\":\"z\",\"worker\":0},"
			    "{\"conn\":\"a\",\"worker\":1},{\"conn\":\"b\",\"worker\":1},"
			    "{\"conn\":\"c\",\"worker\":3}]");
	free(out);
	fake_done(&f1);
	fake_done(&f2);
	fake_done(&f3);

	/* worker 0 with none of its own: no leading comma */
	fake_worker(&f1, base, 1, "[{\"conn\":\"a\"}]\n");
	fp = open_memstream(&out, &len);
	assert_int_equal(workers_show_more(base, 2, fp, false), 0);
	fclose(fp);
	assert_string_equal(out, "{\"conn\":\"a\"}");
	free(out);
	fake_done(&f1);

	/* a worker that answers an error, or none: no half list */
	fake_worker(&f1, base, 1, "{\"error\":\"cannot list the IKE SAs\"}\n");
	fp = open_memstream(&out, &len);
	assert_int_not_equal(workers_show_more(base, 3, fp, false), 0);
	fclose(fp);
	free(out);
	fake_done(&f1);
	fp = open_memstream(&out, &len);
	assert_int_equal(workers_show_more(base, 2, fp, false), -ENOENT);
	fclose(fp);
	free(out);
}

#define DIGEST "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void reloader(struct fake_worker *f, const char *base, unsigned int k,
		     const char *answer)
{
	fake_worker_for(f, base, k, "worker-reload " DIGEST "\n", answer);
}

static void test_reload_relay(void **state)
{
	struct fake_worker f1, f2;
	const char *base = base_path();
	char err[256] = "";

	(void)state;
	reloader(&f1, base, 1, "{\"reload\":\"ok\"}\n");
	reloader(&f2, base, 2, "{\"reload\":\"ok\"}\n");
	assert_int_equal(workers_reload_others(base, 3, DIGEST, err, sizeof(err)), 0);
	fake_done(&f1);
	fake_done(&f2);

	reloader(&f1, base, 1, "{\"reload\":\"ok\"}\n");
	reloader(&f2, base, 2, "{\"error\":\"x.conf:3: bad\"}\n");
	assert_int_equal(workers_reload_others(base, 3, DIGEST, err, sizeof(err)), -EIO);
	assert_string_equal(err, "worker 2: x.conf:3: bad");
	fake_done(&f1);
	fake_done(&f2);

	/* worker 1 gone: named, and worker 2 is not asked */
	assert_int_equal(workers_reload_others(base, 3, DIGEST, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "worker 1: "));

}

/* A worker that accepts (the backlog does) and never answers: worker 0
 * gives up after WORKERS_ASK_TIMEOUT_MS with no half list. */
static void test_show_silent_worker(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *base = base_path();
	char path[108], *out = NULL;
	size_t len = 0;
	FILE *fp;
	int fd;

	(void)state;
	assert_int_equal(workers_ctl_path(base, 1, path, sizeof(path)), 0);
	strcpy(sun.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 4), 0);
	fp = open_memstream(&out, &len);
	assert_int_equal(workers_show_more(base, 2, fp, false), -ETIMEDOUT);
	fclose(fp);
	assert_int_equal(len, 0);
	free(out);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steer_ike_port),
		cmocka_unit_test(test_steer_natt_port),
		cmocka_unit_test(test_probe_place),
		cmocka_unit_test(test_probe_lo_down),
		cmocka_unit_test(test_shard_fit),
		cmocka_unit_test(test_spis_are_the_workers),
		cmocka_unit_test(test_initiator_is_the_peers_worker),
		cmocka_unit_test(test_show_merges),
		cmocka_unit_test(test_reload_relay),
		cmocka_unit_test(test_show_silent_worker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
