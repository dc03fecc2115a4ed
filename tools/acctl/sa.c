// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the sa object, ESP security associations of ipsec tunnels.
 *
 *	acctl sa { add | del | show | list | help } ...
 *
 * Keys are secrets: they are wiped from the parsed request (actun_sa_clear)
 * and from the command line or batch line they came from once parsed, are
 * never echoed in error messages, and the kernel never returns them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctl.h"

static void sa_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl sa add tunnel NAME dir { in | out } spi SPI enc ENC [ key HEX ]\n"
"                    [ auth AUTH key HEX ] [ encap udp sport PORT dport PORT ]\n"
"                    [ replay-window N ] [ epoch N | fleet ] [ esn ] [ dev DEV ]\n"
"                    [ lifetime-bytes N ] [ lifetime-seconds N ]\n"
"                    [ soft-lifetime-bytes N ] [ soft-lifetime-seconds N ]\n"
"       acctl sa del tunnel NAME dir { in | out } spi SPI [ dev DEV ]\n"
"       acctl sa { show | list } [ tunnel NAME ] [ dir { in | out } ] [ spi SPI ]\n"
"                                [ dev DEV ]\n"
"       acctl sa help\n"
"\n"
"NAME    the ipsec tunnel the security association (SA) belongs to.\n"
"DEV     the actun device. Without it, the device is the one holding a tunnel\n"
"        called NAME (from one tunnel dump per acctl run, batches included).\n"
"dir     in: decrypts what the customer router sends; out: encrypts what the\n"
"        device sends it. A tunnel may hold several SAs each way (rekeying).\n"
"SPI     security parameter index, 256 to 0xffffffff (the kernel checks);\n"
"        unique per local address for in, per tunnel for out.\n"
"ENC     gcm-aes-128 | gcm-aes-256 (key 16 or 32 bytes + 4 bytes of salt, no\n"
"        auth) | cbc-aes-128 | cbc-aes-256 (key 16 or 32 bytes, needs auth) |\n"
"        null (no key, needs auth and a tunnel with allow-null on).\n"
"AUTH    hmac-sha256 (32-byte key) | hmac-sha1 (20-byte key).\n"
"HEX     a key: an even number of hexadecimal digits, optionally after 0x.\n"
"        The key right after \"enc ENC\" is the encryption key, the one right\n"
"        after \"auth AUTH\" the integrity key. The kernel checks the lengths\n"
"        and combinations; it never returns keys, so show does not print them.\n"
"PORT    encap udp: ESP in UDP (RFC 3948) from source port sport to the\n"
"        peer's dport, normally both 4500.\n"
"N       replay-window: inbound anti-replay window in packets, 0 (off, the\n"
"        default, as anycast needs) to 4096. lifetime-*: hard limits in bytes\n"
"        or seconds after which the SA is no longer used, 0 (the default) for\n"
"        none; soft-lifetime-*: when rekeying is due (default: 90%% of the\n"
"        hard limit). epoch: outbound GCM only, the middle 16 bits of every\n"
"        IV (server-id, epoch, sequence number); give a new one when a server\n"
"        installs an SA again that it already sent with; random by default.\n"
"        esn: extended sequence numbers, which the kernel refuses.\n"
"fleet   a replicated SA, held by every server of the fleet. Outbound, it\n"
"        sends only while the namespace holds a valid claim (acctl fleet set\n"
"        ... epoch EPOCH lease MS), its GCM IVs carrying the claim's server-id\n"
"        and epoch at the time of sending; without one it drops what it would\n"
"        send and counts it (drop_no_claim, and tx_drop_no_claim of the tunnel\n"
"        and the device). It takes no epoch of its own, so an SA deleted and\n"
"        installed again with the same key needs a new claim first: its\n"
"        sequence numbers start again at 1. Inbound, a mark only.\n"
"\n"
"show lists the SAs of tunnel NAME, of DEV, or of every actun device, with\n"
"-s their counters; dir and spi narrow the list. It is the default command.\n"
"Numbers are decimal, or hexadecimal with 0x.\n");
}

enum sa_cmd_bit {
	S_ADD  = 1 << 0,
	S_DEL  = 1 << 1,
	S_SHOW = 1 << 2,
};

static const struct sa_cmd {
	const char *word;
	unsigned int cmd;
} sa_cmds[] = {
	{ "add",  S_ADD },
	{ "del",  S_DEL },
	{ "show", S_SHOW },
	{ "list", S_SHOW },
};

#define NCMDS	(sizeof(sa_cmds) / sizeof(sa_cmds[0]))

/* How a keyword's value is read. */
enum kw_kind {
	KW_TUNNEL,	/* tunnel name */
	KW_DEV,		/* interface name -> req->ifindex */
	KW_DIR,		/* in | out */
	KW_ENC,		/* enum actun_sa_enc by name */
	KW_AUTH,	/* enum actun_sa_auth by name */
	KW_KEY,		/* hex, for the enc or auth right before */
	KW_ENCAP,	/* "udp" */
	KW_PORT,	/* u16, after encap udp */
	KW_U16,		/* number */
	KW_U32,		/* number */
	KW_U64,		/* number */
	KW_FLAG,	/* no value */
};

#define OFF(m)	offsetof(struct actun_sa, m)

/**
 * struct sa_kw - one keyword of the sa commands
 * @cmds: the S_* commands that take it; @required: those that need it
 * @attr, @off: the attribute it sets and the field it fills
 * @why: what the value must look like, for invarg()
 */
static const struct sa_kw {
	const char *word;
	unsigned int cmds, required;
	enum kw_kind kind;
	int attr;
	size_t off;
	const char *why;
} sa_kws[] = {
	{ "tunnel", S_ADD | S_DEL | S_SHOW, S_ADD | S_DEL, KW_TUNNEL,
	  ACTUN_SA_A_TUNNEL_NAME, OFF(tunnel_name), NULL },
	{ "dev", S_ADD | S_DEL | S_SHOW, 0, KW_DEV, 0, 0, NULL },
	{ "dir", S_ADD | S_DEL | S_SHOW, S_ADD | S_DEL, KW_DIR,
	  ACTUN_SA_A_DIR, OFF(dir), "dir must be \"in\" or \"out\"" },
	{ "spi", S_ADD | S_DEL | S_SHOW, S_ADD | S_DEL, KW_U32,
	  ACTUN_SA_A_SPI, OFF(spi),
	  "spi must be a number from 0 to 0xffffffff" },
	{ "enc", S_ADD, S_ADD, KW_ENC, ACTUN_SA_A_ENC_ALG, OFF(enc_alg),
	  "enc must be gcm-aes-128, gcm-aes-256, cbc-aes-128, cbc-aes-256 or null" },
	{ "auth", S_ADD, 0, KW_AUTH, ACTUN_SA_A_AUTH_ALG, OFF(auth_alg),
	  "auth must be hmac-sha256 or hmac-sha1" },
	{ "key", S_ADD, 0, KW_KEY, 0, 0,
	  "a key must be an even number of hexadecimal digits, optionally after 0x" },
	{ "encap", S_ADD, 0, KW_ENCAP, 0, 0, "encap must be \"udp\"" },
	{ "sport", S_ADD, 0, KW_PORT, ACTUN_SA_A_ENCAP_SPORT, OFF(encap_sport),
	  "sport must be a port number from 0 to 65535" },
	{ "dport", S_ADD, 0, KW_PORT, ACTUN_SA_A_ENCAP_DPORT, OFF(encap_dport),
	  "dport must be a port number from 0 to 65535" },
	{ "replay-window", S_ADD, 0, KW_U32, ACTUN_SA_A_REPLAY_WINDOW,
	  OFF(replay_window), "replay-window must be a number" },
	{ "esn", S_ADD, 0, KW_FLAG, ACTUN_SA_A_ESN, 0, NULL },
	{ "fleet", S_ADD, 0, KW_FLAG, ACTUN_SA_A_FLEET, 0, NULL },
	{ "epoch", S_ADD, 0, KW_U16, ACTUN_SA_A_EPOCH, OFF(epoch),
	  "epoch must be a number from 0 to 65535" },
	{ "lifetime-bytes", S_ADD, 0, KW_U64, ACTUN_SA_A_HARD_BYTES,
	  OFF(hard_bytes), "lifetime-bytes must be a number" },
	{ "lifetime-seconds", S_ADD, 0, KW_U64, ACTUN_SA_A_HARD_SECONDS,
	  OFF(hard_seconds), "lifetime-seconds must be a number" },
	{ "soft-lifetime-bytes", S_ADD, 0, KW_U64, ACTUN_SA_A_SOFT_BYTES,
	  OFF(soft_bytes), "soft-lifetime-bytes must be a number" },
	{ "soft-lifetime-seconds", S_ADD, 0, KW_U64, ACTUN_SA_A_SOFT_SECONDS,
	  OFF(soft_seconds), "soft-lifetime-seconds must be a number" },
};

#define NKWS	(sizeof(sa_kws) / sizeof(sa_kws[0]))

/**
 * struct sa_req - a parsed sa command line
 * @def: the command
 * @sa: the SA attributes to send (keys included: wiped by sa_run's caller)
 * @ifindex: from "dev", 0 when not given
 * @given: bit per sa_kws[] entry seen, to catch duplicates
 * @key_for: the attribute a "key" right now would fill: ACTUN_SA_A_ENC_KEY
 *	right after "enc ENC", ACTUN_SA_A_AUTH_KEY right after "auth AUTH",
 *	else 0
 */
struct sa_req {
	const struct sa_cmd *def;
	struct actun_sa sa;
	uint32_t ifindex;
	uint32_t given;
	int key_for;
};

static int find_kw(const char *word)
{
	size_t i;

	for (i = 0; i < NKWS; i++)
		if (!strcmp(sa_kws[i].word, word))
			return (int)i;
	return -1;
}

static int parse_key(struct sa_req *req, const struct sa_kw *kw, char *arg)
{
	bool enc = req->key_for == ACTUN_SA_A_ENC_KEY;
	uint8_t *buf = enc ? req->sa.enc_key : req->sa.auth_key;
	size_t len = 0;
	int ret;

	if (!req->key_for) {
		fprintf(stderr,
			"Error: \"key\" must come right after \"enc ENC\" or \"auth AUTH\".\n");
		return -1;
	}
	if (actun_sa_has(&req->sa, req->key_for)) {
		fprintf(stderr, "Error: duplicate \"key\" for \"%s\".\n",
			enc ? "enc" : "auth");
		return -1;
	}
	ret = get_hex(buf, ACTUN_SA_KEY_MAX, &len, arg);
	/* the key has been read: it should not linger in argv or the line */
	explicit_bzero(arg, strlen(arg));
	if (ret == -2) {
		fprintf(stderr,
			"Error: argument \"key\" is wrong: a key is at most %d bytes.\n",
			ACTUN_SA_KEY_MAX);
		return -1;
	}
	if (ret) {	/* the value is a secret: name the keyword, not it */
		fprintf(stderr, "Error: argument \"key\" is wrong: %s.\n",
			kw->why);
		return -1;
	}
	if (enc)
		req->sa.enc_key_len = (uint16_t)len;
	else
		req->sa.auth_key_len = (uint16_t)len;
	actun_sa_mark(&req->sa, req->key_for);
	return 0;
}

/* The value of keyword @kw; returns 0 or -1 (printed). */
static int parse_kw(struct sa_req *req, const struct sa_kw *kw, char *arg)
{
	char *field = (char *)&req->sa + kw->off;
	size_t len;
	int v;

	req->key_for = 0;
	switch (kw->kind) {
	case KW_TUNNEL:
		len = strlen(arg);
		/* the kernel's wording, so both refusals read the same */
		if (len == 0)
			return invarg("tunnel name must not be empty", arg);
		if (len >= ACTUN_TUNNEL_NAMSIZ)
			return invarg("tunnel name is longer than 31 bytes", arg);
		memcpy(req->sa.tunnel_name, arg, len + 1);
		break;
	case KW_DEV:
		req->ifindex = strlen(arg) < IF_NAMESIZE ? if_nametoindex(arg) : 0;
		if (!req->ifindex) {
			fprintf(stderr, "Error: device \"%s\" does not exist.\n",
				arg);
			return -1;
		}
		return 0;
	case KW_DIR:
	case KW_ENC:
	case KW_AUTH:
		v = kw->kind == KW_DIR ? actun_sa_dir_from_name(arg) :
		    kw->kind == KW_ENC ? actun_sa_enc_from_name(arg) :
					 actun_sa_auth_from_name(arg);
		if (v < 0 || (kw->kind == KW_AUTH && v == ACTUN_SA_AUTH_NONE))
			return invarg(kw->why, arg);
		*(uint8_t *)field = (uint8_t)v;
		if (kw->kind == KW_ENC)
			req->key_for = ACTUN_SA_A_ENC_KEY;
		else if (kw->kind == KW_AUTH)
			req->key_for = ACTUN_SA_A_AUTH_KEY;
		break;
	case KW_ENCAP:
		if (strcmp(arg, "udp"))
			return invarg(kw->why, arg);
		return 0;
	case KW_PORT:
		if (get_u16((uint16_t *)field, arg))
			return invarg(kw->why, arg);
		break;
	case KW_U16:
		if (get_u16((uint16_t *)field, arg))
			return invarg(kw->why, arg);
		break;
	case KW_U32:
		if (get_u32((uint32_t *)field, arg))
			return invarg(kw->why, arg);
		break;
	case KW_U64:
		if (get_u64((uint64_t *)field, arg))
			return invarg(kw->why, arg);
		break;
	default:	/* KW_KEY and KW_FLAG are handled by sa_parse() */
		return -1;
	}
	actun_sa_mark(&req->sa, kw->attr);
	return 0;
}

/* sport and dport go with "encap udp", which needs both. */
static int check_encap(const struct sa_req *req)
{
	bool encap = req->given & (1u << find_kw("encap"));
	bool sport = req->given & (1u << find_kw("sport"));
	bool dport = req->given & (1u << find_kw("dport"));

	if (encap && !sport)
		return missarg("sport");
	if (encap && !dport)
		return missarg("dport");
	if (!encap && (sport || dport)) {
		fprintf(stderr,
			"Error: \"%s\" needs \"encap udp\", try \"acctl sa help\".\n",
			sport ? "sport" : "dport");
		return -1;
	}
	return 0;
}

/* KEYWORD VALUE pairs ("esn" alone, "key" for the enc or auth before it). */
static int sa_parse(struct sa_req *req, int argc, char **argv)
{
	unsigned int cmd = req->def->cmd;
	const struct sa_kw *kw;
	int i;

	while (argc > 0) {
		i = find_kw(argv[0]);
		if (i < 0 || !(sa_kws[i].cmds & cmd)) {
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"sa %s\", try \"acctl sa help\".\n",
				argv[0], req->def->word);
			return -1;
		}
		kw = &sa_kws[i];
		if (kw->kind == KW_FLAG) {
			if (req->given & (1u << i)) {
				fprintf(stderr, "Error: duplicate \"%s\".\n",
					kw->word);
				return -1;
			}
			req->given |= 1u << i;
			actun_sa_mark(&req->sa, kw->attr);
			req->key_for = 0;
			argc--;
			argv++;
			continue;
		}
		if (argc < 2)
			return incomplete_command("sa");
		if (kw->kind == KW_KEY) {
			if (parse_key(req, kw, argv[1]))
				return -1;
			req->key_for = 0;
		} else {
			if (req->given & (1u << i))
				return duparg(kw->word, argv[1]);
			req->given |= 1u << i;
			if (parse_kw(req, kw, argv[1]))
				return -1;
		}
		argc -= 2;
		argv += 2;
	}
	for (i = 0; i < (int)NKWS; i++)
		if ((sa_kws[i].required & cmd) && !(req->given & (1u << i)))
			return missarg(sa_kws[i].word);
	return check_encap(req);
}

/* Which SA: tunnel, dir, spi; what every SA line starts with. */
static void sa_print_id(struct acctl *ac, const struct actun_sa *sa)
{
	struct json_writer *jw = &ac->jw;

	if (actun_sa_has(sa, ACTUN_SA_A_TUNNEL_NAME))
		print_string(jw, PRINT_ANY, "tunnel", " tunnel %s",
			     sa->tunnel_name);
	if (actun_sa_has(sa, ACTUN_SA_A_TUNNEL_ID))
		print_uint(jw, PRINT_JSON, "tunnel_id", NULL, sa->tunnel_id);
	if (actun_sa_has(sa, ACTUN_SA_A_IFINDEX)) {
		print_uint(jw, PRINT_JSON, "ifindex", NULL, sa->ifindex);
		print_string(jw, PRINT_JSON, "dev", NULL,
			     acctl_ifname(ac, sa->ifindex));
	}
	if (actun_sa_has(sa, ACTUN_SA_A_DIR))
		print_string(jw, PRINT_ANY, "dir", " dir %s",
			     actun_sa_dir_name(sa->dir));
	if (actun_sa_has(sa, ACTUN_SA_A_SPI))
		print_uint(jw, PRINT_ANY, "spi", " spi 0x%08x", sa->spi);
}

static void sa_print_stats(struct json_writer *jw,
			   const struct actun_sa_stats *s)
{
	open_json_object(jw, "stats");
	print_string(jw, PRINT_FP, NULL, "%s", "\n   ");
	print_u64(jw, PRINT_ANY, "packets", " packets %llu", s->packets);
	print_u64(jw, PRINT_ANY, "bytes", " bytes %llu", s->bytes);
	print_u64(jw, PRINT_ANY, "drop_auth", " drop_auth %llu",
		  s->drop_auth);
	print_u64(jw, PRINT_ANY, "drop_replay", " drop_replay %llu",
		  s->drop_replay);
	print_u64(jw, PRINT_ANY, "drop_trailer", " drop_trailer %llu",
		  s->drop_trailer);
	print_u64(jw, PRINT_ANY, "drop_truncated", " drop_truncated %llu",
		  s->drop_truncated);
	print_u64(jw, PRINT_ANY, "drop_expired", " drop_expired %llu",
		  s->drop_expired);
	print_u64(jw, PRINT_ANY, "drop_seq_exhausted",
		  " drop_seq_exhausted %llu", s->drop_seq_exhausted);
	/* from kernels that have fleet SAs */
	if (s->present & 1u << ACTUN_SA_STATS_A_DROP_NO_CLAIM)
		print_u64(jw, PRINT_ANY, "drop_no_claim", " drop_no_claim %llu",
			  s->drop_no_claim);
	close_json_object(jw);
}

/* One SA's fields after "sa", without newline; JSON callers open the
 * object. Keys are never printed: replies do not carry them. */
void sa_print(struct acctl *ac, const struct actun_sa *sa)
{
	struct json_writer *jw = &ac->jw;
	char text[96];

	sa_print_id(ac, sa);
	if (actun_sa_has(sa, ACTUN_SA_A_ENC_ALG))
		print_string(jw, PRINT_ANY, "enc", " enc %s",
			     actun_sa_enc_name(sa->enc_alg));
	if (actun_sa_has(sa, ACTUN_SA_A_AUTH_ALG) &&
	    sa->auth_alg != ACTUN_SA_AUTH_NONE)
		print_string(jw, PRINT_ANY, "auth", " auth %s",
			     actun_sa_auth_name(sa->auth_alg));
	if (actun_sa_has(sa, ACTUN_SA_A_ENCAP_SPORT) ||
	    actun_sa_has(sa, ACTUN_SA_A_ENCAP_DPORT)) {
		print_string(jw, PRINT_ANY, "encap", " encap %s", "udp");
		print_uint(jw, PRINT_ANY, "sport", " sport %u",
			   sa->encap_sport);
		print_uint(jw, PRINT_ANY, "dport", " dport %u",
			   sa->encap_dport);
	}
	if (actun_sa_has(sa, ACTUN_SA_A_REPLAY_WINDOW))
		print_uint(jw, PRINT_ANY, "replay_window", " replay-window %u",
			   sa->replay_window);
	if (actun_sa_has(sa, ACTUN_SA_A_AGE))
		print_u64(jw, PRINT_ANY, "age", " age %llus", sa->age);
	if (actun_sa_has(sa, ACTUN_SA_A_SERVER_ID))
		print_uint(jw, PRINT_ANY, "server_id", " server-id %u",
			   sa->server_id);
	if (actun_sa_has(sa, ACTUN_SA_A_EPOCH))
		print_uint(jw, PRINT_ANY, "epoch", " epoch %u", sa->epoch);
	print_bool(jw, PRINT_JSON, "fleet", NULL,
		   actun_sa_has(sa, ACTUN_SA_A_FLEET));
	if (actun_sa_has(sa, ACTUN_SA_A_FLEET))
		print_string(jw, PRINT_FP, NULL, " %s", "fleet");
	/* text: soft/hard pairs; JSON: the four typed members */
	print_u64(jw, PRINT_JSON, "soft_bytes", NULL, sa->soft_bytes);
	print_u64(jw, PRINT_JSON, "hard_bytes", NULL, sa->hard_bytes);
	print_u64(jw, PRINT_JSON, "soft_seconds", NULL, sa->soft_seconds);
	print_u64(jw, PRINT_JSON, "hard_seconds", NULL, sa->hard_seconds);
	snprintf(text, sizeof(text), "bytes %llu/%llu seconds %llu/%llu",
		 (unsigned long long)sa->soft_bytes,
		 (unsigned long long)sa->hard_bytes,
		 (unsigned long long)sa->soft_seconds,
		 (unsigned long long)sa->hard_seconds);
	print_string(jw, PRINT_FP, NULL, " lifetimes %s", text);
	if (actun_sa_has(sa, ACTUN_SA_A_EXPIRED)) {
		print_string(jw, PRINT_JSON, "expired", NULL,
			     actun_sa_expiry_name(sa->expired));
		if (sa->expired != ACTUN_SA_EXPIRY_NONE)
			print_string(jw, PRINT_FP, NULL, " expired %s",
				     actun_sa_expiry_name(sa->expired));
	}
	if (ac->stats && actun_sa_has(sa, ACTUN_SA_A_STATS))
		sa_print_stats(jw, &sa->stats);
}

/* SA_EXPIRE: "expire soft|hard" and which SA, after "sa". */
void sa_print_expire(struct acctl *ac, const struct actun_sa *sa)
{
	struct json_writer *jw = &ac->jw;

	print_string(jw, PRINT_ANY, "expired", " %s",
		     actun_sa_expiry_name(sa->expired));
	sa_print_id(ac, sa);
}

/**
 * struct show_ctx - output of a show: the JSON array opens lazily, so a
 *	failed show prints nothing on stdout; @filter narrows it by dir and
 *	spi (client-side)
 */
struct show_ctx {
	struct acctl *ac;
	const struct actun_sa *filter;
	bool opened;
};

static int show_one(const struct actun_sa *sa, void *arg)
{
	struct show_ctx *ctx = arg;
	const struct actun_sa *f = ctx->filter;
	struct json_writer *jw = &ctx->ac->jw;

	if ((actun_sa_has(f, ACTUN_SA_A_DIR) && sa->dir != f->dir) ||
	    (actun_sa_has(f, ACTUN_SA_A_SPI) && sa->spi != f->spi))
		return 0;
	if (!ctx->opened) {
		open_json_array(jw, NULL);
		ctx->opened = true;
	}
	open_json_object(jw, NULL);
	print_string(jw, PRINT_FP, NULL, "%s", "sa");
	sa_print(ctx->ac, sa);
	close_json_object(jw);
	print_nl(jw);
	return 0;
}

/* Without dev or tunnel: every device holding tunnels (no tunnel, no SA).
 * A device deleted since the tunnel dump has no SAs to show. */
static int show_all(struct acctl *ac, struct show_ctx *show,
		    struct actun_error *err)
{
	uint32_t *devs;
	size_t n, i;
	int ret = 0;

	if (acctl_tunnel_devs(ac, &devs, &n))
		return 1;
	for (i = 0; !ret && i < n; i++) {
		ret = actun_sa_dump(ac->sock, devs[i], NULL, show_one, show,
				    err);
		if (err->origin == ACTUN_ERR_KERNEL && ret == -ENODEV)
			ret = 0;
	}
	free(devs);
	return ret;
}

static int sa_run(struct acctl *ac, struct sa_req *req)
{
	struct show_ctx show = { .ac = ac, .filter = &req->sa };
	bool named = actun_sa_has(&req->sa, ACTUN_SA_A_TUNNEL_NAME);
	struct actun_sock *sock;
	struct actun_error err;
	int ret;

	if (acctl_sock(ac, &sock))
		return 1;
	if (named && !req->ifindex &&
	    acctl_tunnel_dev(ac, req->sa.tunnel_name, &req->ifindex))
		return 1;

	switch (req->def->cmd) {
	case S_ADD:
		ret = actun_sa_add(sock, req->ifindex, &req->sa, &err);
		break;
	case S_DEL:
		ret = actun_sa_del(sock, req->ifindex, &req->sa, &err);
		break;
	default:
		if (req->ifindex)
			ret = actun_sa_dump(sock, req->ifindex,
					    named ? &req->sa : NULL, show_one,
					    &show, &err);
		else
			ret = show_all(ac, &show, &err);
		if (ret == 1)
			return 1;	/* printed already */
		if (!ret && !show.opened)
			open_json_array(&ac->jw, NULL);
		if (!ret || show.opened)
			close_json_array(&ac->jw);
		break;
	}
	if (ret) {
		acctl_print_error(&err);
		return 1;
	}
	return 0;
}

/* After a failed parse, keys past the failure are still on the line. */
static void wipe_keys(int argc, char **argv)
{
	int i;

	for (i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], "key"))
			explicit_bzero(argv[i + 1], strlen(argv[i + 1]));
}

int do_sa(struct acctl *ac, int argc, char **argv)
{
	struct sa_req req = { .def = &sa_cmds[2] };	/* show */
	size_t i;
	int ret;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		if (argc > 1) {
			fprintf(stderr, "Error: \"sa help\" takes no arguments.\n");
			return 1;
		}
		sa_usage(stdout);
		return 0;
	}
	if (argc > 0) {
		for (i = 0; i < NCMDS && strcmp(sa_cmds[i].word, argv[0]); i++)
			;
		if (i == NCMDS) {
			fprintf(stderr,
				"Command \"%s\" is unknown, try \"acctl sa help\".\n",
				argv[0]);
			return 1;
		}
		req.def = &sa_cmds[i];
		argc--;
		argv++;
	}
	ret = sa_parse(&req, argc, argv) ? 1 : sa_run(ac, &req);
	wipe_keys(argc, argv);
	actun_sa_clear(&req.sa);
	return ret;
}
