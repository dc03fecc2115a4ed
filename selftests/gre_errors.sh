#!/bin/bash
# timeout: 900
# budget: 130
# What the edge must refuse or fix up: spoofed inner sources, malformed GRE
# (each dropped and counted by reason, per device and per tunnel), MTU
# (ICMP fragmentation needed), TCP MSS clamping both ways, the 4 bytes a GRE
# key costs, and Cisco-style GRE keepalives reflected to the customer.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "GRE errors, MTU, MSS, keepalives"
ensure_module

topo_core
topo_edge 1
topo_customer cust 198.51.100.1
topo_origin cust
check "tunnel cust, no key" edge_tunnel edge1 cust 198.51.100.1 ttl 64
check "203.0.113.0/24 to cust" edge_route edge1 203.0.113.0/24 cust
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1
check "ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100

# The tunnel's counters and the device's drop counters in one snapshot:
# {"cust": {...}, "ac0": {...}}.
snap() {
	jq -cn --argjson t "$(tstats edge1)" --argjson d "$(dstats edge1)" '{cust: $t.cust, ac0: $d}'
}
_moved_to() { [[ $(deltas "$1" "$(snap)") == "$2" ]]; }
# crafted DESCRIPTION EXPECTED-DELTAS CASE [pkt.py send options]: three
# crafted GRE packets (no key unless the options give one) from the customer
# router to the anycast address; EXPECTED-DELTAS is everything that moves.
crafted() {
	local what=$1 want=$2 case=$3 before
	shift 3
	before=$(snap)
	pkt cust send "$case" 198.51.100.1 192.0.2.1 --count 3 "$@"
	wait_for 5 _moved_to "$before" "$want"
	check_eq "$what" "$want" "$(deltas "$before" "$(snap)")"
}
rx_dropped() { ip -n edge1 -s -j link show ac0 | jq '.[0].stats64.rx.dropped'; }

crafted "control: well-formed GRE is delivered (84 inner bytes each)" \
	'{"cust.rx_bytes":252,"cust.rx_packets":3}' valid
dropped=$(rx_dropped)
crafted "inner source 10.99.0.1, not routed to cust: rx_drop_source" \
	'{"ac0.rx_drop_source":3,"cust.rx_drop_source":3}' valid --inner-src 10.99.0.1
crafted "GRE version 1: rx_drop_version" \
	'{"ac0.rx_drop_version":3,"cust.rx_drop_header":3}' version
crafted "routing present bit: rx_drop_flags" \
	'{"ac0.rx_drop_flags":3,"cust.rx_drop_header":3}' routing
crafted "wrong GRE checksum: rx_drop_flags" \
	'{"ac0.rx_drop_flags":3,"cust.rx_drop_header":3}' badcsum
crafted "header cut short: rx_drop_truncated" \
	'{"ac0.rx_drop_truncated":3,"cust.rx_drop_header":3}' truncated
crafted "protocol type 0x1234: rx_drop_proto" \
	'{"ac0.rx_drop_proto":3,"cust.rx_drop_proto":3}' proto
crafted "key 999, no such tunnel on the pair: rx_drop_no_tunnel" \
	'{"ac0.rx_drop_no_tunnel":3}' valid --key 999
check_eq "ip -s link: the 21 drops above in rx dropped" 21 $(($(rx_dropped) - dropped))

# TCP SYNs crossing the tunnel, both ways: the client's SYN reaches the
# origin, the origin's SYN-ACK reaches the client, each with its MSS clamped.
topo_bg origin /usr/bin/python3 "$TOPO_LIB/pkt.py" listen 8080
check "origin listens on 8080" wait_for 10 listening origin 8080
# syns MSS: one connection; the SYNs both ends saw.
syns() {
	on client ip route flush cache # forget path MTUs learnt earlier
	cap_start client eth0 client 'tcp[tcpflags] & tcp-syn != 0'
	cap_start origin eth0 origin 'tcp[tcpflags] & tcp-syn != 0'
	pkt client connect 203.0.113.100 8080
	cap_stop
	check_eq "SYN in and SYN-ACK out clamped to $1" \
		"client: 198.18.0.10>203.0.113.100 SYN mss=1460
client: 203.0.113.100>198.18.0.10 SYN-ACK mss=$1
origin: 198.18.0.10>203.0.113.100 SYN mss=$1
origin: 203.0.113.100>198.18.0.10 SYN-ACK mss=1460" \
		"$(pkt client syn "$TOPO_CAP/client.pcap" "$TOPO_CAP/origin.pcap")"
}
syns 1436

# MTU. With ac0 at its default 1476, Linux itself refuses bigger packets;
# with a bigger ac0, the tunnel does, counted as tx_drop_mtu.
# df_ping SIZE: one DF ping of SIZE bytes to the origin, path MTU forgotten.
df_ping() {
	on client ip route flush cache
	on client ping -M "do" -s $(($1 - 28)) -c 1 -W 2 203.0.113.100 2>&1
}
# frag_needed SIZE MTU: a DF ping of SIZE bytes is refused with "mtu = MTU".
frag_needed() {
	local out
	out=$(df_ping "$1")
	grep -qF "Frag needed and DF set (mtu = $2)" <<<"$out" && return
	echo "$out"
	return 1
}
# too_big SIZE MTU: frag_needed, and counted once as tx_drop_mtu.
too_big() {
	local before
	before=$(snap)
	check "a $1-byte DF ping gets frag needed, mtu $2" frag_needed "$1" "$2"
	check_eq "counted as tx_drop_mtu" '{"ac0.tx_drop_mtu":1,"cust.tx_drop_mtu":1}' \
		"$(deltas "$before" "$(snap)")"
}
check "ac0 mtu 1476: a 1500-byte DF ping gets frag needed, mtu 1476" frag_needed 1500 1476
run ip -n edge1 link set ac0 mtu 9000
too_big 1500 1476
check "a 1476-byte DF ping passes" df_ping 1476
check "tunnel mtu 1400" acctl -n edge1 tunnel set cust mtu 1400
check "a 1400-byte DF ping passes" df_ping 1400
too_big 1401 1400

# The MSS follows the MTU unless set.
syns 1360
check "tunnel mss 1300" acctl -n edge1 tunnel set cust mss 1300
check_eq "acctl shows mss 1300" 1300 "$(acctl -n edge1 -j tunnel show cust | jq '.[0].mss')"
syns 1300

# A key takes 4 bytes of a 1500-byte path: MTU 1472, MSS 1432.
check "tunnel: key 100, mtu 1476, mss derived" \
	acctl -n edge1 tunnel set cust key 100 mtu 1476 mss 0
run ip -n cust link set gre1 type gre local 198.51.100.1 remote 192.0.2.1 key 100 ttl 64
check "ping through the keyed tunnel" on client ping -c 2 -i 0.2 -W 2 203.0.113.100
check_eq "acctl shows the mss in use, 1432" 1432 \
	"$(acctl -n edge1 -j tunnel show cust | jq '.[0].mss')"
syns 1432
check "a 1472-byte DF ping passes" df_ping 1472
too_big 1473 1472

# Cisco keepalive: GRE whose inner packet is GRE from the anycast address
# back to the customer; the edge sends the inner packet home.
before=$(snap)
check_eq "3 keepalives come back to the customer" 3 \
	"$(pkt cust keepalive 198.51.100.1 192.0.2.1 wan0 --key 100 --count 3)"
check_eq "counted as rx_keepalives, nothing dropped" '{"cust.rx_keepalives":3}' \
	"$(deltas "$before" "$(snap)" | jq -cS 'with_entries(select(.key | test("_(packets|bytes)$") | not))')"
finish
