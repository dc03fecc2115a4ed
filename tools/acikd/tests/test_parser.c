// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_parser.c - the bounded parser and each payload's own checks: one
 * test per class of bad input (truncated headers, lengths that overrun or
 * underrun, wrong KE lengths, unknown critical payloads, bad fragment
 * numbers...) next to the valid case it was cut from.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "encoding/fields.h"
#include "enc_samples.h"

static int parse_one(uint8_t type, const struct bytes *b,
		     struct enc_payload *p)
{
	return enc_payload_parse(p, type, chunk_from(b->buf, b->len), 0,
				 false);
}

/* A generic header: next payload 0, flags, length as given. */
static void b_generic(struct bytes *b, uint8_t flags, uint16_t len)
{
	b_u8(b, 0);
	b_u8(b, flags);
	b_u16(b, len);
}

static void header_truncated(void **state)
{
	struct enc_header h;
	struct enc_message m;

	(void)state;
	for (size_t len = 0; len < IKE_HEADER_LEN; len++) {
		assert_int_equal(enc_header_parse(&h, chunk_from(sample_sa_init,
								 len)),
				 -ENC_E_TRUNCATED);
		assert_int_equal(enc_message_parse(&m, chunk_from(sample_sa_init,
								  len)),
				 -ENC_E_TRUNCATED);
	}
	assert_int_equal(enc_header_parse(&h, chunk_from(NULL, 0)),
			 -ENC_E_TRUNCATED);
}

static void header_fields(void **state)
{
	struct enc_header h;

	(void)state;
	assert_int_equal(enc_header_parse(&h, chunk_from(sample_sa_init, 28)),
			 0);
	assert_true(h.spi_i == SAMPLE_SPI_I);
	assert_true(h.spi_r == 0);
	assert_int_equal(h.next, IKE_PL_SA);
	assert_int_equal(h.version, 0x20);
	assert_int_equal(h.exchange, IKE_SA_INIT);
	assert_int_equal(h.flags, IKE_FLAG_INITIATOR);
	assert_int_equal(h.message_id, 0);
	assert_int_equal(h.length, 280);
}

static void header_version(void **state)
{
	uint8_t buf[280];
	struct enc_message m;
	int err;

	(void)state;
	memcpy(buf, sample_sa_init, sizeof(buf));
	buf[17] = 0x10;		/* IKEv1 */
	err = enc_message_parse(&m, chunk_from(buf, sizeof(buf)));
	assert_int_equal(err, -ENC_E_VERSION);
	assert_int_equal(enc_error_notify(err), NOTIFY_INVALID_MAJOR_VERSION);
	buf[17] = 0x30;
	assert_int_equal(enc_message_parse(&m, chunk_from(buf, sizeof(buf))),
			 -ENC_E_VERSION);
	buf[17] = 0x2f;		/* a later minor version is fine */
	assert_int_equal(enc_message_parse(&m, chunk_from(buf, sizeof(buf))),
			 0);
}

static void payload_length_under_header(void **state)
{
	struct enc_payload p;

	(void)state;
	for (uint16_t len = 0; len < 4; len++) {
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, len);
		b_fill(&b, 0, 8);
		assert_int_equal(parse_one(IKE_PL_VENDOR, &b, &p),
				 -ENC_E_LENGTH);
		/* Unknown payloads are skipped by length: same check. */
		assert_int_equal(parse_one(200, &b, &p), -ENC_E_LENGTH);
	}
}

static void payload_length_overrun(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;

	(void)state;
	b_generic(&b, 0, 40);
	b_fill(&b, 0xab, 35);		/* one byte short */
	assert_int_equal(parse_one(IKE_PL_NONCE, &b, &p), -ENC_E_LENGTH);
	b_u8(&b, 0xab);
	assert_int_equal(parse_one(IKE_PL_NONCE, &b, &p), 0);
	assert_int_equal(p.u.nonce.data.len, 36);
}

static void payload_truncated_fixed_part(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;

	(void)state;
	/* Only 3 bytes of a Notify: the length field itself is cut. */
	b_u8(&b, 0);
	b_u8(&b, 0);
	b_u8(&b, 0);
	assert_int_equal(parse_one(IKE_PL_NOTIFY, &b, &p), -ENC_E_TRUNCATED);
	/* Length 6 is under a Notify's 8 fixed bytes. */
	b.len = 0;
	b_generic(&b, 0, 6);
	b_fill(&b, 0, 4);
	assert_int_equal(parse_one(IKE_PL_NOTIFY, &b, &p), -ENC_E_LENGTH);
}

static void ke_lengths(void **state)
{
	struct enc_payload p;

	(void)state;
	/* Group 20 needs 96 bytes; 95 and 97 are wrong, as in the field. */
	for (int delta = -1; delta <= 1; delta++) {
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, (uint16_t)(8 + 96 + delta));
		b_u16(&b, 20);
		b_u16(&b, 0);
		b_fill(&b, 0x5a, (size_t)(96 + delta));
		assert_int_equal(parse_one(IKE_PL_KE, &b, &p),
				 delta ? -ENC_E_VALUE : 0);
	}
	/* The length field claims more than the message holds. */
	{
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, 8 + 96 + 1);
		b_u16(&b, 20);
		b_u16(&b, 0);
		b_fill(&b, 0x5a, 96);
		assert_int_equal(parse_one(IKE_PL_KE, &b, &p), -ENC_E_LENGTH);
	}
	/* Under the KE's fixed part. */
	{
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, 7);
		b_fill(&b, 0, 100);
		assert_int_equal(parse_one(IKE_PL_KE, &b, &p), -ENC_E_LENGTH);
	}
	/* Unknown group: any non-empty length (INVALID_KE_PAYLOAD later). */
	{
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, 8 + 17);
		b_u16(&b, 4242);
		b_u16(&b, 0);
		b_fill(&b, 0x5a, 17);
		assert_int_equal(parse_one(IKE_PL_KE, &b, &p), 0);
		assert_int_equal(p.u.ke.group, 4242);
		b_put16(&b, 2, 8);
		b.len = 8;
		assert_int_equal(parse_one(IKE_PL_KE, &b, &p), -ENC_E_VALUE);
	}
}

static void nonce_lengths(void **state)
{
	static const struct { size_t len; int err; } cases[] = {
		{ 0, -ENC_E_VALUE }, { 15, -ENC_E_VALUE }, { 16, 0 },
		{ 32, 0 }, { 256, 0 }, { 257, -ENC_E_VALUE },
	};
	struct enc_payload p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, (uint16_t)(4 + cases[i].len));
		b_fill(&b, 1, cases[i].len);
		assert_int_equal(parse_one(IKE_PL_NONCE, &b, &p), cases[i].err);
	}
}

static void id_lengths(void **state)
{
	static const struct { uint8_t type; size_t len; int err; } cases[] = {
		{ ID_IPV4_ADDR, 4, 0 }, { ID_IPV4_ADDR, 3, -ENC_E_VALUE },
		{ ID_IPV4_ADDR, 5, -ENC_E_VALUE },
		{ ID_IPV6_ADDR, 16, 0 }, { ID_IPV6_ADDR, 4, -ENC_E_VALUE },
		{ ID_FQDN, 11, 0 }, { ID_FQDN, 0, -ENC_E_VALUE },
		{ ID_RFC822_ADDR, 9, 0 }, { ID_KEY_ID, 1, 0 },
		{ ID_KEY_ID, 0, -ENC_E_VALUE },
	};
	struct enc_payload p;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bytes b = { .len = 0 };

		b_generic(&b, 0, (uint16_t)(8 + cases[i].len));
		b_u8(&b, cases[i].type);
		b_fill(&b, 0, 3);
		b_fill(&b, 'a', cases[i].len);
		assert_int_equal(parse_one(IKE_PL_IDI, &b, &p), cases[i].err);
		if (!cases[i].err) {
			assert_int_equal(p.u.id.type, cases[i].type);
			assert_int_equal(p.u.id.data.len, cases[i].len);
		}
	}
}

static int notify(uint8_t proto, uint8_t spi_size, uint16_t type,
		  size_t data_len, struct enc_payload *p)
{
	struct bytes b = { .len = 0 };

	b_generic(&b, 0, (uint16_t)(8 + spi_size + data_len));
	b_u8(&b, proto);
	b_u8(&b, spi_size);
	b_u16(&b, type);
	b_fill(&b, 0x44, spi_size);
	b_fill(&b, 0x55, data_len);
	return parse_one(IKE_PL_NOTIFY, &b, p);
}

static void notify_checks(void **state)
{
	struct enc_payload p;

	(void)state;
	assert_int_equal(notify(0, 0, NOTIFY_INVALID_KE_PAYLOAD, 2, &p), 0);
	assert_int_equal(p.u.notify.type, NOTIFY_INVALID_KE_PAYLOAD);
	assert_int_equal(enc_get16(p.u.notify.data.ptr), 0x5555);
	assert_int_equal(notify(0, 0, NOTIFY_INVALID_KE_PAYLOAD, 3, &p),
			 -ENC_E_VALUE);
	assert_int_equal(notify(0, 0, NOTIFY_NAT_DETECTION_SOURCE_IP, 20, &p),
			 0);
	assert_int_equal(notify(0, 0, NOTIFY_NAT_DETECTION_DESTINATION_IP, 19,
				&p), -ENC_E_VALUE);
	assert_int_equal(notify(0, 0, NOTIFY_COOKIE, 64, &p), 0);
	assert_int_equal(notify(0, 0, NOTIFY_COOKIE, 65, &p), -ENC_E_VALUE);
	assert_int_equal(notify(0, 0, NOTIFY_COOKIE, 0, &p), -ENC_E_VALUE);
	assert_int_equal(notify(0, 0, NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED, 0,
				&p), 0);
	assert_int_equal(notify(0, 0, NOTIFY_USE_TRANSPORT_MODE, 1, &p),
			 -ENC_E_VALUE);
	assert_int_equal(notify(IKE_PROTO_ESP, 4, NOTIFY_REKEY_SA, 0, &p), 0);
	assert_int_equal(p.u.notify.spi.len, 4);
	assert_int_equal(notify(0, 0, NOTIFY_REKEY_SA, 0, &p), -ENC_E_VALUE);
	/* SPI size inconsistent with the protocol. */
	assert_int_equal(notify(IKE_PROTO_ESP, 8, NOTIFY_INVALID_SPI, 0, &p),
			 -ENC_E_VALUE);
	assert_int_equal(notify(0, 4, NOTIFY_TS_UNACCEPTABLE, 0, &p),
			 -ENC_E_VALUE);
	assert_int_equal(notify(9, 0, NOTIFY_TS_UNACCEPTABLE, 0, &p),
			 -ENC_E_VALUE);
	/* Errors keep their (opaque) data. */
	assert_int_equal(notify(0, 0, NOTIFY_NO_PROPOSAL_CHOSEN, 0, &p), 0);
	assert_int_equal(notify(0, 0, NOTIFY_AUTHENTICATION_FAILED, 0, &p), 0);
	assert_int_equal(notify(0, 0, NOTIFY_INVALID_SYNTAX, 0, &p), 0);
	assert_int_equal(notify(IKE_PROTO_ESP, 4, NOTIFY_ESP_TFC_PADDING_NOT_SUPPORTED,
				0, &p), 0);
}

static void notify_spi_overrun(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;

	(void)state;
	/* SPI Size 200 in a 10-byte payload: bounded by the length. */
	b_generic(&b, 0, 10);
	b_u8(&b, IKE_PROTO_ESP);
	b_u8(&b, 200);
	b_u16(&b, NOTIFY_INVALID_SPI);
	b_fill(&b, 0, 300);
	assert_int_equal(parse_one(IKE_PL_NOTIFY, &b, &p), -ENC_E_LENGTH);
}

static void delete_checks(void **state)
{
	struct enc_payload p;
	struct bytes b = { .len = 0 };

	(void)state;
	b_generic(&b, 0, 8 + 8);
	b_u8(&b, IKE_PROTO_ESP);
	b_u8(&b, 4);
	b_u16(&b, 2);
	b_fill(&b, 0x12, 8);
	assert_int_equal(parse_one(IKE_PL_DELETE, &b, &p), 0);
	assert_int_equal(p.u.del.num_spis, 2);
	b_put16(&b, 6, 3);	/* three SPIs announced, two present */
	assert_int_equal(parse_one(IKE_PL_DELETE, &b, &p), -ENC_E_VALUE);
	b.len = 0;
	b_generic(&b, 0, 8);
	b_u8(&b, IKE_PROTO_IKE);
	b_u8(&b, 0);
	b_u16(&b, 0);
	assert_int_equal(parse_one(IKE_PL_DELETE, &b, &p), 0);
	b.buf[5] = 8;		/* IKE with an SPI size */
	assert_int_equal(parse_one(IKE_PL_DELETE, &b, &p), -ENC_E_VALUE);
}

static void b_selector(struct bytes *b, uint8_t type, uint16_t len,
		       uint8_t start, uint8_t end, size_t alen)
{
	b_u8(b, type);
	b_u8(b, 0);
	b_u16(b, len);
	b_u16(b, 0);
	b_u16(b, 65535);
	b_fill(b, start, alen);
	b_fill(b, end, alen);
}

static int ts_payload(uint8_t num, uint8_t type, uint16_t sel_len,
		      uint8_t start, uint8_t end, size_t alen)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;

	b_generic(&b, 0, 0);
	b_u8(&b, num);
	b_fill(&b, 0, 3);
	b_selector(&b, type, sel_len, start, end, alen);
	b_put16(&b, 2, (uint16_t)b.len);
	return parse_one(IKE_PL_TSI, &b, &p);
}

static void ts_checks(void **state)
{
	(void)state;
	assert_int_equal(ts_payload(1, TS_IPV4_ADDR_RANGE, 16, 1, 2, 4), 0);
	assert_int_equal(ts_payload(1, TS_IPV4_ADDR_RANGE, 16, 2, 2, 4), 0);
	assert_int_equal(ts_payload(1, TS_IPV6_ADDR_RANGE, 40, 1, 2, 16), 0);
	/* start > end */
	assert_int_equal(ts_payload(1, TS_IPV4_ADDR_RANGE, 16, 3, 2, 4),
			 -ENC_E_VALUE);
	assert_int_equal(ts_payload(1, TS_IPV6_ADDR_RANGE, 40, 3, 2, 16),
			 -ENC_E_VALUE);
	/* Selector length not that of the family. */
	assert_int_equal(ts_payload(1, TS_IPV4_ADDR_RANGE, 40, 1, 2, 16),
			 -ENC_E_VALUE);
	assert_int_equal(ts_payload(1, TS_IPV6_ADDR_RANGE, 16, 1, 2, 4),
			 -ENC_E_VALUE);
	/* Selector length under its fixed part, or beyond the payload. */
	assert_int_equal(ts_payload(1, TS_IPV4_ADDR_RANGE, 7, 1, 2, 4),
			 -ENC_E_LENGTH);
	assert_int_equal(ts_payload(1, TS_IPV4_ADDR_RANGE, 17, 1, 2, 4),
			 -ENC_E_LENGTH);
	/* Unknown TS type, wrong counts. */
	assert_int_equal(ts_payload(1, 9, 16, 1, 2, 4), -ENC_E_VALUE);
	assert_int_equal(ts_payload(0, TS_IPV4_ADDR_RANGE, 16, 1, 2, 4),
			 -ENC_E_VALUE);
	assert_int_equal(ts_payload(2, TS_IPV4_ADDR_RANGE, 16, 1, 2, 4),
			 -ENC_E_TRUNCATED);
	assert_int_equal(ts_payload(ENC_MAX_TS + 1, TS_IPV4_ADDR_RANGE, 16, 1,
				    2, 4), -ENC_E_VALUE);
}

static void unknown_payloads(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;
	int err;

	(void)state;
	b_generic(&b, 0, 12);
	b_fill(&b, 0, 8);
	assert_int_equal(parse_one(200, &b, &p), 1);	/* skip */
	assert_int_equal(p.length, 12);
	b.buf[1] = IKE_PL_CRITICAL;
	err = parse_one(200, &b, &p);
	assert_int_equal(err, -ENC_E_CRITICAL);
	assert_int_equal(enc_error_notify(err),
			 NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD);
	/* The critical bit means nothing on a payload we understand. */
	b.len = 0;
	b_generic(&b, IKE_PL_CRITICAL, 4 + 16);
	b_fill(&b, 0, 16);
	assert_int_equal(parse_one(IKE_PL_NONCE, &b, &p), 0);
	assert_true(p.critical);
}

static int skf(uint8_t next, uint16_t number, uint16_t total, size_t len)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;

	b_u8(&b, next);
	b_u8(&b, 0);
	b_u16(&b, (uint16_t)(8 + len));
	b_u16(&b, number);
	b_u16(&b, total);
	b_fill(&b, 0xee, len);
	return parse_one(IKE_PL_SKF, &b, &p);
}

static void fragment_numbers(void **state)
{
	(void)state;
	assert_int_equal(skf(IKE_PL_IDI, 1, 1, 64), 0);
	assert_int_equal(skf(IKE_PL_IDI, 1, 3, 64), 0);
	assert_int_equal(skf(0, 3, 3, 64), 0);
	assert_int_equal(skf(0, 2, ENC_MAX_FRAGMENTS, 64), 0);
	assert_int_equal(skf(IKE_PL_IDI, 0, 3, 64), -ENC_E_FRAGMENT);
	assert_int_equal(skf(0, 4, 3, 64), -ENC_E_FRAGMENT);
	assert_int_equal(skf(0, 0, 0, 64), -ENC_E_FRAGMENT);
	assert_int_equal(skf(0, 2, ENC_MAX_FRAGMENTS + 1, 64),
			 -ENC_E_FRAGMENT);
	assert_int_equal(skf(0, 1, 0xffff, 64), -ENC_E_FRAGMENT);
	/* The first fragment must name the first inner payload. */
	assert_int_equal(skf(0, 1, 2, 64), -ENC_E_FRAGMENT);
	assert_int_equal(skf(IKE_PL_IDI, 1, 2, 0), -ENC_E_FRAGMENT);
	assert_int_equal(enc_error_notify(-ENC_E_FRAGMENT), 0);
}

static void misc_payloads(void **state)
{
	struct bytes b = { .len = 0 };
	struct enc_payload p;

	(void)state;
	b_generic(&b, 0, 8);
	b_u8(&b, CFG_REQUEST);
	b_fill(&b, 0, 3);
	assert_int_equal(parse_one(IKE_PL_CP, &b, &p), 0);
	b.buf[4] = 7;
	assert_int_equal(parse_one(IKE_PL_CP, &b, &p), -ENC_E_VALUE);
	b.len = 0;
	b_generic(&b, 0, 5);
	b_u8(&b, 4);		/* X.509 signature, no CA named */
	assert_int_equal(parse_one(IKE_PL_CERTREQ, &b, &p), 0);
	assert_int_equal(parse_one(IKE_PL_CERT, &b, &p), -ENC_E_VALUE);
	b.len = 0;
	b_generic(&b, 0, 8);
	b_u8(&b, AUTH_METHOD_PSK);
	b_fill(&b, 0, 3);
	assert_int_equal(parse_one(IKE_PL_AUTH, &b, &p), -ENC_E_VALUE);
	b.len = 0;
	b_generic(&b, 0, 4);
	assert_int_equal(parse_one(IKE_PL_SK, &b, &p), -ENC_E_VALUE);
	assert_int_equal(parse_one(IKE_PL_EAP, &b, &p), -ENC_E_VALUE);
	assert_int_equal(parse_one(IKE_PL_VENDOR, &b, &p), 0);
	assert_string_equal(enc_payload_name(IKE_PL_SKF), "SKF");
	assert_string_equal(enc_payload_name(99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_truncated),
		cmocka_unit_test(header_fields),
		cmocka_unit_test(header_version),
		cmocka_unit_test(payload_length_under_header),
		cmocka_unit_test(payload_length_overrun),
		cmocka_unit_test(payload_truncated_fixed_part),
		cmocka_unit_test(ke_lengths),
		cmocka_unit_test(nonce_lengths),
		cmocka_unit_test(id_lengths),
		cmocka_unit_test(notify_checks),
		cmocka_unit_test(notify_spi_overrun),
		cmocka_unit_test(delete_checks),
		cmocka_unit_test(ts_checks),
		cmocka_unit_test(unknown_payloads),
		cmocka_unit_test(fragment_numbers),
		cmocka_unit_test(misc_payloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
