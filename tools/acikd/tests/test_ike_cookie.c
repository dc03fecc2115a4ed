// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_cookie.c - IKE_SA_INIT cookies (RFC 7296 2.6) between two
 * managers in memory: the responder's threshold (0: always), the
 * stateless COOKIE response and the initiator's retry with the cookie
 * first, invalid cookies (forged, of another secret version, of a secret
 * rotated out), the secret's rotation, the cookie together with the
 * INVALID_KE_PAYLOAD retry, and the initiator's bound on retries.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cookie.h"
#include "ike_testenv.h"
#include "tasks/tasks.h"

static void assert_up(struct te_env *e, unsigned int n)
{
	for (int i = 0; i < 2; i++) {
		struct te_count c = te_list(e, i);

		assert_int_equal(c.all, n);
		assert_int_equal(c.established, n);
		assert_int_equal(e->side[i].n_inst, n);
	}
}

static struct ike_stats stats(struct te_env *e, int side)
{
	struct ike_stats st;

	ike_manager_stats(e->side[side].m, &st);
	return st;
}

/* The parsed datagram @p (its buffer must outlive the result). */
static struct enc_message *parse(struct te_pkt *p)
{
	struct enc_message *m = malloc(sizeof(*m));

	assert_non_null(m);
	assert_int_equal(enc_message_parse(m, chunk_from(p->data, p->len)), 0);
	return m;
}

/* Is @p an IKE_SA_INIT request led by a cookie, or a COOKIE response? */
static bool has_cookie(struct te_pkt *p)
{
	struct enc_message *m = parse(p);
	bool yes = m->num_payloads && m->payloads[0].type == IKE_PL_NOTIFY &&
		   m->payloads[0].u.notify.type == NOTIFY_COOKIE &&
		   m->payloads[0].u.notify.data.len == COOKIE_LEN;

	free(m);
	return yes;
}

static void start(struct te_env *e, unsigned int threshold)
{
	e->side[1].cfg.half_open_cookie_threshold = threshold;
	te_start(e);
}

/* 0: every request needs a cookie; one round trip more, same SPIi. */
static void test_always(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e, 0);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	te_step(&e);
	/* Stateless: the responder keeps nothing. */
	assert_int_equal(te_list(&e, 1).all, 0);
	assert_int_equal(e.n_log, 2);
	assert_true(has_cookie(&e.log[1]));
	assert_int_equal(te_hdr(&e.log[1]).spi_r, 0);
	te_run(&e);
	assert_up(&e, 1);
	/* INIT, COOKIE, INIT with the cookie, its answer, AUTH twice. */
	assert_int_equal(e.n_log, 6);
	assert_true(has_cookie(&e.log[2]));
	assert_int_equal(te_hdr(&e.log[2]).spi_i, te_hdr(&e.log[0]).spi_i);
	/* The same nonce and key: only the cookie was added. */
	assert_int_equal(e.log[2].len, e.log[0].len + 4 + 4 + COOKIE_LEN);
	assert_memory_equal(e.log[2].data + e.log[2].len - (e.log[0].len - 28),
			    e.log[0].data + 28, e.log[0].len - 28);
	assert_int_equal(stats(&e, 1).cookies_sent, 1);
	assert_int_equal(stats(&e, 1).cookies_rejected, 0);
	te_free(&e);
}

/* Below the threshold no cookie; at it, the next request needs one. */
static void test_threshold(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e, 1);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	te_step(&e);
	assert_int_equal(te_list(&e, 1).all, 1);
	assert_false(has_cookie(&e.log[1]));
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	te_run(&e);
	assert_up(&e, 2);
	assert_int_equal(stats(&e, 1).cookies_sent, 1);
	te_free(&e);
}

/* The first request with a cookie, not delivered. */
static struct te_pkt cookie_request(struct te_env *e)
{
	te_step(e);	/* the request: a COOKIE comes back */
	te_step(e);	/* the COOKIE: the request again, with it */
	struct te_pkt p = te_take(e);

	assert_true(has_cookie(&p));
	return p;
}

/* Where a request's cookie data starts: header, notify header. */
#define COOKIE_AT (28 + 8)

static void test_invalid(void **state)
{
	struct te_pkt good, bad;
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e, 0);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	good = cookie_request(&e);
	/*
	 * Forged: one bit of the hash; another secret's version byte;
	 * another SPIi (the cookie is bound to it).
	 */
	for (int i = 0; i < 3; i++) {
		static const size_t at[] = { COOKIE_AT + 5, COOKIE_AT, 0 };
		struct te_pkt resp;

		bad = good;
		bad.data[at[i]] ^= 0x80;
		te_inject(&e, 1, bad);
		te_step(&e);
		resp = te_take(&e);
		/* A fresh cookie, nothing kept. */
		assert_true(has_cookie(&resp));
		assert_int_equal(te_list(&e, 1).all, 0);
	}
	assert_int_equal(stats(&e, 1).cookies_rejected, 3);
	te_inject(&e, 1, good);
	te_run(&e);
	assert_up(&e, 1);
	assert_int_equal(stats(&e, 1).cookies_rejected, 3);
	te_free(&e);
}

/*
 * A cookie outlives one rotation of the secret, not two: A's cookie
 * comes back after one, B's after two.
 */
static void test_rotation(void **state)
{
	struct te_pkt a, b;
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e, 0);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	a = cookie_request(&e);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	b = cookie_request(&e);
	e.now = COOKIE_ROTATE_MS + 1;
	te_inject(&e, 1, a);
	te_step(&e);
	assert_int_equal(te_list(&e, 1).all, 1);
	assert_false(has_cookie(&e.log[e.n_log - 1]));
	te_take(&e);	/* A's answer stays undelivered */
	e.now = 2 * COOKIE_ROTATE_MS + 2;
	te_inject(&e, 1, b);
	te_step(&e);
	assert_int_equal(te_list(&e, 1).all, 1);
	assert_true(has_cookie(&e.log[e.n_log - 1]));
	assert_int_equal(stats(&e, 1).cookies_rejected, 1);
	te_free(&e);
}

/*
 * COOKIE, then INVALID_KE_PAYLOAD: the retry with the other group keeps
 * the cookie first and the nonce, so the cookie still holds (2.6, 2.7).
 */
static void test_cookie_and_invalid_ke(void **state)
{
	struct te_env e;
	struct conn *c;

	(void)state;
	te_setup(&e);
	c = &e.side[0].conn;
	c->ike[0].dh[1] = DH_GROUP_MODP_2048;
	c->ike[0].n_dh = 2;
	e.side[1].conn.ike[0].dh[0] = DH_GROUP_MODP_2048;
	start(&e, 0);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	te_run(&e);
	assert_up(&e, 1);
	assert_int_equal(te_list(&e, 0).last.dh, DH_GROUP_MODP_2048);
	/* INIT, COOKIE, INIT+cookie, INVALID_KE, INIT+cookie, answer, AUTH x2 */
	assert_int_equal(e.n_log, 8);
	assert_true(has_cookie(&e.log[2]));
	assert_true(has_cookie(&e.log[4]));
	assert_memory_equal(e.log[2].data + COOKIE_AT,
			    e.log[4].data + COOKIE_AT, COOKIE_LEN);
	assert_int_equal(stats(&e, 1).cookies_sent, 1);
	assert_int_equal(stats(&e, 1).cookies_rejected, 0);
	te_free(&e);
}

/* Anyone can send a COOKIE response: the initiator follows a few. */
static void test_initiator_bound(void **state)
{
	uint8_t cookie[COOKIE_LEN] = { 7 };
	struct te_pkt req, resp;
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e, 100);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	for (int i = 0; i <= COOKIE_MAX_TRIES; i++) {
		uint8_t buf[256];
		struct enc_buf b = enc_buf_init(buf, sizeof(buf));
		struct enc_header h;

		req = te_take(&e);
		if (i) {
			/* a COOKIE counts once our cookie request went twice */
			e.now += IKE_RETX_FIRST_MS;
			ike_manager_tick(e.side[0].m, e.now);
			req = te_take(&e);
		}
		h = te_hdr(&req);
		assert_int_equal(ike_init_error(&h, NOTIFY_COOKIE,
						chunk_from(cookie, COOKIE_LEN),
						&b), 0);
		resp = req;
		resp.len = b.len;
		memcpy(resp.data, buf, b.len);
		resp.src = req.dst;
		resp.dst = req.src;
		te_inject(&e, 0, resp);
		te_step(&e);
		assert_int_equal(te_list(&e, 0).all, i < COOKIE_MAX_TRIES);
		if (i < COOKIE_MAX_TRIES)
			assert_true(has_cookie(&e.log[e.n_log - 1]));
	}
	te_free(&e);
}

/* A refusal of @req (a copy of a request the initiator sent) with @type. */
static struct te_pkt refusal(struct te_pkt req, uint16_t type, struct chunk d)
{
	uint8_t buf[256];
	struct enc_buf b = enc_buf_init(buf, sizeof(buf));
	struct enc_header h = te_hdr(&req);
	struct te_pkt resp = req;

	assert_int_equal(ike_init_error(&h, type, d, &b), 0);
	resp.len = b.len;
	memcpy(resp.data, buf, b.len);
	resp.src = req.dst;
	resp.dst = req.src;
	return resp;
}

/*
 * Late answers to older versions of the request (the first one and its
 * retransmission each drew a COOKIE; a KE refusal came twice) are not
 * followed: a second corrected request would let the responder set up
 * two SAs, one of which IKE_AUTH could not authenticate to.
 */
static void test_stale_answers(void **state)
{
	uint8_t c1[COOKIE_LEN] = { 1 }, c2[COOKIE_LEN] = { 2 };
	uint8_t want[2] = { DH_GROUP_MODP_2048 >> 8, DH_GROUP_MODP_2048 & 0xff };
	struct te_pkt first, again, req;
	struct te_env e;

	(void)state;
	te_setup(&e);
	for (int i = 0; i < 2; i++)	/* ECP-384 first, MODP-2048 too */
		e.side[i].conn.ike[0].dh[e.side[i].conn.ike[0].n_dh++] =
			DH_GROUP_MODP_2048;
	start(&e, 100);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	first = te_take(&e);
	e.now += IKE_RETX_FIRST_MS;
	ike_manager_tick(e.side[0].m, e.now);
	again = te_take(&e);	/* the retransmission */

	/* both versions are refused with the group we do not use yet */
	te_inject(&e, 0, refusal(first, NOTIFY_INVALID_KE_PAYLOAD,
				 chunk_from(want, 2)));
	te_step(&e);
	req = te_take(&e);	/* the request with MODP-2048 */
	te_inject(&e, 0, refusal(again, NOTIFY_INVALID_KE_PAYLOAD,
				 chunk_from(want, 2)));
	te_step(&e);
	assert_true(e.head == e.tail);	/* nothing sent for the late one */
	assert_int_equal(te_list(&e, 0).all, 1);

	/* the same with cookies: the first is followed, the late one not */
	te_inject(&e, 0, refusal(req, NOTIFY_COOKIE, chunk_from(c1, COOKIE_LEN)));
	te_step(&e);
	req = te_take(&e);
	assert_true(has_cookie(&req));
	te_inject(&e, 0, refusal(again, NOTIFY_COOKIE,
				 chunk_from(c2, COOKIE_LEN)));
	te_step(&e);
	assert_true(e.head == e.tail);
	assert_int_equal(te_list(&e, 0).all, 1);

	/* the cookie request goes on with the first cookie and completes */
	te_inject(&e, 1, req);
	te_run(&e);
	assert_up(&e, 1);
	te_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_always),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_cookie_and_invalid_ke),
		cmocka_unit_test(test_initiator_bound),
		cmocka_unit_test(test_stale_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
