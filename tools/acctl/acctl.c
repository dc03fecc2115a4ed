// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: options, the object table and batch mode.
 *
 *	acctl [OPTIONS] OBJECT [COMMAND [ARGS]]
 *	acctl [OPTIONS] -b FILE
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctl.h"

#define BATCH_MAX_ARGS	128

static int do_help(struct acctl *ac, int argc, char **argv);

static const struct acctl_cmd objects[] = {
	{ "tunnel",  do_tunnel,  "add, change, delete and show tunnels" },
	{ "route",   do_route,   "add, delete and show prefix routes to tunnels" },
	{ "sa",      do_sa,      "add, delete and show ESP security associations" },
	{ "fleet",   do_fleet,   "set and show this server's id in its fleet, and its claim" },
	{ "socket",  do_socket,  "hand a device its ESP-in-UDP socket, or take it back" },
	{ "monitor", do_monitor, "print configuration changes as they happen" },
	{ "ike",     do_ike,     "show acikd's IKE SAs, reload its configuration" },
	{ "help",    do_help,    "print this help" },
};

#define NOBJECTS	(sizeof(objects) / sizeof(objects[0]))

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
		"Usage: acctl [ OPTIONS ] OBJECT [ COMMAND [ ARGS ] ]\n"
		"       acctl [ OPTIONS ] -b FILE\n"
		"\n"
		"Objects:\n");
	for (i = 0; i < NOBJECTS; i++)
		fprintf(fp, "  %-10s%s\n", objects[i].name, objects[i].help);
	fprintf(fp,
		"\n"
		"Options:\n"
		"  -n, --netns NETNS   run in network namespace NETNS (/run/netns/NETNS)\n"
		"  -j, --json          JSON output\n"
		"  -p, --pretty        indent JSON output (with -j)\n"
		"  -s, --stats         include counters\n"
		"  -b, --batch FILE    run the commands in FILE (\"-\": standard input), one\n"
		"                      per line without the leading \"acctl\"; stop at the\n"
		"                      first that fails\n"
		"  -h, --help          print this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"\"acctl OBJECT help\" lists the commands of OBJECT; see acctl(8).\n");
}

static const struct acctl_cmd *find_object(const char *name)
{
	size_t i;

	for (i = 0; i < NOBJECTS; i++)
		if (!strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

/* Run one command line (argv[0] is the object) with fresh per-line state. */
static int run_command(struct acctl *ac, int argc, char **argv)
{
	const struct acctl_cmd *obj = find_object(argv[0]);

	if (!obj) {
		fprintf(stderr, "Object \"%s\" is unknown, try \"acctl help\".\n",
			argv[0]);
		return 1;
	}
	ac->ifindex = 0;
	ac->ifname[0] = '\0';
	acctl_tunnels_age(ac);
	json_writer_init(&ac->jw, stdout, ac->json, ac->pretty);
	return obj->func(ac, argc - 1, argv + 1);
}

/* acctl help [OBJECT] */
static int do_help(struct acctl *ac, int argc, char **argv)
{
	char help[] = "help";
	char *args[] = { argv[0], help, NULL };

	if (argc == 0) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 || !strcmp(argv[0], "help")) {
		fprintf(stderr, "Error: \"acctl help\" takes at most one OBJECT.\n");
		return 1;
	}
	return run_command(ac, 2, args);
}

int acctl_sock(struct acctl *ac, struct actun_sock **sockp)
{
	struct actun_error err;
	int ret;

	if (!ac->sock) {
		ret = actun_sock_open(&ac->sock, &err);
		if (ret == -ENOENT) {
			fprintf(stderr,
				"Error: the actun module is not loaded (generic netlink family \"%s\" not found).\n",
				ACTUN_GENL_NAME);
			return -1;
		}
		if (ret) {
			acctl_print_error(&err);
			return -1;
		}
	}
	*sockp = ac->sock;
	return 0;
}

void acctl_print_error(const struct actun_error *err)
{
	const char *msg = err->msg[0] ? err->msg : strerror(err->err);
	size_t len = strlen(msg);

	fprintf(stderr, "Error: %s%s\n", msg,
		len && msg[len - 1] == '.' ? "" : ".");
}

const char *acctl_ifname(struct acctl *ac, uint32_t ifindex)
{
	if (ac->ifindex != ifindex || !ac->ifname[0]) {
		if (!if_indextoname(ifindex, ac->ifname))
			snprintf(ac->ifname, sizeof(ac->ifname), "if%u",
				 ifindex);
		ac->ifindex = ifindex;
	}
	return ac->ifname;
}

/*
 * Split a batch line into words in place: blanks separate words, '...'
 * and "..." quote, a word starting with '#' ends the line. Returns the
 * number of words, -E2BIG for too many, -EINVAL for an open quote.
 */
static int split_line(char *line, char **argv, int max)
{
	char *p = line, *out;
	int argc = 0;
	char quote;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = out = p;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p != '"' && *p != '\'') {
				*out++ = *p++;
				continue;
			}
			quote = *p++;
			while (*p && *p != quote)
				*out++ = *p++;
			if (!*p)
				return -EINVAL;
			p++;
		}
		if (*p)
			p++;
		*out = '\0';
	}
}

static int do_batch(struct acctl *ac)
{
	char *argv[BATCH_MAX_ARGS];
	bool is_stdin = !strcmp(ac->batch_file, "-");
	size_t cap = 0;
	char *line = NULL;
	int argc, ret = 0;
	FILE *fp;

	fp = is_stdin ? stdin : fopen(ac->batch_file, "r");
	if (!fp) {
		fprintf(stderr, "Error: cannot open batch file \"%s\": %s.\n",
			ac->batch_file, strerror(errno));
		return 1;
	}
	while (getline(&line, &cap, fp) >= 0) {
		ac->batch_line++;
		argc = split_line(line, argv, BATCH_MAX_ARGS);
		if (argc == 0)
			continue;
		if (argc == -E2BIG) {
			fprintf(stderr, "Error: more than %d words on a line.\n",
				BATCH_MAX_ARGS);
			ret = 1;
		} else if (argc < 0) {
			fprintf(stderr, "Error: quote not closed.\n");
			ret = 1;
		} else {
			ret = run_command(ac, argc, argv);
		}
		fflush(stdout);
		if (ret) {
			fprintf(stderr, "Command failed %s:%lu\n",
				ac->batch_file, ac->batch_line);
			break;
		}
	}
	if (!ret && ferror(fp)) {
		fprintf(stderr, "Error: cannot read batch file \"%s\".\n",
			ac->batch_file);
		ret = 1;
	}
	free(line);
	if (!is_stdin)
		fclose(fp);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "netns",   required_argument, NULL, 'n' },
		{ "json",    no_argument,       NULL, 'j' },
		{ "pretty",  no_argument,       NULL, 'p' },
		{ "stats",   no_argument,       NULL, 's' },
		{ "batch",   required_argument, NULL, 'b' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct acctl ac = { 0 };
	struct actun_error err;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:n:jpsb:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			ac.netns = optarg;
			break;
		case 'j':
			ac.json = true;
			break;
		case 'p':
			ac.pretty = true;
			break;
		case 's':
			ac.stats = true;
			break;
		case 'b':
			ac.batch_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("acctl %s (generic netlink family \"%s\" version %d)\n",
			       ACCTL_VERSION, ACTUN_GENL_NAME,
			       ACTUN_GENL_VERSION);
			return 0;
		case ':':
			fprintf(stderr,
				"Option \"%s\" requires an argument, try \"acctl help\".\n",
				argv[optind - 1]);
			return 1;
		default:
			if (optopt)
				fprintf(stderr,
					"Option \"-%c\" is unknown, try \"acctl help\".\n",
					optopt);
			else
				fprintf(stderr,
					"Option \"%s\" is unknown, try \"acctl help\".\n",
					argv[optind - 1]);
			return 1;
		}
	}

	if (ac.netns && actun_netns_enter(ac.netns, &err)) {
		acctl_print_error(&err);
		return 1;
	}

	if (ac.batch_file) {
		if (optind < argc) {
			fprintf(stderr,
				"Error: with -b the commands come from the file; \"%s\" is extra.\n",
				argv[optind]);
			return 1;
		}
		ret = do_batch(&ac);
	} else if (optind == argc) {
		usage(stderr);
		ret = 1;
	} else {
		ret = run_command(&ac, argc - optind, argv + optind);
	}

	acctl_tunnels_forget(&ac);
	actun_sock_close(ac.sock);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write to standard output.\n");
		ret = 1;
	}
	return ret;
}
