// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kernel_smoke.c - kernel.c against the real actun module, driven by
 * selftests/acikd_kernel.sh, which checks the result with acctl. Not a
 * cmocka test (it needs the module and root): built by its own rule.
 *
 *	kernel_smoke DEV TUNNEL install SPI_IN SPI_OUT [SUITE] [first]
 *		[encap SPORT DPORT] [life SOFT HARD]
 *	kernel_smoke DEV TUNNEL remove SPI_IN SPI_OUT [last]
 *	kernel_smoke DEV TUNNEL expire SPI_IN SPI_OUT
 *		install with soft 1 s / hard 2 s lifetimes, wait (10 s at
 *		most) for both expiries of the pair, print "expired soft
 *		SPI_IN" and "expired hard SPI_IN" as the callback hears them,
 *		then remove what it installed (kernel_flush)
 *	kernel_smoke DEV TUNNEL flush SPI_IN SPI_OUT
 *		install two pairs (SPI_IN/SPI_OUT and +1/+1) with routes,
 *		then kernel_flush: nothing may be left
 *
 * SUITE: gcm128, gcm256 (default), cbc128-sha256, cbc256-sha256,
 * cbc128-sha1, cbc256-sha1. The routes are 10.99.0.0/16 and
 * 2001:db8:99::/48. Exit status 0 on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "kernel.h"

static const struct {
	const char *name;
	struct crypto_suite suite;
} suites[] = {
	{ "gcm128", { ENCR_AES_GCM_16, 128, AUTH_NONE, 0 } },
	{ "gcm256", { ENCR_AES_GCM_16, 256, AUTH_NONE, 0 } },
	{ "cbc128-sha256", { ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, 0 } },
	{ "cbc256-sha256", { ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, 0 } },
	{ "cbc128-sha1", { ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 0 } },
	{ "cbc256-sha1", { ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, 0 } },
};

/**
 * struct smoke - one run
 * @conn: names the device and tunnel, holds the routes
 * @c: the pair to install
 * @keys: key bytes (not secret here)
 * @soft, @hard: expiries heard
 */
struct smoke {
	struct conn conn;
	struct child_sa_install c;
	uint8_t keys[4][64];
	unsigned int soft, hard;
};

static void expired(void *arg, const char *tunnel, uint32_t spi_in, bool hard)
{
	struct smoke *s = arg;

	printf("expired %s 0x%08x tunnel %s\n", hard ? "hard" : "soft",
	       spi_in, tunnel);
	fflush(stdout);
	if (spi_in == s->c.spi_in)
		*(hard ? &s->hard : &s->soft) += 1;
}

static int setup(struct smoke *s, const char *dev, const char *tunnel)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->conn.actun_dev, sizeof(s->conn.actun_dev), "%s", dev);
	snprintf(s->conn.actun_tunnel, sizeof(s->conn.actun_tunnel), "%s",
		 tunnel);
	s->conn.remote_ts[0].family = AF_INET;
	inet_pton(AF_INET, "10.99.0.0", s->conn.remote_ts[0].addr);
	s->conn.remote_ts[0].plen = 16;
	s->conn.remote_ts[1].family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:99::", s->conn.remote_ts[1].addr);
	s->conn.remote_ts[1].plen = 48;
	s->conn.n_remote_ts = 2;
	s->c.conn = &s->conn;
	s->c.remote_ts = s->conn.remote_ts;
	s->c.n_remote_ts = s->conn.n_remote_ts;
	s->c.suite = suites[1].suite;
	return 0;
}

/* Keys of the lengths the suite takes, from a recognisable pattern. */
static int set_keys(struct smoke *s)
{
	size_t el, il, i, j;

	if (kernel_key_lengths(&s->c.suite, &el, &il))
		return -EOPNOTSUPP;
	for (i = 0; i < 4; i++)
		for (j = 0; j < sizeof(s->keys[i]); j++)
			s->keys[i][j] = (uint8_t)(0x11 * (i + 1) + j);
	s->c.encr_in = chunk_from(s->keys[0], el);
	s->c.integ_in = chunk_from(s->keys[1], il);
	s->c.encr_out = chunk_from(s->keys[2], el);
	s->c.integ_out = chunk_from(s->keys[3], il);
	return 0;
}

static int parse_u32(const char *arg, uint32_t *v)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 0);

	if (!*arg || *end || n > UINT32_MAX)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

static int suite_by_name(struct smoke *s, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (!strcmp(suites[i].name, name)) {
			s->c.suite = suites[i].suite;
			return 0;
		}
	return -1;
}

/* The optional words after "install SPI_IN SPI_OUT". */
static int parse_install(struct smoke *s, int argc, char **argv)
{
	uint32_t a, b;

	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "first")) {
			s->c.first = true;
		} else if (!strcmp(argv[0], "encap") && argc >= 3 &&
			   !parse_u32(argv[1], &a) && !parse_u32(argv[2], &b)) {
			s->c.encap = true;
			s->c.sport = (uint16_t)a;
			s->c.dport = (uint16_t)b;
			argc -= 2;
			argv += 2;
		} else if (!strcmp(argv[0], "life") && argc >= 3 &&
			   !parse_u32(argv[1], &a) && !parse_u32(argv[2], &b)) {
			s->c.soft_seconds = a;
			s->c.hard_seconds = b;
			argc -= 2;
			argv += 2;
		} else if (suite_by_name(s, argv[0])) {
			fprintf(stderr, "kernel_smoke: bad argument %s\n",
				argv[0]);
			return -1;
		}
	}
	return set_keys(s);
}

static int do_remove(struct kernel *k, struct smoke *s, bool last)
{
	struct child_sa_remove r = {
		.conn = &s->conn, .spi_in = s->c.spi_in,
		.spi_out = s->c.spi_out, .last = last,
		.remote_ts = s->conn.remote_ts,
		.n_remote_ts = s->conn.n_remote_ts,
	};

	return kernel_child_remove(k, &r);
}

/* Wait for the soft and the hard expiry of the pair, 10 s at most. */
static int do_expire(struct kernel *k, struct smoke *s)
{
	struct pollfd p = { .fd = k->mon_fd.fd, .events = POLLIN };
	int i, ret;

	s->c.first = true;
	s->c.soft_seconds = 1;
	s->c.hard_seconds = 2;
	if (set_keys(s) || kernel_child_install(k, &s->c))
		return 1;
	for (i = 0; i < 100 && !s->hard; i++) {
		if (poll(&p, 1, 100) < 0)
			return 1;
		ret = kernel_monitor_read(k);
		if (ret)
			return 1;
	}
	kernel_flush(k);
	/* in and out SAs both expire: each kind is reported once */
	return s->soft == 1 && s->hard == 1 ? 0 : 1;
}

static int do_flush(struct kernel *k, struct smoke *s)
{
	s->c.first = true;
	if (set_keys(s) || kernel_child_install(k, &s->c))
		return 1;
	s->c.first = false;
	s->c.spi_in++;
	s->c.spi_out++;
	if (kernel_child_install(k, &s->c))
		return 1;
	if (kernel_pairs(k) != 2)
		return 1;
	kernel_flush(k);
	return kernel_pairs(k) == 0 ? 0 : 1;
}

static int run(struct kernel *k, struct smoke *s, const char *cmd, int argc,
	       char **argv)
{
	if (!strcmp(cmd, "install"))
		return parse_install(s, argc, argv) ||
		       kernel_child_install(k, &s->c) ? 1 : 0;
	if (!strcmp(cmd, "remove"))
		return do_remove(k, s, argc > 0 && !strcmp(argv[0], "last")) ?
		       1 : 0;
	if (!strcmp(cmd, "expire"))
		return do_expire(k, s);
	if (!strcmp(cmd, "flush"))
		return do_flush(k, s);
	fprintf(stderr, "kernel_smoke: unknown command %s\n", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	struct smoke s;
	struct kernel k;
	int ret;

	if (argc < 6) {
		fprintf(stderr, "usage: kernel_smoke DEV TUNNEL {install|remove|expire|flush} SPI_IN SPI_OUT ...\n");
		return 2;
	}
	openlog("kernel_smoke", LOG_PERROR, LOG_USER);
	setup(&s, argv[1], argv[2]);
	if (parse_u32(argv[4], &s.c.spi_in) || parse_u32(argv[5], &s.c.spi_out)) {
		fprintf(stderr, "kernel_smoke: bad SPI\n");
		return 2;
	}
	if (kernel_open(&k, expired, &s))
		return 1;
	ret = run(&k, &s, argv[3], argc - 6, argv + 6);
	kernel_close(&k);
	return ret;
}
