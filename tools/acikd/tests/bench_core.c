// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_core.c - what the core's timers and lookups cost with 1k, 10k
 * and 100k IKE SAs (made without handshakes, manager_test.h). A figure
 * for Documentation/acikd-design.md, not a test: `make bench`, then
 * ./tests/bench_core. Each SA has one pair, DPD 30 s / 150 s, and was
 * made at a different millisecond, as SAs come and go in a daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "config.h"
#include "ike.h"
#include "manager_test.h"

static int b_send(void *ctx, const struct sockaddr_in *l,
		  const struct sockaddr_in *r, bool natt, struct chunk msg)
{
	(void)ctx, (void)l, (void)r, (void)natt, (void)msg;
	return 0;
}

static int b_install(void *ctx, const struct child_sa_install *c)
{
	(void)ctx, (void)c;
	return 0;
}

static int b_remove(void *ctx, const struct child_sa_remove *c)
{
	(void)ctx, (void)c;
	return 0;
}

static int b_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

static const struct ike_env_ops ops = {
	.send = b_send, .child_install = b_install,
	.child_remove = b_remove, .random = b_random,
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct ctx {
	unsigned int n;
};

static int count_cb(void *arg, const struct ike_sa_info *sa)
{
	(void)sa;
	((struct ctx *)arg)->n++;
	return 0;
}

static void bench(unsigned int n)
{
	struct conn conn = { .name = "bench", .refs = 1, .dpd_seconds = 30,
			     .dpd_timeout_seconds = 150,
			     .actun_tunnel = "t0" };
	struct conn *conns[1] = { &conn };
	struct acikd_config cfg = { .conns = conns, .n_conns = 1 };
	struct ike_manager *m = ike_manager_new(&cfg, &ops, NULL);
	uint64_t *spi = malloc(n * sizeof(*spi));
	const unsigned int reps = 1000000;
	struct ctx c = { 0 };
	double t0, idle, find, owner, walk, due;
	uint64_t runs, sink = 0;

	if (!m || !spi)
		exit(1);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t pair = 0x1000 + i;

		if (ike_manager_test_sa(m, i % 30000, "bench",
					IKE_SA_STATE_ESTABLISHED, &pair, 1,
					&spi[i]))
			exit(1);
	}
	t0 = now_ns();
	for (unsigned int r = 0; r < reps; r++)
		sink += ike_manager_tick(m, 1000 + r % 1000);
	idle = (now_ns() - t0) / reps;
	t0 = now_ns();
	for (unsigned int r = 0; r < reps; r++)
		sink += ike_manager_test_find(m, spi[(r * 7919u) % n]);
	find = (now_ns() - t0) / reps;
	t0 = now_ns();
	for (unsigned int r = 0; r < reps; r++)
		sink += ike_manager_test_child_owner(m, 0x1000 +
						     (r * 7919u) % n);
	owner = (now_ns() - t0) / reps;
	/* What the tick walked twice before the heap, every call. */
	t0 = now_ns();
	for (unsigned int r = 0; r < 20; r++)
		ike_manager_list(m, count_cb, &c);
	walk = (now_ns() - t0) / 20;
	/* Every SA's DPD check falls due once (and fails: no keys). */
	runs = ike_manager_test_timer_runs(m);
	t0 = now_ns();
	for (uint64_t t = 30000; t < 60000; t += 10)
		sink += ike_manager_tick(m, t);
	due = (now_ns() - t0) / (double)(ike_manager_test_timer_runs(m) - runs);
	printf("%7u SAs: tick idle %6.1f ns, find by SPI %5.1f ns, "
	       "pair owner %5.1f ns, due SA %6.0f ns, full walk %8.0f ns "
	       "(max chain %zu)%s\n", n, idle, find, owner, due, walk,
	       ike_manager_test_max_chain(m), sink ? "" : " ");
	ike_manager_free(m);
	free(spi);
}

int main(void)
{
	bench(1000);
	bench(10000);
	bench(100000);
	return 0;
}
