// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The server id claim. Safety (no GCM nonce is ever used twice) rests on
 * the epoch alone: store_epoch_next() hands out each (id, epoch) once, and
 * the kernel is only ever given an epoch fresh from it. The lease gives
 * liveness (ids of dead edges come back) and fencing (an edge cut off from
 * the store stops sending on replicated SAs when its kernel lease runs
 * out, before the store lets another edge take its id).
 *
 * The kernel's lease is shorter than the store's and starts earlier: it is
 * counted from the moment the take or renewal was sent, minus a margin for
 * clock rate differences, while the store's runs from when it stored the
 * record.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <actun.h>

#include "claim.h"
#include "log.h"
#include "store.h"

/* How long to wait after the store did not answer. */
#define RETRY_MS	500

int64_t claim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t lease_ms(const struct claim *c)
{
	return (int64_t)c->conf->lease_s * 1000;
}

/* What the kernel may count on: the lease less a fifth (at least 0.5 s). */
static int64_t kernel_lease_ms(const struct claim *c, int64_t now)
{
	int64_t margin = lease_ms(c) / 5;

	if (margin < 500)
		margin = 500;
	return lease_ms(c) - margin - (now - c->renewed_ms);
}

void claim_init(struct claim *c, const struct fleet_conf *conf,
		struct fleet_store *st, struct actun_sock *sock)
{
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->st = st;
	c->sock = sock;
}

static bool id_retired(const struct claim *c, uint16_t id)
{
	return c->retired[id / 8] & (1u << (id % 8));
}

static void id_retire(struct claim *c, uint16_t id)
{
	c->retired[id / 8] |= 1u << (id % 8);
}

/* actun was unloaded and loaded again, say: its family id is a new one. */
static void claim_reopen(struct claim *c)
{
	struct actun_sock *sock;
	struct actun_error err;

	if (actun_sock_open(&sock, &err)) {
		fleet_log(LOG_DEBUG, "actun: %s", err.msg);
		return;
	}
	actun_sock_close(c->sock);
	c->sock = sock;
}

/* Tell the kernel: a new claim, or (@renew) more time for the current one. */
static int kernel_claim(struct claim *c, int64_t now, bool renew)
{
	struct actun_fleet fleet = { 0 };
	struct actun_error err;
	int64_t left = kernel_lease_ms(c, now);
	int ret;

	if (left <= 0)
		return -ETIMEDOUT;
	fleet.present = ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID) |
			ACTUN_FLEET_F(ACTUN_FLEET_A_EPOCH) |
			ACTUN_FLEET_F(ACTUN_FLEET_A_LEASE_MS);
	fleet.server_id = c->id;
	fleet.epoch = c->epoch;
	fleet.lease_ms = left;
	if (renew)
		fleet.present |= ACTUN_FLEET_F(ACTUN_FLEET_A_RENEW);
	ret = actun_fleet_set(c->sock, &fleet, &err);
	if (ret && (ret != -ESRCH || !renew)) {
		fleet_log(LOG_ERR, "actun refused server id %u epoch %u: %s",
			  c->id, c->epoch, err.msg[0] ? err.msg : strerror(-ret));
		claim_reopen(c);
	}
	return ret;
}

static void kernel_release(struct claim *c)
{
	struct actun_fleet fleet = { 0 };
	struct actun_error err;

	fleet.present = ACTUN_FLEET_F(ACTUN_FLEET_A_RELEASE);
	if (actun_fleet_set(c->sock, &fleet, &err)) {
		fleet_log(LOG_ERR, "actun: cannot release the claim: %s",
			  err.msg);
		claim_reopen(c);
	}
}

/* A fresh epoch for the id we hold, into the kernel. */
static int claim_epoch(struct claim *c, int64_t now)
{
	int ret;

	ret = store_epoch_next(c->st, c->id, &c->epoch);
	if (ret == -ERANGE) {
		fleet_log(LOG_WARN,
			  "server id %u has used all 65535 epochs: retired",
			  c->id);
		id_retire(c, c->id);
		store_id_release(c->st, c->id, c->rev);
		c->held = false;
		return ret;
	}
	if (ret)
		return ret;
	if (c->on_epoch)
		c->on_epoch(c->on_epoch_arg, true);
	ret = kernel_claim(c, claim_now_ms(), false);
	if (c->on_epoch)
		c->on_epoch(c->on_epoch_arg, false);
	if (ret)
		return ret;
	fleet_log(LOG_INFO, "claimed server id %u, epoch %u, lease %u s",
		  c->id, c->epoch, c->conf->lease_s);
	(void)now;
	return 0;
}

/* Take some free id: ours from before first, then from a spot of our own
 * in the range (a hash of our name) so that edges starting together do
 * not all race for the lowest id.
 */
static int claim_take(struct claim *c, int64_t now)
{
	uint32_t span = c->conf->id_max - c->conf->id_min + 1, i, start, h;
	const char *p;
	uint16_t id;
	int ret;

	for (h = 2166136261u, p = c->conf->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	start = c->id >= c->conf->id_min && c->id <= c->conf->id_max ?
		(uint32_t)(c->id - c->conf->id_min) : h % span;
	for (i = 0; i < span; i++) {
		id = c->conf->id_min + (start + i) % span;
		if (id_retired(c, id))
			continue;
		c->renewed_ms = claim_now_ms();
		ret = store_id_take(c->st, id, c->conf->name, &c->rev);
		if (ret == -EEXIST)
			continue;
		if (ret)
			return ret;
		c->id = id;
		c->held = true;
		ret = claim_epoch(c, now);
		if (ret && c->held) {
			store_id_release(c->st, c->id, c->rev);
			c->held = false;
		}
		if (ret == -ERANGE)
			continue;
		return ret;
	}
	fleet_log(LOG_ERR, "no free server id in %u-%u", c->conf->id_min,
		  c->conf->id_max);
	return -ENOSPC;
}

static void claim_lost(struct claim *c, const char *why)
{
	fleet_log(LOG_WARN, "lost server id %u epoch %u: %s", c->id, c->epoch,
		  why);
	c->held = false;
	kernel_release(c);
}

static int claim_renew(struct claim *c)
{
	int64_t sent = claim_now_ms();
	int ret;

	ret = store_id_renew(c->st, c->id, c->conf->name, &c->rev);
	if (ret == -ESTALE) {
		claim_lost(c, "the store has another holder or none");
		return ret;
	}
	if (ret)
		return ret;
	c->renewed_ms = sent;
	ret = kernel_claim(c, claim_now_ms(), true);
	if (ret == -ESRCH) {
		/* The kernel forgot the claim (module reloaded, or replaced
		 * by hand): its SAs' sequence numbers may have started over,
		 * so the epoch must not be used again.
		 */
		fleet_log(LOG_WARN,
			  "actun no longer has server id %u epoch %u: new epoch",
			  c->id, c->epoch);
		ret = claim_epoch(c, sent);
	}
	return ret;
}

int64_t claim_run(struct claim *c, int64_t now)
{
	int ret;

	if (now < c->next_ms)
		return c->next_ms - now;
	if (c->held && now - c->renewed_ms >= lease_ms(c))
		claim_lost(c, "no renewal within the lease");
	ret = c->held ? claim_renew(c) : claim_take(c, now);
	if (!ret)
		c->next_ms = c->renewed_ms + lease_ms(c) / 3;
	else if (ret == -ENOSPC)
		c->next_ms = claim_now_ms() + lease_ms(c) / 2;
	else
		c->next_ms = claim_now_ms() + RETRY_MS;
	now = claim_now_ms();
	return c->next_ms > now ? c->next_ms - now : 0;
}

void claim_reset_kernel(struct claim *c)
{
	kernel_release(c);
}

bool claim_valid(const struct claim *c, int64_t now)
{
	return c->held && kernel_lease_ms(c, now) > 0;
}

void claim_release(struct claim *c)
{
	if (!c->held)
		return;
	kernel_release(c);
	if (store_id_release(c->st, c->id, c->rev) == 0)
		fleet_log(LOG_INFO, "released server id %u", c->id);
	c->held = false;
}
