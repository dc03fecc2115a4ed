#!/bin/bash
# timeout: 600
# actun's ESP receive beside Linux xfrm in the same kernel and the same
# namespace: actun claims only the SPIs it has inbound SAs for, xfrm keeps
# the rest. The edge namespace holds an actun ipsec tunnel to cust and a
# Linux xfrm tunnel (its own states and policies, other SPIs) to custl;
# both carry traffic at the same time, each counting only its own, and the
# wire shows the four SPIs. Deleting actun's inbound SA hands its SPI to
# xfrm (which has no state for it).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ESP: actun beside Linux xfrm"
ensure_module

topo_core
topo_edge 1
xfrm_customer cust 198.51.100.1
topo_origin cust
check "actun: tunnel cust" esp_tunnel edge1 cust 198.51.100.1
check "actun: 203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
check "actun: SA in 0x1001" esp_sa edge1 cust dir in spi 0x1001 enc gcm-aes-128
check "actun: SA out 0x2001" esp_sa edge1 cust dir out spi 0x2001 enc gcm-aes-128
check "cust: Linux xfrm for the actun tunnel" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 gcm-aes-128
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1

# Linux xfrm in edge1 itself, from the same anycast address: 10.201.0.1 on
# edge1 <-> 10.200.0.0/24 behind custl, SPIs 0x7001 (edge1 -> custl) and
# 0x7002 (custl -> edge1), cbc-aes-128 with hmac-sha256.
xfrm_customer custl 198.51.100.50
ip -n custl -b - <<-EOF
	link add lan0 type dummy
	addr add 10.200.0.1/24 dev lan0
	link set lan0 up
EOF
ip -n edge1 addr add 10.201.0.1/32 dev lo
L=(cbc-aes-128 auth hmac-sha256)
for ns in edge1 custl; do
	check "$ns: xfrm state 0x7001" xfrm_sa $ns 192.0.2.1 198.51.100.50 0x7001 "${L[@]}"
	check "$ns: xfrm state 0x7002" xfrm_sa $ns 198.51.100.50 192.0.2.1 0x7002 "${L[@]}"
done
check "edge1: xfrm policies 10.201.0.1 <-> 10.200.0.0/24" xfrm_policy edge1 \
	192.0.2.1 198.51.100.50 10.201.0.1/32 10.200.0.0/24 spi 0x7001
check "custl: xfrm policies 10.200.0.0/24 <-> 10.201.0.1" xfrm_policy custl \
	198.51.100.50 192.0.2.1 10.200.0.0/24 10.201.0.1/32 spi 0x7002

# xfrm_pkts NS SRC DST SPI: packets through an xfrm state so far.
xfrm_pkts() {
	ip -n "$1" -s xfrm state get src "$2" dst "$3" proto esp spi "$4" |
		sed -n 's/^[[:space:]]*[0-9]*(bytes), \([0-9]*\)(packets).*/\1/p' | head -n 1
}
check "xfrm alone: edge1 -> custl" on edge1 ping -I 10.201.0.1 -c 2 -W 2 10.200.0.1
check "actun alone: client -> origin" on client ping -c 2 -W 2 203.0.113.100

# Both at once.
cap_start edge1 uplink both 'ip proto 50'
before=$(esp_snap edge1 cust) x1=$(xfrm_pkts edge1 192.0.2.1 198.51.100.50 0x7001) \
	x2=$(xfrm_pkts edge1 198.51.100.50 192.0.2.1 0x7002)
on client ping -c 20 -i 0.1 -W 2 203.0.113.100 >"$TOPO_CAP/actun.log" &
pid=$!
check "xfrm: 20 pings edge1 -> custl while actun carries its own" \
	on edge1 ping -I 10.201.0.1 -c 20 -i 0.1 -W 2 10.200.0.1
wait $pid
check "actun: meanwhile 20 of 20 pings client -> origin" grep -q ' 20 received' "$TOPO_CAP/actun.log"
after=$(esp_snap edge1 cust)
cap_stop
check_eq "actun counted exactly its 20 packets each way, dropped nothing" \
	'{"cust.rx_bytes":1680,"cust.rx_packets":20,"cust.tx_bytes":1680,"cust.tx_packets":20,"sa.in-4097.bytes":1680,"sa.in-4097.packets":20,"sa.out-8193.bytes":1680,"sa.out-8193.packets":20}' \
	"$(deltas "$before" "$after")"
check_eq "xfrm's states counted their 20 packets each way" 20,20 \
	"$(($(xfrm_pkts edge1 192.0.2.1 198.51.100.50 0x7001) - x1)),$(($(xfrm_pkts edge1 198.51.100.50 192.0.2.1 0x7002) - x2))"
check_eq "on the wire: four SPIs, 20 packets each" \
	"20 192.0.2.1>198.51.100.1 esp spi=0x2001
20 192.0.2.1>198.51.100.50 esp spi=0x7001
20 198.51.100.1>192.0.2.1 esp spi=0x1001
20 198.51.100.50>192.0.2.1 esp spi=0x7002" \
	"$(pkt edge1 esp "$TOPO_CAP/both.pcap" | sort | uniq -c | sed 's/^ *//')"
check_eq "edge1's xfrm saw no SPI it lacks" 0 "$(xfrm_stat edge1 XfrmInNoStates)"

# Without its inbound SA, actun no longer claims 0x1001: xfrm gets it.
check "actun: SA in 0x1001 deleted" esp_sa_del edge1 cust in 0x1001
before=$(esp_snap edge1 cust)
check_fails "ping origin -> client fails" on origin ping -c 3 -i 0.2 -W 1 198.18.0.10
check_eq "actun counted nothing received" '{}' \
	"$(deltas "$before" "$(esp_snap edge1 cust)" | jq -c 'with_entries(select(.key | test("rx|in-")))')"
check_eq "xfrm got the 3 packets: XfrmInNoStates 3" 3 "$(xfrm_stat edge1 XfrmInNoStates)"
check "xfrm's tunnel still works" on edge1 ping -I 10.201.0.1 -c 2 -W 2 10.200.0.1
finish
