/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * enc_samples.h - messages and payloads shared by the encoding tests:
 * the hand-written IKE_SA_INIT request as strongSwan sends it, payload
 * constructors over constant data, a message builder, and a byte writer
 * for malformed input the generator refuses to make.
 */
#ifndef ACIKD_TESTS_ENC_SAMPLES_H
#define ACIKD_TESTS_ENC_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "encoding/encoding.h"

/*
 * strongSwan 5.9 initiator, proposal aes256-sha256-ecp384: header, SA (one
 * proposal, 4 transforms), KE group 20 (96 bytes), Ni (32 bytes),
 * N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP),
 * N(IKEV2_FRAGMENTATION_SUPPORTED); 280 bytes.
 */
extern const uint8_t sample_sa_init[];
extern const size_t sample_sa_init_len;
/* Offsets of some of its fields, for tests that corrupt them. */
#define SAMPLE_SA_OFF		28
#define SAMPLE_KE_OFF		(28 + 48)
#define SAMPLE_NONCE_OFF	(SAMPLE_KE_OFF + 104)
#define SAMPLE_NATD_SRC_OFF	(SAMPLE_NONCE_OFF + 36)

/* 1024 bytes of 0xab: the data of sample payloads. */
extern const uint8_t sample_fill[1024];

#define SAMPLE_SPI_I 0x1122334455667788ULL
#define SAMPLE_SPI_R 0x99aabbccddeeff00ULL

/* Payload constructors; chunks point at constant data or at @scratch. */
void sample_nonce(struct enc_payload *p, size_t len);
void sample_ke(struct enc_payload *p, uint16_t group, size_t len);
void sample_notify(struct enc_payload *p, uint16_t type, size_t len);
void sample_id(struct enc_payload *p, uint8_t pl_type, uint8_t id_type,
	       size_t len);
void sample_auth(struct enc_payload *p);
void sample_sa_ike(struct enc_payload *p, struct enc_buf *scratch);
void sample_sa_esp(struct enc_payload *p, struct enc_buf *scratch);
void sample_ts(struct enc_payload *p, uint8_t pl_type,
	       struct enc_buf *scratch);
void sample_sk(struct enc_payload *p, uint8_t first_inner, size_t len);
void sample_payload(struct enc_payload *p, uint8_t type, size_t len);

/*
 * sample_message() - generate a message (SPIs as for @exchange and
 * @flags) into @buf. Return: its length; fails the test on error.
 */
size_t sample_message(uint8_t *buf, size_t size, uint8_t exchange,
		      uint8_t flags, const struct enc_payload *p, size_t n);

/* A byte writer for hand-made (often malformed) input. */
struct bytes {
	uint8_t buf[16384];
	size_t len;
};

void b_u8(struct bytes *b, uint8_t v);
void b_u16(struct bytes *b, uint16_t v);
void b_u32(struct bytes *b, uint32_t v);
void b_fill(struct bytes *b, uint8_t v, size_t n);
void b_put16(struct bytes *b, size_t at, uint16_t v);
/* An IKE header for @b->len bytes in total: call last, or patch after. */
void b_header(struct bytes *b, uint8_t next, uint8_t exchange, uint8_t flags);
void b_set_length(struct bytes *b);
/* A transform: @keylen 0 for none. */
void b_transform(struct bytes *b, uint8_t last, uint8_t type, uint16_t id,
		 uint16_t keylen);

#endif /* ACIKD_TESTS_ENC_SAMPLES_H */
