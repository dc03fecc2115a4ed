// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the monitor object, one line per notification of the "config"
 * multicast group until killed.
 *
 *	[NEW] t1: id 1 dev ac0 mode gre ...
 *	[NEW] route 203.0.113.0/24 tunnel t1 dev ac0 priority 100 weight 1
 *	sa expire soft tunnel t2 dir out spi 0x00001001
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
"network namespace until it is killed:\n"
"  [NEW], [SET] or [DEL], then the tunnel as \"acctl tunnel show\" prints it,\n"
"  [NEW] or [DEL], then \"route\" and the route as \"acctl route show\" does,\n"
"  \"sa add\" or \"sa del\", then the SA as \"acctl sa show\" prints it after \"sa\",\n"
"  \"sa expire soft\" (rekey now) or \"sa expire hard\" (no longer used), then\n"
"  tunnel NAME dir DIR spi SPI,\n"
"  \"fleet set server-id ID\", then \"epoch EPOCH lease-left Nms\" or \"claim none\"\n"
"  (a change of the fleet identity or claim: fleet show's line).\n"
"With -j, one JSON object per line with an \"event\" member (\"new\", \"set\",\n"
"\"del\" or \"expire\") and an \"object\" member (\"tunnel\", \"route\", \"sa\" or\n"
"\"fleet\"). Deleting a tunnel deletes its routes without an event per\n"
"route. When the kernel drops notifications because they came faster than\n"
"they were read, a warning goes to standard error and monitoring goes on.\n");
}

static int monitor_event(const struct actun_event *ev, void *arg)
{
	/* text: what starts the line; json: the "event" member */
	static const struct {
		uint8_t cmd;
		const char *text;
		const char *json;
	} names[] = {
		{ ACTUN_CMD_TUNNEL_NEW, "[NEW] ",     "new" },
		{ ACTUN_CMD_TUNNEL_SET, "[SET] ",     "set" },
		{ ACTUN_CMD_TUNNEL_DEL, "[DEL] ",     "del" },
		{ ACTUN_CMD_ROUTE_NEW,  "[NEW] ",     "new" },
		{ ACTUN_CMD_ROUTE_DEL,  "[DEL] ",     "del" },
		{ ACTUN_CMD_SA_NEW,     "sa add",     "new" },
		{ ACTUN_CMD_SA_DEL,     "sa del",     "del" },
		{ ACTUN_CMD_SA_EXPIRE,  "sa expire",  "expire" },
		{ ACTUN_CMD_FLEET_SET,  "fleet set ", "set" },
	};
	struct acctl *ac = arg;
	struct json_writer *jw = &ac->jw;
	size_t i;

	if (ev->lost) {
		fprintf(stderr,
			"Warning: notifications were lost (receive buffer overrun); \"acctl tunnel show\", \"acctl route show\" and \"acctl sa show\" have the current state.\n");
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
	} else if (ev->sa) {
		print_string(jw, PRINT_JSON, "object", NULL, "sa");
		if (ev->cmd == ACTUN_CMD_SA_EXPIRE)
			sa_print_expire(ac, ev->sa);
		else
			sa_print(ac, ev->sa);
	} else if (ev->fleet) {
		print_string(jw, PRINT_JSON, "object", NULL, "fleet");
		fleet_print(ac, ev->fleet);
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
