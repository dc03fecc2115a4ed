// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kernel.c - Child SA pairs and routes into actun through libactun, and
 * actun's SA expiry notifications back to the protocol core.
 *
 * Order matters for traffic: the inbound SA goes in first so that the
 * peer's first ESP packet under the new pair finds it; the outbound SA
 * next (actun sends with the newest one at once); the routes last, so
 * that nothing is routed into a tunnel before it can encrypt. Removal is
 * the reverse: stop sending (outbound), stop receiving (inbound), then
 * the routes of the tunnel's last pair.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "kernel.h"

/* ---- a small intrusive hash table -------------------------------------- */

struct khnode {
	struct khnode *next;
	uint32_t hash;
};

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define KHASH_MIN_BUCKETS	64

/* FNV-1a: names and SPIs are not attacker-chosen beyond what a peer's
 * SPI is, and chains stay short because the table grows with its load. */
static uint32_t khash_bytes(uint32_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static uint32_t khash_tunnel(uint32_t ifindex, const char *tunnel)
{
	uint32_t h = khash_bytes(2166136261u, &ifindex, sizeof(ifindex));

	return khash_bytes(h, tunnel, strlen(tunnel));
}

static int khash_grow(struct kernel_hash *t)
{
	size_t n = t->n_buckets ? t->n_buckets * 2 : KHASH_MIN_BUCKETS;
	struct khnode **b = calloc(n, sizeof(*b));
	struct khnode *node, *next;
	size_t i;

	if (!b)
		return -ENOMEM;
	for (i = 0; i < t->n_buckets; i++)
		for (node = t->buckets[i]; node; node = next) {
			next = node->next;
			node->next = b[node->hash & (n - 1)];
			b[node->hash & (n - 1)] = node;
		}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = n;
	return 0;
}

static int khash_add(struct kernel_hash *t, struct khnode *node, uint32_t hash)
{
	struct khnode **head;

	if (t->n >= t->n_buckets && khash_grow(t) && !t->n_buckets)
		return -ENOMEM;	/* a full table that cannot grow still works */
	node->hash = hash;
	head = &t->buckets[hash & (t->n_buckets - 1)];
	node->next = *head;
	*head = node;
	t->n++;
	return 0;
}

static void khash_del(struct kernel_hash *t, struct khnode *node)
{
	struct khnode **pp = &t->buckets[node->hash & (t->n_buckets - 1)];

	for (; *pp; pp = &(*pp)->next)
		if (*pp == node) {
			*pp = node->next;
			t->n--;
			return;
		}
}

static struct khnode *khash_first(const struct kernel_hash *t, uint32_t hash)
{
	return t->n_buckets ? t->buckets[hash & (t->n_buckets - 1)] : NULL;
}

static void khash_fini(struct kernel_hash *t)
{
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* ---- bookkeeping -------------------------------------------------------- */

/**
 * struct kernel_pair - a Child SA pair acikd installed
 * @in_node: in kernel.by_in
 * @out_node: in kernel.by_out
 * @soft_seen: a soft expiry of either SA was reported already
 * @hard_seen: a hard one was
 */
struct kernel_pair {
	struct khnode in_node;
	struct khnode out_node;
	uint32_t ifindex;
	char tunnel[ACTUN_TUNNEL_NAMSIZ];
	uint32_t spi_in;
	uint32_t spi_out;
	bool soft_seen;
	bool hard_seen;
};

/*
 * The routes of one tunnel, added with its first Child SA and removed with
 * its last one. Several IKE SAs can feed one tunnel (a customer router
 * that restarts IKE before the old SA is gone, Child SAs of one IKE SA
 * being rekeyed), so the pairs are counted here rather than trusted to
 * the core's first/last, which only know one IKE SA.
 */
struct kernel_routes {
	struct khnode node;
	uint32_t ifindex;
	char tunnel[ACTUN_TUNNEL_NAMSIZ];
	struct ts_prefix ts[CONFIG_MAX_TS];
	unsigned int n;
	unsigned int pairs;
};

static uint32_t pair_out_hash(uint32_t ifindex, const char *tunnel,
			      uint32_t spi_out)
{
	return khash_bytes(khash_tunnel(ifindex, tunnel), &spi_out,
			   sizeof(spi_out));
}

static struct kernel_pair *pair_by_in(const struct kernel *k, uint32_t spi_in)
{
	uint32_t h = khash_bytes(2166136261u, &spi_in, sizeof(spi_in));
	struct khnode *n;
	struct kernel_pair *p;

	for (n = khash_first(&k->by_in, h); n; n = n->next) {
		p = container_of(n, struct kernel_pair, in_node);
		if (p->spi_in == spi_in)
			return p;
	}
	return NULL;
}

static struct kernel_pair *pair_by_out(const struct kernel *k,
				       uint32_t ifindex, const char *tunnel,
				       uint32_t spi_out)
{
	uint32_t h = pair_out_hash(ifindex, tunnel, spi_out);
	struct khnode *n;
	struct kernel_pair *p;

	for (n = khash_first(&k->by_out, h); n; n = n->next) {
		p = container_of(n, struct kernel_pair, out_node);
		if (p->spi_out == spi_out && p->ifindex == ifindex &&
		    !strcmp(p->tunnel, tunnel))
			return p;
	}
	return NULL;
}

static int pair_remember(struct kernel *k, uint32_t ifindex,
			 const char *tunnel, uint32_t spi_in, uint32_t spi_out)
{
	struct kernel_pair *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->ifindex = ifindex;
	snprintf(p->tunnel, sizeof(p->tunnel), "%s", tunnel);
	p->spi_in = spi_in;
	p->spi_out = spi_out;
	if (khash_add(&k->by_in, &p->in_node,
		      khash_bytes(2166136261u, &spi_in, sizeof(spi_in)))) {
		free(p);
		return -ENOMEM;
	}
	if (khash_add(&k->by_out, &p->out_node,
		      pair_out_hash(ifindex, tunnel, spi_out))) {
		khash_del(&k->by_in, &p->in_node);
		free(p);
		return -ENOMEM;
	}
	return 0;
}

static void pair_forget(struct kernel *k, struct kernel_pair *p)
{
	khash_del(&k->by_in, &p->in_node);
	khash_del(&k->by_out, &p->out_node);
	free(p);
}

static struct kernel_routes *routes_find(const struct kernel *k,
					 uint32_t ifindex, const char *tunnel)
{
	struct khnode *n;
	struct kernel_routes *r;

	for (n = khash_first(&k->routes, khash_tunnel(ifindex, tunnel)); n;
	     n = n->next) {
		r = container_of(n, struct kernel_routes, node);
		if (r->ifindex == ifindex && !strcmp(r->tunnel, tunnel))
			return r;
	}
	return NULL;
}

static unsigned int routes_pairs(const struct kernel *k, uint32_t ifindex,
				 const char *tunnel)
{
	const struct kernel_routes *r = routes_find(k, ifindex, tunnel);

	return r ? r->pairs : 0;
}

static void routes_forget(struct kernel *k, struct kernel_routes *r)
{
	khash_del(&k->routes, &r->node);
	free(r);
}

size_t kernel_pairs(const struct kernel *k)
{
	return k->by_in.n;
}

/* ---- translation ---------------------------------------------------- */

int kernel_map_suite(const struct crypto_suite *suite, uint8_t *enc,
		     uint8_t *auth)
{
	bool k128 = suite->encr_keybits == 128;

	if (suite->encr_keybits != 128 && suite->encr_keybits != 256)
		return -EOPNOTSUPP;
	switch (suite->encr) {
	case ENCR_AES_GCM_16:
		if (suite->integ != AUTH_NONE)
			return -EOPNOTSUPP;
		*enc = k128 ? ACTUN_SA_ENC_GCM_AES_128 : ACTUN_SA_ENC_GCM_AES_256;
		*auth = ACTUN_SA_AUTH_NONE;
		return 0;
	case ENCR_AES_CBC:
		*enc = k128 ? ACTUN_SA_ENC_CBC_AES_128 : ACTUN_SA_ENC_CBC_AES_256;
		break;
	default:
		return -EOPNOTSUPP;
	}
	switch (suite->integ) {
	case AUTH_HMAC_SHA2_256_128:
		*auth = ACTUN_SA_AUTH_HMAC_SHA256;
		return 0;
	case AUTH_HMAC_SHA1_96:
		*auth = ACTUN_SA_AUTH_HMAC_SHA1;
		return 0;
	default:
		return -EOPNOTSUPP;	/* CBC needs integrity */
	}
}

int kernel_key_lengths(const struct crypto_suite *suite, size_t *encr_len,
		       size_t *integ_len)
{
	uint8_t enc, auth;
	int ret = kernel_map_suite(suite, &enc, &auth);

	if (ret)
		return ret;
	*encr_len = suite->encr_keybits / 8;
	if (suite->encr == ENCR_AES_GCM_16)
		*encr_len += 4;	/* the salt comes last (RFC 4106 8.1) */
	*integ_len = auth == ACTUN_SA_AUTH_HMAC_SHA256 ? 32 :
		     auth == ACTUN_SA_AUTH_HMAC_SHA1 ? 20 : 0;
	return 0;
}

static int sa_put_keys(struct actun_sa *sa, struct chunk encr,
		       struct chunk integ, size_t encr_len, size_t integ_len)
{
	if (encr.len != encr_len || integ.len != integ_len ||
	    encr_len > ACTUN_SA_KEY_MAX || integ_len > ACTUN_SA_KEY_MAX)
		return -EINVAL;
	memcpy(sa->enc_key, encr.ptr, encr_len);
	sa->enc_key_len = (uint16_t)encr_len;
	actun_sa_mark(sa, ACTUN_SA_A_ENC_KEY);
	if (integ_len) {
		memcpy(sa->auth_key, integ.ptr, integ_len);
		sa->auth_key_len = (uint16_t)integ_len;
		actun_sa_mark(sa, ACTUN_SA_A_AUTH_KEY);
	}
	return 0;
}

static void sa_put_lifetimes(struct actun_sa *sa,
			     const struct child_sa_install *c)
{
	if (c->hard_seconds) {
		sa->hard_seconds = c->hard_seconds;
		actun_sa_mark(sa, ACTUN_SA_A_HARD_SECONDS);
	}
	/* actun refuses soft > hard; a soft limit at or past the hard one
	 * would never announce anything, so leave it to actun's 90 %. */
	if (c->soft_seconds &&
	    (!c->hard_seconds || c->soft_seconds < c->hard_seconds)) {
		sa->soft_seconds = c->soft_seconds;
		actun_sa_mark(sa, ACTUN_SA_A_SOFT_SECONDS);
	}
}

/* Name, SPI and direction: all a delete or an expiry match needs. */
static int sa_ident(struct actun_sa *sa, const char *tunnel, uint32_t spi,
		    uint8_t dir)
{
	actun_sa_init(sa);
	if (!tunnel[0] || strlen(tunnel) >= sizeof(sa->tunnel_name))
		return -EINVAL;
	strcpy(sa->tunnel_name, tunnel);
	actun_sa_mark(sa, ACTUN_SA_A_TUNNEL_NAME);
	sa->spi = spi;
	actun_sa_mark(sa, ACTUN_SA_A_SPI);
	sa->dir = dir;
	actun_sa_mark(sa, ACTUN_SA_A_DIR);
	return 0;
}

int kernel_sa_fill(struct actun_sa *sa, const struct child_sa_install *c,
		   uint8_t dir)
{
	bool in = dir == ACTUN_SA_DIR_IN;
	size_t encr_len, integ_len;
	int ret;

	ret = sa_ident(sa, c->conn->actun_tunnel, in ? c->spi_in : c->spi_out,
		       dir);
	if (!ret)
		ret = kernel_map_suite(&c->suite, &sa->enc_alg, &sa->auth_alg);
	if (!ret)
		ret = kernel_key_lengths(&c->suite, &encr_len, &integ_len);
	if (!ret)
		ret = sa_put_keys(sa, in ? c->encr_in : c->encr_out,
				  in ? c->integ_in : c->integ_out, encr_len,
				  integ_len);
	if (ret) {
		actun_sa_clear(sa);
		return ret;
	}
	actun_sa_mark(sa, ACTUN_SA_A_ENC_ALG);
	if (sa->auth_alg != ACTUN_SA_AUTH_NONE)
		actun_sa_mark(sa, ACTUN_SA_A_AUTH_ALG);
	if (c->encap) {
		/* both directions: actun sends from sport to dport, and an
		 * inbound SA notes where the peer's NAT mapping points */
		sa->encap_sport = c->sport;
		sa->encap_dport = c->dport;
		actun_sa_mark(sa, ACTUN_SA_A_ENCAP_SPORT);
		actun_sa_mark(sa, ACTUN_SA_A_ENCAP_DPORT);
	}
	sa_put_lifetimes(sa, c);
	return 0;
}

int kernel_route_fill(struct actun_route_cfg *r, const char *tunnel,
		      const struct ts_prefix *ts)
{
	actun_route_cfg_init(r);
	if (!tunnel[0] || strlen(tunnel) >= sizeof(r->tunnel_name))
		return -EINVAL;
	if (ts->family == AF_INET && ts->plen <= 32)
		memcpy(&r->prefix4, ts->addr, 4);
	else if (ts->family == AF_INET6 && ts->plen <= 128)
		memcpy(&r->prefix6, ts->addr, 16);
	else
		return -EINVAL;
	strcpy(r->tunnel_name, tunnel);
	actun_route_mark(r, ACTUN_ROUTE_A_TUNNEL_NAME);
	r->family = (uint8_t)ts->family;
	actun_route_mark(r, ACTUN_ROUTE_A_FAMILY);
	actun_route_mark(r, ACTUN_ROUTE_A_PREFIX);
	r->prefixlen = ts->plen;
	actun_route_mark(r, ACTUN_ROUTE_A_PREFIXLEN);
	return 0;
}

/* ---- requests ------------------------------------------------------- */

static const char *err_text(const struct actun_error *err, int ret)
{
	return err->msg[0] ? err->msg : strerror(-ret);
}

/* The device's name for acfleetd; "" (refused there) if it is gone. */
static const char *dev_name(uint32_t ifindex, char *buf)
{
	if (!if_indextoname(ifindex, buf))
		buf[0] = '\0';
	return buf;
}

static int dev_index(const char *dev, uint32_t *ifindex)
{
	*ifindex = strlen(dev) < IF_NAMESIZE ? if_nametoindex(dev) : 0;
	if (*ifindex)
		return 0;
	syslog(LOG_ERR, "actun device \"%s\" does not exist", dev);
	return -ENODEV;
}

static int sa_add(struct kernel *k, uint32_t ifindex,
		  const struct child_sa_install *c, uint8_t dir)
{
	struct actun_error err;
	struct actun_sa sa;
	int ret = kernel_sa_fill(&sa, c, dir);

	if (!ret && fleet_feed_on(&k->fleet))
		actun_sa_mark(&sa, ACTUN_SA_A_FLEET);
	if (!ret)
		ret = actun_sa_add(k->req, ifindex, &sa, &err);
	else
		actun_error_set(&err, -ret, "transform not supported by actun");
	if (!ret && fleet_feed_on(&k->fleet))
		fleet_feed_sa(&k->fleet, true, c->conn->actun_dev, &sa);
	actun_sa_clear(&sa);	/* the keys were copied into it */
	if (ret)
		syslog(LOG_ERR, "tunnel %s: cannot add %s SA 0x%08x: %s",
		       c->conn->actun_tunnel, actun_sa_dir_name(dir),
		       dir == ACTUN_SA_DIR_IN ? c->spi_in : c->spi_out,
		       err_text(&err, ret));
	return ret;
}

/* Delete one SA; one that is gone already (its tunnel was deleted, say)
 * is what we wanted. */
static int sa_del(struct kernel *k, uint32_t ifindex, const char *tunnel,
		  uint32_t spi, uint8_t dir)
{
	char devbuf[IF_NAMESIZE];
	struct actun_error err;
	struct actun_sa sa;
	int ret = sa_ident(&sa, tunnel, spi, dir);

	if (!ret)
		ret = actun_sa_del(k->req, ifindex, &sa, &err);
	if ((!ret || ret == -ENOENT) && fleet_feed_on(&k->fleet))
		fleet_feed_sa(&k->fleet, false, dev_name(ifindex, devbuf), &sa);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		syslog(LOG_ERR, "tunnel %s: cannot delete %s SA 0x%08x: %s",
		       tunnel, actun_sa_dir_name(dir), spi,
		       err_text(&err, ret));
	return ret;
}

static int route_op(struct kernel *k, uint32_t ifindex, const char *tunnel,
		    const struct ts_prefix *ts, bool add)
{
	struct actun_route_cfg r;
	struct actun_error err;
	char text[INET6_ADDRSTRLEN] = "?", devbuf[IF_NAMESIZE];
	int ret = kernel_route_fill(&r, tunnel, ts);

	actun_error_clear(&err);
	if (!ret)
		ret = add ? actun_route_new(k->req, ifindex, &r, &err) :
			    actun_route_del(k->req, ifindex, &r, &err);
	if ((!ret || (!add && ret == -ENOENT)) && fleet_feed_on(&k->fleet))
		fleet_feed_route(&k->fleet, add, dev_name(ifindex, devbuf), &r);
	if (!ret || (!add && ret == -ENOENT))
		return 0;
	if (add && ret == -EEXIST)
		return -EEXIST;	/* the caller decides */
	inet_ntop(ts->family, ts->addr, text, sizeof(text));
	syslog(LOG_ERR, "tunnel %s: cannot %s route %s/%u: %s", tunnel,
	       add ? "add" : "delete", text, ts->plen, err_text(&err, ret));
	return ret;
}

static void routes_del(struct kernel *k, uint32_t ifindex, const char *tunnel,
		       const struct ts_prefix *ts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		route_op(k, ifindex, tunnel, &ts[i], false);
}

/*
 * Add the routes of a tunnel's first pair and remember them. A route
 * that exists already (left by an acikd that did not stop cleanly) is
 * taken as ours; on failure only the routes added here are removed.
 * @out: the record, on success.
 */
static int routes_add(struct kernel *k, uint32_t ifindex, const char *tunnel,
		      const struct ts_prefix *ts, unsigned int n,
		      struct kernel_routes **out)
{
	struct kernel_routes *r = calloc(1, sizeof(*r));
	uint32_t added = 0;
	unsigned int i;
	int ret = r ? 0 : -ENOMEM;

	for (i = 0; !ret && i < n && i < CONFIG_MAX_TS; i++) {
		ret = route_op(k, ifindex, tunnel, &ts[i], true);
		if (!ret)
			added |= 1u << i;
		ret = ret == -EEXIST ? 0 : ret;
	}
	if (!ret)
		ret = khash_add(&k->routes, &r->node,
				khash_tunnel(ifindex, tunnel));
	if (ret) {
		for (i = 0; i < n && i < CONFIG_MAX_TS; i++)
			if (added & (1u << i))
				route_op(k, ifindex, tunnel, &ts[i], false);
		free(r);
		return ret;
	}
	r->ifindex = ifindex;
	snprintf(r->tunnel, sizeof(r->tunnel), "%s", tunnel);
	r->n = n < CONFIG_MAX_TS ? n : CONFIG_MAX_TS;
	memcpy(r->ts, ts, r->n * sizeof(*ts));
	*out = r;
	return 0;
}

static void routes_remove(struct kernel *k, uint32_t ifindex,
			  const char *tunnel, const struct ts_prefix *ts,
			  unsigned int n);

/* The outbound SA of a pair whose inbound one is in (CHILD_INSTALL_OUT). */
static int out_install(struct kernel *k, uint32_t ifindex,
		       const struct child_sa_install *c)
{
	int ret = sa_add(k, ifindex, c, ACTUN_SA_DIR_OUT);

	if (!ret)
		syslog(LOG_INFO, "tunnel %s: Child SA out 0x%08x installed "
		       "(the peer deleted the pair it replaces)",
		       c->conn->actun_tunnel, c->spi_out);
	return ret;
}

int kernel_child_install(struct kernel *k, const struct child_sa_install *c)
{
	const char *tunnel = c->conn->actun_tunnel;
	struct kernel_routes *routes;
	uint32_t ifindex;
	int ret;

	ret = dev_index(c->conn->actun_dev, &ifindex);
	if (ret)
		return ret;
	if (c->part == CHILD_INSTALL_OUT)
		return out_install(k, ifindex, c);
	ret = sa_add(k, ifindex, c, ACTUN_SA_DIR_IN);
	if (ret)
		return ret;
	/* A rekey's responder: the outbound SA comes later (ike.h). */
	ret = c->part == CHILD_INSTALL_IN ? 0 :
	      sa_add(k, ifindex, c, ACTUN_SA_DIR_OUT);
	if (ret)
		goto undo_in;
	routes = routes_find(k, ifindex, tunnel);
	if (!routes) {
		ret = routes_add(k, ifindex, tunnel, c->remote_ts,
				 c->n_remote_ts, &routes);
		if (ret)
			goto undo_out;
	}
	ret = pair_remember(k, ifindex, tunnel, c->spi_in, c->spi_out);
	if (ret) {
		if (!routes->pairs)
			routes_remove(k, ifindex, tunnel, NULL, 0);
		goto undo_out;
	}
	routes->pairs++;
	syslog(LOG_INFO, "tunnel %s: Child SA in 0x%08x out 0x%08x installed%s",
	       tunnel, c->spi_in, c->spi_out, c->part == CHILD_INSTALL_IN ?
	       " (outbound held until the peer deletes the old pair)" : "");
	return 0;
undo_out:
	sa_del(k, ifindex, tunnel, c->spi_out, ACTUN_SA_DIR_OUT);
undo_in:
	sa_del(k, ifindex, tunnel, c->spi_in, ACTUN_SA_DIR_IN);
	return ret;
}

static void routes_remove(struct kernel *k, uint32_t ifindex,
			  const char *tunnel, const struct ts_prefix *ts,
			  unsigned int n)
{
	struct kernel_routes *r = routes_find(k, ifindex, tunnel);

	/* the core's list is what it installed; ours if it has none */
	if (n)
		routes_del(k, ifindex, tunnel, ts, n);
	else if (r)
		routes_del(k, ifindex, tunnel, r->ts, r->n);
	if (r)
		routes_forget(k, r);
}

static int count_sa(const struct actun_sa *sa, void *arg)
{
	(void)sa;
	++*(unsigned int *)arg;
	return 0;
}

/* Whether actun still holds SAs in the tunnel (when unsure: yes). */
static bool tunnel_has_sas(struct kernel *k, uint32_t ifindex,
			   const char *tunnel)
{
	struct actun_error err;
	struct actun_sa filter;
	unsigned int n = 0;
	int ret;

	actun_sa_init(&filter);
	if (strlen(tunnel) >= sizeof(filter.tunnel_name))
		return true;
	strcpy(filter.tunnel_name, tunnel);
	actun_sa_mark(&filter, ACTUN_SA_A_TUNNEL_NAME);
	ret = actun_sa_dump(k->req, ifindex, &filter, count_sa, &n, &err);
	if (ret) {
		syslog(LOG_ERR, "tunnel %s: cannot list its SAs, routes kept: %s",
		       tunnel, err_text(&err, ret));
		return true;
	}
	return n > 0;
}

int kernel_child_remove(struct kernel *k, const struct child_sa_remove *c)
{
	const char *tunnel = c->conn->actun_tunnel;
	struct kernel_pair *p = pair_by_in(k, c->spi_in);
	uint32_t ifindex;
	int ret, ret2;

	/* the device we installed into, even if it was renamed meanwhile */
	if (p)
		ifindex = p->ifindex;
	else if (dev_index(c->conn->actun_dev, &ifindex))
		return -ENODEV;
	ret = sa_del(k, ifindex, tunnel, c->spi_out, ACTUN_SA_DIR_OUT);
	ret2 = sa_del(k, ifindex, tunnel, c->spi_in, ACTUN_SA_DIR_IN);
	if (p) {
		struct kernel_routes *r = routes_find(k, ifindex, p->tunnel);

		/* the tunnel's last pair, whichever IKE SA it came from;
		 * another worker (workers.h) may have pairs there too */
		if (r && r->pairs && !--r->pairs) {
			/* (our own SAs still there count only if their
			 * removal failed: then the routes go, as before) */
			if (!ret && !ret2 &&
			    tunnel_has_sas(k, ifindex, tunnel))
				routes_forget(k, r);
			else
				routes_remove(k, ifindex, tunnel,
					      c->remote_ts, c->n_remote_ts);
		}
		pair_forget(k, p);
	} else if (c->last && !routes_pairs(k, ifindex, tunnel) &&
		   !tunnel_has_sas(k, ifindex, tunnel)) {
		/* not in our books (an earlier acikd's): actun knows */
		routes_remove(k, ifindex, tunnel, c->remote_ts,
			      c->n_remote_ts);
	}
	if (!ret && !ret2)
		syslog(LOG_INFO,
		       "tunnel %s: Child SA in 0x%08x out 0x%08x removed",
		       tunnel, c->spi_in, c->spi_out);
	return ret ? ret : ret2;
}

void kernel_flush(struct kernel *k)
{
	struct kernel_pair *p;
	struct kernel_routes *r;
	size_t i;

	for (i = 0; i < k->by_in.n_buckets; i++)
		while (k->by_in.buckets[i]) {
			p = container_of(k->by_in.buckets[i],
					 struct kernel_pair, in_node);
			sa_del(k, p->ifindex, p->tunnel, p->spi_out,
			       ACTUN_SA_DIR_OUT);
			sa_del(k, p->ifindex, p->tunnel, p->spi_in,
			       ACTUN_SA_DIR_IN);
			pair_forget(k, p);
		}
	for (i = 0; i < k->routes.n_buckets; i++)
		while (k->routes.buckets[i]) {
			r = container_of(k->routes.buckets[i],
					 struct kernel_routes, node);
			routes_del(k, r->ifindex, r->tunnel, r->ts, r->n);
			routes_forget(k, r);
		}
}

/* ---- expiry notifications ---------------------------------------------- */

/* Report an expiry of a pair's SA once per kind; copies what the callback
 * needs first, since the core may remove the pair from inside it. */
static void report_expiry(struct kernel *k, struct kernel_pair *p, bool hard)
{
	char tunnel[ACTUN_TUNNEL_NAMSIZ];
	uint32_t spi_in = p->spi_in;

	if (hard ? p->hard_seen : p->soft_seen)
		return;
	p->soft_seen = true;	/* a hard expiry implies the soft one */
	p->hard_seen |= hard;
	memcpy(tunnel, p->tunnel, sizeof(tunnel));
	syslog(LOG_INFO, "tunnel %s: Child SA in 0x%08x: %s lifetime reached",
	       tunnel, spi_in, hard ? "hard" : "soft");
	if (k->expired)
		k->expired(k->arg, tunnel, spi_in, hard);
}

/* An SA of ours as actun reports it (event or dump), or NULL. */
static struct kernel_pair *pair_of_sa(struct kernel *k,
				      const struct actun_sa *sa)
{
	struct kernel_pair *p;

	if (!actun_sa_has(sa, ACTUN_SA_A_TUNNEL_NAME))
		return NULL;
	if (sa->dir == ACTUN_SA_DIR_IN) {
		p = pair_by_in(k, sa->spi);
		return p && !strcmp(p->tunnel, sa->tunnel_name) &&
		       (!sa->ifindex || p->ifindex == sa->ifindex) ? p : NULL;
	}
	return pair_by_out(k, sa->ifindex, sa->tunnel_name, sa->spi);
}

static int dumped_sa(const struct actun_sa *sa, void *arg)
{
	struct kernel *k = arg;
	struct kernel_pair *p;

	if (sa->expired == ACTUN_SA_EXPIRY_NONE)
		return 0;
	p = pair_of_sa(k, sa);
	if (p)
		report_expiry(k, p, sa->expired == ACTUN_SA_EXPIRY_HARD);
	return 0;
}

/* Notifications were lost: what expired meanwhile is in a dump. */
static void resync(struct kernel *k)
{
	struct actun_error err;
	int ret;

	syslog(LOG_WARNING, "actun notifications were lost; re-reading SAs");
	ret = actun_sa_dump(k->req, 0, NULL, dumped_sa, k, &err);
	if (ret)
		syslog(LOG_ERR, "cannot dump actun SAs: %s",
		       err_text(&err, ret));
}

static int monitor_event(const struct actun_event *ev, void *arg)
{
	struct kernel *k = arg;
	struct kernel_pair *p;

	if (ev->lost) {
		resync(k);
		return 0;
	}
	if (ev->cmd != ACTUN_CMD_SA_EXPIRE || !ev->sa)
		return 0;
	p = pair_of_sa(k, ev->sa);
	if (p && ev->sa->expired != ACTUN_SA_EXPIRY_NONE)
		report_expiry(k, p, ev->sa->expired == ACTUN_SA_EXPIRY_HARD);
	return 0;
}

int kernel_monitor_read(struct kernel *k)
{
	struct actun_error err;
	int ret;

	for (;;) {
		ret = actun_monitor_recv(k->mon, monitor_event, k, &err);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0) {
			syslog(LOG_ERR, "actun monitor: %s",
			       err_text(&err, ret));
			return ret;
		}
	}
}

/* ---- sockets ------------------------------------------------------------ */

static int open_one(struct actun_sock **s)
{
	struct actun_error err;
	int ret = actun_sock_open(s, &err);

	if (ret == -ENOENT)
		syslog(LOG_ERR, "the actun module is not loaded");
	else if (ret)
		syslog(LOG_ERR, "cannot open actun netlink socket: %s",
		       err_text(&err, ret));
	return ret;
}

int kernel_open(struct kernel *k, kernel_expired_fn expired, void *arg)
{
	struct actun_error err;
	int ret, fl;

	memset(k, 0, sizeof(*k));
	fleet_feed_init(&k->fleet, NULL);
	k->mon_fd = LOOP_FD_INIT;
	k->expired = expired;
	k->arg = arg;
	ret = open_one(&k->req);
	if (!ret)
		ret = open_one(&k->mon);
	if (!ret && (ret = actun_monitor_subscribe(k->mon, &err)))
		syslog(LOG_ERR, "cannot subscribe to actun notifications: %s",
		       err_text(&err, ret));
	if (ret) {
		kernel_close(k);
		return ret;
	}
	/* the loop reads it when epoll says so: never block there */
	k->mon_fd.fd = actun_sock_fd(k->mon);
	fl = fcntl(k->mon_fd.fd, F_GETFL);
	if (fl < 0 || fcntl(k->mon_fd.fd, F_SETFL, fl | O_NONBLOCK)) {
		ret = -errno;
		kernel_close(k);
		return ret;
	}
	return 0;
}

void kernel_close(struct kernel *k)
{
	struct kernel_pair *p;
	struct kernel_routes *r;
	size_t i;

	/* libactun closes the descriptor; only leave the epoll set here */
	if (k->mon_fd.fd >= 0 && k->mon_fd.epfd >= 0)
		epoll_ctl(k->mon_fd.epfd, EPOLL_CTL_DEL, k->mon_fd.fd, NULL);
	k->mon_fd = LOOP_FD_INIT;
	for (i = 0; i < k->by_in.n_buckets; i++)
		while (k->by_in.buckets[i]) {
			p = container_of(k->by_in.buckets[i],
					 struct kernel_pair, in_node);
			pair_forget(k, p);
		}
	for (i = 0; i < k->routes.n_buckets; i++)
		while (k->routes.buckets[i]) {
			r = container_of(k->routes.buckets[i],
					 struct kernel_routes, node);
			routes_forget(k, r);
		}
	khash_fini(&k->by_in);
	khash_fini(&k->by_out);
	khash_fini(&k->routes);
	actun_sock_close(k->mon);
	actun_sock_close(k->req);
	k->mon = k->req = NULL;
	fleet_feed_close(&k->fleet);
}

void kernel_set_fleet(struct kernel *k, const char *path)
{
	fleet_feed_close(&k->fleet);
	fleet_feed_init(&k->fleet, path);
	if (fleet_feed_on(&k->fleet))
		syslog(LOG_INFO, "fleet: SAs and routes are replicated through %s",
		       k->fleet.path);
}
