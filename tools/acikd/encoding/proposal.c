// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * proposal.c - the Proposal and Transform substructures of the SA payload
 * (RFC 7296 3.3.1-3.3.5): walking them with sanity limits, the Key Length
 * attribute, and building them. Choosing a proposal is the tasks' job;
 * here a proposal is only well-formed or not.
 */
#include <errno.h>
#include <string.h>

#include "fields.h"

/* The wire form of a proposal, as the field table fills it. */
struct raw_proposal {
	uint8_t last;
	uint16_t length;
	uint8_t number;
	uint8_t protocol;
	uint8_t num_transforms;
	struct chunk spi;
	struct chunk transforms;
};

/*
 * Proposal Substructure (3.3.1):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        SPI (variable)                         ~
 * ~                        <Transforms>                           ~
 */
#define RP(f) offsetof(struct raw_proposal, f)
static const struct enc_field proposal_fields[] = {
	{ EF_U8, RP(last) },
	{ EF_RESERVED8, 0 },
	{ EF_LENGTH, RP(length) },
	{ EF_U8, RP(number) },
	{ EF_U8, RP(protocol) },
	{ EF_SPI_SIZE, RP(spi) },
	{ EF_U8, RP(num_transforms) },
	{ EF_SPI, RP(spi) },
	{ EF_BODY, RP(transforms) },
};
static const struct enc_struct proposal_struct =
	ENC_STRUCT("proposal", proposal_fields);

struct raw_transform {
	uint8_t last;
	uint16_t length;
	uint8_t type;
	uint16_t id;
	struct chunk attributes;
};

/*
 * Transform Substructure (3.3.2):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Transform Type |   RESERVED    |          Transform ID         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Transform Attributes                     ~
 */
#define RT(f) offsetof(struct raw_transform, f)
static const struct enc_field transform_fields[] = {
	{ EF_U8, RT(last) },
	{ EF_RESERVED8, 0 },
	{ EF_LENGTH, RT(length) },
	{ EF_U8, RT(type) },
	{ EF_RESERVED8, 0 },
	{ EF_U16, RT(id) },
	{ EF_BODY, RT(attributes) },
};
static const struct enc_struct transform_struct =
	ENC_STRUCT("transform", transform_fields);

struct raw_attr {
	uint16_t type;		/* with the AF bit */
	uint16_t value;		/* TV: the value; TLV: the value's length */
};

/*
 * Data Attributes (3.3.5):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |F|                             |    AF=1  Attribute Value      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   AF=0  Attribute Value                       |
 * |                   AF=1  Not Transmitted                       |
 */
static const struct enc_field attr_fields[] = {
	{ EF_U16, offsetof(struct raw_attr, type) },
	{ EF_U16, offsetof(struct raw_attr, value) },
};
static const struct enc_struct attr_struct = ENC_STRUCT("attribute", attr_fields);

static int decode_attributes(struct enc_transform *t, struct chunk in)
{
	while (in.len) {
		struct raw_attr a;
		size_t used;
		int err = enc_struct_parse(&attr_struct, &a, in, &used);

		if (err)
			return err;
		if (!(a.type & IKE_ATTR_FORMAT_TV)) {
			/* TLV: only its length matters to us. */
			if (a.value > in.len - used)
				return -ENC_E_LENGTH;
			used += a.value;
			/* Key Length is defined as TV only (3.3.5). */
			if (a.type == IKE_ATTR_KEY_LENGTH)
				return -ENC_E_PROPOSAL;
			t->unknown_attrs = true;
		} else if ((a.type & ~IKE_ATTR_FORMAT_TV) == IKE_ATTR_KEY_LENGTH) {
			/* Once, in whole bytes, not zero. */
			if (t->key_length || a.value == 0 || a.value % 8)
				return -ENC_E_PROPOSAL;
			t->key_length = a.value;
			/* Only encryption algorithms have key lengths. */
			if (t->type != IKE_TRANSFORM_ENCR)
				t->unknown_attrs = true;
		} else {
			t->unknown_attrs = true;
		}
		in.ptr += used;
		in.len -= used;
	}
	return 0;
}

void enc_proposal_iter_init(struct enc_proposal_iter *it,
			    const struct enc_sa *sa)
{
	it->rest = sa->proposals;
	it->index = 0;
}

static bool spi_size_ok(uint8_t protocol, size_t len)
{
	switch (protocol) {
	case IKE_PROTO_IKE:
		/* Empty in IKE_SA_INIT, the new SPI when rekeying (3.3.1). */
		return len == 0 || len == 8;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		return len == 4;
	default:
		return false;
	}
}

static int decode_transforms(struct enc_proposal *p, struct chunk in)
{
	size_t n = 0;

	while (in.len) {
		struct raw_transform rt;
		struct enc_transform *t;
		size_t used;
		int err;

		/* More than announced, and more than we ever keep. */
		if (n >= p->num_transforms)
			return -ENC_E_PROPOSAL;
		err = enc_struct_parse(&transform_struct, &rt, in, &used);
		if (err)
			return err;
		in.ptr += used;
		in.len -= used;
		if (rt.last != (in.len ? IKE_TRANSFORM_MORE : IKE_TRANSFORM_LAST) ||
		    rt.type == 0)
			return -ENC_E_PROPOSAL;
		t = &p->transforms[n++];
		memset(t, 0, sizeof(*t));
		t->type = rt.type;
		t->id = rt.id;
		err = decode_attributes(t, rt.attributes);
		if (err)
			return err;
	}
	return n == p->num_transforms ? 0 : -ENC_E_PROPOSAL;
}

int enc_proposal_next(struct enc_proposal_iter *it, struct enc_proposal *p)
{
	struct raw_proposal rp;
	size_t used;
	int err;

	if (!it->rest.len)
		return 0;
	if (it->index >= ENC_MAX_PROPOSALS)
		return -ENC_E_PROPOSAL;
	err = enc_struct_parse(&proposal_struct, &rp, it->rest, &used);
	if (err)
		return err;
	it->rest.ptr += used;
	it->rest.len -= used;
	it->index++;
	/* "Last Substruc" must agree with where the proposal is. */
	if (rp.last != (it->rest.len ? IKE_PROPOSAL_MORE : IKE_PROPOSAL_LAST))
		return -ENC_E_PROPOSAL;
	if (!spi_size_ok(rp.protocol, rp.spi.len))
		return -ENC_E_PROPOSAL;
	/* No transforms, or more than any real suite list: reject. */
	if (rp.num_transforms == 0 || rp.num_transforms > ENC_MAX_TRANSFORMS)
		return -ENC_E_PROPOSAL;
	p->number = rp.number;
	p->protocol = rp.protocol;
	p->spi = rp.spi;
	p->num_transforms = rp.num_transforms;
	err = decode_transforms(p, rp.transforms);
	return err ? err : 1;
}

int enc_sa_verify(const struct enc_sa *sa, bool response)
{
	struct enc_proposal_iter it;
	struct enc_proposal p;
	int n = 0, err;

	enc_proposal_iter_init(&it, sa);
	while ((err = enc_proposal_next(&it, &p)) > 0) {
		n++;
		/*
		 * A request numbers its proposals 1, 2, 3...; a response
		 * echoes the number of the one proposal it chose (3.3.1).
		 */
		if (response ? n > 1 || p.number == 0 : p.number != n)
			return -ENC_E_PROPOSAL;
	}
	if (err)
		return err;
	return n ? n : -ENC_E_PROPOSAL;
}

/* Encode one transform; its attributes go through a small local buffer. */
static int build_transform(struct enc_buf *b, const struct enc_transform *t,
			   bool last)
{
	uint8_t attr[4];
	struct enc_buf ab = enc_buf_init(attr, sizeof(attr));
	struct raw_transform rt = {
		.last = last ? IKE_TRANSFORM_LAST : IKE_TRANSFORM_MORE,
		.type = t->type,
		.id = t->id,
	};

	if (t->key_length) {
		struct raw_attr a = {
			.type = IKE_ATTR_FORMAT_TV | IKE_ATTR_KEY_LENGTH,
			.value = t->key_length,
		};
		int err = enc_struct_generate(&attr_struct, &a, &ab);

		if (err)
			return err;
	}
	rt.attributes = enc_buf_chunk(&ab);
	return enc_struct_generate(&transform_struct, &rt, b);
}

static int build_proposal(struct enc_buf *b, const struct enc_proposal *p,
			  bool last)
{
	const size_t start = b->len;
	struct raw_proposal rp = {
		.last = last ? IKE_PROPOSAL_LAST : IKE_PROPOSAL_MORE,
		.number = p->number,
		.protocol = p->protocol,
		.num_transforms = p->num_transforms,
		.spi = p->spi,
	};
	size_t len;
	int err;

	if (!spi_size_ok(p->protocol, p->spi.len) || p->num_transforms == 0 ||
	    p->num_transforms > ENC_MAX_TRANSFORMS)
		return -EINVAL;
	/* Header first, transforms appended, then the length patched. */
	err = enc_struct_generate(&proposal_struct, &rp, b);
	for (size_t i = 0; i < p->num_transforms && !err; i++)
		err = build_transform(b, &p->transforms[i],
				      i + 1 == p->num_transforms);
	if (err)
		return err;
	len = b->len - start;
	if (len > UINT16_MAX)
		return -EMSGSIZE;
	b->ptr[start + 2] = (uint8_t)(len >> 8);
	b->ptr[start + 3] = (uint8_t)len;
	return 0;
}

int enc_sa_build(struct enc_sa *sa, struct enc_buf *scratch,
		 const struct enc_proposal *props, size_t n)
{
	const size_t start = scratch->len;

	if (n == 0 || n > ENC_MAX_PROPOSALS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int err = build_proposal(scratch, &props[i], i + 1 == n);

		if (err)
			return err;
	}
	sa->proposals = chunk_from(scratch->ptr + start, scratch->len - start);
	sa->num_proposals = (uint8_t)n;
	return 0;
}
