#!/bin/bash
# timeout: 400
# budget: 150
# Server id claims of a fleet (Documentation/fleet.md): three edges run
# acfleetd against a 3-node NATS JetStream cluster (nats-server processes
# in their own namespaces). Each holds its own server id with a fresh
# epoch; an agent's restart, a kernel that forgot its claim (module
# reload) and a partition longer than the lease each end in a new epoch;
# a dead edge's id goes to another edge with a higher epoch after the
# lease; the claims stay valid while one store node is down. Edge1 holds a
# replicated (fleet) GCM SA to a Linux xfrm customer: it carries a ping
# with the claim's server id and epoch in its IVs while the claim is
# valid, and sends nothing once a partition let the lease run out
# (tx_drop_no_claim); healed, the agent's resync removes it (the store
# never had it).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"
source "$(dirname "$0")/lib/nats.sh"
# a JetStream leader election after a node's loss takes seconds under TCG:
# with 6 s, one full run of two VMs saw every renewal fail for longer than
# the lease; 10 s is the product's default
FLEET_LEASE=10
source "$(dirname "$0")/lib/fleet.sh"

begin "fleet: server id claims, epochs and leases in a NATS cluster"
ensure_module

topo_core
nats_cluster 3
for k in 1 2 3; do
	check "store node $k: JetStream has a meta leader" nats_ready $k
done
for n in 1 2 3; do
	topo_edge $n
	fleet_conf edge$n "server-ids = 1-8"
	fleet_start edge$n
done
for n in 1 2 3; do
	check "edge$n: claims a server id" fleet_wait_claim edge$n 60
done

# id epoch of an edge's claim
claim_of() { fleet_claim "$1" | cut -d' ' -f1,2; }
c1=$(claim_of edge1) c2=$(claim_of edge2) c3=$(claim_of edge3)
echo "# claims: edge1 $c1, edge2 $c2, edge3 $c3"
check_eq "three different server ids" 3 \
	"$(printf '%s\n' "$c1" "$c2" "$c3" | cut -d' ' -f1 | sort -u | wc -l)"

# A replicated SA on edge1, to a customer that has the same SA.
xfrm_customer cust 198.51.100.1
topo_origin cust
check "edge1: tunnel cust" esp_tunnel edge1 cust 198.51.100.1
check "edge1: SA in 0x1001" esp_sa edge1 cust dir in spi 0x1001 enc gcm-aes-128
check "edge1: fleet SA out 0x2001" \
	esp_sa edge1 cust dir out spi 0x2001 enc gcm-aes-128 fleet
check "edge1: 203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
check "cust: xfrm states and policies" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 gcm-aes-128
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1

# The server ids and epochs in the IVs of a capture's ESP: "[ID] [EPOCH]".
ivs() {
	pkt edge1 esp-ivs --src 192.0.2.1 "$TOPO_CAP/$1.pcap" |
		jq -rc '"\(.files.'"$1"'.server_ids) \(.files.'"$1"'.epochs)"'
}
cap_start edge1 uplink up1 ip proto 50
check "ping through the fleet SA" on client ping -c 3 -i 0.2 -W 2 203.0.113.100
cap_stop
read -r id1 ep1 <<<"$(claim_of edge1)"
check_eq "its IVs carry edge1's server id and epoch" "[$id1] [$ep1]" "$(ivs up1)"

# Restart: a new epoch, never the one before.
fleet_stop edge2
check "edge2: the claim is released on SIGTERM" fleet_wait_lapsed edge2 5
fleet_start edge2
check "edge2: claims again after a restart" fleet_wait_claim edge2 30
c2b=$(claim_of edge2)
check "edge2: a new (server id, epoch)" test "$c2b" != "$c2"
if [[ ${c2b% *} == "${c2% *}" ]]; then
	check "edge2: same id, higher epoch" test "${c2b#* }" -gt "${c2#* }"
fi

# A dead edge's id goes to another edge after the lease, with a higher
# epoch: edge4 may only claim edge3's id.
id3=${c3% *}
fleet_stop edge3 KILL
topo_edge 4
fleet_conf edge4 "server-ids = $id3-$id3"
fleet_start edge4
check "edge4: takes edge3's id once its lease ran out" fleet_wait_claim edge4 $((FLEET_LEASE * 4))
c4=$(claim_of edge4)
check_eq "edge4: server id $id3" "$id3" "${c4% *}"
check "edge4: a higher epoch than edge3's" test "${c4#* }" -gt "${c3#* }"

# One store node down: the claims are renewed through the others.
nats_stop 1
sleep $((FLEET_LEASE * 2))
for n in 1 2 4; do
	check "edge$n: claim valid with one store node down" _fleet_valid edge$n
done
check "edge1: same claim" test "$(claim_of edge1)" == "$c1"
nats_start 1
check "store node 1 back" nats_ready 1

# Partition edge1 from the store: the kernel's lease runs out, the fleet SA
# sends nothing; healed, a new epoch.
ip netns exec edge1 nft add table ip cut
ip netns exec edge1 nft add chain ip cut out '{ type filter hook output priority 0; }'
ip netns exec edge1 nft add rule ip cut out ip daddr 100.65.0.0/16 drop
check "edge1: partitioned, its claim lapses" fleet_wait_lapsed edge1 $((FLEET_LEASE * 2))
before=$(dstats edge1)
check_fails "edge1: the fleet SA sends nothing" on client ping -c 3 -i 0.2 -W 1 203.0.113.100
check "edge1: counted as tx_drop_no_claim" test "$(delta "$before" "$(dstats edge1)" tx_drop_no_claim)" -ge 3
ip netns exec edge1 nft delete table ip cut
check "edge1: claims again when healed" fleet_wait_claim edge1 30
check "edge1: a new (server id, epoch)" test "$(claim_of edge1)" != "$c1"
# The new epoch makes the agent go over the store again and resync: the
# fleet SA installed by hand above is not in the store, so it goes.
gone() {
	[[ $(acctl -n edge1 -j sa show tunnel cust |
		jq '[.[] | select(.dir == "out" and .spi == 8193)] | length') == 0 ]]
}
check "edge1: the resync removed the fleet SA the store does not have" \
	esp_wait_for 20 gone
check "edge1: and says so in its log" \
	grep -q "resync: sa.ac0.cust.out.00002001 is not in the store" "$NATS_DIR/edge1.log"

# The kernel forgets the claim (the module is reloaded): the agents' next
# renewal is refused and they take new epochs.
c1=$(claim_of edge1) c2=$(claim_of edge2)
for n in 1 2 3 4; do
	ip -n edge$n link del ac0
done
run rmmod actun
run insmod_actun
for n in 1 2; do
	check "edge$n: claims again after the module reload" fleet_wait_claim edge$n 30
done
check "edge1: a new epoch after the reload" test "$(claim_of edge1)" != "$c1"
check "edge2: a new epoch after the reload" test "$(claim_of edge2)" != "$c2"

((_failures == 0)) || fleet_logs edge1 edge2 edge4
finish
