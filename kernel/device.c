// SPDX-License-Identifier: GPL-2.0
/*
 * The actun network device: link kind "actun", one per customer-facing
 * anycast endpoint set, any number per network namespace.
 */

#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include <net/ip_tunnels.h>

#include "device.h"
#include "esp.h"
#include "gre.h"
#include "netlink.h"
#include "route.h"

/*
 * What the device takes whole from the stack: GSO packets are encapsulated
 * once and segmented below (GRE) or segmented before encryption (ESP), and
 * checksums are left to the lower device or completed before encryption.
 */
#define ACTUN_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | \
			 NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE)

static const char actun_drop_names[ACTUN_DROP_MAX][ETH_GSTRING_LEN] =
	ACTUN_DROP_NAMES;

/* Runs under rcu_read_lock_bh(), as every ndo_start_xmit. */
static netdev_tx_t actun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct actun_dev *adev = netdev_priv(dev);
	enum actun_drop_reason reason;
	struct actun_tunnel *tunnel;

	if ((skb->protocol != htons(ETH_P_IP) &&
	     skb->protocol != htons(ETH_P_IPV6)) || !pskb_inet_may_pull(skb)) {
		reason = ACTUN_DROP_TX_BAD_PROTO;
		goto drop;
	}
	tunnel = actun_route_select(&adev->routes, skb, skb_get_hash(skb));
	if (!tunnel) {
		reason = ACTUN_DROP_TX_NO_ROUTE;
		goto drop;
	}
	if (tunnel->mode == ACTUN_MODE_IPSEC)
		return actun_esp_xmit(adev, tunnel, skb);
	return actun_gre_xmit(adev, tunnel, skb);

drop:
	actun_dev_drop(adev, reason);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int actun_dev_init(struct net_device *dev)
{
	struct actun_dev *adev = netdev_priv(dev);
	int err;

	adev->drops = actun_counters_alloc(ACTUN_DROP_MAX, GFP_KERNEL);
	if (!adev->drops)
		return -ENOMEM;
	actun_route_table_init(&adev->routes);
	err = actun_tunnel_table_init(&adev->tunnels);
	if (err)
		goto err_drops;
	err = gro_cells_init(&adev->gro_cells, dev);
	if (err)
		goto err_tunnels;
	return 0;

err_tunnels:
	actun_tunnel_table_destroy(&adev->tunnels);
err_drops:
	free_percpu(adev->drops);
	return err;
}

/*
 * Runs once for every device that passed ndo_init, under RTNL, on explicit
 * deletion, namespace teardown and module unload alike. It only closes the
 * device to new objects; the tunnels go in actun_dev_free(), outside RTNL,
 * since a device may hold a million of them.
 */
static void actun_dev_uninit(struct net_device *dev)
{
	struct actun_dev *adev = netdev_priv(dev);

	if (!list_empty(&adev->net_node)) {
		list_del_rcu(&adev->net_node);
		actun_gre_hook_put(dev_net(dev));
	}
	mutex_lock(&adev->lock);
	WRITE_ONCE(adev->dead, true);
	mutex_unlock(&adev->lock);
	/* Before the wait for references: receive holds the device. */
	actun_natt_detach(adev);
	actun_net_changed(dev_net(dev));
}

/*
 * Take the device's tunnels and SAs out of the namespace's receive indexes
 * and wait for receivers that may still hold one, so none touches the
 * device after it is freed.
 */
static void actun_dev_unbind_all(struct actun_dev *adev)
{
	struct actun_net *an = actun_net(dev_net(adev->dev));
	struct actun_tunnel *tunnel;
	unsigned long id;

	xa_for_each(&adev->tunnels.by_id, id, tunnel) {
		actun_endpoint_unbind(&an->gre, tunnel);
		actun_sa_unlink_tunnel(&an->sa_in, tunnel);
		cond_resched();
	}
	synchronize_net();
}

/*
 * The priv_destructor: runs after the last reference to the device is gone
 * (netdev_run_todo, without RTNL), so no request can still reach the table.
 */
static void actun_dev_free(struct net_device *dev)
{
	struct actun_dev *adev = netdev_priv(dev);

	mutex_lock(&adev->lock);
	actun_dev_unbind_all(adev);
	gro_cells_destroy(&adev->gro_cells);
	actun_route_table_flush(&adev->routes, &adev->lock);
	actun_tunnel_table_flush(&adev->tunnels);
	actun_tunnel_table_destroy(&adev->tunnels);
	mutex_unlock(&adev->lock);
	mutex_destroy(&adev->lock);
	free_percpu(adev->drops);
}

static const struct net_device_ops actun_netdev_ops = {
	.ndo_init		= actun_dev_init,
	.ndo_uninit		= actun_dev_uninit,
	.ndo_start_xmit		= actun_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static int actun_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ACTUN_DROP_MAX : -EOPNOTSUPP;
}

static void actun_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, actun_drop_names, sizeof(actun_drop_names));
}

static void actun_get_ethtool_stats(struct net_device *dev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct actun_dev *adev = netdev_priv(dev);

	actun_counters_read(adev->drops, ACTUN_DROP_MAX, data);
}

static void actun_get_drvinfo(struct net_device *dev,
			      struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
}

static const struct ethtool_ops actun_ethtool_ops = {
	.get_drvinfo		= actun_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= actun_get_sset_count,
	.get_strings		= actun_get_strings,
	.get_ethtool_stats	= actun_get_ethtool_stats,
};

static void actun_setup(struct net_device *dev)
{
	struct actun_dev *adev = netdev_priv(dev);

	dev->netdev_ops = &actun_netdev_ops;
	dev->ethtool_ops = &actun_ethtool_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* Tunnels belong to the namespace they were configured in. */
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL | ACTUN_FEATURES;
	dev->hw_features |= ACTUN_FEATURES;
	/* ICMP errors sent from ndo_start_xmit need the packet's route. */
	netif_keep_dst(dev);
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ACTUN_MTU_DEFAULT;
	dev->min_mtu = ACTUN_MTU_MIN;
	dev->max_mtu = ACTUN_MTU_MAX;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = actun_dev_free;

	adev->dev = dev;
	INIT_LIST_HEAD(&adev->net_node);
	mutex_init(&adev->lock);
}

static int actun_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct actun_dev *adev = netdev_priv(dev);
	struct net *net = dev_net(dev);
	int err;

	err = actun_gre_hook_get(net);
	if (err)
		return err;
	err = register_netdevice(dev);
	if (err) {
		actun_gre_hook_put(net);
		return err;
	}
	list_add_tail_rcu(&adev->net_node, &actun_net(net)->devices);
	actun_net_changed(net);
	return 0;
}

struct rtnl_link_ops actun_link_ops __read_mostly = {
	.kind		= KBUILD_MODNAME,
	.priv_size	= sizeof(struct actun_dev),
	.setup		= actun_setup,
	.newlink	= actun_newlink,
};

/**
 * actun_dev_get_by_index - find an actun device and hold it
 * @net: the namespace
 * @ifindex: its interface index
 *
 * Return: the device's private data with a reference on the net_device
 * (drop it with dev_put(adev->dev)), ERR_PTR(-ENODEV) when there is no such
 * device, or ERR_PTR(-EOPNOTSUPP) when it is not an actun device.
 */
struct actun_dev *actun_dev_get_by_index(struct net *net, int ifindex)
{
	struct net_device *dev = dev_get_by_index(net, ifindex);

	if (!dev)
		return ERR_PTR(-ENODEV);
	if (dev->rtnl_link_ops != &actun_link_ops) {
		dev_put(dev);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/**
 * actun_dev_get_by_name - as actun_dev_get_by_index(), by interface name
 * @net: the namespace
 * @name: the interface name
 *
 * Return: as actun_dev_get_by_index().
 */
struct actun_dev *actun_dev_get_by_name(struct net *net, const char *name)
{
	struct net_device *dev = dev_get_by_name(net, name);

	if (!dev)
		return ERR_PTR(-ENODEV);
	if (dev->rtnl_link_ops != &actun_link_ops) {
		dev_put(dev);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/**
 * actun_device_init - register the "actun" link kind
 *
 * Return: 0 or a negative errno.
 */
int actun_device_init(void)
{
	return rtnl_link_register(&actun_link_ops);
}

/**
 * actun_device_exit - unregister the link kind, deleting every actun device
 *	in every namespace
 */
void actun_device_exit(void)
{
	rtnl_link_unregister(&actun_link_ops);
}
