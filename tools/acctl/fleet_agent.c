// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: what the fleet agent (acfleetd) says in its status file, and
 * waiting until it is ready (acfleetd(8), Documentation/fleet.md).
 *
 *	acctl fleet wait [status FILE] [timeout SECONDS]
 *	acctl fleet agent [status FILE]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acctl.h"
#include "utils.h"

#define STATUS_FILE	"/run/actun/fleet.status"

/* The status file's "ready" line is 1; -errno when it cannot be read. */
static int agent_ready(const char *path)
{
	char line[256];
	int ready = 0;
	FILE *fp;

	fp = fopen(path, "r");
	if (!fp)
		return -errno;
	while (fgets(line, sizeof(line), fp))
		if (!strcmp(line, "ready 1\n"))
			ready = 1;
	fclose(fp);
	return ready;
}

static int agent_args(int argc, char **argv, const char **path,
		      uint32_t *timeout, bool timeout_ok)
{
	while (argc > 0) {
		if (argc < 2) {
			incomplete_command("fleet");
			return -1;
		}
		if (!strcmp(argv[0], "status")) {
			*path = argv[1];
		} else if (timeout_ok && !strcmp(argv[0], "timeout")) {
			if (get_u32(timeout, argv[1]) || *timeout > 86400) {
				invarg("timeout is 0 to 86400 seconds", argv[1]);
				return -1;
			}
		} else {
			fprintf(stderr,
				"Error: unknown argument \"%s\", try \"acctl fleet help\".\n",
				argv[0]);
			return -1;
		}
		argc -= 2;
		argv += 2;
	}
	return 0;
}

int fleet_wait(struct acctl *ac, int argc, char **argv)
{
	const char *path = STATUS_FILE;
	uint32_t timeout = 60;
	struct timespec start, now;
	int ready;

	(void)ac;
	if (agent_args(argc, argv, &path, &timeout, true))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ready = agent_ready(path);
		if (ready == 1)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)timeout)
			break;
		usleep(100 * 1000);
	}
	if (ready < 0)
		fprintf(stderr, "Error: no fleet agent status in %s (%s) after %u s.\n",
			path, strerror(-ready), timeout);
	else
		fprintf(stderr, "Error: the fleet agent is not ready after %u s (%s).\n",
			timeout, path);
	return 1;
}

int fleet_agent(struct acctl *ac, int argc, char **argv)
{
	const char *path = STATUS_FILE;
	char key[64], value[192], line[256];
	uint32_t unused;
	FILE *fp;

	if (agent_args(argc, argv, &path, &unused, false))
		return 1;
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "Error: %s: %s (is acfleetd running?)\n", path,
			strerror(errno));
		return 1;
	}
	/* text: the file's lines as they are; JSON: one object, numbers
	 * as numbers */
	open_json_object(&ac->jw, NULL);
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long n;
		char *end;

		if (sscanf(line, "%63s %191s", key, value) != 2)
			continue;
		n = strtoull(value, &end, 10);
		if (ac->json && !*end && value[0] != '-')
			print_u64(&ac->jw, PRINT_JSON, key, NULL, n);
		else if (ac->json)
			print_string(&ac->jw, PRINT_JSON, key, NULL, value);
		else
			printf("%s %s\n", key, value);
	}
	fclose(fp);
	close_json_object(&ac->jw);
	return 0;
}
