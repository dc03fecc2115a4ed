#!/bin/bash
# actun devices: link kind, namespaces, counting drops, teardown of
# namespaces and of the module with live devices and tunnels.
# timeout: 600
source "$(dirname "$0")/lib/common.sh"

begin "devices: create, count, delete, namespace teardown, rmmod"
ensure_module
base=$(slab_active actun_tunnel)

check "ip link add ac0 type actun" ip link add ac0 type actun
check "link kind is actun" sh -c 'ip -d link show ac0 | grep -qw actun'
check_eq "default mtu is 1476" 1476 "$(cat /sys/class/net/ac0/mtu)"
check "mtu 9000 accepted" ip link set ac0 mtu 9000
check_fails "mtu 65512 refused" ip link set ac0 mtu 65512
check_fails "mtu 67 refused" ip link set ac0 mtu 67

# No routes yet: every packet sent to ac0 is dropped and counted by reason.
# (IPv6 on the link sends packets of its own, so compare deltas.)
no_route() { ethtool -S ac0 | awk '$1 == "tx_drop_no_route:" { print $2 }'; }
tx_dropped() { ip -j -s link show ac0 | jq '.[0].stats64.tx.dropped'; }
ip link set ac0 up
ip route add 203.0.113.0/24 dev ac0
sysctl -qw net.ipv6.conf.ac0.disable_ipv6=1
before=$(no_route) dropped=$(tx_dropped)
ping -c 3 -i 0.2 -W 1 203.0.113.100 >/dev/null 2>&1
check_eq "three pings counted as tx_drop_no_route" 3 $(($(no_route) - before))
check_eq "ip -s link counts them as tx dropped" 3 $(($(tx_dropped) - dropped))
check "ip link del ac0" ip link del ac0

for ns in ns1 ns2 ns3; do
	ns_add $ns
done
check "two devices in ns1" sh -c 'ip -n ns1 link add ac0 type actun && ip -n ns1 link add ac1 type actun'
check "same name in ns2" ip -n ns2 link add ac0 type actun
check "create straight into ns3" ip link add ac9 netns ns3 type actun
check "ac9 lives in ns3" ip -n ns3 link show ac9
check_fails "ac9 absent from the initial namespace" ip link show ac9
check_fails "an actun device cannot change namespace" ip -n ns1 link set ac1 netns ns2

# Delete a namespace holding two devices and 10k tunnels.
gen_tunnels ac0 5000 a >/tmp/ns1.batch
gen_tunnels ac1 5000 b 5000 >>/tmp/ns1.batch
check "10k tunnels in ns1" acctl -n ns1 -b /tmp/ns1.batch
check_eq "10k tunnels live" $((base + 10000)) "$(slab_active actun_tunnel)"
check "delete ns1 with its devices and tunnels" ns_del ns1
check "every tunnel of ns1 freed" settle_rcu actun_tunnel "$base"

# Unload with live devices in two namespaces and the initial one.
ip link add ac0 type actun
gen_tunnels ac0 100 >/tmp/init.batch
check "tunnels in ns2" acctl -n ns2 -b /tmp/init.batch
check "tunnels in the initial namespace" acctl -b /tmp/init.batch
check "rmmod with live devices in three namespaces" rmmod actun
check_fails "ac0 gone from ns2" ip -n ns2 link show ac0
check_fails "ac9 gone from ns3" ip -n ns3 link show ac9
check_fails "ac0 gone from the initial namespace" ip link show ac0
check "insmod again" ensure_module
check "devices work after reloading" ip link add ac0 type actun
check "and can be deleted" ip link del ac0
finish
