// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_info.c - the INFORMATIONAL exchange (tasks/informational.c):
 * DELETE of Child SA pairs and of the IKE SA, liveness checks, and the
 * DPD policy of the manager.
 *
 * The first tests drive the task on two hand-made established SAs that
 * share keys (no manager, no windows): several pairs per SA, malformed
 * Delete payloads that the parser would already refuse, crossed DELETEs.
 * The others run two managers in memory (ike_testenv.h) on a virtual
 * clock: jobs, retransmissions, DPD and forged or replayed messages.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ike_sa.h"
#include "ike_testenv.h"
#include "tasks/tasks.h"

/* Two established SAs, side 0 the initiator, with pairs mirrored. */
struct wb {
	struct te_env e;
	struct ike_sa *sa[2];
	struct ike_ctx ctx[2];
};

#define WB_SPI0(k)	(0x10000u + (k))	/* side 0's inbound SPIs */
#define WB_SPI1(k)	(0x20000u + (k))	/* side 1's inbound SPIs */

static void wb_pair(struct wb *w, unsigned int k)
{
	struct ike_child *ch;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(ike_sa_child_add(w->sa[i], &ch), 0);
		ch->spi_in = i ? WB_SPI1(k) : WB_SPI0(k);
		ch->spi_out = i ? WB_SPI0(k) : WB_SPI1(k);
		ch->remote_ts[0] = te_prefix(i ? "10.1.0.0" : "0.0.0.0",
					     i ? 16 : 0);
		ch->n_remote_ts = 1;
	}
}

static void wb_setup(struct wb *w, unsigned int pairs)
{
	uint8_t ke[2][36];

	te_setup(&w->e);
	assert_int_equal(RAND_bytes(&ke[0][0], sizeof(ke)), 1);
	for (int i = 0; i < 2; i++) {
		struct te_side *s = &w->e.side[i];
		struct sockaddr_in l = te_addr(i ? "192.0.2.1" : "10.0.0.1", 500);
		struct sockaddr_in r = te_addr(i ? "10.0.0.1" : "192.0.2.1", 500);
		struct ike_sa *sa = ike_sa_new(!i, &s->conn, &l, &r, 0);

		assert_non_null(sa);
		sa->spi_i = 0x0102030405060708ULL;
		sa->spi_r = 0x1112131415161718ULL;
		sa->suite = (struct crypto_suite){ ENCR_AES_GCM_16, 256, 0,
						   PRF_HMAC_SHA2_384 };
		assert_int_equal(chunk_dup(&sa->keys.sk_ei, ke[0], 36), 0);
		assert_int_equal(chunk_dup(&sa->keys.sk_er, ke[1], 36), 0);
		sa->state = IKE_SA_STATE_ESTABLISHED;
		sa->next_req_id = sa->expect_req_id = 2;
		w->sa[i] = sa;
		w->ctx[i] = (struct ike_ctx){ .cfg = &s->cfg, .ops = &te_ops,
					      .arg = s };
	}
	for (unsigned int k = 0; k < pairs; k++)
		wb_pair(w, k);
}

static void wb_free(struct wb *w)
{
	ike_sa_free(w->sa[0]);
	ike_sa_free(w->sa[1]);
}

/* Parse and decrypt @data as side @to; @plain must be cleared after. */
static int wb_open(struct wb *w, int to, struct chunk data,
		   struct enc_message *m, struct chunk *plain)
{
	assert_int_equal(enc_message_parse(m, data), 0);
	return ike_sa_decrypt(w->sa[to], m, plain);
}

/* The next queued request answered by side @to into @out; its result. */
static int wb_answer(struct wb *w, int to, struct enc_buf *out)
{
	struct te_pkt p = te_take(&w->e);
	struct enc_message *m = malloc(sizeof(*m));
	struct chunk plain;
	int ret;

	assert_non_null(m);
	assert_int_equal(p.from, !to);
	assert_int_equal(wb_open(w, to, chunk_from(p.data, p.len), m, &plain),
			 0);
	assert_int_equal(m->hdr.exchange, INFORMATIONAL);
	assert_false(m->hdr.flags & IKE_FLAG_RESPONSE);
	ret = info_respond(w->sa[to], &w->ctx[to], m, out);
	chunk_clear(&plain);
	free(m);
	return ret;
}

/*
 * Side @to processes response @resp to its request. @spis receives the
 * ESP SPIs of the response's Delete payload (at most 8); returns the
 * count, and info_process()'s result in @ret.
 */
static unsigned int wb_process(struct wb *w, int to, struct enc_buf *resp,
			       uint32_t *spis, int *ret)
{
	struct enc_message *m = malloc(sizeof(*m));
	const struct enc_payload *d;
	struct chunk plain;
	unsigned int n = 0;

	assert_non_null(m);
	assert_int_equal(wb_open(w, to, enc_buf_chunk(resp), m, &plain), 0);
	assert_true(m->hdr.flags & IKE_FLAG_RESPONSE);
	d = enc_message_find(m, IKE_PL_DELETE, NULL);
	if (d) {
		assert_int_equal(d->u.del.protocol, IKE_PROTO_ESP);
		assert_true(d->u.del.num_spis <= 8);
		for (n = 0; n < d->u.del.num_spis; n++) {
			const uint8_t *q = d->u.del.spis.ptr + 4 * n;

			spis[n] = (uint32_t)q[0] << 24 | q[1] << 16 |
				  q[2] << 8 | q[3];
		}
		assert_null(enc_message_find(m, IKE_PL_DELETE, d));
	}
	*ret = info_process(w->sa[to], &w->ctx[to], m);
	chunk_clear(&plain);
	free(m);
	return n;
}

static void assert_removal(const struct te_side *s, unsigned int i,
			   uint32_t in, uint32_t out, bool last)
{
	assert_true(i < s->n_remove);
	assert_int_equal(s->rem[i].spi_in, in);
	assert_int_equal(s->rem[i].spi_out, out);
	assert_int_equal(s->rem[i].last, last);
	assert_int_equal(s->rem[i].n_ts, 1);
}

/* (a) Two pairs: deleting one keeps the routes, the last takes them. */
static void test_delete_child_pairs(void **state)
{
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	uint32_t spis[8];
	struct wb w;
	int ret;

	(void)state;
	wb_setup(&w, 2);
	assert_int_equal(info_delete_child_start(w.sa[0], &w.ctx[0],
						 WB_SPI0(1)), 0);
	/* Kept until the answer: the peer may still send on it (1.4.1). */
	assert_int_equal(w.e.side[0].n_remove, 0);
	assert_true(w.sa[0]->out_pending);
	/* Asked twice while the first is outstanding: nothing more sent. */
	assert_int_equal(info_delete_child_start(w.sa[0], &w.ctx[0],
						 WB_SPI0(1)), 0);
	assert_int_equal(w.e.tail - w.e.head, 1);
	assert_int_equal(wb_answer(&w, 1, &out), 0);
	assert_int_equal(w.e.side[1].n_remove, 1);
	assert_removal(&w.e.side[1], 0, WB_SPI1(1), WB_SPI0(1), false);
	/* The response names the responder's inbound SPI of the pair. */
	assert_int_equal(wb_process(&w, 0, &out, spis, &ret), 1);
	assert_int_equal(spis[0], WB_SPI1(1));
	assert_int_equal(ret, 0);
	info_delete_child_done(w.sa[0], &w.ctx[0], WB_SPI0(1));
	/* Now it goes, routes kept. */
	assert_int_equal(w.e.side[0].n_remove, 1);
	assert_removal(&w.e.side[0], 0, WB_SPI0(1), WB_SPI1(1), false);

	/* The last pair: routes go on both sides. */
	ike_sa_request_done(w.sa[0]);
	assert_int_equal(info_delete_child_start(w.sa[0], &w.ctx[0],
						 WB_SPI0(0)), 0);
	assert_int_equal(wb_answer(&w, 1, &out), 0);
	assert_removal(&w.e.side[1], 1, WB_SPI1(0), WB_SPI0(0), true);
	info_delete_child_done(w.sa[0], &w.ctx[0], WB_SPI0(0));
	assert_removal(&w.e.side[0], 1, WB_SPI0(0), WB_SPI1(0), true);
	assert_int_equal(w.sa[0]->n_children + w.sa[1]->n_children, 0);
	wb_free(&w);
}

/* Side 0 sends an INFORMATIONAL request with payloads @p. */
static void wb_request(struct wb *w, const struct enc_payload *p, size_t n)
{
	uint8_t msg[IKE_MSG_MAX];
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));

	assert_int_equal(ike_sa_build(w->sa[0], INFORMATIONAL, false,
				      w->sa[0]->next_req_id, p, n, true, &mb),
			 0);
	assert_int_equal(ike_sa_send_request(w->sa[0], &w->ctx[0],
					     INFORMATIONAL, enc_buf_chunk(&mb)),
			 0);
}

static struct enc_payload esp_delete(const uint8_t *spis, uint16_t n)
{
	struct enc_payload d = { .type = IKE_PL_DELETE };

	d.u.del = (struct enc_delete){ .protocol = IKE_PROTO_ESP,
				       .spi_size = 4, .num_spis = n,
				       .spis = chunk_from(spis, 4u * n) };
	return d;
}

/* (c) SPIs nobody has (and AH): an empty answer, nothing removed. */
static void test_delete_unknown_spi(void **state)
{
	/* 0x20000: the responder's own inbound SPI, not the peer's. */
	static const uint8_t unknown[] = { 0, 0, 0xde, 0xad, 0, 2, 0, 0 };
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	struct enc_payload p[2];
	uint32_t spis[8];
	struct wb w;
	int ret;

	(void)state;
	wb_setup(&w, 1);
	p[0] = esp_delete(unknown, 2);
	/* The pair's SPI in an AH Delete: not an ESP pair of ours. */
	p[1] = esp_delete((const uint8_t[]){ 0, 1, 0, 0 }, 1);
	p[1].u.del.protocol = IKE_PROTO_AH;
	wb_request(&w, p, 2);
	assert_int_equal(wb_answer(&w, 1, &out), 0);
	assert_int_equal(w.e.side[1].n_remove, 0);
	assert_int_equal(w.sa[1]->n_children, 1);
	assert_int_equal(wb_process(&w, 0, &out, spis, &ret), 0);
	assert_int_equal(ret, 0);
	wb_free(&w);
}

/* One payload of a request as the parser would have handed it over. */
static int respond_raw(struct wb *w, const struct enc_payload *p, size_t n,
		       struct enc_buf *out)
{
	struct enc_message *m = calloc(1, sizeof(*m));
	int ret;

	assert_non_null(m);
	m->hdr = (struct enc_header){ .spi_i = w->sa[1]->spi_i,
				      .spi_r = w->sa[1]->spi_r,
				      .exchange = INFORMATIONAL,
				      .flags = IKE_FLAG_INITIATOR,
				      .message_id = 2 };
	memcpy(m->payloads, p, n * sizeof(*p));
	m->num_payloads = n;
	m->sk = -1;
	m->complete = true;
	out->len = 0;
	ret = info_respond(w->sa[1], &w->ctx[1], m, out);
	free(m);
	return ret;
}

/* The response in @out carries exactly INVALID_SYNTAX. */
static void assert_invalid_syntax(struct wb *w, struct enc_buf *out)
{
	struct enc_message *m = malloc(sizeof(*m));
	struct chunk plain;

	assert_non_null(m);
	assert_int_equal(wb_open(w, 0, enc_buf_chunk(out), m, &plain), 0);
	assert_non_null(enc_message_notify(m, NOTIFY_INVALID_SYNTAX));
	assert_null(enc_message_find(m, IKE_PL_DELETE, NULL));
	chunk_clear(&plain);
	free(m);
}

/*
 * Malformed Delete payloads: the parser refuses them inside SK, and the
 * task refuses them again if they ever reach it, answering INVALID_SYNTAX
 * and removing nothing, not even the valid pair named beside them.
 */
static void test_delete_malformed(void **state)
{
	static const uint8_t good[] = { 0, 2, 0, 0 };	/* side 1's pair 0 */
	static const uint8_t two[] = { 0, 2, 0, 0, 0, 2, 0, 1 };
	struct {
		uint8_t protocol, spi_size;
		uint16_t num;
		size_t len;
	} bad[] = {
		{ 0, 4, 1, 4 },			/* no protocol */
		{ 4, 4, 1, 4 },			/* unknown protocol */
		{ IKE_PROTO_ESP, 8, 1, 8 },	/* SPI size */
		{ IKE_PROTO_ESP, 0, 1, 0 },
		{ IKE_PROTO_ESP, 4, 2, 4 },	/* count beyond the data */
		{ IKE_PROTO_ESP, 4, 1, 8 },	/* data beyond the count */
		{ IKE_PROTO_ESP, 4, 0, 0 },	/* nothing to delete */
		{ IKE_PROTO_IKE, 4, 1, 4 },	/* IKE with an SPI */
		{ IKE_PROTO_IKE, 0, 1, 0 },
	};
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	struct wb w;

	(void)state;
	wb_setup(&w, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct enc_payload p[2] = { esp_delete(good, 1),
					    esp_delete(two, 0) };
		struct enc_message *m = malloc(sizeof(*m));
		struct te_pkt pkt;
		struct chunk plain;

		assert_non_null(m);
		p[1].u.del.protocol = bad[i].protocol;
		p[1].u.del.spi_size = bad[i].spi_size;
		p[1].u.del.num_spis = bad[i].num;
		p[1].u.del.spis = chunk_from(two, bad[i].len);
		/* On the wire: the SK payload decrypts, its content fails. */
		wb_request(&w, p, 2);
		pkt = te_take(&w.e);
		assert_int_equal(wb_open(&w, 1, chunk_from(pkt.data, pkt.len),
					 m, &plain), -ENC_E_VALUE);
		assert_int_equal(enc_error_notify(-ENC_E_VALUE),
				 NOTIFY_INVALID_SYNTAX);
		free(m);
		ike_sa_request_done(w.sa[0]);
		/* Handed to the task directly. */
		assert_int_equal(respond_raw(&w, p, 2, &out), -ENC_E_VALUE);
		assert_invalid_syntax(&w, &out);
		assert_int_equal(w.e.side[1].n_remove, 0);
		assert_int_equal(w.sa[1]->n_children, 1);
	}
	wb_free(&w);
}

/* An empty request, and one with notifies (errors too): empty answers. */
static void test_liveness_and_notifies(void **state)
{
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	struct enc_payload n[2] = { { .type = IKE_PL_NOTIFY },
				    { .type = IKE_PL_NOTIFY } };
	uint32_t spis[8];
	struct wb w;
	int ret;

	(void)state;
	wb_setup(&w, 1);
	assert_int_equal(info_dpd_start(w.sa[0], &w.ctx[0]), 0);
	assert_int_equal(wb_answer(&w, 1, &out), 0);
	assert_int_equal(wb_process(&w, 0, &out, spis, &ret), 0);
	assert_int_equal(ret, 0);
	ike_sa_request_done(w.sa[0]);

	n[0].u.notify.type = NOTIFY_INVALID_SPI;
	n[1].u.notify.type = 40000;	/* unknown status */
	wb_request(&w, n, 2);
	assert_int_equal(wb_answer(&w, 1, &out), 0);
	assert_int_equal(wb_process(&w, 0, &out, spis, &ret), 0);
	assert_int_equal(w.e.side[0].n_remove + w.e.side[1].n_remove, 0);
	assert_int_equal(w.sa[1]->state, IKE_SA_STATE_ESTABLISHED);

	/* Not established: no answer at all (as before this task). */
	w.sa[1]->state = IKE_SA_STATE_AUTH;
	assert_int_equal(info_dpd_start(w.sa[0], &w.ctx[0]), 0);
	out.len = 0;
	assert_int_equal(wb_answer(&w, 1, &out), -EPROTO);
	assert_int_equal(out.len, 0);
	w.sa[1]->state = IKE_SA_STATE_ESTABLISHED;
	wb_free(&w);
}

/* The IKE SA's DELETE: an empty answer and the code to delete, both ends. */
static void test_delete_ike_task(void **state)
{
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	uint32_t spis[8];
	struct wb w;
	int ret;

	(void)state;
	wb_setup(&w, 2);
	assert_int_equal(info_delete_ike_start(w.sa[0], &w.ctx[0]), 0);
	assert_int_equal(w.sa[0]->state, IKE_SA_STATE_DELETING);
	/* The fixed schedule: a dying SA does not wait for dpd_timeout. */
	assert_int_equal(w.sa[0]->retx_until_ms, 0);
	assert_int_equal(wb_answer(&w, 1, &out), INFO_DELETE_IKE);
	/* The pairs go with the SA, in the manager, after the answer. */
	assert_int_equal(w.e.side[1].n_remove, 0);
	assert_int_equal(wb_process(&w, 0, &out, spis, &ret), 0);
	assert_int_equal(ret, INFO_DELETE_IKE);
	wb_free(&w);
}

/*
 * Crossed DELETEs of one pair (1.4.1): each side removed it before its
 * request left, so each answers the other without a Delete payload and
 * nothing is removed twice.
 */
static void test_delete_crossed(void **state)
{
	uint8_t buf[2][IKE_MSG_MAX];
	struct enc_buf out0 = enc_buf_init(buf[0], sizeof(buf[0]));
	struct enc_buf out1 = enc_buf_init(buf[1], sizeof(buf[1]));
	uint32_t spis[8];
	struct wb w;
	int ret;

	(void)state;
	wb_setup(&w, 1);
	assert_int_equal(info_delete_child_start(w.sa[0], &w.ctx[0],
						 WB_SPI0(0)), 0);
	assert_int_equal(info_delete_child_start(w.sa[1], &w.ctx[1],
						 WB_SPI1(0)), 0);
	/* Unknown now: nothing sent, not an error. */
	assert_int_equal(info_delete_child_start(w.sa[1], &w.ctx[1],
						 WB_SPI1(0)), 0);
	assert_int_equal(w.e.tail - w.e.head, 2);
	assert_int_equal(wb_answer(&w, 1, &out1), 0);
	assert_int_equal(wb_answer(&w, 0, &out0), 0);
	assert_int_equal(wb_process(&w, 0, &out1, spis, &ret), 0);
	assert_int_equal(wb_process(&w, 1, &out0, spis, &ret), 0);
	assert_int_equal(w.e.side[0].n_remove, 1);
	assert_int_equal(w.e.side[1].n_remove, 1);
	assert_true(w.e.side[0].rem[0].last && w.e.side[1].rem[0].last);
	wb_free(&w);
}

/*
 * The retransmission schedule on an established SA follows dpd_timeout:
 * a liveness check sent after dpd_delay of silence is retransmitted (at
 * most 16 s apart) until the peer has been silent for dpd_timeout.
 */
static void test_retransmit_until_dpd_timeout(void **state)
{
	uint64_t t, prev;
	unsigned int sent = 0;
	struct wb w;
	int err = 0;

	(void)state;
	wb_setup(&w, 1);
	w.e.side[0].conn.dpd_seconds = 30;
	w.e.side[0].conn.dpd_timeout_seconds = 150;
	w.sa[0]->last_heard_ms = 1000;
	w.ctx[0].now_ms = 31000;
	assert_int_equal(info_dpd_start(w.sa[0], &w.ctx[0]), 0);
	assert_int_equal(w.sa[0]->retx_until_ms, 151000);
	prev = 31000;
	for (t = 31000; t <= 160000 && !err; t += 100) {
		unsigned int before = w.e.n_log;

		w.ctx[0].now_ms = t;
		err = ike_sa_retransmit(w.sa[0], &w.ctx[0]);
		if (w.e.n_log != before) {
			assert_true(t - prev <= IKE_RETX_MAX_MS);
			prev = t;
			sent++;
		}
	}
	assert_int_equal(err, -ETIMEDOUT);
	assert_int_equal(t - 100, 151000);
	/* 0.5 1 2 4 8 16 s, then every 16 s up to 151 s: 11 resends. */
	assert_int_equal(sent, 11);

	/* A request long after the last word (DPD off): its own window. */
	ike_sa_request_done(w.sa[0]);
	w.e.side[0].conn.dpd_seconds = 0;
	w.ctx[0].now_ms = 1000000;
	assert_int_equal(info_dpd_start(w.sa[0], &w.ctx[0]), 0);
	assert_int_equal(w.sa[0]->retx_until_ms, 1150000);
	wb_free(&w);
}

/* Two managers with dpd_delay 30 s, dpd_timeout 150 s, established. */
static void mgr_setup(struct te_env *e, unsigned int pairs)
{
	te_setup(e);
	for (int i = 0; i < 2; i++) {
		e->side[i].conn.dpd_seconds = 30;
		e->side[i].conn.dpd_timeout_seconds = 150;
	}
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"),
			 0);
	te_run(e);
	for (unsigned int k = 1; k < pairs; k++) {
		assert_int_equal(ike_manager_child_create(e->side[0].m, e->now,
							  "conn0"), 0);
		te_run(e);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(te_list(e, i).established, 1);
		assert_int_equal(te_list(e, i).children, pairs);
	}
}

/* Tick both sides (or only side 0) at @now and deliver what they send. */
static void mgr_tick(struct te_env *e, uint64_t now, bool both)
{
	e->now = now;
	ike_manager_tick(e->side[0].m, now);
	if (both)
		ike_manager_tick(e->side[1].m, now);
	te_run(e);
}

/* Logged datagrams of side @from: requests or responses of @exchange. */
static unsigned int mgr_count(const struct te_env *e, unsigned int from_idx,
			      int from, uint8_t exchange, bool response)
{
	unsigned int n = 0;

	for (unsigned int i = from_idx; i < e->n_log; i++) {
		struct enc_header h = te_hdr(&e->log[i]);

		n += e->log[i].from == from && h.exchange == exchange &&
		     !!(h.flags & IKE_FLAG_RESPONSE) == response;
	}
	return n;
}

/* (a) A hard expiry makes side 0 DELETE one pair; the peer follows. */
static void test_mgr_delete_child(void **state)
{
	struct te_env e;
	uint32_t a, b;

	(void)state;
	mgr_setup(&e, 2);
	a = e.side[0].inst[1].spi_in;
	b = e.side[0].inst[1].spi_out;
	ike_manager_child_expired(e.side[0].m, e.now, NULL, a, true);
	te_run(&e);
	assert_int_equal(e.side[0].n_remove, 1);
	assert_removal(&e.side[0], 0, a, b, false);
	assert_int_equal(e.side[1].n_remove, 1);
	assert_removal(&e.side[1], 0, b, a, false);
	assert_int_equal(mgr_count(&e, 0, 1, INFORMATIONAL, true), 1);
	for (int i = 0; i < 2; i++)
		assert_int_equal(te_list(&e, i).children, 1);

	/* The last pair: the routes go too; the IKE SA stays. */
	a = e.side[0].inst[0].spi_in;
	ike_manager_child_expired(e.side[0].m, e.now, NULL, a, true);
	te_run(&e);
	assert_removal(&e.side[0], 1, a, e.side[0].inst[0].spi_out, true);
	assert_removal(&e.side[1], 1, e.side[0].inst[0].spi_out, a, true);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(te_list(&e, i).established, 1);
		assert_int_equal(te_list(&e, i).children, 0);
	}
	te_free(&e);
}

/* (b) The customer deletes the IKE SA: every pair and route goes. */
static void test_mgr_delete_ike(void **state)
{
	struct te_env e;

	(void)state;
	mgr_setup(&e, 2);
	assert_int_equal(ike_manager_delete(e.side[0].m, e.now, "conn0"), 0);
	assert_string_equal(te_list(&e, 0).last.state, "deleting");
	te_run(&e);
	for (int i = 0; i < 2; i++) {
		struct te_side *s = &e.side[i];

		assert_int_equal(te_list(&e, i).all, 0);
		assert_int_equal(s->n_remove, 2);
		assert_false(s->rem[0].last);
		assert_true(s->rem[1].last);
	}
	/* Request and its (empty) answer, nothing else. */
	assert_int_equal(mgr_count(&e, 0, 0, INFORMATIONAL, false), 1);
	assert_int_equal(mgr_count(&e, 0, 1, INFORMATIONAL, true), 1);
	assert_int_equal(ike_manager_delete(e.side[1].m, e.now, "conn1"),
			 -ENOENT);
	te_free(&e);
}

/* (c) Both ends delete the same pair at once: removed once each. */
static void test_mgr_delete_crossed(void **state)
{
	struct te_env e;

	(void)state;
	mgr_setup(&e, 1);
	ike_manager_child_expired(e.side[0].m, e.now, NULL,
				  e.side[0].inst[0].spi_in, true);
	ike_manager_child_expired(e.side[1].m, e.now, NULL,
				  e.side[1].inst[0].spi_in, true);
	te_run(&e);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(e.side[i].n_remove, 1);
		assert_int_equal(te_list(&e, i).established, 1);
		assert_int_equal(mgr_count(&e, 0, i, INFORMATIONAL, true), 1);
	}
	te_free(&e);
}

/* (d) After dpd_delay of silence each side checks; both stay. */
static void test_mgr_dpd(void **state)
{
	unsigned int mark;
	struct te_env e;

	(void)state;
	mgr_setup(&e, 1);
	mark = e.n_log;
	assert_int_equal(ike_manager_tick(e.side[0].m, 1000), 30000);
	mgr_tick(&e, 29999, true);
	assert_int_equal(e.n_log, mark);
	mgr_tick(&e, 30000, true);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mgr_count(&e, mark, i, INFORMATIONAL, false),
				 1);
		assert_int_equal(mgr_count(&e, mark, i, INFORMATIONAL, true),
				 1);
		assert_int_equal(te_list(&e, i).established, 1);
	}
	/* Heard at 30 s: the next check is due at 60 s, not before. */
	assert_int_equal(ike_manager_tick(e.side[0].m, 30000), 60000);
	mark = e.n_log;
	mgr_tick(&e, 59000, true);
	assert_int_equal(e.n_log, mark);
	/* A check of the peer's counts as hearing from it. */
	mgr_tick(&e, 70000, false);
	assert_int_equal(mgr_count(&e, mark, 0, INFORMATIONAL, false), 1);
	assert_int_equal(ike_manager_tick(e.side[1].m, 70000), 100000);
	assert_int_equal(e.side[0].n_remove + e.side[1].n_remove, 0);
	te_free(&e);
}

/*
 * (e) The peer disappears: side 0's check goes unanswered, is
 * retransmitted, and at dpd_timeout after the last word the SA and its
 * pairs and routes are gone. The tick's deadlines lead there.
 */
static void test_mgr_dpd_timeout(void **state)
{
	uint64_t now = 0, next;
	unsigned int wakeups = 0;
	struct te_env e;

	(void)state;
	mgr_setup(&e, 2);
	e.mute[1] = true;
	while ((next = ike_manager_tick(e.side[0].m, now)) &&
	       te_list(&e, 0).all) {
		assert_true(next > now);
		now = next;
		e.now = now;
		if (now < 150000)
			assert_int_equal(te_list(&e, 0).all, 1);
		te_run(&e);
		assert_true(++wakeups < 40);
	}
	assert_int_equal(now, 150000);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_non_null(strstr(e.side[0].logs, "conn0: IKE SA with 192.0.2.1 "
			       "deleted: peer silent for dpd_timeout"));
	assert_int_equal(e.side[0].n_remove, 2);
	assert_true(e.side[0].rem[1].last);
	/* The check and its retransmissions, at most 16 s apart. */
	assert_true(mgr_count(&e, 0, 0, INFORMATIONAL, false) >= 10);
	te_free(&e);
}

/*
 * The peer is unreachable for 80 s, less than dpd_timeout: a
 * retransmission of the check gets through (the stored answer) and the
 * SA stays, checked every dpd_delay again.
 */
static void test_mgr_dpd_outage(void **state)
{
	uint64_t now = 0;
	struct te_env e;

	(void)state;
	mgr_setup(&e, 1);
	e.mute[1] = true;
	while (now < 400000) {
		now = ike_manager_tick(e.side[0].m, now);
		assert_true(now > 0);
		e.mute[1] = now < 110000;
		mgr_tick(&e, now, false);
		assert_int_equal(te_list(&e, 0).established, 1);
	}
	assert_int_equal(e.side[0].n_remove, 0);
	/* 30 s: the check; its answers lost until 110 s; then one per 30 s. */
	assert_true(mgr_count(&e, 0, 0, INFORMATIONAL, false) >= 15);
	te_free(&e);
}

/* Flip the ICV's last byte: a forgery the peer cannot tell from noise. */
static struct te_pkt forged(const struct te_pkt *p)
{
	struct te_pkt f = *p;

	f.data[f.len - 1] ^= 0x01;
	return f;
}

/* (f) A forged DELETE of the IKE SA, and a forged answer: no effect. */
static void test_mgr_forged(void **state)
{
	struct te_pkt req, resp;
	unsigned int mark;
	struct te_env e;

	(void)state;
	mgr_setup(&e, 1);
	assert_int_equal(ike_manager_delete(e.side[0].m, e.now, "conn0"), 0);
	req = te_take(&e);
	mark = e.n_log;
	te_inject(&e, 1, forged(&req));
	te_run(&e);
	assert_int_equal(e.n_log, mark);	/* not answered */
	assert_int_equal(te_list(&e, 1).established, 1);
	assert_int_equal(e.side[1].n_remove, 0);
	/* The genuine request; its answer forged on the way back. */
	te_inject(&e, 1, req);
	assert_true(te_step(&e));
	resp = te_take(&e);
	assert_int_equal(te_list(&e, 1).all, 0);
	te_inject(&e, 0, forged(&resp));
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 1);
	assert_int_equal(e.side[0].n_remove, 0);
	te_inject(&e, 0, resp);
	te_run(&e);
	assert_int_equal(te_list(&e, 0).all, 0);
	assert_int_equal(e.side[0].n_remove, 1);
	te_free(&e);
}

/* (g) A retransmitted DELETE: the stored answer, nothing removed twice. */
static void test_mgr_delete_retransmitted(void **state)
{
	struct te_env e;
	unsigned int first;

	(void)state;
	mgr_setup(&e, 2);
	ike_manager_child_expired(e.side[0].m, e.now, NULL,
				  e.side[0].inst[0].spi_in, true);
	e.drop_from = 1;
	e.drop_count = 1;
	te_run(&e);
	first = e.n_log - 1;
	assert_int_equal(e.log[first].from, 1);
	assert_int_equal(e.side[1].n_remove, 1);
	mgr_tick(&e, e.now + IKE_RETX_FIRST_MS, false);
	assert_int_equal(e.side[1].n_remove, 1);
	assert_int_equal(e.side[0].n_remove, 1);
	/* Side 0's retransmission and side 1's same bytes again. */
	assert_int_equal(e.n_log, first + 3);
	assert_int_equal(e.log[first + 2].len, e.log[first].len);
	assert_memory_equal(e.log[first + 2].data, e.log[first].data,
			    e.log[first].len);
	for (int i = 0; i < 2; i++)
		assert_int_equal(te_list(&e, i).children, 1);
	/* The window moved on: the next DELETE works. */
	ike_manager_child_expired(e.side[0].m, e.now, NULL,
				  e.side[0].inst[1].spi_in, true);
	te_run(&e);
	assert_int_equal(e.side[1].n_remove, 2);
	assert_true(e.side[1].rem[1].last);
	te_free(&e);
}

/*
 * The responder's request while our IKE_AUTH is outstanding (its answer
 * was lost, then the responder deleted the SA) is ignored: the initiator's
 * SA waits for its answer instead of running the request on a half-made
 * SA; its retransmission then gets the stored answer.
 */
static void test_mgr_request_before_auth_answer(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	te_start(&e);
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	assert_true(te_step(&e));	/* IKE_SA_INIT request */
	assert_true(te_step(&e));	/* its answer; IKE_AUTH goes */
	e.drop_from = 1;
	e.drop_count = 1;		/* the IKE_AUTH answer is lost */
	assert_true(te_step(&e));
	assert_int_equal(te_list(&e, 1).established, 1);
	assert_int_equal(ike_manager_delete(e.side[1].m, e.now, "conn1"), 0);
	assert_true(te_step(&e));	/* the responder's DELETE */
	assert_int_equal(te_list(&e, 0).all, 1);	/* still there */
	assert_int_equal(e.side[0].n_inst, 0);
	e.now += 600;			/* our IKE_AUTH again: answered */
	ike_manager_tick(e.side[0].m, e.now);
	te_run(&e);
	assert_int_equal(e.side[0].n_inst, 1);
	te_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delete_child_pairs),
		cmocka_unit_test(test_delete_unknown_spi),
		cmocka_unit_test(test_delete_malformed),
		cmocka_unit_test(test_liveness_and_notifies),
		cmocka_unit_test(test_delete_ike_task),
		cmocka_unit_test(test_delete_crossed),
		cmocka_unit_test(test_retransmit_until_dpd_timeout),
		cmocka_unit_test(test_mgr_delete_child),
		cmocka_unit_test(test_mgr_delete_ike),
		cmocka_unit_test(test_mgr_delete_crossed),
		cmocka_unit_test(test_mgr_dpd),
		cmocka_unit_test(test_mgr_dpd_timeout),
		cmocka_unit_test(test_mgr_dpd_outage),
		cmocka_unit_test(test_mgr_forged),
		cmocka_unit_test(test_mgr_delete_retransmitted),
		cmocka_unit_test(test_mgr_request_before_auth_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
