// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fleet.conf: "key = value" lines, '#' comments, blank lines ignored.
 * Every key has one row in conf_keys[] with its parser; unknown keys and
 * repeated keys are errors, so that a typo never silently falls back to a
 * default.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet_conf.h"

struct conf_key;

typedef int (*conf_parse_fn)(struct fleet_conf *conf,
			     const struct conf_key *key, char *value,
			     const char **why);

/**
 * struct conf_key - one key of fleet.conf
 * @name: as written in the file
 * @parse: its parser
 * @required: the file must give it
 * @min: for parse_unsigned: the smallest value
 * @max: for parse_unsigned: the largest value
 * @field: for parse_unsigned: the unsigned int field of struct fleet_conf
 * @why: for parse_unsigned: the message for a value out of range
 */
struct conf_key {
	const char *name;
	conf_parse_fn parse;
	bool required;
	unsigned long min, max;
	size_t field;
	const char *why;
};

static int parse_uint(const char *s, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out < min || *out > max)
		return -1;
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int parse_servers(struct fleet_conf *conf,
			 const struct conf_key *key __attribute__((unused)),
			 char *value, const char **why)
{
	char *save = NULL, *url;

	for (url = strtok_r(value, ",", &save); url;
	     url = strtok_r(NULL, ",", &save)) {
		url = trim(url);
		if (!*url)
			continue;
		if (conf->n_servers == FLEET_MAX_SERVERS) {
			*why = "more than 16 servers";
			return -1;
		}
		if (strncmp(url, "nats://", 7) || strlen(url) >= FLEET_URL_LEN) {
			*why = "a server is nats://HOST:PORT";
			return -1;
		}
		strcpy(conf->servers[conf->n_servers++], url);
	}
	if (!conf->n_servers) {
		*why = "no server given";
		return -1;
	}
	return 0;
}

static int parse_name(struct fleet_conf *conf,
			 const struct conf_key *key __attribute__((unused)),
			 char *value, const char **why)
{
	const char *c;

	if (!*value || strlen(value) >= FLEET_NAME_LEN) {
		*why = "a name is 1 to 63 characters";
		return -1;
	}
	for (c = value; *c; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
			*why = "a name has letters, digits, '-' and '_' only";
			return -1;
		}
	}
	strcpy(conf->name, value);
	return 0;
}

static int parse_ids(struct fleet_conf *conf,
			 const struct conf_key *key __attribute__((unused)),
			 char *value, const char **why)
{
	unsigned long lo, hi;
	char *dash = strchr(value, '-');

	if (dash)
		*dash = '\0';
	if (!dash || parse_uint(trim(value), 1, 65535, &lo) ||
	    parse_uint(trim(dash + 1), 1, 65535, &hi) || lo > hi) {
		*why = "server-ids is MIN-MAX, 1 <= MIN <= MAX <= 65535";
		return -1;
	}
	conf->id_min = lo;
	conf->id_max = hi;
	return 0;
}

static int parse_unsigned(struct fleet_conf *conf, const struct conf_key *key,
			  char *value, const char **why)
{
	unsigned long v;

	if (parse_uint(value, key->min, key->max, &v)) {
		*why = key->why;
		return -1;
	}
	*(unsigned int *)((char *)conf + key->field) = v;
	return 0;
}

static int parse_key_file(struct fleet_conf *conf,
			 const struct conf_key *key __attribute__((unused)),
			 char *value,
			  const char **why)
{
	if (value[0] != '/' || strlen(value) >= FLEET_PATH_LEN) {
		*why = "key-file is an absolute path";
		return -1;
	}
	strcpy(conf->key_file, value);
	return 0;
}

#define UNSIGNED(f, lo, hi, text) \
	.parse = parse_unsigned, .min = (lo), .max = (hi), \
	.field = offsetof(struct fleet_conf, f), .why = (text)

static const struct conf_key conf_keys[] = {
	{ .name = "servers", .parse = parse_servers, .required = true },
	{ .name = "name", .parse = parse_name },
	{ .name = "server-ids", .parse = parse_ids },
	{ .name = "lease", UNSIGNED(lease_s, 2, 3600,
				    "lease is 2 to 3600 seconds") },
	{ .name = "replicas", UNSIGNED(replicas, 1, 5, "replicas is 1 to 5") },
	{ .name = "timeout", UNSIGNED(timeout_ms, 100, 60000,
				      "timeout is 100 to 60000 ms") },
	{ .name = "key-file", .parse = parse_key_file },
};

#define N_KEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

static void conf_defaults(struct fleet_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	if (gethostname(conf->name, sizeof(conf->name) - 1) || !conf->name[0])
		strcpy(conf->name, "edge");
	conf->id_min = 1;
	conf->id_max = 4095;
	conf->lease_s = 10;
	conf->replicas = 3;
	conf->timeout_ms = 2000;
}

static int conf_line(struct fleet_conf *conf, char *line, bool seen[N_KEYS],
		     const char **why)
{
	char *eq, *key, *value;
	size_t i;

	eq = strchr(line, '=');
	if (!eq) {
		*why = "expected \"key = value\"";
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (i = 0; i < N_KEYS; i++) {
		if (strcmp(key, conf_keys[i].name))
			continue;
		if (seen[i]) {
			*why = "key given twice";
			return -1;
		}
		seen[i] = true;
		return conf_keys[i].parse(conf, &conf_keys[i], value, why);
	}
	*why = "unknown key";
	return -1;
}

int fleet_conf_load(const char *path, struct fleet_conf *conf,
		    char err[FLEET_ERR_LEN])
{
	bool seen[N_KEYS] = { false };
	const char *why = NULL;
	char line[1024], *s;
	int lineno = 0;
	size_t i;
	FILE *fp;

	conf_defaults(conf);
	fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, FLEET_ERR_LEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		s = strchr(line, '#');
		if (s)
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (conf_line(conf, s, seen, &why))
			break;
	}
	fclose(fp);
	if (why) {
		snprintf(err, FLEET_ERR_LEN, "%s:%d: %s", path, lineno, why);
		return -1;
	}
	for (i = 0; i < N_KEYS; i++) {
		if (conf_keys[i].required && !seen[i]) {
			snprintf(err, FLEET_ERR_LEN, "%s: %s is required", path,
				 conf_keys[i].name);
			return -1;
		}
	}
	/* a renewal that waits for the store must leave time for another */
	if (conf->timeout_ms * 3 > conf->lease_s * 1000) {
		snprintf(err, FLEET_ERR_LEN,
			 "%s: timeout (%u ms) must be at most a third of the lease (%u s)",
			 path, conf->timeout_ms, conf->lease_s);
		return -1;
	}
	return 0;
}
