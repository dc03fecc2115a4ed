// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Record keys and plaintexts (record.h). Only what the fleet needs to know
 * of an object is read here: its identity (for the key) and, for SAs, the
 * fleet flag and hard lifetime; actun checks the rest when the object is
 * installed, with the same policies as for any other request.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <netlink/attr.h>
#include <linux/actun.h>

#include "record.h"
#include "store.h"

/* A name that can be one token of a store key. */
static int token_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int get_name(struct nlattr *a, char *out, size_t size)
{
	int len = nla_len(a);

	if (len < 1 || (size_t)len > size || ((char *)nla_data(a))[len - 1])
		return -1;
	memcpy(out, nla_data(a), len);
	return token_ok(out) ? 0 : -1;
}

static int sa_parse(struct nlattr *nest, struct record *rec, char *key,
		    const char **why)
{
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];

	if (nla_parse_nested(tb, ACTUN_SA_A_MAX, nest, NULL) < 0) {
		*why = "malformed SA attributes";
		return -1;
	}
	if (!tb[ACTUN_SA_A_TUNNEL_NAME] ||
	    get_name(tb[ACTUN_SA_A_TUNNEL_NAME], rec->tunnel,
		     sizeof(rec->tunnel))) {
		*why = "an SA record names its tunnel (letters, digits, '-', '_')";
		return -1;
	}
	if (tb[ACTUN_SA_A_TUNNEL_ID] || tb[ACTUN_SA_A_IFINDEX]) {
		*why = "an SA record must not hold tunnel ids or ifindexes (they differ per edge)";
		return -1;
	}
	if (!tb[ACTUN_SA_A_DIR] || nla_len(tb[ACTUN_SA_A_DIR]) != 1 ||
	    !tb[ACTUN_SA_A_SPI] || nla_len(tb[ACTUN_SA_A_SPI]) != 4) {
		*why = "an SA record has a direction and an SPI";
		return -1;
	}
	rec->sa_dir = nla_get_u8(tb[ACTUN_SA_A_DIR]);
	rec->sa_spi = nla_get_u32(tb[ACTUN_SA_A_SPI]);
	if (rec->sa_dir != ACTUN_SA_DIR_IN && rec->sa_dir != ACTUN_SA_DIR_OUT) {
		*why = "bad SA direction";
		return -1;
	}
	rec->fleet = !!tb[ACTUN_SA_A_FLEET];
	rec->hard_seconds = 0;
	if (tb[ACTUN_SA_A_HARD_SECONDS]) {
		if (nla_len(tb[ACTUN_SA_A_HARD_SECONDS]) != 8) {
			*why = "bad hard lifetime";
			return -1;
		}
		rec->hard_seconds = nla_get_u64(tb[ACTUN_SA_A_HARD_SECONDS]);
	}
	record_sa_key(key, rec->dev, rec->tunnel, rec->sa_dir, rec->sa_spi);
	return 0;
}

static int route_parse(struct nlattr *nest, struct record *rec, char *key,
		       const char **why)
{
	struct nlattr *tb[ACTUN_ROUTE_A_MAX + 1];
	char hex[33];
	const uint8_t *p;
	int family, i, n, plen;

	if (nla_parse_nested(tb, ACTUN_ROUTE_A_MAX, nest, NULL) < 0) {
		*why = "malformed route attributes";
		return -1;
	}
	if (!tb[ACTUN_ROUTE_A_TUNNEL_NAME] ||
	    get_name(tb[ACTUN_ROUTE_A_TUNNEL_NAME], rec->tunnel,
		     sizeof(rec->tunnel)) || tb[ACTUN_ROUTE_A_TUNNEL_ID]) {
		*why = "a route record names its tunnel (no tunnel id)";
		return -1;
	}
	if (!tb[ACTUN_ROUTE_A_FAMILY] || !tb[ACTUN_ROUTE_A_PREFIX] ||
	    !tb[ACTUN_ROUTE_A_PREFIXLEN]) {
		*why = "a route record has a family, a prefix and its length";
		return -1;
	}
	if (nla_len(tb[ACTUN_ROUTE_A_FAMILY]) != 1 ||
	    nla_len(tb[ACTUN_ROUTE_A_PREFIXLEN]) != 1) {
		*why = "bad route family or prefix length";
		return -1;
	}
	family = nla_get_u8(tb[ACTUN_ROUTE_A_FAMILY]);
	n = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	plen = nla_get_u8(tb[ACTUN_ROUTE_A_PREFIXLEN]);
	if (!n || nla_len(tb[ACTUN_ROUTE_A_PREFIX]) != n || plen > n * 8) {
		*why = "bad route prefix";
		return -1;
	}
	p = nla_data(tb[ACTUN_ROUTE_A_PREFIX]);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", p[i]);
	snprintf(key, RECORD_KEY_LEN, "route.%s.%s.%d.%s.%d", rec->dev,
		 rec->tunnel, n == 4 ? 4 : 6, hex, plen);
	return 0;
}

int record_parse(uint8_t kind, const char *dev, const uint8_t *nest,
		 size_t len, struct record *rec, char *key, const char **why)
{
	struct nlattr *a = (struct nlattr *)nest;
	int want = kind == FLEET_OBJ_SA ? ACTUN_A_SA :
		   kind == FLEET_OBJ_ROUTE ? ACTUN_A_ROUTE : -1;

	rec->kind = kind;
	if (strnlen(dev, sizeof(rec->dev)) >= sizeof(rec->dev) ||
	    !token_ok(dev)) {
		*why = "bad device name";
		return -1;
	}
	strcpy(rec->dev, dev);
	/* exactly one attribute, of the kind's type, filling @len */
	if (want < 0 || len < NLA_HDRLEN || len > FLEET_MSG_MAX ||
	    !nla_ok(a, (int)len) || nla_type(a) != want ||
	    (size_t)NLA_ALIGN(a->nla_len) != NLA_ALIGN(len)) {
		*why = "not one SA or route attribute";
		return -1;
	}
	rec->nest = nest;
	rec->nest_len = len;
	return kind == FLEET_OBJ_SA ? sa_parse(a, rec, key, why) :
				      route_parse(a, rec, key, why);
}

int record_open(const uint8_t *plain, size_t len, const char *key,
		struct record *rec, const char **why)
{
	struct record_hdr hdr;
	char dev[sizeof(hdr.dev) + 1], want[RECORD_KEY_LEN];

	if (len < sizeof(hdr)) {
		*why = "record too short";
		return -1;
	}
	memcpy(&hdr, plain, sizeof(hdr));
	memcpy(dev, hdr.dev, sizeof(hdr.dev));
	dev[sizeof(hdr.dev)] = '\0';
	if (record_parse(hdr.kind, dev, plain + sizeof(hdr), len - sizeof(hdr),
			 rec, want, why))
		return -1;
	if (strcmp(want, key)) {
		*why = "the record's content does not match its name";
		return -1;
	}
	if (rec->kind == FLEET_OBJ_SA && !rec->fleet) {
		*why = "an SA shared by the fleet must be a fleet SA";
		return -1;
	}
	rec->created_ms = be64toh(hdr.created_ms);
	return 0;
}

void record_sa_key(char *key, const char *dev, const char *tunnel,
		   uint8_t dir, uint32_t spi)
{
	snprintf(key, RECORD_KEY_LEN, "sa.%s.%s.%s.%08x", dev, tunnel,
		 dir == ACTUN_SA_DIR_IN ? "in" : "out", spi);
}

int64_t record_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void record_aad(char *aad, size_t len, const char *key)
{
	snprintf(aad, len, "%s/%s", STORE_BUCKET_OBJECTS, key);
}
