/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * child.h - what IKE_AUTH and CREATE_CHILD_SA share about a Child SA
 * pair (RFC 7296 1.2, 1.3, 2.9, 2.17): choosing the ESP proposal and
 * narrowing the selectors in either role, the responder's SA/TSi/TSr
 * payloads, deriving the keys and installing the pair through
 * ops->child_install, and removing a pair again.
 *
 * "Initiator" here is the initiator of the exchange that creates the
 * pair, which for CREATE_CHILD_SA may be the IKE SA's responder (2.17).
 */
#ifndef ACIKD_TASKS_CHILD_H
#define ACIKD_TASKS_CHILD_H

#include "ike_sa.h"
#include "negotiate.h"

/**
 * struct child_nego - a negotiated pair before it is installed
 * @ch: the chosen ESP proposal; @ch.spi is the peer's SPI (our outbound)
 * @ti: the narrowed TSi (the exchange initiator's side)
 * @n_ti: entries in @ti
 * @tr: the narrowed TSr (the exchange responder's side)
 * @n_tr: entries in @tr
 */
struct child_nego {
	struct nego_choice ch;
	struct ts_prefix ti[CONFIG_MAX_TS], tr[CONFIG_MAX_TS];
	unsigned int n_ti, n_tr;
};

/* child_spi() - a random Child SA SPI of ours (never below 256). */
int child_spi(const struct ike_ctx *c, uint32_t *spi);

/*
 * child_select_request() - the responder's choice for the peer's SA, TSi
 * and TSr in @m (all present): an ESP proposal of @cn (with @pfs, the
 * CREATE_CHILD_SA rules: @ke_group is the peer's KE group, 0 if none)
 * and the selectors narrowed to @cn's. On refusal *@notify is
 * NO_PROPOSAL_CHOSEN or TS_UNACCEPTABLE (malformed ones included).
 * Return: 0, -ENOENT (refused) or an ENC_E_ error (malformed).
 */
int child_select_request(const struct conn *cn, const struct enc_message *m,
			 bool pfs, uint16_t ke_group, struct child_nego *n,
			 uint16_t *notify);

/*
 * child_select_response() - the initiator's check of the response @m
 * against what it proposed: @cn's ESP proposals and the selectors @our_i
 * (TSi) and @our_r (TSr), which the responder may only narrow.
 * Return: 0, -ENOENT or -EPROTO (unusable), or an ENC_E_ error.
 */
int child_select_response(const struct conn *cn, const struct enc_message *m,
			  bool pfs, const struct ts_prefix *our_i,
			  unsigned int n_i, const struct ts_prefix *our_r,
			  unsigned int n_r, struct child_nego *n);

/* child_answer() - the responder's SA, TSi and TSr payloads into @p[0..2]. */
int child_answer(const struct child_nego *n, uint32_t spi_in,
		 struct enc_payload *p, struct enc_buf *scratch);

/**
 * struct child_keying - where a pair's keys come from (2.17)
 * @initiator: we initiated the exchange that creates the pair
 * @g_ir: the exchange's PFS shared secret, empty without PFS
 * @ni: the exchange initiator's nonce
 * @nr: the exchange responder's nonce
 * @rekey_of: as responder of a rekey, our SPI of the pair it replaces:
 *	the new outbound SA is held back until that pair goes
 *	(child_remove()); 0 otherwise
 */
struct child_keying {
	bool initiator;
	struct chunk g_ir, ni, nr;
	uint32_t rekey_of;
};

/*
 * child_install() - derive the pair's keys (wiped afterwards), install
 * it with our SPI @spi_in and record it in @sa. Only the tunnel's first
 * pair adds routes. Return: 0, -ENOSPC (child table full) or -errno.
 */
int child_install(struct ike_sa *sa, const struct ike_ctx *c,
		  const struct child_nego *n, uint32_t spi_in,
		  const struct child_keying *k);

/*
 * child_remove() - take the pair with our SPI @spi_in out of actun and of
 * @sa; the last one takes the routes along. Return: 0 or -ENOENT.
 */
int child_remove(struct ike_sa *sa, const struct ike_ctx *c,
		 uint32_t spi_in);

#endif /* ACIKD_TASKS_CHILD_H */
