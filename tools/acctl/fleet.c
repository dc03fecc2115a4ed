// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the fleet object, this server's identity in its fleet and its
 * claim of a (server id, epoch) pair (one per network namespace, no
 * device).
 *
 *	acctl fleet { set | release | show | help } ...
 */
#include <stdio.h>
#include <string.h>

#include "acctl.h"

static void fleet_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl fleet set server-id ID [ epoch EPOCH lease MS [ renew ] ]\n"
"       acctl fleet release\n"
"       acctl fleet { show | list }\n"
"       acctl fleet wait [ status FILE ] [ timeout SECONDS ]\n"
"       acctl fleet agent [ status FILE ]\n"
"       acctl fleet help\n"
"\n"
"ID      this server's id in its fleet, 0 to 65535, unique across the fleet;\n"
"        default 0. Every server of a fleet can hold the same outbound SA; the\n"
"        id makes up the first 16 bits of the explicit IVs it sends, so that\n"
"        two servers never reuse a nonce. An SA that is not a fleet SA keeps\n"
"        the id it was installed with (sa show: server-id). Alone, set sets the\n"
"        id and drops any claim.\n"
"EPOCH   with lease: claim the pair (ID, EPOCH), 0 to 65535, replacing any\n"
"        claim. Fleet SAs (sa add ... fleet) send only while the claim's lease\n"
"        runs, their GCM IVs starting with ID and EPOCH; without a valid claim\n"
"        they drop what they would send (tx_drop_no_claim, drop_no_claim).\n"
"        The fleet's agent hands out each pair once: it must never be claimed\n"
"        again, by any server, once it was given up.\n"
"MS      the claim's lease in milliseconds, 1 to 3600000, from now.\n"
"renew   only extend the lease of the current claim, which must be of the\n"
"        same ID and EPOCH (its lease may have run out); refused when the\n"
"        namespace holds no such claim (none since the module was loaded,\n"
"        released, or another pair).\n"
"\n"
"release drops the claim: fleet SAs stop sending before it returns.\n"
"Releasing when there is no claim is not an error.\n"
"\n"
"The identity and the claim belong to the network namespace, not to a\n"
"device. show prints \"server-id ID epoch EPOCH lease-left Nms\" (0ms once\n"
"the lease ran out) or \"server-id ID claim none\", and is the default\n"
"command. Numbers are decimal, or hexadecimal with 0x.\n"
"\n"
"wait and agent read the status file of the fleet agent acfleetd(8), FILE\n"
"(default /run/actun/fleet.status). wait returns 0 once it says \"ready 1\":\n"
"the edge's actun holds every SA and route of the fleet store and holds a\n"
"valid claim, so the anycast address may be announced; 1 after SECONDS\n"
"(default 60, 0 to look once) without. agent prints the file (\"KEY VALUE\"\n"
"lines; with -j one object): claim, store connection, records, refusals.\n");
}

/*
 * "server-id ID epoch E lease-left Nms" or "server-id ID claim none";
 * {"server_id":ID,"epoch":E,"lease_left_ms":N,"claimed":true} or
 * {"server_id":ID,"claimed":false}. JSON callers open the object.
 */
void fleet_print(struct acctl *ac, const struct actun_fleet *fleet)
{
	struct json_writer *jw = &ac->jw;
	bool claimed = actun_fleet_claimed(fleet);

	if (fleet->present & ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID))
		print_uint(jw, PRINT_ANY, "server_id", "server-id %u",
			   fleet->server_id);
	if (claimed) {
		print_uint(jw, PRINT_ANY, "epoch", " epoch %u", fleet->epoch);
		print_uint(jw, PRINT_ANY, "lease_left_ms", " lease-left %ums",
			   fleet->lease_left_ms);
	} else {
		print_string(jw, PRINT_FP, NULL, " claim %s", "none");
	}
	print_bool(jw, PRINT_JSON, "claimed", NULL, claimed);
}

enum { KW_SERVER_ID, KW_EPOCH, KW_LEASE, KW_RENEW };

static const char *const fleet_kws[] = {
	[KW_SERVER_ID]	= "server-id",
	[KW_EPOCH]	= "epoch",
	[KW_LEASE]	= "lease",
	[KW_RENEW]	= "renew",
};

#define NKWS	(sizeof(fleet_kws) / sizeof(fleet_kws[0]))

static int find_kw(const char *word)
{
	size_t i;

	for (i = 0; i < NKWS; i++)
		if (!strcmp(fleet_kws[i], word))
			return (int)i;
	return -1;
}

static int parse_kw(struct actun_fleet *fleet, int kw, const char *arg)
{
	switch (kw) {
	case KW_SERVER_ID:
		if (get_u16(&fleet->server_id, arg))
			return invarg("server-id must be a number from 0 to 65535",
				      arg);
		fleet->present |= ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID);
		return 0;
	case KW_EPOCH:
		if (get_u16(&fleet->epoch, arg))
			return invarg("epoch must be a number from 0 to 65535", arg);
		fleet->present |= ACTUN_FLEET_F(ACTUN_FLEET_A_EPOCH);
		return 0;
	default:	/* the kernel checks the range, 1 to 3600000 */
		if (get_u32(&fleet->lease_ms, arg))
			return invarg("lease must be a number of milliseconds",
				      arg);
		fleet->present |= ACTUN_FLEET_F(ACTUN_FLEET_A_LEASE_MS);
		return 0;
	}
}

/* server-id ID [epoch EPOCH lease MS [renew]], in any order. */
static int fleet_parse(struct actun_fleet *fleet, int argc, char **argv)
{
	unsigned int given = 0;
	int kw;

	while (argc > 0) {
		kw = find_kw(argv[0]);
		if (kw < 0) {
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"fleet set\", try \"acctl fleet help\".\n",
				argv[0]);
			return -1;
		}
		if (kw == KW_RENEW) {
			if (fleet->renew) {
				fprintf(stderr, "Error: duplicate \"renew\".\n");
				return -1;
			}
			fleet->renew = true;
			argc--;
			argv++;
			continue;
		}
		if (argc < 2)
			return incomplete_command("fleet");
		if (given & (1u << kw))
			return duparg(fleet_kws[kw], argv[1]);
		given |= 1u << kw;
		if (parse_kw(fleet, kw, argv[1]))
			return -1;
		argc -= 2;
		argv += 2;
	}
	if (!(given & (1u << KW_SERVER_ID)))
		return missarg("server-id");
	if (fleet->renew && !(given & (1u << KW_EPOCH | 1u << KW_LEASE))) {
		fprintf(stderr,
			"Error: \"renew\" needs \"epoch\" and \"lease\", try \"acctl fleet help\".\n");
		return -1;
	}
	if ((given & (1u << KW_EPOCH)) && !(given & (1u << KW_LEASE)))
		return missarg("lease");
	if ((given & (1u << KW_LEASE)) && !(given & (1u << KW_EPOCH)))
		return missarg("epoch");
	return 0;
}

static int fleet_request(struct acctl *ac, const struct actun_fleet *fleet)
{
	struct actun_error err;
	struct actun_sock *sock;

	if (acctl_sock(ac, &sock))
		return 1;
	if (actun_fleet_set(sock, fleet, &err)) {
		acctl_print_error(&err);
		return 1;
	}
	return 0;
}

static int fleet_set(struct acctl *ac, int argc, char **argv)
{
	struct actun_fleet fleet = { 0 };

	if (fleet_parse(&fleet, argc, argv))
		return 1;
	return fleet_request(ac, &fleet);
}

static int fleet_release(struct acctl *ac, int argc, char **argv)
{
	struct actun_fleet fleet = { .release = true };

	if (argc > 0) {
		fprintf(stderr,
			"Error: unknown argument \"%s\" for \"fleet release\", try \"acctl fleet help\".\n",
			argv[0]);
		return 1;
	}
	return fleet_request(ac, &fleet);
}

static int fleet_show(struct acctl *ac, int argc, char **argv)
{
	struct actun_fleet fleet;
	struct actun_error err;
	struct actun_sock *sock;

	if (argc > 0) {
		fprintf(stderr,
			"Error: unknown argument \"%s\" for \"fleet show\", try \"acctl fleet help\".\n",
			argv[0]);
		return 1;
	}
	if (acctl_sock(ac, &sock))
		return 1;
	if (actun_fleet_get(sock, &fleet, &err)) {
		acctl_print_error(&err);
		return 1;
	}
	open_json_object(&ac->jw, NULL);
	fleet_print(ac, &fleet);
	close_json_object(&ac->jw);
	print_nl(&ac->jw);
	return 0;
}

static const struct acctl_cmd fleet_cmds[] = {
	{ "set",     fleet_set,     "set this server's id, claim or renew" },
	{ "release", fleet_release, "drop the claim" },
	{ "show",    fleet_show,    "print them" },
	{ "list",    fleet_show,    "the same as show" },
	{ "wait",    fleet_wait,    "wait until the fleet agent is ready" },
	{ "agent",   fleet_agent,   "print the fleet agent's status" },
};

int do_fleet(struct acctl *ac, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return fleet_show(ac, 0, argv);
	if (!strcmp(argv[0], "help")) {
		if (argc > 1) {
			fprintf(stderr, "Error: \"fleet help\" takes no arguments.\n");
			return 1;
		}
		fleet_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(fleet_cmds) / sizeof(fleet_cmds[0]); i++)
		if (!strcmp(fleet_cmds[i].name, argv[0]))
			return fleet_cmds[i].func(ac, argc - 1, argv + 1);
	fprintf(stderr, "Command \"%s\" is unknown, try \"acctl fleet help\".\n",
		argv[0]);
	return 1;
}
