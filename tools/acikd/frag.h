/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * frag.h - IKE fragmentation (RFC 7383): splitting our encrypted
 * messages into SKF fragments, each protected on its own (2.5), and
 * reassembling the peer's (2.6).
 *
 * Sending: a message is kept as the datagrams that go on the wire, back
 * to back (each starts with its IKE header, whose length field delimits
 * it): one for an unfragmented message, one per fragment otherwise.
 * Retransmissions resend them all, unchanged.
 *
 * Receiving: per IKE SA, one set being reassembled for requests and one
 * for responses (the windows are of size 1). A fragment is kept only
 * after its ICV is verified; the stored plaintext is bounded per SA and
 * over all SAs of a manager (struct frag_pool, in the SA table).
 */
#ifndef ACIKD_FRAG_H
#define ACIKD_FRAG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"

/* IP datagram size a fragment must fit when conn->fragment_size is 0. */
#define FRAG_SIZE_DEFAULT	1280
/*
 * Reassembly memory: per IKE SA, and over all SAs of a manager. Before
 * IKE_AUTH completes, an SA costs its peer no more than an IKE_SA_INIT
 * (anyone can have one), so it gets a smaller share: room for an
 * IKE_AUTH of twice the largest message we build, more than strongSwan
 * reassembles (its max_packet, 10000 bytes). Filling the pool then takes
 * 1024 half-open SAs at once instead of 256.
 */
#define FRAG_HALF_OPEN_MAX_BYTES	(16 * 1024)
#define FRAG_SA_MAX_BYTES		(64 * 1024)
#define FRAG_POOL_MAX_BYTES		(16 * 1024 * 1024)

/**
 * struct frag_pool - reassembly memory of one manager
 * @used: bytes held by every SA's sets (plaintext and set records)
 * @half_open_max: the most one SA may hold before it is established
 * @sa_max: the most one SA may hold
 * @max: the most all SAs may hold together
 */
struct frag_pool {
	size_t used;
	size_t half_open_max;
	size_t sa_max;
	size_t max;
};

struct ike_sa;
struct ike_ctx;
struct enc_message;

/*
 * frag_prepare() - the datagrams for message @msg of @sa into @out (a new
 * chunk): @msg itself, or its SKF fragments when fragmentation was
 * negotiated, @msg is encrypted (IKE_AUTH and later) and a datagram of
 * it would exceed the connection's fragment_size (with IP and UDP
 * headers, and the non-ESP marker when @natt). 0 or -errno.
 */
int frag_prepare(struct ike_sa *sa, bool natt, struct chunk msg,
		 struct chunk *out);
/* frag_send() - send each datagram of @dgrams (frag_prepare()'s output). */
void frag_send(const struct ike_ctx *c, const struct sockaddr_in *local,
	       const struct sockaddr_in *remote, bool natt,
	       struct chunk dgrams);
/*
 * frag_collect() - verify SKF fragment @m (the SA's window already
 * accepted its message ID) and keep its plaintext. When it completes the
 * set, @plain receives the reassembled plaintext (clear it after use)
 * and @first the first inner payload type: 0. Otherwise -EINPROGRESS
 * (kept, or a duplicate), or another -errno (dropped: bad ICV, bad
 * number or total, fragmentation not negotiated, over a memory cap (the
 * half-open one until @sa is established); nothing kept changes).
 */
int frag_collect(struct ike_sa *sa, const struct enc_message *m,
		 struct chunk *plain, uint8_t *first);
/* frag_sa_free() - drop @sa's sets, giving their memory back to the pool. */
void frag_sa_free(struct ike_sa *sa);
/*
 * frag_not_first() - is @datagram an SKF fragment other than number 1?
 * A retransmitted fragmented request is answered once, on its first
 * fragment (RFC 7383 2.6.1), not once per fragment.
 */
bool frag_not_first(struct chunk datagram);

#endif /* ACIKD_FRAG_H */
