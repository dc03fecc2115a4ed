/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * manager_test.h - TEST AND BENCHMARK ONLY (tests/test_ike_scale.c,
 * tests/bench_core.c): IKE SAs made without a handshake, and counters of
 * the manager's work. The daemon never calls these. An SA made here has
 * no keys: whatever request it tries to send fails to build and its job
 * is dropped, which is all its timers need.
 */
#ifndef ACIKD_MANAGER_TEST_H
#define ACIKD_MANAGER_TEST_H

#include <stddef.h>

#include "ike_sa.h"

/**
 * ike_manager_test_sa() - TEST ONLY: an initiator IKE SA of @conn_name
 * in @state, created, established and last heard from at @now_ms (its
 * rekey scheduled as after IKE_AUTH), with pairs whose inbound and
 * outbound SPIs are @spis[0..@n-1], filed in every table.
 * @spi: receives our SPI (may be NULL)
 * Return: 0, -ENOENT (no such connection) or -errno.
 */
int ike_manager_test_sa(struct ike_manager *m, uint64_t now_ms,
			const char *conn_name, enum ike_sa_state state,
			const uint32_t *spis, unsigned int n, uint64_t *spi);
/* TEST ONLY: SAs ticks have run since the manager was made. */
uint64_t ike_manager_test_timer_runs(struct ike_manager *m);
/* TEST ONLY: SAs whose timer is not their deadline (0 when sound). */
unsigned int ike_manager_test_check(struct ike_manager *m, uint64_t now_ms);
/* TEST ONLY: whether our SPI @spi is in the by-SPI table. */
bool ike_manager_test_find(struct ike_manager *m, uint64_t spi);
/* TEST ONLY: our SPI of the IKE SA holding pair @spi_in (0: none). */
uint64_t ike_manager_test_child_owner(struct ike_manager *m,
				      uint32_t spi_in);
/* TEST ONLY: the longest chain in the by-SPI table. */
size_t ike_manager_test_max_chain(struct ike_manager *m);

#endif /* ACIKD_MANAGER_TEST_H */
