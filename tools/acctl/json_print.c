// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: text or JSON output through the same print_*() calls.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_print.h"

void json_writer_init(struct json_writer *jw, FILE *fp, bool json,
		      bool pretty)
{
	memset(jw, 0, sizeof(*jw));
	jw->fp = fp;
	jw->json = json;
	jw->pretty = pretty;
}

bool is_json_context(const struct json_writer *jw)
{
	return jw->json;
}

static void indent(struct json_writer *jw, unsigned int depth)
{
	fputc('\n', jw->fp);
	while (depth--)
		fputs("    ", jw->fp);
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are invalid */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string: escapes as RFC 8259 requires, invalid UTF-8 as U+FFFD. */
static void json_string(struct json_writer *jw, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', jw->fp);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", jw->fp);
			break;
		case '\\':
			fputs("\\\\", jw->fp);
			break;
		case '\b':
			fputs("\\b", jw->fp);
			break;
		case '\f':
			fputs("\\f", jw->fp);
			break;
		case '\n':
			fputs("\\n", jw->fp);
			break;
		case '\r':
			fputs("\\r", jw->fp);
			break;
		case '\t':
			fputs("\\t", jw->fp);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(jw->fp, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				fputs("\\ufffd", jw->fp);
				break;
			}
			fwrite(s, 1, n, jw->fp);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', jw->fp);
}

/* Separator, indentation and "key": before a member or element. */
static void json_member(struct json_writer *jw, const char *key)
{
	if (jw->depth > 0) {
		if (!jw->first[jw->depth])
			fputc(',', jw->fp);
		jw->first[jw->depth] = false;
		if (jw->pretty)
			indent(jw, jw->depth);
	}
	if (key) {
		json_string(jw, key);
		fputs(jw->pretty ? ": " : ":", jw->fp);
	}
}

static void json_open(struct json_writer *jw, const char *key, char c)
{
	if (!jw->json)
		return;
	if (jw->depth >= JSON_MAX_DEPTH)
		abort();	/* a programming error, not an input one */
	json_member(jw, key);
	fputc(c, jw->fp);
	jw->first[++jw->depth] = true;
}

static void json_close(struct json_writer *jw, char c)
{
	if (!jw->json)
		return;
	if (jw->depth == 0)
		abort();
	jw->depth--;
	if (jw->pretty && !jw->first[jw->depth + 1])
		indent(jw, jw->depth);
	fputc(c, jw->fp);
	if (jw->depth == 0)
		fputc('\n', jw->fp);
}

void open_json_object(struct json_writer *jw, const char *key)
{
	json_open(jw, key, '{');
}

void close_json_object(struct json_writer *jw)
{
	json_close(jw, '}');
}

void open_json_array(struct json_writer *jw, const char *key)
{
	json_open(jw, key, '[');
}

void close_json_array(struct json_writer *jw)
{
	json_close(jw, ']');
}

/* Whether this call prints JSON, text, or nothing. */
static bool want_json(const struct json_writer *jw, enum output_type type)
{
	return jw->json && (type & PRINT_JSON);
}

static bool want_text(const struct json_writer *jw, enum output_type type,
		      const char *fmt)
{
	return !jw->json && (type & PRINT_FP) && fmt;
}

void print_string(struct json_writer *jw, enum output_type type,
		  const char *key, const char *fmt, const char *value)
{
	if (want_json(jw, type)) {
		json_member(jw, key);
		if (value)
			json_string(jw, value);
		else
			fputs("null", jw->fp);
	} else if (want_text(jw, type, fmt)) {
		fprintf(jw->fp, fmt, value ? value : "");
	}
}

void print_uint(struct json_writer *jw, enum output_type type,
		const char *key, const char *fmt, unsigned int value)
{
	if (want_json(jw, type)) {
		json_member(jw, key);
		fprintf(jw->fp, "%u", value);
	} else if (want_text(jw, type, fmt)) {
		fprintf(jw->fp, fmt, value);
	}
}

void print_u64(struct json_writer *jw, enum output_type type,
	       const char *key, const char *fmt, uint64_t value)
{
	if (want_json(jw, type)) {
		json_member(jw, key);
		fprintf(jw->fp, "%" PRIu64, value);
	} else if (want_text(jw, type, fmt)) {
		fprintf(jw->fp, fmt, (unsigned long long)value);
	}
}

void print_bool(struct json_writer *jw, enum output_type type,
		const char *key, const char *fmt, bool value)
{
	if (want_json(jw, type)) {
		json_member(jw, key);
		fputs(value ? "true" : "false", jw->fp);
	} else if (want_text(jw, type, fmt)) {
		fprintf(jw->fp, fmt, value ? "true" : "false");
	}
}

void print_nl(struct json_writer *jw)
{
	if (!jw->json)
		fputc('\n', jw->fp);
}
