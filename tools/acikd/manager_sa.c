// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * manager_sa.c - IKE SAs that end for a reason outside their own
 * exchanges: the peer's INITIAL_CONTACT (RFC 7296 2.4), a reload that
 * removes their connection, and acikd stopping (manager_int.h, ike.h).
 */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "crypto/dh_cache.h"
#include "manager_int.h"
#include "tasks/tasks.h"

static bool same_peer(const struct ike_sa *a, const struct ike_sa *b)
{
	if (a == b || !a->conn || !b->conn ||
	    strcmp(a->conn->name, b->conn->name) ||
	    a->conn->remote_id.type != b->conn->remote_id.type ||
	    !chunk_equal(a->conn->remote_id.data, b->conn->remote_id.data))
		return false;
	/* An address ID names the address (3.5): the same one, then. */
	return a->conn->remote_id.type != IKE_ID_IPV4_ADDR ||
	       a->remote.sin_addr.s_addr == b->remote.sin_addr.s_addr;
}

/*
 * The other SAs with @sa's peer are among those of its connection (the
 * table files them by name): a handful, however many SAs there are.
 */
void manager_initial_contact(struct ike_manager *m, struct ike_sa *sa)
{
	struct ike_sa_table *t = manager_table(m);
	struct ike_sa *o, *next;

	if (!sa->conn)
		return;
	for (o = ike_sa_table_by_conn(t, sa->conn->name, NULL); o; o = next) {
		next = ike_sa_table_by_conn(t, sa->conn->name, o);
		/*
		 * The peer forgot the SAs it had with us: their pairs leave
		 * actun silently (no DELETE to a peer that does not know
		 * them); the tunnel's routes stay with the new SA's pair
		 * (kernel.c counts pairs across IKE SAs). Half-open SAs are
		 * left to their timer.
		 */
		if (same_peer(o, sa) && o->state >= IKE_SA_STATE_ESTABLISHED) {
			ike_log(manager_ctx(m), LOG_NOTICE,
				"connection %s: INITIAL_CONTACT: the peer "
				"forgot an IKE SA, deleted with its %u pairs",
				sa->conn->name, o->n_children);
			manager_delete_sa(m, o);
		}
	}
}

bool manager_first_contact(struct ike_manager *m, struct ike_sa *sa)
{
	struct ike_sa_table *t = manager_table(m);
	struct ike_sa *o = NULL;

	if (!sa->conn)
		return true;
	while ((o = ike_sa_table_by_conn(t, sa->conn->name, o)))
		if (same_peer(o, sa))
			return false;
	return true;
}

struct reload_walk {
	struct ike_manager *m;
	const struct acikd_config *cfg;
};

static bool conn_kept(const struct acikd_config *cfg, const struct conn *c)
{
	for (unsigned int i = 0; i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i]->name, c->name))
			return true;
	return false;
}

/* A new keepalive interval applies from the reload on. */
static void rearm_keepalive(struct ike_manager *m, struct ike_sa *sa)
{
	if (!sa->nat_local)
		return;
	ike_sa_keepalive_arm(sa, manager_ctx(m));
	manager_update(m, sa);
}

/*
 * The SA's connection is gone: established, it is deleted (DELETE to the
 * peer, or silently if its job queue is full); our half-open one is
 * dropped. A responder's half-open SA stays: IKE_AUTH picks its
 * connection from the new configuration. Rekeyed and deleting SAs are
 * going anyway.
 */
static void reload_one(void *arg, struct ike_sa *sa)
{
	struct reload_walk *w = arg;

	if (!sa->conn || conn_kept(w->cfg, sa->conn)) {
		rearm_keepalive(w->m, sa);
		return;
	}
	sa->no_restart = true;
	if (sa->state == IKE_SA_STATE_ESTABLISHED) {
		if (ike_sa_queue_job(sa, IKE_JOB_DELETE_IKE, 0))
			manager_delete_sa(w->m, sa);
		else
			manager_run_jobs(w->m, sa);
	} else if (sa->state < IKE_SA_STATE_ESTABLISHED && sa->initiator) {
		manager_delete_sa(w->m, sa);
	}
}

/*
 * Every SA holds a reference to its connection (ike_sa_set_conn()), so
 * the caller may free the old configuration; SAs of connections that
 * stay keep the settings they were negotiated under.
 */
void ike_manager_set_config(struct ike_manager *m, uint64_t now_ms,
			    const struct acikd_config *cfg)
{
	struct reload_walk w = { .m = m, .cfg = cfg };

	struct dh_cache *dh = manager_ctx(m)->dh_cache;

	manager_ctx(m)->cfg = cfg;
	manager_ctx(m)->now_ms = now_ms;
	/* a new window applies to the next pair; none: none is kept */
	dh->lifetime_ms = 1000 * cfg->dh_reuse_seconds;
	if (!dh->lifetime_ms)
		dh_cache_clear(dh);
	ike_sa_table_walk(manager_table(m), reload_one, &w);
}

struct shutdown_walk {
	struct ike_manager *m;
	unsigned int deleting;
};

static void shutdown_one(void *arg, struct ike_sa *sa)
{
	struct shutdown_walk *w = arg;

	/*
	 * Once, whatever the window: an outstanding request's answer no
	 * longer matters, and a peer that has answered it takes this one.
	 */
	if (sa->state == IKE_SA_STATE_ESTABLISHED) {
		info_delete_ike_start(sa, manager_ctx(w->m));
		manager_update(w->m, sa);
	}
	w->deleting += sa->state == IKE_SA_STATE_DELETING;
}

unsigned int ike_manager_shutdown(struct ike_manager *m, uint64_t now_ms)
{
	struct shutdown_walk w = { .m = m };

	manager_ctx(m)->now_ms = now_ms;
	manager_restarts(m)->stopped = true;
	ike_sa_table_walk(manager_table(m), shutdown_one, &w);
	return w.deleting;
}
