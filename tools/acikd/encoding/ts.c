// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ts.c - the Traffic Selector substructures of TSi/TSr (RFC 7296 3.13.1):
 * walking, checking and building them. Narrowing is the tasks' job.
 */
#include <errno.h>
#include <string.h>

#include "fields.h"

struct raw_ts {
	uint8_t type;
	uint8_t ip_proto;
	uint16_t length;
	uint16_t start_port;
	uint16_t end_port;
	struct chunk addresses;	/* starting address | ending address */
};

/*
 * Traffic Selector (3.13.1):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   TS Type     |IP Protocol ID*|       Selector Length         |
 * +---------------+---------------+-------------------------------+
 * |           Start Port*         |           End Port*           |
 * +-------------------------------+-------------------------------+
 * ~                         Starting Address*                     ~
 * ~                         Ending Address*                       ~
 */
#define RTS(f) offsetof(struct raw_ts, f)
static const struct enc_field ts_fields[] = {
	{ EF_U8, RTS(type) },
	{ EF_U8, RTS(ip_proto) },
	{ EF_LENGTH, RTS(length) },
	{ EF_U16, RTS(start_port) },
	{ EF_U16, RTS(end_port) },
	{ EF_BODY, RTS(addresses) },
};
static const struct enc_struct ts_struct = ENC_STRUCT("selector", ts_fields);

static size_t addr_len(uint8_t type)
{
	switch (type) {
	case TS_IPV4_ADDR_RANGE:
		return 4;
	case TS_IPV6_ADDR_RANGE:
		return 16;
	default:
		return 0;
	}
}

void enc_ts_iter_init(struct enc_ts_iter *it, const struct enc_ts *ts)
{
	it->rest = ts->selectors;
	it->left = ts->num;
}

int enc_ts_next(struct enc_ts_iter *it, struct enc_ts_sel *sel)
{
	struct raw_ts r;
	size_t used, alen;
	int err;

	if (!it->left)
		return 0;
	err = enc_struct_parse(&ts_struct, &r, it->rest, &used);
	if (err)
		return err;
	it->rest.ptr += used;
	it->rest.len -= used;
	it->left--;
	/* Selector Length fixes the address family: 16 or 40 bytes. */
	alen = addr_len(r.type);
	if (!alen || r.addresses.len != 2 * alen)
		return -ENC_E_VALUE;
	sel->type = r.type;
	sel->ip_proto = r.ip_proto;
	sel->start_port = r.start_port;
	sel->end_port = r.end_port;
	sel->start = chunk_from(r.addresses.ptr, alen);
	sel->end = chunk_from(r.addresses.ptr + alen, alen);
	/*
	 * An address range that runs backwards selects nothing: a broken
	 * peer. (Ports may run backwards: that is OPAQUE.)
	 */
	if (memcmp(sel->start.ptr, sel->end.ptr, alen) > 0)
		return -ENC_E_VALUE;
	return 1;
}

int enc_ts_verify(const struct enc_ts *ts)
{
	struct enc_ts_iter it;
	struct enc_ts_sel sel;
	int err;

	if (ts->num == 0 || ts->num > ENC_MAX_TS)
		return -ENC_E_VALUE;
	enc_ts_iter_init(&it, ts);
	while ((err = enc_ts_next(&it, &sel)) > 0)
		;
	if (err)
		return err;
	/* Number of TSs must account for every byte of the payload. */
	return it.rest.len ? -ENC_E_LENGTH : 0;
}

int enc_ts_build(struct enc_ts *ts, struct enc_buf *scratch,
		 const struct enc_ts_sel *sels, size_t n)
{
	const size_t start = scratch->len;

	if (n == 0 || n > ENC_MAX_TS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		const struct enc_ts_sel *s = &sels[i];
		size_t alen = addr_len(s->type);
		uint8_t addrs[32];
		struct raw_ts r = {
			.type = s->type,
			.ip_proto = s->ip_proto,
			.start_port = s->start_port,
			.end_port = s->end_port,
		};
		int err;

		if (!alen || s->start.len != alen || s->end.len != alen)
			return -EINVAL;
		memcpy(addrs, s->start.ptr, alen);
		memcpy(addrs + alen, s->end.ptr, alen);
		r.addresses = chunk_from(addrs, 2 * alen);
		err = enc_struct_generate(&ts_struct, &r, scratch);
		if (err)
			return err;
	}
	ts->selectors = chunk_from(scratch->ptr + start, scratch->len - start);
	ts->num = (uint8_t)n;
	return 0;
}
