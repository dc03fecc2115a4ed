/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_NETLINK_H
#define _ACTUN_NETLINK_H

#include <net/genetlink.h>
#include <linux/actun.h>

#include "netlink_gen.h"

struct actun_dev;

/* Index of each multicast group in actun_nl_family.mcgrps. */
enum actun_nl_group {
	ACTUN_NLGRP_CONFIG,
};

/*
 * Every message actun sets starts with "actun: ", as NL_SET_ERR_MSG_MOD's
 * do; this is its counterpart that also marks the offending attribute.
 */
#define ACTUN_ERR_ATTR(extack, attr, msg) do {		\
	NL_SET_ERR_MSG_MOD(extack, msg);		\
	NL_SET_BAD_ATTR(extack, attr);			\
} while (0)

extern struct genl_family actun_nl_family;

/* genl_ops.internal_flags: the command names no device. */
#define ACTUN_NL_NO_DEV		BIT(0)

struct actun_tunnel;
struct actun_sa;

struct actun_dev *actun_nl_get_dev(struct net *net, struct nlattr **attrs,
				   struct netlink_ext_ack *extack);
int actun_nl_refuse_read_only(struct nlattr **tb,
			      const struct actun_nl_read_only *ro,
			      struct netlink_ext_ack *extack);
struct sk_buff *actun_nl_notify_alloc(struct genl_info *info);
void actun_nl_notify_commit(struct sk_buff *skb, struct genl_info *info,
			    int fill_err);
struct actun_tunnel *actun_nl_find_tunnel(struct actun_dev *adev,
					  struct nlattr *id,
					  struct nlattr *name,
					  struct nlattr *nest, int miss_type,
					  struct netlink_ext_ack *extack);

/* The handlers of the operations are declared in netlink_gen.h. */
void actun_nl_sa_expire_notify(struct actun_sa *sa, u8 expiry);

int actun_netlink_init(void);
void actun_netlink_exit(void);

#endif /* _ACTUN_NETLINK_H */
