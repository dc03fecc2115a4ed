// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_negotiate.c - proposal selection and selector narrowing on
 * their own (tasks/negotiate.c): ESN handling, our order over the peer's,
 * unknown transform types, and prefix/range intersections.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike_testenv.h"
#include "tasks/negotiate.h"

static uint8_t scratch_buf[2048];

static void tf(struct enc_proposal *p, uint8_t type, uint16_t id,
	       uint16_t bits)
{
	p->transforms[p->num_transforms++] = (struct enc_transform){
		.type = type, .id = id, .key_length = bits };
}

/* An ESP proposal aes256gcm16 with the ESN transforms @esn (count @n). */
static struct enc_sa esp_sa(const uint16_t *esn, unsigned int n)
{
	static const uint8_t spi[4] = { 0, 0, 1, 0 };
	struct enc_buf b = enc_buf_init(scratch_buf, sizeof(scratch_buf));
	struct enc_proposal p = { .number = 1, .protocol = IKE_PROTO_ESP,
				  .spi = chunk_from(spi, 4) };
	struct enc_sa sa;

	tf(&p, IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256);
	for (unsigned int i = 0; i < n; i++)
		tf(&p, IKE_TRANSFORM_ESN, esn[i], 0);
	assert_int_equal(enc_sa_build(&sa, &b, &p, 1), 0);
	return sa;
}

static void test_esn(void **state)
{
	static const uint16_t yes[] = { IKE_ESN_YES };
	static const uint16_t both[] = { IKE_ESN_YES, IKE_ESN_NO };
	struct conn c = { 0 };
	struct nego_choice ch;
	struct enc_sa sa;

	(void)state;
	te_esp(&c, ENCR_AES_GCM_16, 256, 0);
	sa = esp_sa(yes, 1);
	assert_int_equal(nego_select(c.esp, 1, IKE_PROTO_ESP, &sa, 0, false,
				     &ch), -ENOENT);
	sa = esp_sa(both, 2);
	assert_int_equal(nego_select(c.esp, 1, IKE_PROTO_ESP, &sa, 0, false,
				     &ch), 0);
	assert_int_equal(ch.spi, 256);
	sa = esp_sa(NULL, 0);
	assert_int_equal(nego_select(c.esp, 1, IKE_PROTO_ESP, &sa, 0, false,
				     &ch), 0);
	/* A response must not offer a choice. */
	sa = esp_sa(both, 2);
	assert_int_equal(nego_select(c.esp, 1, IKE_PROTO_ESP, &sa, 0, true,
				     &ch), -ENOENT);
}

/* An ESP proposal aes256gcm16 with the groups @dh (count @n). */
static struct enc_sa esp_sa_dh(const uint16_t *dh, unsigned int n)
{
	static const uint8_t spi[4] = { 0, 0, 1, 0 };
	struct enc_buf b = enc_buf_init(scratch_buf, sizeof(scratch_buf));
	struct enc_proposal p = { .number = 1, .protocol = IKE_PROTO_ESP,
				  .spi = chunk_from(spi, 4) };
	struct enc_sa sa;

	tf(&p, IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256);
	for (unsigned int i = 0; i < n; i++)
		tf(&p, IKE_TRANSFORM_DH, dh[i], 0);
	tf(&p, IKE_TRANSFORM_ESN, IKE_ESN_NO, 0);
	assert_int_equal(enc_sa_build(&sa, &b, &p, 1), 0);
	return sa;
}

/*
 * CREATE_CHILD_SA: our "ecp384-modp2048-none" (the default's shape) takes
 * a rekey without PFS (no group, no KE: what strongSwan sends for a Child
 * SA made without PFS), and with PFS the peer's KE group; a proposal
 * without "none" insists on PFS; one without groups refuses a peer that
 * insists.
 */
static void test_pfs(void **state)
{
	static const uint16_t ecp384[] = { 20 };
	static const uint16_t none[] = { 0 };
	static const uint16_t modp_none[] = { 14, 0 };
	struct conn c = { 0 };
	struct nego_choice ch;
	struct enc_sa sa;

	(void)state;
	te_esp(&c, ENCR_AES_GCM_16, 256, 0);
	c.esp[0].dh[0] = 20;
	c.esp[0].dh[1] = 14;
	c.esp[0].dh[2] = 0;
	c.esp[0].n_dh = 3;
	sa = esp_sa_dh(NULL, 0);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 0, false, &ch), 0);
	assert_int_equal(ch.dh, 0);
	sa = esp_sa_dh(none, 1);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 0, false, &ch), 0);
	assert_int_equal(ch.dh, 0);
	sa = esp_sa_dh(ecp384, 1);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 20, false, &ch), 0);
	assert_int_equal(ch.dh, 20);
	/* KE of MODP-2048, NONE offered too: PFS with the peer's group. */
	sa = esp_sa_dh(modp_none, 2);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 14, false, &ch), 0);
	assert_int_equal(ch.dh, 14);
	/* A response carries exactly what was chosen. */
	sa = esp_sa_dh(NULL, 0);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 0, true, &ch), 0);
	assert_int_equal(ch.dh, 0);

	/* PFS required: no group offered is refused. */
	c.esp[0].n_dh = 2;
	sa = esp_sa_dh(NULL, 0);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 0, false, &ch),
			 -ENOENT);
	sa = esp_sa_dh(none, 1);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 0, false, &ch),
			 -ENOENT);

	/* No PFS configured: a peer insisting on a group is refused. */
	c.esp[0].n_dh = 0;
	sa = esp_sa_dh(NULL, 0);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 0, false, &ch), 0);
	assert_int_equal(ch.dh, 0);
	sa = esp_sa_dh(ecp384, 1);
	assert_int_equal(nego_select_pfs(c.esp, 1, &sa, 20, false, &ch),
			 -ENOENT);
}

/* Our first proposal wins even if the peer lists it second. */
static void test_our_order(void **state)
{
	struct enc_buf b = enc_buf_init(scratch_buf, sizeof(scratch_buf));
	struct enc_proposal p[2] = {
		{ .number = 1, .protocol = IKE_PROTO_IKE },
		{ .number = 2, .protocol = IKE_PROTO_IKE },
	};
	struct conn c = { 0 };
	struct nego_choice ch;
	struct enc_sa sa;

	(void)state;
	te_ike(&c, ENCR_AES_GCM_16, 256, 0, PRF_HMAC_SHA2_384, 20);
	te_ike(&c, ENCR_AES_GCM_16, 128, 0, PRF_HMAC_SHA2_256, 14);
	tf(&p[0], IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 128);
	tf(&p[0], IKE_TRANSFORM_PRF, PRF_HMAC_SHA2_256, 0);
	tf(&p[0], IKE_TRANSFORM_DH, 14, 0);
	tf(&p[1], IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256);
	tf(&p[1], IKE_TRANSFORM_PRF, PRF_HMAC_SHA2_384, 0);
	tf(&p[1], IKE_TRANSFORM_DH, 20, 0);
	tf(&p[1], 9, 1, 0);	/* a transform type we do not know */
	assert_int_equal(enc_sa_build(&sa, &b, p, 2), 0);
	/* Proposal 2 has an unknown type: refused, so proposal 1 it is. */
	assert_int_equal(nego_select(c.ike, 2, IKE_PROTO_IKE, &sa, 20, false,
				     &ch), 0);
	assert_int_equal(ch.number, 1);
	assert_int_equal(ch.dh, 14);
	p[1].num_transforms--;
	b = enc_buf_init(scratch_buf, sizeof(scratch_buf));
	assert_int_equal(enc_sa_build(&sa, &b, p, 2), 0);
	assert_int_equal(nego_select(c.ike, 2, IKE_PROTO_IKE, &sa, 20, false,
				     &ch), 0);
	assert_int_equal(ch.number, 2);
	assert_int_equal(ch.suite.encr_keybits, 256);
}

static struct enc_ts one_ts(const char *lo, const char *hi, uint8_t proto)
{
	static uint8_t a[2][4];
	struct enc_buf b = enc_buf_init(scratch_buf, sizeof(scratch_buf));
	struct enc_ts_sel s = { .type = TS_IPV4_ADDR_RANGE, .ip_proto = proto,
				.end_port = 0xffff,
				.start = chunk_from(a[0], 4),
				.end = chunk_from(a[1], 4) };
	struct enc_ts ts;

	assert_int_equal(inet_pton(AF_INET, lo, a[0]), 1);
	assert_int_equal(inet_pton(AF_INET, hi, a[1]), 1);
	assert_int_equal(enc_ts_build(&ts, &b, &s, 1), 0);
	return ts;
}

static void test_narrow(void **state)
{
	struct ts_prefix ours = te_prefix("10.0.0.0", 8), out[4];
	struct enc_ts ts;

	(void)state;
	/* Their range is a prefix inside ours: theirs. */
	ts = one_ts("10.1.0.0", "10.1.255.255", 0);
	assert_int_equal(nego_ts_narrow(&ours, 1, &ts, out, 4), 1);
	assert_int_equal(out[0].plen, 16);
	/* Their range covers ours: ours. */
	ts = one_ts("0.0.0.0", "255.255.255.255", 0);
	assert_int_equal(nego_ts_narrow(&ours, 1, &ts, out, 4), 1);
	assert_int_equal(out[0].plen, 8);
	/* Not a prefix, protocol-limited, or disjoint: nothing. */
	ts = one_ts("10.1.0.0", "10.1.0.2", 0);
	assert_int_equal(nego_ts_narrow(&ours, 1, &ts, out, 4), 0);
	ts = one_ts("10.1.0.0", "10.1.255.255", 6);
	assert_int_equal(nego_ts_narrow(&ours, 1, &ts, out, 4), 0);
	ts = one_ts("11.0.0.0", "11.255.255.255", 0);
	assert_int_equal(nego_ts_narrow(&ours, 1, &ts, out, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_esn),
		cmocka_unit_test(test_pfs),
		cmocka_unit_test(test_our_order),
		cmocka_unit_test(test_narrow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
