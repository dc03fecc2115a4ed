#!/bin/bash
# acikd behind a NAT (tools/acikd: NAT detection, keepalives of RFC 3948
# 2.3): the customer's acikd initiates through a namespace that
# masquerades it to a random UDP port, the edge's acikd answers. Both
# detect the NAT and move to 4500 with ESP in UDP to the NAT's port; the
# customer (behind the NAT) sends one-octet 0xFF keepalives every
# `keepalive` seconds, the edge (not behind one) none. The NAT forgets an
# idle UDP mapping after 5 s here: with keepalives, traffic from the edge
# still reaches the customer after 12 s of silence; after a reload with
# `keepalive = 0` the same silence loses the mapping and the edge's
# traffic no longer gets through.
# timeout: 200
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/acikd.sh"

ak_begin "acikd behind a NAT: NAT-T and keepalives keep the mapping"
T=$(mktemp -d)
EDGE_PID=
CUST_PID=
CAP_PIDS=()
stop_captures() {	# tcpdump writes out its file on SIGINT
	local p
	for p in "${CAP_PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	CAP_PIDS=()
}
stop_all() {
	local p
	stop_captures
	for p in $CUST_PID $EDGE_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	EDGE_PID= CUST_PID=
}
trap 'stop_all; rm -rf "$T"; _cleanup' EXIT

# cust 198.51.100.2 (LAN 10.2.0.1) -- nat 198.51.100.1 | 192.0.2.254
# (masquerades UDP to ports 20000-29999) -- edge 192.0.2.1 (origin 10.1.0.1)
ns_add edge
ns_add nat
ns_add cust
ip link add ve netns edge type veth peer name vn2 netns nat
ip link add vc netns cust type veth peer name vn1 netns nat
ip -n edge addr add 192.0.2.1/24 dev ve && ip -n edge link set ve up
ip -n nat addr add 192.0.2.254/24 dev vn2 && ip -n nat link set vn2 up
ip -n nat addr add 198.51.100.1/24 dev vn1 && ip -n nat link set vn1 up
ip -n cust addr add 198.51.100.2/24 dev vc && ip -n cust link set vc up
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
ip -n cust route add default via 198.51.100.1
check "the NAT masquerades the customer (UDP to ports 20000-29999)" \
	ip netns exec nat nft -f - <<'EON'
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "vn2" meta l4proto udp masquerade to :20000-29999
	}
}
EON
# a NAT that forgets quickly: 5 s of silence and the mapping is gone
for t in nf_conntrack_udp_timeout nf_conntrack_udp_timeout_stream; do
	ip netns exec nat sysctl -qw net.netfilter.$t=5
done
ak_tunnels 192.0.2.254 198.51.100.2

ak_conf c1 192.0.2.1 192.0.2.254 10.1.0.0/24 10.2.0.0/24 "rekey_time = 1h" \
	"local { id = edge.example }" "remote { id = cpe.example }" \
	"acikd.keepalive = 2" >"$T/edge.conf"
ak_conf e1 198.51.100.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 "rekey_time = 1h" \
	"local { id = cpe.example }" "remote { id = edge.example }" \
	"initiate = yes" "acikd.keepalive = 2" >"$T/cust.conf"

ike() { acctl -n "$1" -j ike show; }
established() {	# NS: one IKE SA, established, and its pair in actun
	local i
	for i in $(seq 50); do
		[[ $(ike "$1" | jq -r 'map(.state) | join(" ")') == established &&
		   $(acctl -n "$1" -j sa show | jq length) == 2 ]] && return 0
		sleep 0.2
	done
	return 1
}

$ACIKD -f -c "$T/edge.conf" -n edge 2>"$T/edge.log" &
EDGE_PID=$!
sleep 0.5
$ACIKD -f -c "$T/cust.conf" -n cust 2>"$T/cust.log" &
CUST_PID=$!
check "the customer's IKE SA comes up through the NAT" established cust
check "the edge's too" established edge
port=$(ike edge | jq -r '.[0].remote_port')
check "the edge talks to the NAT's port (20000-29999), not 4500" \
	test "$port" -ge 20000 -a "$port" -le 29999
check_eq "the edge's SAs: ESP in UDP from 4500 to the NAT's port" \
	"udp 4500 $port|udp 4500 $port" \
	"$(acctl -n edge -j sa show | jq -r 'map("\(.encap) \(.sport) \(.dport)") | join("|")')"
check_eq "the customer's SAs: ESP in UDP 4500 to 4500" "udp 4500 4500|udp 4500 4500" \
	"$(acctl -n cust -j sa show | jq -r 'map("\(.encap) \(.sport) \(.dport)") | join("|")')"
check "a ping from the customer's LAN to the origin" \
	ip netns exec cust ping -c 2 -W 2 -I 10.2.0.1 10.1.0.1

# keepalives: UDP of 9 bytes (one octet of payload), 0xFF, to port 4500
KA='udp dst port 4500 and udp[4:2] == 9 and udp[8] == 0xff'
ip netns exec edge tcpdump -n -i ve -l -w "$T/edge.pcap" "$KA" 2>/dev/null &
CAP_PIDS+=($!)
ip netns exec cust tcpdump -n -i vc -l -w "$T/cust.pcap" "$KA" 2>/dev/null &
CAP_PIDS+=($!)
sleep 12	# silence: no traffic, DPD off, rekeys an hour away
check "after 12 s of silence the edge reaches the customer's LAN" \
	ip netns exec edge ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1
check_eq "the NAT kept the same mapping" "$port" "$(ike edge | jq -r '.[0].remote_port')"
stop_captures
nka=$(tcpdump -n -r "$T/edge.pcap" "src host 192.0.2.254 and src port $port" 2>/dev/null | wc -l)
check "the customer sent keepalives about every 2 s ($nka in 12 s)" test "$nka" -ge 4
check_eq "the edge, not behind a NAT, sent none" 0 \
	"$(tcpdump -n -r "$T/cust.pcap" 'src host 192.0.2.1' 2>/dev/null | wc -l)"

# Without keepalives the same silence loses the mapping.
sed -i 's/keepalive = 2/keepalive = 0/' "$T/cust.conf"
check "the customer reloads with keepalive = 0" acctl -n cust ike reload
sleep 12
check_fails "after 12 s of silence the edge no longer reaches the customer" \
	ip netns exec edge ping -c 2 -W 2 -I 10.1.0.1 10.2.0.1

check "SIGTERM stops the customer" kill -TERM "$CUST_PID"
wait "$CUST_PID"
check_eq "it exited 0" 0 $?
CUST_PID=
stop_all
if ((_failures)); then
	echo "# edge's log"; sed 's/^/  | /' "$T/edge.log" | tail -30
	echo "# customer's log"; sed 's/^/  | /' "$T/cust.log" | tail -30
fi
finish
