// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the route object.
 *
 *	acctl route { add | del | show | list | help } ...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctl.h"

static void route_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl route add PREFIX tunnel NAME [ dev DEV ] [ priority PRIORITY ]\n"
"                       [ weight WEIGHT ]\n"
"       acctl route del PREFIX tunnel NAME [ dev DEV ]\n"
"       acctl route { show | list } [ tunnel NAME ] [ dev DEV ]\n"
"       acctl route help\n"
"\n"
"PREFIX    ADDR/LEN, an IPv4 or IPv6 prefix with its host bits zero (the kernel\n"
"          checks); a bare ADDR is a /32 or /128. Packets to addresses in it go\n"
"          through tunnel NAME; packets from the tunnel are only delivered when\n"
"          the longest prefix covering their source is routed to it.\n"
"NAME      the tunnel, on the same device. A prefix may be routed to several\n"
"          tunnels; a route is its (PREFIX, NAME) pair. Deleting the tunnel\n"
"          deletes its routes.\n"
"DEV       the actun device. Without it, the device is the one holding a\n"
"          tunnel called NAME (from one tunnel dump per acctl run, batches\n"
"          included).\n"
"PRIORITY  0 to 4294967295, lower is preferred: of the routes of the longest\n"
"          matching prefix, those of the lowest priority carry the traffic\n"
"          (a degraded tunnel's count 500000 more, a down tunnel's not at all).\n"
"          Default: 100.\n"
"WEIGHT    1 to 65535 (the kernel checks): the share of flows among routes of\n"
"          equal priority, by flow hash (ECMP). Default: 1.\n"
"\n"
"show lists the routes of DEV, of tunnel NAME, or of every actun device; it\n"
"is the default command. Numbers are decimal, or hexadecimal with 0x.\n");
}

enum route_cmd_bit {
	R_ADD  = 1 << 0,
	R_DEL  = 1 << 1,
	R_SHOW = 1 << 2,
};

static const struct route_cmd {
	const char *word;
	unsigned int cmd;
} route_cmds[] = {
	{ "add",  R_ADD },
	{ "del",  R_DEL },
	{ "show", R_SHOW },
	{ "list", R_SHOW },
};

/**
 * struct route_req - a parsed route command line
 * @def: the command
 * @cfg: the route attributes to send
 * @ifindex: from "dev", 0 when not given
 * @given: bit per route_kws[] entry seen, to catch duplicates
 */
struct route_req {
	const struct route_cmd *def;
	struct actun_route_cfg cfg;
	uint32_t ifindex;
	unsigned int given;
};

enum { KW_TUNNEL, KW_DEV, KW_PRIORITY, KW_WEIGHT };

static const struct route_kw {
	const char *word;
	unsigned int cmds, required;
} route_kws[] = {
	[KW_TUNNEL]   = { "tunnel",   R_ADD | R_DEL | R_SHOW, R_ADD | R_DEL },
	[KW_DEV]      = { "dev",      R_ADD | R_DEL | R_SHOW, 0 },
	[KW_PRIORITY] = { "priority", R_ADD, 0 },
	[KW_WEIGHT]   = { "weight",   R_ADD, 0 },
};

#define NKWS	(sizeof(route_kws) / sizeof(route_kws[0]))

static int parse_prefix(struct actun_route_cfg *cfg, const char *arg)
{
	struct inet_addr addr;
	uint8_t plen;

	if (strchr(arg, '/') ? get_prefix(&addr, &plen, arg) :
			       get_addr(&addr, arg))
		return invarg("PREFIX must be ADDR/LEN or ADDR, IPv4 or IPv6",
			      arg);
	if (!strchr(arg, '/'))
		plen = (uint8_t)addr.bitlen;
	cfg->family = (uint8_t)addr.family;
	if (addr.family == AF_INET)
		cfg->prefix4 = addr.v4;
	else
		cfg->prefix6 = addr.v6;
	cfg->prefixlen = plen;
	actun_route_mark(cfg, ACTUN_ROUTE_A_FAMILY);
	actun_route_mark(cfg, ACTUN_ROUTE_A_PREFIX);
	actun_route_mark(cfg, ACTUN_ROUTE_A_PREFIXLEN);
	return 0;
}

static int parse_kw(struct route_req *req, int kw, const char *arg)
{
	size_t len = strlen(arg);

	switch (kw) {
	case KW_TUNNEL:
		/* the kernel's wording, so both refusals read the same */
		if (len == 0)
			return invarg("tunnel name must not be empty", arg);
		if (len >= ACTUN_TUNNEL_NAMSIZ)
			return invarg("tunnel name is longer than 31 bytes", arg);
		memcpy(req->cfg.tunnel_name, arg, len + 1);
		actun_route_mark(&req->cfg, ACTUN_ROUTE_A_TUNNEL_NAME);
		return 0;
	case KW_DEV:
		req->ifindex = len < IF_NAMESIZE ? if_nametoindex(arg) : 0;
		if (!req->ifindex) {
			fprintf(stderr, "Error: device \"%s\" does not exist.\n",
				arg);
			return -1;
		}
		return 0;
	case KW_PRIORITY:
		if (get_u32(&req->cfg.priority, arg))
			return invarg("priority must be a number from 0 to 4294967295",
				      arg);
		actun_route_mark(&req->cfg, ACTUN_ROUTE_A_PRIORITY);
		return 0;
	default:
		if (get_u32(&req->cfg.weight, arg))
			return invarg("weight must be a number", arg);
		actun_route_mark(&req->cfg, ACTUN_ROUTE_A_WEIGHT);
		return 0;
	}
}

static int find_kw(const char *word)
{
	size_t i;

	for (i = 0; i < NKWS; i++)
		if (!strcmp(route_kws[i].word, word))
			return (int)i;
	return -1;
}

/* PREFIX first (add, del), then KEYWORD VALUE pairs. */
static int route_parse(struct route_req *req, int argc, char **argv)
{
	unsigned int cmd = req->def->cmd;
	int i;

	if (cmd != R_SHOW) {
		if (argc == 0)
			return missarg("PREFIX");
		if (parse_prefix(&req->cfg, argv[0]))
			return -1;
		argc--;
		argv++;
	}
	for (; argc > 0; argc -= 2, argv += 2) {
		i = find_kw(argv[0]);
		if (i < 0 || !(route_kws[i].cmds & cmd)) {
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"route %s\", try \"acctl route help\".\n",
				argv[0], req->def->word);
			return -1;
		}
		if (argc < 2)
			return incomplete_command("route");
		if (req->given & (1u << i))
			return duparg(argv[0], argv[1]);
		req->given |= 1u << i;
		if (parse_kw(req, i, argv[1]))
			return -1;
	}
	for (i = 0; i < (int)NKWS; i++)
		if ((route_kws[i].required & cmd) && !(req->given & (1u << i)))
			return missarg(route_kws[i].word);
	return 0;
}

/* One route's fields, without newline; JSON callers open the object. */
void route_print(struct acctl *ac, const struct actun_route_cfg *r)
{
	struct json_writer *jw = &ac->jw;
	char buf[INET6_ADDRSTRLEN + 8];
	size_t n;

	if (actun_route_has(r, ACTUN_ROUTE_A_PREFIX) &&
	    inet_ntop(r->family, &r->prefix6, buf, INET6_ADDRSTRLEN)) {
		print_string(jw, PRINT_JSON, "prefix", NULL, buf);
		print_uint(jw, PRINT_JSON, "prefixlen", NULL, r->prefixlen);
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "/%u", r->prefixlen);
		print_string(jw, PRINT_FP, NULL, "%s", buf);
	}
	if (actun_route_has(r, ACTUN_ROUTE_A_TUNNEL_NAME))
		print_string(jw, PRINT_ANY, "tunnel", " tunnel %s",
			     r->tunnel_name);
	if (actun_route_has(r, ACTUN_ROUTE_A_TUNNEL_ID))
		print_uint(jw, PRINT_JSON, "tunnel_id", NULL, r->tunnel_id);
	if (r->ifindex)
		print_string(jw, PRINT_ANY, "dev", " dev %s",
			     acctl_ifname(ac, r->ifindex));
	if (actun_route_has(r, ACTUN_ROUTE_A_PRIORITY))
		print_uint(jw, PRINT_ANY, "priority", " priority %u",
			   r->priority);
	if (actun_route_has(r, ACTUN_ROUTE_A_WEIGHT))
		print_uint(jw, PRINT_ANY, "weight", " weight %u", r->weight);
}

/**
 * struct show_ctx - output of a show: the JSON array opens lazily, so a
 *	failed show prints nothing on stdout
 */
struct show_ctx {
	struct acctl *ac;
	bool opened;
};

static int show_one(const struct actun_route_cfg *r, void *arg)
{
	struct show_ctx *ctx = arg;
	struct json_writer *jw = &ctx->ac->jw;

	if (!ctx->opened) {
		open_json_array(jw, NULL);
		ctx->opened = true;
	}
	open_json_object(jw, NULL);
	route_print(ctx->ac, r);
	close_json_object(jw);
	print_nl(jw);
	return 0;
}

/*
 * Without dev or tunnel: every device holding tunnels (no tunnel, no
 * route). A device deleted since the tunnel dump has no routes to show.
 */
static int show_all(struct acctl *ac, struct show_ctx *show,
		    struct actun_error *err)
{
	uint32_t *devs;
	size_t n, i;
	int ret = 0;

	if (acctl_tunnel_devs(ac, &devs, &n))
		return 1;
	for (i = 0; !ret && i < n; i++) {
		ret = actun_route_dump(ac->sock, devs[i], NULL, show_one, show,
				       err);
		if (err->origin == ACTUN_ERR_KERNEL &&
		    (ret == -ENODEV || ret == -EOPNOTSUPP))
			ret = 0;
	}
	free(devs);
	return ret;
}

static int route_run(struct acctl *ac, struct route_req *req)
{
	struct show_ctx show = { .ac = ac };
	bool named = actun_route_has(&req->cfg, ACTUN_ROUTE_A_TUNNEL_NAME);
	struct actun_sock *sock;
	struct actun_error err;
	int ret;

	if (acctl_sock(ac, &sock))
		return 1;
	if (named && !req->ifindex &&
	    acctl_tunnel_dev(ac, req->cfg.tunnel_name, &req->ifindex))
		return 1;

	switch (req->def->cmd) {
	case R_ADD:
		ret = actun_route_new(sock, req->ifindex, &req->cfg, &err);
		break;
	case R_DEL:
		ret = actun_route_del(sock, req->ifindex, &req->cfg, &err);
		break;
	default:
		if (req->ifindex)
			ret = actun_route_dump(sock, req->ifindex,
					       named ? &req->cfg : NULL,
					       show_one, &show, &err);
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

int do_route(struct acctl *ac, int argc, char **argv)
{
	const size_t ncmds = sizeof(route_cmds) / sizeof(route_cmds[0]);
	struct route_req req = { .def = &route_cmds[2] };	/* show */
	size_t i;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		if (argc > 1) {
			fprintf(stderr, "Error: \"route help\" takes no arguments.\n");
			return 1;
		}
		route_usage(stdout);
		return 0;
	}
	if (argc > 0) {
		for (i = 0; i < ncmds && strcmp(route_cmds[i].word, argv[0]); i++)
			;
		if (i == ncmds) {
			fprintf(stderr,
				"Command \"%s\" is unknown, try \"acctl route help\".\n",
				argv[0]);
			return 1;
		}
		req.def = &route_cmds[i];
		argc--;
		argv++;
	}
	if (route_parse(&req, argc, argv))
		return 1;
	return route_run(ac, &req);
}
