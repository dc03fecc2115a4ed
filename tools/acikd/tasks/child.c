// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * child.c - Child SA negotiation and installation shared by IKE_AUTH and
 * CREATE_CHILD_SA (child.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"

#define NATT_PORT 4500
#define CHILD_SPI_MIN 256
#define DEFAULT_REKEY_SECONDS (4 * 3600)
/*
 * Between the rekey (soft, up to a tenth early) and the hard lifetime: a
 * tenth, but never less than the time a rekey exchange with its
 * retransmissions may take, or short rekey times would expire unrekeyed.
 */
#define HARD_MARGIN_MIN_SECONDS 30
#define HARD_MARGIN(rekey) \
	((rekey) / 10 > HARD_MARGIN_MIN_SECONDS ? (rekey) / 10 : \
	 HARD_MARGIN_MIN_SECONDS)

/* A random Child SA SPI; below 256 are reserved (RFC 4303 2.1). */
int child_spi(const struct ike_ctx *c, uint32_t *spi)
{
	do {
		int err = c->ops->random(c->arg, (uint8_t *)spi, sizeof(*spi));

		if (err)
			return err;
		/* unique across workers too: they share actun's tunnels */
		*spi = ike_shard_fit(*spi, c->shard, c->shards);
	} while (*spi < CHILD_SPI_MIN);
	return 0;
}

static int select_proposal(const struct conn *cn, const struct enc_sa *sa,
			   bool pfs, uint16_t ke_group, bool response,
			   struct nego_choice *ch)
{
	if (pfs)
		return nego_select_pfs(cn->esp, cn->n_esp, sa, ke_group,
				       response, ch);
	return nego_select(cn->esp, cn->n_esp, IKE_PROTO_ESP, sa, 0, response,
			   ch);
}

/* Narrow both selectors; 0, -ENOENT if either is empty, or ENC_E_. */
static int narrow(const struct ts_prefix *our_i, unsigned int n_i,
		  const struct ts_prefix *our_r, unsigned int n_r,
		  const struct enc_message *m, struct child_nego *n)
{
	int ni = nego_ts_narrow(our_i, n_i,
				&enc_message_find(m, IKE_PL_TSI, NULL)->u.ts,
				n->ti, CONFIG_MAX_TS);
	int nr = nego_ts_narrow(our_r, n_r,
				&enc_message_find(m, IKE_PL_TSR, NULL)->u.ts,
				n->tr, CONFIG_MAX_TS);

	if (ni < 0 || nr < 0)
		return ni < 0 ? ni : nr;
	if (!ni || !nr)
		return -ENOENT;
	n->n_ti = (unsigned int)ni;
	n->n_tr = (unsigned int)nr;
	return 0;
}

int child_select_request(const struct conn *cn, const struct enc_message *m,
			 bool pfs, uint16_t ke_group, struct child_nego *n,
			 uint16_t *notify)
{
	const struct enc_payload *sap = enc_message_find(m, IKE_PL_SA, NULL);
	int err;

	memset(n, 0, sizeof(*n));
	err = select_proposal(cn, &sap->u.sa, pfs, ke_group, false, &n->ch);
	/* Malformed proposals or selectors are refused like unusable ones. */
	*notify = NOTIFY_NO_PROPOSAL_CHOSEN;
	if (err)
		return err;
	/* The initiator's TSi is the peer's side: our remote selectors. */
	err = narrow(cn->remote_ts, cn->n_remote_ts, cn->local_ts,
		     cn->n_local_ts, m, n);
	*notify = NOTIFY_TS_UNACCEPTABLE;
	return err;
}

int child_select_response(const struct conn *cn, const struct enc_message *m,
			  bool pfs, const struct ts_prefix *our_i,
			  unsigned int n_i, const struct ts_prefix *our_r,
			  unsigned int n_r, struct child_nego *n)
{
	const struct enc_payload *sap = enc_message_find(m, IKE_PL_SA, NULL);
	int err;

	memset(n, 0, sizeof(*n));
	if (!sap || !enc_message_find(m, IKE_PL_TSI, NULL))
		return -EPROTO;
	err = select_proposal(cn, &sap->u.sa, pfs, 0, true, &n->ch);
	/* The responder may only narrow what we proposed (2.9). */
	return err ? err : narrow(our_i, n_i, our_r, n_r, m, n);
}

int child_answer(const struct child_nego *n, uint32_t spi_in,
		 struct enc_payload *p, struct enc_buf *scratch)
{
	int err = nego_answer(&n->ch, IKE_PROTO_ESP, spi_in, &p[0], scratch);

	if (!err)
		err = nego_ts_build(n->ti, n->n_ti, IKE_PL_TSI, &p[1], scratch);
	if (!err)
		err = nego_ts_build(n->tr, n->n_tr, IKE_PL_TSR, &p[2], scratch);
	return err;
}

/* Remember the pair with its selectors from our point of view. */
static void record(struct ike_child *rec, const struct child_nego *n,
		   uint32_t spi_in, bool initiator)
{
	rec->spi_in = spi_in;
	rec->spi_out = n->ch.spi;
	rec->n_local_ts = initiator ? n->n_ti : n->n_tr;
	memcpy(rec->local_ts, initiator ? n->ti : n->tr,
	       rec->n_local_ts * sizeof(rec->local_ts[0]));
	rec->n_remote_ts = initiator ? n->n_tr : n->n_ti;
	memcpy(rec->remote_ts, initiator ? n->tr : n->ti,
	       rec->n_remote_ts * sizeof(rec->remote_ts[0]));
}

/*
 * The soft lifetime, up to a tenth early: both ends with the same
 * rekey_seconds would otherwise rekey the same pair at once (2.8.1).
 */
static int soft_seconds(const struct ike_ctx *c, uint32_t rekey,
			uint64_t *soft)
{
	uint32_t r;
	int err = c->ops->random(c->arg, (uint8_t *)&r, sizeof(r));

	*soft = rekey - r % (rekey / 10 + 1);
	return err;
}

/* Keep what installing @in's outbound SA later takes (CHILD_INSTALL_OUT). */
static struct child_out *hold_out(const struct child_sa_install *in)
{
	struct child_out *o = calloc(1, sizeof(*o));

	if (!o || in->encr_out.len > sizeof(o->encr) ||
	    in->integ_out.len > sizeof(o->integ)) {
		free(o);
		return NULL;
	}
	o->suite = in->suite;
	memcpy(o->encr, in->encr_out.ptr, in->encr_out.len);
	o->encr_len = in->encr_out.len;
	if (in->integ_out.len)
		memcpy(o->integ, in->integ_out.ptr, in->integ_out.len);
	o->integ_len = in->integ_out.len;
	o->encap = in->encap;
	o->sport = in->sport;
	o->dport = in->dport;
	o->soft_seconds = in->soft_seconds;
	o->hard_seconds = in->hard_seconds;
	return o;
}

/*
 * ops->child_install with our directions of @k's keys; with @held, only
 * the inbound half, the outbound one kept in *@held.
 */
static int hand_over(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct child_nego *n, uint32_t spi_in, bool initiator,
		     const struct crypto_suite *s, const struct child_sa_keys *k,
		     struct child_out **held)
{
	uint32_t rekey = sa->conn->rekey_seconds ?: DEFAULT_REKEY_SECONDS;
	int err;
	struct child_sa_install in = {
		.conn = sa->conn, .spi_in = spi_in, .spi_out = n->ch.spi,
		.suite = *s,
		/* The initiator receives what the responder sends (2.17). */
		.encr_in = initiator ? k->encr_r : k->encr_i,
		.integ_in = initiator ? k->integ_r : k->integ_i,
		.encr_out = initiator ? k->encr_i : k->encr_r,
		.integ_out = initiator ? k->integ_i : k->integ_r,
		/*
		 * ESP goes in UDP when a NAT is on the path (2.23), not
		 * merely because IKE talks on 4500 (MOBIKE peers move there
		 * without a NAT and send plain ESP).
		 */
		.encap = sa->nat_local || sa->nat_remote, .sport = NATT_PORT,
		.dport = ntohs(sa->remote.sin_port),
		.hard_seconds = rekey + HARD_MARGIN(rekey),
		.remote_ts = initiator ? n->tr : n->ti,
		.n_remote_ts = initiator ? n->n_tr : n->n_ti,
		/* Routes come with the tunnel's first pair only. */
		.first = sa->n_children == 0,
	};

	if (!in.encap)
		in.sport = in.dport = 0;
	err = soft_seconds(c, rekey, &in.soft_seconds);
	if (err)
		return err;
	if (held) {
		*held = hold_out(&in);
		if (!*held)
			return -ENOMEM;
		in.part = CHILD_INSTALL_IN;
	}
	err = c->ops->child_install(c->arg, &in);
	if (err && held) {
		child_out_free(*held);
		*held = NULL;
	}
	return err;
}

/* Install the outbound SA @ch held back; it goes if that fails. */
static void release_out(struct ike_sa *sa, const struct ike_ctx *c,
			struct ike_child *ch)
{
	struct child_out *o = ch->held_out;
	struct child_sa_install out = {
		.conn = sa->conn, .spi_in = ch->spi_in, .spi_out = ch->spi_out,
		.suite = o->suite,
		.encr_out = chunk_from(o->encr, o->encr_len),
		.integ_out = chunk_from(o->integ, o->integ_len),
		.encap = o->encap, .sport = o->sport, .dport = o->dport,
		.soft_seconds = o->soft_seconds,
		.hard_seconds = o->hard_seconds,
		.part = CHILD_INSTALL_OUT,
	};

	/* Failed, the pair stays inbound only; kernel.c logged why. */
	c->ops->child_install(c->arg, &out);
	child_out_free(o);
	ch->held_out = NULL;
}

int child_install(struct ike_sa *sa, const struct ike_ctx *c,
		  const struct child_nego *n, uint32_t spi_in,
		  const struct child_keying *k)
{
	struct crypto_suite s = n->ch.suite;
	struct child_sa_keys keys = { 0 };
	struct child_out *held = NULL;
	struct ike_child *rec;
	int err;

	if (sa->n_children == IKE_SA_MAX_CHILD)
		return -ENOSPC;
	s.prf = sa->suite.prf;
	err = keymat_child_sa(&s, sa->keys.sk_d, k->g_ir, k->ni, k->nr, &keys);
	if (!err)
		err = hand_over(sa, c, n, spi_in, k->initiator, &s, &keys,
				k->rekey_of && !k->initiator ? &held : NULL);
	child_sa_keys_clear(&keys);
	if (err)
		return err;
	err = ike_sa_child_insert(sa, spi_in, &rec);
	if (err) {
		/* Out of memory: do not leave an SA we cannot remove. */
		struct child_sa_remove r = {
			.conn = sa->conn, .spi_in = spi_in, .spi_out = n->ch.spi,
			.last = sa->n_children == 0,
			.remote_ts = k->initiator ? n->tr : n->ti,
			.n_remote_ts = k->initiator ? n->n_tr : n->n_ti,
		};

		c->ops->child_remove(c->arg, &r);
		child_out_free(held);
		return err;
	}
	record(rec, n, spi_in, k->initiator);
	rec->rekey_of = held ? k->rekey_of : 0;
	rec->held_out = held;
	return 0;
}

int child_remove(struct ike_sa *sa, const struct ike_ctx *c, uint32_t spi_in)
{
	struct ike_child *ch = ike_sa_child_by_in(sa, spi_in);
	struct child_sa_remove r;

	if (!ch)
		return -ENOENT;
	/* The pair that replaces it sends from now on (CHILD_INSTALL_OUT). */
	for (unsigned int i = 0; i < sa->n_children; i++)
		if (sa->children[i].held_out &&
		    sa->children[i].rekey_of == spi_in)
			release_out(sa, c, &sa->children[i]);
	r = (struct child_sa_remove){
		.conn = sa->conn, .spi_in = ch->spi_in, .spi_out = ch->spi_out,
		/* Routes go with the tunnel's last pair only. */
		.last = sa->n_children == 1,
		.remote_ts = ch->remote_ts, .n_remote_ts = ch->n_remote_ts,
	};
	c->ops->child_remove(c->arg, &r);
	ike_sa_child_del(sa, ch);
	return 0;
}
