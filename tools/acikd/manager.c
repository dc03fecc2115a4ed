// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * manager.c - struct ike_manager: the SA tables and the dispatch of
 * received datagrams to the tasks (ike.h). It enforces the windows of
 * RFC 7296 2.1-2.3: responses are matched to our outstanding request and
 * never answered; a retransmitted request gets the stored response; any
 * other out-of-window message is dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "crypto/dh_cache.h"
#include "ike.h"
#include "ike_sa.h"
#include "manager_int.h"
#include "tasks/child.h"
#include "tasks/tasks.h"

struct ike_manager {
	struct ike_ctx ctx;
	struct ike_sa_table table;
	struct ike_cookie cookie;	/* cookie.c: secrets, counters */
	struct dh_cache dh_cache;	/* dh-reuse */
	struct restart_queue restarts;	/* manager_restart.c */
};

struct ike_manager *ike_manager_new(const struct acikd_config *cfg,
				    const struct ike_env_ops *ops, void *arg)
{
	struct ike_manager *m = calloc(1, sizeof(*m));
	uint8_t key[HASH_KEY_LEN];

	if (!m)
		return NULL;
	/* The hash key: the peer must not guess which SPIs collide. */
	if (ops->random(arg, key, sizeof(key)) ||
	    ike_sa_table_init(&m->table, key)) {
		free(m);
		return NULL;
	}
	m->ctx.cfg = cfg;
	m->ctx.ops = ops;
	m->ctx.arg = arg;
	dh_cache_init(&m->dh_cache, 1000 * cfg->dh_reuse_seconds);
	m->ctx.dh_cache = &m->dh_cache;
	m->table.frag.half_open_max = FRAG_HALF_OPEN_MAX_BYTES;
	m->table.frag.sa_max = FRAG_SA_MAX_BYTES;
	m->table.frag.max = FRAG_POOL_MAX_BYTES;
	return m;
}

void ike_manager_set_shard(struct ike_manager *m, uint32_t shard,
			   uint32_t shards)
{
	m->ctx.shard = shard;
	m->ctx.shards = shards;
}

static void free_one(void *arg, struct ike_sa *sa)
{
	ike_sa_table_remove(arg, sa);
	ike_sa_free(sa);
}

/* Frees memory only: the daemon leaves actun's SAs to the next start. */
void ike_manager_free(struct ike_manager *m)
{
	if (!m)
		return;
	ike_sa_table_walk(&m->table, free_one, &m->table);
	ike_sa_table_fini(&m->table);
	restart_queue_fini(&m->restarts);
	cookie_clear(&m->cookie);
	dh_cache_clear(&m->dh_cache);
	free(m);
}

static void run_jobs(struct ike_manager *m, struct ike_sa *sa);

/* Take the SA's Child SAs out of actun, then the SA out of the table. */
static void delete_sa(struct ike_manager *m, struct ike_sa *sa)
{
	/* One pair at a time, as a DELETE does: routes go with the last. */
	while (sa->n_children)
		child_remove(sa, &m->ctx,
			     sa->children[sa->n_children - 1].spi_in);
	manager_restart_after(m, sa);
	ike_sa_table_remove(&m->table, sa);
	ike_sa_free(sa);
}

struct ike_ctx *manager_ctx(struct ike_manager *m)
{
	return &m->ctx;
}

struct ike_sa_table *manager_table(struct ike_manager *m)
{
	return &m->table;
}

struct restart_queue *manager_restarts(struct ike_manager *m)
{
	return &m->restarts;
}

void manager_delete_sa(struct ike_manager *m, struct ike_sa *sa)
{
	delete_sa(m, sa);
}

void manager_run_jobs(struct ike_manager *m, struct ike_sa *sa)
{
	run_jobs(m, sa);
}

void manager_update(struct ike_manager *m, struct ike_sa *sa)
{
	ike_sa_table_update(&m->table, sa, m->ctx.now_ms);
}

static struct conn *conn_by_name(const struct acikd_config *cfg,
				 const char *name)
{
	for (unsigned int i = 0; i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i]->name, name))
			return cfg->conns[i];
	return NULL;
}

static struct sockaddr_in with_port(struct sockaddr_in a)
{
	a.sin_family = AF_INET;
	if (!a.sin_port)
		a.sin_port = htons(500);
	return a;
}

struct conn *manager_conn(struct ike_manager *m, const char *name)
{
	return conn_by_name(m->ctx.cfg, name);
}

int ike_manager_initiate(struct ike_manager *m, uint64_t now_ms,
			 const char *conn_name)
{
	struct conn *conn = conn_by_name(m->ctx.cfg, conn_name);

	if (!conn)
		return -ENOENT;
	m->ctx.now_ms = now_ms;
	return manager_initiate(m, conn, 0);
}

int manager_initiate(struct ike_manager *m, struct conn *conn,
		     unsigned int tries)
{
	struct sockaddr_in local, remote;
	struct ike_sa *sa;
	int err;

	if (!conn->n_ike || !conn->ike[0].n_dh)
		return -EINVAL;
	local = with_port(conn->local);
	remote = with_port(conn->remote);
	sa = ike_sa_new(true, conn, &local, &remote, m->ctx.now_ms);
	if (!sa)
		return -ENOMEM;
	sa->restart_tries = tries;
	err = ike_sa_new_spi(&m->table, &m->ctx, &sa->spi_i);
	if (err) {
		ike_sa_free(sa);
		return err;
	}
	err = ike_sa_table_add(&m->table, sa, m->ctx.now_ms);
	if (err) {
		ike_sa_free(sa);
		return err;
	}
	err = ike_init_start(sa, &m->ctx, conn->ike[0].dh[0]);
	if (err) {
		sa->no_restart = true;	/* the caller decides */
		delete_sa(m, sa);
	} else {
		manager_update(m, sa);
	}
	return err;
}

/* A new responder SA for an IKE_SA_INIT request, or a refusal. */
static void respond_init(struct ike_manager *m, const struct enc_message *req,
			 const struct sockaddr_in *local,
			 const struct sockaddr_in *remote, bool natt)
{
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	struct ike_sa *sa = ike_sa_new(false, NULL, local, remote,
				       m->ctx.now_ms);
	int err;

	if (!sa)
		return;
	sa->spi_i = req->hdr.spi_i;
	err = ike_sa_new_spi(&m->table, &m->ctx, &sa->spi_r);
	if (!err)
		err = ike_init_respond(sa, &m->ctx, req, &out);
	if (err) {
		/* Refusals keep no state (2.6): answer and forget. */
		if (out.len)
			m->ctx.ops->send(m->ctx.arg, local, remote, natt,
					 enc_buf_chunk(&out));
		ike_sa_free(sa);
		return;
	}
	sa->expect_req_id = 1;
	if (ike_sa_table_add(&m->table, sa, m->ctx.now_ms)) {
		ike_sa_free(sa);
		return;
	}
	ike_sa_send_response(sa, &m->ctx, local, remote, natt,
			     enc_buf_chunk(&out));
	manager_update(m, sa);	/* keepalive_at_ms moved */
}

/* IKE_SA_INIT requests: a retransmission, or a new SA. */
static void receive_init(struct ike_manager *m, struct chunk data,
			 const struct sockaddr_in *local,
			 const struct sockaddr_in *remote, bool natt)
{
	struct enc_message msg;
	uint8_t buf[256];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	struct enc_header h;
	struct ike_sa *sa;
	int err;

	if (enc_header_parse(&h, data))
		return;
	sa = ike_sa_table_find_init(&m->table, h.spi_i, remote);
	if (sa) {
		/*
		 * Only while the SA still waits for IKE_AUTH (window 1), and
		 * only to the request itself, not to any datagram with its
		 * SPIi and a source address that may be forged.
		 */
		if (h.message_id == 0 && sa->expect_req_id == 1 &&
		    sa->have_last_resp && chunk_equal(data, sa->init_req))
			m->ctx.ops->send(m->ctx.arg, local, remote, natt,
					 sa->last_resp);
		return;
	}
	err = enc_message_parse(&msg, data);
	if (err) {
		uint16_t n = enc_error_notify(err);
		uint8_t bad = msg.bad_type;

		if (n && !ike_init_error(&h, n, n == NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD ?
					 chunk_from(&bad, 1) : CHUNK_EMPTY, &out))
			m->ctx.ops->send(m->ctx.arg, local, remote, natt,
					 enc_buf_chunk(&out));
		return;
	}
	if (h.message_id != 0)
		return;
	/* Many half-open SAs: no state until the peer returns a cookie. */
	err = cookie_check(&m->cookie, &m->ctx, m->table.half_open, &msg,
			   remote, &out);
	if (err == -EAGAIN)
		m->ctx.ops->send(m->ctx.arg, local, remote, natt,
				 enc_buf_chunk(&out));
	if (err)
		return;
	respond_init(m, &msg, local, remote, natt);
}

/* IKE_AUTH succeeded: the SA is up and due for rekeying some time. */
static void established(struct ike_manager *m, struct ike_sa *sa)
{
	ike_sa_table_established(&m->table, sa);
	sa->established_ms = m->ctx.now_ms;
	ike_rekey_schedule(sa, &m->ctx);
}

/* The SA of the peer's rekey that crossed ours on @sa, still held back. */
static struct ike_sa *collided(struct ike_manager *m, const struct ike_sa *sa)
{
	struct ike_sa *b = ike_sa_table_find_spi(&m->table,
						 sa->nego.collide_ike_spi);

	return b && b->state == IKE_SA_STATE_REKEYED && !b->initiator ?
	       b : NULL;
}

/*
 * A new IKE SA from a rekey goes into the table. Out of memory even for
 * its timer, it goes with the pairs it took over (they could never be
 * rekeyed); return false then.
 */
static bool add_rekeyed(struct ike_manager *m, struct ike_sa *n)
{
	if (!ike_sa_table_add(&m->table, n, m->ctx.now_ms))
		return true;
	while (n->n_children)
		child_remove(n, &m->ctx, n->children[n->n_children - 1].spi_in);
	ike_sa_free(n);
	return false;
}

/* Our outstanding request's response: hand it to its task. */
static void receive_response(struct ike_manager *m, struct ike_sa *sa,
			     struct enc_message *msg)
{
	struct chunk plain = CHUNK_EMPTY;
	int err;

	if (!sa->out_pending || msg->hdr.message_id != sa->out_req_id ||
	    msg->hdr.exchange != sa->out_exchange)
		return;
	if (msg->hdr.exchange != IKE_SA_INIT &&
	    ike_sa_decrypt(sa, msg, &plain))
		return;	/* forged or garbled: keep waiting */
	if (msg->hdr.exchange == IKE_SA_INIT && ike_init_stale(sa, msg))
		return;	/* keep retransmitting the current version */
	/* Liveness (DPD) counts only once the SA is up, i.e. authenticated. */
	sa->last_heard_ms = m->ctx.now_ms;
	ike_sa_request_done(sa);
	if (msg->hdr.exchange == IKE_SA_INIT) {
		err = ike_init_process(sa, &m->ctx, msg);
		if (!err) {
			sa->initial_contact = manager_first_contact(m, sa);
			err = ike_auth_start(sa, &m->ctx);
		}
		else if (err == IKE_INIT_RETRIED)
			err = 0;
	} else if (msg->hdr.exchange == IKE_AUTH) {
		err = ike_auth_process(sa, &m->ctx, msg);
		if (!err)
			established(m, sa);
	} else if (msg->hdr.exchange == INFORMATIONAL) {
		if (sa->out_is_job && sa->out_job.kind == IKE_JOB_DELETE_CHILD)
			info_delete_child_done(sa, &m->ctx, sa->out_job.spi_in);
		/* INFO_DELETE_IKE: our DELETE of the SA is answered. */
		err = info_process(sa, &m->ctx, msg);
	} else if (msg->hdr.exchange == CREATE_CHILD_SA && sa->nego.ike_spi) {
		struct ike_sa *b = collided(m, sa), *n;

		err = ike_rekey_process(sa, &m->ctx, msg, b, &n);
		if (n && add_rekeyed(m, n))
			run_jobs(m, n);
		if (b)
			run_jobs(m, b);
	} else if (msg->hdr.exchange == CREATE_CHILD_SA) {
		err = child_create_process(sa, &m->ctx, msg);
	} else {
		err = 0;
	}
	/* The job is done unless its task sent a new request (KE retry). */
	if (!sa->out_pending)
		sa->out_is_job = false;
	chunk_clear(&plain);
	if (err)
		delete_sa(m, sa);
}

/*
 * Requests of an exchange without a task (INFORMATIONAL and
 * CREATE_CHILD_SA have theirs): every request gets a response (2.1), an
 * empty one.
 */
static int respond_other(struct ike_sa *sa, const struct enc_message *msg,
			 struct enc_buf *out)
{
	struct enc_payload n = { .type = IKE_PL_NOTIFY };

	if (sa->state != IKE_SA_STATE_ESTABLISHED)
		return -EPROTO;
	n.u.notify.type = NOTIFY_NO_ADDITIONAL_SAS;
	return ike_sa_build(sa, msg->hdr.exchange, true, msg->hdr.message_id,
			    &n, msg->hdr.exchange == CREATE_CHILD_SA, true, out);
}

/*
 * A request that decrypted but whose inner payloads are malformed. After
 * authentication every request with errors gets an answer (2.21.3); the
 * SA stays and nothing else changes.
 */
static void respond_malformed(struct ike_manager *m, struct ike_sa *sa,
			      const struct enc_message *msg, int err,
			      const struct sockaddr_in *local,
			      const struct sockaddr_in *remote, bool natt)
{
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	uint16_t type = enc_error_notify(err);
	uint8_t bad = msg->bad_type;
	struct chunk data = type == NOTIFY_UNSUPPORTED_CRITICAL_PAYLOAD ?
			    chunk_from(&bad, 1) : CHUNK_EMPTY;

	if (!type || sa->state != IKE_SA_STATE_ESTABLISHED ||
	    info_respond_error(sa, msg, type, data, &out))
		return;
	sa->last_heard_ms = m->ctx.now_ms;
	sa->expect_req_id++;
	ike_sa_send_response(sa, &m->ctx, local, remote, natt,
			     enc_buf_chunk(&out));
}

/*
 * CREATE_CHILD_SA: a Child SA, or the IKE SA rekeyed (then *@fresh is the
 * new SA, in the table; its jobs wait until the answer is sent).
 */
static int respond_create(struct ike_manager *m, struct ike_sa *sa,
			  const struct enc_message *msg, struct enc_buf *out,
			  struct ike_sa **fresh)
{
	uint64_t spi = 0;
	int err;

	if (!ike_rekey_is_request(msg))
		return child_create_respond(sa, &m->ctx, msg, out);
	/* No SPI (0) is answered TEMPORARY_FAILURE. */
	ike_sa_new_spi(&m->table, &m->ctx, &spi);
	err = ike_rekey_respond(sa, &m->ctx, msg, spi, out, fresh);
	if (*fresh && !add_rekeyed(m, *fresh))
		*fresh = NULL;
	return err;
}

/* A request inside the window: decrypt, dispatch, answer. */
static void receive_request(struct ike_manager *m, struct ike_sa *sa,
			    struct enc_message *msg,
			    const struct sockaddr_in *local,
			    const struct sockaddr_in *remote, bool natt)
{
	uint8_t buf[IKE_MSG_MAX];
	struct enc_buf out = enc_buf_init(buf, sizeof(buf));
	struct chunk plain = CHUNK_EMPTY;
	struct ike_sa *fresh = NULL;
	bool auth, contact;
	int err;

	if (msg->sk < 0)
		return;	/* unauthenticated: no state change, no answer */
	/*
	 * Our IKE_AUTH is outstanding: the responder may send nothing
	 * before answering it, least of all an IKE_AUTH of its own, which
	 * would run the responder's side (and its choice of connection) on
	 * our SA.
	 */
	if (sa->initiator && sa->state == IKE_SA_STATE_AUTH)
		return;
	err = ike_sa_decrypt(sa, msg, &plain);
	if (err) {
		respond_malformed(m, sa, msg, err, local, remote, natt);
		return;
	}
	sa->last_heard_ms = m->ctx.now_ms;
	/* Authenticated: follow the peer's NAT mapping (2.23). */
	if (sa->nat_remote || sa->nat_local || natt) {
		sa->remote = *remote;
		sa->local = *local;
		sa->natt = natt;
	}
	/* IKE_AUTH comes exactly once, right after IKE_SA_INIT. */
	auth = sa->state == IKE_SA_STATE_AUTH;
	if (auth != (msg->hdr.exchange == IKE_AUTH))
		err = -EPROTO;
	else if (msg->hdr.exchange == INFORMATIONAL)
		err = info_respond(sa, &m->ctx, msg, &out);
	else if (msg->hdr.exchange == CREATE_CHILD_SA)
		err = respond_create(m, sa, msg, &out, &fresh);
	else
		err = auth ? ike_auth_respond(sa, &m->ctx, msg, &out) :
			     respond_other(sa, msg, &out);
	contact = auth && !err &&
		  enc_message_notify(msg, NOTIFY_INITIAL_CONTACT) != NULL;
	chunk_clear(&plain);
	if (out.len) {
		sa->expect_req_id++;
		ike_sa_send_response(sa, &m->ctx, local, remote, natt,
				     enc_buf_chunk(&out));
	}
	/* Requests on a new SA only after the answer that creates it. */
	if (fresh)
		run_jobs(m, fresh);
	/* The peer deleted the IKE SA: it goes once the answer is sent. */
	if (err == INFO_DELETE_IKE) {
		struct ike_sa *b = collided(m, sa);

		/* Its own rekey of the SA stands: the pairs move (2.25). */
		if (b)
			ike_rekey_peer_won(b, sa, &m->ctx);
		delete_sa(m, sa);
		if (b)
			run_jobs(m, b);
		return;
	}
	if (!auth)
		return;
	if (err) {
		/* Failed authentication leaves no state behind. */
		delete_sa(m, sa);
		return;
	}
	established(m, sa);
	if (contact)
		manager_initial_contact(m, sa);
}

/* Our SPI of the new IKE SA, unique in the table, then the request. */
static int start_rekey(struct ike_manager *m, struct ike_sa *sa)
{
	uint64_t spi;
	int err = ike_sa_new_spi(&m->table, &m->ctx, &spi);

	return err ? err : ike_rekey_start(sa, &m->ctx, spi);
}

/* A queued job's request; 0 if one was sent (or nothing was to send). */
static int start_job(struct ike_manager *m, struct ike_sa *sa,
		     const struct ike_job *j)
{
	switch (j->kind) {
	case IKE_JOB_REKEY_CHILD:
		return child_rekey_start(sa, &m->ctx, j->spi_in);
	case IKE_JOB_DELETE_CHILD:
		return info_delete_child_start(sa, &m->ctx, j->spi_in);
	case IKE_JOB_DELETE_IKE:
		return info_delete_ike_start(sa, &m->ctx);
	case IKE_JOB_DPD:
		return info_dpd_start(sa, &m->ctx);
	case IKE_JOB_CREATE_CHILD:
		return child_create_start(sa, &m->ctx);
	case IKE_JOB_REKEY_IKE:
		return start_rekey(m, sa);
	}
	return -EINVAL;
}

/*
 * Start queued jobs, oldest first, until one has a request outstanding
 * (window 1). A job that fails to start is dropped: a failed rekey
 * leaves the old pair to its hard expiry. Every event ends here for
 * each SA it touched: the SA's deadline and indexes are brought up to
 * date (ike_sa_table_update()).
 */
static void run_jobs(struct ike_manager *m, struct ike_sa *sa)
{
	struct ike_job j;

	ike_sa_requeue(sa);
	while ((sa->state == IKE_SA_STATE_ESTABLISHED ||
		sa->state == IKE_SA_STATE_REKEYED) && !sa->out_pending &&
	       !ike_sa_next_job(sa, &j))
		/* A rekeyed SA starts nothing but its own DELETE (2.8). */
		if ((sa->state == IKE_SA_STATE_ESTABLISHED ||
		     j.kind == IKE_JOB_DELETE_IKE) &&
		    !start_job(m, sa, &j) && sa->out_pending) {
			sa->out_job = j;
			sa->out_is_job = true;
		}
	manager_update(m, sa);
}

int ike_manager_receive(struct ike_manager *m, uint64_t now_ms,
			const struct sockaddr_in *local,
			const struct sockaddr_in *remote, bool natt,
			struct chunk datagram)
{
	struct enc_message *msg;
	struct enc_header h;
	struct ike_sa *sa;

	m->ctx.now_ms = now_ms;
	if (enc_header_parse(&h, datagram))
		return 0;
	if (h.exchange == IKE_SA_INIT && !(h.flags & IKE_FLAG_RESPONSE) &&
	    !h.spi_r) {
		receive_init(m, datagram, local, remote, natt);
		return 0;
	}
	sa = ike_sa_table_find(&m->table, &h);
	if (!sa)
		return 0;
	/*
	 * A retransmitted request: the stored response (all its fragments),
	 * nothing else; once per request, on its first fragment if it is
	 * fragmented (RFC 7383 2.6.1). It goes to the datagram's source
	 * (2.11: the peer's NAT mapping may have moved), so only if the
	 * datagram is the request answered: its SPIs and message ID alone
	 * would let anyone have the response, many fragments perhaps, sent
	 * to an address of their choice.
	 */
	if (!(h.flags & IKE_FLAG_RESPONSE) &&
	    h.message_id + 1 == sa->expect_req_id) {
		if (sa->have_last_resp && !frag_not_first(datagram) &&
		    ike_sa_is_last_request(sa, datagram))
			frag_send(&m->ctx, local, remote, natt, sa->last_resp);
		return 0;
	}
	if (!(h.flags & IKE_FLAG_RESPONSE) && h.message_id != sa->expect_req_id)
		return 0;
	msg = malloc(sizeof(*msg));
	if (!msg)
		return -ENOMEM;
	if (!enc_message_parse(msg, datagram)) {
		if (h.flags & IKE_FLAG_RESPONSE)
			receive_response(m, sa, msg);
		else
			receive_request(m, sa, msg, local, remote, natt);
	}
	free(msg);
	/* Found again only if the exchange did not delete it. */
	sa = ike_sa_table_find(&m->table, &h);
	if (sa)
		run_jobs(m, sa);
	return 0;
}

/* The SA holding pair @spi_in of @tunnel (any tunnel if NULL). */
static struct ike_sa *child_owner(struct ike_manager *m, const char *tunnel,
				  uint32_t spi_in)
{
	struct ike_sa *sa;
	size_t it = 0;

	while ((sa = ike_sa_table_by_child(&m->table, spi_in, &it)))
		if (sa->conn &&
		    (!tunnel || !strcmp(sa->conn->actun_tunnel, tunnel)))
			return sa;
	return NULL;
}

/*
 * actun says a pair is due: soft, rekey it; hard, it is out of actun
 * already: drop it and tell the peer (DELETE). The owner comes from the
 * Child SA index (SPIs are unique per tunnel only: the tunnel decides).
 */
void ike_manager_child_expired(struct ike_manager *m, uint64_t now_ms,
			       const char *tunnel, uint32_t spi_in, bool hard)
{
	struct ike_sa *sa = child_owner(m, tunnel, spi_in);
	struct ike_child *ch;

	m->ctx.now_ms = now_ms;
	if (!sa)
		return;
	ch = ike_sa_child_by_in(sa, spi_in);
	if (hard) {
		/* The DELETE job removes the pair; if none will run, now. */
		if (sa->state == IKE_SA_STATE_ESTABLISHED)
			ike_sa_queue_child_job(sa, IKE_JOB_DELETE_CHILD, ch);
		else
			child_remove(sa, &m->ctx, spi_in);
	} else if (!ch->rekeyed && !ch->deleting) {
		ike_sa_queue_child_job(sa, IKE_JOB_REKEY_CHILD, ch);
	}
	run_jobs(m, sa);
}

/* The established IKE SA of @name (the first one found), or NULL. */
static struct ike_sa *find_conn(struct ike_manager *m, const char *name)
{
	struct ike_sa *sa = NULL;

	while ((sa = ike_sa_table_by_conn(&m->table, name, sa)))
		if (sa->state == IKE_SA_STATE_ESTABLISHED)
			return sa;
	return NULL;
}

int ike_manager_child_create(struct ike_manager *m, uint64_t now_ms,
			     const char *conn_name)
{
	struct ike_sa *sa = find_conn(m, conn_name);
	int err;

	m->ctx.now_ms = now_ms;
	if (!sa)
		return -ENOENT;
	err = ike_sa_queue_job(sa, IKE_JOB_CREATE_CHILD, 0);
	if (!err)
		run_jobs(m, sa);
	return err;
}

/*
 * The operator takes @name down: no SA of it is initiated again, a
 * restart waiting is cancelled and our attempt in flight dropped.
 * Return: whether there was anything of it but an established SA.
 */
static bool take_down(struct ike_manager *m, const char *name)
{
	bool any = manager_restart_cancel(m, name);
	struct ike_sa *sa, *next;

	for (sa = ike_sa_table_by_conn(&m->table, name, NULL); sa; sa = next) {
		next = ike_sa_table_by_conn(&m->table, name, sa);
		sa->no_restart = true;
		if (sa->initiator && sa->state < IKE_SA_STATE_ESTABLISHED) {
			delete_sa(m, sa);
			any = true;
		}
	}
	return any;
}

int ike_manager_delete(struct ike_manager *m, uint64_t now_ms,
		       const char *conn_name)
{
	struct ike_sa *sa;
	bool stopped;
	int err;

	m->ctx.now_ms = now_ms;
	stopped = take_down(m, conn_name);
	sa = find_conn(m, conn_name);
	if (!sa)
		return stopped ? 0 : -ENOENT;
	err = ike_sa_queue_job(sa, IKE_JOB_DELETE_IKE, 0);
	if (!err)
		run_jobs(m, sa);
	return err;
}

struct list_walk {
	int (*cb)(void *arg, const struct ike_sa_info *sa);
	void *arg;
	int err;
};

static void list_one(void *arg, struct ike_sa *sa)
{
	struct list_walk *w = arg;
	struct ike_sa_info info = {
		.conn = sa->conn ? sa->conn->name : "",
		.state = ike_sa_state_name(sa->state),
		.spi_i = sa->spi_i,
		.spi_r = sa->spi_r,
		.remote = sa->remote,
		.suite = sa->suite,
		.dh = sa->dh_group,
		.established_ms = sa->established_ms,
		.rekey_ms = sa->rekey_at_ms,
		.n_child = sa->n_children,
	};

	if (!w->err)
		w->err = w->cb(w->arg, &info);
}

int ike_manager_list(struct ike_manager *m,
		     int (*cb)(void *arg, const struct ike_sa_info *sa),
		     void *arg)
{
	struct list_walk w = { .cb = cb, .arg = arg };

	ike_sa_table_walk(&m->table, list_one, &w);
	return w.err;
}

void ike_manager_stats(struct ike_manager *m, struct ike_stats *st)
{
	*st = (struct ike_stats){
		.cookies_sent = m->cookie.sent,
		.cookies_rejected = m->cookie.rejected,
		.frag_bytes = m->table.frag.used,
	};
}

void ike_manager_frag_limits(struct ike_manager *m, size_t half_open,
			     size_t per_sa, size_t total)
{
	m->table.frag.half_open_max = half_open;
	m->table.frag.sa_max = per_sa;
	m->table.frag.max = total;
}
