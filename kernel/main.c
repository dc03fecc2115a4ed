// SPDX-License-Identifier: GPL-2.0
/*
 * actun: anycast GRE/ESP tunnel device.
 *
 * Only orders module start and stop; each concern lives in its own file.
 */

#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "esp.h"
#include "netlink.h"
#include "route.h"
#include "sa.h"
#include "tunnel.h"

unsigned int actun_net_id __read_mostly;

static int __net_init actun_net_init(struct net *net)
{
	struct actun_net *an = actun_net(net);
	int err;

	INIT_LIST_HEAD(&an->devices);
	atomic_set(&an->generation, 1);
	an->hook_users = 0;
	actun_fleet_init(&an->fleet);
	err = actun_sa_index_init(&an->sa_in);
	if (err)
		return err;
	err = actun_endpoints_init(&an->gre);
	if (err)
		actun_sa_index_destroy(&an->sa_in);
	return err;
}

/*
 * The core would delete the devices of a dying namespace only after this
 * runs (default_device_exit_batch comes later), so delete them here, as
 * vxlan does: the receive index they use can then go too. rtnl_unlock()
 * runs the devices' destructors before returning.
 */
static void __net_exit actun_net_exit_batch(struct list_head *net_list)
{
	struct actun_dev *adev, *next;
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		list_for_each_entry_safe(adev, next, &actun_net(net)->devices,
					 net_node)
			unregister_netdevice_queue(adev->dev, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();

	list_for_each_entry(net, net_list, exit_list)
		actun_endpoints_destroy(&actun_net(net)->gre);
}

/* Runs after every device of the namespace is gone, veths included. */
static void __net_exit actun_net_exit(struct net *net)
{
	actun_sa_index_destroy(&actun_net(net)->sa_in);
	actun_fleet_destroy(&actun_net(net)->fleet);
}

/*
 * Two sets of pernet operations: the devices go with the device exits, but
 * the inbound SA index is read by a global handler (xfrm4) for as long as
 * any device of the namespace can receive, so it goes with the subsystem
 * exits, which run after all device exits.
 */
static struct pernet_operations actun_net_subsys_ops = {
	.init = actun_net_init,
	.exit = actun_net_exit,
	.id   = &actun_net_id,
	.size = sizeof(struct actun_net),
};

static struct pernet_operations actun_net_ops = {
	.exit_batch = actun_net_exit_batch,
};

static int __init actun_init(void)
{
	int err;

	err = actun_tunnel_cache_init();
	if (err)
		return err;
	err = actun_route_cache_init();
	if (err)
		goto err_tunnel_cache;
	err = actun_sa_init();
	if (err)
		goto err_route_cache;
	err = register_pernet_subsys(&actun_net_subsys_ops);
	if (err)
		goto err_sa;
	err = register_pernet_device(&actun_net_ops);
	if (err)
		goto err_subsys;
	err = actun_device_init();
	if (err)
		goto err_pernet;
	err = actun_esp_input_init();
	if (err)
		goto err_device;
	err = actun_netlink_init();
	if (err)
		goto err_esp;
	pr_info("actun " ACTUN_VERSION " loaded (genetlink family \"%s\" v%d)\n",
		ACTUN_GENL_NAME, ACTUN_GENL_VERSION);
	return 0;

err_esp:
	actun_esp_input_exit();
err_device:
	actun_device_exit();
err_pernet:
	unregister_pernet_device(&actun_net_ops);
err_subsys:
	unregister_pernet_subsys(&actun_net_subsys_ops);
err_sa:
	actun_sa_exit();
err_route_cache:
	actun_route_cache_exit();
err_tunnel_cache:
	actun_tunnel_cache_exit();
	return err;
}

static void __exit actun_exit(void)
{
	actun_netlink_exit();
	actun_esp_input_exit();
	actun_device_exit();
	unregister_pernet_device(&actun_net_ops);
	unregister_pernet_subsys(&actun_net_subsys_ops);
	actun_sa_exit();
	actun_route_cache_exit();
	actun_tunnel_cache_exit();
}

module_init(actun_init);
module_exit(actun_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Anycast GRE/ESP tunnel device");
MODULE_VERSION(ACTUN_VERSION);
MODULE_ALIAS_RTNL_LINK("actun");
MODULE_ALIAS_GENL_FAMILY(ACTUN_GENL_NAME);
