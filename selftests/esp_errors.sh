#!/bin/bash
# timeout: 1200
# budget: 270
# What an ipsec tunnel must refuse, and how it counts it: crafted ESP with a
# wrong key, a bad ICV, cut short, not whole cipher blocks, bad padding, a
# pad length past the payload, a spoofed inner source, an unknown SPI (raw:
# left to xfrm; in UDP: rx_drop_no_sa), past its hard lifetime; IKE and NAT
# keepalives on UDP 4500 left to the socket; nothing sent without an
# outbound SA; null encryption only on allow-null tunnels; the outbound UDP
# port follows authentic packets only; MTU 1400 and MSS 1360 by default.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ESP errors, NAT-T port, MTU, MSS"
ensure_module

topo_core
topo_edge 1
xfrm_customer cust 198.51.100.1		# Linux xfrm, and crafted ESP
topo_origin cust
xfrm_customer custu 198.51.100.3	# crafted ESP in UDP only
check "tunnel cust" esp_tunnel edge1 cust 198.51.100.1
check "tunnel custu" esp_tunnel edge1 custu 198.51.100.3
check "tunnel custb, no SA" esp_tunnel edge1 custb 198.51.100.2
check "203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
check "10.30.0.0/24 to custu" esp_route edge1 10.30.0.0/24 custu
check "10.20.0.0/24 to custb" esp_route edge1 10.20.0.0/24 custb
for p in 192.0.2.1/32 203.0.113.0/24 10.30.0.0/24 10.20.0.0/24; do
	run topo_announce $p edge1
done
run esp_socket edge1
check "edge1: UDP 4500 on the anycast address, handed to ac0" esp_udp_bound edge1 4500
check "cust: SA in 0x1001, gcm-aes-128" esp_sa edge1 cust dir in spi 0x1001 enc gcm-aes-128
check "cust: SA out 0x2001, gcm-aes-128" esp_sa edge1 cust dir out spi 0x2001 enc gcm-aes-128
check "cust: SA in 0x1002, cbc-aes-128 hmac-sha1 (crafted packets only)" \
	esp_sa edge1 cust dir in spi 0x1002 enc cbc-aes-128 auth hmac-sha1
check "cust: SA in 0x1003, gcm-aes-128, lifetime 100 bytes" \
	esp_sa edge1 cust dir in spi 0x1003 enc gcm-aes-128 lifetime-bytes 100
check "custu: SA in 0x3001, in UDP" esp_sa edge1 custu dir in spi 0x3001 enc gcm-aes-128 \
	encap udp sport 4500 dport 4500
check "custu: SA out 0x4001, in UDP" esp_sa edge1 custu dir out spi 0x4001 enc gcm-aes-128 \
	encap udp sport 4500 dport 4500
check "cust: Linux xfrm states and policies" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 gcm-aes-128
check "ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100
check_fails "a null SA is refused on a tunnel without allow-null" \
	esp_sa edge1 custb dir out spi 0x5001 enc null auth hmac-sha256

# Tunnels, device drops and SAs in one snapshot; IGNORE (a regex) leaves
# out counters a case does not pin down.
IGNORE='^$'
snap() { esp_snap edge1 cust custu custb; }
moved() { deltas "$1" "$(snap)" | jq -c --arg re "$IGNORE" 'with_entries(select(.key | test($re) | not))'; }
_moved_to() { [[ $(moved "$1") == "$2" ]]; }
# keys SPI ENC [AUTH]: esp-send's options for the SA SPI (esp_key's keys).
keys() {
	echo --spi "$1" --enc "$2" ${3:+--auth "$3" --auth-key "$(esp_key "$3" "$1" auth)"} \
		"$([[ $2 != null ]] && echo --key "$(esp_key "$2" "$1")")"
}
# crafted DESCRIPTION EXPECTED-DELTAS NS CASE [esp-send options]: three
# crafted ESP packets (an 84-byte echo reply from the origin to the client
# inside) from NS's router to the anycast address; EXPECTED-DELTAS is
# everything that moves.
declare -A ADDR=([cust]=198.51.100.1 [custu]=198.51.100.3)
crafted() {
	local what=$1 want=$2 ns=$3 case=$4 before
	shift 4
	before=$(snap)
	pkt "$ns" esp-send "$case" "${ADDR[$ns]}" 192.0.2.1 --count 3 "$@"
	esp_wait_for 5 _moved_to "$before" "$want"
	check_eq "$what" "$want" "$(moved "$before")"
}
GCM=$(keys 0x1001 gcm-aes-128) CBC=$(keys 0x1002 cbc-aes-128 hmac-sha1)
rx_dropped() { ip -n edge1 -s -j link show ac0 | jq '.[0].stats64.rx.dropped'; }
dropped=$(rx_dropped)

# shellcheck disable=SC2086  # GCM and CBC are options
{
crafted "gcm: well-formed ESP is delivered (84 inner bytes each)" \
	'{"cust.rx_bytes":252,"cust.rx_packets":3,"sa.in-4097.bytes":252,"sa.in-4097.packets":3}' \
	cust valid $GCM
crafted "gcm: well-formed ESP in UDP 4500 is delivered too" \
	'{"cust.rx_bytes":252,"cust.rx_packets":3,"sa.in-4097.bytes":252,"sa.in-4097.packets":3}' \
	cust valid $GCM --udp 4500:4500
crafted "gcm: wrong key: rx_drop_auth" \
	'{"ac0.rx_drop_auth":3,"cust.rx_drop_auth":3,"sa.in-4097.drop_auth":3}' cust badkey $GCM
crafted "gcm: ICV flipped: rx_drop_auth" \
	'{"ac0.rx_drop_auth":3,"cust.rx_drop_auth":3,"sa.in-4097.drop_auth":3}' cust badicv $GCM
crafted "gcm: ICV flipped, in UDP: rx_drop_auth" \
	'{"ac0.rx_drop_auth":3,"cust.rx_drop_auth":3,"sa.in-4097.drop_auth":3}' \
	cust badicv $GCM --udp 4500:4500
IGNORE='^cust\.rx_drop_header$' crafted "gcm: cut short: rx_drop_truncated" \
	'{"ac0.rx_drop_truncated":3,"sa.in-4097.drop_truncated":3}' cust truncated $GCM
IGNORE='^cust\.rx_drop_header$' crafted "gcm: padding bytes zero: rx_drop_trailer" \
	'{"ac0.rx_drop_trailer":3,"sa.in-4097.drop_trailer":3}' cust badpad $GCM
IGNORE='^cust\.rx_drop_header$' crafted "gcm: pad length 250: rx_drop_trailer" \
	'{"ac0.rx_drop_trailer":3,"sa.in-4097.drop_trailer":3}' cust padlen $GCM
IGNORE='^sa\..*\.(packets|bytes)$' crafted "gcm: inner source 10.99.0.1, not routed to cust: rx_drop_source" \
	'{"ac0.rx_drop_source":3,"cust.rx_drop_source":3}' cust valid $GCM --inner-src 10.99.0.1
crafted "cbc/sha1: well-formed ESP is delivered" \
	'{"cust.rx_bytes":252,"cust.rx_packets":3,"sa.in-4098.bytes":252,"sa.in-4098.packets":3}' \
	cust valid $CBC
crafted "cbc/sha1: wrong keys: rx_drop_auth" \
	'{"ac0.rx_drop_auth":3,"cust.rx_drop_auth":3,"sa.in-4098.drop_auth":3}' cust badkey $CBC
crafted "cbc/sha1: ICV flipped: rx_drop_auth" \
	'{"ac0.rx_drop_auth":3,"cust.rx_drop_auth":3,"sa.in-4098.drop_auth":3}' cust badicv $CBC
IGNORE='^cust\.rx_drop_header$' crafted "cbc/sha1: cut short: rx_drop_truncated" \
	'{"ac0.rx_drop_truncated":3,"sa.in-4098.drop_truncated":3}' cust truncated $CBC
IGNORE='^cust\.rx_drop_header$' crafted "cbc/sha1: not whole blocks: rx_drop_truncated" \
	'{"ac0.rx_drop_truncated":3,"sa.in-4098.drop_truncated":3}' cust unaligned $CBC
IGNORE='^cust\.rx_drop_header$' crafted "cbc/sha1: padding bytes zero: rx_drop_trailer" \
	'{"ac0.rx_drop_trailer":3,"sa.in-4098.drop_trailer":3}' cust badpad $CBC
IGNORE='^cust\.rx_drop_header$' crafted "cbc/sha1: pad length 250: rx_drop_trailer" \
	'{"ac0.rx_drop_trailer":3,"sa.in-4098.drop_trailer":3}' cust padlen $CBC

# Unknown SPIs: raw ESP is Linux xfrm's (which has no state for it either),
# ESP in UDP on the device's socket is actun's.
nostates=$(xfrm_stat edge1 XfrmInNoStates)
crafted "raw ESP, unknown SPI: not counted by actun" '{}' cust badspi $GCM
check_eq "... but by xfrm, XfrmInNoStates +3" 3 $(($(xfrm_stat edge1 XfrmInNoStates) - nostates))
crafted "ESP in UDP, unknown SPI: rx_drop_no_sa" '{"ac0.rx_drop_no_sa":3}' \
	cust badspi $GCM --udp 4500:4500

# Past the hard lifetime (100 bytes): the first packet passes, the second
# may, from the third on all are dropped.
LIFE=$(keys 0x1003 gcm-aes-128)
crafted "lifetime 100 bytes: the first packet passes" \
	'{"cust.rx_bytes":84,"cust.rx_packets":1,"sa.in-4099.bytes":84,"sa.in-4099.packets":1}' \
	cust valid $LIFE --count 1
pkt cust esp-send valid 198.51.100.1 192.0.2.1 $LIFE
IGNORE='^cust\.rx_drop_header$' crafted "lifetime 100 bytes used up: rx_drop_expired" \
	'{"ac0.rx_drop_expired":3,"sa.in-4099.drop_expired":3}' cust valid $LIFE
}
# 45 (the second lifetime packet may make 46) of the drops above are actun's.
rx=$(($(rx_dropped) - dropped))
check "ip -s link: the drops above in rx dropped (45 or 46: $rx)" test $rx -ge 45 -a $rx -le 46

# IKE (non-ESP marker) and NAT keepalives on UDP 4500 stay with the socket.
recvq() { ip netns exec edge1 ss -Hlun 'sport = :4500' | awk '{ print $2; exit }'; }
queued() { (($(recvq) > ${q:-0})); }
q=$(recvq) before=$(snap)
run pkt cust udp-raw 198.51.100.1 192.0.2.1 4500 4500 ff --count 3
run pkt cust udp-raw 198.51.100.1 192.0.2.1 4500 4500 "00000000$(printf '%040d' 0)" --count 3
check "IKE and keepalives queue on the socket (Recv-Q grows)" esp_wait_for 5 queued
check_eq "... and move no counter" '{}' "$(moved "$before")"

# Nothing leaves without an outbound SA.
before=$(snap)
run on client ping -c 3 -i 0.2 -W 1 10.20.0.1 >/dev/null
check_eq "custb has no outbound SA: tx_drop_no_sa" \
	'{"ac0.tx_drop_no_sa":3,"custb.tx_drop_no_sa":3}' "$(moved "$before")"

# NAT-T: custu's outbound SA follows the UDP source port of the last
# authentic packet from custu, and only of an authentic one.
for port in 4500 4501 4502; do
	run xfrm_encap_sock custu $port
	check "custu: UDP_ENCAP socket on $port (no port unreachable)" esp_udp_bound custu $port
done
U=$(keys 0x3001 gcm-aes-128)
cap_start edge1 uplink float 'udp and dst host 198.51.100.3'
run on client ping -c 1 -W 1 10.30.0.1 >/dev/null
# shellcheck disable=SC2086  # U is options
crafted "custu: authentic ESP from UDP port 4501 is delivered" \
	'{"custu.rx_bytes":84,"custu.rx_packets":1,"sa.in-12289.bytes":84,"sa.in-12289.packets":1}' \
	custu valid $U --udp 4501:4500 --count 1 --inner-src 10.30.0.5
run on client ping -c 1 -W 1 10.30.0.1 >/dev/null
# shellcheck disable=SC2086
crafted "custu: forged ESP from UDP port 4502: rx_drop_auth" \
	'{"ac0.rx_drop_auth":1,"custu.rx_drop_auth":1,"sa.in-12289.drop_auth":1}' \
	custu badicv $U --udp 4502:4500 --count 1 --inner-src 10.30.0.5
run on client ping -c 1 -W 1 10.30.0.1 >/dev/null
cap_stop
check_eq "the edge sends to 4500, then to 4501 (authentic), still 4501 (forged)" \
	"192.0.2.1>198.51.100.3 udp 4500>4500 esp spi=0x4001
192.0.2.1>198.51.100.3 udp 4500>4501 esp spi=0x4001
192.0.2.1>198.51.100.3 udp 4500>4501 esp spi=0x4001" "$(pkt edge1 esp "$TOPO_CAP/float.pcap")"

# MTU 1400 by default (so MSS 1360).
df_ping() {
	on client ip route flush cache
	on client ping -M "do" -s $(($1 - 28)) -c 1 -W 2 203.0.113.100 2>&1
}
frag_needed() {
	local out
	out=$(df_ping "$1")
	grep -qF "Frag needed and DF set (mtu = $2)" <<<"$out" && return
	echo "$out"
	return 1
}
check "a 1400-byte DF ping passes" df_ping 1400
before=$(snap)
check "a 1401-byte DF ping gets frag needed, mtu 1400" frag_needed 1401 1400
check_eq "counted as tx_drop_mtu" '{"ac0.tx_drop_mtu":1,"cust.tx_drop_mtu":1}' "$(moved "$before")"

topo_bg origin /usr/bin/python3 "$TOPO_LIB/pkt.py" listen 8080
check "origin listens on 8080" wait_for 10 listening origin 8080
run on client ip route flush cache # forget the path MTU learnt above
cap_start client eth0 client 'tcp[tcpflags] & tcp-syn != 0'
cap_start origin eth0 origin 'tcp[tcpflags] & tcp-syn != 0'
check "a TCP connection client -> origin" pkt client connect 203.0.113.100 8080
cap_stop
check_eq "SYN in and SYN-ACK out clamped to 1360" \
	"client: 198.18.0.10>203.0.113.100 SYN mss=1460
client: 203.0.113.100>198.18.0.10 SYN-ACK mss=1360
origin: 198.18.0.10>203.0.113.100 SYN mss=1360
origin: 203.0.113.100>198.18.0.10 SYN-ACK mss=1460" \
	"$(pkt client syn "$TOPO_CAP/client.pcap" "$TOPO_CAP/origin.pcap")"
finish
