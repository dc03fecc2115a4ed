#!/bin/bash
# timeout: 900
# budget: 70
# GRE against Linux ip_gre customer routers: IPv4 and IPv6 both ways, TCP
# both ways, keyed and keyless tunnels, exact per-tunnel counters, the
# encapsulation on the wire, Linux ip_gre beside actun in one namespace, and
# failover between two anycast edges in the middle of a ping.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "GRE interop with Linux ip_gre"
ensure_module

topo_core
topo_edge 1
topo_edge 2
topo_customer cust 198.51.100.1 key 100
topo_origin cust
topo_customer custb 198.51.100.2 lan 10.20.0.1/24
# Every edge of the fleet holds the same configuration.
for e in edge1 edge2; do
	check "$e: tunnel cust, key 100" edge_tunnel $e cust 198.51.100.1 \
		key 100 ttl 64 address 10.100.0.0/31
	check "$e: tunnel custb, no key" edge_tunnel $e custb 198.51.100.2 ttl 64
	check "$e: 203.0.113.0/24 to cust" edge_route $e 203.0.113.0/24 cust
	check "$e: 10.20.0.0/24 to custb" edge_route $e 10.20.0.0/24 custb
done
# Until the failover at the end, only edge1 receives traffic.
for p in 192.0.2.1/32 203.0.113.0/24 10.20.0.0/24; do
	run topo_announce $p edge1
done

check "ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100
check "ping origin -> client" on origin ping -c 3 -i 0.2 -W 2 198.18.0.10
check "ping client -> custb's prefix (keyless)" on client ping -c 3 -i 0.2 -W 2 10.20.0.1

# Exact counters: each echo request is encapsulated once, each reply
# decapsulated once, 84 inner bytes each; the other tunnel does not move.
cap_start edge1 uplink wire 'ip proto 47'
before=$(tstats edge1)
check "10 pings to the origin" on client ping -c 10 -i 0.1 -W 2 203.0.113.100
mid=$(tstats edge1)
check "10 pings to custb" on client ping -c 10 -i 0.1 -W 2 10.20.0.1
after=$(tstats edge1)
cap_stop
check_eq "cust counted 10 packets each way, custb nothing" \
	'{"cust.rx_bytes":840,"cust.rx_packets":10,"cust.tx_bytes":840,"cust.tx_packets":10}' \
	"$(deltas "$before" "$mid")"
check_eq "custb counted 10 packets each way, cust nothing" \
	'{"custb.rx_bytes":840,"custb.rx_packets":10,"custb.tx_bytes":840,"custb.tx_packets":10}' \
	"$(deltas "$mid" "$after")"
# On edge1's uplink: GRE from the anycast address with the tunnel's ttl and
# key out, and the customers' GRE in (one hop later, ttl 63).
check_eq "on the wire: outer addresses, ttl, key or none, inner packets" \
	"10 192.0.2.1>198.51.100.1 ttl=64 key=100 proto=0x0800 inner=198.18.0.10>203.0.113.100
10 192.0.2.1>198.51.100.2 ttl=64 key=none proto=0x0800 inner=198.18.0.10>10.20.0.1
10 198.51.100.1>192.0.2.1 ttl=63 key=100 proto=0x0800 inner=203.0.113.100>198.18.0.10
10 198.51.100.2>192.0.2.1 ttl=63 key=none proto=0x0800 inner=10.20.0.1>198.18.0.10" \
	"$(pkt edge1 gre "$TOPO_CAP/wire.pcap" | sort | uniq -c | sed 's/^ *//')"

# TCP both ways.
topo_bg origin iperf3 -s -p 5201 >/dev/null 2>&1
topo_bg origin iperf3 -s -p 5202 >/dev/null 2>&1
servers() { listening origin 5201 && listening origin 5202; }
check "iperf3 servers listen on the origin" wait_for 10 servers
# iperf PORT WHAT [IPERF3 ARGS]
iperf() {
	local out=$TOPO_CAP/iperf-$1.json
	on client iperf3 -c 203.0.113.100 -p "$1" -t 3 -J "${@:3}" >"$out"
	echo "# TCP $2: $(jq '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$out") Mbit/s"
	check "TCP $2: no error, more than 1 Mbit/s" \
		jq -e '.error == null and .end.sum_received.bits_per_second > 1e6' "$out"
}
iperf 5201 client-to-origin
iperf 5202 origin-to-client -R

# Linux ip_gre in the same namespace, for an endpoint pair actun does not
# own, carries traffic while actun carries its own.
topo_customer custl 198.51.100.50
ip -n custl addr add 10.200.0.1/31 dev gre1
run ip -n edge1 link add gre9 type gre local 192.0.2.1 remote 198.51.100.50 ttl 64
topo_noipv6 edge1 gre9
ip -n edge1 addr add 10.200.0.0/31 dev gre9
ip -n edge1 link set gre9 up
gre9() { ip -n edge1 -s -j link show gre9 | jq -c '.[0].stats64 | {rx: .rx.packets, tx: .tx.packets}'; }
before=$(tstats edge1) lbefore=$(gre9)
on client ping -c 10 -i 0.1 -W 2 203.0.113.100 >"$TOPO_CAP/ping.log" &
pid=$!
check "ip_gre beside actun: edge1 -> custl over gre9" on edge1 ping -c 10 -i 0.1 -W 2 10.200.0.1
wait $pid
check "meanwhile client -> origin over actun, 10 of 10" grep -q ' 10 received' "$TOPO_CAP/ping.log"
check_eq "actun's cust counted only its own pings" \
	'{"cust.rx_bytes":840,"cust.rx_packets":10,"cust.tx_bytes":840,"cust.tx_packets":10}' \
	"$(deltas "$before" "$(tstats edge1)")"
check_eq "gre9 counted its 10 pings each way" 10,10 \
	"$(jq -nr --argjson a "$lbefore" --argjson b "$(gre9)" '"\($b.rx - $a.rx),\($b.tx - $a.tx)"')"

# IPv6 inside IPv4 GRE.
topo_ipv6 cust gre1
ip -n cust -6 route add 2001:db8:1::/64 dev gre1
for e in edge1 edge2; do
	edge_ipv6 $e
	check "$e: 2001:db8:cafe::/64 to cust" edge_route $e 2001:db8:cafe::/64 cust
done
run topo_announce 2001:db8:cafe::/64 edge1
packets() { jq -c 'with_entries(select(.key | test("_(packets|bytes)$")))'; }
before=$(tstats edge1)
check "ping6 client -> origin" on client ping -6 -c 10 -i 0.1 -W 2 2001:db8:cafe::100
check_eq "cust counted 10 IPv6 packets each way (104 inner bytes each)" \
	'{"cust.rx_bytes":1040,"cust.rx_packets":10,"cust.tx_bytes":1040,"cust.tx_packets":10}' \
	"$(deltas "$before" "$(tstats edge1)" | packets)"
check "ping6 origin -> client" on origin ping -6 -c 3 -i 0.2 -W 2 2001:db8:1::10

# Failover: inet spreads the anycast address and the customer prefix over
# both edges; mid-ping, the edge carrying it leaves the ECMP set.
for p in 192.0.2.1/32 203.0.113.0/24; do
	run topo_announce $p edge1 edge2
done
b1=$(tstats edge1) b2=$(tstats edge2)
on client ping -c 100 -i 0.1 -W 1 203.0.113.100 >"$TOPO_CAP/failover.log" &
pid=$!
active=
for i in $(seq 100); do
	if (($(delta "$b1" "$(tstats edge1)" cust.tx_packets) >= 5)); then
		active=edge1 other=edge2
	elif (($(delta "$b2" "$(tstats edge2)" cust.tx_packets) >= 5)); then
		active=edge2 other=edge1
	fi
	[[ -n $active ]] && break
	sleep 0.1
done
check "an edge carries the ping" test -n "$active"
other=${other:-edge2}
for p in 192.0.2.1/32 203.0.113.0/24; do
	run topo_announce $p $other
done
a1=$(tstats "$active") o1=$(tstats $other)
check "the switch happened mid-ping" kill -0 $pid
wait $pid
received=$(grep -o '[0-9]* received' "$TOPO_CAP/failover.log" | cut -d' ' -f1)
check "the ping survived the failover (${received:-0} of 100, at least 99)" test "${received:-0}" -ge 99
check_eq "$active carried nothing after leaving" '{}' "$(deltas "$a1" "$(tstats "$active")")"
o2=$(tstats $other)
check "$other took over both directions (>= 20 packets each)" \
	test "$(delta "$o1" "$o2" cust.tx_packets)" -ge 20 -a "$(delta "$o1" "$o2" cust.rx_packets)" -ge 20
finish
