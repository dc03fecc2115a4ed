// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * message.c - a whole IKEv2 message: the IKE header, the payload chain,
 * and per-exchange rules {payload type, min, max, must be encrypted}
 * checked once every payload is known (strongSwan's message.c verify()).
 */
#include <string.h>

#include "fields.h"

#define MANY UINT8_MAX	/* no rule limit; ENC_MAX_PAYLOADS still holds */

struct payload_rule {
	uint8_t type;
	uint8_t min;
	uint8_t max;
	bool encrypted;		/* must come from inside SK/SKF */
};

/* What may travel in the clear in every exchange after IKE_SA_INIT. */
#define OUTER_RULES					\
	{ IKE_PL_SK, 0, 1, false },			\
	{ IKE_PL_SKF, 0, 1, false }

static const struct payload_rule sa_init_request[] = {
	{ IKE_PL_NOTIFY, 0, MANY, false },
	{ IKE_PL_SA, 1, 1, false },
	{ IKE_PL_KE, 1, 1, false },
	{ IKE_PL_NONCE, 1, 1, false },
	{ IKE_PL_VENDOR, 0, MANY, false },
};

/* The minimums are waived when the response is an error or a COOKIE. */
static const struct payload_rule sa_init_response[] = {
	{ IKE_PL_NOTIFY, 0, MANY, false },
	{ IKE_PL_SA, 1, 1, false },
	{ IKE_PL_KE, 1, 1, false },
	{ IKE_PL_NONCE, 1, 1, false },
	{ IKE_PL_CERTREQ, 0, MANY, false },
	{ IKE_PL_VENDOR, 0, MANY, false },
};

/*
 * IKE_AUTH minimums are all 0: EAP rounds carry only EAP or AUTH, so the
 * task, not the encoding, knows which round needs IDi. The Child SA
 * payloads are checked together below.
 */
static const struct payload_rule auth_request[] = {
	OUTER_RULES,
	{ IKE_PL_NOTIFY, 0, MANY, true },
	{ IKE_PL_IDI, 0, 1, true },
	{ IKE_PL_CERT, 0, 8, true },
	{ IKE_PL_CERTREQ, 0, MANY, true },
	{ IKE_PL_IDR, 0, 1, true },
	{ IKE_PL_AUTH, 0, 1, true },
	{ IKE_PL_EAP, 0, 1, true },
	{ IKE_PL_CP, 0, 1, true },
	{ IKE_PL_SA, 0, 1, true },
	{ IKE_PL_TSI, 0, 1, true },
	{ IKE_PL_TSR, 0, 1, true },
	{ IKE_PL_VENDOR, 0, MANY, true },
};

static const struct payload_rule auth_response[] = {
	OUTER_RULES,
	{ IKE_PL_NOTIFY, 0, MANY, true },
	{ IKE_PL_IDR, 0, 1, true },
	{ IKE_PL_CERT, 0, 8, true },
	{ IKE_PL_AUTH, 0, 1, true },
	{ IKE_PL_EAP, 0, 1, true },
	{ IKE_PL_CP, 0, 1, true },
	{ IKE_PL_SA, 0, 1, true },
	{ IKE_PL_TSI, 0, 1, true },
	{ IKE_PL_TSR, 0, 1, true },
	{ IKE_PL_VENDOR, 0, MANY, true },
};

/* Request and response alike (the response's minimums yield to errors). */
static const struct payload_rule create_child[] = {
	OUTER_RULES,
	{ IKE_PL_NOTIFY, 0, MANY, true },
	{ IKE_PL_SA, 1, 1, true },
	{ IKE_PL_NONCE, 1, 1, true },
	{ IKE_PL_KE, 0, 1, true },
	{ IKE_PL_TSI, 0, 1, true },
	{ IKE_PL_TSR, 0, 1, true },
	{ IKE_PL_VENDOR, 0, MANY, true },
};

static const struct payload_rule informational[] = {
	OUTER_RULES,
	{ IKE_PL_NOTIFY, 0, MANY, true },
	{ IKE_PL_DELETE, 0, MANY, true },
	{ IKE_PL_CP, 0, 1, true },
	{ IKE_PL_VENDOR, 0, MANY, true },
};

struct exchange_rules {
	uint8_t exchange;
	bool response;
	const struct payload_rule *rules;
	size_t n;
};

#define RULES(x, r, tbl) { x, r, tbl, sizeof(tbl) / sizeof((tbl)[0]) }
static const struct exchange_rules exchanges[] = {
	RULES(IKE_SA_INIT, false, sa_init_request),
	RULES(IKE_SA_INIT, true, sa_init_response),
	RULES(IKE_AUTH, false, auth_request),
	RULES(IKE_AUTH, true, auth_response),
	RULES(CREATE_CHILD_SA, false, create_child),
	RULES(CREATE_CHILD_SA, true, create_child),
	RULES(INFORMATIONAL, false, informational),
	RULES(INFORMATIONAL, true, informational),
};

/* The longest rule table, for the per-rule counters. */
#define MAX_RULES 16

static const struct exchange_rules *find_rules(const struct enc_header *h)
{
	bool response = h->flags & IKE_FLAG_RESPONSE;

	for (size_t i = 0; i < sizeof(exchanges) / sizeof(exchanges[0]); i++)
		if (exchanges[i].exchange == h->exchange &&
		    exchanges[i].response == response)
			return &exchanges[i];
	return NULL;
}

static bool is_sk(uint8_t type)
{
	return type == IKE_PL_SK || type == IKE_PL_SKF;
}

int enc_header_parse(struct enc_header *hdr, struct chunk data)
{
	size_t used;
	int err = enc_struct_parse(&enc_header_struct, hdr, data, &used);

	if (err)
		return err;
	/* Minor versions are ignored on receipt (RFC 7296 2.5). */
	if (hdr->version >> 4 != IKE_VERSION_MAJOR)
		return -ENC_E_VERSION;
	return 0;
}

/*
 * Parse the chain that starts with payload @type at @pos of @buf, appending
 * to @m. It must end exactly at the end of @buf; an SK/SKF payload ends it
 * (its Next Payload belongs to the plaintext).
 */
static int parse_chain(struct enc_message *m, uint8_t type, struct chunk buf,
		       size_t pos, bool encrypted)
{
	const bool response = m->hdr.flags & IKE_FLAG_RESPONSE;

	while (type != IKE_PL_NONE) {
		struct enc_payload *p = &m->payloads[m->num_payloads];
		int err;

		if (pos >= buf.len)
			return -ENC_E_TRUNCATED;
		if (m->num_payloads == ENC_MAX_PAYLOADS)
			return -ENC_E_TOO_MANY;
		err = enc_payload_parse(p, type, chunk_from(buf.ptr + pos,
							    buf.len - pos),
					pos, response);
		if (err == -ENC_E_CRITICAL)
			m->bad_type = type;
		if (err < 0)
			return err;
		pos += p->length;
		type = p->next;
		if (err == 1)	/* unknown, not critical: skipped */
			continue;
		p->encrypted = encrypted;
		m->num_payloads++;
		if (is_sk(p->type)) {
			if (encrypted)
				return -ENC_E_UNEXPECTED;
			m->sk = (int)(m->num_payloads - 1);
			break;
		}
	}
	return pos == buf.len ? 0 : -ENC_E_LENGTH;
}

/* An error notify, or in IKE_SA_INIT a COOKIE, lets a response be short. */
static bool short_response_ok(const struct enc_message *m)
{
	if (!(m->hdr.flags & IKE_FLAG_RESPONSE))
		return false;
	for (size_t i = 0; i < m->num_payloads; i++) {
		const struct enc_payload *p = &m->payloads[i];

		if (p->type != IKE_PL_NOTIFY)
			continue;
		if (p->u.notify.type <= NOTIFY_ERROR_MAX ||
		    (p->u.notify.type == NOTIFY_COOKIE &&
		     m->hdr.exchange == IKE_SA_INIT))
			return true;
	}
	return false;
}

static const struct payload_rule *find_rule(const struct exchange_rules *x,
					    uint8_t type, size_t *idx)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->rules[i].type == type) {
			*idx = i;
			return &x->rules[i];
		}
	return NULL;
}

static size_t count(const struct enc_message *m, uint8_t type)
{
	size_t n = 0;

	for (size_t i = 0; i < m->num_payloads; i++)
		n += m->payloads[i].type == type;
	return n;
}

/*
 * Occurrence, encryption and order rules. Minimums and the rules about
 * groups of payloads need the whole message: only when @complete.
 */
static int check_rules(const struct enc_message *m,
		       const struct exchange_rules *x, bool complete)
{
	unsigned int seen[MAX_RULES] = { 0 };
	bool short_ok;

	for (size_t i = 0; i < m->num_payloads; i++) {
		const struct enc_payload *p = &m->payloads[i];
		const struct payload_rule *r;
		size_t idx;

		r = find_rule(x, p->type, &idx);
		if (!r)
			return -ENC_E_UNEXPECTED;
		if (r->encrypted && !p->encrypted)
			return -ENC_E_NOT_ENCRYPTED;
		if (!r->encrypted && p->encrypted)
			return -ENC_E_UNEXPECTED;
		if (++seen[idx] > r->max)
			return r->max == 1 ? -ENC_E_DUPLICATE : -ENC_E_TOO_MANY;
		/* The retried request leads with the COOKIE (RFC 7296 2.6). */
		if (x->exchange == IKE_SA_INIT && !x->response && i > 0 &&
		    p->type == IKE_PL_NOTIFY &&
		    p->u.notify.type == NOTIFY_COOKIE)
			return -ENC_E_ORDER;
	}
	if (!complete)
		return 0;

	short_ok = short_response_ok(m);
	for (size_t i = 0; i < x->n; i++)
		if (seen[i] < x->rules[i].min && !short_ok)
			return -ENC_E_MISSING;
	/* A Child SA needs its proposals and both selectors (1.2, 1.3). */
	if (x->exchange == IKE_AUTH && !short_ok) {
		size_t n = count(m, IKE_PL_SA) + count(m, IKE_PL_TSI) +
			   count(m, IKE_PL_TSR);

		if (n != 0 && n != 3)
			return -ENC_E_MISSING;
	}
	/* CREATE_CHILD_SA: TSi and TSr together (absent for IKE rekey). */
	if (x->exchange == CREATE_CHILD_SA &&
	    count(m, IKE_PL_TSI) != count(m, IKE_PL_TSR))
		return -ENC_E_MISSING;
	return 0;
}

int enc_message_parse(struct enc_message *m, struct chunk data)
{
	const struct exchange_rules *x;
	int err;

	m->num_payloads = 0;
	m->sk = -1;
	m->complete = false;
	m->bad_type = 0;
	m->data = data;
	err = enc_header_parse(&m->hdr, data);
	if (err)
		return err;
	/* The header's length must be the datagram's, neither more nor less. */
	if (m->hdr.length != data.len)
		return -ENC_E_MSG_LENGTH;
	x = find_rules(&m->hdr);
	if (!x)
		return -ENC_E_EXCHANGE;
	/* No SA has SPIi 0; SPIr is unknown to the first request (3.1). */
	if (m->hdr.spi_i == 0 ||
	    (m->hdr.exchange == IKE_SA_INIT && !x->response && m->hdr.spi_r))
		return -ENC_E_SPI;
	err = parse_chain(m, m->hdr.next, data, IKE_HEADER_LEN, false);
	if (err)
		return err;
	/* What is in the clear first: IDi outside SK says more than "no SK". */
	err = check_rules(m, x, false);
	if (err || m->sk >= 0)
		return err;
	if (m->hdr.exchange != IKE_SA_INIT)
		return -ENC_E_MISSING;
	err = check_rules(m, x, true);
	if (err)
		return err;
	m->complete = true;
	return 0;
}

int enc_message_parse_encrypted(struct enc_message *m, uint8_t first,
				struct chunk plain)
{
	const struct exchange_rules *x = find_rules(&m->hdr);
	int err;

	if (!x || m->sk < 0 || m->complete)
		return -ENC_E_STATE;
	err = parse_chain(m, first, plain, 0, true);
	if (err)
		return err;
	err = check_rules(m, x, true);
	if (err)
		return err;
	m->complete = true;
	return 0;
}

struct chunk enc_message_aad(const struct enc_message *m)
{
	if (m->sk < 0)
		return CHUNK_EMPTY;
	/* Everything before the IV: header, SK header, SKF number/total. */
	return chunk_from(m->data.ptr,
			  (size_t)(m->payloads[m->sk].u.sk.data.ptr -
				   m->data.ptr));
}

const struct enc_payload *enc_message_find(const struct enc_message *m,
					   uint8_t type,
					   const struct enc_payload *prev)
{
	size_t i = prev ? (size_t)(prev - m->payloads) + 1 : 0;

	for (; i < m->num_payloads; i++)
		if (m->payloads[i].type == type)
			return &m->payloads[i];
	return NULL;
}

const struct enc_payload *enc_message_notify(const struct enc_message *m,
					     uint16_t type)
{
	const struct enc_payload *p = NULL;

	while ((p = enc_message_find(m, IKE_PL_NOTIFY, p)))
		if (p->u.notify.type == type)
			return p;
	return NULL;
}
