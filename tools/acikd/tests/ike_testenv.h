/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ike_testenv.h - two IKE managers wired to each other in memory for the
 * protocol tests: send() queues a datagram for the other side, a virtual
 * clock drives retransmissions, child_install()/child_remove() record
 * their calls, and an optional NAT rewrites the initiator's address.
 * Side 0 is the initiator (10.0.0.1), side 1 the responder (192.0.2.1).
 * Include after <cmocka.h>.
 */
#ifndef ACIKD_TESTS_IKE_TESTENV_H
#define ACIKD_TESTS_IKE_TESTENV_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/rand.h>

#include "config.h"
#include "crypto/dh.h"
#include "encoding/encoding.h"
#include "ike.h"

#define TE_MAX_PKT	4096
#define TE_QUEUE	64
#define TE_LOG		64
/* Child SA installs recorded per side (beyond IKE_SA_MAX_CHILD). */
#define TE_MAX_INST	136

struct te_pkt {
	int from;
	struct sockaddr_in src, dst;
	bool natt;
	size_t len;
	uint8_t data[TE_MAX_PKT];
};

struct te_install {
	uint32_t spi_in, spi_out;
	struct crypto_suite suite;
	uint8_t encr_in[64], integ_in[64], encr_out[64], integ_out[64];
	size_t encr_in_len, integ_in_len, encr_out_len, integ_out_len;
	bool encap;
	uint16_t sport, dport;
	struct ts_prefix ts[CONFIG_MAX_TS];
	unsigned int n_ts;
	bool first;
	enum child_install_part part;
	/* A held outbound SA installed (CHILD_INSTALL_OUT), and when. */
	bool out_released;
	unsigned int removes_at_release;
};

struct te_env;

/* One child_remove() call. */
struct te_removal {
	uint32_t spi_in, spi_out;
	bool last;
	unsigned int n_ts;
};

#define TE_REMOVALS	16

struct te_side {
	struct te_env *env;
	int id;
	struct ike_manager *m;
	struct acikd_config cfg;
	struct conn *conns[1];
	struct conn conn;
	struct te_install inst[TE_MAX_INST];
	unsigned int n_inst, n_remove, n_random;
	unsigned int n_keepalive;
	unsigned int n_log;
	char logs[2048];	/* the log lines, as far as they fit */
	struct sockaddr_in keepalive_src, keepalive_dst;	/* the last */
	struct te_removal rem[TE_REMOVALS];	/* the first removals */
};

struct te_env {
	struct te_side side[2];
	struct te_pkt q[TE_QUEUE];
	unsigned int head, tail;
	struct te_pkt log[TE_LOG];	/* everything sent, in order */
	unsigned int n_log;
	uint64_t now;
	bool nat;		/* the initiator is seen as 198.51.100.7 */
	int drop_from;		/* drop the next datagram of this side */
	unsigned int drop_count;
	bool mute[2];		/* drop every datagram of this side */
};

static inline struct sockaddr_in te_addr(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}

static inline int te_send(void *ctx, const struct sockaddr_in *local,
			  const struct sockaddr_in *remote, bool natt,
			  struct chunk msg)
{
	struct te_side *s = ctx;
	struct te_env *e = s->env;
	struct te_pkt *p;

	assert_true(msg.len <= TE_MAX_PKT);
	assert_true(e->n_log < TE_LOG);
	p = &e->log[e->n_log++];
	*p = (struct te_pkt){ .from = s->id, .src = *local, .dst = *remote,
			      .natt = natt, .len = msg.len };
	memcpy(p->data, msg.ptr, msg.len);
	if (e->drop_count && e->drop_from == s->id) {
		e->drop_count--;
		return 0;
	}
	if (e->mute[s->id])
		return 0;
	assert_true(e->tail - e->head < TE_QUEUE);
	e->q[e->tail++ % TE_QUEUE] = *p;
	return 0;
}

static inline void te_copy(uint8_t *dst, size_t *len, struct chunk c)
{
	assert_true(c.len <= 64);
	if (c.len)
		memcpy(dst, c.ptr, c.len);
	*len = c.len;
}

static inline int te_install(void *ctx, const struct child_sa_install *c)
{
	struct te_side *s = ctx;
	struct te_install *r;

	if (c->part == CHILD_INSTALL_OUT) {
		/* the held half of a recorded pair, with the same key */
		for (unsigned int i = 0; i < s->n_inst; i++) {
			r = &s->inst[i];
			if (r->spi_in != c->spi_in || r->spi_out != c->spi_out)
				continue;
			assert_int_equal(r->part, CHILD_INSTALL_IN);
			assert_false(r->out_released);
			assert_memory_equal(r->encr_out, c->encr_out.ptr,
					    c->encr_out.len);
			r->out_released = true;
			r->removes_at_release = s->n_remove;
			return 0;
		}
		fail_msg("outbound SA 0x%08x of no recorded pair", c->spi_out);
	}
	assert_true(s->n_inst < TE_MAX_INST);
	r = &s->inst[s->n_inst++];
	memset(r, 0, sizeof(*r));
	r->spi_in = c->spi_in;
	r->spi_out = c->spi_out;
	r->suite = c->suite;
	te_copy(r->encr_in, &r->encr_in_len, c->encr_in);
	te_copy(r->integ_in, &r->integ_in_len, c->integ_in);
	te_copy(r->encr_out, &r->encr_out_len, c->encr_out);
	te_copy(r->integ_out, &r->integ_out_len, c->integ_out);
	r->encap = c->encap;
	r->sport = c->sport;
	r->dport = c->dport;
	assert_true(c->n_remote_ts <= CONFIG_MAX_TS);
	memcpy(r->ts, c->remote_ts, c->n_remote_ts * sizeof(*r->ts));
	r->n_ts = c->n_remote_ts;
	r->first = c->first;
	r->part = c->part;
	return 0;
}

static inline int te_remove(void *ctx, const struct child_sa_remove *c)
{
	struct te_side *s = ctx;

	if (s->n_remove < TE_REMOVALS)
		s->rem[s->n_remove] = (struct te_removal){
			.spi_in = c->spi_in, .spi_out = c->spi_out,
			.last = c->last, .n_ts = c->n_remote_ts,
		};
	s->n_remove++;
	return 0;
}

static inline int te_random(void *ctx, uint8_t *buf, size_t len)
{
	struct te_side *s = ctx;

	s->n_random++;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

static inline int te_keepalive(void *ctx, const struct sockaddr_in *local,
				const struct sockaddr_in *remote)
{
	struct te_side *s = ctx;

	s->n_keepalive++;
	s->keepalive_src = *local;
	s->keepalive_dst = *remote;
	return 0;
}

static inline void te_log(void *ctx, int prio, const char *msg)
{
	struct te_side *s = ctx;

	(void)prio;
	size_t len = strlen(s->logs);

	s->n_log++;
	snprintf(s->logs + len, sizeof(s->logs) - len, "%s\n", msg);
}

static const struct ike_env_ops te_ops = {
	.send = te_send,
	.keepalive = te_keepalive,
	.log = te_log,
	.child_install = te_install,
	.child_remove = te_remove,
	.random = te_random,
};

static inline struct ts_prefix te_prefix(const char *ip, uint8_t plen)
{
	struct ts_prefix t = { .family = AF_INET, .plen = plen };

	assert_int_equal(inet_pton(AF_INET, ip, t.addr), 1);
	return t;
}

/* An IKE proposal: one of each (integ 0: AEAD). */
static inline void te_ike(struct conn *c, uint16_t encr, uint16_t bits,
			  uint16_t integ, uint16_t prf, uint16_t dh)
{
	struct ike_proposal *p = &c->ike[c->n_ike++];

	memset(p, 0, sizeof(*p));
	p->encr[0] = encr;
	p->encr_keybits[0] = bits;
	p->n_encr = 1;
	p->integ[0] = integ;
	p->n_integ = integ ? 1 : 0;
	p->prf[0] = prf;
	p->n_prf = 1;
	p->dh[0] = dh;
	p->n_dh = 1;
}

static inline void te_esp(struct conn *c, uint16_t encr, uint16_t bits,
			  uint16_t integ)
{
	struct ike_proposal *p = &c->esp[c->n_esp++];

	memset(p, 0, sizeof(*p));
	p->encr[0] = encr;
	p->encr_keybits[0] = bits;
	p->n_encr = 1;
	p->integ[0] = integ;
	p->n_integ = integ ? 1 : 0;
}

/* @data is a string, or for IKE_ID_IPV4_ADDR a dotted address. */
static inline void te_id(struct ike_id *id, uint8_t type, const char *data)
{
	static uint8_t addrs[8][4];
	static unsigned int next;

	id->type = type;
	if (type == IKE_ID_IPV4_ADDR) {
		uint8_t *a = addrs[next++ % 8];

		assert_int_equal(inet_pton(AF_INET, data, a), 1);
		id->data = chunk_from(a, 4);
	} else {
		id->data = chunk_from(data, strlen(data));
	}
}

/*
 * Both sides with matching defaults: aes256gcm16-prfsha384-ecp384 and
 * aes256gcm16, FQDN IDs, PSK "s3cret-psk", initiator's 10.1.0.0/16 to
 * anything. Tests change the conns before te_start().
 */
static inline void te_setup(struct te_env *e)
{
	static const char psk[] = "s3cret-psk";

	memset(e, 0, sizeof(*e));
	for (int i = 0; i < 2; i++) {
		struct te_side *s = &e->side[i];
		struct conn *c = &s->conn;

		s->env = e;
		s->id = i;
		snprintf(c->name, sizeof(c->name), "conn%d", i);
		c->local = te_addr(i ? "192.0.2.1" : "10.0.0.1", 0);
		c->remote = te_addr(i ? "0.0.0.0" : "192.0.2.1", 0);
		te_id(&c->local_id, IKE_ID_FQDN, i ? "gw.example" : "cpe.example");
		te_id(&c->remote_id, IKE_ID_FQDN, i ? "cpe.example" : "gw.example");
		c->psk = chunk_from(psk, strlen(psk));
		te_ike(c, ENCR_AES_GCM_16, 256, 0, PRF_HMAC_SHA2_384,
		       DH_GROUP_ECP_384);
		te_esp(c, ENCR_AES_GCM_16, 256, 0);
		c->local_ts[c->n_local_ts++] = i ? te_prefix("0.0.0.0", 0) :
						   te_prefix("10.1.0.0", 16);
		c->remote_ts[c->n_remote_ts++] = i ? te_prefix("10.1.0.0", 16) :
						     te_prefix("0.0.0.0", 0);
		c->fragmentation = true;
		c->initiate = !i;
		c->refs = 1;
		s->conns[0] = c;
		s->cfg.conns = s->conns;
		s->cfg.n_conns = 1;
		/* The daemon's default: cookies only under load (cookie.h). */
		s->cfg.half_open_cookie_threshold = 100;
	}
	e->drop_from = -1;
}

static inline void te_start(struct te_env *e)
{
	for (int i = 0; i < 2; i++) {
		e->side[i].m = ike_manager_new(&e->side[i].cfg, &te_ops,
					       &e->side[i]);
		assert_non_null(e->side[i].m);
	}
}

static inline void te_free(struct te_env *e)
{
	for (int i = 0; i < 2; i++)
		ike_manager_free(e->side[i].m);
}

/* NAT: the initiator's 500/4500 appear as 198.51.100.7:40000/40001. */
static inline void te_translate(struct te_env *e, struct te_pkt *p)
{
	struct sockaddr_in *a = p->from == 0 ? &p->src : &p->dst;
	bool outside = p->from == 0;

	if (!e->nat)
		return;
	if (outside) {
		uint16_t port = ntohs(a->sin_port) == 4500 ? 40001 : 40000;

		*a = te_addr("198.51.100.7", port);
	} else {
		uint16_t port = ntohs(a->sin_port) == 40001 ? 4500 : 500;

		*a = te_addr("10.0.0.1", port);
	}
}

/* Deliver one queued datagram; false if the queue is empty. */
static inline bool te_step(struct te_env *e)
{
	struct te_pkt p;

	if (e->head == e->tail)
		return false;
	p = e->q[e->head++ % TE_QUEUE];
	te_translate(e, &p);
	assert_int_equal(ike_manager_receive(e->side[!p.from].m, e->now,
					     &p.dst, &p.src, p.natt,
					     chunk_from(p.data, p.len)), 0);
	return true;
}

static inline void te_run(struct te_env *e)
{
	for (int i = 0; i < 100 && te_step(e); i++)
		;
	assert_int_equal(e->head, e->tail);
}

/* Take the next queued datagram out of the queue, undelivered. */
static inline struct te_pkt te_take(struct te_env *e)
{
	assert_true(e->head != e->tail);
	return e->q[e->head++ % TE_QUEUE];
}

static inline void te_inject(struct te_env *e, int to, struct te_pkt p)
{
	p.from = !to;
	assert_true(e->tail - e->head < TE_QUEUE);
	e->q[e->tail++ % TE_QUEUE] = p;
}

/* Count the IKE SAs a manager lists, and the established ones. */
struct te_count {
	unsigned int all, established, children;
	struct ike_sa_info last;
};

static inline int te_count_cb(void *arg, const struct ike_sa_info *sa)
{
	struct te_count *c = arg;

	c->all++;
	c->established += !strcmp(sa->state, "established");
	c->children += sa->n_child;
	c->last = *sa;
	return 0;
}

static inline struct te_count te_list(struct te_env *e, int side)
{
	struct te_count c = { 0 };

	assert_int_equal(ike_manager_list(e->side[side].m, te_count_cb, &c), 0);
	return c;
}

/* The exchange and flags of logged datagram @i. */
static inline struct enc_header te_hdr(const struct te_pkt *p)
{
	struct enc_header h;

	assert_int_equal(enc_header_parse(&h, chunk_from(p->data, p->len)), 0);
	return h;
}

#endif /* ACIKD_TESTS_IKE_TESTENV_H */
