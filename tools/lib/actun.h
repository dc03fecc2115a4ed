/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libactun: userspace client of the "actun" generic netlink family.
 *
 * Used by acctl and later by acikd, so nothing here prints: every failure
 * is returned as a negative errno and, when the caller passes one, a
 * struct actun_error that says where the error came from and carries the
 * kernel's extended ack (extack) message.
 *
 * Typical use:
 *
 *	struct actun_error err;
 *	struct actun_sock *s;
 *
 *	if (actun_netns_enter("blue", &err))	// optional, before opening
 *		...
 *	if (actun_sock_open(&s, &err))		// -ENOENT: module not loaded
 *		...
 *	actun_tunnel_dump(s, 0, print_one, NULL, &err);
 *	actun_sock_close(s);
 *
 * Conventions:
 *  - Functions return 0 on success or a negative errno.
 *  - "err" arguments may be NULL; when not NULL they are cleared on entry
 *    and filled on failure.
 *  - An ifindex of 0 means "no device": dumps then span every actun
 *    device of the socket's network namespace.
 *  - A socket is not thread safe; use one per thread. A socket that
 *    subscribed to notifications (actun_monitor_subscribe) should not be
 *    used for requests any more: open a second one for those.
 */
#ifndef ACTUN_LIB_H
#define ACTUN_LIB_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/actun.h>

struct nl_msg;
struct actun_sock;

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

#define ACTUN_ERRMSG_LEN	256

/**
 * enum actun_err_origin - who reported an error
 * @ACTUN_ERR_NONE: no error
 * @ACTUN_ERR_LOCAL: this library or a system call; msg describes it
 * @ACTUN_ERR_KERNEL: the kernel answered the request with an error;
 *	msg is its extack message, or "" when it sent none
 */
enum actun_err_origin {
	ACTUN_ERR_NONE,
	ACTUN_ERR_LOCAL,
	ACTUN_ERR_KERNEL,
};

/**
 * struct actun_error - a failed operation
 * @err: positive errno (0: no error)
 * @origin: enum actun_err_origin
 * @msg: NUL-terminated message without trailing period, possibly ""
 * @has_offs: the kernel named the offending attribute (NLMSGERR_ATTR_OFFS)
 * @offs: its byte offset from the start of the request's nlmsghdr
 * @attr: type of that attribute, 0 if it could not be found in the request
 * @nest: type of the attribute it is nested in (e.g. ACTUN_A_TUNNEL), 0 at
 *	the top level
 * @has_miss_type: the kernel named a missing attribute
 *	(NLMSGERR_ATTR_MISS_TYPE)
 * @miss_type: its type
 * @has_miss_nest: the missing attribute belongs in a nest
 *	(NLMSGERR_ATTR_MISS_NEST)
 * @miss_nest_offs: byte offset of that nest in the request
 * @miss_nest: type of that nest, 0 if it could not be found
 */
struct actun_error {
	int err;
	int origin;
	char msg[ACTUN_ERRMSG_LEN];
	bool has_offs;
	uint32_t offs;
	uint16_t attr;
	uint16_t nest;
	bool has_miss_type;
	uint32_t miss_type;
	bool has_miss_nest;
	uint32_t miss_nest_offs;
	uint16_t miss_nest;
};

/* Clear *err (no-op for NULL). */
void actun_error_clear(struct actun_error *err);

/* Fill *err with a local error; returns -errnum. err may be NULL. */
int actun_error_set(struct actun_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------ */
/* Network namespaces                                                 */
/* ------------------------------------------------------------------ */

/**
 * actun_netns_enter() - move the calling thread into a named netns
 * @name: a name as used by "ip netns": /run/netns/@name
 *
 * Call before actun_sock_open() and before resolving interface names.
 * Returns 0, -EINVAL for a name with '/' or "."/"..", or the errno of
 * open(2)/setns(2) (-ENOENT: no such namespace, -EPERM: not privileged).
 */
int actun_netns_enter(const char *name, struct actun_error *err);

/* ------------------------------------------------------------------ */
/* Socket and raw requests                                            */
/* ------------------------------------------------------------------ */

/**
 * actun_sock_open() - open a generic netlink socket for "actun"
 *
 * Resolves the family id and the "config" multicast group id, and enables
 * NETLINK_EXT_ACK and NETLINK_CAP_ACK where the kernel has them.
 * Returns 0 and sets *sockp, or:
 *   -ENOENT	the family is not registered (the actun module is not loaded)
 *   -EPROTO	the family exists but has no "config" multicast group
 *   other	socket or memory errors
 */
int actun_sock_open(struct actun_sock **sockp, struct actun_error *err);

/* Close a socket from actun_sock_open(); NULL is ignored. */
void actun_sock_close(struct actun_sock *sock);

/* The socket's file descriptor, to poll(2) for notifications. */
int actun_sock_fd(const struct actun_sock *sock);

/* The family's version as the kernel reports it (ACTUN_GENL_VERSION). */
uint32_t actun_sock_version(const struct actun_sock *sock);

/**
 * actun_msg_new() - start an "actun" request
 * @cmd: enum actun_cmd
 * @flags: extra nlmsg flags: NLM_F_ACK, NLM_F_DUMP, ...
 *
 * Returns a message with the generic netlink header in place, to be
 * filled with nla_put*() and passed to actun_request(); free it with
 * nlmsg_free(). NULL when out of memory.
 */
struct nl_msg *actun_msg_new(struct actun_sock *sock, uint8_t cmd, int flags);

/*
 * Called for each reply message of a request; returns 0, or a negative
 * errno that fails the request (the rest of the reply is still read and
 * dropped, so the socket stays usable).
 */
typedef int (*actun_msg_cb)(struct nl_msg *msg, void *arg);

/**
 * actun_request() - send a request and collect every reply
 * @req: from actun_msg_new(); still owned by the caller afterwards
 * @cb: called per reply message (may be NULL)
 *
 * Waits for the ACK (requests with NLM_F_ACK), the end of a dump
 * (NLM_F_DUMP) or an error. Kernel errors, including those a dump ends
 * with, fill @err with the extack message and offending attribute.
 * A dump the kernel marks inconsistent (NLM_F_DUMP_INTR) is read to its end
 * and returns -EINTR with origin ACTUN_ERR_LOCAL: the caller should start
 * it again. A request with neither flag returns after the first reply.
 */
int actun_request(struct actun_sock *sock, struct nl_msg *req,
		  actun_msg_cb cb, void *arg, struct actun_error *err);

/* ------------------------------------------------------------------ */
/* Tunnels                                                            */
/* ------------------------------------------------------------------ */

/* Presence bit of an enum actun_tunnel_attr in actun_tunnel_cfg.present. */
#define ACTUN_TUNNEL_F(attr)	(UINT64_C(1) << (attr))

/**
 * struct actun_tunnel_stats - ACTUN_TUNNEL_A_STATS
 * @present: bits (1 << enum actun_stats_attr) of the counters received
 */
struct actun_tunnel_stats {
	uint32_t present;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_drop_source;
	uint64_t rx_drop_proto;
	uint64_t rx_drop_header;
	uint64_t tx_drop_mtu;
	uint64_t tx_drop_outer_route;
	uint64_t rx_keepalives;
	uint64_t tx_drop_no_sa;
	uint64_t rx_drop_auth;
	uint64_t rx_drop_replay;
	uint64_t tx_drop_no_claim;
};

/**
 * struct actun_tunnel_cfg - every field of enum actun_tunnel_attr
 * @present: ACTUN_TUNNEL_F() bits of the fields that are set; flags
 *	(NO_KEY, NO_ADDR) are present bits without a value
 *
 * Addresses are in network byte order, everything else in host order.
 * Field meanings, ranges and defaults: see enum actun_tunnel_attr.
 */
struct actun_tunnel_cfg {
	uint64_t present;
	uint32_t id;
	char name[ACTUN_TUNNEL_NAMSIZ];
	uint8_t mode;		/* enum actun_tunnel_mode */
	struct in_addr local4;
	struct in_addr remote4;
	struct in6_addr local6;
	struct in6_addr remote6;
	uint32_t key;
	uint8_t ttl;
	uint8_t tos;
	uint32_t mtu;
	uint16_t mss;
	struct in_addr addr4;
	struct in6_addr addr6;
	uint8_t prefixlen;
	uint8_t allow_null;	/* 0 or 1, ipsec tunnels */
	uint8_t state;		/* enum actun_tunnel_state, read-only */
	uint32_t ifindex;	/* read-only */
	struct actun_tunnel_stats stats;	/* read-only */
};

static inline bool actun_tunnel_has(const struct actun_tunnel_cfg *cfg,
				    int attr)
{
	return cfg->present & ACTUN_TUNNEL_F(attr);
}

static inline void actun_tunnel_mark(struct actun_tunnel_cfg *cfg, int attr)
{
	cfg->present |= ACTUN_TUNNEL_F(attr);
}

/* "gre", "ipsec" / "up", "degraded", "down"; "unknown" for other values. */
const char *actun_mode_name(uint8_t mode);
const char *actun_state_name(uint8_t state);

/* Zero *cfg (nothing present). */
void actun_tunnel_cfg_init(struct actun_tunnel_cfg *cfg);

/**
 * actun_tunnel_put() - add an ACTUN_A_TUNNEL nest to a request
 *
 * Puts every present field except the read-only ones (STATE, IFINDEX,
 * STATS). Returns 0, -EINVAL for a name that is empty or too long, or
 * -EMSGSIZE when the message is full.
 */
int actun_tunnel_put(struct nl_msg *msg, const struct actun_tunnel_cfg *cfg);

/**
 * actun_tunnel_parse() - read a reply or notification into *cfg
 *
 * Reads the ACTUN_A_TUNNEL nest; when it has no ACTUN_TUNNEL_A_IFINDEX,
 * the top-level ACTUN_A_IFINDEX is used for cfg->ifindex. Unknown
 * attributes are ignored. Returns 0, -ENOMSG when the message has no
 * tunnel nest, or -EBADMSG when a known attribute is malformed.
 */
int actun_tunnel_parse(struct nl_msg *msg, struct actun_tunnel_cfg *cfg);

/**
 * actun_tunnel_new() - ACTUN_CMD_TUNNEL_NEW on device @ifindex
 *
 * @cfg needs NAME, MODE, LOCAL and REMOTE; ID and the rest are optional
 * (the kernel allocates the id and applies the defaults).
 */
int actun_tunnel_new(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *cfg,
		     struct actun_error *err);

/* ACTUN_CMD_TUNNEL_SET: @cfg names the tunnel (ID and/or NAME) and holds
 * the fields to change; NO_KEY / NO_ADDR remove the key / address. */
int actun_tunnel_set(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *cfg,
		     struct actun_error *err);

/* ACTUN_CMD_TUNNEL_DEL: only ID and NAME of @cfg are sent. */
int actun_tunnel_del(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *cfg,
		     struct actun_error *err);

/* ACTUN_CMD_TUNNEL_GET of one tunnel (ID and/or NAME of @which) into @out. */
int actun_tunnel_get(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_tunnel_cfg *which,
		     struct actun_tunnel_cfg *out, struct actun_error *err);

/* Called per tunnel; returns 0 to go on or a negative errno to stop. */
typedef int (*actun_tunnel_cb)(const struct actun_tunnel_cfg *cfg,
			       void *arg);

/* How often a dump marked inconsistent (NLM_F_DUMP_INTR) is restarted. */
#define ACTUN_DUMP_TRIES	5

/**
 * actun_tunnel_dump() - every tunnel of a device, or of all devices
 * @ifindex: the device, or 0 for every actun device of the namespace
 * @cb: called once per tunnel, in kernel order
 *
 * The whole dump is collected first and @cb only runs once a consistent
 * dump was read, so a dump the kernel marks interrupted is retried whole
 * (up to ACTUN_DUMP_TRIES times, then -EINTR). Returns 0, a kernel or
 * local error, or what @cb returned.
 */
int actun_tunnel_dump(struct actun_sock *sock, uint32_t ifindex,
		      actun_tunnel_cb cb, void *arg, struct actun_error *err);

/**
 * actun_tunnel_lookup() - find the one tunnel called @name in the netns
 *
 * Dumps all devices. Returns 0 and fills @out (with its ifindex),
 * -ENOENT (origin ACTUN_ERR_LOCAL) when no device has it, -ENOTUNIQ when
 * several have, -EPROTO when the kernel did not say which device, or the
 * dump's error.
 */
int actun_tunnel_lookup(struct actun_sock *sock, const char *name,
			struct actun_tunnel_cfg *out, struct actun_error *err);

/* ------------------------------------------------------------------ */
/* Routes                                                             */
/* ------------------------------------------------------------------ */

/* Presence bit of an enum actun_route_attr in actun_route_cfg.present. */
#define ACTUN_ROUTE_F(attr)	(UINT32_C(1) << (attr))

/**
 * struct actun_route_cfg - every field of enum actun_route_attr
 * @present: ACTUN_ROUTE_F() bits of the fields that are set
 * @tunnel_id: ACTUN_ROUTE_A_TUNNEL_ID
 * @tunnel_name: ACTUN_ROUTE_A_TUNNEL_NAME
 * @family: AF_INET or AF_INET6, also says which of @prefix4 / @prefix6
 * @prefix4: the prefix (AF_INET), network byte order
 * @prefix6: the prefix (AF_INET6)
 * @prefixlen: prefix length
 * @priority: lower is preferred
 * @weight: ECMP share
 * @ifindex: read-only: the device of a reply or notification (its
 *	top-level ACTUN_A_IFINDEX), 0 when unknown
 *
 * Field meanings, ranges and defaults: see enum actun_route_attr.
 */
struct actun_route_cfg {
	uint32_t present;
	uint32_t tunnel_id;
	char tunnel_name[ACTUN_TUNNEL_NAMSIZ];
	uint8_t family;
	union {
		struct in_addr prefix4;
		struct in6_addr prefix6;
	};
	uint8_t prefixlen;
	uint32_t priority;
	uint32_t weight;
	uint32_t ifindex;
};

static inline bool actun_route_has(const struct actun_route_cfg *cfg, int attr)
{
	return cfg->present & ACTUN_ROUTE_F(attr);
}

static inline void actun_route_mark(struct actun_route_cfg *cfg, int attr)
{
	cfg->present |= ACTUN_ROUTE_F(attr);
}

/* Zero *cfg (nothing present). */
void actun_route_cfg_init(struct actun_route_cfg *cfg);

/**
 * actun_route_put() - add an ACTUN_A_ROUTE nest to a request
 *
 * Puts every present field; PREFIX as 4 or 16 bytes by FAMILY (which must
 * then be present and AF_INET or AF_INET6). Returns 0, -EINVAL for a
 * tunnel name that is empty or too long or a prefix without a known
 * family, or -EMSGSIZE when the message is full.
 */
int actun_route_put(struct nl_msg *msg, const struct actun_route_cfg *cfg);

/**
 * actun_route_parse() - read a reply or notification into *cfg
 *
 * Reads the ACTUN_A_ROUTE nest and the top-level ACTUN_A_IFINDEX. Unknown
 * attributes are ignored. Returns 0, -ENOMSG when the message has no route
 * nest, or -EBADMSG when a known attribute is malformed.
 */
int actun_route_parse(struct nl_msg *msg, struct actun_route_cfg *cfg);

/**
 * actun_route_new() - ACTUN_CMD_ROUTE_NEW on device @ifindex
 *
 * @cfg needs FAMILY, PREFIX, PREFIXLEN and TUNNEL_ID or TUNNEL_NAME;
 * PRIORITY and WEIGHT are optional (the kernel's defaults).
 */
int actun_route_new(struct actun_sock *sock, uint32_t ifindex,
		    const struct actun_route_cfg *cfg,
		    struct actun_error *err);

/* ACTUN_CMD_ROUTE_DEL: only the prefix and the tunnel of @cfg are sent. */
int actun_route_del(struct actun_sock *sock, uint32_t ifindex,
		    const struct actun_route_cfg *cfg,
		    struct actun_error *err);

/* Called per route; returns 0 to go on or a negative errno to stop. */
typedef int (*actun_route_cb)(const struct actun_route_cfg *cfg, void *arg);

/**
 * actun_route_dump() - the routes of device @ifindex
 * @ifindex: the device (route dumps need one)
 * @tunnel: NULL for every route, or TUNNEL_ID and/or TUNNEL_NAME of the
 *	tunnel whose routes to dump (other fields are not sent)
 * @cb: called once per route, in kernel (route id) order
 *
 * Collected whole before @cb runs and retried when interrupted, as
 * actun_tunnel_dump(). Returns 0, a kernel or local error, or what @cb
 * returned.
 */
int actun_route_dump(struct actun_sock *sock, uint32_t ifindex,
		     const struct actun_route_cfg *tunnel, actun_route_cb cb,
		     void *arg, struct actun_error *err);

/* ------------------------------------------------------------------ */
/* Security associations                                              */
/* ------------------------------------------------------------------ */

/* Presence bit of an enum actun_sa_attr in actun_sa.present. */
#define ACTUN_SA_F(attr)	(UINT64_C(1) << (attr))

/*
 * Longest key this library carries, in bytes: room for every transform of
 * enum actun_sa_enc / actun_sa_auth (the longest today is GCM-AES-256's 36)
 * and for longer ones later. Which lengths a transform takes is the
 * kernel's to check.
 */
#define ACTUN_SA_KEY_MAX	64

/**
 * struct actun_sa_stats - ACTUN_SA_A_STATS, the counters of one SA
 * @present: bits (1 << enum actun_sa_stats_attr) of the counters received
 * @packets: packets encrypted (out) or decrypted and accepted (in)
 * @bytes: their inner bytes, what the byte lifetimes count
 * @drop_auth: in: integrity check failed
 * @drop_replay: in: duplicate or older than the replay window
 * @drop_trailer: in: bad padding or next header
 * @drop_truncated: in: too short, or not whole cipher blocks
 * @drop_expired: past the hard lifetime
 * @drop_seq_exhausted: out: sequence numbers used up
 * @drop_no_claim: out, fleet SAs: not sent, the namespace held no valid
 *	claim
 */
struct actun_sa_stats {
	uint32_t present;
	uint64_t packets;
	uint64_t bytes;
	uint64_t drop_auth;
	uint64_t drop_replay;
	uint64_t drop_trailer;
	uint64_t drop_truncated;
	uint64_t drop_expired;
	uint64_t drop_seq_exhausted;
	uint64_t drop_no_claim;
};

/**
 * struct actun_sa - every field of enum actun_sa_attr
 * @present: ACTUN_SA_F() bits of the fields that are set; ESN and FLEET
 *	are present bits without a value (FLEET: a replicated SA, see
 *	ACTUN_SA_A_FLEET)
 * @tunnel_id: ACTUN_SA_A_TUNNEL_ID, the ipsec tunnel
 * @tunnel_name: ACTUN_SA_A_TUNNEL_NAME, the same tunnel by name
 * @spi: ACTUN_SA_A_SPI, host byte order
 * @dir: ACTUN_SA_A_DIR, enum actun_sa_dir
 * @enc_alg: ACTUN_SA_A_ENC_ALG, enum actun_sa_enc
 * @enc_key: ACTUN_SA_A_ENC_KEY, @enc_key_len bytes (GCM: the salt is the
 *	last 4); write-only, the kernel never returns it
 * @auth_alg: ACTUN_SA_A_AUTH_ALG, enum actun_sa_auth
 * @auth_key: ACTUN_SA_A_AUTH_KEY, @auth_key_len bytes; write-only
 * @encap_sport: ACTUN_SA_A_ENCAP_SPORT, host byte order: ESP in UDP
 * @encap_dport: ACTUN_SA_A_ENCAP_DPORT, host byte order
 * @replay_window: ACTUN_SA_A_REPLAY_WINDOW, inbound, 0 = off
 * @soft_bytes: ACTUN_SA_A_SOFT_BYTES
 * @hard_bytes: ACTUN_SA_A_HARD_BYTES, 0 = no limit
 * @soft_seconds: ACTUN_SA_A_SOFT_SECONDS
 * @hard_seconds: ACTUN_SA_A_HARD_SECONDS, 0 = no limit
 * @expired: read-only, enum actun_sa_expiry
 * @age: read-only, seconds since the SA was installed
 * @server_id: read-only, outbound: the fleet server id its IVs carry (a
 *	fleet SA: the namespace's claim's, not present without a claim)
 * @epoch: outbound: ACTUN_SA_A_EPOCH, the IV epoch of this installation
 *	(a fleet SA: the claim's; refused in a request with FLEET)
 * @ifindex: read-only: the device (ACTUN_SA_A_IFINDEX, else the
 *	top-level ACTUN_A_IFINDEX of the message), 0 when unknown
 * @stats: read-only, ACTUN_SA_A_STATS
 *
 * Field meanings, ranges and defaults: see enum actun_sa_attr. The keys
 * are secrets: whoever fills a struct actun_sa with them wipes it with
 * actun_sa_clear() when done (also on error paths), and copies of it the
 * same way.
 */
struct actun_sa {
	uint64_t present;
	uint32_t tunnel_id;
	char tunnel_name[ACTUN_TUNNEL_NAMSIZ];
	uint32_t spi;
	uint8_t dir;
	uint8_t enc_alg;
	uint8_t auth_alg;
	uint16_t enc_key_len;
	uint16_t auth_key_len;
	uint8_t enc_key[ACTUN_SA_KEY_MAX];
	uint8_t auth_key[ACTUN_SA_KEY_MAX];
	uint16_t encap_sport;
	uint16_t encap_dport;
	uint32_t replay_window;
	uint64_t soft_bytes;
	uint64_t hard_bytes;
	uint64_t soft_seconds;
	uint64_t hard_seconds;
	uint8_t expired;
	uint64_t age;
	uint16_t server_id;
	uint16_t epoch;
	uint32_t ifindex;
	struct actun_sa_stats stats;
};

static inline bool actun_sa_has(const struct actun_sa *sa, int attr)
{
	return sa->present & ACTUN_SA_F(attr);
}

static inline void actun_sa_mark(struct actun_sa *sa, int attr)
{
	sa->present |= ACTUN_SA_F(attr);
}

/* Zero *sa (nothing present). */
void actun_sa_init(struct actun_sa *sa);

/* Wipe *sa, keys included, with explicit_bzero(); NULL is ignored. */
void actun_sa_clear(struct actun_sa *sa);

/*
 * Names as acctl writes them: "in", "out"; "null", "gcm-aes-128",
 * "gcm-aes-256", "cbc-aes-128", "cbc-aes-256"; "none", "hmac-sha256",
 * "hmac-sha1"; "none", "soft", "hard". "unknown" for other values.
 */
const char *actun_sa_dir_name(uint8_t dir);
const char *actun_sa_enc_name(uint8_t enc);
const char *actun_sa_auth_name(uint8_t auth);
const char *actun_sa_expiry_name(uint8_t expired);

/* The reverse: the enum value of a name above, or -1 (no abbreviations). */
int actun_sa_dir_from_name(const char *name);
int actun_sa_enc_from_name(const char *name);
int actun_sa_auth_from_name(const char *name);

/**
 * actun_sa_put() - add an ACTUN_A_SA nest to a request
 *
 * Puts every present field except the read-only ones (EXPIRED, AGE,
 * SERVER_ID, STATS, IFINDEX), keys with their lengths. Returns 0, -EINVAL
 * for a tunnel name that is empty or too long or a key longer than
 * ACTUN_SA_KEY_MAX, or -EMSGSIZE when the message is full. The caller
 * frees the message; libactun wipes the requests it builds itself.
 */
int actun_sa_put(struct nl_msg *msg, const struct actun_sa *sa);

/**
 * actun_sa_parse() - read a reply or notification into *sa
 *
 * Reads the ACTUN_A_SA nest; @sa->ifindex comes from ACTUN_SA_A_IFINDEX
 * or else the top-level ACTUN_A_IFINDEX. Keys in a reply (a kernel bug)
 * are ignored. Unknown attributes are ignored. Returns 0, -ENOMSG when the
 * message has no SA nest, or -EBADMSG when a known attribute is malformed.
 */
int actun_sa_parse(struct nl_msg *msg, struct actun_sa *sa);

/**
 * actun_sa_add() - ACTUN_CMD_SA_NEW on device @ifindex
 *
 * @sa needs TUNNEL_ID or TUNNEL_NAME, SPI, DIR and ENC_ALG, with the keys
 * and AUTH_ALG its transforms take; the rest is optional. The kernel
 * checks key lengths and transform combinations and says what is wrong in
 * @err. The request is wiped before it is freed; @sa is not touched.
 */
int actun_sa_add(struct actun_sock *sock, uint32_t ifindex,
		 const struct actun_sa *sa, struct actun_error *err);

/* ACTUN_CMD_SA_DEL: only the tunnel, DIR and SPI of @sa are sent. */
int actun_sa_del(struct actun_sock *sock, uint32_t ifindex,
		 const struct actun_sa *sa, struct actun_error *err);

/* ACTUN_CMD_SA_GET of one SA (tunnel, DIR and SPI of @which) into @out. */
int actun_sa_get(struct actun_sock *sock, uint32_t ifindex,
		 const struct actun_sa *which, struct actun_sa *out,
		 struct actun_error *err);

/* Called per SA; returns 0 to go on or a negative errno to stop. */
typedef int (*actun_sa_cb)(const struct actun_sa *sa, void *arg);

/**
 * actun_sa_dump() - the SAs of device @ifindex
 * @ifindex: the device, or 0 to let the kernel choose (every actun device
 *	of the namespace, if it allows that)
 * @tunnel: NULL for every SA, or TUNNEL_ID and/or TUNNEL_NAME of the
 *	tunnel whose SAs to dump (other fields are not sent)
 * @cb: called once per SA, in kernel order
 *
 * Collected whole before @cb runs and retried when interrupted, as
 * actun_tunnel_dump(). Returns 0, a kernel or local error, or what @cb
 * returned.
 */
int actun_sa_dump(struct actun_sock *sock, uint32_t ifindex,
		  const struct actun_sa *tunnel, actun_sa_cb cb, void *arg,
		  struct actun_error *err);

/* ------------------------------------------------------------------ */
/* Fleet identity and claim                                           */
/* ------------------------------------------------------------------ */

/* Presence bit of an enum actun_fleet_attr in actun_fleet.present. */
#define ACTUN_FLEET_F(attr)	(UINT32_C(1) << (attr))

/**
 * struct actun_fleet - every field of enum actun_fleet_attr; one per
 *	network namespace
 * @present: ACTUN_FLEET_F() bits of the fields that are set
 * @server_id: ACTUN_FLEET_A_SERVER_ID, this server's id in its fleet
 * @epoch: ACTUN_FLEET_A_EPOCH, the epoch of the claim
 * @lease_ms: ACTUN_FLEET_A_LEASE_MS, the lease a claim or renewal asks
 *	for, 1..ACTUN_FLEET_LEASE_MS_MAX (the kernel checks); requests only
 * @renew: ACTUN_FLEET_A_RENEW: only extend the current claim
 * @release: ACTUN_FLEET_A_RELEASE: drop the claim
 * @lease_left_ms: read-only, ACTUN_FLEET_A_LEASE_LEFT_MS: what is left of
 *	the claim's lease, 0 once it ran out
 *
 * What FLEET_SET takes: SERVER_ID alone (sets the id, drops any claim);
 * SERVER_ID, EPOCH and LEASE_MS (claims the pair, replacing any claim);
 * the same with RENEW (renews the claim of that pair, -ESRCH when the
 * namespace holds none); RELEASE alone. Replies carry SERVER_ID, and
 * EPOCH and LEASE_LEFT_MS (both present) exactly while there is a claim.
 * The flags are sent when true or when their presence bit is set; parse
 * sets both. See enum actun_fleet_attr.
 */
struct actun_fleet {
	uint32_t present;
	uint16_t server_id;
	uint16_t epoch;
	uint32_t lease_ms;
	bool renew;
	bool release;
	uint32_t lease_left_ms;
};

/* Whether a reply or event says the namespace holds a claim. */
static inline bool actun_fleet_claimed(const struct actun_fleet *fleet)
{
	return fleet->present & ACTUN_FLEET_F(ACTUN_FLEET_A_EPOCH);
}

/*
 * Add an ACTUN_A_FLEET nest with the present fields, except the read-only
 * LEASE_LEFT_MS; 0 or -EMSGSIZE.
 */
int actun_fleet_put(struct nl_msg *msg, const struct actun_fleet *fleet);

/* Read the ACTUN_A_FLEET nest: 0, -ENOMSG (none) or -EBADMSG. */
int actun_fleet_parse(struct nl_msg *msg, struct actun_fleet *fleet);

/*
 * ACTUN_CMD_FLEET_SET of the socket's namespace (no device): an id, a
 * claim, a renewal or a release, as @fleet holds (see struct actun_fleet).
 * A renewal the kernel refuses because the namespace holds no claim of
 * the pair returns -ESRCH: claim a new pair.
 */
int actun_fleet_set(struct actun_sock *sock, const struct actun_fleet *fleet,
		    struct actun_error *err);

/* ACTUN_CMD_FLEET_GET (doit, no device) into @out. */
int actun_fleet_get(struct actun_sock *sock, struct actun_fleet *out,
		    struct actun_error *err);

/* ------------------------------------------------------------------ */
/* ESP-in-UDP socket hand-off                                         */
/* ------------------------------------------------------------------ */

/**
 * actun_socket_udp4() - a UDP socket for ESP in UDP (RFC 3948)
 * @addr: local address, network byte order (INADDR_ANY for all)
 * @port: local port, host byte order (normally 4500)
 * @fdp: the socket, on success; the caller closes it
 *
 * Opens an AF_INET SOCK_DGRAM socket with SO_REUSEADDR, close-on-exec,
 * bound to @addr:@port in the calling thread's network namespace (so
 * enter it first). Returns 0 or the negative errno of the failing call.
 */
int actun_socket_udp4(struct in_addr addr, uint16_t port, int *fdp,
		      struct actun_error *err);

/**
 * actun_socket_attach() - ACTUN_CMD_SOCKET_ATTACH: hand device @ifindex
 *	the bound UDP socket @fd
 *
 * The kernel takes its own reference: the caller may close @fd afterwards
 * (the device keeps the socket until actun_socket_detach() or its own
 * deletion) or keep it to read IKE and NAT keepalives from it.
 */
int actun_socket_attach(struct actun_sock *sock, uint32_t ifindex, int fd,
			struct actun_error *err);

/* ACTUN_CMD_SOCKET_DETACH: the device gives its socket back. */
int actun_socket_detach(struct actun_sock *sock, uint32_t ifindex,
			struct actun_error *err);

/* ------------------------------------------------------------------ */
/* Notifications                                                      */
/* ------------------------------------------------------------------ */

/**
 * struct actun_event - one notification of the "config" group
 * @cmd: ACTUN_CMD_TUNNEL_NEW, _DEL or _SET, ACTUN_CMD_ROUTE_NEW or _DEL,
 *	ACTUN_CMD_SA_NEW, _DEL or _EXPIRE, or ACTUN_CMD_FLEET_SET; 0 when
 *	@lost
 * @lost: the socket's receive buffer overran (ENOBUFS): notifications
 *	were dropped, re-dump to resynchronise
 * @tunnel: the tunnel of a tunnel event, else NULL
 * @route: the route of a route event, else NULL
 * @sa: the SA of an SA event, else NULL. For ACTUN_CMD_SA_EXPIRE,
 *	@sa->expired says which lifetime ran out (ACTUN_SA_EXPIRY_SOFT:
 *	rekey now; ACTUN_SA_EXPIRY_HARD: the SA is no longer used), and
 *	the tunnel (id, name, @sa->ifindex), @sa->dir and @sa->spi say
 *	which SA. No keys: notifications never carry them.
 * @fleet: the new identity and claim of a FLEET_SET event, else NULL
 *
 * Deleting a tunnel deletes its routes without a ROUTE_DEL event each;
 * deleting a device, its tunnels and routes without any event.
 * The pointers are valid during the callback only.
 */
struct actun_event {
	uint8_t cmd;
	bool lost;
	const struct actun_tunnel_cfg *tunnel;
	const struct actun_route_cfg *route;
	const struct actun_sa *sa;
	const struct actun_fleet *fleet;
};

/* Returns 0 to go on, anything else stops actun_monitor_run(). */
typedef int (*actun_event_cb)(const struct actun_event *ev, void *arg);

/**
 * actun_monitor_subscribe() - join the "config" multicast group
 *
 * Also enlarges the receive buffer (best effort). Notifications of
 * commands this library does not know are skipped.
 */
int actun_monitor_subscribe(struct actun_sock *sock, struct actun_error *err);

/**
 * actun_monitor_recv() - read what one recvmsg(2) brings, call @cb per
 *	event
 *
 * Blocks unless the socket is non-blocking (then -EAGAIN when empty).
 * Returns 0, the nonzero value @cb returned, or a negative errno.
 */
int actun_monitor_recv(struct actun_sock *sock, actun_event_cb cb, void *arg,
		       struct actun_error *err);

/* actun_monitor_recv() in a loop until @cb returns nonzero or an error. */
int actun_monitor_run(struct actun_sock *sock, actun_event_cb cb, void *arg,
		      struct actun_error *err);

#endif /* ACTUN_LIB_H */
