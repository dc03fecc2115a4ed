#!/bin/bash
# The seeds' reference topology in network namespaces (run inside the VM by
# `make demo`):
#
#   client 198.18.0.10 --- inet (data-centre router) ==ECMP==> edge1, edge2
#                            |                           anycast 192.0.2.1 on lo,
#                            |                           ac0 (actun) with tunnel cust
#                          cust 198.51.100.1 (customer router, Linux ip_gre)
#                            |
#                          origin 203.0.113.100 (customer prefix 203.0.113.0/24)
#
# Every edge holds the same tunnel configuration, as an anycast fleet does.
set -euo pipefail

ACTUN_REPO=${ACTUN_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
PATH=$ACTUN_REPO/tools/acctl:$PATH
EDGES=${EDGES:-2}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

ko=${ACTUN_KO:-$ACTUN_REPO/kernel/actun.ko}
if [[ ! -d /sys/module/actun ]]; then
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do modprobe "$dep"; done
	insmod "$ko"
fi

# topo_link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair between two namespaces.
source "$ACTUN_REPO/selftests/lib/topology.sh"

say "namespaces: client inet cust origin edge1..edge$EDGES"
for ns in client inet cust origin $(seq -f 'edge%g' "$EDGES"); do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip netns exec inet sysctl -qw net.ipv4.ip_forward=1
ip netns exec cust sysctl -qw net.ipv4.ip_forward=1

topo_link client eth0 198.18.0.10/24 inet client0 198.18.0.1/24
ip -n client route add default via 198.18.0.1
topo_link cust wan0 198.51.100.1/24 inet cust0 198.51.100.254/24
ip -n cust route add default via 198.51.100.254
topo_link cust lan0 203.0.113.1/24 origin eth0 203.0.113.100/24
ip -n origin route add default via 203.0.113.1

nexthops=()
for i in $(seq "$EDGES"); do
	e=edge$i
	topo_link inet "e$i" "100.64.$i.1/30" "$e" uplink "100.64.$i.2/30"
	ip -n "$e" addr add 192.0.2.1/32 dev lo
	ip -n "$e" route add default via "100.64.$i.1"
	ip netns exec "$e" sysctl -qw net.ipv4.ip_forward=1
	nexthops+=(nexthop via "100.64.$i.2")
done
say "inet reaches anycast 192.0.2.1 and the customer prefix over ECMP"
run ip -n inet route add 192.0.2.1/32 "${nexthops[@]}"
run ip -n inet route add 203.0.113.0/24 "${nexthops[@]}"

say "customer router: Linux ip_gre to the anycast address"
modprobe ip_gre
run ip -n cust link add gre1 type gre local 198.51.100.1 remote 192.0.2.1 key 100 ttl 64
run ip -n cust addr add 10.100.0.1/31 dev gre1
run ip -n cust link set gre1 up
# Internet-bound traffic from the customer network goes into the tunnel.
run ip -n cust route add 198.18.0.0/24 dev gre1

for i in $(seq "$EDGES"); do
	e=edge$i
	say "$e: actun device and the customer's tunnel (same on every edge)"
	run ip -n "$e" link add ac0 type actun
	run ip -n "$e" link set ac0 up
	# keep IPv6 neighbour discovery off the counters shown below
	ip netns exec "$e" sysctl -qw net.ipv6.conf.ac0.disable_ipv6=1
	run acctl -n "$e" tunnel add cust dev ac0 mode gre local 192.0.2.1 \
		remote 198.51.100.1 key 100 ttl 64 address 10.100.0.0/31
	run acctl -n "$e" route add 203.0.113.0/24 tunnel cust
	run ip -n "$e" route add 203.0.113.0/24 dev ac0
	run acctl -n "$e" tunnel show
	run acctl -n "$e" route show
done

say "client -> anycast 192.0.2.1 (answered by whichever edge ECMP picks)"
run ip netns exec client ping -c 3 -i 0.3 -W 2 192.0.2.1

say "client -> origin 203.0.113.100: GRE from the anycast edge to Linux ip_gre"
run ip netns exec client ping -c 3 -i 0.3 -W 2 203.0.113.100
run ip netns exec origin ping -c 3 -i 0.3 -W 2 198.18.0.10

say "TCP through the tunnel, both ways (iperf3, 3 s each)"
ip netns exec origin iperf3 -s -D -1 -p 5201
ip netns exec origin iperf3 -s -D -1 -p 5202
sleep 0.5
run ip netns exec client iperf3 -c 203.0.113.100 -p 5201 -t 3 -f m | grep -E "sender|receiver"
run ip netns exec client iperf3 -c 203.0.113.100 -p 5202 -t 3 -f m -R | grep -E "sender|receiver"

say "per-tunnel counters on each edge (ECMP spreads flows over both)"
for i in $(seq "$EDGES"); do
	run acctl -n "edge$i" -s tunnel show
done

say "acctl -j tunnel show on edge1"
run acctl -n edge1 -j -p tunnel show
