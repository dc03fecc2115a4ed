/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libactun internals shared between its files; not installed.
 */
#ifndef ACTUN_PRIV_H
#define ACTUN_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "actun.h"

struct nl_sock;

/**
 * struct actun_sock - an open "actun" socket
 * @nl: the libnl socket
 * @family: generic netlink family id of "actun"
 * @version: the family version the kernel reports
 * @mcgrp: id of the "config" multicast group
 * @subscribed: the socket joined @mcgrp
 */
struct actun_sock {
	struct nl_sock *nl;
	int family;
	uint32_t version;
	uint32_t mcgrp;
	bool subscribed;
};

/* actun_request.c */
struct nl_msg *actun_msg_new_family(struct actun_sock *sock, int family,
				    uint8_t version, uint8_t cmd, int flags);
/* Wipe what the message holds (nlmsg_len bytes), then nlmsg_free() it. */
void actun_msg_free(struct nl_msg *msg);

/* actun_error.c */
int actun_errno_from_nl(int nlerr);
void actun_error_extack(struct actun_error *err, const struct nlmsghdr *nlh,
			size_t tlv_off);
void actun_error_locate(struct actun_error *err, const struct nlmsghdr *req);

/* Puts an object's nest into a request; -EINVAL when the object is invalid. */
typedef int (*actun_put_fn)(struct nl_msg *msg, const void *cfg);

/*
 * Build and run a request: the device (ifindex, unless 0) and, when @cfg is
 * not NULL, the object @put writes; @invalid explains a -EINVAL from @put.
 */
int actun_object_request(struct actun_sock *sock, uint8_t cmd, int flags,
			 uint32_t ifindex, actun_put_fn put, const void *cfg,
			 const char *invalid, actun_msg_cb cb, void *arg,
			 struct actun_error *err);

/**
 * struct actun_dump - a dump collected whole before anything is handed out
 * @what: the object in error messages ("tunnel", "route", "SA")
 * @elem: the size of one parsed object
 * @parse: reads one reply into an element; -ENOMSG: not one of ours
 * @v: the objects read; free() it (actun_dump_free) after use
 * @n: objects in @v
 * @cap: room in @v
 */
struct actun_dump {
	const char *what;
	size_t elem;
	int (*parse)(struct nl_msg *msg, void *out);
	void *v;
	size_t n;
	size_t cap;
};

/*
 * Run a dump request (built as actun_object_request() builds one, with
 * @filter as the object) into @d, restarting it whole while the kernel
 * marks it interrupted (ACTUN_DUMP_TRIES times, then -EINTR).
 */
int actun_dump_collect(struct actun_sock *sock, uint8_t cmd, uint32_t ifindex,
		       actun_put_fn put, const void *filter,
		       const char *invalid, struct actun_dump *d,
		       struct actun_error *err);
void actun_dump_free(struct actun_dump *d);

#endif /* ACTUN_PRIV_H */
