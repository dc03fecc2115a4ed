/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The fleet's configuration file (fleet.conf(5)): where the store is, who
 * this edge is, which server ids it may claim and for how long. Read by
 * acfleetd; one parser so that every program of an edge reads it alike.
 */
#ifndef ACTUN_FLEET_CONF_H
#define ACTUN_FLEET_CONF_H

#include <stdbool.h>
#include <stdint.h>

#define FLEET_MAX_SERVERS	16
#define FLEET_NAME_LEN		64
#define FLEET_URL_LEN		256
#define FLEET_PATH_LEN		256
#define FLEET_ERR_LEN		256

/**
 * struct fleet_conf - one edge's fleet settings
 * @servers: NATS URLs of the store's nodes (servers = URL, URL, ...)
 * @n_servers: how many
 * @name: this edge's name in the store's claim records (name =; default:
 *	the host name)
 * @id_min: lowest server id this edge may claim (server-ids = MIN-MAX)
 * @id_max: highest
 * @lease_s: the claim's lease in seconds, the claims bucket's TTL (lease =)
 * @replicas: replicas of a bucket the agent creates (replicas =, 1..5)
 * @timeout_ms: how long one store request may take (timeout =, in ms)
 * @key_file: the fleet key, 32 bytes, mode 0600 (key-file =); empty when
 *	not given
 */
struct fleet_conf {
	char servers[FLEET_MAX_SERVERS][FLEET_URL_LEN];
	int n_servers;
	char name[FLEET_NAME_LEN];
	uint16_t id_min;
	uint16_t id_max;
	unsigned int lease_s;
	unsigned int replicas;
	unsigned int timeout_ms;
	char key_file[FLEET_PATH_LEN];
};

/**
 * fleet_conf_load() - read and check a fleet.conf
 * @path: the file
 * @conf: filled with the defaults, then the file's settings
 * @err: on failure, "FILE:LINE: what is wrong"
 *
 * Return: 0, or -1 with @err set.
 */
int fleet_conf_load(const char *path, struct fleet_conf *conf,
		    char err[FLEET_ERR_LEN]);

#endif
