// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: the ike object, a client of acikd's control socket.
 *
 *	acctl ike { show | reload | help } [ socket PATH ]
 *
 * acikd answers "show" with a JSON array of flat objects (one per IKE SA)
 * and "reload" with {"reload":"ok"} or {"error":"..."}; see
 * tools/acikd/ctl.h. The answer is parsed here (flat objects of strings,
 * numbers and booleans are all the protocol has) and printed through the
 * json_writer like every other object, so -j, -p and text output behave
 * as for tunnels and SAs. acikd never puts keys in it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "acctl.h"

/* The same defaults as acikd (tools/acikd/ctl.h). */
#define IKE_CTL_DIR	"/run"
#define IKE_CTL_PATH	IKE_CTL_DIR "/acikd.ctl"
#define IKE_ANSWER_MAX	(64u << 20)

static void ike_usage(FILE *fp)
{
	fprintf(fp,
"Usage: acctl ike show [ socket PATH ] [ -j ]\n"
"       acctl ike reload [ socket PATH ]\n"
"       acctl ike help\n"
"\n"
"Talks to acikd, the IKEv2 daemon, through its control socket.\n"
"show    lists the IKE SAs: connection, state, peer, SPIs, transforms, age,\n"
"        time to the next rekey, the worker process that holds it (acikd with\n"
"        workers only) and number of Child SAs (never keys); with -j a JSON\n"
"        array of objects. The Child SAs themselves are \"acctl sa show\".\n"
"reload  makes acikd read its configuration file again (as SIGHUP does);\n"
"        if the file is invalid acikd keeps the configuration in force and the\n"
"        error is printed.\n"
"PATH    the control socket. Default: " IKE_CTL_PATH ", or\n"
"        " IKE_CTL_DIR "/acikd.NETNS.ctl with -n NETNS (as acikd -n NETNS).\n");
}

/* ---- talking to acikd ------------------------------------------------ */

static int ctl_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "Error: socket path \"%s\" is too long.\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return fd;
	fprintf(stderr, "Error: cannot connect to acikd at %s: %s%s.\n", path,
		strerror(errno),
		errno == ENOENT || errno == ECONNREFUSED ?
		" (is acikd running?)" : "");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Send @req and read the whole answer into a NUL-terminated buffer. */
static char *ctl_ask(const char *path, const char *req)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd = ctl_connect(path);

	if (fd < 0 || !buf)
		goto fail;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0)
		goto fail_io;
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf + len, cap - len - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_io;
		len += (size_t)n;
		if (len + 1 < cap)
			continue;
		if (cap >= IKE_ANSWER_MAX || !(nb = realloc(buf, cap * 2)))
			goto fail_io;
		buf = nb;
		cap *= 2;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail_io:
	fprintf(stderr, "Error: talking to acikd at %s: %s.\n", path,
		strerror(errno ? errno : EIO));
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* ---- a parser for flat JSON objects ------------------------------------ */

#define KV_MAX		32
#define KEY_MAX		32
#define VAL_MAX		256

struct kv {
	char key[KEY_MAX];
	char val[VAL_MAX];
	bool is_str;
};

struct obj {
	struct kv kv[KV_MAX];
	unsigned int n;
};

static const char *skip_ws(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* A string at @p (at its quote) into @out; NULL on bad syntax. Escapes
 * other than \" \\ \/ and \u00XX do not occur in acikd's answers. */
static const char *parse_str(const char *p, char *out, size_t len)
{
	size_t i = 0;
	unsigned int u;
	char c;

	if (*p++ != '"')
		return NULL;
	while ((c = *p++) != '"') {
		if (!c)
			return NULL;
		if (c == '\\') {
			c = *p++;
			if (c == 'u' && sscanf(p, "%4x", &u) == 1 && u < 0x80) {
				c = (char)u;
				p += 4;
			} else if (c != '"' && c != '\\' && c != '/') {
				return NULL;
			}
		}
		if (i + 1 < len)
			out[i++] = c;
	}
	out[i] = '\0';
	return p;
}

static const char *parse_value(const char *p, struct kv *kv)
{
	size_t i = 0;

	if (*p == '"') {
		kv->is_str = true;
		return parse_str(p, kv->val, sizeof(kv->val));
	}
	kv->is_str = false;
	while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '.'))
		if (i + 1 < sizeof(kv->val))
			kv->val[i++] = *p++;
		else
			return NULL;
	kv->val[i] = '\0';
	return i ? p : NULL;
}

/* One {"key":value,...} at @p into @o; returns what follows, or NULL. */
static const char *parse_obj(const char *p, struct obj *o)
{
	struct kv *kv;

	o->n = 0;
	p = skip_ws(p);
	if (*p++ != '{')
		return NULL;
	p = skip_ws(p);
	if (*p == '}')
		return p + 1;
	for (;;) {
		if (o->n == KV_MAX)
			return NULL;
		kv = &o->kv[o->n++];
		p = parse_str(skip_ws(p), kv->key, sizeof(kv->key));
		if (!p || *(p = skip_ws(p)) != ':')
			return NULL;
		p = parse_value(skip_ws(p + 1), kv);
		if (!p)
			return NULL;
		p = skip_ws(p);
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *get(const struct obj *o, const char *key)
{
	unsigned int i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->kv[i].key, key))
			return o->kv[i].val;
	return NULL;
}

/* ---- output ------------------------------------------------------------ */

/* Every member as it came, typed: strings, numbers, booleans. */
static void print_json_obj(struct acctl *ac, const struct obj *o)
{
	const struct kv *kv;
	unsigned int i;

	open_json_object(&ac->jw, NULL);
	for (i = 0; i < o->n; i++) {
		kv = &o->kv[i];
		if (kv->is_str)
			print_string(&ac->jw, PRINT_JSON, kv->key, NULL, kv->val);
		else if (!strcmp(kv->val, "true") || !strcmp(kv->val, "false"))
			print_bool(&ac->jw, PRINT_JSON, kv->key, NULL,
				   kv->val[0] == 't');
		else
			print_u64(&ac->jw, PRINT_JSON, kv->key, NULL,
				  strtoull(kv->val, NULL, 10));
	}
	close_json_object(&ac->jw);
}

static const char *or(const char *s)
{
	return s ? s : "?";
}

/*
 * c1 established remote 198.51.100.1 port 500 spi 0123456789abcdef/...
 *     enc aes-gcm-16-256 integ none prf hmac-sha2-256 dh 20
 *     age 12s rekey 14388s [worker 1] children 1
 */
static void print_text_obj(const struct obj *o)
{
	const char *age = get(o, "established_seconds");
	const char *rekey = get(o, "rekey_seconds");
	const char *worker = get(o, "worker");

	printf("%s %s remote %s port %s spi %s/%s", or(get(o, "conn")),
	       or(get(o, "state")), or(get(o, "remote")),
	       or(get(o, "remote_port")), or(get(o, "spi_i")),
	       or(get(o, "spi_r")));
	printf(" enc %s-%s integ %s prf %s dh %s", or(get(o, "encr")),
	       or(get(o, "encr_keybits")), or(get(o, "integ")),
	       or(get(o, "prf")), or(get(o, "dh")));
	if (age)
		printf(" age %ss", age);
	if (rekey)
		printf(" rekey %ss", rekey);
	if (worker)
		printf(" worker %s", worker);
	printf(" children %s\n", or(get(o, "children")));
}

/* An {"error":...} answer: print it, return true. */
static bool answer_error(const char *answer)
{
	struct obj o;

	if (*skip_ws(answer) != '{' || !parse_obj(answer, &o) ||
	    !get(&o, "error"))
		return false;
	fprintf(stderr, "Error: acikd: %s.\n", get(&o, "error"));
	return true;
}

static int print_show(struct acctl *ac, const char *answer)
{
	const char *p = skip_ws(answer);
	struct obj o;

	if (*p++ != '[')
		goto bad;
	open_json_array(&ac->jw, NULL);
	for (p = skip_ws(p); *p != ']'; p = skip_ws(p)) {
		p = parse_obj(p, &o);
		if (!p)
			goto bad;
		if (ac->json)
			print_json_obj(ac, &o);
		else
			print_text_obj(&o);
		p = skip_ws(p);
		if (*p == ',')
			p++;
	}
	close_json_array(&ac->jw);
	return 0;
bad:
	fprintf(stderr, "Error: acikd's answer is not understood.\n");
	return 1;
}

/* ---- commands --------------------------------------------------------- */

/*
 * The words after the command: [ socket PATH ] and, as a convenience for
 * "acctl ike show -j", a trailing -j (the same as acctl -j).
 */
static int ike_args(struct acctl *ac, int argc, char **argv, const char *cmd,
		    char *path, size_t len)
{
	const char *given = NULL;
	int n;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			ac->json = true;
			json_writer_init(&ac->jw, stdout, true, ac->pretty);
		} else if (!strcmp(argv[0], "socket") && !given) {
			if (argc < 2)
				return incomplete_command("ike");
			given = *++argv;
			argc--;
		} else {
			fprintf(stderr,
				"Error: unknown argument \"%s\" for \"ike %s\", try \"acctl ike help\".\n",
				argv[0], cmd);
			return -1;
		}
	}
	if (given)
		n = snprintf(path, len, "%s", given);
	else if (ac->netns)
		n = snprintf(path, len, IKE_CTL_DIR "/acikd.%s.ctl", ac->netns);
	else
		n = snprintf(path, len, "%s", IKE_CTL_PATH);
	return n < 0 || (size_t)n >= len ?
	       invarg("socket path is too long", given ? given : ac->netns) :
	       0;
}

static int ike_show(struct acctl *ac, int argc, char **argv)
{
	char path[108], *answer;
	int ret;

	if (ike_args(ac, argc, argv, "show", path, sizeof(path)))
		return 1;
	answer = ctl_ask(path, "show\n");
	if (!answer)
		return 1;
	ret = answer_error(answer) ? 1 : print_show(ac, answer);
	free(answer);
	return ret;
}

static int ike_reload(struct acctl *ac, int argc, char **argv)
{
	char path[108], *answer;
	int ret;

	if (ike_args(ac, argc, argv, "reload", path, sizeof(path)))
		return 1;
	answer = ctl_ask(path, "reload\n");
	if (!answer)
		return 1;
	ret = answer_error(answer) ? 1 : 0;
	if (!ret && !strstr(answer, "\"reload\":\"ok\"")) {
		fprintf(stderr, "Error: acikd's answer is not understood.\n");
		ret = 1;
	}
	free(answer);
	return ret;
}

static const struct acctl_cmd ike_cmds[] = {
	{ "show",   ike_show,   "list the IKE SAs" },
	{ "list",   ike_show,   "the same as show" },
	{ "reload", ike_reload, "reload acikd's configuration" },
};

int do_ike(struct acctl *ac, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return ike_show(ac, 0, argv);
	if (!strcmp(argv[0], "help")) {
		if (argc > 1) {
			fprintf(stderr, "Error: \"ike help\" takes no arguments.\n");
			return 1;
		}
		ike_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(ike_cmds) / sizeof(ike_cmds[0]); i++)
		if (!strcmp(ike_cmds[i].name, argv[0]))
			return ike_cmds[i].func(ac, argc - 1, argv + 1);
	fprintf(stderr, "Command \"%s\" is unknown, try \"acctl ike help\".\n",
		argv[0]);
	return 1;
}
