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

/* manager_sa.c */

/*
 * manager_initial_contact() - @sa's peer said INITIAL_CONTACT (RFC 7296
 * 2.4): its other established IKE SAs go, their pairs silently.
 */
void manager_initial_contact(struct ike_manager *m, struct ike_sa *sa);
/* manager_first_contact() - no other IKE SA with @sa's peer. */
bool manager_first_contact(struct ike_manager *m, struct ike_sa *sa);

#endif /* ACIKD_MANAGER_INT_H */
