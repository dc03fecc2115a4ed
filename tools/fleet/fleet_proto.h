/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What acikd tells acfleetd: the SAs and routes it installed in (PUT) or
 * removed from (DEL) its own actun, to be replicated to every edge.
 *
 * One message per SOCK_SEQPACKET datagram on acfleetd's socket
 * (acfleetd -s, default FLEET_SOCKET): a struct fleet_msg, then one
 * netlink attribute, the object exactly as actun takes it: an ACTUN_A_SA
 * nest (actun_sa_put(), keys included; for DEL its tunnel, direction and
 * SPI suffice) or an ACTUN_A_ROUTE nest (actun_route_put()). acfleetd
 * answers nothing: the socket is a one-way feed, so that acikd never waits
 * for the store. The socket carries keys: it is created mode 0600.
 */
#ifndef ACTUN_FLEET_PROTO_H
#define ACTUN_FLEET_PROTO_H

#include <stdint.h>

#define FLEET_SOCKET		"/run/actun/fleet.sock"
#define FLEET_PROTO_VERSION	1
/* The largest message: header and an SA with two 36-byte keys, rounded up. */
#define FLEET_MSG_MAX		1024

enum fleet_msg_op {
	FLEET_MSG_PUT = 1,
	FLEET_MSG_DEL = 2,
};

enum fleet_msg_kind {
	FLEET_OBJ_SA = 1,
	FLEET_OBJ_ROUTE = 2,
};

/**
 * struct fleet_msg - header of a message to acfleetd
 * @version: FLEET_PROTO_VERSION
 * @op: enum fleet_msg_op
 * @kind: enum fleet_msg_kind
 * @pad: zero
 * @dev: the actun device, NUL-terminated (every edge has the same devices)
 */
struct fleet_msg {
	uint8_t version;
	uint8_t op;
	uint8_t kind;
	uint8_t pad;
	char dev[16];
};

#endif
