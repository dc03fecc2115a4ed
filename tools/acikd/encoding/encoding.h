/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * encoding.h - IKEv2 message parsing and generation (RFC 7296 section 3).
 *
 * Parsing never copies and never allocates: a parsed struct enc_message
 * and every chunk inside it point into the buffers passed to
 * enc_message_parse() (the datagram) and enc_message_parse_encrypted()
 * (the decrypted SK plaintext). Those buffers must outlive the message and
 * must not change while it is used; nothing needs freeing. Generation
 * writes into a caller's fixed buffer (struct enc_buf).
 *
 * Every function returns 0 (or a count) on success and a negative number
 * on failure: -ENC_E_* for a malformed message (enc_error_notify() tells
 * which notification a responder answers with), or a negative errno
 * (-ENOSPC, -EMSGSIZE, -EINVAL) for a caller's mistake while generating.
 */
#ifndef ACIKD_ENCODING_H
#define ACIKD_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../chunk.h"
#include "payload.h"

/* Sanity limits: anything larger is an attack or a bug, never a peer. */
#define ENC_MAX_PAYLOADS	64	/* per message, outer and inner */
#define ENC_MAX_PROPOSALS	32	/* per SA payload */
#define ENC_MAX_TRANSFORMS	64	/* per proposal */
#define ENC_MAX_TS		32	/* per TSi/TSr payload */
#define ENC_MAX_FRAGMENTS	64	/* SKF Total Fragments (RFC 7383) */
#define ENC_NONCE_MIN		16	/* RFC 7296 3.9 */
#define ENC_NONCE_MAX		256

/*
 * Parse errors, returned negated. They lie above the errno range so that a
 * caller can tell "the peer sent garbage" from "we ran out of memory".
 */
enum enc_error {
	ENC_E_TRUNCATED = 4096,	/* input ends inside a fixed field */
	ENC_E_LENGTH,		/* a length field under its minimum, beyond
				 * its container, or the chain not ending
				 * exactly at the message's end */
	ENC_E_MSG_LENGTH,	/* IKE header length != datagram length */
	ENC_E_VERSION,		/* major version is not 2 */
	ENC_E_SPI,		/* SPIi zero, or SPIr set in IKE_SA_INIT req */
	ENC_E_EXCHANGE,		/* unknown exchange type */
	ENC_E_CRITICAL,		/* unknown payload with the critical bit */
	ENC_E_UNEXPECTED,	/* payload not allowed in this exchange */
	ENC_E_NOT_ENCRYPTED,	/* payload that belongs inside SK found outside */
	ENC_E_DUPLICATE,	/* second copy of an at-most-once payload */
	ENC_E_TOO_MANY,		/* more than a rule or ENC_MAX_PAYLOADS allows */
	ENC_E_MISSING,		/* a mandatory payload is absent */
	ENC_E_ORDER,		/* payload in a forbidden position */
	ENC_E_VALUE,		/* a field value is invalid (lengths of nonce,
				 * KE, ID, notify data; SPI size; TS range) */
	ENC_E_PROPOSAL,		/* malformed SA proposals or transforms */
	ENC_E_FRAGMENT,		/* SKF number/total invalid (RFC 7383) */
	ENC_E_STATE,		/* enc_message_parse_encrypted() misuse */
	ENC_E_MAX,
};

/*
 * enc_error_notify() - the notify type a responder sends for error @err
 * (negative), or 0 if the message is to be dropped silently (bad
 * fragments, unknown exchange, bad SPIs, header length lies). Responses
 * are never answered, whatever this says (RFC 7296 2.21).
 */
uint16_t enc_error_notify(int err);
/* enc_strerror() - a short English description of any return value. */
const char *enc_strerror(int err);

/* The IKE header (RFC 7296 3.1), in host byte order. */
struct enc_header {
	uint64_t spi_i;
	uint64_t spi_r;
	uint8_t next;		/* first payload; set by the generator */
	uint8_t version;	/* major << 4 | minor */
	uint8_t exchange;	/* enum ike_exchange_type */
	uint8_t flags;		/* IKE_FLAG_* */
	uint32_t message_id;
	uint32_t length;	/* whole message; set by the generator */
};

/* Payload bodies. "data" chunks exclude the payload's fixed fields. */
struct enc_sa {
	/* The Proposal substructures, validated; walk with enc_proposal_next() */
	struct chunk proposals;
	uint8_t num_proposals;
};

struct enc_ke {
	uint16_t group;		/* key exchange method number */
	struct chunk data;	/* public value */
};

struct enc_id {		/* IDi and IDr */
	uint8_t type;		/* enum ike_id_type */
	struct chunk data;
};

struct enc_cert {		/* CERT and CERTREQ: opaque here */
	uint8_t encoding;
	struct chunk data;
};

struct enc_auth {
	uint8_t method;		/* enum ike_auth_method */
	struct chunk data;
};

struct enc_notify {
	uint8_t protocol;	/* enum ike_protocol_id */
	uint16_t type;		/* enum ike_notify_type */
	struct chunk spi;	/* 0, 4 or 8 bytes; its length is the SPI Size */
	struct chunk data;
};

struct enc_delete {
	uint8_t protocol;
	uint8_t spi_size;	/* 0 for IKE, 4 for AH/ESP */
	uint16_t num_spis;
	struct chunk spis;	/* num_spis * spi_size bytes, network order */
};

struct enc_ts {		/* TSi and TSr */
	uint8_t num;
	struct chunk selectors;	/* validated; walk with enc_ts_next() */
};

struct enc_cp {
	uint8_t type;		/* enum ike_cfg_type */
	struct chunk attributes;	/* opaque here */
};

/*
 * SK (3.14) and SKF (RFC 7383 2.5): the body (IV, ciphertext, padding,
 * ICV) is the crypto layer's. The AAD of an AEAD cipher is the message
 * from its first byte up to the end of this payload's generic header,
 * i.e. enc_message_aad(). struct enc_payload's offset locates the header.
 */
struct enc_sk {
	uint16_t number;	/* SKF only: Fragment Number, 1..total */
	uint16_t total;		/* SKF only: Total Fragments */
	struct chunk data;
};

struct enc_opaque {		/* Nonce, Vendor ID, EAP */
	struct chunk data;
};

/*
 * struct enc_payload - one payload, generic header plus body
 * @type:	enum ike_payload_type
 * @next:	Next Payload as received. For SK and SKF (and on generation)
 *		it is the type of the first inner payload; for all others
 *		the generator computes it and ignores this.
 * @critical:	the critical bit (meaningful to receivers only for types
 *		they do not know; kept for completeness)
 * @encrypted:	parsed from (or, for message rules, belongs in) SK plaintext
 * @length:	Payload Length as received, header included
 * @offset:	offset of the generic header within the buffer it came from
 *		(the datagram for outer payloads, the plaintext for inner)
 */
struct enc_payload {
	uint8_t type;
	uint8_t next;
	bool critical;
	bool encrypted;
	uint16_t length;
	size_t offset;
	union {
		struct enc_sa sa;
		struct enc_ke ke;
		struct enc_id id;
		struct enc_cert cert;
		struct enc_auth auth;
		struct enc_notify notify;
		struct enc_delete del;
		struct enc_ts ts;
		struct enc_cp cp;
		struct enc_sk sk;
		struct enc_opaque nonce;
		struct enc_opaque vendor;
		struct enc_opaque eap;
	} u;
};

/*
 * struct enc_message - a parsed message
 * @hdr:	the IKE header
 * @data:	the datagram (starting at the IKE header, non-ESP marker
 *		already stripped), @hdr.length bytes
 * @payloads:	outer payloads in order, then (after
 *		enc_message_parse_encrypted()) the inner ones in order;
 *		unknown non-critical payloads are skipped and not listed
 * @sk:		index of the SK or SKF payload in @payloads, or -1
 * @complete:	all payloads are parsed and the exchange's rules checked
 * @bad_type:	after -ENC_E_CRITICAL, the type to put in the
 *		UNSUPPORTED_CRITICAL_PAYLOAD notification's data
 */
struct enc_message {
	struct enc_header hdr;
	struct chunk data;
	size_t num_payloads;
	struct enc_payload payloads[ENC_MAX_PAYLOADS];
	int sk;
	bool complete;
	uint8_t bad_type;
};

/* enc_header_parse() - the IKE header alone, e.g. to find the IKE SA. */
int enc_header_parse(struct enc_header *hdr, struct chunk data);

/*
 * enc_message_parse() - parse a datagram: header, payload chain, each
 * payload's own checks and the exchange's rules for what may appear
 * unencrypted. If the message has no SK/SKF payload, @m->complete is set
 * and all rules have been checked; otherwise decrypt (and reassemble)
 * and call enc_message_parse_encrypted().
 */
int enc_message_parse(struct enc_message *m, struct chunk data);

/*
 * enc_message_parse_encrypted() - parse the plaintext of the SK payload
 * (or of the reassembled SKF fragments; IV, padding, Pad Length and ICV
 * removed) as the chain starting with payload type @first, and check the
 * exchange's rules over the whole message. @first is the SK payload's
 * Next Payload (m->payloads[m->sk].next), or that of fragment number 1.
 * An empty @plain with @first 0 is valid (e.g. a liveness check). @plain
 * must outlive @m; inner payloads' offsets are relative to it.
 */
int enc_message_parse_encrypted(struct enc_message *m, uint8_t first,
				struct chunk plain);

/* enc_message_aad() - the AEAD associated data for @m's SK/SKF payload. */
struct chunk enc_message_aad(const struct enc_message *m);

/*
 * enc_message_find() - the first payload of @type after @prev (NULL: from
 * the start), or NULL.
 */
const struct enc_payload *enc_message_find(const struct enc_message *m,
					   uint8_t type,
					   const struct enc_payload *prev);
/* enc_message_notify() - the first Notify payload of @type, or NULL. */
const struct enc_payload *enc_message_notify(const struct enc_message *m,
					     uint16_t type);

/* A bounded output buffer: @len bytes used of @size at @ptr. */
struct enc_buf {
	uint8_t *ptr;
	size_t size;
	size_t len;
};

static inline struct enc_buf enc_buf_init(uint8_t *ptr, size_t size)
{
	return (struct enc_buf){ .ptr = ptr, .size = size, .len = 0 };
}

/* The bytes written so far. */
static inline struct chunk enc_buf_chunk(const struct enc_buf *b)
{
	return chunk_from(b->ptr, b->len);
}

/*
 * Network byte order outside the field tables: the SPIs of Notify, Delete
 * and proposals, and those hashed by keymat and NAT detection (2.14, 2.23).
 */

/* enc_put_be32() - @v into the 4 bytes at @b, most significant first. */
static inline void enc_put_be32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* enc_get_be32() - the 4 bytes at @b, most significant first. */
static inline uint32_t enc_get_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* enc_put_be64() - @v into the 8 bytes at @b (an IKE SPI). */
static inline void enc_put_be64(uint8_t *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* enc_get_be64() - the 8 bytes at @b (an IKE SPI). */
static inline uint64_t enc_get_be64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/*
 * enc_payload_generate() - append @p with Next Payload @next; lengths and
 * SPI Size are computed. A body chunk with a NULL ptr and a non-zero len
 * reserves that many zero bytes (for SK bodies encrypted in place).
 * Return: 0, -ENOSPC, -EMSGSIZE (over 65535 bytes) or -EINVAL.
 */
int enc_payload_generate(struct enc_buf *b, const struct enc_payload *p,
			 uint8_t next);

/*
 * enc_chain_generate() - append @n payloads, each Next Payload naming the
 * following one, the last 0 (SK/SKF: its own @next). This is also how the
 * SK plaintext is built; its first type is @p[0].type.
 */
int enc_chain_generate(struct enc_buf *b, const struct enc_payload *p,
		       size_t n);

/*
 * enc_message_generate() - header @hdr (its next and length are computed)
 * and the chain @p. An SK/SKF payload must be last; @sk_offset, if not
 * NULL, receives the offset of its generic header (SIZE_MAX if none) so
 * the caller can encrypt in place: the body, i.e. the IV, starts 4 (SK)
 * or 8 (SKF) bytes later and the AAD is everything before it.
 */
int enc_message_generate(struct enc_buf *b, const struct enc_header *hdr,
			 const struct enc_payload *p, size_t n,
			 size_t *sk_offset);

/* SA payload proposals (proposal.c). */
struct enc_transform {
	uint8_t type;		/* enum ike_transform_type */
	uint16_t id;
	uint16_t key_length;	/* Key Length attribute in bits, 0 if absent */
	/*
	 * The transform carried attributes other than Key Length: it must
	 * not be chosen (RFC 7296 3.3.6) but is not a syntax error.
	 */
	bool unknown_attrs;
};

struct enc_proposal {
	uint8_t number;
	uint8_t protocol;	/* IKE_PROTO_IKE/AH/ESP */
	struct chunk spi;	/* 0 or 8 bytes for IKE, 4 for AH/ESP */
	uint8_t num_transforms;
	struct enc_transform transforms[ENC_MAX_TRANSFORMS];
};

struct enc_proposal_iter {
	struct chunk rest;
	uint8_t index;
};

void enc_proposal_iter_init(struct enc_proposal_iter *it,
			    const struct enc_sa *sa);
/*
 * enc_proposal_next() - decode the next proposal of a verified SA payload.
 * Return: 1 with @p filled, 0 at the end, or a negative ENC_E_ error
 * (-ENC_E_PROPOSAL, -ENC_E_LENGTH, -ENC_E_TRUNCATED) on unverified input.
 */
int enc_proposal_next(struct enc_proposal_iter *it, struct enc_proposal *p);

/*
 * enc_sa_verify() - check the proposals of a received SA payload. A request
 * numbers them 1, 2, 3...; a response carries exactly one, numbered as the
 * chosen one was (RFC 7296 3.3.1).
 */
int enc_sa_verify(const struct enc_sa *sa, bool response);

/*
 * enc_sa_build() - encode @n proposals into @scratch and point @sa at them.
 * The numbers, SPI sizes and counts are the caller's (checked).
 */
int enc_sa_build(struct enc_sa *sa, struct enc_buf *scratch,
		 const struct enc_proposal *props, size_t n);

/* Traffic selectors (ts.c). @start/@end are 4 or 16 bytes. */
struct enc_ts_sel {
	uint8_t type;		/* TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE */
	uint8_t ip_proto;	/* 0: any */
	uint16_t start_port;
	uint16_t end_port;	/* start > end means OPAQUE (RFC 7296 3.13.1) */
	struct chunk start;
	struct chunk end;
};

struct enc_ts_iter {
	struct chunk rest;
	uint8_t left;
};

void enc_ts_iter_init(struct enc_ts_iter *it, const struct enc_ts *ts);
/* Return: 1 with @sel filled, 0 at the end, or a negative ENC_E_ error. */
int enc_ts_next(struct enc_ts_iter *it, struct enc_ts_sel *sel);
/* enc_ts_verify() - count, lengths, known types, start <= end. */
int enc_ts_verify(const struct enc_ts *ts);
int enc_ts_build(struct enc_ts *ts, struct enc_buf *scratch,
		 const struct enc_ts_sel *sels, size_t n);

#endif /* ACIKD_ENCODING_H */
