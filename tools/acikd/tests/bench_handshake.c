// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_handshake.c - what the protocol core costs per IKE handshake,
 * without sockets or actun: two managers in one process (ike_testenv.h)
 * run N handshakes (IKE_SA_INIT + IKE_AUTH + one Child SA, PSK, ECP-384),
 * and the same process times ECP-384 key pair + shared secret, the floor
 * of one side. Prints figures; asserts nothing (`make bench`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <cmocka.h>

#include "crypto/dh.h"
#include "ike_testenv.h"

static double cpu_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* One side's DH floor: a key pair and a shared secret with a peer. */
static double dh_floor(int n)
{
	struct dh_key *peer, *k;
	struct chunk pub = CHUNK_EMPTY, s;
	double t0;

	if (dh_key_create(DH_GROUP_ECP_384, &peer) ||
	    dh_public_value(peer, &pub))
		return 0;
	t0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		if (dh_key_create(DH_GROUP_ECP_384, &k) ||
		    dh_compute_shared(k, pub, &s))
			return 0;
		chunk_clear(&s);
		dh_key_free(k);
	}
	t0 = (cpu_seconds() - t0) / n;
	chunk_free(&pub);
	dh_key_free(peer);
	return t0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	static struct te_env e;
	double t0, hs, dh;

	if (n < 1)
		return 2;
	t0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		te_setup(&e);
		te_start(&e);
		if (ike_manager_initiate(e.side[0].m, e.now, "conn0"))
			return 1;
		te_run(&e);
		if (te_list(&e, 1).established != 1) {
			fprintf(stderr, "handshake %d failed\n", i);
			return 1;
		}
		te_free(&e);
	}
	hs = (cpu_seconds() - t0) / n;
	dh = dh_floor(n);
	printf("%d handshakes, ECP-384: %.2f ms CPU for both sides\n", n,
	       1e3 * hs);
	printf("DH floor (key pair + shared secret) per side: %.2f ms\n",
	       1e3 * dh);
	printf("core per side / DH floor: %.2f\n", dh ? hs / 2 / dh : 0);
	return 0;
}
