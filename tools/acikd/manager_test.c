// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * manager_test.c - TEST AND BENCHMARK ONLY (manager_test.h): cheap IKE
 * SAs, to measure and test the tables and timers with 100k of them
 * without 100k handshakes.
 */
#include <errno.h>
#include <string.h>

#include "manager_int.h"
#include "manager_test.h"
#include "tasks/tasks.h"

static struct conn *conn_named(const struct acikd_config *cfg,
			       const char *name)
{
	for (unsigned int i = 0; i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i]->name, name))
			return cfg->conns[i];
	return NULL;
}

/* TEST ONLY: its pairs, filed as child_install() files them. */
static int add_pairs(struct ike_sa *sa, const uint32_t *spis, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct ike_child *ch;
		int err = ike_sa_child_insert(sa, spis[i], &ch);

		if (err)
			return err;
		ch->spi_out = spis[i];
	}
	return 0;
}

int ike_manager_test_sa(struct ike_manager *m, uint64_t now_ms,
			const char *conn_name, enum ike_sa_state state,
			const uint32_t *spis, unsigned int n, uint64_t *spi)
{
	struct ike_ctx *c = manager_ctx(m);
	struct conn *conn = conn_named(c->cfg, conn_name);
	struct ike_sa *sa;
	int err;

	if (!conn)
		return -ENOENT;
	c->now_ms = now_ms;
	sa = ike_sa_new(true, conn, &conn->local, &conn->remote, now_ms);
	if (!sa)
		return -ENOMEM;
	err = ike_sa_new_spi(manager_table(m), c, &sa->spi_i);
	if (!err)
		err = c->ops->random(c->arg, (uint8_t *)&sa->spi_r,
				     sizeof(sa->spi_r));
	if (err) {
		ike_sa_free(sa);
		return err;
	}
	sa->state = state;
	sa->established_ms = sa->last_heard_ms = now_ms;
	if (state == IKE_SA_STATE_ESTABLISHED)
		ike_rekey_schedule(sa, c);
	err = ike_sa_table_add(manager_table(m), sa, now_ms);
	if (err) {
		ike_sa_free(sa);
		return err;
	}
	err = add_pairs(sa, spis, n);
	if (err) {
		manager_delete_sa(m, sa);
		return err;
	}
	manager_update(m, sa);
	if (spi)
		*spi = sa->spi_i;
	return 0;
}

uint64_t ike_manager_test_timer_runs(struct ike_manager *m)
{
	return manager_table(m)->timer_runs;
}

unsigned int ike_manager_test_check(struct ike_manager *m, uint64_t now_ms)
{
	return ike_sa_table_check(manager_table(m), now_ms);
}

bool ike_manager_test_find(struct ike_manager *m, uint64_t spi)
{
	return ike_sa_table_find_spi(manager_table(m), spi) != NULL;
}

uint64_t ike_manager_test_child_owner(struct ike_manager *m, uint32_t spi_in)
{
	size_t it = 0;
	struct ike_sa *sa = ike_sa_table_by_child(manager_table(m), spi_in,
						  &it);

	return sa ? ike_sa_our_spi(sa) : 0;
}

size_t ike_manager_test_max_chain(struct ike_manager *m)
{
	return htable_max_chain(&manager_table(m)->by_spi);
}
