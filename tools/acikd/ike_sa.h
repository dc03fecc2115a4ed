/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ike_sa.h - the IKE SA object: SPIs, role, state, negotiated suite and
 * keys, the message ID windows (size 1 both ways), the stored response for
 * retransmitted requests, the outstanding request and its retransmission
 * timer; and the tables the manager finds SAs in.
 *
 * An SA is found by our own SPI (we choose it, so it is unique): that is
 * SPIr for the responder and SPIi for the initiator; the other SPI of the
 * header is then checked against the SA's. The responder's SAs are also
 * found by (SPIi, peer address) so that a retransmitted IKE_SA_INIT request
 * (SPIr still zero) gets the stored response instead of a second SA.
 */
#ifndef ACIKD_IKE_SA_H
#define ACIKD_IKE_SA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "chunk.h"
#include "config.h"
#include "crypto/dh.h"
#include "crypto/keymat.h"
#include "encoding/encoding.h"
#include "frag.h"
#include "hash.h"
#include "heap.h"
#include "htable.h"
#include "ike.h"
#include "spimap.h"

/*
 * Retransmission: 0.5 s, doubling, 5 retransmissions, then give up. On an
 * established SA with a dpd_timeout, retransmissions go on (at most
 * IKE_RETX_MAX_MS apart) until the peer has been silent that long.
 */
#define IKE_RETX_FIRST_MS	500
#define IKE_RETX_TRIES		5
#define IKE_RETX_MAX_MS		(IKE_RETX_FIRST_MS << IKE_RETX_TRIES)
/* A responder's half-open SA that never authenticates goes after this. */
#define IKE_HALF_OPEN_MS	30000
/*
 * An SA rekeyed away by the peer waits this long for the peer's DELETE
 * (it has no pairs any more); a refused IKE SA rekey is tried again after
 * IKE_REKEY_RETRY_MS plus up to as much again at random.
 */
#define IKE_REKEYED_MS		60000
#define IKE_REKEY_RETRY_MS	30000
/* The largest message we build (before fragmentation, frag.h). */
#define IKE_MSG_MAX		8192
#define IKE_NONCE_LEN		32
/* SHA-256 of the peer's request, for its retransmissions (struct ike_sa). */
#define IKE_REQ_DIGEST_LEN	32
/* Child SA pairs per IKE SA: customers run about 100 per tunnel. */
#define IKE_SA_MAX_CHILD	128
/* Jobs waiting for the request window (struct ike_job). */
#define IKE_SA_MAX_JOBS		32

enum ike_sa_state {
	IKE_SA_STATE_INIT,	/* IKE_SA_INIT in progress */
	IKE_SA_STATE_AUTH,	/* keys derived, IKE_AUTH in progress */
	IKE_SA_STATE_ESTABLISHED,
	IKE_SA_STATE_DELETING,
	/*
	 * Replaced by a rekey (RFC 7296 2.18): its pairs moved to the new
	 * SA; it starts no exchange but the DELETE of itself (the rekey
	 * initiator's) and answers requests until it goes.
	 */
	IKE_SA_STATE_REKEYED,
};

/* What the core calls back into, and the time of the current event. */
struct ike_ctx {
	const struct acikd_config *cfg;
	const struct ike_env_ops *ops;
	void *arg;
	uint64_t now_ms;
	struct dh_cache *dh_cache;	/* the responder's reused key pairs */
	/*
	 * With several workers (workers.h) the kernel steers an IKE message
	 * to the worker whose number is the first 32 bits of our SPI modulo
	 * @shards, so every SPI this worker draws (IKE and Child) is
	 * congruent to @shard; @shards 0 or 1: no constraint.
	 */
	uint32_t shard, shards;
};

/*
 * ike_shard_fit() - @v moved to the nearest value congruent to @shard
 * modulo @shards (@v itself when @shards < 2); stays a uniform draw when
 * @v is one, up to the last partial block.
 */
static inline uint32_t ike_shard_fit(uint32_t v, uint32_t shard,
				     uint32_t shards)
{
	uint64_t r;

	if (shards < 2)
		return v;
	r = (uint64_t)v - v % shards + shard;
	return (uint32_t)(r > UINT32_MAX ? r - shards : r);
}

/*
 * ike_shard_of_addr() - the worker (of @shards) that the kernel gives a
 * new peer's IKE_SA_INIT from IPv4 address @addr (network order) to, and
 * so the one that initiates to it: all IKE SAs with one peer then live
 * in one worker, where INITIAL_CONTACT and the restarts see them all.
 */
static inline uint32_t ike_shard_of_addr(uint32_t addr, uint32_t shards)
{
	return shards < 2 ? 0 : ntohl(addr) % shards;
}

/*
 * A Child SA pair installed in actun, kept to remove and rekey it: its
 * narrowed selectors from our point of view, and whether a newer pair
 * has replaced it (then it only waits for its DELETE, and a soft expiry
 * does not rekey it again).
 */
struct ike_child {
	uint32_t spi_in, spi_out;
	/*
	 * A pair the peer rekeyed (we answered): our SPI of the pair it
	 * replaces, and its outbound SA held back until that one goes
	 * (CHILD_INSTALL_OUT, tasks/child.c); NULL once installed.
	 */
	uint32_t rekey_of;
	struct child_out *held_out;
	struct ts_prefix local_ts[CONFIG_MAX_TS];
	unsigned int n_local_ts;
	struct ts_prefix remote_ts[CONFIG_MAX_TS];
	unsigned int n_remote_ts;
	bool rekeyed;
	bool deleting;			/* our DELETE of it is outstanding */
	uint8_t wanted;			/* jobs (1 << kind) that found the
					 * queue full: ike_sa_requeue() */
};

/* A pair's outbound SA held back (struct ike_child, tasks/child.c). */
struct child_out {
	struct crypto_suite suite;
	uint8_t encr[64], integ[64];
	size_t encr_len, integ_len;
	bool encap;
	uint16_t sport, dport;
	uint64_t soft_seconds, hard_seconds;
};

/* child_out_free() - wipe the keys and free @o (NULL is fine). */
void child_out_free(struct child_out *o);

/*
 * The Child SA being negotiated by our outstanding IKE_AUTH or
 * CREATE_CHILD_SA request: our SPI is allocated when the request is built
 * or processed. For CREATE_CHILD_SA we also keep our nonce, our PFS key
 * pair, the pair being rekeyed and whether the INVALID_KE retry is used.
 */
struct ike_child_nego {
	uint32_t spi_in;
	uint32_t rekey_spi_in;		/* our SPI of the pair being rekeyed */
	struct chunk ni;		/* our nonce of the exchange */
	struct dh_key *dh;		/* PFS key pair, NULL without PFS */
	uint16_t dh_group;
	bool retried;			/* INVALID_KE_PAYLOAD retry done */
	/*
	 * The peer rekeyed the same pair while our rekey was outstanding
	 * (2.8.1): our SPI of the pair it created and the lower nonce of
	 * its exchange, to tell which new pair is redundant.
	 */
	uint32_t collide_spi_in;
	struct chunk collide_nonce;
	/*
	 * IKE SA rekey (tasks/ike_rekey.c): our SPI of the new IKE SA while
	 * our rekey request is outstanding, else 0. Its nonce and key pair
	 * are @ni and @dh above. If the peer rekeyed the IKE SA meanwhile
	 * (2.8.2), @collide_ike_spi is our SPI of the SA it created and
	 * @collide_nonce the lower nonce of its exchange.
	 */
	uint64_t ike_spi;
	uint64_t collide_ike_spi;
};

/* Work that needs the request window; queued with ike_sa_queue_job(). */
enum ike_job_kind {
	IKE_JOB_REKEY_CHILD,
	IKE_JOB_DELETE_CHILD,
	IKE_JOB_DELETE_IKE,
	IKE_JOB_DPD,
	IKE_JOB_CREATE_CHILD,	/* one more pair (never merged: spi_in 0) */
	IKE_JOB_REKEY_IKE,	/* CREATE_CHILD_SA for a new IKE SA (2.8) */
};

/* One queued job: @spi_in names the Child SA, 0 for IKE-wide jobs. */
struct ike_job {
	enum ike_job_kind kind;
	uint32_t spi_in;
};

struct ike_sa {
	/*
	 * In the manager's tables (ike_sa_table.c): by our SPI; the
	 * responder's by (SPIi, peer address); by connection name once it
	 * has one (@conn_indexed: the connection it is filed under); its
	 * pairs by inbound SPI (@child_index: the map they are in, NULL if
	 * none); and its next deadline in the timer heap. @deferred: due
	 * again within the tick that ran it (t->deferred, @due_next).
	 */
	struct hnode spi_node, spii_node, conn_node;
	const struct conn *conn_indexed;
	struct spimap *child_index;
	struct heap_node timer;
	struct ike_sa *due_next;
	bool deferred;

	struct conn *conn;		/* NULL until the responder knows it */
	bool initiator;
	enum ike_sa_state state;
	uint64_t spi_i, spi_r;		/* host order; ours is never 0 */
	struct sockaddr_in local, remote;
	bool natt;			/* talk on port 4500 (NAT detected) */
	bool nat_local, nat_remote;	/* we / the peer are behind a NAT */
	bool peer_frag;			/* both sent FRAGMENTATION_SUPPORTED */
	bool initial_contact;		/* our IKE_AUTH sends INITIAL_CONTACT */

	struct crypto_suite suite;
	uint16_t dh_group;
	struct dh_key *dh;
	struct chunk ni, nr;
	struct chunk init_req, init_resp;	/* raw IKE_SA_INIT messages */
	struct ike_sa_keys keys;
	uint64_t iv_seq;		/* GCM IVs: a counter, never repeated */

	/* Requests we send: the next ID, and the one awaiting a response. */
	uint32_t next_req_id;
	struct chunk out_req;
	uint32_t out_req_id;
	uint8_t out_exchange;
	bool out_pending;
	unsigned int retx_count;
	uint64_t retx_at;

	/*
	 * Requests we receive: the next ID, and the last response sent.
	 * @req_digest is the peer's last authentic request (its first
	 * fragment if it came in fragments; zero: none yet): a
	 * retransmission gets @last_resp only if it is that request, byte
	 * for byte, not for a header anyone on the path can copy.
	 */
	uint32_t expect_req_id;
	struct chunk last_resp;
	bool have_last_resp;
	uint8_t req_digest[IKE_REQ_DIGEST_LEN];

	struct ike_child_nego nego;
	/* Installed pairs, grown on demand up to IKE_SA_MAX_CHILD. */
	struct ike_child *children;
	unsigned int n_children, cap_children;

	/* FIFO of jobs; @out_job is the one whose request is outstanding. */
	struct ike_job jobs[IKE_SA_MAX_JOBS];
	unsigned int job_head, n_jobs;
	unsigned int n_wanted;		/* pairs with jobs in @wanted */
	struct ike_job out_job;
	bool out_is_job;

	uint64_t created_ms, established_ms;
	uint64_t rekey_at_ms;		/* IKE SA rekey due, 0: none */
	uint64_t rekeyed_ms;		/* became IKE_SA_STATE_REKEYED */

	/*
	 * Liveness (informational.c, acikd.conf(5) dpd_delay/dpd_timeout):
	 * when the peer last sent an authenticated message, request or
	 * response; and on an established SA, until when the outstanding
	 * request is retransmitted (0: IKE_RETX_TRIES times).
	 */
	uint64_t last_heard_ms;
	uint64_t retx_until_ms;
	/*
	 * Behind a NAT (@nat_local), an established SA keeps the NAT's
	 * mapping alive (RFC 3948 2.3): a keepalive goes out when nothing
	 * was sent to the peer for acikd.conf(5)'s keepalive; 0: none due.
	 */
	uint64_t keepalive_at_ms;

	/*
	 * RFC 7383 (frag.c): the peer's fragments being reassembled, [0]
	 * of a request, [1] of a response; the memory they are charged to.
	 */
	struct frag_set *frag_in[2];
	struct frag_pool *frag_pool;
	/*
	 * manager_restart.c: attempts of an `initiate = yes` connection
	 * that failed in a row before this one; @no_restart: the operator
	 * took it down, it is not initiated again when it goes.
	 */
	unsigned int restart_tries;
	bool no_restart;
	/* RFC 7296 2.6 (ike_init.c): the responder's cookie, and retries. */
	struct chunk cookie;
	unsigned int cookie_tries;
};

/*
 * The manager's tables (ike_sa_table.c): hash tables that grow with the
 * number of SAs, the Child SA index and the timer heap, so that finding
 * an SA or the next due one does not depend on how many there are.
 */
struct ike_sa_table {
	struct htable by_spi;		/* our SPI */
	struct htable by_spii;		/* responder SAs: (SPIi, address) */
	struct htable by_conn;		/* connection name */
	struct spimap by_child;		/* pair inbound SPI -> IKE SA */
	struct heap timers;		/* next deadlines (ike_sa_deadline()) */
	struct ike_sa *deferred;	/* due again during this tick */
	bool ticking;
	uint8_t key[HASH_KEY_LEN];	/* random: SipHash key */
	unsigned int count;
	unsigned int half_open;
	uint64_t timer_runs;		/* SAs a tick ran (tests count them) */
	struct frag_pool frag;	/* every SA's reassembly memory */
};

struct ike_sa *ike_sa_new(bool initiator, struct conn *conn,
			  const struct sockaddr_in *local,
			  const struct sockaddr_in *remote, uint64_t now_ms);
/*
 * ike_sa_set_conn() - the SA's connection: the SA holds a reference, so a
 * reload that frees the old configuration leaves it valid.
 */
void ike_sa_set_conn(struct ike_sa *sa, struct conn *conn);
/* Wipes every secret and frees the SA; it must be out of the tables. */
void ike_sa_free(struct ike_sa *sa);
/* @n := a fresh random nonce of IKE_NONCE_LEN (the old one wiped). */
int ike_nonce_new(const struct ike_ctx *c, struct chunk *n);
/* A fresh non-zero SPI (ours) that no SA in @t uses; 0 or -errno. */
int ike_sa_new_spi(struct ike_sa_table *t, const struct ike_ctx *c,
		   uint64_t *spi);
uint64_t ike_sa_our_spi(const struct ike_sa *sa);

/* Empty tables hashing with @key (random, HASH_KEY_LEN bytes); 0/-errno. */
int ike_sa_table_init(struct ike_sa_table *t, const uint8_t *key);
/* Frees the tables themselves; the SAs must have been removed. */
void ike_sa_table_fini(struct ike_sa_table *t);
/*
 * ike_sa_table_add() - file @sa (our SPI set) in every table, its pairs
 * in the Child SA index, its deadline at @now_ms in the timer heap.
 * 0, or -ENOMEM (nothing changed).
 */
int ike_sa_table_add(struct ike_sa_table *t, struct ike_sa *sa,
		     uint64_t now_ms);
void ike_sa_table_remove(struct ike_sa_table *t, struct ike_sa *sa);
/*
 * ike_sa_table_update() - @sa changed (at @now_ms): its deadline, its
 * connection, its peer's address. The manager calls it at the end of
 * every event for each SA the event touched, so that the timer heap and
 * the indexes keyed by those fields stay exact.
 */
void ike_sa_table_update(struct ike_sa_table *t, struct ike_sa *sa,
			 uint64_t now_ms);
struct ike_sa *ike_sa_table_find(const struct ike_sa_table *t,
				 const struct enc_header *h);
/* The SA whose SPI (ours) is @spi, or NULL. */
struct ike_sa *ike_sa_table_find_spi(const struct ike_sa_table *t,
				     uint64_t spi);
struct ike_sa *ike_sa_table_find_init(const struct ike_sa_table *t,
				      uint64_t spi_i,
				      const struct sockaddr_in *remote);
/*
 * ike_sa_table_by_conn() - the SAs whose connection is named @name, one
 * by one: @prev NULL for the first, then the previous one returned (it
 * may be removed before the next call only if its successor was fetched
 * first). Filed at the end of the event that set the connection.
 */
struct ike_sa *ike_sa_table_by_conn(const struct ike_sa_table *t,
				    const char *name, struct ike_sa *prev);
/*
 * ike_sa_table_by_child() - the IKE SAs holding a pair with inbound SPI
 * @spi_in, one by one (*@it = 0 first; no change to the table between).
 */
struct ike_sa *ike_sa_table_by_child(const struct ike_sa_table *t,
				     uint32_t spi_in, size_t *it);
/* Call @fn on every SA; @fn may remove the SA it is given, no other. */
void ike_sa_table_walk(struct ike_sa_table *t,
		       void (*fn)(void *arg, struct ike_sa *sa), void *arg);
/* Mark established: it leaves the half-open count. */
void ike_sa_table_established(struct ike_sa_table *t, struct ike_sa *sa);
/*
 * The timers (manager_timer.c): ike_sa_table_tick_begin(), then
 * ike_sa_table_due() hands out each SA due at @now_ms once (taken out of
 * the heap; the caller runs it, then removes or updates it: an update
 * that finds it due again keeps it aside, as the old walk over all SAs
 * ran each SA once per tick), then ike_sa_table_tick_end() puts those
 * back and returns the earliest deadline (0: none).
 */
void ike_sa_table_tick_begin(struct ike_sa_table *t);
struct ike_sa *ike_sa_table_due(struct ike_sa_table *t, uint64_t now_ms);
uint64_t ike_sa_table_tick_end(struct ike_sa_table *t, uint64_t now_ms);
/* SAs whose heap entry is not their deadline at @now_ms (tests). */
unsigned int ike_sa_table_check(struct ike_sa_table *t, uint64_t now_ms);

/*
 * ike_sa_build() - a message of this SA into @buf: the header for
 * @exchange (a request gets the next request ID, a response the expected
 * one minus one is the caller's), and @p either in the clear or, if
 * @encrypt, inside an SK payload protected with our keys.
 */
int ike_sa_build(struct ike_sa *sa, uint8_t exchange, bool response,
		 uint32_t msg_id, const struct enc_payload *p, size_t n,
		 bool encrypt, struct enc_buf *buf);
/*
 * ike_sa_protect() - header @h and the SK or SKF payload @sk (its type,
 * next, and SKF number/total; the body is computed) around @plain,
 * encrypted with our keys, into @buf (empty).
 */
int ike_sa_protect(struct ike_sa *sa, const struct enc_header *h,
		   const struct enc_payload *sk, struct chunk plain,
		   struct enc_buf *buf);
/* Our keys (@sending) or the peer's: SK_e and SK_a of that direction. */
void ike_sa_sk_keys(const struct ike_sa *sa, bool sending, struct chunk *ke,
		    struct chunk *ka);
/*
 * ike_sa_decrypt() - verify and decrypt @m's SK payload with the peer's
 * keys and parse the inner payloads; @plain receives the plaintext that
 * @m now points into (clear it after use). An SKF fragment is kept
 * (frag_collect()): -EINPROGRESS until it completes the message, which
 * is then parsed as if it had come whole. A request whose ICV is good,
 * unfragmented or fragment 1, becomes @sa->req_digest.
 */
int ike_sa_decrypt(struct ike_sa *sa, struct enc_message *m,
		   struct chunk *plain);
/*
 * ike_sa_is_last_request() - is @datagram the request @sa->req_digest
 * was taken of (a retransmission that may have the stored response)?
 */
bool ike_sa_is_last_request(const struct ike_sa *sa, struct chunk datagram);

/*
 * Send a request and arm its retransmission; the SA keeps a copy (its
 * fragments, if it is fragmented: frag_prepare()).
 */
int ike_sa_send_request(struct ike_sa *sa, const struct ike_ctx *c,
			uint8_t exchange, struct chunk msg);
/* Send a response to @remote and keep it for retransmitted requests. */
int ike_sa_send_response(struct ike_sa *sa, const struct ike_ctx *c,
			 const struct sockaddr_in *local,
			 const struct sockaddr_in *remote, bool natt,
			 struct chunk msg);
/* The response to our outstanding request arrived: stop retransmitting. */
void ike_sa_request_done(struct ike_sa *sa);
/*
 * ike_sa_retransmit() - resend the outstanding request if due.
 * Return: 0, or -ETIMEDOUT when the tries are used up (delete the SA).
 */
int ike_sa_retransmit(struct ike_sa *sa, const struct ike_ctx *c);
/*
 * ike_sa_send_keepalive() - a NAT keepalive if one is due (@keepalive_at_ms)
 * and the SA is established on port 4500; the next one is due a keepalive
 * interval later (every message to the peer pushes it back too).
 * Return: 0 or the send's -errno (nothing to undo: the next one retries).
 */
int ike_sa_send_keepalive(struct ike_sa *sa, const struct ike_ctx *c);
/*
 * ike_sa_keepalive_arm() - the next NAT keepalive is due a keepalive
 * interval from now (something went to the peer, or the interval changed);
 * none unless we are behind a NAT and keepalives are on.
 */
void ike_sa_keepalive_arm(struct ike_sa *sa, const struct ike_ctx *c);
/* ike_log() - a line for the operator through the env's log op, if any. */
void ike_log(const struct ike_ctx *c, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * ike_sa_deadline() - when the tick has something to do for @sa next, or
 * 0: the outstanding request's retransmission, a responder's half-open
 * expiry, a rekeyed SA's expiry, DPD (a check after dpd_delay of
 * silence, death after dpd_timeout) and the IKE SA rekey, whichever
 * comes first. Each of these times is one at which the tick acts
 * (manager_timer.c), so a deadline in the past is a tick that could not
 * (a full job queue), never a busy loop of nothing.
 */
uint64_t ike_sa_deadline(const struct ike_sa *sa, uint64_t now_ms);

const char *ike_sa_state_name(enum ike_sa_state s);

/**
 * ike_sa_queue_job() - queue work that needs the request window
 * @sa: the IKE SA
 * @kind: what to do
 * @spi_in: the Child SA's inbound SPI (ours), 0 for IKE-wide jobs
 *
 * The manager runs the jobs in order whenever @sa is established and has
 * no outstanding request. A job equal to one already queued (or to the
 * one whose request is outstanding) is not queued twice.
 *
 * Return: 0, or -ENOSPC when the queue is full.
 */
int ike_sa_queue_job(struct ike_sa *sa, enum ike_job_kind kind,
		     uint32_t spi_in);
/*
 * ike_sa_queue_child_job() - ike_sa_queue_job() for pair @ch that never
 * loses the job: if the queue is full it waits in @ch (a burst of
 * expiries: pairs made together expire together) until
 * ike_sa_requeue() finds room.
 */
void ike_sa_queue_child_job(struct ike_sa *sa, enum ike_job_kind kind,
			    struct ike_child *ch);
/* ike_sa_requeue() - queue the jobs waiting in pairs, as many as fit. */
void ike_sa_requeue(struct ike_sa *sa);
/* ike_sa_next_job() - take the oldest job; 0, or -ENOENT if none. */
int ike_sa_next_job(struct ike_sa *sa, struct ike_job *job);

/* The installed pair whose inbound (our) SPI is @spi_in, or NULL. */
struct ike_child *ike_sa_child_by_in(struct ike_sa *sa, uint32_t spi_in);
/* The installed pair whose outbound (the peer's) SPI is @spi_out. */
struct ike_child *ike_sa_child_by_out(struct ike_sa *sa, uint32_t spi_out);
/*
 * ike_sa_child_insert() - a new record for the pair with inbound SPI
 * @spi_in (the rest zeroed) at the end of the table (grown as needed),
 * filed in the manager's Child SA index if @sa is in a table.
 * Return: 0, or -ENOSPC at IKE_SA_MAX_CHILD, -ENOMEM.
 */
int ike_sa_child_insert(struct ike_sa *sa, uint32_t spi_in,
			struct ike_child **out);
/*
 * ike_sa_child_add() - ike_sa_child_insert() with SPI 0, for SAs in no
 * table (tests): the caller sets the SPI, which must not change once
 * the SA is filed.
 */
int ike_sa_child_add(struct ike_sa *sa, struct ike_child **out);
/* ike_sa_child_del() - drop a record (the last one takes its place). */
void ike_sa_child_del(struct ike_sa *sa, struct ike_child *ch);
/*
 * ike_sa_children_move() - @dst (no pairs) takes @src's pairs and their
 * waiting jobs over (an IKE SA rekey); the Child SA index follows.
 */
void ike_sa_children_move(struct ike_sa *dst, struct ike_sa *src);
/* ike_sa_children_index() - file @sa's pairs in @map (or take them out:
 * NULL); 0 or -ENOMEM (then they stay unfiled). */
int ike_sa_children_index(struct ike_sa *sa, struct spimap *map);

#endif /* ACIKD_IKE_SA_H */
