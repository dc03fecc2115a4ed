/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Records of replicated objects in the store's objects bucket.
 *
 * Key:   sa.DEV.TUNNEL.DIR.SPI          (DIR in|out, SPI 8 hex digits)
 *        route.DEV.TUNNEL.FAMILY.PREFIX.LEN   (FAMILY 4|6, PREFIX in hex)
 * Value: sealed (seal.h, associated data "actun-objects/KEY") plaintext:
 *        struct record_hdr || the object's netlink attribute, an
 *        ACTUN_A_SA or ACTUN_A_ROUTE nest exactly as actun takes it.
 *
 * The key is derived from the object itself; a record whose key is not
 * the one its content gives is refused, so a sealed record cannot be
 * replayed under another name (the associated data) nor say something
 * else than its name (this check).
 */
#ifndef ACTUN_FLEET_RECORD_H
#define ACTUN_FLEET_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "fleet_proto.h"

#define RECORD_KEY_LEN	128

/**
 * struct record_hdr - what precedes the object in a record's plaintext
 * @kind: enum fleet_msg_kind
 * @pad: zero
 * @dev: the actun device, NUL-terminated
 * @created_ms: when the publishing edge installed it, Unix time in ms, big
 *	endian: lifetimes run from here on every edge
 */
struct record_hdr {
	uint8_t kind;
	uint8_t pad[7];
	char dev[16];
	uint64_t created_ms;
};

/**
 * struct record - a record's parts, pointing into its plaintext
 * @kind: enum fleet_msg_kind
 * @dev: the device
 * @created_ms: host order
 * @nest: the netlink attribute
 * @nest_len: its length
 * @tunnel: the object's tunnel
 * @sa_dir: SA records: enum actun_sa_dir
 * @sa_spi: SA records: the SPI
 * @fleet: SA records: the fleet flag is set
 * @hard_seconds: SA records: the hard lifetime, 0 for none
 */
struct record {
	uint8_t kind;
	char dev[16];
	uint64_t created_ms;
	const uint8_t *nest;
	size_t nest_len;
	char tunnel[32];
	uint8_t sa_dir;
	uint32_t sa_spi;
	int fleet;
	uint64_t hard_seconds;
};

/**
 * record_parse() - check an object as acikd sent it or as a record holds
 *	it, and give its store key
 * @kind: enum fleet_msg_kind
 * @dev: the device name
 * @nest: the netlink attribute
 * @len: its length
 * @rec: filled (created_ms is left alone)
 * @key: the store key, RECORD_KEY_LEN bytes
 * @why: on failure, what is wrong
 *
 * Return: 0 or -1.
 */
int record_parse(uint8_t kind, const char *dev, const uint8_t *nest,
		 size_t len, struct record *rec, char *key, const char **why);

/**
 * record_open() - split an unsealed plaintext and check it against its key
 * Return: 0 or -1 with @why set.
 */
int record_open(const uint8_t *plain, size_t len, const char *key,
		struct record *rec, const char **why);

/* The store key of an SA: "sa.DEV.TUNNEL.DIR.SPI" (RECORD_KEY_LEN bytes). */
void record_sa_key(char *key, const char *dev, const char *tunnel,
		   uint8_t dir, uint32_t spi);

/* Wall clock in ms, the clock of struct record_hdr's created_ms. */
int64_t record_now_ms(void);

/* The store key's associated data for sealing: "actun-objects/KEY". */
void record_aad(char *aad, size_t len, const char *key);

#endif
