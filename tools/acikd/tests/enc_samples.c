// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * enc_samples.c - see enc_samples.h.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "enc_samples.h"

#define X4(x) x, x, x, x
#define X16(x) X4(x), X4(x), X4(x), X4(x)
#define X20(x) X16(x), X4(x)
#define X32(x) X16(x), X16(x)
#define X96(x) X32(x), X32(x), X32(x)

const uint8_t sample_sa_init[] = {
	/* IKE header: SPIi, SPIr 0, next SA, 2.0, IKE_SA_INIT, I, 0, 280 */
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x21, 0x20, 0x22, 0x08, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x18,
	/* SA: next KE, length 48 */
	0x22, 0x00, 0x00, 0x30,
	/* proposal: last, length 44, #1, IKE, SPI size 0, 4 transforms */
	0x00, 0x00, 0x00, 0x2c, 0x01, 0x01, 0x00, 0x04,
	/* ENCR AES_CBC, Key Length 256 (TV) */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c, 0x80, 0x0e, 0x01, 0x00,
	/* INTEG HMAC_SHA2_256_128 */
	0x03, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x0c,
	/* PRF HMAC_SHA2_256 */
	0x03, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x05,
	/* DH ECP-384 (last) */
	0x00, 0x00, 0x00, 0x08, 0x04, 0x00, 0x00, 0x14,
	/* KE: next Nonce, length 104, group 20, reserved, 96 bytes x|y */
	0x28, 0x00, 0x00, 0x68, 0x00, 0x14, 0x00, 0x00,
	X96(0x5a),
	/* Ni: next Notify, length 36, 32 bytes */
	0x29, 0x00, 0x00, 0x24,
	X32(0xc3),
	/* N(NAT_DETECTION_SOURCE_IP): length 28, proto 0, SPI size 0 */
	0x29, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x40, 0x04,
	X20(0x17),
	/* N(NAT_DETECTION_DESTINATION_IP) */
	0x29, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x40, 0x05,
	X20(0x71),
	/* N(IKEV2_FRAGMENTATION_SUPPORTED): last payload, no data */
	0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x40, 0x2e,
};
const size_t sample_sa_init_len = sizeof(sample_sa_init);

const uint8_t sample_fill[1024] = { [0 ... 1023] = 0xab };

static struct chunk fill(size_t len)
{
	assert_true(len <= sizeof(sample_fill));
	return chunk_from(sample_fill, len);
}

static void init(struct enc_payload *p, uint8_t type)
{
	memset(p, 0, sizeof(*p));
	p->type = type;
}

void sample_payload(struct enc_payload *p, uint8_t type, size_t len)
{
	init(p, type);
	/* Nonce, Vendor ID, EAP share the layout of struct enc_opaque. */
	p->u.nonce.data = fill(len);
}

void sample_nonce(struct enc_payload *p, size_t len)
{
	sample_payload(p, IKE_PL_NONCE, len);
}

void sample_ke(struct enc_payload *p, uint16_t group, size_t len)
{
	init(p, IKE_PL_KE);
	p->u.ke.group = group;
	p->u.ke.data = fill(len);
}

void sample_notify(struct enc_payload *p, uint16_t type, size_t len)
{
	init(p, IKE_PL_NOTIFY);
	p->u.notify.type = type;
	p->u.notify.data = fill(len);
}

void sample_id(struct enc_payload *p, uint8_t pl_type, uint8_t id_type,
	       size_t len)
{
	init(p, pl_type);
	p->u.id.type = id_type;
	p->u.id.data = fill(len);
}

void sample_auth(struct enc_payload *p)
{
	init(p, IKE_PL_AUTH);
	p->u.auth.method = AUTH_METHOD_PSK;
	p->u.auth.data = fill(32);
}

void sample_sa_ike(struct enc_payload *p, struct enc_buf *scratch)
{
	struct enc_proposal prop = {
		.number = 1,
		.protocol = IKE_PROTO_IKE,
		.num_transforms = 4,
		.transforms = {
			{ IKE_TRANSFORM_ENCR, 12, 256, false },
			{ IKE_TRANSFORM_INTEG, 12, 0, false },
			{ IKE_TRANSFORM_PRF, 5, 0, false },
			{ IKE_TRANSFORM_DH, 20, 0, false },
		},
	};

	init(p, IKE_PL_SA);
	assert_int_equal(enc_sa_build(&p->u.sa, scratch, &prop, 1), 0);
}

void sample_sa_esp(struct enc_payload *p, struct enc_buf *scratch)
{
	static const uint8_t spi[4] = { 0xc0, 0xff, 0xee, 0x01 };
	struct enc_proposal prop = {
		.number = 1,
		.protocol = IKE_PROTO_ESP,
		.spi = chunk_from(spi, sizeof(spi)),
		.num_transforms = 2,
		.transforms = {
			{ IKE_TRANSFORM_ENCR, 20, 256, false },
			{ IKE_TRANSFORM_ESN, IKE_ESN_NO, 0, false },
		},
	};

	init(p, IKE_PL_SA);
	assert_int_equal(enc_sa_build(&p->u.sa, scratch, &prop, 1), 0);
}

void sample_ts(struct enc_payload *p, uint8_t pl_type, struct enc_buf *scratch)
{
	static const uint8_t lo[4] = { 10, 0, 0, 0 }, hi[4] = { 10, 0, 255, 255 };
	static const uint8_t lo6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	static const uint8_t hi6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff };
	struct enc_ts_sel sels[2] = {
		{ TS_IPV4_ADDR_RANGE, 0, 0, 65535, chunk_from(lo, 4),
		  chunk_from(hi, 4) },
		{ TS_IPV6_ADDR_RANGE, 6, 443, 443, chunk_from(lo6, 16),
		  chunk_from(hi6, 16) },
	};

	init(p, pl_type);
	assert_int_equal(enc_ts_build(&p->u.ts, scratch, sels, 2), 0);
}

void sample_sk(struct enc_payload *p, uint8_t first_inner, size_t len)
{
	init(p, IKE_PL_SK);
	p->next = first_inner;
	p->u.sk.data = fill(len);
}

size_t sample_message(uint8_t *buf, size_t size, uint8_t exchange,
		      uint8_t flags, const struct enc_payload *p, size_t n)
{
	struct enc_buf b = enc_buf_init(buf, size);
	struct enc_header h = {
		.spi_i = SAMPLE_SPI_I,
		.spi_r = (exchange == IKE_SA_INIT &&
			  !(flags & IKE_FLAG_RESPONSE)) ? 0 : SAMPLE_SPI_R,
		.version = IKE_VERSION_MAJOR << 4,
		.exchange = exchange,
		.flags = flags,
		.message_id = exchange == IKE_SA_INIT ? 0 : 1,
	};

	assert_int_equal(enc_message_generate(&b, &h, p, n, NULL), 0);
	return b.len;
}

void b_u8(struct bytes *b, uint8_t v)
{
	assert_true(b->len < sizeof(b->buf));
	b->buf[b->len++] = v;
}

void b_u16(struct bytes *b, uint16_t v)
{
	b_u8(b, v >> 8);
	b_u8(b, v & 0xff);
}

void b_u32(struct bytes *b, uint32_t v)
{
	b_u16(b, v >> 16);
	b_u16(b, v & 0xffff);
}

void b_fill(struct bytes *b, uint8_t v, size_t n)
{
	while (n--)
		b_u8(b, v);
}

void b_put16(struct bytes *b, size_t at, uint16_t v)
{
	b->buf[at] = v >> 8;
	b->buf[at + 1] = v & 0xff;
}

void b_header(struct bytes *b, uint8_t next, uint8_t exchange, uint8_t flags)
{
	bool first_request = exchange == IKE_SA_INIT &&
			     !(flags & IKE_FLAG_RESPONSE);

	b_u32(b, (uint32_t)(SAMPLE_SPI_I >> 32));
	b_u32(b, (uint32_t)SAMPLE_SPI_I);
	b_u32(b, first_request ? 0 : (uint32_t)(SAMPLE_SPI_R >> 32));
	b_u32(b, first_request ? 0 : (uint32_t)SAMPLE_SPI_R);
	b_u8(b, next);
	b_u8(b, 0x20);
	b_u8(b, exchange);
	b_u8(b, flags);
	b_u32(b, 0);
	b_u32(b, 0);	/* length: b_set_length() */
}

void b_set_length(struct bytes *b)
{
	b->buf[24] = (uint8_t)(b->len >> 24);
	b->buf[25] = (uint8_t)(b->len >> 16);
	b->buf[26] = (uint8_t)(b->len >> 8);
	b->buf[27] = (uint8_t)b->len;
}

void b_transform(struct bytes *b, uint8_t last, uint8_t type, uint16_t id,
		 uint16_t keylen)
{
	b_u8(b, last);
	b_u8(b, 0);
	b_u16(b, keylen ? 12 : 8);
	b_u8(b, type);
	b_u8(b, 0);
	b_u16(b, id);
	if (keylen) {
		b_u16(b, IKE_ATTR_FORMAT_TV | IKE_ATTR_KEY_LENGTH);
		b_u16(b, keylen);
	}
}
