// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ike_frag.c - IKE fragmentation (RFC 7383). First frag.c alone, on
 * a pair of SAs sharing keys: reassembly in and out of order, duplicates,
 * forged fragments, bad numbers and totals, a retransmission with more
 * fragments (2.6.1), the memory caps (a smaller one until the SA is
 * established). Then two managers in memory: IKE_AUTH fragmented both
 * ways with a 150-byte fragment size, fragments reordered, duplicated,
 * forged, retransmitted (forged retransmissions unanswered), over the
 * cap, behind a NAT, in CREATE_CHILD_SA, a peer without fragmentation
 * support, and a half-open SA flooding fragments.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frag.h"
#include "ike_sa.h"
#include "ike_testenv.h"
#include "manager_int.h"

/* ---- frag.c alone ---- */

#define FX_VENDORS 4

struct fx {
	struct conn conn;
	struct frag_pool pool;
	struct ike_sa *tx, *rx;		/* initiator sends, responder reads */
	uint8_t msg[IKE_MSG_MAX];
	size_t len;
};

static void fx_keys(struct ike_sa *sa, const uint8_t *ei, const uint8_t *er)
{
	sa->suite = (struct crypto_suite){ ENCR_AES_GCM_16, 256, 0,
					   PRF_HMAC_SHA2_256 };
	assert_int_equal(chunk_dup(&sa->keys.sk_ei, ei, 36), 0);
	assert_int_equal(chunk_dup(&sa->keys.sk_er, er, 36), 0);
	sa->spi_i = 0x1111;
	sa->spi_r = 0x2222;
	sa->peer_frag = true;
}

/* An IKE_AUTH request of about 450 bytes of plaintext, encrypted. */
static void fx_setup(struct fx *f)
{
	struct sockaddr_in a = te_addr("10.0.0.1", 500);
	struct enc_payload p[FX_VENDORS];
	struct enc_buf b = enc_buf_init(f->msg, sizeof(f->msg));
	uint8_t ei[36], er[36];

	memset(f, 0, sizeof(*f));
	f->conn.refs = 1;
	f->conn.fragmentation = true;
	f->conn.fragment_size = 200;
	f->pool = (struct frag_pool){
		.half_open_max = FRAG_HALF_OPEN_MAX_BYTES,
		.sa_max = FRAG_SA_MAX_BYTES,
		.max = FRAG_POOL_MAX_BYTES,
	};
	assert_int_equal(RAND_bytes(ei, 36), 1);
	assert_int_equal(RAND_bytes(er, 36), 1);
	f->tx = ike_sa_new(true, &f->conn, &a, &a, 0);
	f->rx = ike_sa_new(false, &f->conn, &a, &a, 0);
	assert_non_null(f->tx);
	assert_non_null(f->rx);
	fx_keys(f->tx, ei, er);
	fx_keys(f->rx, ei, er);
	f->rx->frag_pool = &f->pool;
	for (int i = 0; i < FX_VENDORS; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].type = IKE_PL_VENDOR;
		p[i].u.vendor.data = chunk_from(f->msg + 4000 + i, 100 + i);
	}
	assert_int_equal(ike_sa_build(f->tx, IKE_AUTH, false, 1, p, FX_VENDORS,
				      true, &b), 0);
	f->len = b.len;
	assert_true(f->len > 400);
}

static void fx_free(struct fx *f)
{
	ike_sa_free(f->tx);
	ike_sa_free(f->rx);
	assert_int_equal(f->pool.used, 0);
}

/* The datagrams of @msg fragmented for an IP datagram of @size bytes. */
static struct chunk fx_split(struct fx *f, unsigned int size)
{
	struct chunk d;

	f->conn.fragment_size = size;
	assert_int_equal(frag_prepare(f->tx, false,
				      chunk_from(f->msg, f->len), &d), 0);
	return d;
}

/* The IKE length field of the datagram at @p. */
static size_t fx_len(const uint8_t *p)
{
	return (size_t)p[24] << 24 | (size_t)p[25] << 16 |
	       (size_t)p[26] << 8 | p[27];
}

static unsigned int fx_count(struct chunk d)
{
	unsigned int n = 0;

	for (size_t off = 0; off < d.len; n++)
		off += fx_len(d.ptr + off);
	return n;
}

/* Datagram @i of @d (a view). */
static struct chunk fx_nth(struct chunk d, unsigned int i)
{
	size_t off = 0, len = 0;

	for (unsigned int k = 0; k <= i; k++) {
		off += len;
		assert_true(off + 28 <= d.len);
		len = fx_len(d.ptr + off);
	}
	return chunk_from(d.ptr + off, len);
}

/*
 * Hand datagram @d to the responder SA as the manager does. On
 * completion, the reassembled message must be the original's payloads.
 */
static int fx_feed(struct fx *f, struct chunk d)
{
	struct enc_message *m = malloc(sizeof(*m));
	struct chunk plain = CHUNK_EMPTY;
	uint8_t copy[TE_MAX_PKT];
	int err;

	assert_non_null(m);
	assert_true(d.len <= sizeof(copy));
	memcpy(copy, d.ptr, d.len);
	err = enc_message_parse(m, chunk_from(copy, d.len));
	if (!err)
		err = ike_sa_decrypt(f->rx, m, &plain);
	if (!err) {
		assert_int_equal(m->num_payloads, 1 + FX_VENDORS);
		for (int i = 0; i < FX_VENDORS; i++) {
			const struct enc_payload *v = &m->payloads[1 + i];

			assert_int_equal(v->type, IKE_PL_VENDOR);
			assert_int_equal(v->u.vendor.data.len, 100 + i);
			assert_memory_equal(v->u.vendor.data.ptr,
					    f->msg + 4000 + i, 100 + i);
		}
	}
	chunk_clear(&plain);
	free(m);
	return err;
}

static void test_split_sizes(void **state)
{
	struct fx f;
	struct chunk d;
	unsigned int n;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	n = fx_count(d);
	assert_true(n >= 4);
	for (unsigned int i = 0; i < n; i++) {
		struct chunk c = fx_nth(d, i);

		/* 200 bytes of IP datagram: 28 of IP and UDP headers. */
		assert_true(c.len <= 172);
		assert_int_equal(c.ptr[16], IKE_PL_SKF);
		/* Number, total; only the first names the inner payload. */
		assert_int_equal(c.ptr[32] << 8 | c.ptr[33], i + 1);
		assert_int_equal(c.ptr[34] << 8 | c.ptr[35], n);
		assert_int_equal(c.ptr[28], i ? 0 : IKE_PL_VENDOR);
	}
	chunk_free(&d);
	/* Fits: one datagram, the message itself. */
	d = fx_split(&f, 1280);
	assert_int_equal(d.len, f.len);
	assert_memory_equal(d.ptr, f.msg, f.len);
	chunk_free(&d);
	/* Not negotiated: never fragmented. */
	f.tx->peer_frag = false;
	d = fx_split(&f, 200);
	assert_int_equal(d.len, f.len);
	chunk_free(&d);
	fx_free(&f);
}

static void test_reassemble_orders(void **state)
{
	struct fx f;
	struct chunk d;
	unsigned int n;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	n = fx_count(d);
	for (unsigned int i = 0; i + 1 < n; i++)
		assert_int_equal(fx_feed(&f, fx_nth(d, i)), -EINPROGRESS);
	assert_true(f.pool.used > 0);
	assert_int_equal(fx_feed(&f, fx_nth(d, n - 1)), 0);
	assert_int_equal(f.pool.used, 0);
	/* Backwards, with duplicates (dropped before any decryption). */
	for (unsigned int i = n; i-- > 1;) {
		assert_int_equal(fx_feed(&f, fx_nth(d, i)), -EINPROGRESS);
		assert_int_equal(fx_feed(&f, fx_nth(d, i)), -EALREADY);
	}
	assert_int_equal(fx_feed(&f, fx_nth(d, 0)), 0);
	chunk_free(&d);
	fx_free(&f);
}

/* A copy of datagram @i with byte @at changed. */
static struct chunk fx_forge(struct chunk d, unsigned int i, size_t at,
			     uint8_t val, uint8_t *buf)
{
	struct chunk c = fx_nth(d, i);

	memcpy(buf, c.ptr, c.len);
	buf[at] = val;
	return chunk_from(buf, c.len);
}

static void test_forged(void **state)
{
	uint8_t buf[TE_MAX_PKT];
	struct fx f;
	struct chunk d;
	unsigned int n;
	size_t used;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	n = fx_count(d);
	assert_int_equal(fx_feed(&f, fx_nth(d, 1)), -EINPROGRESS);
	used = f.pool.used;
	/* A bad ICV, first or later: dropped, nothing else changes. */
	assert_int_equal(fx_feed(&f, fx_forge(d, 0, 50, 0x5a ^ fx_nth(d, 0).ptr[50],
					      buf)), -EBADMSG);
	/* A larger total would start a new set: not before the ICV. */
	assert_int_equal(fx_feed(&f, fx_forge(d, 2, 35, (uint8_t)(n + 1), buf)),
			 -EBADMSG);
	assert_int_equal(f.pool.used, used);
	for (unsigned int i = 0; i < n; i++)
		if (i != 1)
			assert_int_equal(fx_feed(&f, fx_nth(d, i)),
					 i + 1 == n ? 0 : -EINPROGRESS);
	chunk_free(&d);
	fx_free(&f);
}

static void test_bad_numbers(void **state)
{
	uint8_t buf[TE_MAX_PKT];
	struct fx f;
	struct chunk d;
	unsigned int n;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	n = fx_count(d);
	/* Number 0, number over the total, total over ENC_MAX_FRAGMENTS. */
	assert_int_equal(fx_feed(&f, fx_forge(d, 0, 33, 0, buf)), -ENC_E_FRAGMENT);
	assert_int_equal(fx_feed(&f, fx_forge(d, 0, 33, (uint8_t)(n + 1), buf)),
			 -ENC_E_FRAGMENT);
	assert_int_equal(fx_feed(&f, fx_forge(d, 0, 35, ENC_MAX_FRAGMENTS + 1,
					      buf)), -ENC_E_FRAGMENT);
	assert_int_equal(f.pool.used, 0);
	/* Fragmentation not negotiated: SKF is dropped. */
	f.rx->peer_frag = false;
	assert_int_equal(fx_feed(&f, fx_nth(d, 0)), -EPROTO);
	f.rx->peer_frag = true;
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(fx_feed(&f, fx_nth(d, i)),
				 i + 1 == n ? 0 : -EINPROGRESS);
	chunk_free(&d);
	fx_free(&f);
}

/* RFC 7383 2.6.1: a larger total is a new set; a smaller one is stale. */
static void test_total_changes(void **state)
{
	struct fx f;
	struct chunk a, b;
	unsigned int na, nb;

	(void)state;
	fx_setup(&f);
	a = fx_split(&f, 200);
	b = fx_split(&f, 150);
	na = fx_count(a);
	nb = fx_count(b);
	assert_true(nb > na);
	assert_int_equal(fx_feed(&f, fx_nth(a, 0)), -EINPROGRESS);
	assert_int_equal(fx_feed(&f, fx_nth(a, 1)), -EINPROGRESS);
	assert_int_equal(fx_feed(&f, fx_nth(b, 2)), -EINPROGRESS);
	/* The older set's fragments are dropped now. */
	for (unsigned int i = 0; i < na; i++)
		assert_int_equal(fx_feed(&f, fx_nth(a, i)), -EALREADY);
	for (unsigned int i = 0; i < nb; i++)
		if (i != 2)
			assert_int_equal(fx_feed(&f, fx_nth(b, i)),
					 i + 1 == nb ? 0 : -EINPROGRESS);
	chunk_free(&a);
	chunk_free(&b);
	fx_free(&f);
}

static void test_caps(void **state)
{
	struct fx f;
	struct chunk d;
	unsigned int n;
	size_t used;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	n = fx_count(d);
	/* Per SA: the fragment that would go over is dropped, alone. */
	assert_int_equal(fx_feed(&f, fx_nth(d, 0)), -EINPROGRESS);
	f.pool.sa_max = f.pool.used + 150;	/* one more, not two */
	assert_int_equal(fx_feed(&f, fx_nth(d, 1)), -EINPROGRESS);
	used = f.pool.used;
	for (unsigned int i = 2; i < n; i++)
		assert_int_equal(fx_feed(&f, fx_nth(d, i)), -ENOBUFS);
	assert_int_equal(f.pool.used, used);
	/* Over all SAs: the pool's other users count. */
	f.pool.sa_max = FRAG_SA_MAX_BYTES;
	f.pool.max = used + 100;
	f.pool.used += 50;
	assert_int_equal(fx_feed(&f, fx_nth(d, 2)), -ENOBUFS);
	f.pool.used -= 50;
	f.pool.max = FRAG_POOL_MAX_BYTES;
	for (unsigned int i = 2; i < n; i++)
		assert_int_equal(fx_feed(&f, fx_nth(d, i)),
				 i + 1 == n ? 0 : -EINPROGRESS);
	/* A set left incomplete goes with its SA, its memory with it. */
	assert_int_equal(fx_feed(&f, fx_nth(d, 0)), -EINPROGRESS);
	assert_true(f.pool.used > 0);
	chunk_free(&d);
	fx_free(&f);
}

/* Before IKE_AUTH completes, the smaller half-open cap; after, the SA's. */
static void test_caps_half_open(void **state)
{
	struct fx f;
	struct chunk d;
	unsigned int n;
	size_t used;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	n = fx_count(d);
	assert_int_equal(f.rx->state, IKE_SA_STATE_INIT);
	assert_int_equal(fx_feed(&f, fx_nth(d, 0)), -EINPROGRESS);
	f.pool.half_open_max = f.pool.used + 150;
	assert_int_equal(fx_feed(&f, fx_nth(d, 1)), -EINPROGRESS);
	used = f.pool.used;
	for (unsigned int i = 2; i < n; i++)
		assert_int_equal(fx_feed(&f, fx_nth(d, i)), -ENOBUFS);
	assert_int_equal(f.pool.used, used);
	/* The per-SA cap still binds if it is the smaller one. */
	f.rx->state = IKE_SA_STATE_AUTH;
	f.pool.half_open_max = FRAG_SA_MAX_BYTES;
	f.pool.sa_max = used;
	assert_int_equal(fx_feed(&f, fx_nth(d, 2)), -ENOBUFS);
	/* Established: the SA's own cap. */
	f.rx->state = IKE_SA_STATE_ESTABLISHED;
	f.pool.half_open_max = used;
	f.pool.sa_max = FRAG_SA_MAX_BYTES;
	for (unsigned int i = 2; i < n; i++)
		assert_int_equal(fx_feed(&f, fx_nth(d, i)),
				 i + 1 == n ? 0 : -EINPROGRESS);
	assert_int_equal(f.pool.used, 0);
	chunk_free(&d);
	fx_free(&f);
}

static void test_not_first(void **state)
{
	struct fx f;
	struct chunk d;

	(void)state;
	fx_setup(&f);
	d = fx_split(&f, 200);
	assert_false(frag_not_first(fx_nth(d, 0)));
	assert_true(frag_not_first(fx_nth(d, 1)));
	assert_false(frag_not_first(chunk_from(f.msg, f.len)));
	chunk_free(&d);
	fx_free(&f);
}

/* ---- two managers ---- */

static unsigned int skf_sent(const struct te_env *e, int side,
			     unsigned int from)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < e->n_log; i++)
		n += e->log[i].from == side &&
		     te_hdr(&e->log[i]).next == IKE_PL_SKF;
	return n;
}

static unsigned int sent_by(const struct te_env *e, int side,
			    unsigned int from)
{
	unsigned int n = 0;

	for (unsigned int i = from; i < e->n_log; i++)
		n += e->log[i].from == side;
	return n;
}

static void assert_up(struct te_env *e)
{
	for (int i = 0; i < 2; i++) {
		struct te_count c = te_list(e, i);

		assert_int_equal(c.all, 1);
		assert_int_equal(c.established, 1);
		assert_int_equal(e->side[i].n_inst, 1);
	}
	assert_int_equal(e->side[0].inst[0].spi_in, e->side[1].inst[0].spi_out);
	assert_int_equal(e->side[0].inst[0].spi_out, e->side[1].inst[0].spi_in);
}

/* IKE_SA_INIT done; the initiator's IKE_AUTH fragments are queued. */
static void start_auth(struct te_env *e)
{
	te_start(e);
	assert_int_equal(ike_manager_initiate(e->side[0].m, e->now, "conn0"), 0);
	te_step(e);
	te_step(e);
}

static void test_both_ways(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[0].conn.fragment_size = 150;
	e.side[1].conn.fragment_size = 150;
	start_auth(&e);
	te_run(&e);
	assert_up(&e);
	assert_true(skf_sent(&e, 0, 0) >= 3);
	assert_true(skf_sent(&e, 1, 0) >= 2);
	/* 150 bytes of IP datagram: 28 of IP and UDP headers. */
	for (unsigned int i = 2; i < e.n_log; i++)
		assert_true(e.log[i].len <= 122);
	te_free(&e);
}

/* Each side's own fragment size: the responder's answer goes whole. */
static void test_one_way(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[0].conn.fragment_size = 150;
	start_auth(&e);
	te_run(&e);
	assert_up(&e);
	assert_true(skf_sent(&e, 0, 0) >= 3);
	assert_int_equal(skf_sent(&e, 1, 0), 0);
	te_free(&e);
}

/* IKE_AUTH in 150-byte fragments both ways: the request's, undelivered. */
static unsigned int take_fragmented_auth(struct te_env *e,
					 struct te_pkt *frags)
{
	unsigned int n = 0;

	te_setup(e);
	e->side[0].conn.fragment_size = 150;
	e->side[1].conn.fragment_size = 150;
	start_auth(e);
	while (e->head != e->tail)
		frags[n++] = te_take(e);
	assert_true(n >= 3);
	return n;
}

static void test_reordered_duplicated_forged(void **state)
{
	struct te_pkt frags[TE_QUEUE], forged;
	unsigned int n, resp;
	struct te_env e;

	(void)state;
	n = take_fragmented_auth(&e, frags);
	forged = frags[0];
	forged.data[forged.len - 1] ^= 1;	/* the ICV */
	te_inject(&e, 1, forged);
	for (unsigned int i = n; i-- > 0;) {
		te_inject(&e, 1, frags[i]);
		if (i == n / 2)
			te_inject(&e, 1, frags[i]);
	}
	resp = e.n_log;
	te_run(&e);
	assert_up(&e);
	/* One response, once: the duplicate and the forgery got nothing. */
	assert_int_equal(sent_by(&e, 1, resp), skf_sent(&e, 1, resp));
	assert_true(skf_sent(&e, 1, resp) >= 2);
	te_free(&e);
}

/*
 * The response is lost: the initiator resends every fragment of its
 * request; the responder resends its stored fragments once, on the
 * request's first fragment, not once per fragment.
 */
static void test_retransmitted(void **state)
{
	unsigned int n_req, n_resp, mark;
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[0].conn.fragment_size = 150;
	e.side[1].conn.fragment_size = 150;
	start_auth(&e);
	n_req = e.tail - e.head;
	mark = e.n_log;
	e.mute[1] = true;
	te_run(&e);
	n_resp = sent_by(&e, 1, mark);
	assert_true(n_resp >= 2);
	assert_int_equal(e.side[1].n_inst, 1);
	e.mute[1] = false;
	e.now = 500;
	mark = e.n_log;
	ike_manager_tick(e.side[0].m, e.now);
	assert_int_equal(sent_by(&e, 0, mark), n_req);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), n_resp);
	assert_up(&e);
	te_free(&e);
}

/*
 * Only the request's own first fragment has the response resent: one
 * with its header and another body, from a forged source, gets nothing
 * (a header must not buy every fragment of the response, sent anywhere).
 */
static void test_retransmitted_forged(void **state)
{
	struct sockaddr_in victim = te_addr("203.0.113.9", 500);
	struct te_pkt frags[TE_QUEUE], p;
	unsigned int n, n_resp, mark;
	struct te_env e;

	(void)state;
	n = take_fragmented_auth(&e, frags);
	mark = e.n_log;
	for (unsigned int i = 0; i < n; i++)
		te_inject(&e, 1, frags[i]);
	te_run(&e);
	assert_up(&e);
	n_resp = sent_by(&e, 1, mark);
	assert_true(n_resp >= 2);
	mark = e.n_log;
	p = frags[0];
	p.src = victim;
	p.data[p.len - 1] ^= 1;
	te_inject(&e, 1, p);
	p.data[p.len - 1] ^= 1;
	p.len = IKE_HEADER_LEN;
	te_inject(&e, 1, p);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), 0);
	/* The first fragment itself, from wherever: every fragment again. */
	p = frags[0];
	p.src = victim;
	te_inject(&e, 1, p);
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), n_resp);
	assert_int_equal(e.log[e.n_log - 1].dst.sin_addr.s_addr,
			 victim.sin_addr.s_addr);
	assert_up(&e);
	te_free(&e);
}

/* Behind a NAT, on port 4500: the non-ESP marker counts too. */
static void test_natt(void **state)
{
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.nat = true;
	e.side[0].conn.fragment_size = 150;
	e.side[1].conn.fragment_size = 150;
	start_auth(&e);
	te_run(&e);
	assert_up(&e);
	assert_true(e.side[0].inst[0].encap);
	assert_true(skf_sent(&e, 0, 0) >= 3);
	for (unsigned int i = 2; i < e.n_log; i++) {
		assert_true(e.log[i].natt);
		assert_true(e.log[i].len <= 150 - 28 - 4);
	}
	te_free(&e);
}

/* Later exchanges too: a second pair over fragmented CREATE_CHILD_SA. */
static void test_create_child(void **state)
{
	unsigned int mark;
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[0].conn.fragment_size = 150;
	e.side[1].conn.fragment_size = 150;
	start_auth(&e);
	te_run(&e);
	assert_up(&e);
	mark = e.n_log;
	assert_int_equal(ike_manager_child_create(e.side[0].m, e.now, "conn0"),
			 0);
	te_run(&e);
	assert_int_equal(e.side[0].n_inst, 2);
	assert_int_equal(e.side[1].n_inst, 2);
	assert_int_equal(e.side[0].inst[1].spi_in, e.side[1].inst[1].spi_out);
	assert_true(skf_sent(&e, 0, mark) >= 2);
	assert_true(skf_sent(&e, 1, mark) >= 2);
	te_free(&e);
}

/* A peer without RFC 7383: no SKF either way, even at 150 bytes. */
static void test_not_supported(void **state)
{
	for (int side = 0; side < 2; side++) {
		struct te_env e;

		(void)state;
		te_setup(&e);
		e.side[0].conn.fragment_size = 150;
		e.side[1].conn.fragment_size = 150;
		e.side[side].conn.fragmentation = false;
		start_auth(&e);
		te_run(&e);
		assert_up(&e);
		assert_int_equal(skf_sent(&e, 0, 0) + skf_sent(&e, 1, 0), 0);
		te_free(&e);
	}
}

/* Over the responder's cap: never reassembled, nothing happens. */
static void test_over_cap(void **state)
{
	struct ike_stats st;
	unsigned int mark;
	struct te_env e;

	(void)state;
	te_setup(&e);
	e.side[0].conn.fragment_size = 150;
	start_auth(&e);
	ike_manager_frag_limits(e.side[1].m, FRAG_HALF_OPEN_MAX_BYTES, 250,
				FRAG_POOL_MAX_BYTES);
	mark = e.n_log;
	te_run(&e);
	assert_int_equal(sent_by(&e, 1, mark), 0);
	assert_int_equal(e.side[1].n_inst, 0);
	assert_int_equal(te_list(&e, 1).established, 0);
	assert_int_equal(te_list(&e, 1).all, 1);
	ike_manager_stats(e.side[1].m, &st);
	assert_true(st.frag_bytes > 0 && st.frag_bytes <= 250);
	te_free(&e);
}

/*
 * Every fragment (ENC_MAX_FRAGMENTS of @len bytes, valid ICVs: the sender
 * has the keys of IKE_SA_INIT, as anyone may) of a huge request with ID
 * @id from our initiator SA of SPI @spi to the responder.
 */
static void flood(struct te_env *e, uint64_t spi, uint8_t exchange,
		  uint32_t id, size_t len)
{
	static const uint8_t junk[1024];
	struct sockaddr_in src = te_addr("10.0.0.1", 500);
	struct sockaddr_in dst = te_addr("192.0.2.1", 500);
	struct ike_sa *sa = ike_sa_table_find_spi(manager_table(e->side[0].m),
						  spi);
	uint8_t buf[TE_MAX_PKT];

	assert_non_null(sa);
	assert_true(len <= sizeof(junk));
	for (unsigned int i = 1; i <= ENC_MAX_FRAGMENTS; i++) {
		struct enc_header h = {
			.spi_i = sa->spi_i, .spi_r = sa->spi_r,
			.version = IKE_VERSION_MAJOR << 4,
			.exchange = exchange, .flags = IKE_FLAG_INITIATOR,
			.message_id = id,
		};
		struct enc_payload f = {
			.type = IKE_PL_SKF,
			.next = i == 1 ? IKE_PL_IDI : IKE_PL_NONE,
			.u.sk = { .number = (uint16_t)i,
				  .total = ENC_MAX_FRAGMENTS },
		};
		struct enc_buf b = enc_buf_init(buf, sizeof(buf));

		assert_int_equal(ike_sa_protect(sa, &h, &f,
						chunk_from(junk, len), &b), 0);
		assert_int_equal(ike_manager_receive(e->side[1].m, e->now,
						     &dst, &src, false,
						     enc_buf_chunk(&b)), 0);
	}
}

static uint64_t frag_bytes(struct te_env *e, int side)
{
	struct ike_stats st;

	ike_manager_stats(e->side[side].m, &st);
	return st.frag_bytes;
}

/*
 * A half-open SA (IKE_SA_INIT done, no authentication) holds at most
 * FRAG_HALF_OPEN_MAX_BYTES of fragments, however many it sends; once
 * established, the SA's own cap (FRAG_SA_MAX_BYTES) applies.
 */
static void test_half_open_cap(void **state)
{
	struct te_pkt auth;
	unsigned int mark;
	struct te_env e;
	uint64_t spi;

	(void)state;
	te_setup(&e);
	start_auth(&e);
	spi = te_hdr(&e.log[0]).spi_i;
	auth = te_take(&e);
	assert_int_equal(e.head, e.tail);
	mark = e.n_log;
	flood(&e, spi, IKE_AUTH, 1, 1024);
	assert_int_equal(sent_by(&e, 1, mark), 0);
	assert_true(frag_bytes(&e, 1) > FRAG_HALF_OPEN_MAX_BYTES / 2);
	assert_true(frag_bytes(&e, 1) <= FRAG_HALF_OPEN_MAX_BYTES);
	/* The real IKE_AUTH, whole, still works; then the larger cap. */
	te_inject(&e, 1, auth);
	te_run(&e);
	assert_up(&e);
	mark = e.n_log;
	flood(&e, spi, INFORMATIONAL, 2, 1024);
	assert_int_equal(sent_by(&e, 1, mark), 0);
	assert_true(frag_bytes(&e, 1) > FRAG_HALF_OPEN_MAX_BYTES);
	assert_true(frag_bytes(&e, 1) <= FRAG_SA_MAX_BYTES);
	te_free(&e);
}

/*
 * The pool has room for one half-open SA's share and a little more: one
 * that floods it with fragments leaves another's fragmented IKE_AUTH
 * (about 600 bytes here) room to complete.
 */
static void test_half_open_pool(void **state)
{
	struct te_count c;
	struct te_env e;
	uint64_t spi;

	(void)state;
	te_setup(&e);
	e.side[0].conn.fragment_size = 150;
	start_auth(&e);
	ike_manager_frag_limits(e.side[1].m, FRAG_HALF_OPEN_MAX_BYTES,
				FRAG_SA_MAX_BYTES,
				FRAG_HALF_OPEN_MAX_BYTES + 1024);
	spi = te_hdr(&e.log[0]).spi_i;
	while (e.head != e.tail)
		te_take(&e);
	flood(&e, spi, IKE_AUTH, 1, 256);
	assert_true(frag_bytes(&e, 1) <= FRAG_HALF_OPEN_MAX_BYTES);
	/* Another SA of the same initiator, fragmented all the way. */
	assert_int_equal(ike_manager_initiate(e.side[0].m, e.now, "conn0"), 0);
	te_run(&e);
	c = te_list(&e, 1);
	assert_int_equal(c.all, 2);
	assert_int_equal(c.established, 1);
	assert_int_equal(e.side[1].n_inst, 1);
	assert_int_equal(te_list(&e, 0).established, 1);
	te_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_sizes),
		cmocka_unit_test(test_reassemble_orders),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_total_changes),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_caps_half_open),
		cmocka_unit_test(test_not_first),
		cmocka_unit_test(test_both_ways),
		cmocka_unit_test(test_one_way),
		cmocka_unit_test(test_reordered_duplicated_forged),
		cmocka_unit_test(test_retransmitted),
		cmocka_unit_test(test_retransmitted_forged),
		cmocka_unit_test(test_natt),
		cmocka_unit_test(test_create_child),
		cmocka_unit_test(test_not_supported),
		cmocka_unit_test(test_over_cap),
		cmocka_unit_test(test_half_open_cap),
		cmocka_unit_test(test_half_open_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
