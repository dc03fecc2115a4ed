// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_robust.c - what the network does to the handshake: lost
 * datagrams and retransmission (0.5 s doubling, 5 tries), replayed
 * requests answered from the stored response (only if they are the
 * request, byte for byte: no answer reflected to a forged source),
 * messages out of turn, garbled or truncated SK payloads, malformed
 * IKE_SA_INIT requests, and NAT detection moving IKE_AUTH and ESP to
 * port 4500.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike_testenv.h"

static void assert_established(struct te_env *e)
{
	for (int i = 0; i < 2; i++) {
		struct te_count c = te_list(e, i);

		assert_int_equal(c.all, 1);
		assert_int_equal(c.established, 1);
		assert_int_equal(e->side[i].n_inst, 1);
	}
	assert_int_equal(e->side[0].inst[0].spi_in, e->side[1].inst[0].spi_out);
}

static void assert_same_pkt(const struct te_pkt *a, const struct te_pkt *b)
{
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
}

static void start(struct te_env *e)
{
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
}

/* The IKE_SA_INIT response is lost: resent after 0.5 s, replayed. */
static void test_retransmit_init(void **state)
{
	struct te_env e;
	unsigned int rnd;

	(void)state;
	te_setup(&e);
	e.drop_from = 1;
	e.drop_count = 1;
	start(&e);
	assert_int_equal(ike_manager_tick(e.side[0].m, 0), 500);
	te_run(&e);
	assert_int_equal(e.n_log, 2);
	rnd = e.side[1].n_random;
	e.now = 499;
	assert_int_equal(ike_manager_tick(e.side[0].m, e.now), 500);
	assert_int_equal(e.n_log, 2);
	e.now = 500;
	assert_int_equal(ike_manager_tick(e.side[0].m, e.now), 1500);
	assert_int_equal(e.n_log, 3);
	assert_same_pkt(&e.log[0], &e.log[2]);
	te_step(&e);
	/* The stored response, no new SPI, nonce or key pair. */
	assert_same_pkt(&e.log[1], &e.log[3]);
	assert_int_equal(e.side[1].n_random, rnd);
	te_run(&e);
	assert_established(&e);
	/* Nothing more until the IKE SA's rekey: 4 h, up to a tenth early. */
	rnd = (unsigned int)(ike_manager_tick(e.side[0].m, e.now) - e.now);
	assert_true(rnd <= 4 * 3600 * 1000 && rnd >= 4 * 3600 * 900);
	te_free(&e);
}

/* The IKE_AUTH response is lost: the responder installs only once. */
static void test_retransmit_auth(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e);
	te_step(&e);
	te_step(&e);
	e.drop_from = 1;
	e.drop_count = 1;
	te_step(&e);
	assert_int_equal(e.n_log, 4);
	assert_int_equal(e.side[1].n_inst, 1);
	assert_int_equal(e.side[0].n_inst, 0);
	e.now = 500;
	ike_manager_tick(e.side[0].m, e.now);
	te_run(&e);
	assert_same_pkt(&e.log[3], &e.log[5]);
	assert_established(&e);
	te_free(&e);
}

/*
 * No answer at all: 5 retransmissions, then the SA is gone (and its
 * `initiate = yes` connection waits 4 to 5 s to try again:
 * test_ike_restart.c).
 */
static void test_retransmit_give_up(void **state)
{
	static const uint64_t at[] = { 500, 1500, 3500, 7500, 15500 };
	struct te_env e;
	uint64_t next;

	(void)state;
	te_setup(&e);
	e.drop_from = 0;
	e.drop_count = 100;
	start(&e);
	for (size_t i = 0; i < 5; i++) {
		e.now = at[i];
		assert_int_equal(ike_manager_tick(e.side[0].m, e.now),
				 at[i] + (1000u << i));
		assert_int_equal(e.n_log, i + 2);
	}
	e.now = 31499;
	ike_manager_tick(e.side[0].m, e.now);
	assert_int_equal(te_list(&e, 0).all, 1);
	e.now = 31500;
	next = ike_manager_tick(e.side[0].m, e.now);
	assert_in_range(next, 31500 + 4000, 31500 + 5000);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_int_equal(e.n_log, 6);
	te_free(&e);
}

/* A replayed IKE_AUTH gets the stored answer; an old INIT nothing. */
static void test_replayed_request(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e);
	te_run(&e);
	assert_established(&e);
	te_inject(&e, 1, e.log[2]);
	te_run(&e);
	assert_int_equal(e.n_log, 5);
	assert_same_pkt(&e.log[3], &e.log[4]);
	te_inject(&e, 1, e.log[0]);
	te_run(&e);
	assert_int_equal(e.n_log, 5);
	/* The initiator ignores the duplicate response. */
	te_inject(&e, 0, e.log[4]);
	te_run(&e);
	assert_established(&e);
	te_free(&e);
}

/* Datagrams side @side sent from log entry @from on. */
static unsigned int sent_by(const struct te_env *e, int side,
			    unsigned int from)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < e->n_log; i++)
		n += e->log[i].from == side;
	return n;
}

/*
 * A replayed request is answered only if it is that request, byte for
 * byte: its header (SPIs, message ID), which anyone on the path sees,
 * must not make the responder send its stored answer to an address the
 * sender chose (the source of a datagram may be forged).
 */
static void test_reflected_request(void **state)
{
	struct sockaddr_in victim = te_addr("203.0.113.9", 500);
	unsigned int mark;
	struct te_pkt p;
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e);
	te_run(&e);
	assert_established(&e);
	/* The same IKE_AUTH from elsewhere (a NAT moved): answered there. */
	p = e.log[2];
	p.src = victim;
	te_inject(&e, 1, p);
	te_run(&e);
	assert_int_equal(e.n_log, 5);
	assert_same_pkt(&e.log[3], &e.log[4]);
	assert_int_equal(e.log[4].dst.sin_addr.s_addr, victim.sin_addr.s_addr);
	/* The header with another body, or with none at all: nothing. */
	mark = e.n_log;
	p.data[p.len - 1] ^= 1;
	te_inject(&e, 1, p);
	p.data[p.len - 1] ^= 1;
	p.data[IKE_HEADER_LEN + 8] ^= 1;
	te_inject(&e, 1, p);
	p.len = IKE_HEADER_LEN;
	te_inject(&e, 1, p);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), 0);
	/* The real one is still answered. */
	te_inject(&e, 1, e.log[2]);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), 1);
	assert_same_pkt(&e.log[3], &e.log[e.n_log - 1]);
	assert_established(&e);
	te_free(&e);
}

/* The same for IKE_SA_INIT: another request with the same SPIi, nothing. */
static void test_reflected_init(void **state)
{
	struct te_pkt p, auth;
	unsigned int mark;
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e);
	te_step(&e);
	te_step(&e);
	auth = te_take(&e);
	mark = e.n_log;
	p = e.log[0];
	p.data[p.len - 1] ^= 1;
	te_inject(&e, 1, p);
	p.len = IKE_HEADER_LEN;
	te_inject(&e, 1, p);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), 0);
	te_inject(&e, 1, e.log[0]);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), 1);
	assert_same_pkt(&e.log[1], &e.log[e.n_log - 1]);
	te_inject(&e, 1, auth);
	te_run(&e);
	assert_established(&e);
	te_free(&e);
}

/* An IKE_AUTH message for an SA whose IKE_SA_INIT has not finished. */
static void test_auth_before_init(void **state)
{
	uint8_t buf[512];
	struct enc_buf b = enc_buf_init(buf, sizeof(buf));
	struct enc_payload sk = { .type = IKE_PL_SK, .next = IKE_PL_IDI };
	struct enc_header h;
	struct te_pkt init, fake;
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e);
	init = te_take(&e);
	h = te_hdr(&init);
	h.spi_r = 0x1234;
	h.exchange = IKE_AUTH;
	h.message_id = 1;
	sk.u.sk.data = chunk_from(init.data, 64);
	assert_int_equal(enc_message_generate(&b, &h, &sk, 1, NULL), 0);
	fake = init;
	fake.len = b.len;
	memcpy(fake.data, buf, b.len);
	te_inject(&e, 1, fake);		/* responder: no such SA */
	te_inject(&e, 0, fake);		/* initiator: not from a responder */
	te_run(&e);
	assert_int_equal(e.n_log, 1);
	assert_int_equal(te_list(&e, 1).all, 0);
	/* A response to a request we did not send (ID 1, we wait on 0). */
	fake.data[19] |= IKE_FLAG_RESPONSE;
	fake.data[19] &= (uint8_t)~IKE_FLAG_INITIATOR;
	memset(fake.data + 8, 0, 8);
	te_inject(&e, 0, fake);
	te_run(&e);
	assert_int_equal(e.n_log, 1);
	te_inject(&e, 1, init);
	te_run(&e);
	assert_established(&e);
	te_free(&e);
}

/* Patch a big-endian length field. */
static void put_len(uint8_t *p, size_t len, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(len >> (8 * (bytes - 1 - i)));
}

static void test_garbled_sk(void **state)
{
	struct te_pkt auth, bad;
	struct enc_message m;
	struct te_env e;
	size_t off;

	(void)state;
	te_setup(&e);
	start(&e);
	te_step(&e);
	te_step(&e);
	auth = te_take(&e);
	/* One bit of the ICV. */
	bad = auth;
	bad.data[bad.len - 5] ^= 1;
	te_inject(&e, 1, bad);
	/* Eight bytes short, with consistent length fields. */
	bad = auth;
	assert_int_equal(enc_message_parse(&m, chunk_from(auth.data, auth.len)),
			 0);
	off = m.payloads[m.sk].offset;
	bad.len -= 8;
	put_len(bad.data + 24, bad.len, 4);
	put_len(bad.data + off + 2, bad.len - off, 2);
	te_inject(&e, 1, bad);
	/* Cut inside the header: not even parsed. */
	bad.len = 20;
	te_inject(&e, 1, bad);
	te_run(&e);
	assert_int_equal(e.n_log, 3);
	assert_int_equal(te_list(&e, 1).established, 0);
	assert_int_equal(e.side[1].n_inst, 0);
	/* The real one still works: nothing moved. */
	te_inject(&e, 1, auth);
	te_run(&e);
	assert_established(&e);
	te_free(&e);
}

/* An IKE_SA_INIT request without SA and KE: INVALID_SYNTAX, no state. */
static void test_malformed_init(void **state)
{
	uint8_t buf[256];
	struct enc_buf b = enc_buf_init(buf, sizeof(buf));
	struct enc_payload n = { .type = IKE_PL_NONCE };
	struct enc_header h = {
		.spi_i = 42, .version = 0x20, .exchange = IKE_SA_INIT,
		.flags = IKE_FLAG_INITIATOR,
	};
	struct te_pkt p = { 0 };
	struct enc_message m;
	struct te_env e;

	(void)state;
	te_setup(&e);
	te_start(&e);
	n.u.nonce.data = chunk_from(buf + 128, 32);
	assert_int_equal(enc_message_generate(&b, &h, &n, 1, NULL), 0);
	p.src = te_addr("10.0.0.1", 500);
	p.dst = te_addr("192.0.2.1", 500);
	p.len = b.len;
	memcpy(p.data, buf, b.len);
	te_inject(&e, 1, p);
	te_run(&e);
	assert_int_equal(e.n_log, 1);
	assert_int_equal(enc_message_parse(&m, chunk_from(e.log[0].data,
							  e.log[0].len)), 0);
	assert_non_null(enc_message_notify(&m, NOTIFY_INVALID_SYNTAX));
	assert_int_equal(m.hdr.spi_r, 0);
	assert_int_equal(te_list(&e, 1).all, 0);
	te_free(&e);
}

static void test_nat(void **state)
{
	const struct te_install *a, *b;
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.nat = true;
	start(&e);
	te_run(&e);
	assert_established(&e);
	assert_false(e.log[0].natt);
	assert_true(e.log[2].natt);
	assert_int_equal(ntohs(e.log[2].src.sin_port), 4500);
	assert_int_equal(ntohs(e.log[2].dst.sin_port), 4500);
	assert_true(e.log[3].natt);
	a = &e.side[0].inst[0];
	b = &e.side[1].inst[0];
	assert_true(a->encap && b->encap);
	assert_int_equal(a->sport, 4500);
	assert_int_equal(a->dport, 4500);
	assert_int_equal(b->sport, 4500);
	assert_int_equal(b->dport, 40001);
	assert_int_equal(ntohs(te_list(&e, 1).last.remote.sin_port), 40001);
	te_free(&e);
}

/*
 * RFC 3948 2.3: the side behind the NAT keeps the mapping alive with a
 * keepalive on 4500 after each keepalive interval without a message to
 * the peer; the side outside the NAT sends none.
 */
static void test_nat_keepalive(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.nat = true;
	e.side[0].cfg.keepalive_seconds = 20;
	e.side[1].cfg.keepalive_seconds = 20;
	start(&e);
	te_run(&e);
	assert_established(&e);
	/* The IKE_AUTH request (time 0) was the last message to the peer. */
	assert_int_equal(ike_manager_tick(e.side[0].m, 19999), 20000);
	assert_int_equal(e.side[0].n_keepalive, 0);
	assert_int_equal(ike_manager_tick(e.side[0].m, 20000), 40000);
	assert_int_equal(e.side[0].n_keepalive, 1);
	assert_int_equal(ntohs(e.side[0].keepalive_src.sin_port), 4500);
	assert_string_equal(inet_ntoa(e.side[0].keepalive_dst.sin_addr),
			    "192.0.2.1");
	assert_int_equal(ntohs(e.side[0].keepalive_dst.sin_port), 4500);
	/* A request to the peer at 30 s moves the next one to 50 s. */
	e.now = 30000;
	assert_int_equal(ike_manager_child_create(e.side[0].m, e.now,
						  "conn0"), 0);
	te_run(&e);
	assert_int_equal(e.side[0].n_inst, 2);
	ike_manager_tick(e.side[0].m, 40000);
	assert_int_equal(e.side[0].n_keepalive, 1);
	ike_manager_tick(e.side[0].m, 50000);
	assert_int_equal(e.side[0].n_keepalive, 2);
	ike_manager_tick(e.side[1].m, 50000);
	assert_int_equal(e.side[1].n_keepalive, 0);
	/* A reload that turns them off: the one due is not sent either. */
	e.side[0].cfg.keepalive_seconds = 0;
	ike_manager_set_config(e.side[0].m, 60000, &e.side[0].cfg);
	ike_manager_tick(e.side[0].m, 70000);
	ike_manager_tick(e.side[0].m, 200000);
	assert_int_equal(e.side[0].n_keepalive, 2);
	te_free(&e);
}

/* Without a NAT, or with keepalive 0, no keepalive is sent nor due. */
static void test_no_keepalive(void **state)
{
	struct te_env e;

	(void)state;
	for (int nat = 0; nat < 2; nat++) {
		te_setup(&e);
		e.nat = nat;
		e.side[0].cfg.keepalive_seconds = nat ? 0 : 20;
		start(&e);
		te_run(&e);
		assert_established(&e);
		/* the next deadline is the IKE SA's rekey, hours away */
		assert_true(ike_manager_tick(e.side[0].m, 20000) > 3600000);
		ike_manager_tick(e.side[0].m, 100000);
		assert_int_equal(e.side[0].n_keepalive, 0);
		if (nat) {	/* a reload turns them on: due from then on */
			e.side[0].cfg.keepalive_seconds = 5;
			ike_manager_set_config(e.side[0].m, 100000,
					       &e.side[0].cfg);
			assert_int_equal(ike_manager_tick(e.side[0].m, 100000),
					 105000);
			ike_manager_tick(e.side[0].m, 105000);
			assert_int_equal(e.side[0].n_keepalive, 1);
		}
		te_free(&e);
	}
}

/* A responder's SA that never sees IKE_AUTH goes after 30 s. */
static void test_half_open_expiry(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	start(&e);
	te_step(&e);
	assert_int_equal(te_list(&e, 1).all, 1);
	assert_int_equal(ike_manager_tick(e.side[1].m, 1000), 30000);
	ike_manager_tick(e.side[1].m, 30000);
	assert_int_equal(te_list(&e, 1).all, 0);
	te_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retransmit_init),
		cmocka_unit_test(test_retransmit_auth),
		cmocka_unit_test(test_retransmit_give_up),
		cmocka_unit_test(test_replayed_request),
		cmocka_unit_test(test_reflected_request),
		cmocka_unit_test(test_reflected_init),
		cmocka_unit_test(test_auth_before_init),
		cmocka_unit_test(test_garbled_sk),
		cmocka_unit_test(test_malformed_init),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_nat_keepalive),
		cmocka_unit_test(test_no_keepalive),
		cmocka_unit_test(test_half_open_expiry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
