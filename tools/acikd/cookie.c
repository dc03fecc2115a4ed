// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cookie.c - the responder's IKE_SA_INIT cookies (RFC 7296 2.6): see
 * cookie.h.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cookie.h"
#include "crypto/prf.h"
#include "ike_sa.h"
#include "tasks/tasks.h"

void cookie_clear(struct ike_cookie *ck)
{
	OPENSSL_cleanse(ck->secret, sizeof(ck->secret));
	ck->ready = false;
	ck->have_prev = false;
}

static uint8_t *current(struct ike_cookie *ck)
{
	return ck->secret[ck->version & 1];
}

/*
 * A new secret after COOKIE_ROTATE_MS; the old one stays for another
 * period, unless it is older than that already (nobody asked for a
 * cookie in between). Lazily: the responder has no timer of its own.
 */
static int rotate(struct ike_cookie *ck, const struct ike_ctx *c)
{
	uint64_t now = c->now_ms;
	int err;

	if (ck->ready && now < ck->rotated_ms + COOKIE_ROTATE_MS)
		return 0;
	ck->have_prev = ck->ready && now < ck->rotated_ms + 2 * COOKIE_ROTATE_MS;
	if (ck->ready)
		ck->version++;
	err = c->ops->random(c->arg, current(ck), COOKIE_SECRET_LEN);
	if (err) {
		cookie_clear(ck);
		return err;
	}
	ck->ready = true;
	ck->rotated_ms = now;
	return 0;
}

/* The cookie for @req under secret @version into @out. */
static int make(const struct ike_cookie *ck, uint8_t version,
		const struct enc_message *req, const struct sockaddr_in *remote,
		uint8_t out[COOKIE_LEN])
{
	const struct enc_payload *n = enc_message_find(req, IKE_PL_NONCE, NULL);
	uint8_t spi[8], mac[64];
	struct chunk parts[3];
	int err;

	if (!n)
		return -EBADMSG;
	for (int i = 0; i < 8; i++)
		spi[i] = (uint8_t)(req->hdr.spi_i >> (56 - 8 * i));
	parts[0] = n->u.nonce.data;
	parts[1] = chunk_from(&remote->sin_addr.s_addr, 4);
	parts[2] = chunk_from(spi, 8);
	err = hmac_parts("SHA2-256",
			 chunk_from(ck->secret[version & 1], COOKIE_SECRET_LEN),
			 parts, 3, mac, sizeof(mac), NULL);
	if (err)
		return err;
	out[0] = version;
	memcpy(out + 1, mac, COOKIE_HASH_LEN);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

/* Is @got a cookie we made for @req, under the current or previous secret? */
static bool valid(const struct ike_cookie *ck, struct chunk got,
		  const struct enc_message *req, const struct sockaddr_in *remote)
{
	uint8_t want[COOKIE_LEN];
	uint8_t v;

	if (got.len != COOKIE_LEN || !ck->ready)
		return false;
	v = got.ptr[0];
	if (v != ck->version && !(ck->have_prev && v == (uint8_t)(ck->version - 1)))
		return false;
	if (make(ck, v, req, remote, want))
		return false;
	return CRYPTO_memcmp(want, got.ptr, COOKIE_LEN) == 0;
}

/* The request's cookie: the first payload (2.6; the parser checks that). */
static const struct enc_payload *cookie_of(const struct enc_message *req)
{
	const struct enc_payload *p = &req->payloads[0];

	if (!req->num_payloads || p->type != IKE_PL_NOTIFY ||
	    p->u.notify.type != NOTIFY_COOKIE)
		return NULL;
	return p;
}

int cookie_check(struct ike_cookie *ck, const struct ike_ctx *c,
		 unsigned int half_open, const struct enc_message *req,
		 const struct sockaddr_in *remote, struct enc_buf *out)
{
	unsigned int threshold = c->cfg->half_open_cookie_threshold;
	const struct enc_payload *p = cookie_of(req);
	uint8_t cookie[COOKIE_LEN];
	int err;

	if (threshold && half_open < threshold)
		return 0;
	err = rotate(ck, c);
	if (err)
		return err;
	if (p) {
		if (valid(ck, p->u.notify.data, req, remote))
			return 0;
		/* Stale or forged: a fresh one, as to a first request. */
		ck->rejected++;
	}
	err = make(ck, ck->version, req, remote, cookie);
	if (!err)
		err = ike_init_error(&req->hdr, NOTIFY_COOKIE,
				     chunk_from(cookie, COOKIE_LEN), out);
	if (err)
		return err;
	ck->sent++;
	return -EAGAIN;
}
