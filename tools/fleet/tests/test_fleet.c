// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_fleet.c - the fleet agent's pure parts: sealing (round trip, and
 * every way a record can fail to open), the fleet key file's checks, the
 * configuration file's refusals, record keys and the checks of a record's
 * content against its name, and the string set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <netlink/msg.h>
#include <netlink/attr.h>

#include <actun.h>

#include "fleet_conf.h"
#include "record.h"
#include "seal.h"
#include "strset.h"

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* @text into a new temporary file of mode @mode; its path in @path. */
static void tmpfile_with(char *path, const char *text, mode_t mode)
{
	int fd;

	strcpy(path, "/tmp/test_fleet.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void test_key_file(void **state)
{
	char path[64], err[256];
	struct fleet_key key;

	(void)state;
	tmpfile_with(path, KEY_HEX "\n", 0600);
	assert_int_equal(fleet_key_load(path, &key, err), 0);
	assert_int_equal(key.bytes[0], 0x00);
	assert_int_equal(key.bytes[31], 0x1f);
	chmod(path, 0640);
	assert_int_equal(fleet_key_load(path, &key, err), -1);
	assert_non_null(strstr(err, "mode 0600"));
	unlink(path);
	tmpfile_with(path, "00112233", 0600);
	assert_int_equal(fleet_key_load(path, &key, err), -1);
	assert_non_null(strstr(err, "64 hexadecimal digits"));
	unlink(path);
	tmpfile_with(path, KEY_HEX "00\n", 0600);
	assert_int_equal(fleet_key_load(path, &key, err), -1);
	unlink(path);
	assert_int_equal(fleet_key_load("/nonexistent/key", &key, err), -1);
}

static struct fleet_key test_key(uint8_t first)
{
	struct fleet_key k;
	int i;

	for (i = 0; i < SEAL_KEY_LEN; i++)
		k.bytes[i] = first + i;
	return k;
}

static void test_seal(void **state)
{
	struct fleet_key k = test_key(0), other = test_key(1);
	const uint8_t msg[] = "a child SA with its keys";
	uint8_t sealed[sizeof(msg) + SEAL_OVERHEAD], sealed2[sizeof(sealed)];
	uint8_t out[sizeof(msg)];
	int n;

	(void)state;
	n = seal(&k, "actun-objects/sa.ac0.t.out.00001001", msg, sizeof(msg),
		 sealed);
	assert_int_equal(n, (int)sizeof(sealed));
	assert_null(memmem(sealed, n, "child SA", 8));
	assert_int_equal(unseal(&k, "actun-objects/sa.ac0.t.out.00001001",
				sealed, n, out), (int)sizeof(msg));
	assert_memory_equal(out, msg, sizeof(msg));
	/* a fresh nonce each time */
	seal(&k, "x", msg, sizeof(msg), sealed2);
	assert_memory_not_equal(sealed + 1, sealed2 + 1, SEAL_NONCE_LEN);
	/* another name, another key, a truncated or altered record */
	assert_int_equal(unseal(&k, "actun-objects/sa.ac0.t.out.00001002",
				sealed, n, out), -1);
	assert_int_equal(unseal(&other, "actun-objects/sa.ac0.t.out.00001001",
				sealed, n, out), -1);
	assert_int_equal(unseal(&k, "actun-objects/sa.ac0.t.out.00001001",
				sealed, n - 1, out), -1);
	assert_int_equal(unseal(&k, "actun-objects/sa.ac0.t.out.00001001",
				sealed, SEAL_OVERHEAD - 1, out), -1);
	sealed[20] ^= 1;
	assert_int_equal(unseal(&k, "actun-objects/sa.ac0.t.out.00001001",
				sealed, n, out), -1);
	sealed[20] ^= 1;
	sealed[0] = 2;	/* an unknown version */
	assert_int_equal(unseal(&k, "actun-objects/sa.ac0.t.out.00001001",
				sealed, n, out), -1);
}

static int conf_from(const char *text, struct fleet_conf *conf, char *err)
{
	char path[64];
	int ret;

	tmpfile_with(path, text, 0644);
	ret = fleet_conf_load(path, conf, err);
	unlink(path);
	return ret;
}

static void test_conf(void **state)
{
	struct fleet_conf c;
	char err[FLEET_ERR_LEN];

	(void)state;
	assert_int_equal(conf_from("# a fleet\n"
				   "servers = nats://10.0.0.1:4222, nats://10.0.0.2:4222\n"
				   "name = edge-7\nserver-ids = 10-20\nlease = 6\n"
				   "key-file = /etc/actun/fleet.key\n", &c, err), 0);
	assert_int_equal(c.n_servers, 2);
	assert_string_equal(c.servers[1], "nats://10.0.0.2:4222");
	assert_string_equal(c.name, "edge-7");
	assert_int_equal(c.id_min, 10);
	assert_int_equal(c.id_max, 20);
	assert_int_equal(c.lease_s, 6);
	assert_int_equal(c.replicas, 3);
	assert_string_equal(c.key_file, "/etc/actun/fleet.key");

	assert_int_equal(conf_from("name = x\n", &c, err), -1);
	assert_non_null(strstr(err, "servers is required"));
	assert_int_equal(conf_from("servers = nats://a:1\nlaese = 3\n", &c, err), -1);
	assert_non_null(strstr(err, ":2: unknown key"));
	assert_int_equal(conf_from("servers = nats://a:1\nlease = 3\nlease = 4\n",
				   &c, err), -1);
	assert_non_null(strstr(err, ":3: key given twice"));
	assert_int_equal(conf_from("servers = nats://a:1\nserver-ids = 20-10\n",
				   &c, err), -1);
	assert_non_null(strstr(err, "MIN-MAX"));
	assert_int_equal(conf_from("servers = nats://a:1\nlease = 1\n", &c, err), -1);
	assert_int_equal(conf_from("servers = http://a:1\n", &c, err), -1);
	assert_int_equal(conf_from("servers = nats://a:1\nname = a.b\n", &c, err), -1);
	assert_int_equal(conf_from("servers = nats://a:1\nkey-file = fleet.key\n",
				   &c, err), -1);
	assert_int_equal(conf_from("servers = nats://a:1\nlease = 5\n", &c, err), -1);
	assert_non_null(strstr(err, "at most a third of the lease"));
	assert_int_equal(conf_from("servers = nats://a:1\nlease\n", &c, err), -1);
	assert_non_null(strstr(err, "key = value"));
}

/* An ACTUN_A_SA nest as acikd sends it; @fleet and @tunnel_id vary. */
static size_t sa_nest(uint8_t *buf, bool fleet, bool tunnel_id)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct actun_sa sa;
	size_t len;

	actun_sa_init(&sa);
	strcpy(sa.tunnel_name, "cust");
	actun_sa_mark(&sa, ACTUN_SA_A_TUNNEL_NAME);
	sa.dir = ACTUN_SA_DIR_OUT;
	actun_sa_mark(&sa, ACTUN_SA_A_DIR);
	sa.spi = 0x2001;
	actun_sa_mark(&sa, ACTUN_SA_A_SPI);
	sa.enc_alg = ACTUN_SA_ENC_GCM_AES_128;
	actun_sa_mark(&sa, ACTUN_SA_A_ENC_ALG);
	sa.hard_seconds = 3600;
	actun_sa_mark(&sa, ACTUN_SA_A_HARD_SECONDS);
	if (fleet)
		actun_sa_mark(&sa, ACTUN_SA_A_FLEET);
	if (tunnel_id) {
		sa.tunnel_id = 3;
		actun_sa_mark(&sa, ACTUN_SA_A_TUNNEL_ID);
	}
	assert_int_equal(actun_sa_put(msg, &sa), 0);
	len = nlmsg_datalen(nlmsg_hdr(msg));
	memcpy(buf, nlmsg_data(nlmsg_hdr(msg)), len);
	nlmsg_free(msg);
	return len;
}

static void test_record(void **state)
{
	uint8_t nest[256], plain[512];
	char key[RECORD_KEY_LEN];
	struct record_hdr hdr = { .kind = FLEET_OBJ_SA, .dev = "ac0" };
	struct record rec;
	const char *why;
	size_t len;

	(void)state;
	len = sa_nest(nest, true, false);
	assert_int_equal(record_parse(FLEET_OBJ_SA, "ac0", nest, len, &rec, key,
				      &why), 0);
	assert_string_equal(key, "sa.ac0.cust.out.00002001");
	assert_true(rec.fleet);
	assert_int_equal(rec.hard_seconds, 3600);
	/* the record of it opens under its own name only */
	memcpy(plain, &hdr, sizeof(hdr));
	memcpy(plain + sizeof(hdr), nest, len);
	assert_int_equal(record_open(plain, sizeof(hdr) + len,
				     "sa.ac0.cust.out.00002001", &rec, &why), 0);
	assert_int_equal(record_open(plain, sizeof(hdr) + len,
				     "sa.ac0.cust.out.00002002", &rec, &why), -1);
	assert_non_null(strstr(why, "does not match its name"));
	assert_int_equal(record_open(plain, sizeof(hdr) - 1, "x", &rec, &why), -1);
	/* trailing bytes, a wrong kind, a bad device name */
	assert_int_equal(record_parse(FLEET_OBJ_SA, "ac0", nest, len + 8, &rec,
				      key, &why), -1);
	assert_int_equal(record_parse(FLEET_OBJ_ROUTE, "ac0", nest, len, &rec,
				      key, &why), -1);
	assert_int_equal(record_parse(FLEET_OBJ_SA, "ac.0", nest, len, &rec,
				      key, &why), -1);
	/* not a fleet SA: no record of it opens */
	len = sa_nest(nest, false, false);
	memcpy(plain + sizeof(hdr), nest, len);
	assert_int_equal(record_open(plain, sizeof(hdr) + len,
				     "sa.ac0.cust.out.00002001", &rec, &why), -1);
	assert_non_null(strstr(why, "fleet SA"));
	/* tunnel ids differ per edge */
	len = sa_nest(nest, true, true);
	assert_int_equal(record_parse(FLEET_OBJ_SA, "ac0", nest, len, &rec, key,
				      &why), -1);
	assert_non_null(strstr(why, "tunnel ids"));
}

static void test_strset(void **state)
{
	struct strset s;
	char k[32];
	int i;

	(void)state;
	strset_init(&s);
	for (i = 0; i < 1000; i++) {
		snprintf(k, sizeof(k), "sa.ac0.t.out.%08x", i);
		assert_int_equal(strset_add(&s, k), 0);
	}
	assert_int_equal(strset_add(&s, "sa.ac0.t.out.00000007"), 0);
	assert_int_equal(s.n, 1000);
	assert_true(strset_has(&s, "sa.ac0.t.out.000003e7"));
	strset_del(&s, "sa.ac0.t.out.000003e7");
	assert_false(strset_has(&s, "sa.ac0.t.out.000003e7"));
	assert_int_equal(s.n, 999);
	strset_clear(&s);
	assert_false(strset_has(&s, "sa.ac0.t.out.00000001"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_seal),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_strset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
