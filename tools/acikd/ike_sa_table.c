// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ike_sa_table.c - the tables the manager files its IKE SAs in (ike_sa.h):
 * by our SPI, the responder's by (SPIi, peer address), by connection
 * name, their Child SA pairs by inbound SPI, and the timer heap of their
 * next deadlines. Every lookup and every timer operation costs O(1) or
 * O(log n) in the number of SAs; only walks (listing, reload, shutdown)
 * visit them all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ike_sa.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Our SPIs are random: spreading their bits is enough. */
static uint64_t spi_hash(const struct ike_sa_table *t, uint64_t spi)
{
	uint64_t k;

	memcpy(&k, t->key, sizeof(k));
	return hash_mix64(spi ^ k);
}

/* SPIi and the address are the peer's choice: keyed (hash.h). */
static uint64_t spii_hash(const struct ike_sa_table *t, uint64_t spi_i,
			  const struct sockaddr_in *remote)
{
	uint8_t b[sizeof(spi_i) + sizeof(remote->sin_addr.s_addr) +
		  sizeof(remote->sin_port)];

	memcpy(b, &spi_i, sizeof(spi_i));
	memcpy(b + 8, &remote->sin_addr.s_addr, 4);
	memcpy(b + 12, &remote->sin_port, 2);
	return hash_siphash(t->key, b, sizeof(b));
}

static uint64_t conn_hash(const struct ike_sa_table *t, const char *name)
{
	return hash_siphash(t->key, name, strlen(name));
}

int ike_sa_table_init(struct ike_sa_table *t, const uint8_t *key)
{
	uint64_t k;

	memset(t, 0, sizeof(*t));
	memcpy(t->key, key, HASH_KEY_LEN);
	memcpy(&k, key + 8, sizeof(k));
	if (htable_init(&t->by_spi) || htable_init(&t->by_spii) ||
	    htable_init(&t->by_conn) || spimap_init(&t->by_child, k) ||
	    heap_reserve(&t->timers, 64)) {
		ike_sa_table_fini(t);
		return -ENOMEM;
	}
	return 0;
}

void ike_sa_table_fini(struct ike_sa_table *t)
{
	htable_fini(&t->by_spi);
	htable_fini(&t->by_spii);
	htable_fini(&t->by_conn);
	spimap_fini(&t->by_child);
	heap_fini(&t->timers);
}

static struct ike_sa *find_spi(const struct ike_sa_table *t, uint64_t spi)
{
	uint64_t h = spi_hash(t, spi);
	struct hnode *n;

	for (n = htable_chain(&t->by_spi, h); n; n = n->next) {
		struct ike_sa *sa = container_of(n, struct ike_sa, spi_node);

		if (n->hash == h && ike_sa_our_spi(sa) == spi)
			return sa;
	}
	return NULL;
}

int ike_sa_new_spi(struct ike_sa_table *t, const struct ike_ctx *c,
		   uint64_t *spi)
{
	for (int tries = 0; tries < 16; tries++) {
		int err = c->ops->random(c->arg, (uint8_t *)spi, sizeof(*spi));

		if (err)
			return err;
		*spi = (uint64_t)ike_shard_fit((uint32_t)(*spi >> 32), c->shard,
					       c->shards) << 32 |
		       (uint32_t)*spi;
		if (*spi && !find_spi(t, *spi))
			return 0;
	}
	return -EAGAIN;
}

/* Take @sa off the list of SAs due again in this tick. */
static void undefer(struct ike_sa_table *t, struct ike_sa *sa)
{
	struct ike_sa **pp = &t->deferred;

	while (*pp != sa)
		pp = &(*pp)->due_next;
	*pp = sa->due_next;
	sa->deferred = false;
}

/*
 * Its deadline into the heap. During a tick, an SA due at once again
 * (its rekey could not be queued, say) waits aside until the tick ends,
 * so that a tick runs every SA at most once, as the walk did.
 */
static void schedule(struct ike_sa_table *t, struct ike_sa *sa, uint64_t now)
{
	uint64_t d = ike_sa_deadline(sa, now);

	if (t->ticking && d && d <= now) {
		heap_remove(&t->timers, &sa->timer);
		if (!sa->deferred) {
			sa->deferred = true;
			sa->due_next = t->deferred;
			t->deferred = sa;
		}
		return;
	}
	if (sa->deferred)
		undefer(t, sa);
	heap_set(&t->timers, &sa->timer, d);
}

/* File @sa under its connection's name, or nowhere if it has none. */
static void file_conn(struct ike_sa_table *t, struct ike_sa *sa)
{
	if (sa->conn == sa->conn_indexed)
		return;
	if (sa->conn_indexed)
		htable_del(&t->by_conn, &sa->conn_node);
	if (sa->conn)
		htable_add(&t->by_conn, &sa->conn_node,
			   conn_hash(t, sa->conn->name));
	/* Compared, never dereferenced: @sa holds a reference to @conn. */
	sa->conn_indexed = sa->conn;
}

int ike_sa_table_add(struct ike_sa_table *t, struct ike_sa *sa,
		     uint64_t now_ms)
{
	/* Room in the heap for every SA: a timer is never lost to ENOMEM. */
	if (heap_reserve(&t->timers, t->count + 1))
		return -ENOMEM;
	htable_add(&t->by_spi, &sa->spi_node,
		   spi_hash(t, ike_sa_our_spi(sa)));
	if (!sa->initiator)
		htable_add(&t->by_spii, &sa->spii_node,
			   spii_hash(t, sa->spi_i, &sa->remote));
	sa->conn_indexed = NULL;
	file_conn(t, sa);
	/*
	 * Pairs are normally added once the SA is filed; a rekey's new SA
	 * has them moved over filed already (ike_sa_children_move()). If
	 * there is no memory for them, only actun's expiries miss them.
	 */
	if (!sa->child_index)
		ike_sa_children_index(sa, &t->by_child);
	t->count++;
	/* As in ike_sa_table_remove(): a rekey's new SA is never half-open. */
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		t->half_open++;
	sa->frag_pool = &t->frag;
	schedule(t, sa, now_ms);
	return 0;
}

void ike_sa_table_remove(struct ike_sa_table *t, struct ike_sa *sa)
{
	htable_del(&t->by_spi, &sa->spi_node);
	if (!sa->initiator)
		htable_del(&t->by_spii, &sa->spii_node);
	if (sa->conn_indexed)
		htable_del(&t->by_conn, &sa->conn_node);
	sa->conn_indexed = NULL;
	ike_sa_children_index(sa, NULL);
	heap_remove(&t->timers, &sa->timer);
	if (sa->deferred)
		undefer(t, sa);
	t->count--;
	/* A DELETING SA was established: it is not half-open. */
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		t->half_open--;
}

void ike_sa_table_update(struct ike_sa_table *t, struct ike_sa *sa,
			 uint64_t now_ms)
{
	/* The peer's NAT mapping moved (2.23): refile by the new address. */
	if (!sa->initiator) {
		uint64_t h = spii_hash(t, sa->spi_i, &sa->remote);

		if (h != sa->spii_node.hash) {
			htable_del(&t->by_spii, &sa->spii_node);
			htable_add(&t->by_spii, &sa->spii_node, h);
		}
	}
	file_conn(t, sa);
	schedule(t, sa, now_ms);
}

void ike_sa_table_established(struct ike_sa_table *t, struct ike_sa *sa)
{
	if (sa->state < IKE_SA_STATE_ESTABLISHED)
		t->half_open--;
	sa->state = IKE_SA_STATE_ESTABLISHED;
}

struct ike_sa *ike_sa_table_find(const struct ike_sa_table *t,
				 const struct enc_header *h)
{
	/* The Initiator flag says who sent it, hence whose SPI is ours. */
	bool from_initiator = h->flags & IKE_FLAG_INITIATOR;
	uint64_t ours = from_initiator ? h->spi_r : h->spi_i;
	struct ike_sa *sa = ours ? find_spi(t, ours) : NULL;

	if (!sa || sa->initiator == from_initiator)
		return NULL;
	/* The initiator learns SPIr from the IKE_SA_INIT response. */
	if (from_initiator ? sa->spi_i != h->spi_i :
	    sa->spi_r && sa->spi_r != h->spi_r)
		return NULL;
	return sa;
}

struct ike_sa *ike_sa_table_find_spi(const struct ike_sa_table *t,
				     uint64_t spi)
{
	return spi ? find_spi(t, spi) : NULL;
}

struct ike_sa *ike_sa_table_find_init(const struct ike_sa_table *t,
				      uint64_t spi_i,
				      const struct sockaddr_in *remote)
{
	uint64_t h = spii_hash(t, spi_i, remote);
	struct hnode *n;

	for (n = htable_chain(&t->by_spii, h); n; n = n->next) {
		struct ike_sa *sa = container_of(n, struct ike_sa, spii_node);

		if (n->hash == h && sa->spi_i == spi_i &&
		    sa->remote.sin_addr.s_addr == remote->sin_addr.s_addr &&
		    sa->remote.sin_port == remote->sin_port)
			return sa;
	}
	return NULL;
}

struct ike_sa *ike_sa_table_by_conn(const struct ike_sa_table *t,
				    const char *name, struct ike_sa *prev)
{
	uint64_t h = conn_hash(t, name);
	struct hnode *n = prev ? prev->conn_node.next :
			  htable_chain(&t->by_conn, h);

	for (; n; n = n->next) {
		struct ike_sa *sa = container_of(n, struct ike_sa, conn_node);

		if (n->hash == h && sa->conn && !strcmp(sa->conn->name, name))
			return sa;
	}
	return NULL;
}

struct ike_sa *ike_sa_table_by_child(const struct ike_sa_table *t,
				     uint32_t spi_in, size_t *it)
{
	return spimap_next(&t->by_child, spi_in, it);
}

void ike_sa_table_walk(struct ike_sa_table *t,
		       void (*fn)(void *arg, struct ike_sa *sa), void *arg)
{
	for (size_t b = 0; b < t->by_spi.n_buckets; b++) {
		struct hnode *n = t->by_spi.b[b];

		while (n) {
			struct hnode *next = n->next;

			fn(arg, container_of(n, struct ike_sa, spi_node));
			n = next;
		}
	}
}

void ike_sa_table_tick_begin(struct ike_sa_table *t)
{
	t->ticking = true;
}

struct ike_sa *ike_sa_table_due(struct ike_sa_table *t, uint64_t now_ms)
{
	struct heap_node *top = heap_top(&t->timers);

	if (!top || top->key > now_ms)
		return NULL;
	heap_remove(&t->timers, top);
	t->timer_runs++;
	return container_of(top, struct ike_sa, timer);
}

uint64_t ike_sa_table_tick_end(struct ike_sa_table *t, uint64_t now_ms)
{
	struct heap_node *top;

	t->ticking = false;
	while (t->deferred) {
		struct ike_sa *sa = t->deferred;

		t->deferred = sa->due_next;
		sa->deferred = false;
		heap_set(&t->timers, &sa->timer, ike_sa_deadline(sa, now_ms));
	}
	top = heap_top(&t->timers);
	return top ? top->key : 0;
}

struct check_walk {
	uint64_t now;
	unsigned int bad;
};

static void check_one(void *arg, struct ike_sa *sa)
{
	struct check_walk *w = arg;
	uint64_t d = ike_sa_deadline(sa, w->now);
	uint64_t key = sa->timer.pos ? sa->timer.key : 0;

	/*
	 * Due: this tick runs it (its deadline may have moved on meanwhile:
	 * DPD's check is then taken for queued). Otherwise the heap must
	 * hold exactly its deadline: not later (a missed timer), not
	 * earlier (an event that forgot ike_sa_table_update()).
	 */
	if (key && key <= w->now)
		return;
	w->bad += key != d;
}

unsigned int ike_sa_table_check(struct ike_sa_table *t, uint64_t now_ms)
{
	struct check_walk w = { .now = now_ms };

	ike_sa_table_walk(t, check_one, &w);
	return w.bad;
}
