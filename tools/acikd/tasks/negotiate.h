/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * negotiate.h - what the tasks share: choosing a proposal from an SA
 * payload and building SA payloads, narrowing and building traffic
 * selectors, and finding the connection a peer talks to. Every exchange
 * that creates an SA (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA) needs them.
 */
#ifndef ACIKD_TASKS_NEGOTIATE_H
#define ACIKD_TASKS_NEGOTIATE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "crypto/transform.h"
#include "encoding/encoding.h"

/**
 * struct nego_choice - one proposal chosen from an SA payload
 * @number: the proposal's number, echoed in the response
 * @suite: encryption, key length, integrity and (IKE) PRF
 * @dh: the IKE SA's key exchange group; 0 for ESP
 * @spi: ESP: the SPI the peer put in its proposal (host order)
 */
struct nego_choice {
	uint8_t number;
	struct crypto_suite suite;
	uint16_t dh;
	uint32_t spi;
};

/*
 * nego_select() - the first of @ours (our order) that a proposal of @sa
 * offers. @protocol is IKE_PROTO_IKE or IKE_PROTO_ESP. For IKE, @ke_group
 * (the group of the peer's KE payload) is chosen if both sides offer it,
 * else our first group the peer offers. @response: @sa is the peer's
 * answer, so each transform type must appear at most once.
 * Return: 0, or -ENOENT if nothing fits (NO_PROPOSAL_CHOSEN).
 */
int nego_select(const struct ike_proposal *ours, unsigned int n,
		uint8_t protocol, const struct enc_sa *sa, uint16_t ke_group,
		bool response, struct nego_choice *out);

/*
 * nego_select_pfs() - nego_select() for ESP in CREATE_CHILD_SA, where
 * key exchange transforms count (PFS): a proposal of ours with groups
 * needs one of them (@ke_group, the peer's KE group, preferred) and
 * @out->dh gets it; one without accepts a peer offering no group or NONE.
 */
int nego_select_pfs(const struct ike_proposal *ours, unsigned int n,
		    const struct enc_sa *sa, uint16_t ke_group, bool response,
		    struct nego_choice *out);

/* nego_offer() - an SA payload with all of @ours; @spi for ESP. */
int nego_offer(const struct ike_proposal *ours, unsigned int n,
	       uint8_t protocol, uint32_t spi, struct enc_payload *p,
	       struct enc_buf *scratch);

/* nego_offer_pfs() - ESP proposals with their PFS groups (CREATE_CHILD_SA). */
int nego_offer_pfs(const struct ike_proposal *ours, unsigned int n,
		   uint32_t spi, struct enc_payload *p, struct enc_buf *scratch);

/*
 * nego_answer() - an SA payload with the single proposal @c (for ESP,
 * with @c->dh as its group when non-zero).
 */
int nego_answer(const struct nego_choice *c, uint8_t protocol, uint32_t spi,
		struct enc_payload *p, struct enc_buf *scratch);

/*
 * nego_ts_narrow() - the prefixes both @ours and the peer's @theirs
 * cover: a prefix of ours inside one of their ranges, or their range if
 * it is a prefix inside one of ours. Selectors limited to a protocol or
 * ports are not narrowed to (actun routes whole prefixes).
 * Return: the number of prefixes written to @out (0: TS_UNACCEPTABLE), or
 * a negative ENC_E_ error.
 */
int nego_ts_narrow(const struct ts_prefix *ours, unsigned int n,
		   const struct enc_ts *theirs, struct ts_prefix *out,
		   unsigned int max);

/* nego_ts_build() - a TSi or TSr (@pl_type) payload from prefixes. */
int nego_ts_build(const struct ts_prefix *ts, unsigned int n,
		  uint8_t pl_type, struct enc_payload *p,
		  struct enc_buf *scratch);

/*
 * nego_conn_by_addrs() - the next connection after @after (NULL: the
 * first) that @local and @remote fit; INADDR_ANY in a conn fits any.
 */
struct conn *nego_conn_by_addrs(const struct acikd_config *cfg,
				const struct sockaddr_in *local,
				const struct sockaddr_in *remote,
				const struct conn *after);

/*
 * nego_conn_by_ids() - the connection for these addresses whose
 * remote_id is @peer_id and, if @our_id is given (IDr), whose local_id
 * is @our_id. (config.c's config_find_by_ids() does not exist yet.)
 */
struct conn *nego_conn_by_ids(const struct acikd_config *cfg,
			      const struct sockaddr_in *local,
			      const struct sockaddr_in *remote,
			      const struct enc_id *peer_id,
			      const struct enc_id *our_id);

/* Whether an ID payload carries the configured @id. */
bool nego_id_equal(const struct ike_id *id, const struct enc_id *p);

#endif /* ACIKD_TASKS_NEGOTIATE_H */
