#!/bin/bash
# timeout: 900
# budget: 130
# GCM nonce uniqueness across an anycast fleet: two edges (server ids 1
# and 2) hold the same outbound SA (same SPI, same key, even the same IV
# epoch) and each sends 100k packets through it at the same time. Captured
# on their uplinks, every explicit IV is the edge's server id || the epoch
# || the ESP sequence number (Documentation/esp.md), and no (SPI, IV) pair
# occurs twice. The customer router (Linux xfrm) decrypts either edge's.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

COUNT=${ACTUN_NONCE_COUNT:-100000}
begin "ESP: GCM nonces unique across servers ($COUNT packets per edge)"
ensure_module

topo_core
xfrm_customer cust 198.51.100.1
topo_origin cust
for n in 1 2; do
	topo_edge $n
	check "edge$n: server id $n" esp_fleet edge$n $n
	check "edge$n: tunnel cust" esp_tunnel edge$n cust 198.51.100.1
	check "edge$n: SA in 0x1001" esp_sa edge$n cust dir in spi 0x1001 enc gcm-aes-128
	check "edge$n: the fleet's SA out 0x2001, epoch 7" \
		esp_sa edge$n cust dir out spi 0x2001 enc gcm-aes-128 epoch 7
	check "edge$n: 203.0.113.0/24 to cust" esp_route edge$n 203.0.113.0/24 cust
	check_eq "edge$n: the SA carries server id $n and epoch 7" "$n 7" \
		"$(acctl -n edge$n -j sa show tunnel cust dir out | jq -r '.[0] | "\(.server_id) \(.epoch)"')"
done
check "cust: Linux xfrm states and policies" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 gcm-aes-128

# The customer decrypts either edge's packets.
for n in 1 2; do
	run topo_announce 192.0.2.1/32 edge$n
	run topo_announce 203.0.113.0/24 edge$n
	check "through edge$n: ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100
done

# The flood: UDP from each edge itself to a prefix of cust's; inet drops
# the ESP (the customer would only spend CPU on it). 64-byte snapshots
# hold the IVs; a 64 MiB buffer holds all of them, so tcpdump never drops.
run ip -n inet route add blackhole 198.51.100.1/32
for n in 1 2; do
	cap_start edge$n uplink nonce$n -s 64 -B 65536 ip proto 50
done
b1=$(esp_sastats edge1) b2=$(esp_sastats edge2)
start=$SECONDS
for n in 1 2; do
	ip netns exec edge$n /usr/bin/python3 "$TOPO_LIB/pkt.py" udp-flood 203.0.113.250 9 "$COUNT" &
	pids[n]=$!
done
for n in 1 2; do
	wait "${pids[n]}"
	check_eq "edge$n: the sender finished" 0 $?
done
echo "# flood: $((SECONDS - start)) s"
cap_stop
run ip -n inet route del blackhole 198.51.100.1/32
for n in 1 2; do
	check "edge$n: tcpdump dropped nothing" grep -q '^0 packets dropped by kernel' "$TOPO_CAP/nonce$n.pcap.log"
done
check_eq "edge1: the SA counted $COUNT packets" "$COUNT" \
	"$(delta "$b1" "$(esp_sastats edge1)" out-8193.packets)"
check_eq "edge2: the SA counted $COUNT packets" "$COUNT" \
	"$(delta "$b2" "$(esp_sastats edge2)" out-8193.packets)"

start=$SECONDS
ivs=$(pkt edge1 esp-ivs --src 192.0.2.1 "$TOPO_CAP/nonce1.pcap" "$TOPO_CAP/nonce2.pcap")
echo "# analysis: $((SECONDS - start)) s: $ivs"
for n in 1 2; do
	check_eq "edge$n: $COUNT ESP packets on the wire" "$COUNT" "$(jq ".files.nonce$n.packets" <<<"$ivs")"
	check_eq "edge$n: every IV starts with server id $n" "[$n]" \
		"$(jq -c ".files.nonce$n.server_ids" <<<"$ivs")"
	check_eq "edge$n: then epoch 7" "[7]" "$(jq -c ".files.nonce$n.epochs" <<<"$ivs")"
	check_eq "edge$n: then the sequence number" 0 "$(jq ".files.nonce$n.iv_not_seq" <<<"$ivs")"
	check_eq "edge$n: sequence numbers without gaps" 0 "$(jq ".files.nonce$n.seq_missing" <<<"$ivs")"
done
check_eq "no (SPI, IV) pair repeats across the two edges" 0 "$(jq .repeats <<<"$ivs")"
# The same analysis sees repeats where there are some.
check_eq "(control: edge1's capture twice repeats every pair)" "$COUNT" \
	"$(pkt edge1 esp-ivs --src 192.0.2.1 "$TOPO_CAP/nonce1.pcap" "$TOPO_CAP/nonce1.pcap" | jq .repeats)"
finish
