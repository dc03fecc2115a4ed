// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

enum fleet_log_level fleet_log_max = LOG_INFO;

void fleet_log(enum fleet_log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_ERR] = "error: ", [LOG_WARN] = "warning: ",
		[LOG_INFO] = "", [LOG_DEBUG] = "debug: ",
	};
	va_list ap;

	if (level > fleet_log_max)
		return;
	fprintf(stderr, "acfleetd: %s", prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
