/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * fields.h - the encoding layer's internals: structures are described by
 * tables of {field kind, offset into the C struct}, walked by one parser
 * (parser.c) and one generator (generator.c), as strongSwan's encoding/
 * does. Each table sits beside its RFC diagram in payloads.c,
 * proposal.c or ts.c. Not for use outside encoding/.
 */
#ifndef ACIKD_ENCODING_FIELDS_H
#define ACIKD_ENCODING_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "encoding.h"

enum enc_field_kind {
	EF_U8,		/* uint8_t */
	EF_U16,		/* uint16_t, network order on the wire */
	EF_U32,		/* uint32_t */
	EF_U64,		/* uint64_t (the IKE SPIs) */
	EF_CRITICAL,	/* one octet: bit 7 into a bool, bits 0-6 reserved */
	EF_RESERVED8,	/* zero when sent, ignored when received (RFC 7296) */
	EF_RESERVED16,
	EF_RESERVED24,
	/*
	 * uint16_t Length of the whole structure, from its first byte: the
	 * fields after it, and the structure, end there. On generation it is
	 * patched once the structure is written.
	 */
	EF_LENGTH,
	/*
	 * SPI Size octet. Its offset is that of the struct chunk the EF_SPI
	 * field fills: the size is the chunk's length, never stored twice.
	 */
	EF_SPI_SIZE,
	EF_SPI,		/* struct chunk of SPI Size bytes */
	EF_BODY,	/* struct chunk: all the rest of the structure */
};

struct enc_field {
	uint8_t kind;
	uint16_t offset;
};

struct enc_struct {
	const char *name;
	const struct enc_field *fields;
	size_t n;
};

#define ENC_STRUCT(nm, tbl) \
	{ .name = (nm), .fields = (tbl), .n = sizeof(tbl) / sizeof((tbl)[0]) }

/* The generic payload header (RFC 7296 3.2) opens every payload table. */
#define ENC_GENERIC_HEADER					\
	{ EF_U8, offsetof(struct enc_payload, next) },		\
	{ EF_CRITICAL, offsetof(struct enc_payload, critical) },	\
	{ EF_LENGTH, offsetof(struct enc_payload, length) }

/*
 * enc_struct_parse() - fill @obj from @in per @s. The structure ends at its
 * EF_LENGTH if it has one (which must fit in @in), else where the fields
 * end. @used receives its size.
 */
int enc_struct_parse(const struct enc_struct *s, void *obj, struct chunk in,
		     size_t *used);
/* enc_struct_generate() - append @obj per @s. */
int enc_struct_generate(const struct enc_struct *s, const void *obj,
			struct enc_buf *b);
/* The size of the fixed fields: the least a structure can be. */
size_t enc_struct_min_len(const struct enc_struct *s);

/* Big-endian helpers for the few hand-written reads. */
static inline uint16_t enc_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int enc_put(struct enc_buf *b, const void *src, size_t len);
int enc_put8(struct enc_buf *b, uint8_t v);
int enc_put16(struct enc_buf *b, uint16_t v);

/*
 * struct enc_payload_desc - what payloads.c knows about a payload type
 * @s:      its field table
 * @verify: the checks beyond the layout (lengths, ranges); @response tells
 *          request from response where the rules differ (SA numbering)
 */
struct enc_payload_desc {
	uint8_t type;
	struct enc_struct s;
	int (*verify)(struct enc_payload *p, bool response);
};

/* NULL for a type the encoding layer does not know. */
const struct enc_payload_desc *enc_payload_desc(uint8_t type);
/* "SA", "KE", ... or "unknown", for messages and tests. */
const char *enc_payload_name(uint8_t type);

/* The table of a payload type this layer does not understand. */
extern const struct enc_struct enc_unknown_payload;
/* The IKE header's table (RFC 7296 3.1). */
extern const struct enc_struct enc_header_struct;

/*
 * enc_payload_parse() - parse one payload of @type at the start of @in
 * (@offset: where @in starts in its buffer). Return: 0 with @p filled, 1
 * for an unknown non-critical payload to skip (@p->length is valid),
 * or a negative error (-ENC_E_CRITICAL with @p->type set).
 */
int enc_payload_parse(struct enc_payload *p, uint8_t type, struct chunk in,
		      size_t offset, bool response);

#endif /* ACIKD_ENCODING_FIELDS_H */
