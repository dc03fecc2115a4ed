/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * acctl: one print call per field for both outputs, as iproute2 does.
 *
 *	print_uint(jw, PRINT_ANY, "mtu", " mtu %u", mtu);
 *
 * writes "mtu":1476 under -j and " mtu 1476" otherwise. PRINT_JSON and
 * PRINT_FP print on one side only (typed JSON value, friendlier text).
 * Text output ignores objects and arrays; JSON output ignores fmt.
 * Closing the outermost object or array ends the line.
 */
#ifndef ACCTL_JSON_PRINT_H
#define ACCTL_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	8

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

/**
 * struct json_writer - output state
 * @fp: where everything goes
 * @json: JSON output (else text)
 * @pretty: indent JSON
 * @depth: open objects and arrays
 * @first: per depth, nothing was written in the container yet
 */
struct json_writer {
	FILE *fp;
	bool json;
	bool pretty;
	unsigned int depth;
	bool first[JSON_MAX_DEPTH + 1];
};

void json_writer_init(struct json_writer *jw, FILE *fp, bool json,
		      bool pretty);
bool is_json_context(const struct json_writer *jw);

/* key is NULL inside arrays and at the top level */
void open_json_object(struct json_writer *jw, const char *key);
void close_json_object(struct json_writer *jw);
void open_json_array(struct json_writer *jw, const char *key);
void close_json_array(struct json_writer *jw);

void print_string(struct json_writer *jw, enum output_type type,
		  const char *key, const char *fmt, const char *value);
void print_uint(struct json_writer *jw, enum output_type type,
		const char *key, const char *fmt, unsigned int value);
/* fmt takes %llu */
void print_u64(struct json_writer *jw, enum output_type type,
	       const char *key, const char *fmt, uint64_t value);
void print_bool(struct json_writer *jw, enum output_type type,
		const char *key, const char *fmt, bool value);
/* A newline in text output only. */
void print_nl(struct json_writer *jw);

#endif /* ACCTL_JSON_PRINT_H */
