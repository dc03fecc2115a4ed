// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * frag.c - IKE fragmentation (RFC 7383): see frag.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sk.h"
#include "frag.h"
#include "ike_sa.h"

/* IPv4 and UDP headers; the non-ESP marker on port 4500 (RFC 3948). */
#define IP_UDP_LEN	28
#define NON_ESP_MARKER	4
/* Generic header, then SK: nothing; SKF: Fragment Number and Total. */
#define SK_HEADER_LEN	4
#define SKF_HEADER_LEN	8
/* Where the IKE header keeps Next Payload, exchange and length. */
#define HDR_NEXT	16
#define HDR_EXCHANGE	18
#define HDR_LENGTH	24

_Static_assert(ENC_MAX_FRAGMENTS <= 64, "struct frag_set's bitmap");

/* One message being reassembled: the plaintext of each fragment. */
struct frag_set {
	uint32_t msg_id;
	uint16_t total;
	uint16_t have;
	uint64_t got;		/* bit n-1: fragment n is here */
	uint8_t first;		/* fragment 1's Next Payload */
	size_t bytes;		/* charged to the pool, this record included */
	struct chunk piece[];	/* @total of them */
};

/* What a set of @total fragments costs before any plaintext. */
static size_t set_size(uint16_t total)
{
	return sizeof(struct frag_set) + total * sizeof(struct chunk);
}

void frag_send(const struct ike_ctx *c, const struct sockaddr_in *local,
	       const struct sockaddr_in *remote, bool natt,
	       struct chunk dgrams)
{
	size_t off = 0;

	while (dgrams.len - off >= IKE_HEADER_LEN) {
		size_t len = enc_get_be32(dgrams.ptr + off + HDR_LENGTH);

		if (len < IKE_HEADER_LEN || len > dgrams.len - off)
			return;	/* not ours: frag_prepare() never does this */
		/* A lost datagram is what retransmission is for. */
		c->ops->send(c->arg, local, remote, natt,
			     chunk_from(dgrams.ptr + off, len));
		off += len;
	}
}

/* The longest IKE message a datagram may carry on this SA. */
static size_t ike_limit(const struct ike_sa *sa, bool natt)
{
	size_t ip = sa->conn && sa->conn->fragment_size ?
		    sa->conn->fragment_size : FRAG_SIZE_DEFAULT;
	size_t over = IP_UDP_LEN + (natt ? NON_ESP_MARKER : 0);

	return ip > over ? ip - over : 0;
}

/* Negotiated, too long, and a message with just an SK payload (ours). */
static bool wants_split(const struct ike_sa *sa, struct chunk msg,
			size_t limit)
{
	return sa->peer_frag && msg.len > limit &&
	       msg.len > IKE_HEADER_LEN + SK_HEADER_LEN &&
	       msg.ptr[HDR_NEXT] == IKE_PL_SK &&
	       msg.ptr[HDR_EXCHANGE] != IKE_SA_INIT;
}

/* The most plaintext one fragment of @limit bytes can carry. */
static int plain_per_fragment(const struct ike_sa *sa, size_t limit,
			      size_t *per)
{
	size_t avail, body;

	if (limit <= IKE_HEADER_LEN + SKF_HEADER_LEN)
		return -EMSGSIZE;
	avail = limit - IKE_HEADER_LEN - SKF_HEADER_LEN;
	/* Padding makes the body's length a step function: walk down. */
	for (size_t p = avail; p > 0; p--)
		if (!sk_body_len(&sa->suite, p, &body) && body <= avail) {
			*per = p;
			return 0;
		}
	return -EMSGSIZE;
}

/* Our own SK message's plaintext, decrypted again with our keys. */
static int own_plaintext(struct ike_sa *sa, struct chunk msg,
			 struct chunk *plain, uint8_t *first)
{
	const uint8_t *sk = msg.ptr + IKE_HEADER_LEN;
	size_t len = (size_t)sk[2] << 8 | sk[3];
	size_t aad = IKE_HEADER_LEN + SK_HEADER_LEN;
	struct chunk ke, ka;

	if (len != msg.len - IKE_HEADER_LEN)
		return -EINVAL;
	*first = sk[0];
	ike_sa_sk_keys(sa, true, &ke, &ka);
	return sk_decrypt(&sa->suite, ke, ka, chunk_from(msg.ptr, aad),
			  chunk_from(msg.ptr + aad, msg.len - aad), plain);
}

/* The fragments of @plain, each under @msg's header, into @out. */
static int split(struct ike_sa *sa, struct chunk msg, struct chunk plain,
		 uint8_t first, size_t per, size_t limit, struct chunk *out)
{
	size_t n = (plain.len + per - 1) / per, off = 0;
	struct enc_header h;
	int err;

	if (n > ENC_MAX_FRAGMENTS)
		return -E2BIG;
	err = enc_header_parse(&h, msg);
	if (!err)
		err = chunk_alloc(out, n * limit);
	for (size_t i = 0; !err && i < n; i++) {
		size_t at = i * per;
		struct enc_payload f = {
			.type = IKE_PL_SKF,
			/* Only the first fragment names the inner payload. */
			.next = i ? IKE_PL_NONE : first,
			.u.sk = { .number = (uint16_t)(i + 1),
				  .total = (uint16_t)n },
		};
		struct enc_buf b = enc_buf_init(out->ptr + off, out->len - off);
		struct chunk piece = chunk_from(plain.ptr + at,
						plain.len - at < per ?
						plain.len - at : per);

		err = ike_sa_protect(sa, &h, &f, piece, &b);
		off += b.len;
	}
	if (err)
		chunk_free(out);
	else
		out->len = off;
	return err;
}

int frag_prepare(struct ike_sa *sa, bool natt, struct chunk msg,
		 struct chunk *out)
{
	size_t limit = ike_limit(sa, natt), per;
	struct chunk plain = CHUNK_EMPTY;
	uint8_t first;
	int err;

	*out = CHUNK_EMPTY;
	if (!wants_split(sa, msg, limit) ||
	    plain_per_fragment(sa, limit, &per))
		return chunk_dup(out, msg.ptr, msg.len);
	err = own_plaintext(sa, msg, &plain, &first);
	if (!err)
		err = split(sa, msg, plain, first, per, limit, out);
	/* The plaintext holds AUTH and key-bearing payloads. */
	chunk_clear(&plain);
	/* More than the peer will take apart: it may still get through. */
	if (err == -E2BIG)
		return chunk_dup(out, msg.ptr, msg.len);
	return err;
}

static void set_drop(struct ike_sa *sa, struct frag_set **slot)
{
	struct frag_set *s = *slot;

	if (!s)
		return;
	for (unsigned int i = 0; i < s->total; i++)
		chunk_clear(&s->piece[i]);
	if (sa->frag_pool)
		sa->frag_pool->used -= s->bytes;
	free(s);
	*slot = NULL;
}

void frag_sa_free(struct ike_sa *sa)
{
	set_drop(sa, &sa->frag_in[0]);
	set_drop(sa, &sa->frag_in[1]);
}

/*
 * Before the ICV is checked: a duplicate, or a fragment of a set with a
 * smaller total than the one being reassembled (the older, larger
 * fragments of a retransmission, RFC 7383 2.6.1), is dropped.
 */
static bool unwanted(const struct frag_set *s, uint32_t id,
		     const struct enc_sk *f)
{
	if (!s || s->msg_id != id || f->total > s->total)
		return false;
	return f->total < s->total || (s->got >> (f->number - 1) & 1);
}

/* Does a new set replace @s (another message, or a larger total)? */
static bool replaces(const struct frag_set *s, uint32_t id,
		     const struct enc_sk *f)
{
	return s && (s->msg_id != id || f->total > s->total);
}

/*
 * What @sa may hold: until IKE_AUTH completes, its peer is anyone who
 * sent an IKE_SA_INIT, and many such SAs must not fill the pool.
 */
static size_t sa_cap(const struct ike_sa *sa)
{
	const struct frag_pool *pool = sa->frag_pool;

	if (sa->state < IKE_SA_STATE_ESTABLISHED &&
	    pool->half_open_max < pool->sa_max)
		return pool->half_open_max;
	return pool->sa_max;
}

/* Would keeping @cost more bytes (after a reset) stay within the caps? */
static bool fits(const struct ike_sa *sa, const struct frag_set *s,
		 bool reset, size_t cost)
{
	const struct frag_pool *pool = sa->frag_pool;
	size_t held = s && !reset ? s->bytes : 0;
	size_t freed = s && reset ? s->bytes : 0;

	return held + cost <= sa_cap(sa) &&
	       pool->used - freed + cost <= pool->max;
}

/* Keep @piece as fragment @f of message @id. 0 or -errno. */
static int keep(struct ike_sa *sa, struct frag_set **slot, uint32_t id,
		const struct enc_payload *f, struct chunk *piece)
{
	bool reset = replaces(*slot, id, &f->u.sk);
	size_t cost = piece->len +
		      (reset || !*slot ? set_size(f->u.sk.total) : 0);
	struct frag_set *s;

	if (!fits(sa, *slot, reset, cost))
		return -ENOBUFS;
	if (reset)
		set_drop(sa, slot);
	if (!*slot) {
		*slot = calloc(1, set_size(f->u.sk.total));
		if (!*slot)
			return -ENOMEM;
		(*slot)->msg_id = id;
		(*slot)->total = f->u.sk.total;
	}
	s = *slot;
	s->piece[f->u.sk.number - 1] = *piece;
	*piece = CHUNK_EMPTY;
	s->got |= 1ULL << (f->u.sk.number - 1);
	s->have++;
	if (f->u.sk.number == 1)
		s->first = f->next;
	s->bytes += cost;
	sa->frag_pool->used += cost;
	return 0;
}

/* The whole plaintext, in fragment order; the set goes. */
static int assemble(struct ike_sa *sa, struct frag_set **slot,
		    struct chunk *plain, uint8_t *first)
{
	struct frag_set *s = *slot;
	size_t len = 0, off = 0;
	int err;

	for (unsigned int i = 0; i < s->total; i++)
		len += s->piece[i].len;
	err = chunk_alloc(plain, len);
	for (unsigned int i = 0; !err && i < s->total; i++) {
		if (s->piece[i].len)
			memcpy(plain->ptr + off, s->piece[i].ptr,
			       s->piece[i].len);
		off += s->piece[i].len;
	}
	*first = s->first;
	set_drop(sa, slot);
	return err;
}

int frag_collect(struct ike_sa *sa, const struct enc_message *m,
		 struct chunk *plain, uint8_t *first)
{
	const struct enc_payload *f = &m->payloads[m->sk];
	struct frag_set **slot = &sa->frag_in[!!(m->hdr.flags &
						IKE_FLAG_RESPONSE)];
	uint32_t id = m->hdr.message_id;
	struct chunk piece = CHUNK_EMPTY, ke, ka;
	int err;

	*plain = CHUNK_EMPTY;
	/* SKF is only for peers that said they would send it (2.3). */
	if (!sa->peer_frag || !sa->frag_pool || f->type != IKE_PL_SKF)
		return -EPROTO;
	if (f->u.sk.number < 1 || f->u.sk.number > f->u.sk.total ||
	    f->u.sk.total > ENC_MAX_FRAGMENTS)
		return -EINVAL;	/* the parser refuses these already */
	if (unwanted(*slot, id, &f->u.sk))
		return -EALREADY;
	/* Verified before anything is kept or discarded (2.6). */
	ike_sa_sk_keys(sa, false, &ke, &ka);
	err = sk_decrypt(&sa->suite, ke, ka, enc_message_aad(m), f->u.sk.data,
			 &piece);
	if (!err)
		err = keep(sa, slot, id, f, &piece);
	chunk_clear(&piece);
	if (err)
		return err;
	if ((*slot)->have < (*slot)->total)
		return -EINPROGRESS;
	return assemble(sa, slot, plain, first);
}

bool frag_not_first(struct chunk datagram)
{
	const uint8_t *p = datagram.ptr + IKE_HEADER_LEN + SK_HEADER_LEN;

	if (datagram.len < IKE_HEADER_LEN + SKF_HEADER_LEN ||
	    datagram.ptr[HDR_NEXT] != IKE_PL_SKF)
		return false;
	return (p[0] << 8 | p[1]) != 1;
}
