#!/bin/bash
# timeout: 900
# budget: 90
# Rekeying under load: while iperf3 runs (one way, then the other), a new
# SA pair is installed on the edge and on the customer router beside the
# old one, the customer's policy switches to its new outbound state, and
# the old SAs are deleted on both sides. The transfer completes, the new
# SAs carry the traffic, and no drop counter of actun moves -- nor does
# either side's xfrm ever see an SPI it no longer has.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ESP rekey under load"
ensure_module

ENC=gcm-aes-128
topo_core
topo_edge 1
xfrm_customer cust 198.51.100.1
topo_origin cust
check "tunnel cust" esp_tunnel edge1 cust 198.51.100.1
check "203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1
check "SA in 0x1001" esp_sa edge1 cust dir in spi 0x1001 enc $ENC
check "SA out 0x2001" esp_sa edge1 cust dir out spi 0x2001 enc $ENC
check "cust: Linux xfrm states and policies" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 $ENC
check "ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100

topo_bg origin iperf3 -s -p 5201 >/dev/null 2>&1
check "iperf3 server listens on the origin" wait_for 10 listening origin 5201

# rekey OLD_IN OLD_OUT NEW_IN NEW_OUT, in the order an IKE rekey (RFC 7296
# 2.8) leaves no gap: inbound SAs first, then the customer's switch, then
# the edge's outbound SA; old SAs go once nothing can still use them.
rekey() {
	local oi=$1 oo=$2 ni=$3 no=$4
	check "new SA in $ni on the edge" esp_sa edge1 cust dir in spi "$ni" enc $ENC
	check "cust: new inbound state $no" xfrm_sa cust 192.0.2.1 198.51.100.1 "$no" $ENC
	check "cust: new outbound state $ni" xfrm_sa cust 198.51.100.1 192.0.2.1 "$ni" $ENC
	check "cust: policy switched to $ni" xfrm_policy cust 198.51.100.1 192.0.2.1 \
		203.0.113.0/24 198.18.0.0/24 spi "$ni"
	check "new SA out $no on the edge" esp_sa edge1 cust dir out spi "$no" enc $ENC
	check "old SA out $oo deleted on the edge" esp_sa_del edge1 cust out "$oo"
	sleep 1 # what was in flight under the old SAs arrives
	check "cust: old states deleted" eval "ip -n cust xfrm state del src 198.51.100.1 dst 192.0.2.1 proto esp spi $oi &&
		ip -n cust xfrm state del src 192.0.2.1 dst 198.51.100.1 proto esp spi $oo"
	check "old SA in $oi deleted on the edge" esp_sa_del edge1 cust in "$oi"
}

# transfer WHAT OLD_IN OLD_OUT NEW_IN NEW_OUT [IPERF3 ARGS]: 20 s of TCP,
# rekeyed once traffic flows.
transfer() {
	local what=$1 oi=$2 oo=$3 ni=$4 no=$5 out=$TOPO_CAP/iperf-$1.json before d pid sa
	shift 5
	local ns0 nc0
	ns0=$(xfrm_stat edge1 XfrmInNoStates) nc0=$(xfrm_stat cust XfrmInNoStates)
	before=$(esp_snap edge1 cust)
	on client iperf3 -c 203.0.113.100 -p 5201 -t 20 -J "$@" >"$out" &
	pid=$!
	flowing() { (($(delta "$before" "$(esp_tstats edge1)" cust.tx_packets) > 200)); }
	check "$what: traffic flows" esp_wait_for 20 flowing
	rekey "$oi" "$oo" "$ni" "$no"
	check "$what: the rekey happened mid-transfer" kill -0 $pid
	wait $pid
	echo "# $what: $(jq '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$out") Mbit/s"
	check "$what: iperf3 completed without error" \
		jq -e '.error == null and .end.sum_received.bits_per_second > 1e6' "$out"
	d=$(deltas "$before" "$(esp_snap edge1 cust)")
	check_eq "$what: no drop counter moved" '{}' \
		"$(jq -c 'with_entries(select(.key | test("drop")))' <<<"$d")"
	for sa in "in-$((ni))" "out-$((no))"; do
		check "$what: the new SA $sa carried traffic" \
			jq -e --arg k "sa.$sa.packets" '(.[$k] // 0) > 100' <<<"$d"
	done
	check_eq "$what: only the new SAs are left" "[\"in-$((ni))\",\"out-$((no))\"]" \
		"$(acctl -n edge1 -j sa show tunnel cust | jq -c '[.[] | "\(.dir)-\(.spi)"] | sort')"
	check_eq "$what: the edge's xfrm saw no ESP for an SA it lacks" 0 \
		$(($(xfrm_stat edge1 XfrmInNoStates) - ns0))
	check_eq "$what: nor did the customer's" 0 $(($(xfrm_stat cust XfrmInNoStates) - nc0))
}
transfer client-to-origin 0x1001 0x2001 0x1002 0x2002
transfer origin-to-client 0x1002 0x2002 0x1003 0x2003 -R
check "ping client -> origin after two rekeys" on client ping -c 3 -i 0.2 -W 2 203.0.113.100
finish
