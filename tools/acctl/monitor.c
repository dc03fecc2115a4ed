// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the monitor object, one line per notification of the "config"
 * multicast group until killed.
 *
 *	[NEW] t1: id 1 dev ac0 mode gre ...
 *	[NEW] route 203.0.113.0/24 tunnel t1 dev ac0 priority 100 weight 1
 *	{"event":"new","object":"tunnel","name":"t1","id":1,...}
 */
#include <stdio.h>
#include <string.h>

#include "acctl.h"

static void monitor_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl monitor\n"
"       acctl monitor help\n"
"\n"
"Prints one line per configuration change of the actun devices of the\n"
"network namespace until it is killed: [NEW], [SET] or [DEL], then the tunnel\n"
"as \"acctl tunnel show\" prints it, or \"route\" and the route as \"acctl route\n"
"show\" prints it (with -j, one JSON object per line with an \"event\" member:\n"
"\"new\", \"set\" or \"del\", and an \"object\" member: \"tunnel\" or \"route\").\n"
"Deleting a tunnel deletes its routes without an event per route. When the\n"
"kernel drops notifications because they came faster than they were read, a\n"
"warning goes to standard error and monitoring goes on.\n");
}

static int monitor_event(const struct actun_event *ev, void *arg)
{
	static const struct {
		uint8_t cmd;
		const char *text;
		const char *json;
	} names[] = {
		{ ACTUN_CMD_TUNNEL_NEW, "[NEW] ", "new" },
		{ ACTUN_CMD_TUNNEL_SET, "[SET] ", "set" },
		{ ACTUN_CMD_TUNNEL_DEL, "[DEL] ", "del" },
		{ ACTUN_CMD_ROUTE_NEW,  "[NEW] ", "new" },
		{ ACTUN_CMD_ROUTE_DEL,  "[DEL] ", "del" },
	};
	struct acctl *ac = arg;
	struct json_writer *jw = &ac->jw;
	size_t i;

	if (ev->lost) {
		fprintf(stderr,
			"Warning: notifications were lost (receive buffer overrun); \"acctl tunnel show\" and \"acctl route show\" have the current state.\n");
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].cmd == ev->cmd)
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return 0;

	/* devices come and go while we watch: no cached names */
	ac->ifname[0] = '\0';
	open_json_object(jw, NULL);
	print_string(jw, PRINT_JSON, "event", NULL, names[i].json);
	print_string(jw, PRINT_FP, NULL, "%s", names[i].text);
	if (ev->route) {
		print_string(jw, PRINT_ANY, "object", "%s ", "route");
		route_print(ac, ev->route);
	} else {
		print_string(jw, PRINT_JSON, "object", NULL, "tunnel");
		tunnel_print(ac, ev->tunnel);
	}
	close_json_object(jw);
	print_nl(jw);
	fflush(stdout);
	return 0;
}

int do_monitor(struct acctl *ac, int argc, char **argv)
{
	struct actun_error err;
	struct actun_sock *sock;

	if (argc > 0) {
		if (!strcmp(argv[0], "help") && argc == 1) {
			monitor_usage(stdout);
			return 0;
		}
		fprintf(stderr,
			"Error: unknown argument \"%s\" for \"monitor\", try \"acctl monitor help\".\n",
			argv[0]);
		return 1;
	}
	if (acctl_sock(ac, &sock))
		return 1;
	if (actun_monitor_subscribe(sock, &err) ||
	    actun_monitor_run(sock, monitor_event, ac, &err) < 0) {
		acctl_print_error(&err);
		return 1;
	}
	return 0;
}
