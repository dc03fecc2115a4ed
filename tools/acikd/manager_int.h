/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * manager_int.h - what manager.c (the dispatch, the jobs) shares with
 * manager_timer.c (the tick) and manager_sa.c (IKE SAs that end because
 * of something other than their own exchanges: INITIAL_CONTACT, a
 * reload, the shutdown).
 * struct ike_manager stays private to manager.c.
 */
#ifndef ACIKD_MANAGER_INT_H
#define ACIKD_MANAGER_INT_H

#include "ike.h"
#include "ike_sa.h"

/* manager.c */
struct ike_ctx *manager_ctx(struct ike_manager *m);
struct ike_sa_table *manager_table(struct ike_manager *m);
/* Take @sa's pairs out of actun (routes with the last), then free it. */
void manager_delete_sa(struct ike_manager *m, struct ike_sa *sa);
/*
 * Start @sa's queued jobs if its request window is free; then, as at the
 * end of every event, manager_update().
 */
void manager_run_jobs(struct ike_manager *m, struct ike_sa *sa);
/* @sa changed: its deadline and indexes follow (ike_sa_table_update()). */
void manager_update(struct ike_manager *m, struct ike_sa *sa);

/* The current configuration's connection @name, or NULL. */
struct conn *manager_conn(struct ike_manager *m, const char *name);
/*
 * manager_initiate() - a new IKE SA of @conn as initiator, its
 * IKE_SA_INIT sent; @tries: attempts that failed before it
 * (manager_restart.c). 0 or -errno (nothing left behind).
 */
int manager_initiate(struct ike_manager *m, struct conn *conn,
		     unsigned int tries);

/* manager_restart.c */

/**
 * struct restart_queue - connections waiting to be initiated again
 * @heap: struct restart entries by due time
 * @stopped: acikd is stopping: nothing is queued any more
 */
struct restart_queue {
	struct heap heap;
	bool stopped;
};

struct restart_queue *manager_restarts(struct ike_manager *m);
void restart_queue_fini(struct restart_queue *q);
/*
 * manager_restart_after() - @sa is about to go (still in the tables): if
 * it was the last SA of an `initiate = yes` connection, queue a restart.
 */
void manager_restart_after(struct ike_manager *m, struct ike_sa *sa);
/*
 * manager_restart_cancel() - the operator took @name down: its waiting
 * restarts are dropped. Return: whether there were any.
 */
bool manager_restart_cancel(struct ike_manager *m, const char *name);
/* Initiate what is due. Return: the next due time, 0 if none. */
uint64_t manager_restart_tick(struct ike_manager *m, uint64_t now_ms);

/* manager_sa.c */

/*
 * manager_initial_contact() - @sa's peer said INITIAL_CONTACT (RFC 7296
 * 2.4): its other established IKE SAs go, their pairs silently.
 */
void manager_initial_contact(struct ike_manager *m, struct ike_sa *sa);
/* manager_first_contact() - no other IKE SA with @sa's peer. */
bool manager_first_contact(struct ike_manager *m, struct ike_sa *sa);

#endif /* ACIKD_MANAGER_INT_H */
