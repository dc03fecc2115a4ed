/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * acctl: argument parsing helpers and iproute2-style argument errors.
 * The error helpers print to stderr and return -1, so callers can
 * "return invarg(...)"; nothing exits, which keeps batch mode in charge.
 */
#ifndef ACCTL_UTILS_H
#define ACCTL_UTILS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/**
 * struct inet_addr - an IPv4 or IPv6 address as typed
 * @family: AF_INET or AF_INET6
 * @bitlen: 32 or 128
 */
struct inet_addr {
	int family;
	unsigned int bitlen;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* Decimal, or hexadecimal with 0x; no sign, spaces or junk; range-checked.
 * Return 0 or -1. */
int get_u64(uint64_t *val, const char *arg);
int get_u32(uint32_t *val, const char *arg);
int get_u16(uint16_t *val, const char *arg);
int get_u8(uint8_t *val, const char *arg);

/* Bytes in hex, an optional 0x and an even number (not 0) of digits, into
 * buf (at most max bytes, their number in *len). Returns 0, -1 for bad
 * syntax or -2 for more than max bytes; buf holds nothing on error. */
int get_hex(uint8_t *buf, size_t max, size_t *len, const char *arg);

/* An IPv4 or IPv6 address without prefix length. Return 0 or -1. */
int get_addr(struct inet_addr *addr, const char *arg);

/* ADDR/LEN with a required LEN of at most the address's bit length. */
int get_prefix(struct inet_addr *addr, uint8_t *plen, const char *arg);

/* Error: argument "ARG" is wrong: WHY */
int invarg(const char *why, const char *arg);
/* Error: duplicate "KEY": "ARG" is the second value. */
int duparg(const char *key, const char *arg);
/* Error: argument "KEY" is required. */
int missarg(const char *key);
/* Command line is not complete. Try "acctl OBJECT help". */
int incomplete_command(const char *object);

#endif /* ACCTL_UTILS_H */
