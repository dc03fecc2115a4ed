#!/bin/bash
# timeout: 900
# One prefix routed to several tunnels: flows are spread by weight among the
# routes of the best priority, a flow sticks to its tunnel, a better priority
# takes everything, and deleting it fails back over to the pair.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ECMP among tunnels: weights, priorities, failover"
ensure_module

topo_core
topo_edge 1
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1
for i in 1 2 3; do
	# Three customer routers announcing the same prefix; they drop what
	# they receive for it (the counters are the edge's).
	topo_customer "r$i" "198.51.100.$i"
	ip -n "r$i" route add blackhole 203.0.113.0/24
	check "tunnel r$i" edge_tunnel edge1 "r$i" "198.51.100.$i" ttl 64
	on edge1 ping -c 1 -W 2 "198.51.100.$i" >/dev/null # neighbour entries
done
check "203.0.113.0/24 to r1, weight 1" edge_route edge1 203.0.113.0/24 r1 weight 1
check "203.0.113.0/24 to r2, weight 3" edge_route edge1 203.0.113.0/24 r2 weight 3
on client ping -c 1 -W 2 192.0.2.1 >/dev/null

sport=20000
_sent() {
	(($(deltas "$1" "$(tstats edge1)" |
		jq '[to_entries[] | select(.key | endswith("tx_packets")) | .value] | add // 0') >= $2))
}
# flows COUNT [REPEAT]: COUNT new UDP flows of REPEAT packets each from the
# client to 203.0.113.100; prints which tunnels sent how many packets, e.g.
# {"r1":250,"r2":750}, once all have left (or after 10 s).
flows() {
	local before n=$(($1 * ${2:-1}))
	before=$(tstats edge1)
	pkt client flows 203.0.113.100 9 "$1" --sport $sport --repeat "${2:-1}"
	sport=$((sport + $1))
	wait_for 10 _sent "$before" $n
	deltas "$before" "$(tstats edge1)" | tee "$TOPO_CAP/deltas" |
		jq -c 'with_entries(select(.key | endswith(".tx_packets")) | .key |= rtrimstr(".tx_packets"))'
}

split=$(flows 1000)
echo "# 1000 flows: $split"
check_eq "every flow sent once, by r1 or r2 only" "1000 r1,r2" \
	"$(jq -r '"\(add) \(keys | join(","))"' <<<"$split")"
check_eq "38 inner bytes per datagram; nothing received or dropped" \
	"$(jq -cnS --argjson s "$split" '$s | to_entries
		| map({(.key + ".tx_packets"): .value, (.key + ".tx_bytes"): (.value * 38)}) | add')" \
	"$(jq -cS . "$TOPO_CAP/deltas")"
r1=$(jq '.r1 // 0' <<<"$split")
check "weight 1:3 - r1 carries 25% +- 10 points (150..350 of 1000): $r1" \
	test "$r1" -ge 150 -a "$r1" -le 350

split=$(flows 5 20)
echo "# 5 flows of 20 packets: $split"
check "each flow stays on one tunnel (multiples of 20)" \
	jq -e 'add == 100 and all(.[]; . % 20 == 0)' <<<"$split"

check "203.0.113.0/24 to r3 at priority 50" edge_route edge1 203.0.113.0/24 r3 priority 50
split=$(flows 200)
check_eq "the better priority takes every flow" '{"r3":200}' "$split"

check "delete the route to r3" edge_route_del edge1 203.0.113.0/24 r3
split=$(flows 200)
echo "# 200 flows after the delete: $split"
check "back on r1 and r2, both used, r3 idle" \
	jq -e 'add == 200 and .r1 > 0 and .r2 > 0 and .r3 == null' <<<"$split"

check "delete the route to r1" edge_route_del edge1 203.0.113.0/24 r1
check_eq "r2 alone carries the prefix" '{"r2":200}' "$(flows 200)"
finish
