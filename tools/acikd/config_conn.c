// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * config_conn.c - connections: their lifetime (conn_get/conn_put), the
 * rules between connections, and the two lookups the protocol core does.
 *
 * The daemon is one thread (one epoll loop), so the reference count is a
 * plain integer: a reload swaps the config while SAs keep their conn.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_int.h"

/* A connection with the defaults of acikd.conf(5); one reference. */
struct conn *conn_new(const char *name)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->refs = 1;
	c->local.sin_family = AF_INET;
	c->remote.sin_family = AF_INET;
	c->rekey_seconds = 4 * 3600;
	c->dpd_seconds = 30;
	c->dpd_timeout_seconds = 150;
	c->fragmentation = true;
	c->fragment_size = 1280;
	return c;
}

struct conn *conn_get(struct conn *c)
{
	if (c)
		c->refs++;
	return c;
}

void conn_put(struct conn *c)
{
	if (!c || --c->refs)
		return;
	chunk_clear(&c->psk);
	chunk_free(&c->local_id.data);
	chunk_free(&c->remote_id.data);
	free(c);
}

void config_free(struct acikd_config *cfg)
{
	unsigned int i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_conns; i++)
		conn_put(cfg->conns[i]);
	free(cfg->conns);
	free(cfg);
}

/* Names compare without case (DNS, and strongSwan does the same for
 * RFC822 addresses); addresses and key IDs byte for byte. */
bool ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	if (a->type != b->type || a->data.len != b->data.len)
		return false;
	if (a->type == IKE_ID_FQDN || a->type == IKE_ID_RFC822_ADDR)
		return !a->data.len || !strncasecmp((const char *)a->data.ptr,
						    (const char *)b->data.ptr,
						    a->data.len);
	return chunk_equal(a->data, b->data);
}

static bool is_any(const struct sockaddr_in *a)
{
	return a->sin_addr.s_addr == htonl(INADDR_ANY);
}

/**
 * conn_complete() - the rules between a connection's settings, and the
 *	defaults of those it does not set
 * @c: the connection, as read
 * @set: the CF_* settings the file gave
 * @why: receives the reason for a refusal
 * @whylen: size of @why
 *
 * Return: 0, -EINVAL with the reason in @why, or -ENOMEM.
 */
int conn_complete(struct conn *c, unsigned int set, char *why, size_t whylen)
{
	static const struct { unsigned int flag; const char *what; } need[] = {
		{ CF_LOCAL_ADDR, "local_addrs" },
		{ CF_REMOTE_ID, "remote { id }" }, { CF_PSK, "psk" },
		{ CF_DEV, "actun { dev }" }, { CF_TUNNEL, "actun { tunnel }" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(set & need[i].flag))
			return cv_why(why, whylen, "%s is required",
				      need[i].what);
	if (!(set & CF_LOCAL_ID)) {
		/* strongSwan's default: our address is our identity. */
		if (is_any(&c->local))
			return cv_why(why, whylen, "local_addrs is %%any, so "
				      "local { id } is required");
		c->local_id.type = IKE_ID_IPV4_ADDR;
		if (chunk_dup(&c->local_id.data, &c->local.sin_addr, 4))
			return -ENOMEM;
	}
	/* With %any the IDs alone pick the connection, and an address ID
	 * from an unknown address proves nothing. */
	if (is_any(&c->remote) && c->remote_id.type == IKE_ID_IPV4_ADDR)
		return cv_why(why, whylen, "remote_addrs is %%any, so the "
			      "remote id must be a name, not an IPv4 address");
	/* 0.0.0.0 would be this host: initiating needs a peer address */
	if (is_any(&c->remote) && c->initiate)
		return cv_why(why, whylen, "remote_addrs is %%any, so the "
			      "connection cannot initiate");
	/* RFC 7383 2.5.1: IPv4 must carry 576 bytes; UDP caps at 64k. */
	if (c->fragment_size < 576 || c->fragment_size > 65535)
		return cv_why(why, whylen, "fragment_size (%u) is not from 576 "
			      "to 65535", c->fragment_size);
	if (c->dpd_timeout_seconds < c->dpd_seconds)
		return cv_why(why, whylen, "dpd_timeout (%us) is shorter than "
			      "dpd_delay (%us)", c->dpd_timeout_seconds,
			      c->dpd_seconds);
	if (!(set & CF_IKE))
		config_proposal_defaults(false, c->ike, &c->n_ike);
	if (!(set & CF_ESP))
		config_proposal_defaults(true, c->esp, &c->n_esp);
	if (!(set & CF_LOCAL_TS)) {
		c->local_ts[0].family = AF_INET;	/* 0.0.0.0/0 */
		c->n_local_ts = 1;
	}
	if (!(set & CF_REMOTE_TS)) {
		/* strongSwan's "dynamic": the peer's own address. */
		if (is_any(&c->remote))
			return cv_why(why, whylen, "remote_addrs is %%any, so "
				      "remote_ts is required");
		c->remote_ts[0].family = AF_INET;
		memcpy(c->remote_ts[0].addr, &c->remote.sin_addr, 4);
		c->remote_ts[0].plen = 32;
		c->n_remote_ts = 1;
	}
	return 0;
}

static bool same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr;
}

/* Could one packet match both? %any overlaps everything. */
static bool overlap(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return is_any(a) || is_any(b) || same_addr(a, b);
}

/**
 * conn_conflict() - whether @b may not sit next to @a in one config
 * @a: a connection already accepted
 * @b: the new one
 * @why: receives the reason
 * @whylen: size of @why
 *
 * Two rules. An IPv4 address ID is only allowed when the (local, remote)
 * address pair is unique among the connections (the seeds' rule: the
 * address is then the identity; a %any local address shares every pair
 * with its remote address). And two connections with the same remote ID
 * must differ in their addresses, or config_find_by_ids() could not tell
 * them apart (a specific address and %any can: the specific one wins).
 *
 * Return: 0, or -EINVAL with the reason in @why.
 */
int conn_conflict(const struct conn *a, const struct conn *b, char *why,
		  size_t whylen)
{
	const struct conn *v4 = b->remote_id.type == IKE_ID_IPV4_ADDR ? b : a;

	if (v4->remote_id.type == IKE_ID_IPV4_ADDR &&
	    same_addr(&a->remote, &b->remote) && overlap(&a->local, &b->local))
		return cv_why(why, whylen, "connection '%s' has an IPv4 "
			      "address ID, which needs a (local, remote) "
			      "address pair that no other connection has, but "
			      "'%s' has the same pair", v4->name,
			      v4 == b ? a->name : b->name);
	if (ike_id_equal(&a->remote_id, &b->remote_id) &&
	    same_addr(&a->local, &b->local) &&
	    same_addr(&a->remote, &b->remote))
		return cv_why(why, whylen, "connections '%s' and '%s' have "
			      "the same remote id and the same addresses: a "
			      "peer could not be told which one it is",
			      a->name, b->name);
	return 0;
}

/*
 * How well @c's addresses fit a packet from @remote to @local: -1 not at
 * all; otherwise exact addresses beat %any, so that a specific
 * connection wins over a catch-all one wherever it is in the file.
 */
static int addr_score(const struct conn *c, const struct sockaddr_in *local,
		      const struct sockaddr_in *remote)
{
	int score = 0;

	if (local && !is_any(&c->local)) {
		if (!same_addr(&c->local, local))
			return -1;
		score += 1;
	}
	if (remote && !is_any(&c->remote)) {
		if (!same_addr(&c->remote, remote))
			return -1;
		score += 2;
	}
	return score;
}

struct conn *config_find_by_ids(const struct acikd_config *cfg,
				const struct sockaddr_in *local,
				const struct sockaddr_in *remote,
				const struct ike_id *remote_id,
				const struct ike_id *local_id)
{
	struct conn *best = NULL;
	int best_score = -1, score;
	unsigned int i;

	if (!cfg || !remote_id)
		return NULL;
	for (i = 0; i < cfg->n_conns; i++) {
		struct conn *c = cfg->conns[i];

		score = addr_score(c, local, remote);
		if (score <= best_score ||
		    !ike_id_equal(&c->remote_id, remote_id) ||
		    (local_id && !ike_id_equal(&c->local_id, local_id)))
			continue;
		best = c;
		best_score = score;
	}
	return conn_get(best);
}

const struct conn *config_find_by_addrs(const struct acikd_config *cfg,
					const struct sockaddr_in *local,
					const struct sockaddr_in *remote)
{
	const struct conn *best = NULL;
	int best_score = -1, score;
	unsigned int i;

	if (!cfg)
		return NULL;
	for (i = 0; i < cfg->n_conns; i++) {
		score = addr_score(cfg->conns[i], local, remote);
		if (score > best_score) {
			best = cfg->conns[i];
			best_score = score;
		}
	}
	return best;
}
