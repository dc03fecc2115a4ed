// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike.c - IKE_SA_INIT and IKE_AUTH between two managers in memory:
 * a full handshake for each proposal family and ID type, the
 * INVALID_KE_PAYLOAD retry, and the refusals (wrong PSK, unknown ID, no
 * proposal, unacceptable selectors). Retransmission, replay, garbage and
 * NAT are in test_ike_robust.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "crypto/dh.h"
#include "ike_testenv.h"

/* Both sides installed one pair: mirrored SPIs, the same keys per direction. */
static void assert_mirrored(struct te_env *e)
{
	const struct te_install *a = &e->side[0].inst[0];
	const struct te_install *b = &e->side[1].inst[0];

	assert_int_equal(e->side[0].n_inst, 1);
	assert_int_equal(e->side[1].n_inst, 1);
	assert_int_equal(a->spi_in, b->spi_out);
	assert_int_equal(a->spi_out, b->spi_in);
	assert_true(a->spi_in >= 256 && a->spi_out >= 256);
	assert_memory_equal(&a->suite, &b->suite, sizeof(a->suite));
	assert_int_equal(a->encr_in_len, b->encr_out_len);
	assert_memory_equal(a->encr_in, b->encr_out, a->encr_in_len);
	assert_int_equal(a->encr_out_len, b->encr_in_len);
	assert_memory_equal(a->encr_out, b->encr_in, a->encr_out_len);
	assert_int_equal(a->integ_in_len, b->integ_out_len);
	assert_memory_equal(a->integ_in, b->integ_out, a->integ_in_len);
	assert_int_equal(a->integ_out_len, b->integ_in_len);
	assert_memory_equal(a->integ_out, b->integ_in, a->integ_out_len);
	/* The two directions have different keys. */
	assert_memory_not_equal(a->encr_in, a->encr_out, a->encr_in_len);
	assert_true(a->first && b->first);
}

static void assert_established(struct te_env *e)
{
	for (int i = 0; i < 2; i++) {
		struct te_count c = te_list(e, i);

		assert_int_equal(c.all, 1);
		assert_int_equal(c.established, 1);
	}
}

static void assert_empty(struct te_env *e)
{
	for (int i = 0; i < 2; i++)
		assert_int_equal(te_list(e, i).all, 0);
	assert_int_equal(e->side[0].n_inst + e->side[1].n_inst, 0);
}

static void handshake(struct te_env *e)
{
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_run(e);
}

struct family {
	uint16_t encr, bits, integ, prf, dh;
};

static const struct family ike_families[] = {
	{ ENCR_AES_GCM_16, 256, 0, PRF_HMAC_SHA2_384, DH_GROUP_ECP_384 },
	{ ENCR_AES_GCM_16, 128, 0, PRF_HMAC_SHA2_256, DH_GROUP_MODP_2048 },
	{ ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256,
	  DH_GROUP_MODP_1536 },
};

static const struct family esp_families[] = {
	{ ENCR_AES_GCM_16, 256, 0, 0, 0 },
	{ ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 0, 0 },
};

static void test_families(void **state)
{
	(void)state;
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 2; j++) {
			const struct family *f = &ike_families[i];
			const struct family *g = &esp_families[j];
			struct te_env e;

			te_setup(&e);
			for (int s = 0; s < 2; s++) {
				struct conn *c = &e.side[s].conn;

				c->n_ike = c->n_esp = 0;
				te_ike(c, f->encr, f->bits, f->integ, f->prf,
				       f->dh);
				te_esp(c, g->encr, g->bits, g->integ);
			}
			handshake(&e);
			assert_established(&e);
			assert_mirrored(&e);
			assert_int_equal(te_list(&e, 0).last.dh, f->dh);
			assert_int_equal(te_list(&e, 1).last.suite.prf, f->prf);
			assert_int_equal(e.side[0].inst[0].suite.encr, g->encr);
			assert_int_equal(e.side[0].inst[0].suite.integ, g->integ);
			assert_int_equal(e.side[0].inst[0].integ_in_len,
					 g->integ ? 20 : 0);
			/* No NAT: plain ESP. */
			assert_false(e.side[0].inst[0].encap);
			te_free(&e);
		}
}

/* The routes: the responder's are the initiator's prefix and back. */
static void test_selectors(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	handshake(&e);
	assert_int_equal(e.side[1].inst[0].n_ts, 1);
	assert_int_equal(e.side[1].inst[0].ts[0].plen, 16);
	assert_memory_equal(e.side[1].inst[0].ts[0].addr,
			    te_prefix("10.1.0.0", 16).addr, 4);
	assert_int_equal(e.side[0].inst[0].n_ts, 1);
	assert_int_equal(e.side[0].inst[0].ts[0].plen, 0);
	/* Exactly four datagrams: no retransmission, no retry. */
	assert_int_equal(e.n_log, 4);
	assert_int_equal(te_list(&e, 0).children, 1);
	te_free(&e);
}

static void test_id_types(void **state)
{
	static const struct {
		uint8_t type;
		const char *i, *r;
	} ids[] = {
		{ IKE_ID_IPV4_ADDR, "10.0.0.1", "192.0.2.1" },
		{ IKE_ID_FQDN, "cpe.example", "gw.example" },
		{ IKE_ID_RFC822_ADDR, "cpe@example.net", "gw@example.net" },
		{ IKE_ID_KEY_ID, "\x01\x02key-id", "gw-key" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct te_env e;

		te_setup(&e);
		te_id(&e.side[0].conn.local_id, ids[i].type, ids[i].i);
		te_id(&e.side[0].conn.remote_id, ids[i].type, ids[i].r);
		te_id(&e.side[1].conn.local_id, ids[i].type, ids[i].r);
		te_id(&e.side[1].conn.remote_id, ids[i].type, ids[i].i);
		handshake(&e);
		assert_established(&e);
		assert_mirrored(&e);
		te_free(&e);
	}
}

/* ecp384 first at the initiator, modp2048 only at the responder. */
static void test_invalid_ke_retry(void **state)
{
	struct te_env e;
	struct conn *c;

	(void)state;
	te_setup(&e);
	c = &e.side[0].conn;
	c->ike[0].dh[1] = DH_GROUP_MODP_2048;
	c->ike[0].n_dh = 2;
	e.side[1].conn.ike[0].dh[0] = DH_GROUP_MODP_2048;
	handshake(&e);
	assert_established(&e);
	assert_mirrored(&e);
	assert_int_equal(te_list(&e, 0).last.dh, DH_GROUP_MODP_2048);
	/* INIT, INVALID_KE, INIT again, its answer, AUTH and its answer. */
	assert_int_equal(e.n_log, 6);
	assert_int_equal(te_hdr(&e.log[2]).exchange, IKE_SA_INIT);
	assert_int_equal(te_hdr(&e.log[1]).spi_r, 0);
	te_free(&e);
}

/* A KE group the responder accepts is taken even if not its first. */
static void test_ke_group_accepted(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[1].conn.ike[0].dh[0] = DH_GROUP_MODP_2048;
	e.side[1].conn.ike[0].dh[1] = DH_GROUP_ECP_384;
	e.side[1].conn.ike[0].n_dh = 2;
	handshake(&e);
	assert_established(&e);
	assert_int_equal(te_list(&e, 1).last.dh, DH_GROUP_ECP_384);
	assert_int_equal(e.n_log, 4);
	te_free(&e);
}

/* The responder's answer carried @type, and nothing is left anywhere. */
static void assert_refused(struct te_env *e, unsigned int idx, uint16_t type,
			   bool encrypted)
{
	const struct te_pkt *p = &e->log[idx];
	struct enc_message m;

	assert_int_equal(p->from, 1);
	assert_int_equal(enc_message_parse(&m, chunk_from(p->data, p->len)), 0);
	if (!encrypted)
		assert_non_null(enc_message_notify(&m, type));
	else
		assert_true(m.sk >= 0);
	assert_empty(e);
}

static void test_wrong_psk(void **state)
{
	static const char other[] = "not-the-psk";
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[1].conn.psk = chunk_from(other, strlen(other));
	handshake(&e);
	assert_int_equal(e.n_log, 4);
	assert_refused(&e, 3, NOTIFY_AUTHENTICATION_FAILED, true);
	assert_int_equal(e.side[0].n_remove + e.side[1].n_remove, 0);
	assert_non_null(strstr(e.side[1].logs, "IKE_AUTH from 10.0.0.1 (ID "
			       "'cpe.example') refused: its AUTH is not made "
			       "with the PSK of connection conn1"));
	te_free(&e);
}

static void test_unknown_id(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	te_id(&e.side[1].conn.remote_id, IKE_ID_FQDN, "someone.else");
	handshake(&e);
	assert_int_equal(e.n_log, 4);
	assert_refused(&e, 3, NOTIFY_AUTHENTICATION_FAILED, true);
	assert_non_null(strstr(e.side[1].logs, "IKE_AUTH from 10.0.0.1 (ID "
			       "'cpe.example') refused: no connection for it"));
	te_free(&e);
}

/* The initiator names an IDr the responder does not have. */
static void test_unknown_idr(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	te_id(&e.side[1].conn.local_id, IKE_ID_FQDN, "other-gw.example");
	handshake(&e);
	assert_refused(&e, 3, NOTIFY_AUTHENTICATION_FAILED, true);
	te_free(&e);
}

static void test_no_proposal_chosen(void **state)
{
	struct te_env e;
	struct conn *c;

	(void)state;
	te_setup(&e);
	c = &e.side[1].conn;
	c->n_ike = 0;
	te_ike(c, ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128,
	       PRF_HMAC_SHA2_256, DH_GROUP_MODP_2048);
	handshake(&e);
	assert_int_equal(e.n_log, 2);
	assert_refused(&e, 1, NOTIFY_NO_PROPOSAL_CHOSEN, false);
	assert_non_null(strstr(e.side[1].logs, "IKE_SA_INIT from 10.0.0.1 "
			       "refused: none of its proposals is configured"));
	te_free(&e);
}

/* Child SA refused: the IKE SA stands, nothing goes into actun. */
static void test_child_no_proposal(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[1].conn.n_esp = 0;
	te_esp(&e.side[1].conn, ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96);
	handshake(&e);
	assert_established(&e);
	assert_int_equal(e.side[0].n_inst + e.side[1].n_inst, 0);
	te_free(&e);
}

static void test_ts_unacceptable(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[1].conn.remote_ts[0] = te_prefix("172.16.0.0", 12);
	handshake(&e);
	assert_established(&e);
	assert_int_equal(e.side[0].n_inst + e.side[1].n_inst, 0);
	assert_int_equal(te_list(&e, 0).children, 0);
	te_free(&e);
}

/* The responder narrows 10.0.0.0/8 offered to its 10.1.0.0/16. */
static void test_ts_narrowed(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[0].conn.local_ts[0] = te_prefix("10.0.0.0", 8);
	handshake(&e);
	assert_mirrored(&e);
	assert_int_equal(e.side[1].inst[0].ts[0].plen, 16);
	te_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_id_types),
		cmocka_unit_test(test_invalid_ke_retry),
		cmocka_unit_test(test_ke_group_accepted),
		cmocka_unit_test(test_wrong_psk),
		cmocka_unit_test(test_unknown_id),
		cmocka_unit_test(test_unknown_idr),
		cmocka_unit_test(test_no_proposal_chosen),
		cmocka_unit_test(test_child_no_proposal),
		cmocka_unit_test(test_ts_unacceptable),
		cmocka_unit_test(test_ts_narrowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
