// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * config.c - the configuration file (acikd.conf(5)) into struct
 * acikd_config: the syntax, the sections and their tables of keys.
 * config_value.c parses each value, config_proposal.c the proposals and
 * config_conn.c holds the rules between settings and the lookups.
 *
 * The syntax is swanctl.conf's, cut down: "name { ... }" sections,
 * "key = value[, value...]" settings and '#' comments. Unlike swanctl.conf
 * a value is one word or one quoted string, so several settings can share
 * a line ("actun { dev = ac0  tunnel = cust1 }"). Each section is a table
 * of keys with their value parsers; the rules between keys run when a
 * connection's closing brace is read.
 *
 * PSKs pass through the file buffer, the token and the value buffers:
 * all of them are wiped, and no error message quotes a token from a line
 * that held a psk.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "config_int.h"
#include "crypto/dh_cache.h"

#define CONFIG_MAX_FILE		(4 << 20)	/* far above 4096 connections */
#define VALUE_MAX_ITEMS		CONFIG_MAX_TS	/* the longest list */

#define CONFIG_DEFAULT_CTL	"/run/acikd.ctl"

enum tok_type { T_EOF, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_EQ, T_COMMA,
		T_ERR };

struct token {
	enum tok_type type;
	char s[CONFIG_MAX_VALUE + 1];
	size_t len;
	unsigned int line;
};

struct value {
	struct token item[VALUE_MAX_ITEMS];
	unsigned int n;
};

/*
 * The state of one config_load(). @buf holds the whole file (@len bytes
 * and a NUL), wiped before it is freed; @tok is the current token (@peeked:
 * pushed back) and @val the value being parsed. Tokens on the lines
 * [@secret_first, @secret_last] of the last psk are never quoted. @flags
 * are the CF_* settings the connection being read has given, @null_line
 * where it asked for NULL encryption, and @lines[i] the line
 * @cfg->conns[i] starts on.
 */
struct parser {
	const char *path;
	char *buf;
	size_t len, pos;
	unsigned int line;
	struct token tok;
	bool peeked;
	struct value val;
	char *err;
	size_t errlen;
	unsigned int secret_first, secret_last;
	unsigned int flags;
	unsigned int null_line;
	struct acikd_config *cfg;
	unsigned int *lines;
};

static int fail(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Only the first error is kept: later ones are consequences. */
static int fail(struct parser *p, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen || p->err[0])
		return -EINVAL;
	n = line ? snprintf(p->err, p->errlen, "%s:%u: ", p->path, line) :
		   snprintf(p->err, p->errlen, "%s: ", p->path);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A token as messages may show it: never one that could be part of a
 * psk. */
static const char *shown(const struct parser *p, const struct token *t)
{
	if (t->line >= p->secret_first && t->line <= p->secret_last)
		return "(hidden: on a line holding a psk)";
	switch (t->type) {
	case T_EOF: return "end of file";
	case T_LBRACE: return "{";
	case T_RBRACE: return "}";
	case T_EQ: return "=";
	case T_COMMA: return ",";
	default: return t->s;
	}
}

/* ---- lexer ---- */

static int lex_char(struct parser *p, struct token *t, char c)
{
	if (t->len >= CONFIG_MAX_VALUE)
		return fail(p, t->line, "value too long (at most %d "
			    "characters)", CONFIG_MAX_VALUE);
	t->s[t->len++] = c;
	t->s[t->len] = '\0';
	return 0;
}

static int lex_string(struct parser *p, struct token *t)
{
	char c;

	t->type = T_STRING;
	for (p->pos++; ; p->pos++) {
		c = p->buf[p->pos];
		if (c == '"') {
			p->pos++;
			return 0;
		}
		if (c == '\n' || p->pos >= p->len)
			return fail(p, t->line, "unterminated quoted string");
		/* \" and \\ only: a psk may need a quote character. */
		if (c == '\\' && (p->buf[p->pos + 1] == '"' ||
				  p->buf[p->pos + 1] == '\\'))
			c = p->buf[++p->pos];
		if (lex_char(p, t, c))
			return -EINVAL;
	}
}

/*
 * The next token. In a value (@value) '=' is an ordinary character, as
 * base64 needs; elsewhere it ends a word so that "key=value" works.
 */
static enum tok_type lex(struct parser *p, bool value)
{
	struct token *t = &p->tok;
	static const char punct[] = "{}=,";
	char c;

	if (p->peeked) {
		p->peeked = false;
		return t->type;
	}
	OPENSSL_cleanse(t->s, sizeof(t->s));
	t->len = 0;
	for (;; p->pos++) {
		c = p->buf[p->pos];
		if (c == '\n')
			p->line++;
		else if (c == '#')
			while (p->pos + 1 < p->len &&
			       p->buf[p->pos + 1] != '\n')
				p->pos++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
	}
	t->line = p->line;
	if (p->pos >= p->len)
		return t->type = T_EOF;
	if (c == '"')
		return t->type = lex_string(p, t) ? T_ERR : T_STRING;
	if (strchr(punct, c)) {
		p->pos++;
		t->s[0] = c;
		return t->type = (enum tok_type[]){ T_LBRACE, T_RBRACE, T_EQ,
			T_COMMA }[strchr(punct, c) - punct];
	}
	t->type = T_WORD;
	for (; p->pos < p->len; p->pos++) {
		c = p->buf[p->pos];
		if (strchr(" \t\r\n#\"{},", c) || (c == '=' && !value))
			break;
		if ((unsigned char)c < 0x20 || c == 0x7f) {
			fail(p, t->line, "control character 0x%02x",
			     (unsigned char)c);
			return t->type = T_ERR;
		}
		if (lex_char(p, t, c))
			return t->type = T_ERR;
	}
	return T_WORD;
}

/* "key = a, b, c": the items after '=' into p->val. */
static int lex_value(struct parser *p, const char *key, unsigned int max)
{
	struct value *v = &p->val;
	enum tok_type t;

	for (v->n = 0;;) {
		t = lex(p, true);
		if (t == T_ERR)
			return -EINVAL;
		if (t != T_WORD && t != T_STRING)
			return fail(p, p->tok.line, "missing value for '%s' "
				    "(got %s)", key, shown(p, &p->tok));
		if (v->n >= max)
			return fail(p, p->tok.line, "too many values for '%s' "
				    "(at most %u)", key, max);
		v->item[v->n++] = p->tok;
		t = lex(p, false);
		if (t == T_ERR)
			return -EINVAL;
		if (t != T_COMMA) {
			p->peeked = true;
			return 0;
		}
	}
}

/* ---- settings: a table per section, a value parser per key ---- */

/**
 * struct key - one setting of a section
 * @name: as written in the file
 * @fn: parses one value into @obj + @off (+ i * @size for a list)
 * @off: offset of the field in the section's object
 * @size: size of the field (of one element, for a list)
 * @off_n: offset of the entry count of a list; 0: a single value
 * @max: most values in a list
 * @flag: CF_* noted once parsed
 * @secret: never quote the value, nor anything on its lines
 */
struct key {
	const char *name;
	config_value_fn *fn;
	size_t off, size, off_n;
	unsigned int max;
	unsigned int flag;
	bool secret;
};

#define FSIZE(type, f)	sizeof(((type *)0)->f)
#define CFG(f)		offsetof(struct acikd_config, f), \
			FSIZE(struct acikd_config, f)
#define CONN(f)		offsetof(struct conn, f), FSIZE(struct conn, f)
#define CONN_LIST(f, max) offsetof(struct conn, f), \
			FSIZE(struct conn, f[0]), \
			offsetof(struct conn, n_##f), max

static const struct key acikd_keys[] = {
	{ "control", cv_path, CFG(ctl_path), 0, 1, 0, false },
	{ "cookie-threshold", cv_uint, CFG(half_open_cookie_threshold), 0, 1,
	  0, false },
	{ "dh-reuse", cv_uint, CFG(dh_reuse_seconds), 0, 1, 0, false },
	{ "fleet", cv_path, CFG(fleet_path), 0, 1, 0, false },
	{ "keepalive", cv_uint, CFG(keepalive_seconds), 0, 1, 0, false },
	{ "workers", cv_uint, CFG(workers), 0, 1, 0, false },
};

static const struct key conn_keys[] = {
	{ "local_addrs", cv_addr, CONN(local), 0, 1, CF_LOCAL_ADDR, false },
	{ "remote_addrs", cv_addr, CONN(remote), 0, 1, 0, false },
	{ "psk", cv_psk, CONN(psk), 0, 1, CF_PSK, true },
	{ "proposals", cv_ike_proposal, CONN_LIST(ike, CONFIG_MAX_PROPOSALS),
	  CF_IKE, false },
	{ "esp_proposals", cv_esp_proposal,
	  CONN_LIST(esp, CONFIG_MAX_PROPOSALS), CF_ESP, false },
	{ "local_ts", cv_ts, CONN_LIST(local_ts, CONFIG_MAX_TS), CF_LOCAL_TS,
	  false },
	{ "remote_ts", cv_ts, CONN_LIST(remote_ts, CONFIG_MAX_TS),
	  CF_REMOTE_TS, false },
	{ "rekey_time", cv_duration, CONN(rekey_seconds), 0, 1, 0, false },
	{ "dpd_delay", cv_duration, CONN(dpd_seconds), 0, 1, 0, false },
	{ "dpd_timeout", cv_duration, CONN(dpd_timeout_seconds), 0, 1, 0,
	  false },
	{ "fragmentation", cv_bool, CONN(fragmentation), 0, 1, 0, false },
	{ "fragment_size", cv_uint, CONN(fragment_size), 0, 1, 0, false },
	{ "allow_null", cv_bool, CONN(allow_null), 0, 1, 0, false },
	{ "initiate", cv_bool, CONN(initiate), 0, 1, 0, false },
};

static const struct key local_keys[] = {
	{ "id", cv_id, CONN(local_id), 0, 1, CF_LOCAL_ID, false },
	{ "auth", cv_auth, 0, 0, 0, 1, 0, false },
};

static const struct key remote_keys[] = {
	{ "id", cv_id, CONN(remote_id), 0, 1, CF_REMOTE_ID, false },
	{ "auth", cv_auth, 0, 0, 0, 1, 0, false },
};

static const struct key actun_keys[] = {
	{ "dev", cv_str, CONN(actun_dev), 0, 1, CF_DEV, false },
	{ "tunnel", cv_str, CONN(actun_tunnel), 0, 1, CF_TUNNEL, false },
};

/* ---- sections ---- */

/**
 * struct section - a kind of "name { ... }" block
 * @name: the name it is opened with; NULL: any name (a connection)
 * @what: what messages call it
 * @keys: its settings; @n_keys entries
 * @n_keys: see @keys
 * @subs: the sections it may contain; @n_subs entries
 * @n_subs: see @subs
 * @enter: makes the object the block's keys write into (default: the
 *	parent's object)
 * @leave: checks and commits the object, or frees it when @err is set;
 *	returns the error to pass on
 */
struct section {
	const char *name;
	const char *what;
	const struct key *keys;
	unsigned int n_keys;
	const struct section *subs;
	unsigned int n_subs;
	int (*enter)(struct parser *p, const struct token *name, void *parent,
		     void **obj);
	int (*leave)(struct parser *p, void *obj, unsigned int line, int err);
};

#define KEYS(t) t, sizeof(t) / sizeof(t[0])
#define SUBS(t) t, sizeof(t) / sizeof(t[0])

static int conn_enter(struct parser *p, const struct token *name,
		      void *parent, void **obj);
static int conn_leave(struct parser *p, void *obj, unsigned int line,
		      int err);

static const struct section conn_subs[] = {
	{ "local", "section 'local'", KEYS(local_keys), NULL, 0, NULL, NULL },
	{ "remote", "section 'remote'", KEYS(remote_keys), NULL, 0, NULL,
	  NULL },
	{ "actun", "section 'actun'", KEYS(actun_keys), NULL, 0, NULL, NULL },
};

static const struct section conns_subs[] = {
	{ NULL, "a connection", KEYS(conn_keys), SUBS(conn_subs),
	  conn_enter, conn_leave },
};

static const struct section top_subs[] = {
	{ "acikd", "section 'acikd'", KEYS(acikd_keys), NULL, 0, NULL, NULL },
	{ "connections", "section 'connections'", NULL, 0, SUBS(conns_subs),
	  NULL, NULL },
};

static const struct section top = {
	"", "the file", NULL, 0, SUBS(top_subs), NULL, NULL
};

static int parse_setting(struct parser *p, const struct section *sec,
			 void *obj, const struct token *name,
			 unsigned int *seen)
{
	const struct key *k = NULL;
	struct config_item it;
	char why[256];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < sec->n_keys && !k; i++)
		if (!strcmp(sec->keys[i].name, name->s))
			k = &sec->keys[i];
	if (!k)
		return fail(p, name->line, "unknown key '%s' in %s",
			    shown(p, name), sec->what);
	if (*seen & 1u << (k - sec->keys))
		return fail(p, name->line, "'%s' is set twice", k->name);
	*seen |= 1u << (k - sec->keys);
	if (k->secret)
		p->secret_first = p->secret_last = name->line;
	ret = lex_value(p, k->name, k->max);
	/* Through the token after the value: a psk split by a stray space
	 * or line break must not show up as an "unknown key". */
	if (k->secret)
		p->secret_last = p->tok.line;
	for (i = 0; !ret && i < p->val.n; i++) {
		it.s = p->val.item[i].s;
		it.len = p->val.item[i].len;
		it.quoted = p->val.item[i].type == T_STRING;
		ret = k->fn(&it, (char *)obj + k->off + i * k->size, k->size,
			    why, sizeof(why));
		if (ret == CV_NULL) {
			p->null_line = p->val.item[i].line;
			ret = 0;
		} else if (ret == -EINVAL) {
			ret = fail(p, p->val.item[i].line, "%s: %s", k->name,
				   why);
		}
	}
	if (!ret && k->off_n)
		*(unsigned int *)((char *)obj + k->off_n) = p->val.n;
	if (!ret)
		p->flags |= k->flag;
	OPENSSL_cleanse(&p->val, sizeof(p->val));
	OPENSSL_cleanse(why, sizeof(why));
	return ret;
}

static int parse_block(struct parser *p, const struct section *sec,
		       void *obj, unsigned int open_line);

static int parse_section(struct parser *p, const struct section *sec,
			 void *obj, const struct token *name,
			 unsigned int *seen)
{
	const struct section *sub = NULL;
	unsigned int i;
	void *child = obj;
	int err;

	for (i = 0; i < sec->n_subs && !sub; i++)
		if (!sec->subs[i].name || !strcmp(sec->subs[i].name, name->s))
			sub = &sec->subs[i];
	if (!sub)
		return fail(p, name->line, "unknown section '%s' in %s",
			    shown(p, name), sec->what);
	if (sub->name) {
		if (*seen & 1u << (16 + (sub - sec->subs)))
			return fail(p, name->line, "section '%s' appears twice",
				    sub->name);
		*seen |= 1u << (16 + (sub - sec->subs));
	}
	if (sub->enter) {
		err = sub->enter(p, name, obj, &child);
		if (err)
			return err;
	}
	err = parse_block(p, sub, child, name->line);
	return sub->leave ? sub->leave(p, child, name->line, err) : err;
}

/* The statements of one block, up to its '}' (or the end of the file
 * for the top level). */
static int parse_block(struct parser *p, const struct section *sec,
		       void *obj, unsigned int open_line)
{
	unsigned int seen = 0;
	struct token name;
	int err = 0;

	while (!err) {
		switch (lex(p, false)) {
		case T_ERR:
			return -EINVAL;
		case T_EOF:
			if (sec == &top)
				return 0;
			return fail(p, p->tok.line, "unbalanced braces: '{' of "
				    "line %u is never closed", open_line);
		case T_RBRACE:
			if (sec == &top)
				return fail(p, p->tok.line, "unbalanced "
					    "braces: '}' without '{'");
			return 0;
		case T_WORD:
			break;
		default:
			return fail(p, p->tok.line, "expected a key or a "
				    "section name, got '%s'",
				    shown(p, &p->tok));
		}
		name = p->tok;
		switch (lex(p, false)) {
		case T_ERR:
			return -EINVAL;
		case T_EQ:
			err = parse_setting(p, sec, obj, &name, &seen);
			break;
		case T_LBRACE:
			err = parse_section(p, sec, obj, &name, &seen);
			break;
		default:
			err = fail(p, p->tok.line, "expected '=' or '{' after "
				   "'%s'", shown(p, &name));
		}
	}
	return err;
}

/* ---- connections ---- */

static int conn_enter(struct parser *p, const struct token *name,
		      void *parent, void **obj)
{
	struct acikd_config *cfg = parent;
	struct conn **conns;
	unsigned int i, *lines;

	if (name->len >= sizeof(((struct conn *)0)->name))
		return fail(p, name->line, "connection name '%s' too long (at "
			    "most %zu characters)", name->s,
			    sizeof(((struct conn *)0)->name) - 1);
	for (i = 0; i < cfg->n_conns; i++)
		if (!strcmp(cfg->conns[i]->name, name->s))
			return fail(p, name->line, "duplicate connection '%s' "
				    "(first on line %u)", name->s, p->lines[i]);
	if (cfg->n_conns >= CONFIG_MAX_CONNS)
		return fail(p, name->line, "too many connections (at most %d)",
			    CONFIG_MAX_CONNS);
	/* Grow both arrays now so that committing cannot fail. */
	conns = realloc(cfg->conns, (cfg->n_conns + 1) * sizeof(*conns));
	if (!conns)
		return -ENOMEM;
	cfg->conns = conns;
	lines = realloc(p->lines, (cfg->n_conns + 1) * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	p->lines = lines;
	*obj = conn_new(name->s);
	if (!*obj)
		return -ENOMEM;
	p->flags = 0;
	p->null_line = 0;
	return 0;
}

static int conn_leave(struct parser *p, void *obj, unsigned int line,
		      int err)
{
	struct acikd_config *cfg = p->cfg;
	struct conn *c = obj;
	char why[256];
	unsigned int i;

	if (!err && p->null_line && !c->allow_null)
		err = fail(p, p->null_line, "connection '%s': NULL encryption "
			   "needs allow_null = yes", c->name);
	if (!err && (err = conn_complete(c, p->flags, why, sizeof(why))) ==
	    -EINVAL)
		fail(p, line, "connection '%s': %s", c->name, why);
	for (i = 0; !err && i < cfg->n_conns; i++)
		if (conn_conflict(cfg->conns[i], c, why, sizeof(why)))
			err = fail(p, line, "%s (the other is on line %u)", why,
				   p->lines[i]);
	if (err) {
		conn_put(c);	/* wipes the psk */
		return err;
	}
	p->lines[cfg->n_conns] = line;
	cfg->conns[cfg->n_conns++] = c;
	return 0;
}

/* ---- the file ---- */

/* The whole file in one buffer that is wiped afterwards: stdio would
 * leave copies of the psks in its own buffers. */
static int read_file(struct parser *p)
{
	struct stat st;
	ssize_t n = 1;
	int fd, err = 0;

	fd = open(p->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if (st.st_size > CONFIG_MAX_FILE)
		err = -EFBIG;
	else if (!(p->buf = calloc(1, (size_t)st.st_size + 1)))
		err = -ENOMEM;
	/* A file that shrinks under us is parsed as far as it goes. */
	while (!err && n && p->len < (size_t)st.st_size) {
		n = read(fd, p->buf + p->len, (size_t)st.st_size - p->len);
		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			p->len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (err == -EINVAL)
		return fail(p, 0, "not a regular file");
	if (err)
		return fail(p, 0, "%s", strerror(-err)), err;
	if (memchr(p->buf, '\0', p->len))
		return fail(p, 0, "NUL byte in the file");
	return 0;
}

int config_load(const char *path, struct acikd_config **out, char *err,
		size_t errlen)
{
	struct parser *p;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->path = path;
	p->line = 1;
	p->err = err;
	p->errlen = errlen;
	p->secret_first = p->secret_last = 0;	/* line 0 never exists */
	p->cfg = calloc(1, sizeof(*p->cfg));
	ret = p->cfg ? read_file(p) : -ENOMEM;
	if (!ret && !EVP_Digest(p->buf, p->len, p->cfg->digest, NULL,
				EVP_sha256(), NULL))
		ret = -ENOMEM;
	if (!ret) {
		snprintf(p->cfg->ctl_path, sizeof(p->cfg->ctl_path), "%s",
			 CONFIG_DEFAULT_CTL);
		p->cfg->half_open_cookie_threshold = 100;
		p->cfg->keepalive_seconds = CONFIG_KEEPALIVE_SECONDS;
		p->cfg->workers = 1;
		ret = parse_block(p, &top, p->cfg, 0);
	}
	if (!ret && p->cfg->dh_reuse_seconds > DH_REUSE_MAX_SECONDS)
		ret = fail(p, 0, "dh-reuse (%u s) is over %u s: the key pair "
			   "would protect too many IKE SAs", p->cfg->dh_reuse_seconds,
			   DH_REUSE_MAX_SECONDS);
	if (!ret && p->cfg->keepalive_seconds > CONFIG_KEEPALIVE_MAX)
		ret = fail(p, 0, "keepalive (%u s) is over %u s: NAT mappings "
			   "of UDP time out sooner", p->cfg->keepalive_seconds,
			   CONFIG_KEEPALIVE_MAX);
	if (!ret && (p->cfg->workers < 1 ||
		     p->cfg->workers > CONFIG_WORKERS_MAX))
		ret = fail(p, 0, "workers (%u) must be 1 to %u",
			   p->cfg->workers, CONFIG_WORKERS_MAX);
	if (ret == -ENOMEM)
		fail(p, p->tok.line, "out of memory");
	if (ret)
		config_free(p->cfg);
	else
		*out = p->cfg;
	if (p->buf) {
		OPENSSL_cleanse(p->buf, p->len);
		free(p->buf);
	}
	free(p->lines);
	OPENSSL_cleanse(p, sizeof(*p));
	free(p);
	return ret;
}
