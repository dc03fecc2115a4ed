// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libactun: entering a named network namespace, as "ip -n NAME" does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "actun.h"

#define NETNS_RUN_DIR	"/run/netns"

int actun_netns_enter(const char *name, struct actun_error *err)
{
	char path[sizeof(NETNS_RUN_DIR) + NAME_MAX + 1];
	int fd, ret;

	actun_error_clear(err);
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || strlen(name) > NAME_MAX)
		return actun_error_set(err, EINVAL,
				       "invalid network namespace name \"%s\"",
				       name);

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return actun_error_set(err, errno,
				       "cannot open network namespace \"%s\": %s",
				       name, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = errno;
		close(fd);
		return actun_error_set(err, ret,
				       "cannot enter network namespace \"%s\": %s",
				       name, strerror(ret));
	}
	close(fd);
	return 0;
}
