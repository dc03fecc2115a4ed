// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * negotiate.c - proposal selection (RFC 7296 2.7, 3.3.6), traffic
 * selector narrowing (2.9) and connection lookup, shared by the tasks.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "crypto/keymat.h"
#include "negotiate.h"

/* A transform of @type and @id (and key length) in @pp, usable by us. */
static bool offers(const struct enc_proposal *pp, uint8_t type, uint16_t id,
		   uint16_t keybits)
{
	for (unsigned int i = 0; i < pp->num_transforms; i++) {
		const struct enc_transform *t = &pp->transforms[i];

		if (t->type == type && t->id == id && !t->unknown_attrs &&
		    t->key_length == keybits)
			return true;
	}
	return false;
}

static unsigned int count_type(const struct enc_proposal *pp, uint8_t type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < pp->num_transforms; i++)
		n += pp->transforms[i].type == type;
	return n;
}

/* Our first entry of @list that @pp offers, or -1. */
static int first_offered(const struct enc_proposal *pp, uint8_t type,
			 const uint16_t *list, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (offers(pp, type, list[i], 0))
			return (int)i;
	return -1;
}

/*
 * Reject a proposal with a transform type we do not know (3.3.6), with a
 * type where a response must carry exactly one, or with types that do not
 * belong to @protocol.
 */
static bool types_ok(const struct enc_proposal *pp, uint8_t protocol,
		     bool response)
{
	for (unsigned int i = 0; i < pp->num_transforms; i++) {
		uint8_t type = pp->transforms[i].type;

		if (type > IKE_TRANSFORM_ESN)
			return false;
		if (protocol == IKE_PROTO_IKE && type == IKE_TRANSFORM_ESN)
			return false;
		if (protocol == IKE_PROTO_ESP && type == IKE_TRANSFORM_PRF)
			return false;
		if (response && count_type(pp, type) > 1)
			return false;
	}
	return true;
}

static bool pick_encr(const struct ike_proposal *o,
		      const struct enc_proposal *pp, struct crypto_suite *s)
{
	for (unsigned int i = 0; i < o->n_encr; i++)
		if (offers(pp, IKE_TRANSFORM_ENCR, o->encr[i],
			   o->encr_keybits[i])) {
			s->encr = o->encr[i];
			s->encr_keybits = o->encr_keybits[i];
			return true;
		}
	return false;
}

/* AEAD: no integrity, or only NONE; otherwise one of ours. */
static bool pick_integ(const struct ike_proposal *o,
		       const struct enc_proposal *pp, struct crypto_suite *s)
{
	int i;

	if (!o->n_integ) {
		s->integ = AUTH_NONE;
		return count_type(pp, IKE_TRANSFORM_INTEG) ==
		       (offers(pp, IKE_TRANSFORM_INTEG, AUTH_NONE, 0) ? 1 : 0);
	}
	i = first_offered(pp, IKE_TRANSFORM_INTEG, o->integ, o->n_integ);
	if (i < 0)
		return false;
	s->integ = o->integ[i];
	return true;
}

static bool pick_dh(const struct ike_proposal *o,
		    const struct enc_proposal *pp, uint16_t ke_group,
		    uint16_t *dh)
{
	int i;

	for (unsigned int k = 0; k < o->n_dh; k++)
		if (o->dh[k] == ke_group &&
		    offers(pp, IKE_TRANSFORM_DH, ke_group, 0)) {
			*dh = ke_group;
			return true;
		}
	i = first_offered(pp, IKE_TRANSFORM_DH, o->dh, o->n_dh);
	if (i < 0)
		return false;
	*dh = o->dh[i];
	return true;
}

/* Does our proposal take "no PFS": no group at all, or "none" among them? */
static bool pfs_optional(const struct ike_proposal *o)
{
	for (unsigned int k = 0; k < o->n_dh; k++)
		if (o->dh[k] == 0)
			return true;
	return !o->n_dh;
}

/*
 * CREATE_CHILD_SA's PFS group: one of ours if we want PFS (the peer's KE
 * group preferred); without, the peer must not insist on a group. A peer
 * that sends no KE and offers no group (or NONE) gets no PFS when our
 * proposal allows it ("ecp384-none", the default): strongSwan rekeys a
 * Child SA negotiated without PFS that way.
 */
static bool pick_pfs(const struct ike_proposal *o,
		     const struct enc_proposal *pp, uint16_t ke_group,
		     uint16_t *dh)
{
	bool peer_none = !count_type(pp, IKE_TRANSFORM_DH) ||
			 offers(pp, IKE_TRANSFORM_DH, 0, 0);

	*dh = 0;
	if (!ke_group && peer_none && pfs_optional(o))
		return true;
	if (o->n_dh)
		return pick_dh(o, pp, ke_group, dh);
	return peer_none;
}

/* ESP: "no ESN" must be offered if ESN is negotiated at all. */
static bool esn_ok(const struct enc_proposal *pp)
{
	return !count_type(pp, IKE_TRANSFORM_ESN) ||
	       offers(pp, IKE_TRANSFORM_ESN, IKE_ESN_NO, 0);
}

static bool match(const struct ike_proposal *o, const struct enc_proposal *pp,
		  uint8_t protocol, uint16_t ke_group, bool response, bool pfs,
		  struct nego_choice *c)
{
	memset(c, 0, sizeof(*c));
	if (pp->protocol != protocol || !types_ok(pp, protocol, response) ||
	    !pick_encr(o, pp, &c->suite) || !pick_integ(o, pp, &c->suite))
		return false;
	if (protocol == IKE_PROTO_ESP) {
		/* Key exchange transforms are ignored in IKE_AUTH (1.2). */
		if (!esn_ok(pp) || pp->spi.len != 4 ||
		    (pfs && !pick_pfs(o, pp, ke_group, &c->dh)))
			return false;
		c->spi = enc_get_be32(pp->spi.ptr);
		return keymat_check_suite(&c->suite, false) == 0;
	}
	int i = first_offered(pp, IKE_TRANSFORM_PRF, o->prf, o->n_prf);

	if (i < 0 || !pick_dh(o, pp, ke_group, &c->dh))
		return false;
	c->suite.prf = o->prf[i];
	c->number = pp->number;
	return keymat_check_suite(&c->suite, true) == 0;
}

static int select_from(const struct ike_proposal *ours, unsigned int n,
		       uint8_t protocol, const struct enc_sa *sa,
		       uint16_t ke_group, bool response, bool pfs,
		       struct nego_choice *out)
{
	for (unsigned int k = 0; k < n; k++) {
		struct enc_proposal_iter it;
		struct enc_proposal pp;
		int err;

		enc_proposal_iter_init(&it, sa);
		while ((err = enc_proposal_next(&it, &pp)) > 0)
			if (match(&ours[k], &pp, protocol, ke_group, response,
				  pfs, out)) {
				out->number = pp.number;
				return 0;
			}
		if (err < 0)
			return err;
	}
	return -ENOENT;
}

int nego_select(const struct ike_proposal *ours, unsigned int n,
		uint8_t protocol, const struct enc_sa *sa, uint16_t ke_group,
		bool response, struct nego_choice *out)
{
	return select_from(ours, n, protocol, sa, ke_group, response, false,
			   out);
}

int nego_select_pfs(const struct ike_proposal *ours, unsigned int n,
		    const struct enc_sa *sa, uint16_t ke_group, bool response,
		    struct nego_choice *out)
{
	return select_from(ours, n, IKE_PROTO_ESP, sa, ke_group, response,
			   true, out);
}

static void add(struct enc_proposal *p, uint8_t type, uint16_t id,
		uint16_t keybits)
{
	struct enc_transform *t = &p->transforms[p->num_transforms++];

	memset(t, 0, sizeof(*t));
	t->type = type;
	t->id = id;
	t->key_length = keybits;
}

/* IKE proposals carry no SPI in IKE_SA_INIT; ESP ones carry ours. */
static void offer_one(const struct ike_proposal *o, uint8_t protocol,
		      const uint8_t *spi, bool pfs, struct enc_proposal *p)
{
	p->protocol = protocol;
	p->spi = protocol == IKE_PROTO_ESP ? chunk_from(spi, 4) : CHUNK_EMPTY;
	p->num_transforms = 0;
	for (unsigned int i = 0; i < o->n_encr; i++)
		add(p, IKE_TRANSFORM_ENCR, o->encr[i], o->encr_keybits[i]);
	if (protocol == IKE_PROTO_IKE)
		for (unsigned int i = 0; i < o->n_prf; i++)
			add(p, IKE_TRANSFORM_PRF, o->prf[i], 0);
	for (unsigned int i = 0; i < o->n_integ; i++)
		add(p, IKE_TRANSFORM_INTEG, o->integ[i], 0);
	/* ESP: PFS groups in CREATE_CHILD_SA only (1.2); never ESN. */
	if (protocol == IKE_PROTO_IKE || pfs)
		for (unsigned int i = 0; i < o->n_dh; i++)
			add(p, IKE_TRANSFORM_DH, o->dh[i], 0);
	if (protocol == IKE_PROTO_ESP)
		add(p, IKE_TRANSFORM_ESN, IKE_ESN_NO, 0);
}

static int offer(const struct ike_proposal *ours, unsigned int n,
		 uint8_t protocol, uint32_t spi, bool pfs,
		 struct enc_payload *p, struct enc_buf *scratch)
{
	struct enc_proposal props[CONFIG_MAX_PROPOSALS];
	uint8_t spib[4];

	if (n == 0 || n > CONFIG_MAX_PROPOSALS)
		return -EINVAL;
	enc_put_be32(spib, spi);
	for (unsigned int i = 0; i < n; i++) {
		offer_one(&ours[i], protocol, spib, pfs, &props[i]);
		props[i].number = (uint8_t)(i + 1);
	}
	memset(p, 0, sizeof(*p));
	p->type = IKE_PL_SA;
	return enc_sa_build(&p->u.sa, scratch, props, n);
}

int nego_offer(const struct ike_proposal *ours, unsigned int n,
	       uint8_t protocol, uint32_t spi, struct enc_payload *p,
	       struct enc_buf *scratch)
{
	return offer(ours, n, protocol, spi, false, p, scratch);
}

int nego_offer_pfs(const struct ike_proposal *ours, unsigned int n,
		   uint32_t spi, struct enc_payload *p, struct enc_buf *scratch)
{
	return offer(ours, n, IKE_PROTO_ESP, spi, true, p, scratch);
}

int nego_answer(const struct nego_choice *c, uint8_t protocol, uint32_t spi,
		struct enc_payload *p, struct enc_buf *scratch)
{
	struct ike_proposal one = {
		.encr = { c->suite.encr }, .encr_keybits = { c->suite.encr_keybits },
		.n_encr = 1,
		.integ = { c->suite.integ }, .n_integ = c->suite.integ ? 1 : 0,
		.prf = { c->suite.prf }, .n_prf = 1,
		.dh = { c->dh }, .n_dh = c->dh ? 1 : 0,
	};
	struct enc_proposal prop;
	uint8_t spib[4];

	enc_put_be32(spib, spi);
	/* An ESP choice has a group only when PFS was negotiated. */
	offer_one(&one, protocol, spib, c->dh != 0, &prop);
	prop.number = c->number;
	memset(p, 0, sizeof(*p));
	p->type = IKE_PL_SA;
	return enc_sa_build(&p->u.sa, scratch, &prop, 1);
}

static size_t ts_alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* The first and last address of a prefix. */
static void prefix_range(const struct ts_prefix *t, uint8_t *lo, uint8_t *hi)
{
	size_t alen = ts_alen(t->family);

	for (size_t i = 0; i < alen; i++) {
		unsigned int bits = t->plen > 8 * i ? t->plen - 8 * i : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		lo[i] = t->addr[i] & mask;
		hi[i] = lo[i] | (uint8_t)~mask;
	}
}

/* If [lo, hi] is exactly a prefix, that prefix. */
static bool range_prefix(int family, const uint8_t *lo, const uint8_t *hi,
			 struct ts_prefix *out)
{
	size_t alen = ts_alen(family);

	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->addr, lo, alen);
	for (unsigned int plen = 0; plen <= 8 * alen; plen++) {
		uint8_t l[16], h[16];

		out->plen = (uint8_t)plen;
		prefix_range(out, l, h);
		if (!memcmp(l, lo, alen) && !memcmp(h, hi, alen))
			return true;
	}
	return false;
}

static bool narrow_one(const struct ts_prefix *o, const struct enc_ts_sel *s,
		       struct ts_prefix *out)
{
	int family = s->type == TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	size_t alen = ts_alen(family);
	uint8_t lo[16], hi[16];

	if (o->family != family || s->ip_proto != 0 || s->start_port != 0 ||
	    s->end_port != 0xffff)
		return false;
	prefix_range(o, lo, hi);
	if (memcmp(s->start.ptr, lo, alen) <= 0 &&
	    memcmp(hi, s->end.ptr, alen) <= 0) {
		*out = *o;
		prefix_range(o, out->addr, hi);	/* host bits cleared */
		return true;
	}
	if (memcmp(lo, s->start.ptr, alen) <= 0 &&
	    memcmp(s->end.ptr, hi, alen) <= 0)
		return range_prefix(family, s->start.ptr, s->end.ptr, out);
	return false;
}

int nego_ts_narrow(const struct ts_prefix *ours, unsigned int n,
		   const struct enc_ts *theirs, struct ts_prefix *out,
		   unsigned int max)
{
	unsigned int found = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct enc_ts_iter it;
		struct enc_ts_sel sel;
		int err;

		enc_ts_iter_init(&it, theirs);
		while ((err = enc_ts_next(&it, &sel)) > 0)
			if (found < max && narrow_one(&ours[i], &sel,
						      &out[found]))
				found++;
		if (err < 0)
			return err;
	}
	return (int)found;
}

int nego_ts_build(const struct ts_prefix *ts, unsigned int n,
		  uint8_t pl_type, struct enc_payload *p,
		  struct enc_buf *scratch)
{
	struct enc_ts_sel sels[CONFIG_MAX_TS];
	uint8_t lo[CONFIG_MAX_TS][16], hi[CONFIG_MAX_TS][16];

	if (n == 0 || n > CONFIG_MAX_TS)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		size_t alen = ts_alen(ts[i].family);

		prefix_range(&ts[i], lo[i], hi[i]);
		sels[i] = (struct enc_ts_sel){
			.type = alen == 4 ? TS_IPV4_ADDR_RANGE :
					    TS_IPV6_ADDR_RANGE,
			.start_port = 0,
			.end_port = 0xffff,
			.start = chunk_from(lo[i], alen),
			.end = chunk_from(hi[i], alen),
		};
	}
	memset(p, 0, sizeof(*p));
	p->type = pl_type;
	return enc_ts_build(&p->u.ts, scratch, sels, n);
}

static bool addr_fits(const struct sockaddr_in *conf,
		      const struct sockaddr_in *a)
{
	return conf->sin_addr.s_addr == htonl(INADDR_ANY) ||
	       conf->sin_addr.s_addr == a->sin_addr.s_addr;
}

struct conn *nego_conn_by_addrs(const struct acikd_config *cfg,
				const struct sockaddr_in *local,
				const struct sockaddr_in *remote,
				const struct conn *after)
{
	unsigned int i = 0;

	if (after)
		while (i < cfg->n_conns && cfg->conns[i++] != after)
			;
	for (; i < cfg->n_conns; i++)
		if (addr_fits(&cfg->conns[i]->local, local) &&
		    addr_fits(&cfg->conns[i]->remote, remote))
			return cfg->conns[i];
	return NULL;
}

bool nego_id_equal(const struct ike_id *id, const struct enc_id *p)
{
	return id->type == p->type && chunk_equal(id->data, p->data);
}

struct conn *nego_conn_by_ids(const struct acikd_config *cfg,
			      const struct sockaddr_in *local,
			      const struct sockaddr_in *remote,
			      const struct enc_id *peer_id,
			      const struct enc_id *our_id)
{
	struct conn *c = NULL;

	while ((c = nego_conn_by_addrs(cfg, local, remote, c)))
		if (nego_id_equal(&c->remote_id, peer_id) &&
		    (!our_id || nego_id_equal(&c->local_id, our_id)))
			return c;
	return NULL;
}
