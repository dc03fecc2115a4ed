/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* acfleetd's log: one line per event on stderr (the journal under systemd). */
#ifndef ACTUN_FLEET_LOG_H
#define ACTUN_FLEET_LOG_H

enum fleet_log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Lines above this level are not written; LOG_INFO unless -v. */
extern enum fleet_log_level fleet_log_max;

void fleet_log(enum fleet_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
