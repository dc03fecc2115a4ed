/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * make_corpus.c - writes the seed corpus of fuzz_message into fuzz/corpus:
 * one message per exchange shape, SK bodies holding a valid plaintext
 * chain so that the fuzzer starts from inputs that reach the inner rules.
 * Run by `make -f encoding/encoding.mk fuzz-corpus` from tools/acikd.
 */
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "enc_samples.h"

static void save(const char *name, const uint8_t *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "fuzz/corpus/%s", name);
	f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
}

/* A message whose SK body is the plaintext chain @in. */
static void sk_message(const char *name, uint8_t exch, uint8_t flags,
		       struct enc_payload *in, size_t n, bool frag)
{
	uint8_t plain[4096], buf[8192];
	struct enc_buf pb = enc_buf_init(plain, sizeof(plain));
	struct enc_payload sk;
	size_t len;

	assert_int_equal(enc_chain_generate(&pb, in, n), 0);
	sample_payload(&sk, frag ? IKE_PL_SKF : IKE_PL_SK, 0);
	sk.next = n ? in[0].type : 0;
	sk.u.sk.data = enc_buf_chunk(&pb);
	if (frag) {
		sk.u.sk.number = 1;
		sk.u.sk.total = 2;
	}
	if (!pb.len)
		sk.u.sk.data = chunk_from(sample_fill, 16);
	len = sample_message(buf, sizeof(buf), exch, flags, &sk, 1);
	save(name, buf, len);
}

/* A fragment after the first (RFC 7383 2.5): Next Payload 0. */
static void skf_later(const char *name, uint8_t exch, uint8_t flags,
		      uint16_t number, uint16_t total)
{
	uint8_t buf[512];
	struct enc_payload f;
	size_t len;

	sample_payload(&f, IKE_PL_SKF, 0);
	f.next = 0;
	f.u.sk.number = number;
	f.u.sk.total = total;
	f.u.sk.data = chunk_from(sample_fill, 48);
	len = sample_message(buf, sizeof(buf), exch, flags, &f, 1);
	save(name, buf, len);
}

int main(void)
{
	uint8_t scratch[2048], buf[4096];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[8];
	size_t len;

	save("sa_init_strongswan", sample_sa_init, sample_sa_init_len);

	sample_notify(&p[0], NOTIFY_COOKIE, 32);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE, p, 1);
	save("sa_init_cookie_response", buf, len);

	/* The retried request leads with the cookie (RFC 7296 2.6). */
	sample_notify(&p[0], NOTIFY_COOKIE, 17);
	sample_sa_ike(&p[1], &sb);
	sample_ke(&p[2], 20, 96);
	sample_nonce(&p[3], 32);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_INITIATOR, p, 4);
	save("sa_init_cookie_request", buf, len);

	sample_sa_ike(&p[0], &sb);
	sample_ke(&p[1], 14, 256);
	sample_nonce(&p[2], 32);
	sample_payload(&p[3], IKE_PL_CERTREQ, 0);
	p[3].u.cert = (struct enc_cert){ 4, chunk_from(sample_fill, 20) };
	sample_notify(&p[4], NOTIFY_NAT_DETECTION_SOURCE_IP, 20);
	sample_payload(&p[5], IKE_PL_VENDOR, 16);
	len = sample_message(buf, sizeof(buf), IKE_SA_INIT, IKE_FLAG_RESPONSE, p, 6);
	save("sa_init_response", buf, len);

	sample_id(&p[0], IKE_PL_IDI, ID_FQDN, 12);
	sample_id(&p[1], IKE_PL_IDR, ID_IPV4_ADDR, 4);
	sample_auth(&p[2]);
	sample_sa_esp(&p[3], &sb);
	sample_ts(&p[4], IKE_PL_TSI, &sb);
	sample_ts(&p[5], IKE_PL_TSR, &sb);
	sample_notify(&p[6], NOTIFY_INITIAL_CONTACT, 0);
	sample_payload(&p[7], IKE_PL_CP, 0);
	p[7].u.cp.type = CFG_REQUEST;
	sk_message("ike_auth_request", IKE_AUTH, IKE_FLAG_INITIATOR, p, 8, false);
	sk_message("ike_auth_skf", IKE_AUTH, IKE_FLAG_INITIATOR, p, 3, true);
	skf_later("ike_auth_skf_last", IKE_AUTH, IKE_FLAG_INITIATOR, 2, 2);
	skf_later("ike_auth_response_skf", IKE_AUTH, IKE_FLAG_RESPONSE, 3, 5);

	sample_notify(&p[0], NOTIFY_REKEY_SA, 0);
	p[0].u.notify.protocol = IKE_PROTO_ESP;
	p[0].u.notify.spi = chunk_from(sample_fill, 4);
	sample_sa_esp(&p[1], &sb);
	sample_nonce(&p[2], 32);
	sample_ke(&p[3], 20, 96);
	sample_ts(&p[4], IKE_PL_TSI, &sb);
	sample_ts(&p[5], IKE_PL_TSR, &sb);
	sk_message("create_child_sa", CREATE_CHILD_SA, 0, p, 6, false);

	sample_payload(&p[0], IKE_PL_DELETE, 0);
	p[0].u.del = (struct enc_delete){ IKE_PROTO_ESP, 4, 1, chunk_from(sample_fill, 4) };
	sample_payload(&p[1], IKE_PL_EAP, 8);
	sk_message("informational_delete", INFORMATIONAL, IKE_FLAG_RESPONSE, p, 1, false);
	sk_message("informational_empty", INFORMATIONAL, 0, p, 0, false);
	sk_message("ike_auth_eap", IKE_AUTH, IKE_FLAG_RESPONSE, &p[1], 1, false);
	return 0;
}
