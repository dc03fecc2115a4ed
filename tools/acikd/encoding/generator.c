// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * generator.c - the parser's reverse: walks the same field tables to
 * append structures to a bounded buffer, computing Length, SPI Size and
 * Next Payload fields so that callers never write them by hand.
 */
#include <errno.h>
#include <string.h>

#include "fields.h"

int enc_put(struct enc_buf *b, const void *src, size_t len)
{
	if (len > b->size - b->len)
		return -ENOSPC;
	if (len) {
		/* A NULL source reserves zeroes (SK bodies filled later). */
		if (src)
			memcpy(b->ptr + b->len, src, len);
		else
			memset(b->ptr + b->len, 0, len);
	}
	b->len += len;
	return 0;
}

int enc_put8(struct enc_buf *b, uint8_t v)
{
	return enc_put(b, &v, 1);
}

int enc_put16(struct enc_buf *b, uint16_t v)
{
	const uint8_t be[2] = { v >> 8, v & 0xff };

	return enc_put(b, be, 2);
}

static int put_be(struct enc_buf *b, uint64_t v, size_t n)
{
	uint8_t be[8];

	for (size_t i = 0; i < n; i++)
		be[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return enc_put(b, be, n);
}

int enc_struct_generate(const struct enc_struct *s, const void *obj,
			struct enc_buf *b)
{
	const uint8_t *base = obj;
	const size_t start = b->len;
	size_t length_at = SIZE_MAX;
	int err = 0;

	for (size_t i = 0; i < s->n && !err; i++) {
		const struct enc_field *f = &s->fields[i];
		const void *src = base + f->offset;
		const struct chunk *c = src;

		switch (f->kind) {
		case EF_U8:
			err = enc_put8(b, *(const uint8_t *)src);
			break;
		case EF_U16:
			err = put_be(b, *(const uint16_t *)src, 2);
			break;
		case EF_U32:
			err = put_be(b, *(const uint32_t *)src, 4);
			break;
		case EF_U64:
			err = put_be(b, *(const uint64_t *)src, 8);
			break;
		case EF_CRITICAL:
			err = enc_put8(b, *(const bool *)src ?
					  IKE_PL_CRITICAL : 0);
			break;
		case EF_RESERVED8:
			err = enc_put(b, NULL, 1);
			break;
		case EF_RESERVED16:
			err = enc_put(b, NULL, 2);
			break;
		case EF_RESERVED24:
			err = enc_put(b, NULL, 3);
			break;
		case EF_LENGTH:
			length_at = b->len;
			err = enc_put(b, NULL, 2);
			break;
		case EF_SPI_SIZE:
			if (c->len > UINT8_MAX)
				return -EINVAL;
			err = enc_put8(b, (uint8_t)c->len);
			break;
		case EF_SPI:
		case EF_BODY:
			err = enc_put(b, c->ptr, c->len);
			break;
		default:
			return -EINVAL;
		}
	}
	if (err)
		return err;
	if (length_at != SIZE_MAX) {
		size_t len = b->len - start;

		if (len > UINT16_MAX)
			return -EMSGSIZE;
		b->ptr[length_at] = (uint8_t)(len >> 8);
		b->ptr[length_at + 1] = (uint8_t)len;
	}
	return 0;
}

int enc_payload_generate(struct enc_buf *b, const struct enc_payload *p,
			 uint8_t next)
{
	const struct enc_payload_desc *d = enc_payload_desc(p->type);
	struct enc_payload tmp;

	if (!d)
		return -EINVAL;
	/* The table reads Next Payload from the struct: hand it a copy. */
	tmp = *p;
	tmp.next = next;
	return enc_struct_generate(&d->s, &tmp, b);
}

static bool is_sk(uint8_t type)
{
	return type == IKE_PL_SK || type == IKE_PL_SKF;
}

/*
 * Append @n payloads; @sk_offset (if not NULL) receives where an SK/SKF
 * payload's header lands, relative to @start.
 */
static int chain_generate(struct enc_buf *b, const struct enc_payload *p,
			  size_t n, size_t start, size_t *sk_offset)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t next = i + 1 < n ? p[i + 1].type : IKE_PL_NONE;
		int err;

		/*
		 * SK's Next Payload names its first inner payload, so
		 * nothing can follow it in the clear.
		 */
		if (is_sk(p[i].type)) {
			if (i + 1 != n)
				return -EINVAL;
			next = p[i].next;
			if (sk_offset)
				*sk_offset = b->len - start;
		}
		err = enc_payload_generate(b, &p[i], next);
		if (err)
			return err;
	}
	return 0;
}

int enc_chain_generate(struct enc_buf *b, const struct enc_payload *p,
		       size_t n)
{
	return chain_generate(b, p, n, b->len, NULL);
}

int enc_message_generate(struct enc_buf *b, const struct enc_header *hdr,
			 const struct enc_payload *p, size_t n,
			 size_t *sk_offset)
{
	const size_t start = b->len;
	struct enc_header h = *hdr;
	size_t len;
	int err;

	if (sk_offset)
		*sk_offset = SIZE_MAX;
	h.next = n ? p[0].type : IKE_PL_NONE;
	h.length = 0;
	err = enc_struct_generate(&enc_header_struct, &h, b);
	if (err)
		return err;
	err = chain_generate(b, p, n, start, sk_offset);
	if (err)
		return err;
	len = b->len - start;
	if (len > UINT32_MAX)
		return -EMSGSIZE;
	b->ptr[start + 24] = (uint8_t)(len >> 24);
	b->ptr[start + 25] = (uint8_t)(len >> 16);
	b->ptr[start + 26] = (uint8_t)(len >> 8);
	b->ptr[start + 27] = (uint8_t)len;
	return 0;
}
