// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * parser.c - the one bounded parser: walks a field table (fields.h) over
 * received bytes. Every field checks the input left before it reads; a
 * Length field is checked against the fixed part and the container
 * before it bounds anything; variable data never reaches past the Length.
 */
#include <string.h>

#include "fields.h"

static size_t field_size(uint8_t kind)
{
	switch (kind) {
	case EF_U8:
	case EF_CRITICAL:
	case EF_RESERVED8:
	case EF_SPI_SIZE:
		return 1;
	case EF_U16:
	case EF_RESERVED16:
	case EF_LENGTH:
		return 2;
	case EF_RESERVED24:
		return 3;
	case EF_U32:
		return 4;
	case EF_U64:
		return 8;
	default:		/* EF_SPI, EF_BODY: variable */
		return 0;
	}
}

size_t enc_struct_min_len(const struct enc_struct *s)
{
	size_t len = 0;

	for (size_t i = 0; i < s->n; i++)
		len += field_size(s->fields[i].kind);
	return len;
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

int enc_struct_parse(const struct enc_struct *s, void *obj, struct chunk in,
		     size_t *used)
{
	const size_t min_len = enc_struct_min_len(s);
	uint8_t *base = obj;
	size_t pos = 0, end = in.len, spi_size = 0;
	bool bounded = false;
	static const uint8_t nothing;

	/* Keep pointer arithmetic off NULL for an empty input. */
	if (!in.ptr)
		in = chunk_from(&nothing, 0);
	for (size_t i = 0; i < s->n; i++) {
		const struct enc_field *f = &s->fields[i];
		const size_t size = field_size(f->kind);
		void *dst = base + f->offset;
		const uint8_t *src = in.ptr + pos;

		/* The check before every fixed field. */
		if (size > end - pos)
			return -ENC_E_TRUNCATED;

		switch (f->kind) {
		case EF_U8:
			*(uint8_t *)dst = *src;
			break;
		case EF_U16:
			*(uint16_t *)dst = (uint16_t)get_be(src, 2);
			break;
		case EF_U32:
			*(uint32_t *)dst = (uint32_t)get_be(src, 4);
			break;
		case EF_U64:
			*(uint64_t *)dst = get_be(src, 8);
			break;
		case EF_CRITICAL:
			*(bool *)dst = (*src & IKE_PL_CRITICAL) != 0;
			break;
		case EF_RESERVED8:
		case EF_RESERVED16:
		case EF_RESERVED24:
			break;
		case EF_LENGTH: {
			size_t len = get_be(src, 2);

			/*
			 * Under the fixed part (e.g. a payload length < 4)
			 * would make the fields already read belong to the
			 * next structure; over the container would read
			 * beyond the message.
			 */
			if (len < min_len || len > in.len || len < pos + 2)
				return -ENC_E_LENGTH;
			*(uint16_t *)dst = (uint16_t)len;
			end = len;
			bounded = true;
			break;
		}
		case EF_SPI_SIZE:
			spi_size = *src;
			break;
		case EF_SPI:
			if (spi_size > end - pos)
				return -ENC_E_LENGTH;
			*(struct chunk *)dst = chunk_from(src, spi_size);
			pos += spi_size;
			break;
		case EF_BODY:
			*(struct chunk *)dst = chunk_from(src, end - pos);
			pos = end;
			break;
		default:
			return -ENC_E_STATE;
		}
		pos += size;
	}
	*used = bounded ? end : pos;
	return 0;
}

int enc_payload_parse(struct enc_payload *p, uint8_t type, struct chunk in,
		      size_t offset, bool response)
{
	const struct enc_payload_desc *d = enc_payload_desc(type);
	size_t used;
	int err;

	memset(p, 0, sizeof(*p));
	p->type = type;
	p->offset = offset;
	if (!d) {
		/*
		 * Only the generic header is understood: its length is
		 * enough to skip the payload, its critical bit says whether
		 * we may (RFC 7296 2.5).
		 */
		err = enc_struct_parse(&enc_unknown_payload, p, in, &used);
		if (err)
			return err;
		return p->critical ? -ENC_E_CRITICAL : 1;
	}
	err = enc_struct_parse(&d->s, p, in, &used);
	if (err)
		return err;
	return d->verify ? d->verify(p, response) : 0;
}
