// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_message.c - whole messages: strongSwan's IKE_SA_INIT byte for
 * byte, valid shapes of every exchange built with the generator, and the
 * message-level bad input: lengths vs the datagram, chains that end early
 * or late, wrong order, unexpected, missing and duplicate payloads,
 * unknown critical payloads, payloads outside SK.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "enc_samples.h"

static int parse(struct enc_message *m, const uint8_t *buf, size_t len)
{
	return enc_message_parse(m, chunk_from(buf, len));
}

static void strongswan_sa_init(void **state)
{
	struct enc_message m;
	const struct enc_payload *p;

	(void)state;
	assert_int_equal(parse(&m, sample_sa_init, sample_sa_init_len), 0);
	assert_true(m.complete);
	assert_int_equal(m.sk, -1);
	assert_int_equal(m.num_payloads, 6);
	assert_int_equal(m.payloads[0].type, IKE_PL_SA);
	assert_int_equal(m.payloads[0].u.sa.num_proposals, 1);
	p = enc_message_find(&m, IKE_PL_KE, NULL);
	assert_non_null(p);
	assert_int_equal(p->u.ke.group, 20);
	assert_int_equal(p->u.ke.data.len, 96);
	assert_ptr_equal(p->u.ke.data.ptr, sample_sa_init + SAMPLE_KE_OFF + 8);
	assert_int_equal(p->offset, SAMPLE_KE_OFF);
	p = enc_message_find(&m, IKE_PL_NONCE, NULL);
	assert_int_equal(p->u.nonce.data.len, 32);
	p = enc_message_notify(&m, NOTIFY_NAT_DETECTION_DESTINATION_IP);
	assert_non_null(p);
	assert_int_equal(p->u.notify.data.ptr[0], 0x71);
	assert_non_null(enc_message_notify(&m,
					   NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED));
	assert_null(enc_message_notify(&m, NOTIFY_COOKIE));
	p = enc_message_find(&m, IKE_PL_NOTIFY, NULL);
	p = enc_message_find(&m, IKE_PL_NOTIFY, p);
	p = enc_message_find(&m, IKE_PL_NOTIFY, p);
	assert_int_equal(p->u.notify.type, NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED);
	assert_null(enc_message_find(&m, IKE_PL_NOTIFY, p));
	assert_int_equal(enc_message_aad(&m).len, 0);
}

static void datagram_length(void **state)
{
	uint8_t buf[300];
	struct enc_message m;

	(void)state;
	memcpy(buf, sample_sa_init, sample_sa_init_len);
	/* Datagram shorter or longer than the header says. */
	assert_int_equal(parse(&m, buf, sample_sa_init_len - 1),
			 -ENC_E_MSG_LENGTH);
	buf[sample_sa_init_len] = 0;
	assert_int_equal(parse(&m, buf, sample_sa_init_len + 1),
			 -ENC_E_MSG_LENGTH);
	assert_int_equal(enc_error_notify(-ENC_E_MSG_LENGTH), 0);
	/* Header length under the header. */
	buf[27] = 27;
	buf[26] = 0;
	assert_int_equal(parse(&m, buf, 27), -ENC_E_TRUNCATED);
}

static void chain_ends_early_or_late(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_message m;

	(void)state;
	/* The last payload's length leaves bytes over (underrun). */
	memcpy(b.buf, sample_sa_init, sample_sa_init_len);
	b.len = sample_sa_init_len;
	b_fill(&b, 0, 4);
	b_set_length(&b);
	assert_int_equal(parse(&m, b.buf, b.len), -ENC_E_LENGTH);
	/* The last payload claims a next one, but the message ends. */
	b.len = sample_sa_init_len;
	b_set_length(&b);
	b.buf[b.len - 8] = IKE_PL_VENDOR;
	assert_int_equal(parse(&m, b.buf, b.len), -ENC_E_TRUNCATED);
	/* A payload length that runs past the message (overrun). */
	b.buf[b.len - 8] = IKE_PL_NONE;
	b_put16(&b, b.len - 6, 9);
	assert_int_equal(parse(&m, b.buf, b.len), -ENC_E_LENGTH);
	/* A middle payload one byte short: the rest no longer parses. */
	b_put16(&b, b.len - 6, 8);
	b_put16(&b, SAMPLE_NONCE_OFF + 2, 35);
	assert_true(parse(&m, b.buf, b.len) < 0);
	/* A message with the header only, but announcing a payload. */
	b.len = 0;
	b_header(&b, IKE_PL_SA, IKE_SA_INIT, IKE_FLAG_INITIATOR);
	b_set_length(&b);
	assert_int_equal(parse(&m, b.buf, b.len), -ENC_E_TRUNCATED);
	/* ... or none: IKE_SA_INIT without anything. */
	b.buf[16] = IKE_PL_NONE;
	assert_int_equal(parse(&m, b.buf, b.len), -ENC_E_MISSING);
}

static void ke_wrong_length_in_message(void **state)
{
	uint8_t buf[280];
	struct enc_message m;
	int err;

	(void)state;
	memcpy(buf, sample_sa_init, sizeof(buf));
	/* The group says ECP-256 (64 bytes); the data is 96. */
	buf[SAMPLE_KE_OFF + 5] = 19;
	err = parse(&m, buf, sizeof(buf));
	assert_int_equal(err, -ENC_E_VALUE);
	assert_int_equal(enc_error_notify(err), NOTIFY_INVALID_SYNTAX);
	/* The KE length field one short: the chain breaks. */
	memcpy(buf, sample_sa_init, sizeof(buf));
	buf[SAMPLE_KE_OFF + 3]--;
	assert_true(parse(&m, buf, sizeof(buf)) < 0);
}

/* SA, KE, Ni for IKE_SA_INIT; @scratch holds the SA's proposals. */
static size_t sa_init_payloads(struct enc_payload *p, struct enc_buf *scratch)
{
	sample_sa_ike(&p[0], scratch);
	sample_ke(&p[1], 20, 96);
	sample_nonce(&p[2], 32);
	return 3;
}

static void sa_init_valid_shapes(void **state)
{
	uint8_t scratch[256], buf[1024];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[8];
	struct enc_message m;
	size_t len;

	(void)state;
	/* A retried request: COOKIE first. */
	sample_notify(&p[0], NOTIFY_COOKIE, 32);
	sa_init_payloads(&p[1], &sb);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 4);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_non_null(enc_message_notify(&m, NOTIFY_COOKIE));
	/* Response: SA, KE, Nr, CERTREQ, N, V. */
	sa_init_payloads(p, &sb);
	sample_payload(&p[3], IKE_PL_CERTREQ, 0);
	p[3].u.cert.encoding = 4;
	sample_notify(&p[4], NOTIFY_MULTIPLE_AUTH_SUPPORTED, 0);
	sample_payload(&p[5], IKE_PL_VENDOR, 16);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE,
			     p, 6);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_true(m.complete);
	/* Responses that are only a COOKIE or an error. */
	sample_notify(&p[0], NOTIFY_COOKIE, 16);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE,
			     p, 1);
	assert_int_equal(parse(&m, buf, len), 0);
	sample_notify(&p[0], NOTIFY_INVALID_KE_PAYLOAD, 2);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE,
			     p, 1);
	assert_int_equal(parse(&m, buf, len), 0);
	sample_notify(&p[0], NOTIFY_NO_PROPOSAL_CHOSEN, 0);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE,
			     p, 1);
	assert_int_equal(parse(&m, buf, len), 0);
	/* But a request cannot be short, and a status notify is no excuse. */
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_INITIATOR,
			     p, 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_MISSING);
	sample_notify(&p[0], NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED, 0);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE,
			     p, 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_MISSING);
}

static void missing_mandatory(void **state)
{
	static const uint8_t drop[] = { IKE_PL_SA, IKE_PL_KE, IKE_PL_NONCE };
	uint8_t scratch[256], buf[1024];
	struct enc_payload all[3], p[2];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_message m;

	(void)state;
	sa_init_payloads(all, &sb);
	for (size_t d = 0; d < 3; d++) {
		size_t n = 0, len;
		int err;

		for (size_t i = 0; i < 3; i++)
			if (all[i].type != drop[d])
				p[n++] = all[i];
		len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
				     IKE_FLAG_INITIATOR, p, n);
		err = parse(&m, buf, len);
		assert_int_equal(err, -ENC_E_MISSING);
		assert_int_equal(enc_error_notify(err), NOTIFY_INVALID_SYNTAX);
	}
}

static void duplicate_payloads(void **state)
{
	uint8_t scratch[256], buf[1024];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[4];
	struct enc_message m;
	size_t len;

	(void)state;
	sa_init_payloads(p, &sb);
	for (size_t dup = 0; dup < 3; dup++) {
		p[3] = p[dup];
		len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
				     IKE_FLAG_INITIATOR, p, 4);
		assert_int_equal(parse(&m, buf, len), -ENC_E_DUPLICATE);
	}
	/* Many notifies are fine: they have no maximum. */
	sample_notify(&p[3], NOTIFY_NAT_DETECTION_SOURCE_IP, 20);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 4);
	assert_int_equal(parse(&m, buf, len), 0);
}

static void unexpected_and_order(void **state)
{
	uint8_t scratch[256], buf[1024];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[5];
	struct enc_message m;
	size_t len;

	(void)state;
	/* AUTH has no place in IKE_SA_INIT. */
	sa_init_payloads(p, &sb);
	sample_auth(&p[3]);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 4);
	assert_int_equal(parse(&m, buf, len), -ENC_E_UNEXPECTED);
	/* Nor CERTREQ in its request (only the response, RFC 7296 1.2). */
	sample_payload(&p[3], IKE_PL_CERTREQ, 0);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 4);
	assert_int_equal(parse(&m, buf, len), -ENC_E_UNEXPECTED);
	/* Nor SK. */
	sample_sk(&p[3], IKE_PL_NONE, 16);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 4);
	assert_int_equal(parse(&m, buf, len), -ENC_E_UNEXPECTED);
	/* COOKIE after the SA: wrong order. */
	sample_notify(&p[3], NOTIFY_COOKIE, 16);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 4);
	assert_int_equal(parse(&m, buf, len), -ENC_E_ORDER);
}

static void unknown_payloads_in_message(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_message m;
	int err;

	(void)state;
	/* The strongSwan message with an unknown payload (type 99) spliced
	 * in after the last notify. */
	memcpy(b.buf, sample_sa_init, sample_sa_init_len);
	b.len = sample_sa_init_len;
	b.buf[b.len - 8] = 99;
	b_u8(&b, IKE_PL_NONE);
	b_u8(&b, 0);
	b_u16(&b, 10);
	b_fill(&b, 0xee, 6);
	b_set_length(&b);
	assert_int_equal(parse(&m, b.buf, b.len), 0);
	assert_int_equal(m.num_payloads, 6);	/* skipped, not listed */
	b.buf[sample_sa_init_len + 1] = IKE_PL_CRITICAL;
	err = parse(&m, b.buf, b.len);
	assert_int_equal(err, -ENC_E_CRITICAL);
	assert_int_equal(m.bad_type, 99);
	assert_int_equal(enc_error_notify(err),
			 NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD);
}

/* IKE_AUTH request: SK around IDi, AUTH, SA, TSi, TSr. */
static void ike_auth(void **state)
{
	uint8_t scratch[512], plain[1024], buf[2048];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_buf pb = enc_buf_init(plain, sizeof(plain));
	struct enc_payload inner[6], outer[2];
	struct enc_message m;
	size_t len;

	(void)state;
	sample_id(&inner[0], IKE_PL_IDI, ID_FQDN, 12);
	sample_auth(&inner[1]);
	sample_sa_esp(&inner[2], &sb);
	sample_ts(&inner[3], IKE_PL_TSI, &sb);
	sample_ts(&inner[4], IKE_PL_TSR, &sb);
	sample_notify(&inner[5], NOTIFY_USE_TRANSPORT_MODE, 0);
	assert_int_equal(enc_chain_generate(&pb, inner, 6), 0);
	sample_sk(&outer[0], IKE_PL_IDI, 64);
	len = sample_message(buf, sizeof(buf), IKE_AUTH, IKE_FLAG_INITIATOR,
			     outer, 1);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_false(m.complete);
	assert_int_equal(m.sk, 0);
	assert_int_equal(enc_message_aad(&m).len, IKE_HEADER_LEN + 4);
	assert_int_equal(enc_message_parse_encrypted(&m, m.payloads[0].next,
						     enc_buf_chunk(&pb)), 0);
	assert_true(m.complete);
	assert_int_equal(m.num_payloads, 7);
	assert_true(enc_message_find(&m, IKE_PL_IDI, NULL)->encrypted);
	assert_int_equal(enc_message_find(&m, IKE_PL_AUTH, NULL)->offset,
			 4 + 4 + 12);	/* after IDi, in the plaintext */
	/* Parsed once: a second call is a bug. */
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_IDI,
						     enc_buf_chunk(&pb)),
			 -ENC_E_STATE);

	/* Child SA payloads come together or not at all. */
	pb.len = 0;
	assert_int_equal(enc_chain_generate(&pb, inner, 4), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_IDI,
						     enc_buf_chunk(&pb)),
			 -ENC_E_MISSING);
	/* Duplicated IDi inside SK. */
	pb.len = 0;
	inner[1] = inner[0];
	assert_int_equal(enc_chain_generate(&pb, inner, 2), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_IDI,
						     enc_buf_chunk(&pb)),
			 -ENC_E_DUPLICATE);
	/* SK inside SK. */
	pb.len = 0;
	assert_int_equal(enc_chain_generate(&pb, outer, 1), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_SK,
						     enc_buf_chunk(&pb)),
			 -ENC_E_UNEXPECTED);
	/* A plaintext chain that ends early. */
	pb.len = 0;
	assert_int_equal(enc_chain_generate(&pb, inner, 1), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_IDI,
						     chunk_from(plain,
								pb.len + 1)),
			 -ENC_E_LENGTH);
}

static void ike_auth_outside_sk(void **state)
{
	uint8_t buf[1024];
	struct enc_payload p[2];
	struct enc_message m;
	size_t len;
	int err;

	(void)state;
	/* IDi in the clear, before SK. */
	sample_id(&p[0], IKE_PL_IDI, ID_FQDN, 12);
	sample_sk(&p[1], IKE_PL_AUTH, 64);
	len = sample_message(buf, sizeof(buf), IKE_AUTH, IKE_FLAG_INITIATOR,
			     p, 2);
	err = parse(&m, buf, len);
	assert_int_equal(err, -ENC_E_NOT_ENCRYPTED);
	assert_int_equal(enc_error_notify(err), NOTIFY_INVALID_SYNTAX);
	/* No SK at all. */
	len = sample_message(buf, sizeof(buf), IKE_AUTH, IKE_FLAG_INITIATOR,
			     p, 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_NOT_ENCRYPTED);
	len = sample_message(buf, sizeof(buf), INFORMATIONAL, 0, p, 0);
	assert_int_equal(parse(&m, buf, len), -ENC_E_MISSING);
	/* Bytes after SK: SK must be the last payload. */
	{
		struct bytes b = { .len = 0 };

		b_header(&b, IKE_PL_SK, IKE_AUTH, IKE_FLAG_INITIATOR);
		b_u8(&b, IKE_PL_IDI);
		b_u8(&b, 0);
		b_u16(&b, 20);
		b_fill(&b, 0x99, 16);
		b_fill(&b, 0, 8);	/* a would-be payload after SK */
		b_set_length(&b);
		assert_int_equal(parse(&m, b.buf, b.len), -ENC_E_LENGTH);
	}
}

static void fragments_in_message(void **state)
{
	uint8_t buf[256];
	struct enc_payload p;
	struct enc_message m;
	size_t len;

	(void)state;
	sample_payload(&p, IKE_PL_SKF, 0);
	p.next = IKE_PL_IDI;
	p.u.sk = (struct enc_sk){ 1, 3, chunk_from(sample_fill, 100) };
	len = sample_message(buf, sizeof(buf), IKE_AUTH, IKE_FLAG_INITIATOR,
			     &p, 1);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(m.payloads[m.sk].type, IKE_PL_SKF);
	assert_int_equal(m.payloads[m.sk].u.sk.total, 3);
	assert_int_equal(enc_message_aad(&m).len, IKE_HEADER_LEN + 8);
	/* Number beyond total: dropped, no notify. */
	p.u.sk.number = 4;
	len = sample_message(buf, sizeof(buf), IKE_AUTH, IKE_FLAG_INITIATOR,
			     &p, 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_FRAGMENT);
	p.u.sk.number = 1;
	p.u.sk.total = ENC_MAX_FRAGMENTS + 1;
	len = sample_message(buf, sizeof(buf), IKE_AUTH, IKE_FLAG_INITIATOR,
			     &p, 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_FRAGMENT);
	/* IKE_SA_INIT is never fragmented (RFC 7383 2.5.3). */
	p.u.sk.total = 2;
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_INITIATOR,
			     &p, 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_UNEXPECTED);
}

static void create_child_and_informational(void **state)
{
	uint8_t scratch[512], plain[1024], buf[256];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_buf pb = enc_buf_init(plain, sizeof(plain));
	struct enc_payload in[6], sk;
	struct enc_message m;
	size_t len;

	(void)state;
	sample_sk(&sk, IKE_PL_NONE, 32);
	len = sample_message(buf, sizeof(buf), CREATE_CHILD_SA, 0, &sk, 1);
	/* CREATE_CHILD_SA: N(REKEY_SA), SA, Ni, KE, TSi, TSr. */
	sample_notify(&in[0], NOTIFY_REKEY_SA, 0);
	in[0].u.notify.protocol = IKE_PROTO_ESP;
	in[0].u.notify.spi = chunk_from(sample_fill, 4);
	sample_sa_esp(&in[1], &sb);
	sample_nonce(&in[2], 32);
	sample_ke(&in[3], 14, 256);
	sample_ts(&in[4], IKE_PL_TSI, &sb);
	sample_ts(&in[5], IKE_PL_TSR, &sb);
	assert_int_equal(enc_chain_generate(&pb, in, 6), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_NOTIFY,
						     enc_buf_chunk(&pb)), 0);
	/* Without its nonce. */
	pb.len = 0;
	in[2] = in[3];
	assert_int_equal(enc_chain_generate(&pb, in, 3), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_NOTIFY,
						     enc_buf_chunk(&pb)),
			 -ENC_E_MISSING);
	/* A response with only an error is fine. */
	len = sample_message(buf, sizeof(buf), CREATE_CHILD_SA,
			     IKE_FLAG_RESPONSE, &sk, 1);
	sample_notify(&in[0], NOTIFY_TS_UNACCEPTABLE, 0);
	pb.len = 0;
	assert_int_equal(enc_chain_generate(&pb, in, 1), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_NOTIFY,
						     enc_buf_chunk(&pb)), 0);

	/* INFORMATIONAL: an empty one is a liveness check. */
	len = sample_message(buf, sizeof(buf), INFORMATIONAL, 0, &sk, 1);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_NONE,
						     chunk_from(NULL, 0)), 0);
	assert_int_equal(m.num_payloads, 1);
	/* Delete and notify are welcome, SA is not. */
	sample_payload(&in[0], IKE_PL_DELETE, 0);
	in[0].u.del = (struct enc_delete){ IKE_PROTO_IKE, 0, 0, CHUNK_EMPTY };
	pb.len = 0;
	assert_int_equal(enc_chain_generate(&pb, in, 2), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_DELETE,
						     enc_buf_chunk(&pb)),
			 -ENC_E_UNEXPECTED);
	pb.len = 0;
	assert_int_equal(enc_chain_generate(&pb, in, 1), 0);
	assert_int_equal(parse(&m, buf, len), 0);
	assert_int_equal(enc_message_parse_encrypted(&m, IKE_PL_DELETE,
						     enc_buf_chunk(&pb)), 0);
}

static void header_rules(void **state)
{
	uint8_t buf[280];
	struct enc_message m;

	(void)state;
	memcpy(buf, sample_sa_init, sizeof(buf));
	buf[18] = 40;			/* unknown exchange */
	assert_int_equal(parse(&m, buf, sizeof(buf)), -ENC_E_EXCHANGE);
	assert_int_equal(enc_error_notify(-ENC_E_EXCHANGE), 0);
	memcpy(buf, sample_sa_init, sizeof(buf));
	buf[15] = 1;			/* SPIr in the first request */
	assert_int_equal(parse(&m, buf, sizeof(buf)), -ENC_E_SPI);
	memset(buf, 0, 8);		/* SPIi 0 */
	buf[15] = 0;
	assert_int_equal(parse(&m, buf, sizeof(buf)), -ENC_E_SPI);
}

static void too_many_payloads(void **state)
{
	uint8_t scratch[256], buf[4096];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[ENC_MAX_PAYLOADS + 1];
	struct enc_message m;
	size_t len;

	(void)state;
	sa_init_payloads(p, &sb);
	for (size_t i = 3; i < ENC_MAX_PAYLOADS + 1; i++)
		sample_payload(&p[i], IKE_PL_VENDOR, 1);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_INITIATOR,
			     p, ENC_MAX_PAYLOADS);
	assert_int_equal(parse(&m, buf, len), 0);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_INITIATOR,
			     p, ENC_MAX_PAYLOADS + 1);
	assert_int_equal(parse(&m, buf, len), -ENC_E_TOO_MANY);
}

static void error_texts(void **state)
{
	(void)state;
	for (int e = ENC_E_TRUNCATED; e < ENC_E_MAX; e++) {
		assert_non_null(enc_strerror(-e));
		assert_string_not_equal(enc_strerror(-e), "");
	}
	assert_string_equal(enc_strerror(0), "success");
	assert_int_equal(enc_error_notify(-12), 0);	/* -ENOMEM */
	assert_int_equal(enc_error_notify(-ENC_E_TRUNCATED),
			 NOTIFY_INVALID_SYNTAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strongswan_sa_init),
		cmocka_unit_test(datagram_length),
		cmocka_unit_test(chain_ends_early_or_late),
		cmocka_unit_test(ke_wrong_length_in_message),
		cmocka_unit_test(sa_init_valid_shapes),
		cmocka_unit_test(missing_mandatory),
		cmocka_unit_test(duplicate_payloads),
		cmocka_unit_test(unexpected_and_order),
		cmocka_unit_test(unknown_payloads_in_message),
		cmocka_unit_test(ike_auth),
		cmocka_unit_test(ike_auth_outside_sk),
		cmocka_unit_test(fragments_in_message),
		cmocka_unit_test(create_child_and_informational),
		cmocka_unit_test(header_rules),
		cmocka_unit_test(too_many_payloads),
		cmocka_unit_test(error_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
