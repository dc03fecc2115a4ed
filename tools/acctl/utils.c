// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * acctl: argument parsing helpers.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"

static int get_unsigned(unsigned long long *val, const char *arg,
			unsigned long long max)
{
	unsigned long long v;
	const char *digits = arg;
	char *end;
	int base = 10;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X')) {
		base = 16;
		digits = arg + 2;
	}
	/* strtoull would skip spaces and accept signs: refuse them first */
	if (!isxdigit((unsigned char)digits[0]) ||
	    (base == 10 && !isdigit((unsigned char)digits[0])))
		return -1;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end || v > max)
		return -1;
	*val = v;
	return 0;
}

int get_u32(uint32_t *val, const char *arg)
{
	unsigned long long v;

	if (get_unsigned(&v, arg, UINT32_MAX))
		return -1;
	*val = (uint32_t)v;
	return 0;
}

int get_u64(uint64_t *val, const char *arg)
{
	unsigned long long v;

	if (get_unsigned(&v, arg, UINT64_MAX))
		return -1;
	*val = (uint64_t)v;
	return 0;
}

int get_u16(uint16_t *val, const char *arg)
{
	unsigned long long v;

	if (get_unsigned(&v, arg, UINT16_MAX))
		return -1;
	*val = (uint16_t)v;
	return 0;
}

int get_u8(uint8_t *val, const char *arg)
{
	unsigned long long v;

	if (get_unsigned(&v, arg, UINT8_MAX))
		return -1;
	*val = (uint8_t)v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int get_hex(uint8_t *buf, size_t max, size_t *len, const char *arg)
{
	size_t n, i;
	int hi, lo;

	if (arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X'))
		arg += 2;
	n = strlen(arg);
	if (n == 0 || n % 2)
		return -1;
	if (n / 2 > max)
		return -2;
	for (i = 0; i < n / 2; i++) {
		hi = hex_digit(arg[2 * i]);
		lo = hex_digit(arg[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			explicit_bzero(buf, i);
			return -1;
		}
		buf[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

int get_addr(struct inet_addr *addr, const char *arg)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, arg, &addr->v4) == 1) {
		addr->family = AF_INET;
		addr->bitlen = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, &addr->v6) == 1) {
		addr->family = AF_INET6;
		addr->bitlen = 128;
		return 0;
	}
	return -1;
}

int get_prefix(struct inet_addr *addr, uint8_t *plen, const char *arg)
{
	char buf[INET6_ADDRSTRLEN + 4];
	const char *slash = strchr(arg, '/');
	size_t len;

	if (!slash)
		return -1;
	len = (size_t)(slash - arg);
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, arg, len);
	buf[len] = '\0';
	if (get_addr(addr, buf) || get_u8(plen, slash + 1) ||
	    *plen > addr->bitlen)
		return -1;
	return 0;
}

int invarg(const char *why, const char *arg)
{
	fprintf(stderr, "Error: argument \"%s\" is wrong: %s\n", arg, why);
	return -1;
}

int duparg(const char *key, const char *arg)
{
	fprintf(stderr, "Error: duplicate \"%s\": \"%s\" is the second value.\n",
		key, arg);
	return -1;
}

int missarg(const char *key)
{
	fprintf(stderr, "Error: argument \"%s\" is required.\n", key);
	return -1;
}

int incomplete_command(const char *object)
{
	fprintf(stderr,
		"Command line is not complete. Try \"acctl %s help\".\n",
		object);
	return -1;
}
