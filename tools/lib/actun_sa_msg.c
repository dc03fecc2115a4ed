// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: struct actun_sa to and from the ACTUN_A_SA nest, and the
 * names of its enums.
 *
 * One table lists every field with its attribute, wire type and offset;
 * put and parse both walk it, as for tunnels. Keys are write-only: put
 * sends them, parse never reads them.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "actun.h"

enum field_kind {
	F_U8,
	F_U16,
	F_U32,
	F_U64,
	F_STR,		/* char[ACTUN_TUNNEL_NAMSIZ] */
	F_KEY,		/* uint8_t[ACTUN_SA_KEY_MAX], length at len_off */
	F_FLAG,		/* no value */
};

/**
 * struct sa_field - one attribute of the SA nest
 * @readonly: only in replies: never put
 * @writeonly: only in requests: never parsed
 * @off: the field in struct actun_sa; @len_off: its length (F_KEY)
 */
struct sa_field {
	uint16_t attr;
	uint8_t kind;
	bool readonly;
	bool writeonly;
	size_t off;
	size_t len_off;
};

#define OFF(m)	offsetof(struct actun_sa, m)
#define FIELD(a, k, m)	{ ACTUN_SA_A_##a, k, false, false, OFF(m), 0 }
#define RO(a, k, m)	{ ACTUN_SA_A_##a, k, true, false, OFF(m), 0 }
#define KEY(a, m)	{ ACTUN_SA_A_##a, F_KEY, false, true, OFF(m), OFF(m##_len) }

static const struct sa_field fields[] = {
	FIELD(TUNNEL_ID,	F_U32,	tunnel_id),
	FIELD(SPI,		F_U32,	spi),
	FIELD(DIR,		F_U8,	dir),
	FIELD(TUNNEL_NAME,	F_STR,	tunnel_name),
	FIELD(ENC_ALG,		F_U8,	enc_alg),
	KEY(ENC_KEY,		enc_key),
	FIELD(AUTH_ALG,		F_U8,	auth_alg),
	KEY(AUTH_KEY,		auth_key),
	FIELD(ENCAP_SPORT,	F_U16,	encap_sport),
	FIELD(ENCAP_DPORT,	F_U16,	encap_dport),
	FIELD(REPLAY_WINDOW,	F_U32,	replay_window),
	FIELD(ESN,		F_FLAG,	present),
	FIELD(SOFT_BYTES,	F_U64,	soft_bytes),
	FIELD(HARD_BYTES,	F_U64,	hard_bytes),
	FIELD(SOFT_SECONDS,	F_U64,	soft_seconds),
	FIELD(HARD_SECONDS,	F_U64,	hard_seconds),
	RO(EXPIRED,		F_U8,	expired),
	RO(AGE,			F_U64,	age),
	RO(SERVER_ID,		F_U16,	server_id),
	FIELD(EPOCH,		F_U16,	epoch),
	RO(IFINDEX,		F_U32,	ifindex),
	FIELD(FLEET,		F_FLAG,	present),
};

#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static const char *const dir_names[] = {
	[ACTUN_SA_DIR_IN]	= "in",
	[ACTUN_SA_DIR_OUT]	= "out",
};

static const char *const enc_names[] = {
	[ACTUN_SA_ENC_NULL]		= "null",
	[ACTUN_SA_ENC_GCM_AES_128]	= "gcm-aes-128",
	[ACTUN_SA_ENC_GCM_AES_256]	= "gcm-aes-256",
	[ACTUN_SA_ENC_CBC_AES_128]	= "cbc-aes-128",
	[ACTUN_SA_ENC_CBC_AES_256]	= "cbc-aes-256",
};

static const char *const auth_names[] = {
	[ACTUN_SA_AUTH_NONE]		= "none",
	[ACTUN_SA_AUTH_HMAC_SHA256]	= "hmac-sha256",
	[ACTUN_SA_AUTH_HMAC_SHA1]	= "hmac-sha1",
};

static const char *const expiry_names[] = {
	[ACTUN_SA_EXPIRY_NONE]	= "none",
	[ACTUN_SA_EXPIRY_SOFT]	= "soft",
	[ACTUN_SA_EXPIRY_HARD]	= "hard",
};

#define NAME_OF(table, v) \
	name_of(table, sizeof(table) / sizeof(table[0]), v)
#define FROM_NAME(table, name) \
	from_name(table, sizeof(table) / sizeof(table[0]), name)

static const char *name_of(const char *const *table, size_t n, uint8_t v)
{
	return v < n && table[v] ? table[v] : "unknown";
}

static int from_name(const char *const *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(table[i], name))
			return (int)i;
	return -1;
}

const char *actun_sa_dir_name(uint8_t dir)
{
	return NAME_OF(dir_names, dir);
}

const char *actun_sa_enc_name(uint8_t enc)
{
	return NAME_OF(enc_names, enc);
}

const char *actun_sa_auth_name(uint8_t auth)
{
	return NAME_OF(auth_names, auth);
}

const char *actun_sa_expiry_name(uint8_t expired)
{
	return NAME_OF(expiry_names, expired);
}

int actun_sa_dir_from_name(const char *name)
{
	return FROM_NAME(dir_names, name);
}

int actun_sa_enc_from_name(const char *name)
{
	return FROM_NAME(enc_names, name);
}

int actun_sa_auth_from_name(const char *name)
{
	return FROM_NAME(auth_names, name);
}

void actun_sa_init(struct actun_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
}

void actun_sa_clear(struct actun_sa *sa)
{
	if (sa)
		explicit_bzero(sa, sizeof(*sa));
}

static int put_field(struct nl_msg *msg, const struct sa_field *f,
		     const struct actun_sa *sa)
{
	const char *p = (const char *)sa + f->off;

	switch (f->kind) {
	case F_U8:
		return nla_put_u8(msg, f->attr, *(const uint8_t *)p);
	case F_U16:
		return nla_put_u16(msg, f->attr, *(const uint16_t *)p);
	case F_U32:
		return nla_put_u32(msg, f->attr, *(const uint32_t *)p);
	case F_U64:
		return nla_put_u64(msg, f->attr, *(const uint64_t *)p);
	case F_STR:
		return nla_put_string(msg, f->attr, p);
	case F_KEY:
		return nla_put(msg, f->attr,
			       *(const uint16_t *)((const char *)sa + f->len_off),
			       p);
	default:
		return nla_put_flag(msg, f->attr);
	}
}

int actun_sa_put(struct nl_msg *msg, const struct actun_sa *sa)
{
	struct nlattr *nest;
	size_t i, len;

	if (actun_sa_has(sa, ACTUN_SA_A_TUNNEL_NAME)) {
		len = strnlen(sa->tunnel_name, sizeof(sa->tunnel_name));
		if (len == 0 || len >= sizeof(sa->tunnel_name))
			return -EINVAL;
	}
	if ((actun_sa_has(sa, ACTUN_SA_A_ENC_KEY) &&
	     sa->enc_key_len > ACTUN_SA_KEY_MAX) ||
	    (actun_sa_has(sa, ACTUN_SA_A_AUTH_KEY) &&
	     sa->auth_key_len > ACTUN_SA_KEY_MAX))
		return -EINVAL;
	nest = nla_nest_start(msg, ACTUN_A_SA);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NFIELDS; i++) {
		if (fields[i].readonly || !actun_sa_has(sa, fields[i].attr))
			continue;
		if (put_field(msg, &fields[i], sa) < 0) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int kind_len(uint8_t kind)
{
	switch (kind) {
	case F_U8:
		return 1;
	case F_U16:
		return 2;
	case F_U32:
		return 4;
	case F_U64:
		return 8;
	default:
		return 0;
	}
}

static int parse_field(const struct sa_field *f, const struct nlattr *nla,
		       struct actun_sa *sa)
{
	char *p = (char *)sa + f->off;
	int len = nla_len(nla);

	switch (f->kind) {
	case F_STR:
		if (len < 2 || len > ACTUN_TUNNEL_NAMSIZ ||
		    ((const char *)nla_data(nla))[len - 1] != '\0' ||
		    strlen(nla_data(nla)) == 0)
			return -EBADMSG;
		memcpy(p, nla_data(nla), (size_t)len);
		break;
	case F_FLAG:
		break;
	default:
		if (len != kind_len(f->kind))
			return -EBADMSG;
		memcpy(p, nla_data(nla), (size_t)len);
		break;
	}
	actun_sa_mark(sa, f->attr);
	return 0;
}

static int parse_stats(struct nlattr *nest, struct actun_sa_stats *st)
{
	struct nlattr *tb[ACTUN_SA_STATS_A_MAX + 1];
	uint64_t *val[ACTUN_SA_STATS_A_MAX + 1] = {
		[ACTUN_SA_STATS_A_PACKETS] = &st->packets,
		[ACTUN_SA_STATS_A_BYTES] = &st->bytes,
		[ACTUN_SA_STATS_A_DROP_AUTH] = &st->drop_auth,
		[ACTUN_SA_STATS_A_DROP_REPLAY] = &st->drop_replay,
		[ACTUN_SA_STATS_A_DROP_TRAILER] = &st->drop_trailer,
		[ACTUN_SA_STATS_A_DROP_TRUNCATED] = &st->drop_truncated,
		[ACTUN_SA_STATS_A_DROP_EXPIRED] = &st->drop_expired,
		[ACTUN_SA_STATS_A_DROP_SEQ_EXHAUSTED] = &st->drop_seq_exhausted,
		[ACTUN_SA_STATS_A_DROP_NO_CLAIM] = &st->drop_no_claim,
	};
	int i;

	if (nla_parse_nested(tb, ACTUN_SA_STATS_A_MAX, nest, NULL) < 0)
		return -EBADMSG;
	for (i = 0; i <= ACTUN_SA_STATS_A_MAX; i++) {
		if (!val[i] || !tb[i] || nla_len(tb[i]) == 0)	/* padding */
			continue;
		if (nla_len(tb[i]) != sizeof(uint64_t))
			return -EBADMSG;
		*val[i] = nla_get_u64(tb[i]);
		st->present |= 1u << i;
	}
	return 0;
}

int actun_sa_parse(struct nl_msg *msg, struct actun_sa *sa)
{
	struct nlattr *top[ACTUN_A_MAX + 1];
	struct nlattr *tb[ACTUN_SA_A_MAX + 1];
	size_t i;
	int ret;

	actun_sa_init(sa);
	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, ACTUN_A_MAX, NULL) < 0)
		return -EBADMSG;
	if (!top[ACTUN_A_SA])
		return -ENOMSG;
	if (nla_parse_nested(tb, ACTUN_SA_A_MAX, top[ACTUN_A_SA], NULL) < 0)
		return -EBADMSG;

	for (i = 0; i < NFIELDS; i++) {
		if (fields[i].writeonly || !tb[fields[i].attr])
			continue;
		ret = parse_field(&fields[i], tb[fields[i].attr], sa);
		if (ret)
			return ret;
	}
	if (tb[ACTUN_SA_A_STATS]) {
		ret = parse_stats(tb[ACTUN_SA_A_STATS], &sa->stats);
		if (ret)
			return ret;
		actun_sa_mark(sa, ACTUN_SA_A_STATS);
	}
	if (!actun_sa_has(sa, ACTUN_SA_A_IFINDEX) && top[ACTUN_A_IFINDEX]) {
		if (nla_len(top[ACTUN_A_IFINDEX]) != sizeof(uint32_t))
			return -EBADMSG;
		sa->ifindex = nla_get_u32(top[ACTUN_A_IFINDEX]);
		actun_sa_mark(sa, ACTUN_SA_A_IFINDEX);
	}
	return 0;
}
