// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * manager_restart.c - connections with `initiate = yes` are kept up
 * (acikd.conf(5)): when one is left without any IKE SA because an attempt
 * failed, the peer deleted it or went silent (DPD), it is initiated again
 * after a delay that doubles with each attempt that failed in a row, from
 * RESTART_FIRST_MS to RESTART_MAX_MS, plus up to a quarter more at random
 * so that the tunnels one event cut do not all come back in step.
 * Not restarted: what the operator took down (ike_manager_delete()),
 * connections a reload removed or turned to `initiate = no` (checked when
 * the restart is due), and anything once acikd stops.
 *
 * A pending restart names its connection rather than holding it: a
 * reload in between restarts the new version of it. A failed attempt
 * carries its count in its IKE SA (sa->restart_tries), so only waiting
 * restarts are in the queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "manager_int.h"

#define RESTART_FIRST_MS	2000
#define RESTART_MAX_MS		300000

struct restart {
	struct heap_node node;	/* first: the heap hands it back */
	unsigned int tries;
	bool cancelled;		/* by the operator: dropped when due */
	char name[sizeof(((struct conn *)0)->name)];
};

void restart_queue_fini(struct restart_queue *q)
{
	for (unsigned int i = 0; i < q->heap.n; i++)
		free(q->heap.a[i]);
	heap_fini(&q->heap);
}

static bool conn_has_sa(struct ike_manager *m, const char *name,
			const struct ike_sa *except)
{
	struct ike_sa *o = NULL;

	while ((o = ike_sa_table_by_conn(manager_table(m), name, o)))
		/* a responder's half-open SA is anyone's IKE_SA_INIT */
		if (o != except &&
		    (o->initiator || o->state >= IKE_SA_STATE_ESTABLISHED))
			return true;
	return false;
}

static uint64_t restart_delay(struct ike_manager *m, unsigned int tries)
{
	const struct ike_ctx *c = manager_ctx(m);
	uint64_t delay = RESTART_MAX_MS;
	uint32_t r = 0;

	if (tries < 8 && ((uint64_t)RESTART_FIRST_MS << tries) < delay)
		delay = (uint64_t)RESTART_FIRST_MS << tries;
	if (c->ops->random(c->arg, (uint8_t *)&r, sizeof(r)))
		r = 0;
	return delay + r % (delay / 4 + 1);
}

static void restart_queue(struct ike_manager *m, const char *name,
			  unsigned int tries)
{
	struct restart_queue *q = manager_restarts(m);
	uint64_t delay = restart_delay(m, tries);
	struct restart *r = calloc(1, sizeof(*r));

	if (!r || heap_reserve(&q->heap, q->heap.n + 1)) {
		free(r);
		ike_log(manager_ctx(m), LOG_ERR,
			"connection %s: out of memory, not restarted", name);
		return;
	}
	r->tries = tries;
	snprintf(r->name, sizeof(r->name), "%s", name);
	heap_set(&q->heap, &r->node, manager_ctx(m)->now_ms + delay);
	ike_log(manager_ctx(m), LOG_INFO,
		"connection %s: initiating again in %llu.%03llu s%s", name,
		(unsigned long long)delay / 1000,
		(unsigned long long)delay % 1000,
		tries ? " (an attempt failed)" : "");
}

/*
 * With several workers one initiates each connection (workers.h); an SA
 * the peer started from another address may live in another worker,
 * whose losing it must not start a second chain of attempts.
 */
static bool restart_owned(struct ike_manager *m, const struct conn *c)
{
	const struct ike_ctx *ctx = manager_ctx(m);

	return ike_shard_of_addr(c->remote.sin_addr.s_addr, ctx->shards) ==
	       (ctx->shards < 2 ? 0 : ctx->shard);
}

void manager_restart_after(struct ike_manager *m, struct ike_sa *sa)
{
	struct restart_queue *q = manager_restarts(m);

	if (q->stopped || sa->no_restart || !sa->conn ||
	    (!sa->initiator && sa->state < IKE_SA_STATE_ESTABLISHED) ||
	    !sa->conn->initiate || conn_has_sa(m, sa->conn->name, sa) ||
	    !restart_owned(m, sa->conn))
		return;
	/*
	 * An SA that stayed up a while resets the count; a failed attempt,
	 * or a peer that deletes what it just accepted, adds one.
	 */
	restart_queue(m, sa->conn->name,
		      sa->state >= IKE_SA_STATE_ESTABLISHED &&
		      manager_ctx(m)->now_ms >= sa->established_ms +
						RESTART_MAX_MS ?
		      0 : sa->restart_tries + 1);
}

bool manager_restart_cancel(struct ike_manager *m, const char *name)
{
	struct restart_queue *q = manager_restarts(m);
	bool any = false;

	/* marked, not removed: removal reorders the array being walked */
	for (unsigned int i = 0; i < q->heap.n; i++) {
		struct restart *r = (struct restart *)q->heap.a[i];

		if (!r->cancelled && !strcmp(r->name, name)) {
			r->cancelled = true;
			any = true;
		}
	}
	return any;
}

static void restart_one(struct ike_manager *m, struct restart *r)
{
	struct conn *conn = manager_conn(m, r->name);
	int err;

	if (r->cancelled || manager_restarts(m)->stopped || !conn ||
	    !conn->initiate || conn_has_sa(m, r->name, NULL))
		return;
	err = manager_initiate(m, conn, r->tries);
	/* an SA that failed has queued its own restart (delete_sa()) */
	if (err && !conn_has_sa(m, r->name, NULL) &&
	    !manager_restarts(m)->stopped) {
		ike_log(manager_ctx(m), LOG_ERR,
			"connection %s: cannot initiate: %s", r->name,
			strerror(-err));
		restart_queue(m, r->name, r->tries + 1);
	}
}

uint64_t manager_restart_tick(struct ike_manager *m, uint64_t now_ms)
{
	struct restart_queue *q = manager_restarts(m);
	struct heap_node *top;

	while ((top = heap_top(&q->heap)) && top->key <= now_ms) {
		struct restart *r = (struct restart *)top;

		heap_remove(&q->heap, top);
		restart_one(m, r);
		free(r);
	}
	top = heap_top(&q->heap);
	return top ? top->key : 0;
}
