#!/bin/bash
# timeout: 600
# budget: 150
# Anti-replay on inbound SAs: off by default (anycast: the customer's
# packets of one SA may reach several servers), so an ESP packet captured
# on the wire and sent again is delivered; with replay-window N the copy is
# dropped and counted (device, tunnel, SA), as are packets older than the
# window, while new packets inside the window still pass.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"

begin "ESP anti-replay"
ensure_module

topo_core
topo_edge 1
xfrm_customer cust 198.51.100.1
topo_origin cust
check "tunnel cust" esp_tunnel edge1 cust 198.51.100.1
check "203.0.113.0/24 to cust" esp_route edge1 203.0.113.0/24 cust
run topo_announce 192.0.2.1/32 edge1
run topo_announce 203.0.113.0/24 edge1
check "SA in 0x1001, no replay-window" esp_sa edge1 cust dir in spi 0x1001 enc gcm-aes-128
check "SA out 0x2001" esp_sa edge1 cust dir out spi 0x2001 enc gcm-aes-128
check "cust: Linux xfrm states and policies" esp_customer cust 198.51.100.1 \
	203.0.113.0/24 198.18.0.0/24 0x1001 0x2001 gcm-aes-128
check "ping origin -> client" on origin ping -c 3 -i 0.2 -W 2 198.18.0.10
check_eq "acctl: replay window 0 (off) by default" 0 \
	"$(acctl -n edge1 -j sa show tunnel cust dir in spi 0x1001 | jq '.[0].replay_window // 0')"

# Only what the edge receives: the copies' echo requests are answered, and
# the answers are not what this test is about.
snap() { esp_snap edge1 cust; }
received() {
	deltas "$1" "$(snap)" | jq -c 'with_entries(select(.key | test("^(ac0|cust)\\.rx|^sa\\.in-")))'
}
_received_is() { [[ $(received "$1") == "$2" ]]; }
has_request() { [[ $(pkt edge1 esp "$TOPO_CAP/req.pcap" | grep -c 'spi=0x1001$') == 1 ]]; }
# replay WHAT EXPECTED: one ping origin -> client, its ESP packet captured
# on edge1's uplink, then sent again as it was from the customer router;
# EXPECTED is what the copy moves on the receiving side.
replay() {
	local what=$1 want=$2 before
	cap_start edge1 uplink req 'ip proto 50 and src host 198.51.100.1'
	check "$what: ping origin -> client" on origin ping -c 1 -W 2 198.18.0.10
	cap_stop
	check "$what: one ESP packet with SPI 0x1001 captured" has_request
	before=$(snap)
	run pkt cust esp-replay "$TOPO_CAP/req.pcap" --spi 0x1001
	esp_wait_for 5 _received_is "$before" "$want"
	check_eq "$what" "$want" "$(received "$before")"
}
replay "window off: the replayed packet is delivered" \
	'{"cust.rx_bytes":84,"cust.rx_packets":1,"sa.in-4097.bytes":84,"sa.in-4097.packets":1}'

# keys SPI: esp-send's options for the gcm-aes-128 SA SPI.
keys() { echo --spi "$1" --enc gcm-aes-128 --key "$(esp_key gcm-aes-128 "$1")"; }
# at_seq WHAT EXPECTED N: a crafted packet with sequence number N.
at_seq() {
	local before
	before=$(snap)
	# shellcheck disable=SC2046  # keys prints options
	pkt cust esp-send valid 198.51.100.1 192.0.2.1 $(keys 0x1001) --seq "$3"
	esp_wait_for 5 _received_is "$before" "$2"
	check_eq "$1" "$2" "$(received "$before")"
}
DELIVERED='{"cust.rx_bytes":84,"cust.rx_packets":1,"sa.in-4097.bytes":84,"sa.in-4097.packets":1}'
DROPPED='{"ac0.rx_drop_replay":1,"cust.rx_drop_replay":1,"sa.in-4097.drop_replay":1}'
at_seq "window off: sequence number 1000, delivered" "$DELIVERED" 1000
at_seq "window off: 926, far behind, delivered" "$DELIVERED" 926
at_seq "window off: 990, delivered" "$DELIVERED" 990
at_seq "window off: 990 again, delivered" "$DELIVERED" 990

# The same SA with a window of 32.
check "SA in 0x1001 deleted" esp_sa_del edge1 cust in 0x1001
check "SA in 0x1001 again, replay-window 32" \
	esp_sa edge1 cust dir in spi 0x1001 enc gcm-aes-128 replay-window 32
check_eq "acctl: replay window 32" 32 \
	"$(acctl -n edge1 -j sa show tunnel cust dir in spi 0x1001 | jq '.[0].replay_window')"
check "window on: pings pass" on origin ping -c 3 -i 0.2 -W 2 198.18.0.10
replay "window on: the replayed packet is dropped, rx_drop_replay" "$DROPPED"
check "window on: pings still pass" on origin ping -c 3 -i 0.2 -W 2 198.18.0.10

# Crafted sequence numbers, past what the customer has sent (after this,
# the customer's own packets are older than the window).
at_seq "window on: sequence number 1000, delivered" "$DELIVERED" 1000
at_seq "window on: 1000 again, rx_drop_replay" "$DROPPED" 1000
at_seq "window on: 960, older than the window (969..1000), rx_drop_replay" "$DROPPED" 960
at_seq "window on: 990, inside the window and new, delivered" "$DELIVERED" 990
at_seq "window on: 990 again, rx_drop_replay" "$DROPPED" 990
at_seq "window on: 1040 moves the window, delivered" "$DELIVERED" 1040
at_seq "window on: 1000, now older than the window, rx_drop_replay" "$DROPPED" 1000
finish
