/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ACTUN_DEVICE_H
#define _ACTUN_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include <net/gro_cells.h>

#include "endpoint.h"
#include "fleet.h"
#include "route.h"
#include "sa.h"
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
 * @drops: per-cpu enum actun_drop_reason counters
 * @gro_cells: hands decapsulated packets to the stack, batched by GRO
 * @encap_sock: the UDP socket ESP in UDP arrives on, or NULL; changed
 *	under the hand-over lock in esp_input.c
 */
struct actun_dev {
	struct net_device *dev;
	struct list_head net_node;
	struct mutex lock; /* see @lock above: guards @tunnels and @dead */
	bool dead;
	struct actun_tunnel_table tunnels;
	struct actun_route_table routes;
	struct actun_counters __percpu *drops;
	struct gro_cells gro_cells;
	struct socket *encap_sock;
};

/**
 * struct actun_net - per network namespace state
 * @devices: actun devices in this namespace; changed under RTNL, read
 *	under RCU by dumps
 * @generation: bumped on every configuration change in the namespace, so a
 *	dump spanning several messages can tell it was torn
 * @gre: GRE receive index of every actun device of the namespace
 * @hook_users: actun devices in the namespace; the GRE receive hook is
 *	registered while there is one (under RTNL)
 * @sa_in: inbound SAs of every actun device of the namespace, by SPI
 * @fleet: this server's id in its fleet and its claim (ACTUN_A_FLEET)
 */
struct actun_net {
	struct list_head devices;
	atomic_t generation;
	struct actun_endpoints gre;
	unsigned int hook_users;
	struct actun_sa_index sa_in;
	struct actun_fleet fleet;
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

/* Count a dropped packet by reason, also in the device's rx/tx_dropped. */
static inline void actun_dev_drop(struct actun_dev *adev,
				  enum actun_drop_reason reason)
{
	actun_counters_add(adev->drops, reason, 1);
	if (reason >= ACTUN_DROP_FIRST_RX)
		dev_core_stats_rx_dropped_inc(adev->dev);
	else
		dev_core_stats_tx_dropped_inc(adev->dev);
}

struct actun_dev *actun_dev_get_by_index(struct net *net, int ifindex);
struct actun_dev *actun_dev_get_by_name(struct net *net, const char *name);

int actun_device_init(void);
void actun_device_exit(void);

#endif /* _ACTUN_DEVICE_H */
