/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * config_int.h - between the parts of the configuration parser (config.c:
 * syntax and sections; config_value.c: one value of each kind;
 * config_proposal.c: proposals; config_conn.c: connections and lookups).
 * Not for the rest of the daemon, which reads config.h only.
 */
#ifndef ACIKD_CONFIG_INT_H
#define ACIKD_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define CONFIG_MAX_CONNS	4096
#define CONFIG_MAX_VALUE	255	/* characters in one value */

/* ENCR_NULL (RFC 4303 NULL encryption) is ESP-only: transform.h lists
 * what crypto/ implements, and the kernel does NULL by itself. */
#ifndef ENCR_NULL
#define ENCR_NULL 11
#endif

/* Key exchange Transform ID 0 is NONE: next to groups in an ESP proposal
 * it makes PFS optional, as strongSwan's "none" keyword does. */
#define DH_NONE 0

/**
 * struct config_item - one value as written
 * @s: its characters, NUL-terminated, quotes removed
 * @len: strlen(@s)
 * @quoted: it was written in double quotes
 */
struct config_item {
	const char *s;
	size_t len;
	bool quoted;
};

/*
 * A value parser: @it into @field (of @size bytes). Returns 0, a positive
 * CV_* note, or a negative errno with the reason in @why (without the
 * key's name, the file or the line: the caller adds them). Messages from
 * cv_psk() never contain the value.
 */
typedef int config_value_fn(const struct config_item *it, void *field,
			    size_t size, char *why, size_t whylen);

#define CV_NULL	1	/* an ESP proposal with NULL encryption */

config_value_fn cv_str, cv_path, cv_uint, cv_duration, cv_bool, cv_addr,
	cv_auth, cv_id, cv_psk, cv_ts, cv_ike_proposal, cv_esp_proposal;

int cv_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void config_proposal_defaults(bool esp, struct ike_proposal *p,
			      unsigned int *n);

/* Settings whose presence conn_complete() checks. */
enum {
	CF_LOCAL_ADDR = 1 << 0, CF_REMOTE_ADDR = 1 << 1, CF_LOCAL_ID = 1 << 2,
	CF_REMOTE_ID = 1 << 3, CF_PSK = 1 << 4, CF_IKE = 1 << 5,
	CF_ESP = 1 << 6, CF_LOCAL_TS = 1 << 7, CF_REMOTE_TS = 1 << 8,
	CF_DEV = 1 << 9, CF_TUNNEL = 1 << 10,
};

bool ike_id_equal(const struct ike_id *a, const struct ike_id *b);
struct conn *conn_new(const char *name);
int conn_complete(struct conn *c, unsigned int set, char *why,
		  size_t whylen);
int conn_conflict(const struct conn *a, const struct conn *b, char *why,
		  size_t whylen);

#endif /* ACIKD_CONFIG_INT_H */
