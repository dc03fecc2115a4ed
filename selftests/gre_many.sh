#!/bin/bash
# 20 customers on one edge, each with its own remote, key (even customers)
# or none (odd ones), prefix and tunnel: a ping to each customer prefix moves
# exactly that customer's tunnel counters and no other tunnel's.
# timeout: 600
# budget: 70
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

N=20
begin "$N GRE customers on one edge"
ensure_module

topo_core
topo_edge 1
run topo_announce 192.0.2.1/32 edge1
run topo_announce 10.0.0.0/8 edge1
for i in $(seq $N); do
	key=()
	((i % 2)) || key=(key $((1000 + i)))
	topo_customer "c$i" "198.51.100.$i" "${key[@]}" lan "10.$i.0.1/24"
	edge_tunnel edge1 "c$i" "198.51.100.$i" "${key[@]}" ttl 64 || echo "# tunnel c$i failed"
	edge_route edge1 "10.$i.0.0/24" "c$i" || echo "# route to c$i failed"
done
check_eq "$N tunnels on edge1" $N "$(tstats edge1 | jq length)"

# A warm-up ping each (ARP, neighbour entries) before counting.
for i in $(seq $N); do
	on client ping -c 1 -W 2 "10.$i.0.1" >/dev/null
done

first=$(tstats edge1)
prev=$first
for i in $(seq $N); do
	on client ping -c 2 -i 0.1 -W 2 "10.$i.0.1" >/dev/null
	now=$(tstats edge1)
	check_eq "ping 10.$i.0.1 moved c$i by 2 packets each way, no other tunnel" \
		"{\"c$i.rx_bytes\":168,\"c$i.rx_packets\":2,\"c$i.tx_bytes\":168,\"c$i.tx_packets\":2}" \
		"$(deltas "$prev" "$now")"
	prev=$now
done
check_eq "over the whole run, each tunnel saw exactly its own pings" \
	"$(jq -cnS --argjson n $N '[range(1; $n + 1) | "c\(.)." as $t
		| {($t + "rx_bytes"): 168, ($t + "rx_packets"): 2, ($t + "tx_bytes"): 168, ($t + "tx_packets"): 2}] | add')" \
	"$(deltas "$first" "$now")"

# A destination in ac0 that no actun route covers is dropped and counted by
# the device; no tunnel moves.
ip -n edge1 route add 10.0.0.0/8 dev ac0
before=$(tstats edge1) dbefore=$(dstats edge1)
check_fails "ping 10.99.0.1 (no actun route) fails" on client ping -c 3 -i 0.1 -W 1 10.99.0.1
check_eq "no tunnel moved" '{}' "$(deltas "$before" "$(tstats edge1)")"
check_eq "counted as tx_drop_no_route" '{"tx_drop_no_route":3}' \
	"$(deltas "$dbefore" "$(dstats edge1)")"
finish
