#!/bin/bash
# timeout: 300
# budget: 60
# Fleet SAs and the claim that lets them send (Documentation/esp.md,
# "Fleet-safe GCM nonces"): an edge holds the fleet's replicated outbound
# SA, which sends nothing while the edge holds no valid claim of a (server
# id, epoch) pair (counted as tx_drop_no_claim and drop_no_claim); with a
# claim its GCM IVs start with the claim's server id and epoch; a claim
# whose lease ran out stops it again until renewed; a release stops it at
# once; only the claimed pair renews, and no claim survives a reload of the
# module. A fleet SA takes no epoch of its own.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ESP: fleet SAs send only under the namespace's claim"
ensure_module

A="acctl -n edge1"
topo_core
xfrm_customer cust 198.51.100.1
topo_origin cust
topo_edge 1
check "edge1: tunnel cust" esp_tunnel edge1 cust 198.51.100.1
check "edge1: inbound fleet SA 0x1001 (a mark only)" \
	esp_sa edge1 cust dir in spi 0x1001 enc gcm-aes-128 fleet
check_error "actun: a fleet SA takes its epoch from the namespace's claim" \
	esp_sa edge1 cust dir out spi 0x2001 enc gcm-aes-128 fleet epoch 7
check "edge1: the fleet's SA out 0x2001" esp_sa edge1 cust dir out spi 0x2001 enc gcm-aes-128 fleet
check "edge1: 203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
check "cust: Linux xfrm states and policies" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 gcm-aes-128
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1

# fleet_sa: what sa show says of the outbound fleet SA's IVs.
fleet_sa() { $A -j sa show tunnel cust dir out spi 0x2001 | jq -c '.[0] | {fleet, server_id, epoch}'; }
claim() { $A -j fleet show | jq -c '{server_id, epoch, claimed}'; }
left() { $A -j fleet show | jq '.lease_left_ms // -1'; }
lapsed() { [[ $(left) == 0 ]]; }
snap() { esp_snap edge1 cust; }
NOCLAIM3='{"ac0.tx_drop_no_claim":3,"cust.tx_drop_no_claim":3,"sa.out-8193.drop_no_claim":3}'
ping3() { on client ping -c 3 -i 0.2 -W 2 203.0.113.100; }

# No claim: the fleet SA drops what it would send, and counts it.
check_eq "no claim: fleet show" '{"server_id":0,"epoch":null,"claimed":false}' "$(claim)"
check_eq "no claim: the SA is a fleet SA, its IVs have no server id or epoch" \
	'{"fleet":true,"server_id":null,"epoch":null}' "$(fleet_sa)"
b=$(snap)
check_fails "no claim: ping client -> origin fails" ping3
check_eq "no claim: 3 drops counted by device, tunnel and SA" "$NOCLAIM3" "$(deltas "$b" "$(snap)")"

# A claim: the SA sends, its IVs starting with the claim's id and epoch.
cap_start edge1 uplink claim9 -s 64 ip proto 50
check "claim server-id 7 epoch 9 lease 3000" $A fleet set server-id 7 epoch 9 lease 3000
check "claimed: ping client -> origin" on client ping -c 2 -i 0.2 -W 2 203.0.113.100
check "fleet show: server-id 7 epoch 9 lease-left, in ms" \
	grep -qE '^server-id 7 epoch 9 lease-left [0-9]+ms$' <<<"$($A fleet show)"
n=$(left)
check "fleet show: lease left in (0, 3000] ms ($n)" test "$n" -gt 0 -a "$n" -le 3000
check_eq "claimed: fleet show -j" '{"server_id":7,"epoch":9,"claimed":true}' "$(claim)"
check_eq "claimed: the SA's IVs carry server id 7, epoch 9" \
	'{"fleet":true,"server_id":7,"epoch":9}' "$(fleet_sa)"
cap_stop
ivs=$(pkt edge1 esp-ivs --src 192.0.2.1 "$TOPO_CAP/claim9.pcap")
echo "# $ivs"
check "ESP on the uplink" test "$(jq .files.claim9.packets <<<"$ivs")" -ge 2
check_eq "every IV starts with 0x0007 (server id)" "[7]" "$(jq -c .files.claim9.server_ids <<<"$ivs")"
check_eq "then 0x0009 (epoch)" "[9]" "$(jq -c .files.claim9.epochs <<<"$ivs")"
check_eq "then the sequence number" 0 "$(jq .files.claim9.iv_not_seq <<<"$ivs")"

# Only the claimed pair renews.
check_error "actun: no such claim to renew" $A fleet set server-id 7 epoch 8 lease 3000 renew
check_error "actun: no such claim to renew" $A fleet set server-id 6 epoch 9 lease 3000 renew
check_error "actun: lease out of range (1-3600000 ms)" $A fleet set server-id 7 epoch 9 lease 0
check_eq "refusals left the claim as it was" '{"server_id":7,"epoch":9,"claimed":true}' "$(claim)"

# A new pair for one second: once its lease ran out, nothing is sent; a
# renewal (allowed, the pair is still ours) brings the SA back.
check "claim server-id 7 epoch 10 lease 1000" $A fleet set server-id 7 epoch 10 lease 1000
check "the lease runs out" esp_wait_for 10 lapsed
check_eq "expired: still claimed, lease-left 0" '{"server_id":7,"epoch":10,"claimed":true} 0' "$(claim) $(left)"
b=$(snap)
check_fails "expired: ping client -> origin fails" ping3
check_eq "expired: 3 more drops counted" "$NOCLAIM3" "$(deltas "$b" "$(snap)")"
cap_start edge1 uplink claim10 -s 64 ip proto 50
check "renew the lapsed claim: lease 60000" $A fleet set server-id 7 epoch 10 lease 60000 renew
check "renewed: ping client -> origin" on client ping -c 2 -i 0.2 -W 2 203.0.113.100
cap_stop
ivs=$(pkt edge1 esp-ivs --src 192.0.2.1 "$TOPO_CAP/claim10.pcap")
echo "# $ivs"
check_eq "renewed: IVs carry server id 7, epoch 10" "[7] [10]" \
	"$(jq -c .files.claim10.server_ids <<<"$ivs") $(jq -c .files.claim10.epochs <<<"$ivs")"
check_eq "sequence numbers go on across claims, drops took none (3, 4)" "3 4 0" \
	"$(jq -r '.files.claim10 | "\(.seq_first) \(.seq_last) \(.iv_not_seq)"' <<<"$ivs")"

# A release stops the SA at once, a CBC fleet SA as well.
check "release" $A fleet release
check_eq "released: fleet show" "server-id 7 claim none" "$($A fleet show)"
b=$(snap)
check_fails "released: ping client -> origin fails" ping3
check_eq "released: 3 more drops counted" "$NOCLAIM3" "$(deltas "$b" "$(snap)")"
check_error "actun: no such claim to renew" $A fleet set server-id 7 epoch 10 lease 3000 renew
check "a CBC fleet SA out 0x2002 takes over" \
	esp_sa edge1 cust dir out spi 0x2002 enc cbc-aes-128 auth hmac-sha256 fleet
b=$(snap)
check_fails "released: no ping through the CBC fleet SA either" \
	on client ping -c 1 -W 2 203.0.113.100
check_eq "released: the CBC fleet SA counted its drop" \
	'{"ac0.tx_drop_no_claim":1,"cust.tx_drop_no_claim":1,"sa.out-8194.drop_no_claim":1}' \
	"$(deltas "$b" "$(snap)")"
check "release when there is no claim: no error" $A fleet release

# No claim survives the module: after a reload the pair cannot be renewed.
check "claim server-id 7 epoch 11 lease 60000" $A fleet set server-id 7 epoch 11 lease 60000
check "rmmod actun" rmmod actun
check "insmod actun" insmod_actun
check_error "actun: no such claim to renew" $A fleet set server-id 7 epoch 11 lease 60000 renew
check_eq "reloaded: no claim" '{"server_id":0,"epoch":null,"claimed":false}' "$(claim)"
finish
