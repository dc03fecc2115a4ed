// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the fleet object, this server's identity in its fleet (one per
 * network namespace, no device).
 *
 *	acctl fleet { set | show | help } ...
 */
#include <stdio.h>
#include <string.h>

#include "acctl.h"

static void fleet_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl fleet set server-id ID\n"
"       acctl fleet show\n"
"       acctl fleet help\n"
"\n"
"ID      this server's id in its fleet, 0 to 65535, unique across the fleet;\n"
"        default 0. Every server of a fleet can hold the same outbound SA; the\n"
"        id makes up the first 16 bits of the explicit IVs it sends, so that\n"
"        two servers never reuse a nonce. An SA keeps the id it was installed\n"
"        with (sa show: server-id).\n"
"\n"
"The identity belongs to the network namespace, not to a device. show prints\n"
"\"server-id ID\" and is the default command.\n");
}

/* "server-id ID" or {"server_id":ID}; JSON callers open the object. */
void fleet_print(struct acctl *ac, const struct actun_fleet *fleet)
{
	if (fleet->present & ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID))
		print_uint(&ac->jw, PRINT_ANY, "server_id", "server-id %u",
			   fleet->server_id);
}

static int fleet_set(struct acctl *ac, int argc, char **argv)
{
	struct actun_fleet fleet = { 0 };
	struct actun_error err;
	struct actun_sock *sock;

	if (argc == 0) {
		missarg("server-id");
		return 1;
	}
	if (strcmp(argv[0], "server-id")) {
		fprintf(stderr,
			"Error: unknown argument \"%s\" for \"fleet set\", try \"acctl fleet help\".\n",
			argv[0]);
		return 1;
	}
	if (argc < 2) {
		incomplete_command("fleet");
		return 1;
	}
	if (argc > 2) {
		if (!strcmp(argv[2], "server-id"))
			duparg("server-id", argc > 3 ? argv[3] : "");
		else
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"fleet set\", try \"acctl fleet help\".\n",
				argv[2]);
		return 1;
	}
	if (get_u16(&fleet.server_id, argv[1])) {
		invarg("server-id must be a number from 0 to 65535", argv[1]);
		return 1;
	}
	fleet.present |= ACTUN_FLEET_F(ACTUN_FLEET_A_SERVER_ID);
	if (acctl_sock(ac, &sock))
		return 1;
	if (actun_fleet_set(sock, &fleet, &err)) {
		acctl_print_error(&err);
		return 1;
	}
	return 0;
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
	{ "set",  fleet_set,  "set this server's id" },
	{ "show", fleet_show, "print it" },
	{ "list", fleet_show, "the same as show" },
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
