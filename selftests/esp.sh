#!/bin/bash
# timeout: 1200
# budget: 200
# ESP (RFC 4303 tunnel mode) against a Linux xfrm customer router, both
# ways: ping through every transform (gcm-aes-128, gcm-aes-256,
# cbc-aes-128/256 with hmac-sha256, cbc-aes-128 with hmac-sha1, null with
# hmac-sha256 on an allow-null tunnel), raw and in UDP 4500 (RFC 3948), with
# exact tunnel and SA counters and the SPIs and ports on the wire; TCP both
# ways over two of them; IPv6 inside; and the outbound port following the
# customer's NAT mapping when its source port changes.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ESP interop with Linux xfrm"
ensure_module

topo_core
topo_edge 1
xfrm_customer cust 198.51.100.1
topo_origin cust
check "tunnel cust, ipsec, allow-null on" \
	esp_tunnel edge1 cust 198.51.100.1 allow-null on
check "203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1
run esp_socket edge1
check "edge1: UDP 4500 on the anycast address, handed to ac0" esp_udp_bound edge1 4500
run xfrm_encap_sock cust 4500
check "cust: UDP_ENCAP socket on 4500 (its IKE daemon's)" esp_udp_bound cust 4500
check_eq "an ipsec tunnel's MTU defaults to 1400" 1400 \
	"$(acctl -n edge1 -j tunnel show cust | jq '.[0].mtu')"

# pair ENCAP ENC [auth AUTH]: a new SA pair for cust with the next SPIs
# (in 0x1001, 0x1002, ...; out 0x2001, ...) on the edge and the customer,
# replacing the previous pair; sets SPI_IN, SPI_OUT and WHAT.
n=0 SPI_IN='' SPI_OUT=''
pair() {
	local encap=$1 enc=$2 eargs=() cargs=()
	shift 2
	n=$((n + 1))
	if [[ -n $SPI_IN ]]; then
		run esp_sa_del edge1 cust in $SPI_IN
		run esp_sa_del edge1 cust out $SPI_OUT
	fi
	run ip -n cust xfrm state flush
	SPI_IN=$((0x1000 + n)) SPI_OUT=$((0x2000 + n))
	WHAT="$enc${2:+ $2}, $encap"
	if [[ $encap == udp ]]; then
		eargs=(encap udp sport 4500 dport 4500) cargs=(encap)
	fi
	check "$WHAT: edge1 SA in $(printf 0x%x $SPI_IN)" \
		esp_sa edge1 cust dir in spi $SPI_IN enc "$enc" "$@" "${eargs[@]}"
	check "$WHAT: edge1 SA out $(printf 0x%x $SPI_OUT)" \
		esp_sa edge1 cust dir out spi $SPI_OUT enc "$enc" "$@" "${eargs[@]}"
	check "$WHAT: the customer's xfrm states and policies" \
		esp_customer cust 198.51.100.1 203.0.113.0/24 198.18.0.0/24 \
		$SPI_IN $SPI_OUT "$enc" "$@" "${cargs[@]}"
}

# wire_lines ENCAP COUNT: what the edge's uplink carries for COUNT packets
# each way over the current pair (pkt.py esp, counted).
wire_lines() {
	local udp=''
	[[ $1 == udp ]] && udp=' udp 4500>4500'
	printf '%s 192.0.2.1>198.51.100.1%s esp spi=0x%x\n' "$2" "$udp" $SPI_OUT
	printf '%s 198.51.100.1>192.0.2.1%s esp spi=0x%x' "$2" "$udp" $SPI_IN
}
wire() { pkt edge1 esp "$TOPO_CAP/$1.pcap" | sort | uniq -c | sed 's/^ *//'; }

# pings ENCAP: 3 pings each way through the current pair; exact counters
# (6 packets of 84 inner bytes each way, on the tunnel and on each SA,
# nothing dropped) and the encapsulation on the wire.
pings() {
	local before after
	cap_start edge1 uplink wire 'ip proto 50 or udp port 4500'
	before=$(esp_snap edge1 cust)
	check "$WHAT: ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100
	check "$WHAT: ping origin -> client" on origin ping -c 3 -i 0.2 -W 2 198.18.0.10
	after=$(esp_snap edge1 cust)
	cap_stop
	check_eq "$WHAT: 6 packets each way on the tunnel and its SAs, no drop" \
		"$(jq -cnS --arg i "in-$SPI_IN" --arg o "out-$SPI_OUT" '{
			"cust.rx_bytes": 504, "cust.rx_packets": 6,
			"cust.tx_bytes": 504, "cust.tx_packets": 6,
			"sa.\($i).bytes": 504, "sa.\($i).packets": 6,
			"sa.\($o).bytes": 504, "sa.\($o).packets": 6}')" \
		"$(deltas "$before" "$after")"
	check_eq "$WHAT: on the wire, ESP with the SAs' SPIs" "$(wire_lines "$1" 6)" "$(wire wire)"
}

for encap in raw udp; do
	for alg in gcm-aes-128 gcm-aes-256 "cbc-aes-128 auth hmac-sha256" \
		"cbc-aes-256 auth hmac-sha256" "cbc-aes-128 auth hmac-sha1" \
		"null auth hmac-sha256"; do
		# shellcheck disable=SC2086  # alg is words
		pair $encap $alg
		pings $encap
	done
done

# TCP both ways, raw and in UDP, each with counters that move and drop
# counters that do not.
topo_bg origin iperf3 -s -p 5201 >/dev/null 2>&1
topo_bg origin iperf3 -s -p 5202 >/dev/null 2>&1
servers() { listening origin 5201 && listening origin 5202; }
check "iperf3 servers listen on the origin" wait_for 10 servers
# iperf PORT WHAT [IPERF3 ARGS]
iperf() {
	local out=$TOPO_CAP/iperf-$1.json
	on client iperf3 -c 203.0.113.100 -p "$1" -t 3 -J "${@:3}" >"$out"
	echo "# TCP $2: $(jq '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$out") Mbit/s"
	check "$WHAT: TCP $2: no error, more than 1 Mbit/s" \
		jq -e '.error == null and .end.sum_received.bits_per_second > 1e6' "$out"
}
# tcp: both directions over the current pair.
tcp() {
	local before d
	before=$(esp_snap edge1 cust)
	iperf 5201 client-to-origin
	iperf 5202 origin-to-client -R
	d=$(deltas "$before" "$(esp_snap edge1 cust)")
	check_eq "$WHAT: no drop counter moved during TCP" '{}' \
		"$(jq -c 'with_entries(select(.key | test("drop")))' <<<"$d")"
	check "$WHAT: tunnel and both SAs carried over 1000 packets each way" \
		jq -e --arg i "sa.in-$SPI_IN.packets" --arg o "sa.out-$SPI_OUT.packets" \
		'[."cust.rx_packets", ."cust.tx_packets", .[$i], .[$o]] | all(. != null and . > 1000)' \
		<<<"$d"
}
pair raw gcm-aes-128
tcp

pair udp cbc-aes-256 auth hmac-sha256
pings udp
tcp

# NAT: the customer's mapping changes and its ESP now comes from port 4501
# (same state, sequence numbers going on); once a packet from there
# authenticates, the edge sends to 4501.
run xfrm_encap_sock cust 4501
check "cust: a second UDP_ENCAP socket, on 4501" esp_udp_bound cust 4501
check "cust: its outbound state now leaves from 4501" xfrm_sa cust 198.51.100.1 192.0.2.1 \
	$SPI_IN cbc-aes-256 auth hmac-sha256 encap 4501 4500 update
cap_start edge1 uplink float 'udp port 4500'
check "after the port change: ping origin -> client" \
	on origin ping -c 3 -i 0.2 -W 2 198.18.0.10
check "after the port change: ping client -> origin" \
	on client ping -c 3 -i 0.2 -W 2 203.0.113.100
cap_stop
check_eq "on the wire: the edge follows the customer to port 4501" \
	"$(printf '6 192.0.2.1>198.51.100.1 udp 4500>4501 esp spi=0x%x\n6 198.51.100.1>192.0.2.1 udp 4501>4500 esp spi=0x%x' \
		$SPI_OUT $SPI_IN)" "$(wire float)"

# IPv6 inside the IPv4 ESP tunnel (last: IPv6 on ac0 sends ND and MLD
# that would move drop counters the checks above assert).
pair raw gcm-aes-256
check "cust: IPv6 policies (2001:db8:cafe::/64 <-> 2001:db8:1::/64)" \
	xfrm_policy cust 198.51.100.1 192.0.2.1 2001:db8:cafe::/64 2001:db8:1::/64 spi $SPI_IN
# Any route will do: the policy then sends it through ESP.
run ip -n cust -6 route add 2001:db8:1::/64 dev wan0
esp_ipv6 edge1 cust
check "2001:db8:cafe::/64 to cust" esp_route edge1 2001:db8:cafe::/64 cust
run topo_announce 2001:db8:cafe::/64 edge1
packets() { jq -c 'with_entries(select(.key | test("_(packets|bytes)$|\\.(packets|bytes)$")))'; }
cap_start edge1 uplink wire6 'ip proto 50'
before=$(esp_snap edge1 cust)
check "ping6 client -> origin" on client ping -6 -c 5 -i 0.2 -W 2 2001:db8:cafe::100
check "ping6 origin -> client" on origin ping -6 -c 5 -i 0.2 -W 2 2001:db8:1::10
after=$(esp_snap edge1 cust)
cap_stop
check_eq "IPv6: 10 packets (104 inner bytes) each way on the tunnel and its SAs" \
	"$(jq -cnS --arg i "in-$SPI_IN" --arg o "out-$SPI_OUT" '{
		"cust.rx_bytes": 1040, "cust.rx_packets": 10,
		"cust.tx_bytes": 1040, "cust.tx_packets": 10,
		"sa.\($i).bytes": 1040, "sa.\($i).packets": 10,
		"sa.\($o).bytes": 1040, "sa.\($o).packets": 10}')" \
	"$(deltas "$before" "$after" | packets)"
check_eq "IPv6: on the wire, ESP over IPv4 with the SAs' SPIs" "$(wire_lines raw 10)" "$(wire wire6)"
finish
