// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * config_value.c - one value of each kind acikd.conf(5) knows: strings,
 * numbers, durations, booleans, addresses, IKE identities, PSKs and
 * traffic selectors. Each parser fills one field and explains a refusal
 * in words; config.c adds the key, the file and the line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "config_int.h"

int cv_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A name into a char array of @size bytes (with its NUL). */
int cv_str(const struct config_item *it, void *field, size_t size,
	   char *why, size_t whylen)
{
	if (!it->len || it->len >= size)
		return cv_why(why, whylen, "must be 1 to %zu characters",
			      size - 1);
	memcpy(field, it->s, it->len + 1);
	return 0;
}

/* The control socket: absolute, so that it does not depend on the
 * daemon's working directory. */
int cv_path(const struct config_item *it, void *field, size_t size,
	    char *why, size_t whylen)
{
	if (it->s[0] != '/')
		return cv_why(why, whylen, "'%s' is not an absolute path",
			      it->s);
	return cv_str(it, field, size, why, whylen);
}

static bool digits(const char *s, size_t n)
{
	return n && strspn(s, "0123456789") == n;
}

int cv_uint(const struct config_item *it, void *field, size_t size,
	    char *why, size_t whylen)
{
	unsigned long n = strtoul(it->s, NULL, 10);

	(void)size;
	if (!digits(it->s, it->len) || it->len > 7 || n > 1000000)
		return cv_why(why, whylen, "'%s' is not a number from 0 to "
			      "1000000", it->s);
	*(unsigned int *)field = (unsigned int)n;
	return 0;
}

/* Seconds, with strongSwan's s/m/h/d suffixes. 0 is refused: every
 * duration here is an interval something waits for. */
int cv_duration(const struct config_item *it, void *field, size_t size,
		char *why, size_t whylen)
{
	static const char units[] = "smhd";
	static const unsigned long mult[] = { 1, 60, 3600, 86400 };
	size_t n = it->len;
	unsigned long long v;
	unsigned long m = 1;

	(void)size;
	if (n && strchr(units, it->s[n - 1]))
		m = mult[strchr(units, it->s[--n]) - units];
	v = strtoull(it->s, NULL, 10);
	if (!digits(it->s, n) || n > 10 || !v || v * m > UINT32_MAX)
		return cv_why(why, whylen, "'%s' is not a duration (a number "
			      "above 0, optionally followed by s, m, h or d)",
			      it->s);
	*(uint32_t *)field = (uint32_t)(v * m);
	return 0;
}

int cv_bool(const struct config_item *it, void *field, size_t size,
	    char *why, size_t whylen)
{
	(void)size;
	if (!strcmp(it->s, "yes") || !strcmp(it->s, "true"))
		*(bool *)field = true;
	else if (!strcmp(it->s, "no") || !strcmp(it->s, "false"))
		*(bool *)field = false;
	else
		return cv_why(why, whylen, "'%s' is not yes or no", it->s);
	return 0;
}

/* One IPv4 address or %any (INADDR_ANY): struct conn holds a
 * sockaddr_in, and the anycast endpoints are IPv4. */
int cv_addr(const struct config_item *it, void *field, size_t size,
	    char *why, size_t whylen)
{
	struct sockaddr_in *sin = field;

	(void)size;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (!strcmp(it->s, "%any"))
		return 0;
	if (inet_pton(AF_INET, it->s, &sin->sin_addr) != 1)
		return cv_why(why, whylen, "'%s' is not an IPv4 address or "
			      "%%any", it->s);
	return 0;
}

/* Authentication is always by PSK; "auth = psk" is accepted so that
 * swanctl habits do not fail, anything else is refused. */
int cv_auth(const struct config_item *it, void *field, size_t size,
	    char *why, size_t whylen)
{
	(void)field;
	(void)size;
	if (strcmp(it->s, "psk"))
		return cv_why(why, whylen, "'%s' is not supported (only psk)",
			      it->s);
	return 0;
}

/*
 * The seeds' ID forms: a dotted quad is ID_IPV4_ADDR, user@domain
 * ID_RFC822_ADDR, a name with a dot ID_FQDN. strongSwan's "@name" and the
 * type prefixes force a type; a name without a dot or '@' has no obvious
 * type and must be given one.
 */
int cv_id(const struct config_item *it, void *field, size_t size,
	  char *why, size_t whylen)
{
	static const struct { const char *prefix; uint8_t type; } forced[] = {
		{ "fqdn:", IKE_ID_FQDN }, { "keyid:", IKE_ID_KEY_ID },
		{ "email:", IKE_ID_RFC822_ADDR },
		{ "rfc822:", IKE_ID_RFC822_ADDR },
		{ "ipv4:", IKE_ID_IPV4_ADDR },
	};
	struct ike_id *id = field;
	const char *s = it->s, *at;
	struct in_addr a;
	uint8_t type = 0;
	size_t i;

	(void)size;
	for (i = 0; i < sizeof(forced) / sizeof(forced[0]) && !type; i++)
		if (!strncmp(s, forced[i].prefix, strlen(forced[i].prefix))) {
			type = forced[i].type;
			s += strlen(forced[i].prefix);
		}
	if (!type && s[0] == '@') {
		type = IKE_ID_FQDN;
		s++;
	}
	at = strchr(s, '@');
	if (!type) {
		if (inet_pton(AF_INET, s, &a) == 1)
			type = IKE_ID_IPV4_ADDR;
		else if (at)
			type = IKE_ID_RFC822_ADDR;
		else if (strchr(s, '.'))
			type = IKE_ID_FQDN;
		else
			return cv_why(why, whylen, "cannot tell the type of "
				      "'%s': write fqdn:, keyid: or email: "
				      "before it", it->s);
	}
	if (!*s)
		return cv_why(why, whylen, "empty identity '%s'", it->s);
	if (type == IKE_ID_IPV4_ADDR && inet_pton(AF_INET, s, &a) != 1)
		return cv_why(why, whylen, "'%s' is not an IPv4 address", s);
	if (type != IKE_ID_RFC822_ADDR && type != IKE_ID_KEY_ID && at)
		return cv_why(why, whylen, "'%s': a name has no '@' (for "
			      "user@domain write email:)", it->s);
	if (type == IKE_ID_RFC822_ADDR && (!at || at == s || !at[1]))
		return cv_why(why, whylen, "'%s' is not user@domain", s);
	chunk_free(&id->data);
	id->type = type;
	if (type == IKE_ID_IPV4_ADDR)
		return chunk_dup(&id->data, &a, sizeof(a));
	return chunk_dup(&id->data, s, strlen(s));
}

static int psk_hex(const char *s, size_t n, struct chunk *psk, char *why,
		   size_t whylen)
{
	size_t i;

	if (!n || n % 2 || strspn(s, "0123456789abcdefABCDEF") != n)
		return cv_why(why, whylen, "0x needs an even number of hex "
			      "digits");
	if (chunk_alloc(psk, n / 2))
		return -ENOMEM;
	for (i = 0; i < n / 2; i++)
		psk->ptr[i] = (uint8_t)(OPENSSL_hexchar2int(s[2 * i]) << 4 |
					OPENSSL_hexchar2int(s[2 * i + 1]));
	return 0;
}

static int psk_base64(const char *s, size_t n, struct chunk *psk,
		      char *why, size_t whylen)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t pad = 0;
	int got;

	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	if (!n || n % 4 || strspn(s, b64) != n - pad || n == pad)
		return cv_why(why, whylen, "0s needs base64");
	if (chunk_alloc(psk, n / 4 * 3))
		return -ENOMEM;
	/* EVP_DecodeBlock counts the '=' padding as zero bytes. */
	got = EVP_DecodeBlock(psk->ptr, (const unsigned char *)s, (int)n);
	if (got < 0 || (size_t)got != psk->len) {
		chunk_clear(psk);
		return cv_why(why, whylen, "0s needs base64");
	}
	psk->len -= pad;	/* the padding's bytes are still wiped */
	return 0;
}

/*
 * swanctl's secret forms: 0x hex, 0s base64, otherwise the characters
 * themselves. A quoted value is always literal so that a passphrase may
 * start with "0x". No message shows any part of the value.
 */
int cv_psk(const struct config_item *it, void *field, size_t size,
	   char *why, size_t whylen)
{
	struct chunk *psk = field;

	(void)size;
	chunk_clear(psk);
	if (!it->len)
		return cv_why(why, whylen, "empty");
	if (!it->quoted && it->len >= 2 && it->s[0] == '0' && it->s[1] == 'x')
		return psk_hex(it->s + 2, it->len - 2, psk, why, whylen);
	if (!it->quoted && it->len >= 2 && it->s[0] == '0' && it->s[1] == 's')
		return psk_base64(it->s + 2, it->len - 2, psk, why, whylen);
	return chunk_dup(psk, it->s, it->len);
}

/* "prefix/len" or a bare address (one host), IPv4 or IPv6. */
int cv_ts(const struct config_item *it, void *field, size_t size,
	  char *why, size_t whylen)
{
	struct ts_prefix *ts = field;
	char addr[INET6_ADDRSTRLEN + 1], *slash;
	unsigned int bits, b;
	size_t n;

	(void)size;
	memset(ts, 0, sizeof(*ts));
	slash = strchr(it->s, '/');
	n = slash ? (size_t)(slash - it->s) : it->len;
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, it->s, n);
	addr[n] = '\0';
	ts->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	bits = ts->family == AF_INET ? 32 : 128;
	ts->plen = (uint8_t)bits;
	if (slash) {
		if (!digits(slash + 1, strlen(slash + 1)) ||
		    strlen(slash + 1) > 3 ||
		    strtoul(slash + 1, NULL, 10) > bits)
			goto bad;
		ts->plen = (uint8_t)strtoul(slash + 1, NULL, 10);
	}
	if (inet_pton(ts->family, addr, ts->addr) != 1)
		goto bad;
	/* 10.1.2.3/24 is more likely a typo than a wish for 10.1.2.0/24:
	 * say so rather than guess. */
	for (b = ts->plen; b < bits; b++)
		if (ts->addr[b / 8] & (0x80 >> (b % 8)))
			return cv_why(why, whylen, "'%s' has host bits set",
				      it->s);
	return 0;
bad:
	return cv_why(why, whylen, "'%s' is not an IPv4 or IPv6 prefix",
		      it->s);
}
