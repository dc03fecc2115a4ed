// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * child_create.c - the CREATE_CHILD_SA exchange for Child SAs, both roles
 * (RFC 7296 1.3.1, 1.3.3, 2.8, 2.17): a new pair or the rekey of one
 * (N(REKEY_SA)), PFS with a KE payload, the INVALID_KE_PAYLOAD retry.
 *
 * Rekeying keeps the old pair: the new one is installed beside it (inbound
 * before outbound, child_install), then the rekey initiator queues the
 * DELETE of the old pair (2.8). A refused or failed Child SA never takes
 * the IKE SA down. IKE SA rekeying (an SA payload without selectors) is
 * ike_rekey.c's; the manager sends it there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "msg.h"
#include "tasks.h"

/* Forget the exchange's nonce and PFS key (the SPI is not secret). */
static void nego_reset(struct ike_sa *sa)
{
	chunk_clear(&sa->nego.ni);
	dh_key_free(sa->nego.dh);
	sa->nego.dh = NULL;
	sa->nego.dh_group = 0;
}

/* The request: [N(REKEY_SA)], SA, Ni, [KEi], TSi, TSr (1.3.1, 1.3.3). */
static int build_request(struct ike_sa *sa, const struct ike_child *old,
			 struct task_msg *x)
{
	const struct conn *cn = sa->conn;
	struct enc_payload *p;
	int err;

	if (old) {
		p = task_msg_add(x, IKE_PL_NOTIFY);
		p->u.notify.protocol = IKE_PROTO_ESP;
		p->u.notify.type = NOTIFY_REKEY_SA;
		enc_put_be32(x->spi, old->spi_in);
		p->u.notify.spi = chunk_from(x->spi, 4);
	}
	err = nego_offer_pfs(cn->esp, cn->n_esp, sa->nego.spi_in,
			     task_msg_add(x, IKE_PL_SA), &x->sb);
	if (err)
		return err;
	task_msg_add(x, IKE_PL_NONCE)->u.nonce.data = sa->nego.ni;
	if (sa->nego.dh_group) {
		err = task_msg_add_ke(x, sa->nego.dh_group, &sa->nego.dh);
		if (err)
			return err;
	}
	err = nego_ts_build(old ? old->local_ts : cn->local_ts,
			    old ? old->n_local_ts : cn->n_local_ts, IKE_PL_TSI,
			    task_msg_add(x, IKE_PL_TSI), &x->sb);
	if (!err)
		err = nego_ts_build(old ? old->remote_ts : cn->remote_ts,
				    old ? old->n_remote_ts : cn->n_remote_ts,
				    IKE_PL_TSR, task_msg_add(x, IKE_PL_TSR),
				    &x->sb);
	return err;
}

/* Send a request for a pair (rekeying @old if set) with PFS @group. */
static int start(struct ike_sa *sa, const struct ike_ctx *c,
		 const struct ike_child *old, uint16_t group)
{
	uint8_t msg[IKE_MSG_MAX];
	struct enc_buf mb = enc_buf_init(msg, sizeof(msg));
	struct task_msg *x = task_msg_new();
	int err;

	if (!x)
		return -ENOMEM;
	nego_reset(sa);
	sa->nego.dh_group = group;
	sa->nego.rekey_spi_in = old ? old->spi_in : 0;
	err = child_spi(c, &sa->nego.spi_in);
	if (!err)
		err = ike_nonce_new(c, &sa->nego.ni);
	if (!err)
		err = build_request(sa, old, x);
	if (!err)
		err = ike_sa_build(sa, CREATE_CHILD_SA, false, sa->next_req_id,
				   x->p, x->n, true, &mb);
	task_msg_free(x);
	if (!err)
		err = ike_sa_send_request(sa, c, CREATE_CHILD_SA,
					  enc_buf_chunk(&mb));
	if (err)
		nego_reset(sa);
	return err;
}

/* Our first proposal's PFS group, 0 without PFS. */
static uint16_t first_group(const struct conn *cn)
{
	return cn->n_esp && cn->esp[0].n_dh ? cn->esp[0].dh[0] : 0;
}

/* A new exchange: no retry yet, no collision seen. */
static void exchange_reset(struct ike_sa *sa)
{
	sa->nego.retried = false;
	sa->nego.collide_spi_in = 0;
	chunk_free(&sa->nego.collide_nonce);
}

int child_rekey_start(struct ike_sa *sa, const struct ike_ctx *c,
		      uint32_t spi_in)
{
	const struct ike_child *old = ike_sa_child_by_in(sa, spi_in);

	/* Gone, going, or already replaced by a newer pair. */
	if (!old || old->rekeyed || old->deleting)
		return -ENOENT;
	exchange_reset(sa);
	return start(sa, c, old, first_group(sa->conn));
}

int child_create_start(struct ike_sa *sa, const struct ike_ctx *c)
{
	if (sa->n_children >= IKE_SA_MAX_CHILD)
		return -ENOSPC;
	exchange_reset(sa);
	return start(sa, c, NULL, first_group(sa->conn));
}

/* Whether @group is one of our ESP proposals' PFS groups. */
static bool pfs_group_ok(const struct conn *cn, uint16_t group)
{
	for (unsigned int i = 0; i < cn->n_esp; i++)
		for (unsigned int k = 0; k < cn->esp[i].n_dh; k++)
			if (cn->esp[i].dh[k] == group)
				return true;
	return false;
}

/*
 * INVALID_KE_PAYLOAD: send the request again, once, with the group the
 * responder asks for if we have it (1.3.1, 2.7). Return 0 if sent.
 */
static int retry_ke(struct ike_sa *sa, const struct ike_ctx *c,
		    const struct enc_payload *n)
{
	const struct chunk d = n->u.notify.data;
	uint32_t rekey = sa->nego.rekey_spi_in;
	const struct ike_child *old = NULL;
	uint16_t group;

	if (sa->nego.retried || d.len != 2)
		return -EPROTO;
	group = (uint16_t)(d.ptr[0] << 8 | d.ptr[1]);
	if (group == sa->nego.dh_group || !pfs_group_ok(sa->conn, group))
		return -ENOENT;
	if (rekey) {
		old = ike_sa_child_by_in(sa, rekey);
		if (!old || old->rekeyed || old->deleting)
			return -ENOENT;
	}
	sa->nego.retried = true;
	return start(sa, c, old, group);
}

/* Any error notify (refusal) in @m. */
static bool has_error(const struct enc_message *m)
{
	const struct enc_payload *p = NULL;

	while ((p = enc_message_find(m, IKE_PL_NOTIFY, p)))
		if (p->u.notify.type <= NOTIFY_ERROR_MAX)
			return true;
	return false;
}

/* g^ir of the response's KE with our key pair; empty without PFS. */
static int response_secret(struct ike_sa *sa, const struct child_nego *n,
			   const struct enc_message *m, struct chunk *g_ir)
{
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);

	*g_ir = CHUNK_EMPTY;
	/* The responder must take the group our KE payload is for. */
	if (n->ch.dh != sa->nego.dh_group)
		return -EPROTO;
	if (!n->ch.dh)
		return 0;
	if (!ke || ke->u.ke.group != n->ch.dh || !sa->nego.dh)
		return -EPROTO;
	return dh_compute_shared(sa->nego.dh, ke->u.ke.data, g_ir);
}

/* The new pair from a successful response; the old one is to go. */
static int install_response(struct ike_sa *sa, const struct ike_ctx *c,
			    const struct enc_message *m)
{
	const struct ike_child *old = sa->nego.rekey_spi_in ?
		ike_sa_child_by_in(sa, sa->nego.rekey_spi_in) : NULL;
	const struct conn *cn = sa->conn;
	const struct enc_payload *nr = enc_message_find(m, IKE_PL_NONCE, NULL);
	struct child_keying k = { .initiator = true, .ni = sa->nego.ni };
	struct child_nego n;
	int err;

	if (!nr)
		return -EPROTO;
	k.nr = nr->u.nonce.data;
	/* What we proposed: the old pair's selectors, else the conn's. */
	err = child_select_response(cn, m, true,
				    old ? old->local_ts : cn->local_ts,
				    old ? old->n_local_ts : cn->n_local_ts,
				    old ? old->remote_ts : cn->remote_ts,
				    old ? old->n_remote_ts : cn->n_remote_ts,
				    &n);
	if (!err)
		err = response_secret(sa, &n, m, &k.g_ir);
	if (!err)
		err = child_install(sa, c, &n, sa->nego.spi_in, &k);
	chunk_clear(&k.g_ir);
	return err;
}

/*
 * Both ends rekeyed the same pair at once (2.8.1): the new pair whose
 * exchange has the lowest of the four nonces is redundant and its
 * creator deletes it; the creator of the other deletes the old pair.
 * Return: whether ours (nonces Ni, @nr) is the redundant one.
 */
static bool lost_collision(const struct ike_sa *sa, struct chunk nr)
{
	return sa->nego.collide_spi_in &&
	       chunk_compare(chunk_min(sa->nego.ni, nr),
			 sa->nego.collide_nonce) < 0;
}

/* After our pair is in: the old one is replaced and gets its DELETE. */
static void retire_old(struct ike_sa *sa, struct chunk nr)
{
	struct ike_child *old;

	if (!sa->nego.rekey_spi_in)
		return;
	old = ike_sa_child_by_in(sa, sa->nego.rekey_spi_in);
	if (!old)
		return;	/* the peer deleted it meanwhile */
	old->rekeyed = true;
	if (lost_collision(sa, nr))
		old = ike_sa_child_by_in(sa, sa->nego.spi_in);
	if (old)
		ike_sa_queue_child_job(sa, IKE_JOB_DELETE_CHILD, old);
}

int child_create_process(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *m)
{
	const struct enc_payload *ike =
		enc_message_notify(m, NOTIFY_INVALID_KE_PAYLOAD);
	int err;

	if (ike && !retry_ke(sa, c, ike))
		return 0;	/* sent again: keep the exchange's state */
	/*
	 * A refusal (or a response we cannot use) leaves the old pair
	 * until its hard expiry; the IKE SA stands.
	 */
	if (has_error(m)) {
		nego_reset(sa);
		return 0;
	}
	/*
	 * A pair the peer installed and we could not stays on its side until
	 * it expires: a DELETE names our SPI of a pair we hold (1.4.1).
	 */
	err = install_response(sa, c, m);
	if (!err)
		retire_old(sa,
			   enc_message_find(m, IKE_PL_NONCE, NULL)->u.nonce.data);
	nego_reset(sa);
	return 0;
}

/*
 * The responder's exchange: what it refuses with (@notify, @protocol,
 * @x->data) or the new pair's secrets, to be wiped by resp_clear().
 */
struct ccs_resp {
	struct task_msg *x;
	struct child_nego n;
	struct ike_child *old;
	uint16_t notify;
	uint8_t protocol;
	struct chunk nr, g_ir;
	struct dh_key *dh;
};

static void resp_clear(struct ccs_resp *r)
{
	task_msg_free(r->x);
	r->x = NULL;
	chunk_clear(&r->nr);
	chunk_clear(&r->g_ir);
	dh_key_free(r->dh);
	r->dh = NULL;
}

static int refuse(struct ccs_resp *r, uint16_t notify)
{
	r->notify = notify;
	return -ENOENT;
}

/* N(REKEY_SA): the pair it names by the peer's inbound SPI (2.8). */
static int find_rekeyed(struct ike_sa *sa, const struct enc_message *m,
			struct ccs_resp *r)
{
	const struct enc_payload *n = enc_message_notify(m, NOTIFY_REKEY_SA);

	if (!n)
		return 0;
	if (n->u.notify.protocol != IKE_PROTO_ESP || n->u.notify.spi.len != 4)
		return refuse(r, NOTIFY_INVALID_SYNTAX);
	r->old = ike_sa_child_by_out(sa, enc_get_be32(n->u.notify.spi.ptr));
	if (r->old && !r->old->deleting)
		return 0;
	r->old = NULL;	/* one we are deleting is as good as gone (2.25.1) */
	/* CHILD_SA_NOT_FOUND names the SA it did not find (3.10.1). */
	r->protocol = IKE_PROTO_ESP;
	memcpy(r->x->data, n->u.notify.spi.ptr, 4);
	r->x->data_len = 4;
	return refuse(r, NOTIFY_CHILD_SA_NOT_FOUND);
}

/*
 * PFS: the peer's KE must be of the chosen proposal's group, else we ask
 * for ours (INVALID_KE_PAYLOAD, 1.3.1); then our key pair and g^ir.
 */
static int respond_pfs(const struct enc_message *m, struct ccs_resp *r)
{
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	uint16_t group = r->n.ch.dh;
	int err;

	if (!group)
		return 0;	/* no PFS: a KE the peer sent is not used */
	if (!ke || ke->u.ke.group != group) {
		r->x->data[0] = (uint8_t)(group >> 8);
		r->x->data[1] = (uint8_t)group;
		r->x->data_len = 2;
		return refuse(r, NOTIFY_INVALID_KE_PAYLOAD);
	}
	if (dh_check_peer(group, ke->u.ke.data))
		return refuse(r, NOTIFY_INVALID_SYNTAX);
	err = task_msg_add_ke(r->x, group, &r->dh);
	if (!err)
		err = dh_compute_shared(r->dh, ke->u.ke.data, &r->g_ir);
	return err ? refuse(r, NOTIFY_TEMPORARY_FAILURE) : 0;
}

/*
 * The peer rekeys the pair our outstanding request rekeys too (2.8.1):
 * remember its new pair and the lower nonce of its exchange; our
 * response processing decides which pair goes.
 */
static void note_collision(struct ike_sa *sa, uint32_t old_in,
			   uint32_t new_in, struct chunk ni, struct chunk nr)
{
	struct chunk low = chunk_min(ni, nr);

	if (!old_in || !sa->out_pending || sa->out_exchange != CREATE_CHILD_SA ||
	    sa->nego.rekey_spi_in != old_in)
		return;
	chunk_free(&sa->nego.collide_nonce);
	sa->nego.collide_spi_in = 0;
	if (!chunk_dup(&sa->nego.collide_nonce, low.ptr, low.len))
		sa->nego.collide_spi_in = new_in;
}

/* Choose, key and install the pair; the payloads go into @r->x. */
static int respond_child(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *m, struct ccs_resp *r)
{
	const struct enc_payload *ke = enc_message_find(m, IKE_PL_KE, NULL);
	struct enc_payload ts[3];
	struct child_keying k = { .initiator = false };
	uint32_t spi_in, old_out;
	int err;

	/* An SA payload without selectors rekeys the IKE SA (1.3.2). */
	if (!enc_message_find(m, IKE_PL_TSI, NULL))
		return refuse(r, NOTIFY_NO_ADDITIONAL_SAS);
	err = find_rekeyed(sa, m, r);
	if (err)
		return err;
	if (sa->n_children >= IKE_SA_MAX_CHILD)
		return refuse(r, NOTIFY_NO_ADDITIONAL_SAS);
	if (child_select_request(sa->conn, m, true, ke ? ke->u.ke.group : 0,
				 &r->n, &r->notify))
		return -ENOENT;
	err = child_spi(c, &spi_in);
	if (!err)
		err = ike_nonce_new(c, &r->nr);
	if (!err)
		err = child_answer(&r->n, spi_in, ts, &r->x->sb);
	if (err)
		return refuse(r, NOTIFY_TEMPORARY_FAILURE);
	/* SA, Nr, [KEr], TSi, TSr (1.3.1). */
	r->x->p[r->x->n++] = ts[0];
	task_msg_add(r->x, IKE_PL_NONCE)->u.nonce.data = r->nr;
	err = respond_pfs(m, r);
	if (err)
		return err;
	r->x->p[r->x->n++] = ts[1];
	r->x->p[r->x->n++] = ts[2];
	k.g_ir = r->g_ir;
	k.ni = enc_message_find(m, IKE_PL_NONCE, NULL)->u.nonce.data;
	k.nr = r->nr;
	/* child_install() may move the records: keep the SPI only. */
	old_out = r->old ? r->old->spi_out : 0;
	k.rekey_of = r->old ? r->old->spi_in : 0;
	err = child_install(sa, c, &r->n, spi_in, &k);
	if (err)
		return refuse(r, err == -ENOSPC ? NOTIFY_NO_ADDITIONAL_SAS :
						  NOTIFY_TEMPORARY_FAILURE);
	/* The rekey initiator deletes the old pair (2.8). */
	r->old = old_out ? ike_sa_child_by_out(sa, old_out) : NULL;
	if (r->old) {
		r->old->rekeyed = true;
		note_collision(sa, r->old->spi_in, spi_in, k.ni, k.nr);
	}
	return 0;
}

int child_create_respond(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct enc_message *m, struct enc_buf *out)
{
	struct ccs_resp *r;
	int err;

	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		return -EPROTO;
	r = calloc(1, sizeof(*r));
	if (r)
		r->x = task_msg_new();
	if (!r || !r->x) {
		free(r);
		return -ENOMEM;
	}
	/*
	 * Every request is answered (2.1), even on an SA going away; and
	 * none creates a pair on an SA being rekeyed or rekeyed away (2.25).
	 */
	if (sa->state != IKE_SA_STATE_ESTABLISHED || sa->nego.ike_spi)
		refuse(r, NOTIFY_TEMPORARY_FAILURE);
	/* A refusal is a response with the one notify (2.21). */
	if (r->notify || respond_child(sa, c, m, r))
		task_msg_refuse(r->x, r->notify, r->protocol);
	out->len = 0;
	err = ike_sa_build(sa, CREATE_CHILD_SA, true, m->hdr.message_id,
			   r->x->p, r->x->n, true, out);
	resp_clear(r);
	free(r);
	return err;
}
