// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ike_auth.c - the IKE_AUTH exchange, both roles: identities, PSK
 * authentication (RFC 7296 2.15), the responder's choice of connection by
 * addresses and IDs, and the first Child SA (1.2, 2.9, 2.17) which goes
 * into actun through child.c.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "child.h"
#include "crypto/prf.h"
#include "negotiate.h"
#include "tasks.h"

#define KEY_PAD "Key Pad for IKEv2"

/*
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>), with
 * SignedOctets = RealMessage | Nonce of the other side | prf(SK_p, ID')
 * where ID' is the ID payload body (type, 3 reserved bytes, data).
 */
static int psk_auth(const struct ike_sa *sa, struct chunk psk,
		    bool of_initiator, const struct enc_id *id,
		    struct chunk *out)
{
	uint8_t hdr[4] = { id->type, 0, 0, 0 };
	struct chunk idp = CHUNK_EMPTY, maced = CHUNK_EMPTY, octets = CHUNK_EMPTY;
	struct chunk pad = CHUNK_EMPTY;
	uint16_t p = sa->suite.prf;
	int err;

	err = CHUNK_CAT(&idp, chunk_from(hdr, 4), id->data);
	if (!err)
		err = prf(p, of_initiator ? sa->keys.sk_pi : sa->keys.sk_pr,
			  idp, &maced);
	if (!err)
		err = CHUNK_CAT(&octets,
				of_initiator ? sa->init_req : sa->init_resp,
				of_initiator ? sa->nr : sa->ni, maced);
	if (!err)
		err = prf(p, psk, chunk_from(KEY_PAD, strlen(KEY_PAD)), &pad);
	if (!err)
		err = prf(p, pad, octets, out);
	chunk_free(&idp);
	chunk_clear(&maced);
	chunk_free(&octets);
	chunk_clear(&pad);
	return err;
}

/* Does the peer's AUTH payload prove it knows the connection's PSK? */
static int verify_auth(const struct ike_sa *sa, const struct enc_message *m,
		       const struct enc_id *peer_id)
{
	const struct enc_payload *a = enc_message_find(m, IKE_PL_AUTH, NULL);
	struct chunk want = CHUNK_EMPTY;
	int err;

	if (!a || a->u.auth.method != AUTH_METHOD_PSK)
		return -EACCES;
	err = psk_auth(sa, sa->conn->psk, !sa->initiator, peer_id, &want);
	if (!err && !chunk_equal_const(want, a->u.auth.data))
		err = -EACCES;
	chunk_clear(&want);
	return err;
}

/* Our ID and AUTH payloads; @auth holds the AUTH value (clear it). */
static int add_id_auth(const struct ike_sa *sa, struct enc_payload *p,
		       struct chunk *auth)
{
	memset(p, 0, 2 * sizeof(*p));
	p[0].type = sa->initiator ? IKE_PL_IDI : IKE_PL_IDR;
	p[0].u.id.type = sa->conn->local_id.type;
	p[0].u.id.data = sa->conn->local_id.data;
	p[1].type = IKE_PL_AUTH;
	p[1].u.auth.method = AUTH_METHOD_PSK;
	int err = psk_auth(sa, sa->conn->psk, sa->initiator, &p[0].u.id, auth);

	p[1].u.auth.data = *auth;
	return err;
}

int ike_auth_start(struct ike_sa *sa, const struct ike_ctx *c)
{
	uint8_t scratch[4096], msg[IKE_MSG_MAX];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	const struct conn *cn = sa->conn;
	struct enc_payload p[7];
	struct chunk auth = CHUNK_EMPTY;
	size_t n = 2;
	int err = add_id_auth(sa, p, &auth);

	/* IDr, when configured, names the responder's identity (1.2). */
	if (cn->remote_id.type) {
		p[2] = p[1];
		memset(&p[1], 0, sizeof(p[1]));
		p[1].type = IKE_PL_IDR;
		p[1].u.id.type = cn->remote_id.type;
		p[1].u.id.data = cn->remote_id.data;
		n++;
	}
	/* The peer may drop what it had with us (2.4, manager.c). */
	if (sa->initial_contact) {
		memset(&p[n], 0, sizeof(p[n]));
		p[n].type = IKE_PL_NOTIFY;
		p[n++].u.notify.type = NOTIFY_INITIAL_CONTACT;
	}
	if (!err)
		err = child_spi(c, &sa->nego.spi_in);
	if (!err)
		err = nego_offer(cn->esp, cn->n_esp, IKE_PROTO_ESP,
				 sa->nego.spi_in, &p[n++], &sb);
	if (!err)
		err = nego_ts_build(cn->local_ts, cn->n_local_ts, IKE_PL_TSI,
				    &p[n++], &sb);
	if (!err)
		err = nego_ts_build(cn->remote_ts, cn->n_remote_ts, IKE_PL_TSR,
				    &p[n++], &sb);
	if (!err)
		err = ike_sa_build(sa, IKE_AUTH, false, sa->next_req_id, p, n,
				   true, &mb);
	chunk_clear(&auth);
	return err ? err : ike_sa_send_request(sa, c, IKE_AUTH,
					       enc_buf_chunk(&mb));
}

/* The keys of IKE_AUTH's Child SA come from IKE_SA_INIT's nonces. */
static struct child_keying auth_keying(const struct ike_sa *sa)
{
	return (struct child_keying){ .initiator = sa->initiator,
				      .ni = sa->ni, .nr = sa->nr };
}

/* The initiator's side of the first Child SA, from the response. */
static int initiator_child(struct ike_sa *sa, const struct ike_ctx *c,
			   const struct enc_message *m)
{
	const struct conn *cn = sa->conn;
	struct child_keying k = auth_keying(sa);
	struct child_nego n;
	int err;

	/*
	 * The Child SA was refused (the IKE SA stands, 1.2); with an error
	 * notify the encoding lets the three payloads be incomplete.
	 */
	if (!enc_message_find(m, IKE_PL_SA, NULL) ||
	    !enc_message_find(m, IKE_PL_TSI, NULL) ||
	    !enc_message_find(m, IKE_PL_TSR, NULL))
		return 0;
	err = child_select_response(cn, m, false, cn->local_ts,
				    cn->n_local_ts, cn->remote_ts,
				    cn->n_remote_ts, &n);
	return err ? err : child_install(sa, c, &n, sa->nego.spi_in, &k);
}

int ike_auth_process(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *m)
{
	const struct enc_payload *idr = enc_message_find(m, IKE_PL_IDR, NULL);
	const struct enc_payload *p = NULL;

	/* AUTHENTICATION_FAILED and friends, without IDr/AUTH: give up. */
	if (!idr)
		return -EACCES;
	if (sa->conn->remote_id.type &&
	    !nego_id_equal(&sa->conn->remote_id, &idr->u.id))
		return -EACCES;
	if (verify_auth(sa, m, &idr->u.id))
		return -EACCES;
	while ((p = enc_message_find(m, IKE_PL_NOTIFY, p)))
		if (p->u.notify.type == NOTIFY_AUTHENTICATION_FAILED)
			return -EACCES;
	/*
	 * Authenticated: a refused or bad Child SA leaves the IKE SA up
	 * without it (a later CREATE_CHILD_SA may succeed).
	 */
	initiator_child(sa, c, m);
	return 0;
}

/* The responder's Child SA; a refusal becomes the notify in @err_type. */
static int responder_child(struct ike_sa *sa, const struct ike_ctx *c,
			   const struct enc_message *m, struct enc_payload *p,
			   struct enc_buf *sb, uint16_t *err_type)
{
	struct child_keying k = auth_keying(sa);
	struct child_nego n;
	int err;

	if (child_select_request(sa->conn, m, false, 0, &n, err_type))
		return -ENOENT;
	/* The peer may retry later; nothing is wrong with its request. */
	*err_type = NOTIFY_TEMPORARY_FAILURE;
	err = child_spi(c, &sa->nego.spi_in);
	if (!err)
		err = child_answer(&n, sa->nego.spi_in, p, sb);
	if (!err)
		err = child_install(sa, c, &n, sa->nego.spi_in, &k);
	return err;
}

static void notify(struct enc_payload *p, uint16_t type)
{
	memset(p, 0, sizeof(*p));
	p->type = IKE_PL_NOTIFY;
	p->u.notify.type = type;
}

/* The encrypted AUTHENTICATION_FAILED answer (2.21.2). */
static int auth_failed(struct ike_sa *sa, const struct enc_message *m,
		       struct enc_buf *out)
{
	struct enc_payload p;

	notify(&p, NOTIFY_AUTHENTICATION_FAILED);
	out->len = 0;
	ike_sa_build(sa, IKE_AUTH, true, m->hdr.message_id, &p, 1, true, out);
	return -EACCES;
}

/*
 * An identity for a log line: printable ASCII kept but for the quote
 * and backslash (it must not fake the rest of the line), the rest '?'.
 */
static void id_string(const struct enc_id *id, char *buf, size_t len)
{
	size_t i, n = id->data.len < len - 1 ? id->data.len : len - 1;

	if (id->type == IKE_ID_IPV4_ADDR && id->data.len == 4) {
		inet_ntop(AF_INET, id->data.ptr, buf, len);
		return;
	}
	for (i = 0; i < n; i++)
		buf[i] = isprint(id->data.ptr[i]) && id->data.ptr[i] != '\'' &&
			 id->data.ptr[i] != '\\' ? id->data.ptr[i] : '?';
	buf[n] = '\0';
}

/* Why a peer gets AUTHENTICATION_FAILED, for the operator. */
static int refused(const struct ike_sa *sa, const struct ike_ctx *c,
		   const struct enc_id *id, const char *why)
{
	char peer[INET_ADDRSTRLEN], name[128] = "";

	inet_ntop(AF_INET, &sa->remote.sin_addr, peer, sizeof(peer));
	if (id)
		id_string(id, name, sizeof(name));
	ike_log(c, LOG_NOTICE, "IKE_AUTH from %s%s%s%s refused: %s", peer,
		id ? " (ID '" : "", name, id ? "')" : "", why);
	return -EACCES;
}

/* Pick the connection by IDs and check the initiator's AUTH. */
static int responder_authenticate(struct ike_sa *sa, const struct ike_ctx *c,
				  const struct enc_message *m)
{
	const struct enc_payload *idi = enc_message_find(m, IKE_PL_IDI, NULL);
	const struct enc_payload *idr = enc_message_find(m, IKE_PL_IDR, NULL);
	char why[128];
	struct conn *conn;

	if (!idi)
		return refused(sa, c, NULL, "no identity");
	conn = nego_conn_by_ids(c->cfg, &sa->local, &sa->remote, &idi->u.id,
				idr ? &idr->u.id : NULL);
	if (!conn)
		return refused(sa, c, &idi->u.id, "no connection for it");
	ike_sa_set_conn(sa, conn);
	if (verify_auth(sa, m, &idi->u.id)) {
		snprintf(why, sizeof(why), "its AUTH is not made with the PSK "
			 "of connection %s", conn->name);
		return refused(sa, c, &idi->u.id, why);
	}
	return 0;
}

int ike_auth_respond(struct ike_sa *sa, const struct ike_ctx *c,
		     const struct enc_message *m, struct enc_buf *out)
{
	uint8_t scratch[4096];
	struct enc_buf sb = enc_buf_init(scratch, sizeof(scratch));
	struct enc_payload p[5];
	struct chunk auth = CHUNK_EMPTY;
	uint16_t refused;
	size_t n = 2;
	int err;

	if (responder_authenticate(sa, c, m))
		return auth_failed(sa, m, out);
	err = add_id_auth(sa, p, &auth);
	if (!err && enc_message_find(m, IKE_PL_SA, NULL)) {
		if (responder_child(sa, c, m, &p[2], &sb, &refused))
			notify(&p[n++], refused);
		else
			n += 3;
	}
	out->len = 0;
	if (!err)
		err = ike_sa_build(sa, IKE_AUTH, true, m->hdr.message_id, p, n,
				   true, out);
	chunk_clear(&auth);
	return err;
}
