/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cookie.h - the responder's IKE_SA_INIT cookies (RFC 7296 2.6).
 *
 * From acikd.conf(5) cookie-threshold half-open IKE SAs on (0: always),
 * an IKE_SA_INIT request creates an SA only if it leads with a valid
 * N(COOKIE); any other gets a stateless N(COOKIE) response and leaves no
 * state. Cookie = version of the secret (1 byte) | HMAC-SHA2-256(secret,
 * Ni | IPi | SPIi) truncated to 16 bytes: a peer that can receive at its
 * address can return it, nobody else can forge it. The secret is random,
 * replaced every COOKIE_ROTATE_MS; cookies of the previous one stay
 * valid until the next rotation.
 */
#ifndef ACIKD_COOKIE_H
#define ACIKD_COOKIE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "encoding/encoding.h"

#define COOKIE_HASH_LEN		16
#define COOKIE_LEN		(1 + COOKIE_HASH_LEN)
#define COOKIE_SECRET_LEN	32
#define COOKIE_ROTATE_MS	(120 * 1000)
/* COOKIE responses an initiator follows per IKE_SA_INIT attempt. */
#define COOKIE_MAX_TRIES	3

struct ike_ctx;

/**
 * struct ike_cookie - the manager's cookie secrets and counters
 * @secret: [version & 1] is the current secret, the other the previous
 * @version: the current secret's version, the cookie's first byte
 * @ready: @secret[current] is set (the first cookie needs it)
 * @have_prev: the previous secret still validates cookies
 * @rotated_ms: when the current secret was made
 * @sent: N(COOKIE) responses sent
 * @rejected: requests whose cookie was invalid (wrong, stale, forged)
 */
struct ike_cookie {
	uint8_t secret[2][COOKIE_SECRET_LEN];
	uint8_t version;
	bool ready;
	bool have_prev;
	uint64_t rotated_ms;
	uint64_t sent;
	uint64_t rejected;
};

/*
 * cookie_check() - may IKE_SA_INIT request @req from @remote create an
 * SA, with @half_open half-open SAs in the table? 0: yes; -EAGAIN: no,
 * @out holds the N(COOKIE) response to send; another -errno: drop it.
 */
int cookie_check(struct ike_cookie *ck, const struct ike_ctx *c,
		 unsigned int half_open, const struct enc_message *req,
		 const struct sockaddr_in *remote, struct enc_buf *out);
/* cookie_clear() - wipe the secrets. */
void cookie_clear(struct ike_cookie *ck);

#endif /* ACIKD_COOKIE_H */
