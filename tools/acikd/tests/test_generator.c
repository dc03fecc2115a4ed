// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_generator.c - the generator: every payload type round-trips
 * (generate -> parse -> equal), lengths and Next Payload fields are
 * computed, SK bodies can be reserved for encryption in place, and a
 * buffer too small fails cleanly.
 */
#include <errno.h>
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "encoding/fields.h"
#include "enc_samples.h"

static void assert_chunk_equal(struct chunk a, struct chunk b)
{
	assert_int_equal(a.len, b.len);
	if (a.len)
		assert_memory_equal(a.ptr, b.ptr, a.len);
}

/* Generate @in with Next Payload 41, parse it back into @out. */
static void round_trip(const struct enc_payload *in, struct enc_payload *out,
		       bool response)
{
	uint8_t buf[4096];
	struct enc_buf b = enc_buf_init(buf, sizeof(buf));

	assert_int_equal(enc_payload_generate(&b, in, IKE_PL_NOTIFY), 0);
	assert_int_equal(enc_get16(buf + 2), b.len);
	/* The chunks of @out point into @buf: compare before returning. */
	if (enc_payload_parse(out, in->type, enc_buf_chunk(&b), 0, response))
		fail_msg("payload %s", enc_payload_name(in->type));
	assert_int_equal(out->type, in->type);
	assert_int_equal(out->next, IKE_PL_NOTIFY);
	assert_int_equal(out->length, b.len);
	assert_int_equal(out->critical, in->critical);
	switch (in->type) {
	case IKE_PL_SA:
		assert_chunk_equal(out->u.sa.proposals, in->u.sa.proposals);
		assert_int_equal(out->u.sa.num_proposals,
				 in->u.sa.num_proposals);
		break;
	case IKE_PL_KE:
		assert_int_equal(out->u.ke.group, in->u.ke.group);
		assert_chunk_equal(out->u.ke.data, in->u.ke.data);
		break;
	case IKE_PL_IDI:
	case IKE_PL_IDR:
		assert_int_equal(out->u.id.type, in->u.id.type);
		assert_chunk_equal(out->u.id.data, in->u.id.data);
		break;
	case IKE_PL_CERT:
	case IKE_PL_CERTREQ:
		assert_int_equal(out->u.cert.encoding, in->u.cert.encoding);
		assert_chunk_equal(out->u.cert.data, in->u.cert.data);
		break;
	case IKE_PL_AUTH:
		assert_int_equal(out->u.auth.method, in->u.auth.method);
		assert_chunk_equal(out->u.auth.data, in->u.auth.data);
		break;
	case IKE_PL_NOTIFY:
		assert_int_equal(out->u.notify.protocol,
				 in->u.notify.protocol);
		assert_int_equal(out->u.notify.type, in->u.notify.type);
		assert_chunk_equal(out->u.notify.spi, in->u.notify.spi);
		assert_chunk_equal(out->u.notify.data, in->u.notify.data);
		break;
	case IKE_PL_DELETE:
		assert_int_equal(out->u.del.protocol, in->u.del.protocol);
		assert_int_equal(out->u.del.spi_size, in->u.del.spi_size);
		assert_int_equal(out->u.del.num_spis, in->u.del.num_spis);
		assert_chunk_equal(out->u.del.spis, in->u.del.spis);
		break;
	case IKE_PL_TSI:
	case IKE_PL_TSR:
		assert_int_equal(out->u.ts.num, in->u.ts.num);
		assert_chunk_equal(out->u.ts.selectors, in->u.ts.selectors);
		break;
	case IKE_PL_CP:
		assert_int_equal(out->u.cp.type, in->u.cp.type);
		assert_chunk_equal(out->u.cp.attributes, in->u.cp.attributes);
		break;
	case IKE_PL_SK:
	case IKE_PL_SKF:
		assert_int_equal(out->u.sk.number, in->u.sk.number);
		assert_int_equal(out->u.sk.total, in->u.sk.total);
		assert_chunk_equal(out->u.sk.data, in->u.sk.data);
		break;
	default:	/* Nonce, Vendor ID, EAP */
		assert_chunk_equal(out->u.nonce.data, in->u.nonce.data);
		break;
	}
}

static void every_payload_type(void **state)
{
	static const uint8_t spis[8] = { 0, 0, 0, 1, 0xc0, 0, 0, 2 };
	static const uint8_t spi[4] = { 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t cfg[4] = { 0, 1, 0, 0 };	/* INTERNAL_IP4_ADDRESS */
	uint8_t scratch[1024];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload in, out;

	(void)state;
	sample_sa_ike(&in, &sb);
	round_trip(&in, &out, false);
	sample_sa_esp(&in, &sb);
	round_trip(&in, &out, true);
	sample_ke(&in, 20, 96);
	round_trip(&in, &out, false);
	sample_ke(&in, 14, 256);
	round_trip(&in, &out, false);
	sample_id(&in, IKE_PL_IDI, ID_FQDN, 17);
	round_trip(&in, &out, false);
	sample_id(&in, IKE_PL_IDR, ID_IPV4_ADDR, 4);
	round_trip(&in, &out, false);
	sample_id(&in, IKE_PL_IDR, ID_IPV6_ADDR, 16);
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_CERT, 0);
	in.u.cert = (struct enc_cert){ 4, chunk_from(sample_fill, 700) };
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_CERTREQ, 0);
	in.u.cert = (struct enc_cert){ 4, chunk_from(sample_fill, 40) };
	round_trip(&in, &out, false);
	sample_auth(&in);
	round_trip(&in, &out, false);
	sample_nonce(&in, 32);
	in.critical = true;
	round_trip(&in, &out, false);
	sample_notify(&in, NOTIFY_NAT_DETECTION_SOURCE_IP, 20);
	round_trip(&in, &out, false);
	sample_notify(&in, NOTIFY_REKEY_SA, 0);
	in.u.notify.protocol = IKE_PROTO_ESP;
	in.u.notify.spi = chunk_from(spi, 4);
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_DELETE, 0);
	in.u.del = (struct enc_delete){ IKE_PROTO_ESP, 4, 2,
					chunk_from(spis, 8) };
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_VENDOR, 16);
	round_trip(&in, &out, false);
	sample_ts(&in, IKE_PL_TSI, &sb);
	round_trip(&in, &out, false);
	sample_ts(&in, IKE_PL_TSR, &sb);
	round_trip(&in, &out, false);
	sample_sk(&in, IKE_PL_IDI, 80);
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_CP, 0);
	in.u.cp.type = CFG_REQUEST;
	in.u.cp.attributes = chunk_from(cfg, 4);
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_EAP, 5);
	round_trip(&in, &out, false);
	sample_payload(&in, IKE_PL_SKF, 0);
	in.u.sk = (struct enc_sk){ 2, 5, chunk_from(sample_fill, 100) };
	round_trip(&in, &out, false);
}

static void ts_round_trip(void **state)
{
	uint8_t scratch[256];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p;
	struct enc_ts_iter it;
	struct enc_ts_sel sel;

	(void)state;
	sample_ts(&p, IKE_PL_TSI, &sb);
	assert_int_equal(enc_ts_verify(&p.u.ts), 0);
	enc_ts_iter_init(&it, &p.u.ts);
	assert_int_equal(enc_ts_next(&it, &sel), 1);
	assert_int_equal(sel.type, TS_IPV4_ADDR_RANGE);
	assert_int_equal(sel.end_port, 65535);
	assert_int_equal(sel.start.ptr[0], 10);
	assert_int_equal(sel.end.ptr[2], 255);
	assert_int_equal(enc_ts_next(&it, &sel), 1);
	assert_int_equal(sel.type, TS_IPV6_ADDR_RANGE);
	assert_int_equal(sel.ip_proto, 6);
	assert_int_equal(sel.start_port, 443);
	assert_int_equal(sel.start.len, 16);
	assert_int_equal(enc_ts_next(&it, &sel), 0);
	/* The builder checks address lengths. */
	sel.start.len = 4;
	assert_int_equal(enc_ts_build(&p.u.ts, &sb, &sel, 1), -EINVAL);
}

static void chain_next_fields(void **state)
{
	uint8_t buf[1024];
	struct enc_buf b = enc_buf_init(buf, sizeof(buf));
	struct enc_payload p[3];

	(void)state;
	sample_nonce(&p[0], 16);
	sample_notify(&p[1], NOTIFY_INITIAL_CONTACT, 0);
	sample_payload(&p[2], IKE_PL_VENDOR, 4);
	p[0].next = 99;		/* ignored: the chain decides */
	assert_int_equal(enc_chain_generate(&b, p, 3), 0);
	assert_int_equal(b.len, 20 + 8 + 8);
	assert_int_equal(buf[0], IKE_PL_NOTIFY);
	assert_int_equal(buf[20], IKE_PL_VENDOR);
	assert_int_equal(buf[28], IKE_PL_NONE);
	/* Nothing may follow SK in the clear. */
	b.len = 0;
	sample_sk(&p[0], IKE_PL_IDI, 16);
	assert_int_equal(enc_chain_generate(&b, p, 2), -EINVAL);
	/* Unknown payload types cannot be generated. */
	p[0].type = 99;
	assert_int_equal(enc_chain_generate(&b, p, 1), -EINVAL);
}

static void message_reproduces_strongswan(void **state)
{
	uint8_t scratch[256], buf[512];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[6];
	size_t len;

	(void)state;
	sample_sa_ike(&p[0], &sb);
	sample_ke(&p[1], 20, 96);
	p[1].u.ke.data = chunk_from(sample_sa_init + SAMPLE_KE_OFF + 8, 96);
	sample_nonce(&p[2], 32);
	p[2].u.nonce.data = chunk_from(sample_sa_init + SAMPLE_NONCE_OFF + 4,
				       32);
	sample_notify(&p[3], NOTIFY_NAT_DETECTION_SOURCE_IP, 20);
	p[3].u.notify.data = chunk_from(sample_sa_init + SAMPLE_NATD_SRC_OFF
					+ 8, 20);
	sample_notify(&p[4], NOTIFY_NAT_DETECTION_DESTINATION_IP, 20);
	p[4].u.notify.data = chunk_from(sample_sa_init + SAMPLE_NATD_SRC_OFF
					+ 28 + 8, 20);
	sample_notify(&p[5], NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED, 0);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT,
			     IKE_FLAG_INITIATOR, p, 6);
	/* Byte for byte what strongSwan puts on the wire. */
	assert_int_equal(len, sample_sa_init_len);
	assert_memory_equal(buf, sample_sa_init, len);
}

static void sk_reserved_in_place(void **state)
{
	uint8_t buf[256];
	struct enc_buf b = enc_buf_init(buf, sizeof(buf));
	struct enc_header h = {
		.spi_i = SAMPLE_SPI_I, .spi_r = SAMPLE_SPI_R, .version = 0x20,
		.exchange = IKE_AUTH, .flags = IKE_FLAG_INITIATOR,
		.message_id = 1,
	};
	struct enc_payload p[2];
	struct enc_message m;
	size_t sk_offset;

	(void)state;
	memset(buf, 0xff, sizeof(buf));
	sample_payload(&p[0], IKE_PL_SK, 0);
	p[0].next = IKE_PL_IDI;
	p[0].u.sk.data = chunk_from(NULL, 64);	/* reserve */
	assert_int_equal(enc_message_generate(&b, &h, p, 1, &sk_offset), 0);
	assert_int_equal(sk_offset, IKE_HEADER_LEN);
	assert_int_equal(b.len, IKE_HEADER_LEN + 4 + 64);
	assert_int_equal(buf[16], IKE_PL_SK);
	assert_int_equal(buf[sk_offset], IKE_PL_IDI);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(buf[sk_offset + 4 + i], 0);
	assert_int_equal(enc_message_parse(&m, enc_buf_chunk(&b)), 0);
	assert_int_equal(m.sk, 0);
	assert_int_equal(enc_message_aad(&m).len, sk_offset + 4);
	assert_ptr_equal(m.payloads[0].u.sk.data.ptr, buf + sk_offset + 4);

	/* SKF: the AAD covers Fragment Number and Total Fragments too. */
	b.len = 0;
	sample_payload(&p[0], IKE_PL_SKF, 0);
	p[0].next = IKE_PL_IDI;
	p[0].u.sk = (struct enc_sk){ 1, 2, chunk_from(NULL, 32) };
	assert_int_equal(enc_message_generate(&b, &h, p, 1, &sk_offset), 0);
	assert_int_equal(enc_message_parse(&m, enc_buf_chunk(&b)), 0);
	assert_int_equal(enc_message_aad(&m).len, sk_offset + 8);

	/* SK must be last. */
	sample_nonce(&p[1], 16);
	b.len = 0;
	assert_int_equal(enc_message_generate(&b, &h, p, 2, NULL), -EINVAL);
}

static void small_buffers(void **state)
{
	uint8_t buf[400];
	struct enc_payload p;
	struct enc_header h = { .spi_i = 1, .version = 0x20,
				.exchange = INFORMATIONAL };

	(void)state;
	sample_nonce(&p, 256);
	for (size_t size = 0; size < 4 + 256; size++) {
		struct enc_buf b = enc_buf_init(buf, size);

		assert_int_equal(enc_payload_generate(&b, &p, 0), -ENOSPC);
	}
	for (size_t size = 0; size < IKE_HEADER_LEN; size++) {
		struct enc_buf b = enc_buf_init(buf, size);

		assert_int_equal(enc_message_generate(&b, &h, NULL, 0, NULL),
				 -ENOSPC);
	}
	/* A payload over 65535 bytes cannot be expressed. */
	{
		static uint8_t big[70000];
		struct enc_buf b = enc_buf_init(big, sizeof(big));

		sample_payload(&p, IKE_PL_VENDOR, 0);
		p.u.vendor.data = chunk_from(NULL, 65532);	/* zeroes */
		assert_int_equal(enc_payload_generate(&b, &p, 0), -EMSGSIZE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_payload_type),
		cmocka_unit_test(ts_round_trip),
		cmocka_unit_test(chain_next_fields),
		cmocka_unit_test(message_reproduces_strongswan),
		cmocka_unit_test(sk_reserved_in_place),
		cmocka_unit_test(small_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
