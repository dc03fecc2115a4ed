// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * manager_timer.c - ike_manager_tick() (ike.h): whatever is due on the
 * IKE SAs: retransmissions and their end, a responder's half-open SA
 * expiring, dead peer detection, IKE SA rekeys, rekeyed SAs whose DELETE
 * never came, NAT keepalives; then connections due to be initiated again
 * (manager_restart.c). Each SA sits in the table's timer heap under its next
 * deadline (ike_sa_deadline()), so a tick costs O(log n) per due SA and
 * nothing for the others.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <syslog.h>

#include "manager_int.h"

/* Why an SA that was up is given up, for the operator. */
static void log_given_up(const struct ike_ctx *c, const struct ike_sa *sa,
			 const char *why)
{
	char peer[INET_ADDRSTRLEN];

	if (!sa->conn || sa->state < IKE_SA_STATE_ESTABLISHED)
		return;
	inet_ntop(AF_INET, &sa->remote.sin_addr, peer, sizeof(peer));
	ike_log(c, LOG_WARNING, "connection %s: IKE SA with %s deleted: %s",
		sa->conn->name, peer, why);
}

/*
 * Dead peer detection (acikd.conf(5) dpd_delay, dpd_timeout): after
 * dpd_delay of silence a liveness check is queued, unless a request is
 * outstanding already (its answer tells as much); once the peer has been
 * silent for dpd_timeout the SA is dead. The outstanding request's
 * retransmissions last as long (ike_sa.c, retx_until()), so both ends
 * agree. Return: true when the SA is dead.
 */
static bool dpd_dead(struct ike_sa *sa, uint64_t now)
{
	const struct conn *cn = sa->conn;

	if (sa->state != IKE_SA_STATE_ESTABLISHED || !cn || !cn->dpd_seconds)
		return false;
	if (cn->dpd_timeout_seconds &&
	    now >= sa->last_heard_ms + 1000ULL * cn->dpd_timeout_seconds)
		return true;
	/* A full queue (-ENOSPC) tries again at the next deadline. */
	if (!sa->out_pending &&
	    now >= sa->last_heard_ms + 1000ULL * cn->dpd_seconds)
		ike_sa_queue_job(sa, IKE_JOB_DPD, 0);
	return false;
}

/*
 * The IKE SA's rekey is due: queue it once (the task sets the next time
 * if it fails). A rekeyed SA whose DELETE never came goes by itself.
 * Return: true when the SA is to go.
 */
static bool rekey_tick(struct ike_sa *sa, uint64_t now)
{
	if (sa->state == IKE_SA_STATE_REKEYED)
		return !sa->out_pending && now >= sa->rekeyed_ms + IKE_REKEYED_MS;
	if (sa->state == IKE_SA_STATE_ESTABLISHED && sa->rekey_at_ms &&
	    now >= sa->rekey_at_ms &&
	    !ike_sa_queue_job(sa, IKE_JOB_REKEY_IKE, 0))
		sa->rekey_at_ms = 0;
	return false;
}

/* One due SA; it touches no other SA (so the others' heap places hold). */
static void tick_one(struct ike_manager *m, struct ike_sa *sa)
{
	const struct ike_ctx *c = manager_ctx(m);

	if (ike_sa_retransmit(sa, c)) {
		/* with a dpd_timeout, retransmissions last that long */
		log_given_up(c, sa, sa->retx_until_ms ?
			     "peer silent for dpd_timeout" :
			     "no answer to our request");
		manager_delete_sa(m, sa);
		return;
	}
	if (dpd_dead(sa, c->now_ms)) {
		log_given_up(c, sa, "peer silent for dpd_timeout");
		manager_delete_sa(m, sa);
		return;
	}
	if (rekey_tick(sa, c->now_ms) ||
	    (!sa->initiator && sa->state < IKE_SA_STATE_ESTABLISHED &&
	     c->now_ms >= sa->created_ms + IKE_HALF_OPEN_MS)) {
		manager_delete_sa(m, sa);
		return;
	}
	ike_sa_send_keepalive(sa, c);
	manager_run_jobs(m, sa);	/* and its new deadline */
}

/* Return: the next time tick wants to run, 0 if none is due. */
uint64_t ike_manager_tick(struct ike_manager *m, uint64_t now_ms)
{
	struct ike_sa_table *t = manager_table(m);
	struct ike_sa *sa;

	manager_ctx(m)->now_ms = now_ms;
#ifdef ACIKD_CHECK_TIMERS
	/* Every SA's heap entry is its deadline: no event forgot one. */
	if (ike_sa_table_check(t, now_ms))
		abort();
#endif
	uint64_t next, restart;

	ike_sa_table_tick_begin(t);
	while ((sa = ike_sa_table_due(t, now_ms)))
		tick_one(m, sa);
	/* after the SAs: a restart sees the connections they left */
	restart = manager_restart_tick(m, now_ms);
	next = ike_sa_table_tick_end(t, now_ms);
	return !next || (restart && restart < next) ? restart : next;
}
