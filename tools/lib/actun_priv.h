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

#endif /* ACTUN_PRIV_H */
