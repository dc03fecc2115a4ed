// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the tunnel object.
 *
 *	acctl tunnel { add | set | del | show | list | help } ...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "acctl.h"

static void tunnel_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl tunnel add NAME dev DEV mode { gre | ipsec } local ADDR remote ADDR\n"
"                        [ id ID ] [ key KEY ] [ ttl TTL ] [ tos TOS ] [ mtu MTU ]\n"
"                        [ mss MSS ] [ allow-null { on | off } ]\n"
"                        [ address PREFIX ]\n"
"       acctl tunnel set NAME [ dev DEV ] [ local ADDR ] [ remote ADDR ]\n"
"                        [ key { KEY | none } ] [ ttl TTL ] [ tos TOS ] [ mtu MTU ]\n"
"                        [ mss MSS ] [ allow-null { on | off } ]\n"
"                        [ address { PREFIX | none } ]\n"
"       acctl tunnel del NAME [ dev DEV ]\n"
"       acctl tunnel { show | list } [ NAME ] [ dev DEV ]\n"
"       acctl tunnel help\n"
"\n"
"NAME    the tunnel's name: 1 to 31 printable characters, no spaces; unique per\n"
"        device; cannot be changed.\n"
"DEV     the actun device holding the tunnel (for example ac0). Required by add;\n"
"        set, del and show NAME find the device themselves when only one\n"
"        device has a tunnel called NAME (from one tunnel dump per acctl run,\n"
"        batches included). show dev DEV lists that device only.\n"
"mode    gre: GRE (RFC 2784, 2890) over IPv4; ipsec: ESP tunnel mode (RFC 4303)\n"
"        over IPv4. Cannot be changed.\n"
"ADDR    outer IPv4 address: local is this server's anycast address, remote\n"
"        the customer's router. IPv6 is reserved: the kernel refuses it.\n"
"ID      tunnel id, 1 to 4294967295, unique per device. Default: the kernel\n"
"        picks one. Cannot be changed.\n"
"KEY     GRE key (RFC 2890), gre tunnels only: 0 to 4294967295, or a dotted\n"
"        quad (0.0.0.42 = 42). Default: no key; set ... key none removes it.\n"
"TTL     outer TTL, 1 to 255, or inherit (= 0): copy the inner packet's TTL.\n"
"        Default: inherit.\n"
"TOS     outer TOS byte, 0 to 255, or inherit (= 1): copy the inner packet's\n"
"        DSCP and ECN. Default: inherit.\n"
"MTU     inner MTU, 68 to 65511 (the kernel checks). Default: 1476 for gre,\n"
"        1400 for ipsec tunnels.\n"
"MSS     TCP MSS that SYNs crossing the tunnel are clamped to, both ways:\n"
"        536 to MTU - 40, or 0 to derive it from the MTU (MTU - 40 for IPv4,\n"
"        MTU - 60 for IPv6). Default: 0; show prints the IPv4 value in use.\n"
"PREFIX  ADDR/LEN, the tunnel's interface address, used by health probes:\n"
"        IPv4 /30 or /31, IPv6 /126 or /127 (the kernel checks). Default: none;\n"
"        set ... address none removes it.\n"
"allow-null  ipsec tunnels only: on lets the tunnel's SAs use enc null\n"
"        (integrity without encryption). Default: off.\n"
"\n"
"Numbers are decimal, or hexadecimal with 0x. show is the default command.\n");
}

enum tunnel_cmd_bit {
	T_ADD  = 1 << 0,
	T_SET  = 1 << 1,
	T_DEL  = 1 << 2,
	T_SHOW = 1 << 3,
};

typedef int (*tunnel_op)(struct actun_sock *sock, uint32_t ifindex,
			 const struct actun_tunnel_cfg *cfg,
			 struct actun_error *err);

/* The commands: word, T_* bit, and the library call (NULL: show). */
static const struct tunnel_cmd {
	const char *word;
	unsigned int cmd;
	tunnel_op op;
} tunnel_cmds[] = {
	{ "add",  T_ADD,  actun_tunnel_new },
	{ "set",  T_SET,  actun_tunnel_set },
	{ "del",  T_DEL,  actun_tunnel_del },
	{ "show", T_SHOW, NULL },
	{ "list", T_SHOW, NULL },
};

/**
 * struct tunnel_req - a parsed tunnel command line
 * @def: the command; @cmd: its T_* bit
 * @cfg: the tunnel attributes to send
 * @ifindex: from "dev", 0 when not given
 * @given: bit per tunnel_kws[] entry seen, to catch duplicates
 */
struct tunnel_req {
	const struct tunnel_cmd *def;
	unsigned int cmd;
	struct actun_tunnel_cfg cfg;
	uint32_t ifindex;
	unsigned int given;
};

static int parse_dev(struct tunnel_req *req, const char *arg)
{
	req->ifindex = strlen(arg) < IF_NAMESIZE ? if_nametoindex(arg) : 0;
	if (!req->ifindex) {
		fprintf(stderr, "Error: device \"%s\" does not exist.\n", arg);
		return -1;
	}
	return 0;
}

static int parse_name(struct tunnel_req *req, const char *arg)
{
	size_t len = strlen(arg);

	/* the kernel's wording, so both refusals read the same */
	if (len == 0)
		return invarg("tunnel name must not be empty", arg);
	if (len >= ACTUN_TUNNEL_NAMSIZ)
		return invarg("tunnel name is longer than 31 bytes", arg);
	memcpy(req->cfg.name, arg, len + 1);
	actun_tunnel_mark(&req->cfg, ACTUN_TUNNEL_A_NAME);
	return 0;
}

/* How a keyword's value is read. */
enum kw_kind {
	KW_DEV,		/* interface name -> req->ifindex */
	KW_MODE,	/* gre | ipsec */
	KW_ADDR,	/* IPv4 -> attr at off, IPv6 -> attr6 at off6 */
	KW_PREFIX,	/* ADDR/LEN, or none (set) */
	KW_U32,		/* number */
	KW_U16,		/* number */
	KW_U8,		/* number, or "inherit" = inherit */
	KW_KEY,		/* number or dotted quad, or none (set) */
	KW_ONOFF,	/* on | off -> u8 1 | 0 */
};

#define OFF(m)	offsetof(struct actun_tunnel_cfg, m)

/**
 * struct tunnel_kw - one keyword of the tunnel commands
 * @cmds: the T_* commands that take it; @required: those that need it
 * @attr, @off: the attribute it sets and the cfg field it fills
 * @attr6, @off6: the same for an IPv6 value (KW_ADDR)
 * @inherit: value of "inherit" (KW_U8)
 * @why: what the value must look like, for invarg()
 */
static const struct tunnel_kw {
	const char *word;
	unsigned int cmds, required;
	enum kw_kind kind;
	int attr, attr6;
	size_t off, off6;
	uint8_t inherit;
	const char *why;
} tunnel_kws[] = {
	{ "dev", T_ADD | T_SET | T_DEL | T_SHOW, T_ADD, KW_DEV, 0, 0, 0, 0, 0, NULL },
	{ "mode", T_ADD, T_ADD, KW_MODE, ACTUN_TUNNEL_A_MODE, 0, OFF(mode), 0, 0,
	  "mode must be \"gre\" or \"ipsec\"" },
	{ "local", T_ADD | T_SET, T_ADD, KW_ADDR, ACTUN_TUNNEL_A_LOCAL_IPV4,
	  ACTUN_TUNNEL_A_LOCAL_IPV6, OFF(local4), OFF(local6), 0,
	  "not an IPv4 or IPv6 address" },
	{ "remote", T_ADD | T_SET, T_ADD, KW_ADDR, ACTUN_TUNNEL_A_REMOTE_IPV4,
	  ACTUN_TUNNEL_A_REMOTE_IPV6, OFF(remote4), OFF(remote6), 0,
	  "not an IPv4 or IPv6 address" },
	{ "id", T_ADD, 0, KW_U32, ACTUN_TUNNEL_A_ID, 0, OFF(id), 0, 0,
	  "id must be a number from 0 to 4294967295" },
	{ "key", T_ADD | T_SET, 0, KW_KEY, ACTUN_TUNNEL_A_KEY, 0, OFF(key), 0, 0,
	  "key must be a number from 0 to 4294967295 or a dotted quad" },
	{ "ttl", T_ADD | T_SET, 0, KW_U8, ACTUN_TUNNEL_A_TTL, 0, OFF(ttl), 0, 0,
	  "ttl must be \"inherit\" or a number from 0 to 255" },
	{ "tos", T_ADD | T_SET, 0, KW_U8, ACTUN_TUNNEL_A_TOS, 0, OFF(tos), 0,
	  ACTUN_TOS_INHERIT,
	  "tos must be \"inherit\" or a number from 0 to 255" },
	{ "mtu", T_ADD | T_SET, 0, KW_U32, ACTUN_TUNNEL_A_MTU, 0, OFF(mtu), 0, 0,
	  "mtu must be a number" },
	{ "mss", T_ADD | T_SET, 0, KW_U16, ACTUN_TUNNEL_A_MSS, 0, OFF(mss), 0, 0,
	  "mss must be a number from 0 to 65535" },
	{ "address", T_ADD | T_SET, 0, KW_PREFIX, ACTUN_TUNNEL_A_ADDR_IPV4,
	  ACTUN_TUNNEL_A_ADDR_IPV6, OFF(addr4), OFF(addr6), 0,
	  "address must be ADDR/LEN, an IPv4 or IPv6 prefix" },
	{ "allow-null", T_ADD | T_SET, 0, KW_ONOFF, ACTUN_TUNNEL_A_ALLOW_NULL, 0,
	  OFF(allow_null), 0, 0, "allow-null must be \"on\" or \"off\"" },
};

#define NKWS	(sizeof(tunnel_kws) / sizeof(tunnel_kws[0]))

/* "key none" and "address none": a flag attribute, set only. */
static int parse_none(struct tunnel_req *req, const struct tunnel_kw *kw,
		      const char *arg, int flag)
{
	char why[64];

	if (req->cmd != T_SET) {
		snprintf(why, sizeof(why),
			 "\"%s none\" only applies to \"tunnel set\"", kw->word);
		return invarg(why, arg);
	}
	actun_tunnel_mark(&req->cfg, flag);
	return 0;
}

static int parse_kw(struct tunnel_req *req, const struct tunnel_kw *kw,
		    const char *arg)
{
	char *cfg = (char *)&req->cfg;
	struct inet_addr addr;
	struct in_addr dotted;
	int attr = kw->attr;

	switch (kw->kind) {
	case KW_DEV:
		return parse_dev(req, arg);
	case KW_MODE:
		if (!strcmp(arg, "gre"))
			req->cfg.mode = ACTUN_MODE_GRE;
		else if (!strcmp(arg, "ipsec"))
			req->cfg.mode = ACTUN_MODE_IPSEC;
		else
			return invarg(kw->why, arg);
		break;
	case KW_PREFIX:
		if (!strcmp(arg, "none"))
			return parse_none(req, kw, arg, ACTUN_TUNNEL_A_NO_ADDR);
		if (get_prefix(&addr, &req->cfg.prefixlen, arg))
			return invarg(kw->why, arg);
		actun_tunnel_mark(&req->cfg, ACTUN_TUNNEL_A_ADDR_PREFIXLEN);
		goto store_addr;
	case KW_ADDR:
		if (get_addr(&addr, arg))
			return invarg(kw->why, arg);
store_addr:
		if (addr.family == AF_INET) {
			memcpy(cfg + kw->off, &addr.v4, sizeof(addr.v4));
		} else {
			memcpy(cfg + kw->off6, &addr.v6, sizeof(addr.v6));
			attr = kw->attr6;
		}
		break;
	case KW_U32:
		if (get_u32((uint32_t *)(cfg + kw->off), arg))
			return invarg(kw->why, arg);
		break;
	case KW_U16: {
		uint32_t v;

		if (get_u32(&v, arg) || v > UINT16_MAX)
			return invarg(kw->why, arg);
		*(uint16_t *)(cfg + kw->off) = (uint16_t)v;
		break;
	}
	case KW_U8:
		if (!strcmp(arg, "inherit"))
			*(uint8_t *)(cfg + kw->off) = kw->inherit;
		else if (get_u8((uint8_t *)(cfg + kw->off), arg))
			return invarg(kw->why, arg);
		break;
	case KW_ONOFF:
		if (!strcmp(arg, "on"))
			*(uint8_t *)(cfg + kw->off) = 1;
		else if (!strcmp(arg, "off"))
			*(uint8_t *)(cfg + kw->off) = 0;
		else
			return invarg(kw->why, arg);
		break;
	case KW_KEY:
		if (!strcmp(arg, "none"))
			return parse_none(req, kw, arg, ACTUN_TUNNEL_A_NO_KEY);
		if (!strchr(arg, '.')) {
			if (get_u32(&req->cfg.key, arg))
				return invarg(kw->why, arg);
		} else if (inet_pton(AF_INET, arg, &dotted) == 1) {
			req->cfg.key = ntohl(dotted.s_addr);
		} else {
			return invarg(kw->why, arg);
		}
		break;
	}
	actun_tunnel_mark(&req->cfg, attr);
	return 0;
}

static int find_kw(const char *word)
{
	size_t i;

	for (i = 0; i < NKWS; i++)
		if (!strcmp(tunnel_kws[i].word, word))
			return (int)i;
	return -1;
}

/* NAME first (optional for show), then KEYWORD VALUE pairs. */
static int tunnel_parse(struct tunnel_req *req, int argc, char **argv)
{
	const struct tunnel_kw *kw;
	int i;

	if (req->cmd != T_SHOW || (argc > 0 && find_kw(argv[0]) < 0)) {
		if (argc == 0)
			return missarg("NAME");
		if (parse_name(req, argv[0]))
			return -1;
		argc--;
		argv++;
	}
	for (; argc > 0; argc -= 2, argv += 2) {
		i = find_kw(argv[0]);
		if (i < 0 || !(tunnel_kws[i].cmds & req->cmd)) {
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"tunnel %s\", try \"acctl tunnel help\".\n",
				argv[0], req->def->word);
			return -1;
		}
		kw = &tunnel_kws[i];
		if (argc < 2)
			return incomplete_command("tunnel");
		if (req->given & (1u << i))
			return duparg(kw->word, argv[1]);
		req->given |= 1u << i;
		if (parse_kw(req, kw, argv[1]))
			return -1;
	}

	for (i = 0; i < (int)NKWS; i++)
		if ((tunnel_kws[i].required & req->cmd) && !(req->given & (1u << i)))
			return missarg(tunnel_kws[i].word);
	if (req->cmd == T_SET && (req->given & ~(1u << find_kw("dev"))) == 0) {
		fprintf(stderr,
			"Error: \"tunnel set\" needs something to change, try \"acctl tunnel help\".\n");
		return -1;
	}
	return 0;
}

/* local, remote, address: IPv4 or IPv6, with a prefix length if plen */
static void print_addr(struct acctl *ac, const struct actun_tunnel_cfg *t,
		       const char *key, int a4, const void *v4, int a6,
		       const void *v6, bool plen)
{
	char buf[INET6_ADDRSTRLEN + 8], fmt[16];
	size_t n;

	if (actun_tunnel_has(t, a4))
		inet_ntop(AF_INET, v4, buf, INET6_ADDRSTRLEN);
	else if (actun_tunnel_has(t, a6))
		inet_ntop(AF_INET6, v6, buf, INET6_ADDRSTRLEN);
	else
		return;
	print_string(&ac->jw, PRINT_JSON, key, NULL, buf);
	if (plen) {
		print_uint(&ac->jw, PRINT_JSON, "prefixlen", NULL,
			   t->prefixlen);
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "/%u", t->prefixlen);
	}
	snprintf(fmt, sizeof(fmt), " %s %%s", key);
	print_string(&ac->jw, PRINT_FP, NULL, fmt, buf);
}

/* ttl, tos: the number in JSON, "inherit" or fmt in text */
static void print_inherit(struct json_writer *jw, const char *key,
			  const char *fmt, uint8_t value, uint8_t inherit)
{
	char text[16];

	print_uint(jw, PRINT_JSON, key, NULL, value);
	if (value == inherit)
		print_string(jw, PRINT_FP, NULL, " %s inherit", key);
	else if (!jw->json && snprintf(text, sizeof(text), fmt, value) > 0)
		print_string(jw, PRINT_FP, NULL, " %s", text);
}

static void print_stats(struct acctl *ac, const struct actun_tunnel_stats *s)
{
	struct json_writer *jw = &ac->jw;

	open_json_object(jw, "stats");
	print_string(jw, PRINT_FP, NULL, "%s", "\n   ");
	print_u64(jw, PRINT_ANY, "rx_packets", " rx_packets %llu",
		  s->rx_packets);
	print_u64(jw, PRINT_ANY, "rx_bytes", " rx_bytes %llu", s->rx_bytes);
	print_u64(jw, PRINT_ANY, "tx_packets", " tx_packets %llu",
		  s->tx_packets);
	print_u64(jw, PRINT_ANY, "tx_bytes", " tx_bytes %llu", s->tx_bytes);
	print_string(jw, PRINT_FP, NULL, "%s", "\n   ");
	print_u64(jw, PRINT_ANY, "rx_drop_source", " rx_drop_source %llu",
		  s->rx_drop_source);
	print_u64(jw, PRINT_ANY, "rx_drop_proto", " rx_drop_proto %llu",
		  s->rx_drop_proto);
	print_u64(jw, PRINT_ANY, "rx_drop_header", " rx_drop_header %llu",
		  s->rx_drop_header);
	print_u64(jw, PRINT_ANY, "tx_drop_mtu", " tx_drop_mtu %llu",
		  s->tx_drop_mtu);
	print_u64(jw, PRINT_ANY, "tx_drop_outer_route",
		  " tx_drop_outer_route %llu", s->tx_drop_outer_route);
	print_u64(jw, PRINT_ANY, "rx_keepalives", " rx_keepalives %llu",
		  s->rx_keepalives);
	/* ESP counters: from kernels that have ESP */
	if (s->present & (1u << ACTUN_STATS_A_TX_DROP_NO_SA |
			  1u << ACTUN_STATS_A_RX_DROP_AUTH |
			  1u << ACTUN_STATS_A_RX_DROP_REPLAY |
			  1u << ACTUN_STATS_A_TX_DROP_NO_CLAIM))
		print_string(jw, PRINT_FP, NULL, "%s", "\n   ");
	if (s->present & 1u << ACTUN_STATS_A_TX_DROP_NO_SA)
		print_u64(jw, PRINT_ANY, "tx_drop_no_sa", " tx_drop_no_sa %llu",
			  s->tx_drop_no_sa);
	if (s->present & 1u << ACTUN_STATS_A_RX_DROP_AUTH)
		print_u64(jw, PRINT_ANY, "rx_drop_auth", " rx_drop_auth %llu",
			  s->rx_drop_auth);
	if (s->present & 1u << ACTUN_STATS_A_RX_DROP_REPLAY)
		print_u64(jw, PRINT_ANY, "rx_drop_replay", " rx_drop_replay %llu",
			  s->rx_drop_replay);
	if (s->present & 1u << ACTUN_STATS_A_TX_DROP_NO_CLAIM)
		print_u64(jw, PRINT_ANY, "tx_drop_no_claim",
			  " tx_drop_no_claim %llu", s->tx_drop_no_claim);
	close_json_object(jw);
}

/* One tunnel's fields, without newline; JSON callers open the object. */
void tunnel_print(struct acctl *ac, const struct actun_tunnel_cfg *t)
{
	struct json_writer *jw = &ac->jw;

	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_NAME))
		print_string(jw, PRINT_ANY, "name", "%s:", t->name);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_ID))
		print_uint(jw, PRINT_ANY, "id", " id %u", t->id);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_IFINDEX)) {
		print_uint(jw, PRINT_JSON, "ifindex", NULL, t->ifindex);
		print_string(jw, PRINT_ANY, "dev", " dev %s",
			     acctl_ifname(ac, t->ifindex));
	}
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_MODE))
		print_string(jw, PRINT_ANY, "mode", " mode %s",
			     actun_mode_name(t->mode));
	print_addr(ac, t, "local", ACTUN_TUNNEL_A_LOCAL_IPV4, &t->local4,
		   ACTUN_TUNNEL_A_LOCAL_IPV6, &t->local6, false);
	print_addr(ac, t, "remote", ACTUN_TUNNEL_A_REMOTE_IPV4, &t->remote4,
		   ACTUN_TUNNEL_A_REMOTE_IPV6, &t->remote6, false);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_KEY))
		print_uint(jw, PRINT_ANY, "key", " key %u", t->key);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_TTL))
		print_inherit(jw, "ttl", "ttl %u", t->ttl, 0);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_TOS))
		print_inherit(jw, "tos", "tos 0x%02x", t->tos,
			      ACTUN_TOS_INHERIT);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_MTU))
		print_uint(jw, PRINT_ANY, "mtu", " mtu %u", t->mtu);
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_MSS))
		print_uint(jw, PRINT_ANY, "mss", " mss %u", t->mss);
	print_addr(ac, t, "address", ACTUN_TUNNEL_A_ADDR_IPV4, &t->addr4,
		   ACTUN_TUNNEL_A_ADDR_IPV6, &t->addr6,
		   actun_tunnel_has(t, ACTUN_TUNNEL_A_ADDR_PREFIXLEN));
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_ALLOW_NULL)) {
		print_bool(jw, PRINT_JSON, "allow_null", NULL, t->allow_null);
		if (t->allow_null)
			print_string(jw, PRINT_FP, NULL, "%s", " allow-null on");
	}
	if (actun_tunnel_has(t, ACTUN_TUNNEL_A_STATE))
		print_string(jw, PRINT_ANY, "state", " state %s",
			     actun_state_name(t->state));
	if (ac->stats && actun_tunnel_has(t, ACTUN_TUNNEL_A_STATS))
		print_stats(ac, &t->stats);
}

/**
 * struct show_ctx - output of a show: the JSON array opens lazily, so a
 *	failed show prints nothing on stdout
 */
struct show_ctx {
	struct acctl *ac;
	bool opened;
};

static int show_one(const struct actun_tunnel_cfg *t, void *arg)
{
	struct show_ctx *ctx = arg;
	struct json_writer *jw = &ctx->ac->jw;

	if (!ctx->opened) {
		open_json_array(jw, NULL);
		ctx->opened = true;
	}
	open_json_object(jw, NULL);
	tunnel_print(ctx->ac, t);
	close_json_object(jw);
	print_nl(jw);
	return 0;
}

static void show_end(struct show_ctx *ctx)
{
	if (!ctx->opened)
		open_json_array(&ctx->ac->jw, NULL);
	close_json_array(&ctx->ac->jw);
}

/* Without "dev", find the one device that has a tunnel called NAME. */
static int resolve_dev(struct acctl *ac, struct tunnel_req *req)
{
	if (req->ifindex)
		return 0;
	return acctl_tunnel_dev(ac, req->cfg.name, &req->ifindex);
}

/* Keep the tunnel cache in step with what this run changed. */
static void cache_update(struct acctl *ac, const struct tunnel_req *req,
			 int ret, const struct actun_error *err)
{
	if (ret && err->origin != ACTUN_ERR_KERNEL)
		acctl_tunnels_forget(ac);	/* who knows what happened */
	else if (!ret && req->cmd == T_ADD)
		acctl_tunnel_added(ac, req->cfg.name, req->ifindex);
	else if (!ret && req->cmd == T_DEL)
		acctl_tunnel_deleted(ac, req->cfg.name, req->ifindex);
}

static int tunnel_run(struct acctl *ac, struct tunnel_req *req)
{
	struct show_ctx show = { .ac = ac };
	struct actun_tunnel_cfg t;
	struct actun_error err;
	struct actun_sock *sock;
	int ret;

	if (acctl_sock(ac, &sock))
		return 1;

	if (req->def->op) {
		if (req->cmd != T_ADD && resolve_dev(ac, req))
			return 1;
		ret = req->def->op(sock, req->ifindex, &req->cfg, &err);
		cache_update(ac, req, ret, &err);
	} else if (!actun_tunnel_has(&req->cfg, ACTUN_TUNNEL_A_NAME)) {
		ret = actun_tunnel_dump(sock, req->ifindex, show_one, &show,
					&err);
	} else if (resolve_dev(ac, req)) {
		return 1;
	} else {
		ret = actun_tunnel_get(sock, req->ifindex, &req->cfg, &t, &err);
		if (!ret)
			ret = show_one(&t, &show);
	}
	if (!req->def->op && !ret)
		show_end(&show);
	else if (show.opened)
		close_json_array(&ac->jw);
	if (ret) {
		acctl_print_error(&err);
		return 1;
	}
	return 0;
}

int do_tunnel(struct acctl *ac, int argc, char **argv)
{
	const size_t ncmds = sizeof(tunnel_cmds) / sizeof(tunnel_cmds[0]);
	struct tunnel_req req = { .def = &tunnel_cmds[3] };	/* show */
	size_t i;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		if (argc > 1) {
			fprintf(stderr, "Error: \"tunnel help\" takes no arguments.\n");
			return 1;
		}
		tunnel_usage(stdout);
		return 0;
	}
	if (argc > 0) {
		for (i = 0; i < ncmds && strcmp(tunnel_cmds[i].word, argv[0]); i++)
			;
		if (i == ncmds) {
			fprintf(stderr,
				"Command \"%s\" is unknown, try \"acctl tunnel help\".\n",
				argv[0]);
			return 1;
		}
		req.def = &tunnel_cmds[i];
		argc--;
		argv++;
	}
	req.cmd = req.def->cmd;
	if (tunnel_parse(&req, argc, argv))
		return 1;
	return tunnel_run(ac, &req);
}
