// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_config.c - the configuration file parser (config.c and friends):
 * the documented example, every ID, PSK and proposal form, the defaults,
 * each class of refusal with its message and line, that no message
 * shows a psk, the lookups and reference counting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "crypto/dh.h"
#include "crypto/transform.h"
#include "testutil.h"

#define ENCR_NULL 11	/* RFC 4303 NULL encryption, ESP only */

static char errbuf[1024];

/* @text as a file, through config_load(); the file is gone afterwards. */
static int load(const char *text, struct acikd_config **cfg)
{
	char path[] = "/tmp/acikd-test-config-XXXXXX";
	size_t len = strlen(text);
	int fd, ret;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	ret = config_load(path, cfg, errbuf, sizeof(errbuf));
	unlink(path);
	return ret;
}

static struct acikd_config *load_ok(const char *text)
{
	struct acikd_config *cfg = NULL;

	if (load(text, &cfg)) {
		print_error("unexpected refusal: %s\n", errbuf);
		fail();
	}
	assert_non_null(cfg);
	return cfg;
}

/* The file must be refused with @want in the message, on @line (0: any). */
static void load_bad(const char *text, const char *want, unsigned int line)
{
	struct acikd_config *cfg = (void *)1;
	char at[32];

	errbuf[0] = '\0';
	assert_int_equal(load(text, &cfg), -EINVAL);
	assert_null(cfg);
	if (!strstr(errbuf, want)) {
		print_error("message \"%s\" lacks \"%s\"\n", errbuf, want);
		fail();
	}
	snprintf(at, sizeof(at), ":%u: ", line);
	if (line && !strstr(errbuf, at)) {
		print_error("message \"%s\" is not on line %u\n", errbuf, line);
		fail();
	}
}

/* A complete connection, with @extra settings inside it. */
#define CONN(name, extra)						\
	"  " name " {\n"						\
	"    local_addrs = 192.0.2.1\n"					\
	"    remote_addrs = 198.51.100.1\n"				\
	"    remote { id = " name ".acct1.ipsec.example.com }\n"	\
	"    psk = \"sekrit-" name "\"\n"				\
	"    actun { dev = ac0  tunnel = " name " }\n"			\
	extra								\
	"  }\n"
#define ONE(extra) "connections {\n" CONN("c1", extra) "}\n"

#include "config/files.inc"

static void assert_addr(const struct sockaddr_in *sin, const char *want)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, want, &a), 1);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(sin->sin_port, 0);
	assert_int_equal(sin->sin_addr.s_addr, a.s_addr);
}

static void assert_id(const struct ike_id *id, uint8_t type, const char *s)
{
	assert_int_equal(id->type, type);
	assert_int_equal(id->data.len, strlen(s));
	assert_memory_equal(id->data.ptr, s, strlen(s));
}

static void test_example(void **state)
{
	struct acikd_config *cfg = load_ok(example);
	const struct ike_proposal *p;
	const struct conn *c;

	(void)state;
	assert_string_equal(cfg->ctl_path, "/run/acikd.ctl");
	assert_int_equal(cfg->half_open_cookie_threshold, 100);
	assert_int_equal(cfg->keepalive_seconds, 20);
	assert_int_equal(cfg->workers, 1);
	assert_int_equal(cfg->n_conns, 1);
	c = cfg->conns[0];
	assert_string_equal(c->name, "cust1");
	assert_int_equal(c->refs, 1);
	assert_addr(&c->local, "192.0.2.1");
	assert_addr(&c->remote, "198.51.100.1");
	assert_int_equal(c->local_id.type, IKE_ID_IPV4_ADDR);
	assert_chunk_hex(c->local_id.data, "c0000201");
	assert_id(&c->remote_id, IKE_ID_RFC822_ADDR,
		  "ipsec@tun1.acct1.ipsec.example.com");
	assert_int_equal(c->psk.len, 10);
	assert_memory_equal(c->psk.ptr, "secret-psk", 10);

	assert_int_equal(c->n_ike, 2);
	p = &c->ike[0];
	assert_int_equal(p->n_encr, 1);
	assert_int_equal(p->encr[0], ENCR_AES_GCM_16);
	assert_int_equal(p->encr_keybits[0], 256);
	assert_int_equal(p->n_integ, 0);
	assert_int_equal(p->n_prf, 1);
	assert_int_equal(p->prf[0], PRF_HMAC_SHA2_384);
	assert_int_equal(p->n_dh, 1);
	assert_int_equal(p->dh[0], DH_GROUP_ECP_384);
	p = &c->ike[1];
	assert_int_equal(p->encr[0], ENCR_AES_CBC);
	assert_int_equal(p->encr_keybits[0], 256);
	assert_int_equal(p->n_integ, 1);
	assert_int_equal(p->integ[0], AUTH_HMAC_SHA2_256_128);
	assert_int_equal(p->n_prf, 1);
	assert_int_equal(p->prf[0], PRF_HMAC_SHA2_256);
	assert_int_equal(p->dh[0], DH_GROUP_MODP_2048);

	assert_int_equal(c->n_esp, 3);
	p = &c->esp[0];
	assert_int_equal(p->encr[0], ENCR_AES_GCM_16);
	assert_int_equal(p->encr_keybits[0], 256);
	assert_int_equal(p->n_prf, 0);
	assert_int_equal(p->n_dh, 1);
	assert_int_equal(p->dh[0], DH_GROUP_ECP_384);
	p = &c->esp[1];
	assert_int_equal(p->encr[0], ENCR_AES_CBC);
	assert_int_equal(p->encr_keybits[0], 128);
	assert_int_equal(p->integ[0], AUTH_HMAC_SHA1_96);
	assert_int_equal(p->dh[0], DH_GROUP_MODP_1536);
	p = &c->esp[2];
	assert_int_equal(p->n_encr, 1);
	assert_int_equal(p->n_dh, 0);	/* no PFS */

	assert_int_equal(c->n_local_ts, 1);
	assert_int_equal(c->local_ts[0].family, AF_INET);
	assert_int_equal(c->local_ts[0].plen, 0);
	assert_int_equal(c->n_remote_ts, 2);
	assert_int_equal(c->remote_ts[0].family, AF_INET);
	assert_int_equal(c->remote_ts[0].plen, 24);
	assert_memory_equal(c->remote_ts[0].addr, "\xcb\x00\x71\x00", 4);
	assert_int_equal(c->remote_ts[1].family, AF_INET6);
	assert_int_equal(c->remote_ts[1].plen, 48);
	assert_memory_equal(c->remote_ts[1].addr,
			    "\x20\x01\x0d\xb8\xca\xfe\0\0\0\0\0\0\0\0\0\0", 16);
	assert_string_equal(c->actun_dev, "ac0");
	assert_string_equal(c->actun_tunnel, "cust1");
	assert_int_equal(c->rekey_seconds, 4 * 3600);
	assert_int_equal(c->dpd_seconds, 30);
	assert_int_equal(c->dpd_timeout_seconds, 150);
	assert_true(c->fragmentation);
	assert_false(c->allow_null);
	assert_false(c->initiate);
	config_free(cfg);
}

static void test_id_forms(void **state)
{
	static const struct {
		const char *written;
		uint8_t type;
		const char *data;	/* NULL: 4 address bytes */
	} cases[] = {
		{ "198.51.100.1", IKE_ID_IPV4_ADDR, NULL },
		{ "ipv4:198.51.100.1", IKE_ID_IPV4_ADDR, NULL },
		{ "ipsec@tun1.acct1.ipsec.example.com", IKE_ID_RFC822_ADDR,
		  "ipsec@tun1.acct1.ipsec.example.com" },
		{ "email:ipsec@tun1", IKE_ID_RFC822_ADDR, "ipsec@tun1" },
		{ "fqdn:tun1.acct1.ipsec.example.com", IKE_ID_FQDN,
		  "tun1.acct1.ipsec.example.com" },
		{ "tun1.acct1.ipsec.example.com", IKE_ID_FQDN,
		  "tun1.acct1.ipsec.example.com" },
		{ "@tun1", IKE_ID_FQDN, "tun1" },
		{ "keyid:acct1_tun1", IKE_ID_KEY_ID, "acct1_tun1" },
		{ "\"keyid:acct1 tun1\"", IKE_ID_KEY_ID, "acct1 tun1" },
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct acikd_config *cfg;
		const struct conn *c;

		snprintf(text, sizeof(text), "connections { c {\n"
			 " local_addrs = 192.0.2.1\n remote_addrs = 198.51.100.1\n"
			 " local { id = %s }\n remote { id = %s }\n psk = x\n"
			 " actun { dev = ac0 tunnel = t }\n} }\n",
			 cases[i].written, cases[i].written);
		cfg = load_ok(text);
		c = cfg->conns[0];
		if (cases[i].data) {
			assert_id(&c->remote_id, cases[i].type, cases[i].data);
			assert_id(&c->local_id, cases[i].type, cases[i].data);
		} else {
			assert_int_equal(c->remote_id.type, cases[i].type);
			assert_chunk_hex(c->remote_id.data, "c6336401");
		}
		config_free(cfg);
	}
}

static void test_psk_forms(void **state)
{
	static const struct { const char *written, *hex; } cases[] = {
		{ "0x0011aabb", "0011aabb" },
		{ "0xAaBb", "aabb" },
		{ "0sAAEC", "000102" },
		{ "0sAAE=", "0001" },
		{ "0sAA==", "00" },
		{ "\"a string\"", "6120737472696e67" },
		{ "\"0x12\"", "30783132" },	/* quoted: literal */
		{ "\"q\\\"\\\\\"", "71225c" },	/* "q\"\\" */
		{ "plain", "706c61696e" },
	};
	char text[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct acikd_config *cfg;

		snprintf(text, sizeof(text), "connections { c {\n"
			 " local_addrs = 192.0.2.1\n remote { id = a.b }\n"
			 " remote_addrs = 198.51.100.1\n psk = %s\n"
			 " actun { dev = ac0 tunnel = t }\n} }\n",
			 cases[i].written);
		cfg = load_ok(text);
		assert_chunk_hex(cfg->conns[0]->psk, cases[i].hex);
		config_free(cfg);
	}
}

static void test_proposal_forms(void **state)
{
	struct acikd_config *cfg;
	const struct ike_proposal *p;

	(void)state;
	cfg = load_ok(ONE(
		"    proposals = aes256gcm16-aes128gcm16-prfsha512-prfsha256-"
		"ecp384-modp2048-modp1536\n"
		"    esp_proposals = aes256-aes128-sha256-sha1-noesn-ecp384-none,"
		" null-sha256, aes128gcm16-modp2048\n"
		"    allow_null = yes\n"));
	p = &cfg->conns[0]->ike[0];
	assert_int_equal(cfg->conns[0]->n_ike, 1);
	assert_int_equal(p->n_encr, 2);
	assert_int_equal(p->encr_keybits[0], 256);
	assert_int_equal(p->encr_keybits[1], 128);
	assert_int_equal(p->n_prf, 2);
	assert_int_equal(p->prf[0], PRF_HMAC_SHA2_512);
	assert_int_equal(p->prf[1], PRF_HMAC_SHA2_256);
	assert_int_equal(p->n_dh, 3);
	assert_int_equal(p->dh[2], DH_GROUP_MODP_1536);
	p = &cfg->conns[0]->esp[0];
	assert_int_equal(p->n_encr, 2);
	assert_int_equal(p->encr[1], ENCR_AES_CBC);
	assert_int_equal(p->encr_keybits[1], 128);
	assert_int_equal(p->n_integ, 2);
	assert_int_equal(p->integ[1], AUTH_HMAC_SHA1_96);
	assert_int_equal(p->n_dh, 2);	/* ecp384, or no PFS */
	assert_int_equal(p->dh[0], DH_GROUP_ECP_384);
	assert_int_equal(p->dh[1], 0);
	p = &cfg->conns[0]->esp[1];
	assert_int_equal(p->encr[0], ENCR_NULL);
	assert_int_equal(p->integ[0], AUTH_HMAC_SHA2_256_128);
	assert_int_equal(p->n_dh, 0);
	assert_true(cfg->conns[0]->allow_null);
	config_free(cfg);
}

static void test_defaults(void **state)
{
	struct acikd_config *cfg = load_ok(ONE(""));
	const struct conn *c = cfg->conns[0];
	const struct ike_proposal *p;
	unsigned int i;

	(void)state;
	assert_string_equal(cfg->ctl_path, "/run/acikd.ctl");
	assert_int_equal(cfg->half_open_cookie_threshold, 100);
	assert_int_equal(c->rekey_seconds, 14400);
	assert_int_equal(c->dpd_seconds, 30);
	assert_int_equal(c->dpd_timeout_seconds, 150);
	assert_true(c->fragmentation);
	assert_int_equal(c->fragment_size, 1280);
	assert_false(c->allow_null);
	assert_false(c->initiate);
	/* The local id defaults to the local address. */
	assert_int_equal(c->local_id.type, IKE_ID_IPV4_ADDR);
	assert_chunk_hex(c->local_id.data, "c0000201");
	/* Traffic selectors: everything on our side, the peer on its. */
	assert_int_equal(c->n_local_ts, 1);
	assert_int_equal(c->local_ts[0].plen, 0);
	assert_int_equal(c->n_remote_ts, 1);
	assert_int_equal(c->remote_ts[0].plen, 32);
	assert_memory_equal(c->remote_ts[0].addr, "\xc6\x33\x64\x01", 4);

	/* IKE: GCM 256/128 with every PRF and group, then aes256-sha256. */
	assert_int_equal(c->n_ike, 2);
	p = &c->ike[0];
	assert_int_equal(p->n_encr, 2);
	assert_int_equal(p->encr[0], ENCR_AES_GCM_16);
	assert_int_equal(p->encr_keybits[0], 256);
	assert_int_equal(p->encr_keybits[1], 128);
	assert_int_equal(p->n_integ, 0);
	assert_int_equal(p->n_prf, 3);
	assert_int_equal(p->n_dh, 3);
	assert_int_equal(p->dh[0], DH_GROUP_ECP_384);
	assert_int_equal(p->dh[1], DH_GROUP_MODP_2048);
	assert_int_equal(p->dh[2], DH_GROUP_MODP_1536);
	p = &c->ike[1];
	assert_int_equal(p->n_encr, 1);
	assert_int_equal(p->encr[0], ENCR_AES_CBC);
	assert_int_equal(p->encr_keybits[0], 256);
	assert_int_equal(p->integ[0], AUTH_HMAC_SHA2_256_128);
	assert_int_equal(p->n_prf, 3);
	assert_int_equal(p->n_dh, 3);

	/* ESP: GCM, then CBC 256/128 with sha256/sha1; PFS optional. */
	assert_int_equal(c->n_esp, 2);
	for (i = 0; i < 2; i++) {
		p = &c->esp[i];
		assert_int_equal(p->n_encr, 2);
		assert_int_equal(p->n_prf, 0);
		assert_int_equal(p->n_dh, 4);
		assert_int_equal(p->dh[3], 0);
	}
	assert_int_equal(c->esp[0].encr[0], ENCR_AES_GCM_16);
	assert_int_equal(c->esp[0].n_integ, 0);
	assert_int_equal(c->esp[1].encr[0], ENCR_AES_CBC);
	assert_int_equal(c->esp[1].n_integ, 2);
	assert_int_equal(c->esp[1].integ[0], AUTH_HMAC_SHA2_256_128);
	assert_int_equal(c->esp[1].integ[1], AUTH_HMAC_SHA1_96);
	config_free(cfg);

	/* Other settings. */
	cfg = load_ok("acikd { control = /tmp/x.ctl cookie-threshold = 0 "
		      "dh-reuse = 300 keepalive = 0 workers = 64 }\n"
		      ONE("    rekey_time = 90m dpd_delay = 1m dpd_timeout = 1d\n"
			  "    fragmentation = no initiate = true\n"
			  "    fragment_size = 1400\n"
			  "    local { id = fqdn:edge.example.com auth = psk }\n"));
	c = cfg->conns[0];
	assert_string_equal(cfg->ctl_path, "/tmp/x.ctl");
	assert_int_equal(cfg->half_open_cookie_threshold, 0);
	assert_int_equal(cfg->dh_reuse_seconds, 300);
	assert_int_equal(cfg->keepalive_seconds, 0);
	assert_int_equal(cfg->workers, 64);
	assert_int_equal(c->rekey_seconds, 5400);
	assert_int_equal(c->dpd_seconds, 60);
	assert_int_equal(c->dpd_timeout_seconds, 86400);
	assert_false(c->fragmentation);
	assert_int_equal(c->fragment_size, 1400);
	assert_true(c->initiate);
	assert_id(&c->local_id, IKE_ID_FQDN, "edge.example.com");
	config_free(cfg);

	/* An empty file is a configuration without connections. */
	cfg = load_ok("# nothing\n");
	assert_int_equal(cfg->n_conns, 0);
	config_free(cfg);
}

struct refusal {
	const char *text;
	const char *want;
	unsigned int line;
};

/* Each class of refusal: its message and the line it names. */
static void test_refusals(void **state)
{
	static const struct refusal cases[] = {
#include "config/refusals.inc"
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("refusal %zu: %s\n", i, cases[i].want);
		load_bad(cases[i].text, cases[i].want, cases[i].line);
	}
}

static void test_file_errors(void **state)
{
	struct acikd_config *cfg = (void *)1;
	char path[] = "/tmp/acikd-test-config-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(config_load("/nonexistent/acikd.conf", &cfg, errbuf,
				     sizeof(errbuf)), -ENOENT);
	assert_null(cfg);
	assert_non_null(strstr(errbuf, "/nonexistent/acikd.conf: "));
	assert_int_equal(config_load("/tmp", &cfg, errbuf, sizeof(errbuf)),
			 -EINVAL);
	assert_non_null(strstr(errbuf, "not a regular file"));

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "acikd {\0}", 9), 9);
	close(fd);
	assert_int_equal(config_load(path, &cfg, errbuf, sizeof(errbuf)),
			 -EINVAL);
	assert_non_null(strstr(errbuf, "NUL byte"));
	/* No message buffer: still refused, nothing written. */
	assert_int_equal(config_load(path, &cfg, NULL, 0), -EINVAL);
	unlink(path);
}

/* More connections than CONFIG_MAX_CONNS (4096). */
static void test_too_many_conns(void **state)
{
	size_t cap = 4200 * 200, len = 0;
	char *text = malloc(cap);
	unsigned int i;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len, "connections {\n");
	for (i = 0; i < 4097; i++)
		len += (size_t)snprintf(text + len, cap - len,
			"c%u { local_addrs = 192.0.2.1 remote_ts = 10.0.0.0/8 "
			"remote { id = keyid:%u } psk = x "
			"actun { dev = ac0 tunnel = t%u } }\n", i, i, i);
	snprintf(text + len, cap - len, "}\n");
	load_bad(text, "too many connections (at most 4096)", 4098);
	free(text);
}

/* No message may show any part of a psk, whatever goes wrong near it. */
static void test_psk_never_shown(void **state)
{
	static const char *const cases[] = {
		"connections { c { psk = 0xSECRETHEX } }\n",
		"connections { c { psk = 0sSECRET*B64 } }\n",
		"connections { c { psk = 0sSECRETB64= } }\n",
		"connections { c { psk = SECRETWORD OTHERSECRET } }\n",
		"connections { c { psk = \"SECRET STRING\" SECRETWORD } }\n",
		"connections { c { psk = SECRETWORD, SECRETWORD } }\n",
		"connections { c { psk = SECRETWORD = x } }\n",
		"connections { c { psk =\n SECRETWORD\n SECRETWORD { } } }\n",
		"connections { c { psk = \"SECRET\n",
		"connections { c { psk = SECRETWORD }\n c { } }\n",
		"connections { c { psk = SECRETWORD\n remote_ts = x } }\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct acikd_config *cfg;

		errbuf[0] = '\0';
		assert_int_equal(load(cases[i], &cfg), -EINVAL);
		print_message("%s\n", errbuf);
		assert_true(errbuf[0]);
		assert_null(strstr(errbuf, "SECRET"));
	}
}

static struct sockaddr_in sin4(const char *s)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(4500) };

	assert_int_equal(inet_pton(AF_INET, s, &sin.sin_addr), 1);
	return sin;
}

static struct ike_id id_str(uint8_t type, const char *s)
{
	return (struct ike_id){ type, chunk_from(s, strlen(s)) };
}

static void test_find_by_ids(void **state)
{
	struct acikd_config *cfg = load_ok(lookup_conf);
	struct sockaddr_in l = sin4("192.0.2.1"), l2 = sin4("192.0.2.9");
	struct sockaddr_in r1 = sin4("198.51.100.1"), r2 = sin4("198.51.100.2");
	struct sockaddr_in r9 = sin4("203.0.113.9");
	struct ike_id tun1 = id_str(IKE_ID_RFC822_ADDR,
				    "ipsec@tun1.acct1.ipsec.example.com");
	struct ike_id tun1_upper = id_str(IKE_ID_RFC822_ADDR,
					  "IPSEC@TUN1.acct1.ipsec.example.com");
	struct ike_id tun4 = id_str(IKE_ID_FQDN, "tun4.acct1.ipsec.example.com");
	struct ike_id tun4_key = id_str(IKE_ID_KEY_ID,
					"tun4.acct1.ipsec.example.com");
	struct ike_id edge = id_str(IKE_ID_FQDN, "edge.example.com");
	struct ike_id other = id_str(IKE_ID_FQDN, "other.example.com");
	struct ike_id v4 = { IKE_ID_IPV4_ADDR,
			     chunk_from("\xc6\x33\x64\x02", 4) };
	struct conn *c;

	(void)state;
	/* The exact connection beats the earlier catch-all. */
	c = config_find_by_ids(cfg, &l, &r1, &tun1, NULL);
	assert_non_null(c);
	assert_string_equal(c->name, "exact1");
	assert_int_equal(c->refs, 2);
	conn_put(c);
	assert_int_equal(c->refs, 1);
	/* Another local address or peer address: only the catch-all. */
	c = config_find_by_ids(cfg, &l2, &r1, &tun1, &edge);
	assert_non_null(c);
	assert_string_equal(c->name, "any1");
	conn_put(c);
	c = config_find_by_ids(cfg, &l, &r9, &tun1_upper, NULL);
	assert_non_null(c);
	assert_string_equal(c->name, "any1");
	conn_put(c);
	/* IDr must be ours when the peer sends it. */
	assert_null(config_find_by_ids(cfg, &l, &r1, &tun1, &other));
	/* An IPv4 ID: address and ID. */
	c = config_find_by_ids(cfg, &l, &r2, &v4, NULL);
	assert_non_null(c);
	assert_string_equal(c->name, "v4");
	conn_put(c);
	assert_null(config_find_by_ids(cfg, &l, &r1, &v4, NULL));
	/* remote %any: any peer address; the type must match too. */
	c = config_find_by_ids(cfg, &l, &r9, &tun4, NULL);
	assert_non_null(c);
	assert_string_equal(c->name, "fq");
	conn_put(c);
	assert_null(config_find_by_ids(cfg, &l2, &r9, &tun4, NULL));
	assert_null(config_find_by_ids(cfg, &l, &r9, &tun4_key, NULL));
	assert_null(config_find_by_ids(cfg, &l, &r9, &other, NULL));
	assert_null(config_find_by_ids(NULL, &l, &r9, &other, NULL));
	config_free(cfg);
}

static void test_find_by_addrs(void **state)
{
	struct acikd_config *cfg = load_ok(lookup_conf);
	struct sockaddr_in l = sin4("192.0.2.1"), l2 = sin4("192.0.2.9");
	struct sockaddr_in r1 = sin4("198.51.100.1"), r2 = sin4("198.51.100.2");
	struct sockaddr_in r9 = sin4("203.0.113.9");
	const struct conn *c;

	(void)state;
	c = config_find_by_addrs(cfg, &l, &r1);
	assert_non_null(c);
	assert_string_equal(c->name, "exact1");
	assert_int_equal(c->refs, 1);	/* no reference taken */
	c = config_find_by_addrs(cfg, &l, &r2);
	assert_string_equal(c->name, "v4");
	/* any1 and fq both fit: fq's exact local address wins. */
	c = config_find_by_addrs(cfg, &l, &r9);
	assert_string_equal(c->name, "fq");
	c = config_find_by_addrs(cfg, &l2, &r9);
	assert_string_equal(c->name, "any1");
	config_free(cfg);

	/* Equally good: the first in the file. */
	cfg = load_ok("connections {\n" CONN("c1", "") CONN("c2", "") "}\n");
	assert_string_equal(config_find_by_addrs(cfg, &l, &r1)->name, "c1");
	config_free(cfg);

	cfg = load_ok(ONE(""));
	assert_null(config_find_by_addrs(cfg, &l2, &r1));
	assert_null(config_find_by_addrs(cfg, &l, &r9));
	config_free(cfg);
}

/* A conn outlives the config while an SA holds it (ASan checks the
 * rest). */
static void test_refcount(void **state)
{
	struct acikd_config *cfg = load_ok(example);
	struct sockaddr_in l = sin4("192.0.2.1"), r = sin4("198.51.100.1");
	struct ike_id id = id_str(IKE_ID_RFC822_ADDR,
				  "ipsec@tun1.acct1.ipsec.example.com");
	struct conn *c, *c2;

	(void)state;
	c = config_find_by_ids(cfg, &l, &r, &id, NULL);
	assert_non_null(c);
	c2 = conn_get(c);
	assert_ptr_equal(c, c2);
	assert_int_equal(c->refs, 3);
	config_free(cfg);
	assert_int_equal(c->refs, 2);
	assert_string_equal(c->name, "cust1");
	assert_int_equal(c->psk.len, 10);
	conn_put(c2);
	conn_put(c);
	assert_null(conn_get(NULL));
	conn_put(NULL);
	config_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_id_forms),
		cmocka_unit_test(test_psk_forms),
		cmocka_unit_test(test_proposal_forms),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_too_many_conns),
		cmocka_unit_test(test_psk_never_shown),
		cmocka_unit_test(test_find_by_ids),
		cmocka_unit_test(test_find_by_addrs),
		cmocka_unit_test(test_refcount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
