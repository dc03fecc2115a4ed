/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * tasks.h - one task per exchange (strongSwan's sa/ikev2/tasks): each has
 * an initiator side (start: build and send the request; process: handle
 * the response) and a responder side (respond: process the request and
 * build the response). The manager owns the SA tables, the windows and
 * the decision to delete an SA when a task fails.
 *
 * Return conventions: 0 when the exchange succeeded; a negative errno
 * when it failed and the SA is to be deleted. A responder task that fails
 * may still have put an error response into @out (sent before deleting).
 */
#ifndef ACIKD_TASKS_TASKS_H
#define ACIKD_TASKS_TASKS_H

#include "ike_sa.h"

/* ike_init.c: IKE_SA_INIT (RFC 7296 1.2, 2.7, 2.10, 2.14, 2.23). */

/* Initiator: a fresh key pair of @group, Ni, the request; it is sent. */
int ike_init_start(struct ike_sa *sa, const struct ike_ctx *c,
		   uint16_t group);
/*
 * Initiator: the response. Return 0 (keys derived, go on with IKE_AUTH),
 * IKE_INIT_RETRIED (INVALID_KE_PAYLOAD: the request went again with the
 * group asked for), or a negative errno.
 */
#define IKE_INIT_RETRIED 1
/* Initiator: a response to an older version of our request (ignore it). */
bool ike_init_stale(const struct ike_sa *sa, const struct enc_message *m);
int ike_init_process(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *resp);
/*
 * Responder: @sa is new (SPIs, addresses set, not in a table), @req the
 * parsed request, @local the address it reached. On failure @out holds
 * the stateless error response (SPIr zero) if there is one to send.
 */
int ike_init_respond(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *req, struct enc_buf *out);
/* A stateless IKE_SA_INIT error response to @req (SPIr zero). */
int ike_init_error(const struct enc_header *req, uint16_t notify,
		   struct chunk data, struct enc_buf *out);

/* ike_auth.c: IKE_AUTH with PSK and the first Child SA (1.2, 2.15). */

int ike_auth_start(struct ike_sa *sa, const struct ike_ctx *c);
int ike_auth_process(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *resp);
int ike_auth_respond(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *req, struct enc_buf *out);

/*
 * child_create.c: CREATE_CHILD_SA for Child SAs (1.3, 2.8, 2.17), both
 * roles, PFS, the INVALID_KE retry. A refused or failed Child SA never
 * fails the IKE SA: these return a negative errno only when no request
 * could be sent (start) or no response could be built (respond).
 */

/* Initiator: rekey our pair with inbound SPI @spi_in (N(REKEY_SA)). */
int child_rekey_start(struct ike_sa *sa, const struct ike_ctx *c,
		      uint32_t spi_in);
/* Initiator: one more pair with the connection's selectors. */
int child_create_start(struct ike_sa *sa, const struct ike_ctx *c);
/*
 * Initiator: the response: install the new pair and, for a rekey, queue
 * IKE_JOB_DELETE_CHILD for the old one.
 */
int child_create_process(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *resp);
int child_create_respond(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *req, struct enc_buf *out);

/*
 * ike_rekey.c: rekeying the IKE SA with CREATE_CHILD_SA (1.3.2, 2.8,
 * 2.18), both roles. The new SA takes the old one's pairs over (nothing
 * changes in actun); the old SA becomes IKE_SA_STATE_REKEYED, and the
 * rekey initiator deletes it (IKE_JOB_DELETE_IKE). The manager allocates
 * our new SPI (unique in its table) and puts the new SA into the table.
 */

/* When the SA is due for rekeying: rekey_seconds, up to a tenth early. */
void ike_rekey_schedule(struct ike_sa *sa, const struct ike_ctx *c);
/* A CREATE_CHILD_SA request without selectors: it rekeys the IKE SA. */
bool ike_rekey_is_request(const struct enc_message *m);
/* Initiator: the request for a new IKE SA whose SPI (ours) is @spi. */
int ike_rekey_start(struct ike_sa *sa, const struct ike_ctx *c,
		    uint64_t spi);
/*
 * Initiator: the response. *@new_sa receives the new SA (not in a table)
 * when the exchange succeeded; a refusal schedules another try. @collided
 * is the SA of the peer's simultaneous rekey (sa->nego.collide_ike_spi,
 * found in the table), or NULL: the one with the lowest nonce goes (its
 * DELETE is queued on *@new_sa if that is ours). Return 0 (also when the
 * request went again after INVALID_KE_PAYLOAD).
 */
int ike_rekey_process(struct ike_sa *sa, const struct ike_ctx *c,
		      const struct enc_message *m, struct ike_sa *collided,
		      struct ike_sa **new_sa);
/*
 * The peer deleted @old while our rekey was outstanding, after it had
 * rekeyed it too: its SA @peers takes the pairs over (2.8.2, 2.25).
 */
void ike_rekey_peer_won(struct ike_sa *peers, struct ike_sa *old,
			const struct ike_ctx *c);
/*
 * Responder: answer the request in @out; *@new_sa receives the new SA
 * (with our SPI @spi, not in a table) when it was accepted. Refusals:
 * NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, INVALID_SYNTAX, and
 * TEMPORARY_FAILURE while @sa is not established or has a Child SA
 * exchange of ours outstanding (2.25), or when @spi is 0. While our own
 * rekey is outstanding the new SA is held back (REKEYED, no pairs) for
 * ike_rekey_process() to decide. Return 0, or -errno when no response
 * could be built.
 */
int ike_rekey_respond(struct ike_sa *sa, const struct ike_ctx *c,
		      const struct enc_message *m, uint64_t spi,
		      struct enc_buf *out, struct ike_sa **new_sa);

/*
 * informational.c: INFORMATIONAL (1.4, 1.5, 3.11): DELETE of Child SA
 * pairs and of the IKE SA, liveness checks (DPD, 2.4). Requests go out
 * as jobs (ike_sa_queue_job()) when the window is free.
 */

/* info_respond() and info_process(): delete the IKE SA (after sending). */
#define INFO_DELETE_IKE 1
/*
 * Responder, on an established (or deleting) SA: remove the pairs the
 * peer's ESP Delete payloads name and answer with a Delete of our SPIs of
 * them; a Delete of the IKE SA is answered empty and returns
 * INFO_DELETE_IKE; anything else (liveness checks, notifies) is answered
 * empty. Return: 0 or INFO_DELETE_IKE with the response in @out; or a
 * negative errno, the IKE SA staying: -ENC_E_VALUE for a malformed Delete
 * (nothing removed, INVALID_SYNTAX in @out), -EPROTO when not established
 * (no response).
 */
int info_respond(struct ike_sa *sa, const struct ike_ctx *c,
		 const struct enc_message *m, struct enc_buf *out);
/*
 * The encrypted response to request @m carrying the error notify @type
 * (2.21.3: after authentication every request with errors is answered).
 */
int info_respond_error(struct ike_sa *sa, const struct enc_message *m,
		       uint16_t type, struct chunk data, struct enc_buf *out);
/*
 * Initiator: DELETE of the pair whose inbound (our) SPI is @spi_in. The
 * pair stays in actun until the answer (the peer may send on it until it
 * has the request), then info_delete_child_done() removes it. Return 0
 * also when there is no such pair (nothing is sent), or -errno.
 */
int info_delete_child_start(struct ike_sa *sa, const struct ike_ctx *c,
			    uint32_t spi_in);
/* The answer to our DELETE of pair @spi_in came: it leaves actun. */
void info_delete_child_done(struct ike_sa *sa, const struct ike_ctx *c,
			    uint32_t spi_in);
/*
 * Initiator: DELETE of the IKE SA; the SA becomes DELETING. It goes with
 * all its pairs when the response comes (info_process() returns
 * INFO_DELETE_IKE) or when the request's retransmissions run out.
 */
int info_delete_ike_start(struct ike_sa *sa, const struct ike_ctx *c);
/* Initiator: the empty request that asks whether the peer is alive. */
int info_dpd_start(struct ike_sa *sa, const struct ike_ctx *c);
/* Initiator: the response to one of ours: 0 or INFO_DELETE_IKE. */
int info_process(struct ike_sa *sa, const struct ike_ctx *c,
		 const struct enc_message *resp);

#endif /* ACIKD_TASKS_TASKS_H */
