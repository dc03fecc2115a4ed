/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_DEVICE_H
#define _ACTUN_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "route.h"
#include "stats.h"
#include "tunnel.h"

/**
 * struct actun_dev - private data of one actun network device
 * @dev: the net_device this belongs to
 * @net_node: entry in &actun_net.devices, under RTNL, read under RCU
 * @lock: serialises every change to @tunnels
 * @dead: set under @lock when the device is unregistering; no new objects
 *	may be added after that
 * @tunnels: tunnel table (by id and by name)
 * @routes: prefix route table (inner destination -> tunnel)
 * @drops: per-cpu drop counters by reason
 */
struct actun_dev {
	struct net_device *dev;
	struct list_head net_node;
	struct mutex lock; /* see @lock above: guards @tunnels and @dead */
	bool dead;
	struct actun_tunnel_table tunnels;
	struct actun_route_table routes;
	struct actun_drop_stats __percpu *drops;
};

/**
 * struct actun_net - per network namespace state
 * @devices: actun devices in this namespace; changed under RTNL, read
 *	under RCU by dumps
 * @generation: bumped on every configuration change in the namespace, so a
 *	dump spanning several messages can tell it was torn
 */
struct actun_net {
	struct list_head devices;
	atomic_t generation;
};

extern unsigned int actun_net_id;
extern struct rtnl_link_ops actun_link_ops;

static inline struct actun_net *actun_net(const struct net *net)
{
	return net_generic(net, actun_net_id);
}

static inline void actun_net_changed(const struct net *net)
{
	atomic_inc(&actun_net(net)->generation);
}

struct actun_dev *actun_dev_get_by_index(struct net *net, int ifindex);
struct actun_dev *actun_dev_get_by_name(struct net *net, const char *name);

int actun_device_init(void);
void actun_device_exit(void);

#endif /* _ACTUN_DEVICE_H */
