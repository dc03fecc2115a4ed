// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_proposal.c - SA payload proposals and transforms: the Key Length
 * attribute, numbering, SPI sizes, and the sanity limits (no transforms,
 * absurd counts, too many proposals).
 */
#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "enc_samples.h"

/* A proposal's header; its length is patched by end_proposal(). */
static size_t begin_proposal(struct bytes *b, uint8_t last, uint8_t num,
			     uint8_t proto, uint8_t spi_size, uint8_t ntrans)
{
	size_t at = b->len;

	b_u8(b, last);
	b_u8(b, 0);
	b_u16(b, 0);
	b_u8(b, num);
	b_u8(b, proto);
	b_u8(b, spi_size);
	b_u8(b, ntrans);
	b_fill(b, 0x42, spi_size);
	return at;
}

static void end_proposal(struct bytes *b, size_t at)
{
	b_put16(b, at + 2, (uint16_t)(b->len - at));
}

/* One IKE proposal #@num with the 4 transforms strongSwan sends. */
static void ike_proposal(struct bytes *b, uint8_t last, uint8_t num)
{
	size_t at = begin_proposal(b, last, num, IKE_PROTO_IKE, 0, 4);

	b_transform(b, IKE_TRANSFORM_MORE, IKE_TRANSFORM_ENCR, 12, 256);
	b_transform(b, IKE_TRANSFORM_MORE, IKE_TRANSFORM_INTEG, 12, 0);
	b_transform(b, IKE_TRANSFORM_MORE, IKE_TRANSFORM_PRF, 5, 0);
	b_transform(b, IKE_TRANSFORM_LAST, IKE_TRANSFORM_DH, 20, 0);
	end_proposal(b, at);
}

static int verify(const struct bytes *b, bool response)
{
	struct enc_sa sa = { .proposals = chunk_from(b->buf, b->len) };

	return enc_sa_verify(&sa, response);
}

static void strongswan_proposal(void **state)
{
	struct enc_sa sa = {
		.proposals = chunk_from(sample_sa_init + SAMPLE_SA_OFF + 4, 44),
	};
	struct enc_proposal_iter it;
	struct enc_proposal p;

	(void)state;
	assert_int_equal(enc_sa_verify(&sa, false), 1);
	enc_proposal_iter_init(&it, &sa);
	assert_int_equal(enc_proposal_next(&it, &p), 1);
	assert_int_equal(p.number, 1);
	assert_int_equal(p.protocol, IKE_PROTO_IKE);
	assert_int_equal(p.spi.len, 0);
	assert_int_equal(p.num_transforms, 4);
	assert_int_equal(p.transforms[0].type, IKE_TRANSFORM_ENCR);
	assert_int_equal(p.transforms[0].id, 12);
	assert_int_equal(p.transforms[0].key_length, 256);
	assert_false(p.transforms[0].unknown_attrs);
	assert_int_equal(p.transforms[1].type, IKE_TRANSFORM_INTEG);
	assert_int_equal(p.transforms[2].type, IKE_TRANSFORM_PRF);
	assert_int_equal(p.transforms[3].type, IKE_TRANSFORM_DH);
	assert_int_equal(p.transforms[3].id, 20);
	assert_int_equal(p.transforms[3].key_length, 0);
	assert_int_equal(enc_proposal_next(&it, &p), 0);
}

static void no_transforms(void **state)
{
	struct bytes b = { .len = 0 };
	size_t at;

	(void)state;
	at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1, IKE_PROTO_IKE, 0, 0);
	end_proposal(&b, at);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	assert_int_equal(enc_error_notify(-ENC_E_PROPOSAL),
			 NOTIFY_INVALID_SYNTAX);
	/* An SA payload with no proposal at all. */
	b.len = 0;
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
}

static void absurd_transform_counts(void **state)
{
	static const uint8_t counts[] = { ENC_MAX_TRANSFORMS + 1, 200, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(counts); i++) {
		struct bytes b = { .len = 0 };
		size_t at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1,
					   IKE_PROTO_IKE, 0, counts[i]);

		for (size_t t = 0; t < counts[i]; t++)
			b_transform(&b, t + 1 < counts[i] ? IKE_TRANSFORM_MORE :
				    IKE_TRANSFORM_LAST, IKE_TRANSFORM_DH,
				    (uint16_t)t, 0);
		end_proposal(&b, at);
		assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	}
}

static void transform_count_mismatch(void **state)
{
	struct bytes b = { .len = 0 };
	size_t at;

	(void)state;
	/* Announces 3, carries 2. */
	at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1, IKE_PROTO_IKE, 0, 3);
	b_transform(&b, IKE_TRANSFORM_MORE, IKE_TRANSFORM_ENCR, 20, 128);
	b_transform(&b, IKE_TRANSFORM_LAST, IKE_TRANSFORM_PRF, 5, 0);
	end_proposal(&b, at);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	/* Announces 1, carries 2. */
	b.buf[at + 7] = 1;
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	/* Announces 2: fine. */
	b.buf[at + 7] = 2;
	assert_int_equal(verify(&b, false), 1);
}

static void max_transforms(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_proposal p;
	struct enc_proposal_iter it;
	struct enc_sa sa;
	size_t at;

	(void)state;
	at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1, IKE_PROTO_IKE, 0,
			    ENC_MAX_TRANSFORMS);
	for (size_t t = 0; t < ENC_MAX_TRANSFORMS; t++)
		b_transform(&b, t + 1 < ENC_MAX_TRANSFORMS ?
			    IKE_TRANSFORM_MORE : IKE_TRANSFORM_LAST,
			    IKE_TRANSFORM_DH, (uint16_t)t, 0);
	end_proposal(&b, at);
	assert_int_equal(verify(&b, false), 1);
	sa.proposals = chunk_from(b.buf, b.len);
	enc_proposal_iter_init(&it, &sa);
	assert_int_equal(enc_proposal_next(&it, &p), 1);
	assert_int_equal(p.num_transforms, ENC_MAX_TRANSFORMS);
	assert_int_equal(p.transforms[ENC_MAX_TRANSFORMS - 1].id,
			 ENC_MAX_TRANSFORMS - 1);
}

static void proposal_counts_and_numbers(void **state)
{
	struct bytes b = { .len = 0 };

	(void)state;
	for (int i = 1; i <= ENC_MAX_PROPOSALS; i++)
		ike_proposal(&b, i < ENC_MAX_PROPOSALS ? IKE_PROPOSAL_MORE :
			     IKE_PROPOSAL_LAST, (uint8_t)i);
	assert_int_equal(verify(&b, false), ENC_MAX_PROPOSALS);
	/* One too many. */
	b.len = 0;
	for (int i = 1; i <= ENC_MAX_PROPOSALS + 1; i++)
		ike_proposal(&b, i <= ENC_MAX_PROPOSALS ? IKE_PROPOSAL_MORE :
			     IKE_PROPOSAL_LAST, (uint8_t)i);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);

	/* Requests number from 1, consecutively. */
	b.len = 0;
	ike_proposal(&b, IKE_PROPOSAL_MORE, 1);
	ike_proposal(&b, IKE_PROPOSAL_LAST, 3);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	b.len = 0;
	ike_proposal(&b, IKE_PROPOSAL_LAST, 2);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	/* A response echoes the chosen number, and chooses one. */
	assert_int_equal(verify(&b, true), 1);
	b.len = 0;
	ike_proposal(&b, IKE_PROPOSAL_MORE, 1);
	ike_proposal(&b, IKE_PROPOSAL_LAST, 2);
	assert_int_equal(verify(&b, false), 2);
	assert_int_equal(verify(&b, true), -ENC_E_PROPOSAL);
	b.len = 0;
	ike_proposal(&b, IKE_PROPOSAL_LAST, 0);
	assert_int_equal(verify(&b, true), -ENC_E_PROPOSAL);
}

static void last_substruc(void **state)
{
	struct bytes b = { .len = 0 };
	size_t at;

	(void)state;
	/* A lone proposal that claims more follow. */
	ike_proposal(&b, IKE_PROPOSAL_MORE, 1);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
	/* A transform "last" that is not. */
	b.len = 0;
	at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1, IKE_PROTO_IKE, 0, 2);
	b_transform(&b, IKE_TRANSFORM_LAST, IKE_TRANSFORM_ENCR, 20, 128);
	b_transform(&b, IKE_TRANSFORM_LAST, IKE_TRANSFORM_PRF, 5, 0);
	end_proposal(&b, at);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
}

static void spi_sizes(void **state)
{
	static const struct { uint8_t proto, size; int ok; } cases[] = {
		{ IKE_PROTO_IKE, 0, 1 }, { IKE_PROTO_IKE, 8, 1 },
		{ IKE_PROTO_IKE, 4, 0 }, { IKE_PROTO_ESP, 4, 1 },
		{ IKE_PROTO_ESP, 0, 0 }, { IKE_PROTO_ESP, 8, 0 },
		{ IKE_PROTO_AH, 4, 1 }, { 0, 0, 0 }, { 7, 4, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bytes b = { .len = 0 };
		size_t at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1,
					   cases[i].proto, cases[i].size, 1);

		b_transform(&b, IKE_TRANSFORM_LAST, IKE_TRANSFORM_ENCR, 20,
			    256);
		end_proposal(&b, at);
		assert_int_equal(verify(&b, false),
				 cases[i].ok ? 1 : -ENC_E_PROPOSAL);
	}
}

static void lengths(void **state)
{
	struct bytes b = { .len = 0 };
	size_t at;

	(void)state;
	ike_proposal(&b, IKE_PROPOSAL_LAST, 1);
	b_put16(&b, 2, (uint16_t)(b.len + 1));	/* proposal overruns SA */
	assert_int_equal(verify(&b, false), -ENC_E_LENGTH);
	b_put16(&b, 2, 7);			/* under its fixed part */
	assert_int_equal(verify(&b, false), -ENC_E_LENGTH);
	/* A transform length under 8, and one beyond its proposal. */
	b.len = 0;
	at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1, IKE_PROTO_IKE, 0, 1);
	b_transform(&b, IKE_TRANSFORM_LAST, IKE_TRANSFORM_PRF, 5, 0);
	end_proposal(&b, at);
	b_put16(&b, at + 10, 7);
	assert_int_equal(verify(&b, false), -ENC_E_LENGTH);
	b_put16(&b, at + 10, 9);
	assert_int_equal(verify(&b, false), -ENC_E_LENGTH);
	/* Garbage after the last proposal. */
	b_put16(&b, at + 10, 8);
	b_u8(&b, 0);
	assert_int_equal(verify(&b, false), -ENC_E_PROPOSAL);
}

static int one_transform_attrs(const uint8_t *attrs, size_t len,
			       struct enc_transform *out, uint8_t type)
{
	struct bytes b = { .len = 0 };
	struct enc_proposal_iter it;
	struct enc_proposal p;
	struct enc_sa sa;
	size_t at = begin_proposal(&b, IKE_PROPOSAL_LAST, 1, IKE_PROTO_IKE, 0,
				   1);
	int err;

	b_u8(&b, IKE_TRANSFORM_LAST);
	b_u8(&b, 0);
	b_u16(&b, (uint16_t)(8 + len));
	b_u8(&b, type);
	b_u8(&b, 0);
	b_u16(&b, 12);
	for (size_t i = 0; i < len; i++)
		b_u8(&b, attrs[i]);
	end_proposal(&b, at);
	sa.proposals = chunk_from(b.buf, b.len);
	err = enc_sa_verify(&sa, false);
	if (err < 0)
		return err;
	enc_proposal_iter_init(&it, &sa);
	assert_int_equal(enc_proposal_next(&it, &p), 1);
	*out = p.transforms[0];
	return 0;
}

static void key_length_attribute(void **state)
{
	static const uint8_t kl128[] = { 0x80, 0x0e, 0x00, 0x80 };
	static const uint8_t kl0[] = { 0x80, 0x0e, 0x00, 0x00 };
	static const uint8_t kl_odd[] = { 0x80, 0x0e, 0x00, 0x81 };
	static const uint8_t kl_twice[] = { 0x80, 0x0e, 0x01, 0x00,
					    0x80, 0x0e, 0x01, 0x00 };
	static const uint8_t kl_tlv[] = { 0x00, 0x0e, 0x00, 0x02, 0x01, 0x00 };
	static const uint8_t other_tlv[] = { 0x00, 0x22, 0x00, 0x01, 0x07 };
	static const uint8_t other_tv[] = { 0x80, 0x22, 0x00, 0x01 };
	static const uint8_t tlv_overrun[] = { 0x00, 0x22, 0x00, 0x09, 0x07 };
	static const uint8_t cut[] = { 0x80, 0x0e, 0x00 };
	struct enc_transform t;

	(void)state;
	assert_int_equal(one_transform_attrs(kl128, 4, &t, IKE_TRANSFORM_ENCR),
			 0);
	assert_int_equal(t.key_length, 128);
	assert_false(t.unknown_attrs);
	assert_int_equal(one_transform_attrs(kl0, 4, &t, IKE_TRANSFORM_ENCR),
			 -ENC_E_PROPOSAL);
	assert_int_equal(one_transform_attrs(kl_odd, 4, &t,
					     IKE_TRANSFORM_ENCR),
			 -ENC_E_PROPOSAL);
	assert_int_equal(one_transform_attrs(kl_twice, 8, &t,
					     IKE_TRANSFORM_ENCR),
			 -ENC_E_PROPOSAL);
	assert_int_equal(one_transform_attrs(kl_tlv, 6, &t,
					     IKE_TRANSFORM_ENCR),
			 -ENC_E_PROPOSAL);
	/* Unknown attributes: well-formed, but the transform unusable. */
	assert_int_equal(one_transform_attrs(other_tlv, 5, &t,
					     IKE_TRANSFORM_ENCR), 0);
	assert_true(t.unknown_attrs);
	assert_int_equal(one_transform_attrs(other_tv, 4, &t,
					     IKE_TRANSFORM_ENCR), 0);
	assert_true(t.unknown_attrs);
	/* Key length on a PRF means nothing we can honour. */
	assert_int_equal(one_transform_attrs(kl128, 4, &t, IKE_TRANSFORM_PRF),
			 0);
	assert_true(t.unknown_attrs);
	assert_int_equal(one_transform_attrs(tlv_overrun, 5, &t,
					     IKE_TRANSFORM_ENCR),
			 -ENC_E_LENGTH);
	assert_int_equal(one_transform_attrs(cut, 3, &t, IKE_TRANSFORM_ENCR),
			 -ENC_E_TRUNCATED);
	/* Transform type 0 is reserved. */
	assert_int_equal(one_transform_attrs(NULL, 0, &t, 0), -ENC_E_PROPOSAL);
}

static void build_and_walk(void **state)
{
	uint8_t scratch[2048];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	static const uint8_t spi[4] = { 1, 2, 3, 4 };
	struct enc_proposal in[2] = {
		{ .number = 1, .protocol = IKE_PROTO_ESP,
		  .spi = chunk_from(spi, 4), .num_transforms = 3,
		  .transforms = { { IKE_TRANSFORM_ENCR, 20, 128, false },
				  { IKE_TRANSFORM_ENCR, 20, 256, false },
				  { IKE_TRANSFORM_ESN, 0, 0, false } } },
		{ .number = 2, .protocol = IKE_PROTO_ESP,
		  .spi = chunk_from(spi, 4), .num_transforms = 2,
		  .transforms = { { IKE_TRANSFORM_ENCR, 12, 256, false },
				  { IKE_TRANSFORM_INTEG, 12, 0, false } } },
	};
	struct enc_proposal out;
	struct enc_proposal_iter it;
	struct enc_sa sa;

	(void)state;
	assert_int_equal(enc_sa_build(&sa, &sb, in, 2), 0);
	assert_int_equal(sa.num_proposals, 2);
	assert_int_equal(enc_sa_verify(&sa, false), 2);
	enc_proposal_iter_init(&it, &sa);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(enc_proposal_next(&it, &out), 1);
		assert_int_equal(out.number, in[i].number);
		assert_int_equal(out.protocol, in[i].protocol);
		assert_memory_equal(out.spi.ptr, spi, 4);
		assert_int_equal(out.num_transforms, in[i].num_transforms);
		assert_memory_equal(out.transforms, in[i].transforms,
				    in[i].num_transforms *
				    sizeof(struct enc_transform));
	}
	assert_int_equal(enc_proposal_next(&it, &out), 0);

	/* The builder refuses what the parser would reject. */
	in[0].num_transforms = 0;
	assert_int_equal(enc_sa_build(&sa, &sb, in, 1), -EINVAL);
	in[0].num_transforms = 3;
	in[0].spi = CHUNK_EMPTY;
	assert_int_equal(enc_sa_build(&sa, &sb, in, 1), -EINVAL);
	assert_int_equal(enc_sa_build(&sa, &sb, in, 0), -EINVAL);
	/* And a buffer too small. */
	sb = enc_buf_init(scratch, 20);
	assert_int_equal(enc_sa_build(&sa, &sb, &in[1], 1), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strongswan_proposal),
		cmocka_unit_test(no_transforms),
		cmocka_unit_test(absurd_transform_counts),
		cmocka_unit_test(transform_count_mismatch),
		cmocka_unit_test(max_transforms),
		cmocka_unit_test(proposal_counts_and_numbers),
		cmocka_unit_test(last_substruc),
		cmocka_unit_test(spi_sizes),
		cmocka_unit_test(lengths),
		cmocka_unit_test(key_length_attribute),
		cmocka_unit_test(build_and_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
