// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ike_init.c - the IKE_SA_INIT exchange, both roles: proposals, key
 * exchange (with the INVALID_KE_PAYLOAD retry, 1.2/2.7), nonces, NAT
 * detection (2.23), fragmentation support (RFC 7383 2.3), the
 * initiator's side of cookies (2.6; the responder's is cookie.c), and the
 * IKE SA keys (2.14). The raw messages are kept: IKE_AUTH signs them
 * (2.15).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include <openssl/evp.h>

#include "cookie.h"
#include "crypto/dh_cache.h"
#include "crypto/keymat.h"
#include "negotiate.h"
#include "tasks.h"

#define NATT_PORT 4500

/* SHA-1(SPIi | SPIr | IP | port) of NAT_DETECTION_*_IP (2.23). */
static int natd_hash(uint64_t spi_i, uint64_t spi_r,
		     const struct sockaddr_in *a, uint8_t out[20])
{
	uint8_t in[8 + 8 + 4 + 2];
	unsigned int len = 0;

	enc_put_be64(in, spi_i);
	enc_put_be64(in + 8, spi_r);
	memcpy(in + 16, &a->sin_addr.s_addr, 4);
	memcpy(in + 20, &a->sin_port, 2);
	if (!EVP_Digest(in, sizeof(in), out, &len, EVP_sha1(), NULL) ||
	    len != NOTIFY_NAT_DETECTION_LEN)
		return -EIO;
	return 0;
}

static void notify(struct enc_payload *p, uint16_t type, struct chunk data)
{
	memset(p, 0, sizeof(*p));
	p->type = IKE_PL_NOTIFY;
	p->u.notify.type = type;
	p->u.notify.data = data;
}

/*
 * Our NAT detection notifies: source is our address, destination the
 * peer's, hashed with the SPIs of the message they travel in.
 */
static int natd_payloads(const struct ike_sa *sa, uint8_t hashes[2][20],
			 struct enc_payload *p)
{
	int err = natd_hash(sa->spi_i, sa->spi_r, &sa->local, hashes[0]);

	if (!err)
		err = natd_hash(sa->spi_i, sa->spi_r, &sa->remote, hashes[1]);
	if (err)
		return err;
	notify(&p[0], NOTIFY_NAT_DETECTION_SOURCE_IP, chunk_from(hashes[0], 20));
	notify(&p[1], NOTIFY_NAT_DETECTION_DESTINATION_IP,
	       chunk_from(hashes[1], 20));
	return 0;
}

/* Does any notify of @type in @m carry the hash of @a? */
static bool natd_match(const struct enc_message *m, uint16_t type,
		       const struct sockaddr_in *a, bool *present)
{
	const struct enc_payload *p = NULL;
	uint8_t h[20];

	if (natd_hash(m->hdr.spi_i, m->hdr.spi_r, a, h))
		return false;
	while ((p = enc_message_find(m, IKE_PL_NOTIFY, p))) {
		if (p->u.notify.type != type)
			continue;
		*present = true;
		if (chunk_equal(p->u.notify.data, chunk_from(h, 20)))
			return true;
	}
	return false;
}

/* Who is behind a NAT, from the peer's message (2.23). */
static void natd_check(struct ike_sa *sa, const struct enc_message *m)
{
	bool src = false, dst = false;
	bool src_ok = natd_match(m, NOTIFY_NAT_DETECTION_SOURCE_IP,
				 &sa->remote, &src);
	bool dst_ok = natd_match(m, NOTIFY_NAT_DETECTION_DESTINATION_IP,
				 &sa->local, &dst);

	/* No notifies: the peer does not do NAT-T; assume no NAT. */
	sa->nat_remote = src && !src_ok;
	sa->nat_local = dst && !dst_ok;
}

/* RFC 7383 2.3: fragments go only where both ends said they take them. */
static bool frag_negotiated(const struct ike_sa *sa,
			    const struct enc_message *m)
{
	return sa->conn->fragmentation &&
	       enc_message_notify(m, NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED);
}

/* Our key pair of @group. */
static int new_key_pair(struct ike_sa *sa, uint16_t group)
{
	dh_key_free(sa->dh);
	sa->dh = NULL;
	sa->dh_group = group;
	return dh_key_create(group, &sa->dh);
}

/*
 * The responder's key pair of @group, reused within dh-reuse (dh_cache.h),
 * its public value in @pub.
 */
static int responder_key(struct ike_sa *sa, const struct ike_ctx *c,
			 uint16_t group, struct chunk *pub)
{
	int err;

	dh_key_free(sa->dh);
	sa->dh = NULL;
	sa->dh_group = group;
	err = dh_cache_key(c->dh_cache, group, c->now_ms, &sa->dh);
	return err ? err : dh_public_value(sa->dh, pub);
}

/*
 * KE, nonce, NAT detection and fragmentation: shared by both roles; the
 * initiator's retry leads with the cookie.
 */
struct init_payloads {
	struct enc_payload p[8];
	size_t n;
	struct chunk pub;
	uint8_t natd[2][20];
};

static int add_common(struct ike_sa *sa, struct init_payloads *ip,
		      struct chunk nonce)
{
	struct enc_payload *p = ip->p;
	int err;

	memset(&p[ip->n], 0, sizeof(p[0]));
	p[ip->n].type = IKE_PL_KE;
	p[ip->n].u.ke.group = sa->dh_group;
	p[ip->n++].u.ke.data = ip->pub;
	memset(&p[ip->n], 0, sizeof(p[0]));
	p[ip->n].type = IKE_PL_NONCE;
	p[ip->n++].u.nonce.data = nonce;
	err = natd_payloads(sa, ip->natd, &p[ip->n]);
	if (err)
		return err;
	ip->n += 2;
	if (sa->conn->fragmentation)
		notify(&p[ip->n++], NOTIFY_IKEV2_FRAGMENTATION_SUPPORTED,
		       CHUNK_EMPTY);
	return 0;
}

/*
 * The request with our current key pair and nonce, after the cookie if
 * the responder gave us one (2.6); it is kept (IKE_AUTH signs it) and
 * sent.
 */
static int send_request(struct ike_sa *sa, const struct ike_ctx *c)
{
	uint8_t scratch[2048], msg[IKE_MSG_MAX];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	struct init_payloads ip = { .n = 0 };
	int err;

	sa->spi_r = 0;
	sa->next_req_id = 0;
	if (sa->cookie.len)
		notify(&ip.p[ip.n++], NOTIFY_COOKIE, sa->cookie);
	err = dh_public_value(sa->dh, &ip.pub);
	if (!err)
		err = nego_offer(sa->conn->ike, sa->conn->n_ike, IKE_PROTO_IKE,
				 0, &ip.p[ip.n++], &sb);
	if (!err)
		err = add_common(sa, &ip, sa->ni);
	if (!err)
		err = ike_sa_build(sa, IKE_SA_INIT, false, 0, ip.p, ip.n,
				   false, &mb);
	chunk_free(&ip.pub);
	if (err)
		return err;
	chunk_free(&sa->init_req);
	err = chunk_dup(&sa->init_req, msg, mb.len);
	return err ? err : ike_sa_send_request(sa, c, IKE_SA_INIT,
					       enc_buf_chunk(&mb));
}

int ike_init_start(struct ike_sa *sa, const struct ike_ctx *c,
		   uint16_t group)
{
	int err = new_key_pair(sa, group);

	chunk_free(&sa->cookie);
	sa->cookie_tries = 0;
	if (!err)
		err = ike_nonce_new(c, &sa->ni);
	return err ? err : send_request(sa, c);
}

/*
 * The responder wants a cookie (2.6): the same request (SPIi, Ni, KE)
 * again, led by it; a bounded number of times, as anyone can send one.
 */
static int cookie_retry(struct ike_sa *sa, const struct ike_ctx *c,
			struct chunk cookie)
{
	int err;

	if (++sa->cookie_tries > COOKIE_MAX_TRIES)
		return -ECONNREFUSED;
	chunk_free(&sa->cookie);
	err = chunk_dup(&sa->cookie, cookie.ptr, cookie.len);
	return err ? err : send_request(sa, c);
}

/* g^ir, then SKEYSEED and the seven keys; g^ir is wiped. */
static int derive(struct ike_sa *sa, struct chunk peer_pub)
{
	uint8_t spi_i[8], spi_r[8];
	struct chunk gir = CHUNK_EMPTY;
	int err = dh_compute_shared(sa->dh, peer_pub, &gir);

	if (err)
		return err;
	enc_put_be64(spi_i, sa->spi_i);
	enc_put_be64(spi_r, sa->spi_r);
	ike_sa_keys_clear(&sa->keys);
	err = keymat_ike_sa(&sa->suite, sa->ni, sa->nr, gir, spi_i, spi_r,
			    &sa->keys);
	chunk_clear(&gir);
	/* The private value has done its job. */
	dh_key_free(sa->dh);
	sa->dh = NULL;
	return err;
}

/* After NAT detection: IKE_AUTH and ESP move to port 4500 (2.23). */
static void natt_switch(struct ike_sa *sa)
{
	if (!sa->nat_local && !sa->nat_remote)
		return;
	sa->natt = true;
	sa->local.sin_port = htons(NATT_PORT);
	sa->remote.sin_port = htons(NATT_PORT);
}

/* The group an INVALID_KE_PAYLOAD asks for, if we have it configured. */
static int retry_group(const struct ike_sa *sa, const struct enc_payload *n,
		       uint16_t *group)
{
	const struct chunk d = n->u.notify.data;

	if (d.len != 2)
		return -EBADMSG;
	*group = (uint16_t)(d.ptr[0] << 8 | d.ptr[1]);
	if (*group == sa->dh_group)
		return -EPROTO;	/* the peer asks for what it refused */
	for (unsigned int i = 0; i < sa->conn->n_ike; i++)
		for (unsigned int k = 0; k < sa->conn->ike[i].n_dh; k++)
			if (sa->conn->ike[i].dh[k] == *group)
				return 0;
	return -ENOENT;
}

/*
 * Our IKE_SA_INIT request can exist in several versions at once: the first
 * one and its retransmissions may each draw a COOKIE or INVALID_KE_PAYLOAD
 * answer after we have already sent the corrected request. Acting on the
 * late ones would send yet another version, and the responder may then
 * answer two versions with two SAs: IKE_AUTH signs one request, the
 * responder's SA holds the other, and AUTH fails. So a KE refusal asking
 * for the group we now use, and a COOKIE while our request with a cookie
 * has not been retransmitted yet, are answers to an older version.
 */
bool ike_init_stale(const struct ike_sa *sa, const struct enc_message *m)
{
	const struct enc_payload *p;

	p = enc_message_notify(m, NOTIFY_INVALID_KE_PAYLOAD);
	if (p && p->u.notify.data.len == 2 &&
	    (p->u.notify.data.ptr[0] << 8 | p->u.notify.data.ptr[1]) ==
	    sa->dh_group)
		return true;
	return enc_message_notify(m, NOTIFY_COOKIE) && sa->cookie.len &&
	       !sa->retx_count;
}

/* Any error notify ends the attempt, except the KE retry. */
static int response_errors(struct ike_sa *sa, const struct ike_ctx *c,
			   const struct enc_message *m)
{
	const struct enc_payload *p = enc_message_notify(
		m, NOTIFY_INVALID_KE_PAYLOAD);
	uint16_t group;
	int err;

	if (p) {
		/*
		 * A new key pair, the same nonce and cookie: the responder's
		 * cookie covers Ni, so the retry needs no second round trip.
		 */
		err = retry_group(sa, p, &group);
		if (!err)
			err = new_key_pair(sa, group);
		if (!err)
			err = send_request(sa, c);
		return err ? err : IKE_INIT_RETRIED;
	}
	p = enc_message_notify(m, NOTIFY_COOKIE);
	if (p) {
		err = cookie_retry(sa, c, p->u.notify.data);
		return err ? err : IKE_INIT_RETRIED;
	}
	p = NULL;
	while ((p = enc_message_find(m, IKE_PL_NOTIFY, p)))
		if (p->u.notify.type <= NOTIFY_ERROR_MAX)
			return -ECONNREFUSED;
	return 0;
}

int ike_init_process(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *m)
{
	const struct enc_payload *ke, *nr;
	struct nego_choice ch;
	int err = response_errors(sa, c, m);

	if (err)
		return err;
	ke = enc_message_find(m, IKE_PL_KE, NULL);
	nr = enc_message_find(m, IKE_PL_NONCE, NULL);
	err = nego_select(sa->conn->ike, sa->conn->n_ike, IKE_PROTO_IKE,
			  &enc_message_find(m, IKE_PL_SA, NULL)->u.sa,
			  sa->dh_group, true, &ch);
	/* The responder must take the group our KE payload is for. */
	if (err || ch.dh != sa->dh_group || ke->u.ke.group != sa->dh_group ||
	    !m->hdr.spi_r)
		return err ? err : -EPROTO;
	sa->suite = ch.suite;
	sa->spi_r = m->hdr.spi_r;
	err = chunk_dup(&sa->nr, nr->u.nonce.data.ptr, nr->u.nonce.data.len);
	if (!err)
		err = chunk_dup(&sa->init_resp, m->data.ptr, m->data.len);
	if (!err)
		err = derive(sa, ke->u.ke.data);
	if (err)
		return err;
	natd_check(sa, m);
	natt_switch(sa);
	sa->peer_frag = frag_negotiated(sa, m);
	sa->state = IKE_SA_STATE_AUTH;
	return 0;
}

int ike_init_error(const struct enc_header *req, uint16_t type,
		   struct chunk data, struct enc_buf *out)
{
	struct enc_header h = {
		.spi_i = req->spi_i,
		.version = IKE_VERSION_MAJOR << 4 | IKE_VERSION_MINOR,
		.exchange = req->exchange,
		.flags = IKE_FLAG_RESPONSE,
		.message_id = req->message_id,
	};
	struct enc_payload p;

	notify(&p, type, data);
	out->len = 0;
	return enc_message_generate(out, &h, &p, 1, NULL);
}

/* Why a peer gets NO_PROPOSAL_CHOSEN, for the operator. */
static void log_no_proposal(const struct ike_sa *sa, const struct ike_ctx *c,
			    bool any_conn)
{
	char peer[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->remote.sin_addr, peer, sizeof(peer));
	ike_log(c, LOG_NOTICE, "IKE_SA_INIT from %s refused: %s", peer,
		any_conn ? "none of its proposals is configured" :
			   "no connection for its address");
}

/*
 * The connection and proposal for the request: the first connection for
 * these addresses with a proposal the peer offers. On failure, @out gets
 * NO_PROPOSAL_CHOSEN, or INVALID_KE_PAYLOAD naming our group when the
 * chosen proposal does not include the group of the peer's KE.
 */
static int choose(struct ike_sa *sa, const struct ike_ctx *c,
		  const struct enc_message *m, struct nego_choice *ch,
		  struct enc_buf *out)
{
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	const struct enc_sa *offer = &enc_message_find(m, IKE_PL_SA, NULL)->u.sa;
	struct conn *conn = NULL;
	bool any_conn = false;
	uint8_t g[2];
	int err;

	while ((conn = nego_conn_by_addrs(c->cfg, &sa->local, &sa->remote,
					  conn))) {
		any_conn = true;
		err = nego_select(conn->ike, conn->n_ike, IKE_PROTO_IKE, offer,
				  ke->u.ke.group, false, ch);
		if (err == -ENOENT)
			continue;
		if (err)	/* the SA payload itself is malformed */
			return ike_init_error(&m->hdr, enc_error_notify(err),
					      CHUNK_EMPTY, out) ?: err;
		if (ch->dh != ke->u.ke.group) {
			g[0] = (uint8_t)(ch->dh >> 8);
			g[1] = (uint8_t)ch->dh;
			err = ike_init_error(&m->hdr, NOTIFY_INVALID_KE_PAYLOAD,
					     chunk_from(g, 2), out);
			return err ?: -EAGAIN;
		}
		ike_sa_set_conn(sa, conn);
		sa->suite = ch->suite;
		sa->dh_group = ch->dh;
		return 0;
	}
	log_no_proposal(sa, c, any_conn);
	err = ike_init_error(&m->hdr, NOTIFY_NO_PROPOSAL_CHOSEN, CHUNK_EMPTY,
			     out);
	return err ?: -ENOENT;
}

/* The peer's nonce and our key pair, then SKEYSEED and the keys. */
static int responder_keys(struct ike_sa *sa, const struct ike_ctx *c,
			  const struct enc_message *m, struct chunk *pub)
{
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	const struct chunk ni =
		enc_message_find(m, IKE_PL_NONCE, NULL)->u.nonce.data;
	int err = dh_check_peer(ke->u.ke.group, ke->u.ke.data);

	if (!err)
		err = chunk_dup(&sa->ni, ni.ptr, ni.len);
	if (!err)
		err = ike_nonce_new(c, &sa->nr);
	if (!err)
		err = responder_key(sa, c, sa->dh_group, pub);
	if (!err)
		err = derive(sa, ke->u.ke.data);
	return err;
}

int ike_init_respond(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *m, struct enc_buf *out)
{
	uint8_t scratch[512];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct init_payloads ip = { .n = 1 };
	struct nego_choice ch;
	int err = choose(sa, c, m, &ch, out);

	if (err)
		return err;
	err = responder_keys(sa, c, m, &ip.pub);
	if (err) {
		/* A bad KE value is the peer's fault: say so (2.21.1). */
		chunk_free(&ip.pub);
		ike_init_error(&m->hdr, NOTIFY_INVALID_SYNTAX, CHUNK_EMPTY,
			       out);
		return err;
	}
	err = nego_answer(&ch, IKE_PROTO_IKE, 0, &ip.p[0], &sb);
	if (!err)
		err = add_common(sa, &ip, sa->nr);
	out->len = 0;
	if (!err)
		err = ike_sa_build(sa, IKE_SA_INIT, true, 0, ip.p, ip.n, false,
				   out);
	chunk_free(&ip.pub);
	if (!err)
		err = chunk_dup(&sa->init_req, m->data.ptr, m->data.len);
	if (!err)
		err = chunk_dup(&sa->init_resp, out->ptr, out->len);
	if (err) {
		out->len = 0;
		return err;
	}
	natd_check(sa, m);
	sa->peer_frag = frag_negotiated(sa, m);
	sa->state = IKE_SA_STATE_AUTH;
	return 0;
}
