#!/bin/bash
# timeout: 400
# budget: 70
# Replicated Child SAs (Documentation/fleet.md): three edges, each with
# actun, acikd and acfleetd, share a 3-node NATS JetStream cluster. A
# strongSwan customer negotiates with edge1 only; edge1's acikd hands the
# Child SA pair and its route to its agent, which seals them into the
# store, and the other edges' agents install them. Then the data-centre
# router sends the customer's ESP to edge3 (its IKE still to edge1) and
# the client's traffic to edge2: ping and TCP go through, the SA counters of edge2 (out) and edge3
# (in) prove the path, edge1's do not move, and edge2's IVs carry its own
# server id. The bucket holds no key in clear. Records that do not open
# with the fleet key (garbage, renamed, truncated) or name a tunnel an
# edge lacks are refused and counted, nothing is installed and the agents
# keep running. A rekey replaces the pair on every edge (one that lacks
# the tunnel refuses it, counted); the customer's delete removes it from
# every edge.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/topology.sh"
source "$(dirname "$0")/lib/strongswan.sh"
source "$(dirname "$0")/lib/nats.sh"
source "$(dirname "$0")/lib/fleet.sh"

ACIKD=$ACTUN_REPO/tools/acikd/acikd
PSK="actun fleet test pre-shared key"
CUST_ID=cust.ipsec.example.com

begin "fleet: a Child SA negotiated on edge1 carries traffic through edge2 and edge3"
ensure_module
if [[ ! -x $ACIKD || ! -x $ACFLEETD || ! -x $FLEET_KV ]] || ! ss_available; then
	check "acikd, acfleetd and strongSwan are there" false
	finish
	exit
fi
ACIKD_PIDS=()
stop_all() {
	local p
	ss_stop
	for p in "${ACIKD_PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}
trap 'stop_all; _topo_cleanup; _cleanup' EXIT

topo_core
nats_cluster 3
for k in 1 2 3; do
	check "store node $k: JetStream has a meta leader" nats_ready $k
done
xfrm_customer cust 198.51.100.1
topo_origin cust
for n in 1 2 3; do
	topo_edge $n
	acctl -n edge$n tunnel add cust dev ac0 mode ipsec local $ANYCAST remote 198.51.100.1
	# the customer's prefix into actun, whose routes (acikd's) pick the tunnel
	ip -n edge$n route add 203.0.113.0/24 dev ac0
	fleet_start edge$n
	cat >"$NATS_DIR/acikd-edge$n.conf" <<-EOC
	acikd {
	    control = $NATS_DIR/acikd-edge$n.ctl
	    fleet = $NATS_DIR/edge$n.sock
	}
	connections {
	    cust {
	        local_addrs = $ANYCAST
	        remote_addrs = 198.51.100.1
	        local { id = $ANYCAST }
	        remote { id = $CUST_ID }
	        psk = "$PSK"
	        proposals = aes256gcm16-prfsha384-ecp384
	        esp_proposals = aes256gcm16
	        local_ts = 0.0.0.0/0
	        remote_ts = 203.0.113.0/24
	        actun { dev = ac0  tunnel = cust }
	    }
	}
	EOC
	ip netns exec edge$n "$ACIKD" -f -c "$NATS_DIR/acikd-edge$n.conf" \
		2>"$NATS_DIR/acikd-edge$n.log" &
	ACIKD_PIDS+=($!)
done
for n in 1 2 3; do
	check "edge$n: the agent is ready" fleet_wait_ready edge$n 60
done

# The customer's IKE and ESP go to edge1, and so does the client's traffic.
run topo_announce $ANYCAST/32 edge1
run topo_announce 203.0.113.0/24 edge1
SS=$NATS_DIR/strongswan
ss_init "$SS"
cat >"$SS/swanctl.conf" <<EOC
connections {
    edge {
        local_addrs = 198.51.100.1
        remote_addrs = $ANYCAST
        proposals = aes256gcm16-prfsha384-ecp384
        local {
            auth = psk
            id = $CUST_ID
        }
        remote {
            auth = psk
            id = $ANYCAST
        }
        children {
            edge {
                local_ts = 203.0.113.0/24
                remote_ts = 0.0.0.0/0
                esp_proposals = aes256gcm16
                replay_window = 0
            }
        }
    }
}
secrets {
$(ss_secret edge "$CUST_ID" "$PSK")
}
EOC
check "charon starts" ss_start cust
check "swanctl loads the connection" sw cust --load-all --file "$SS/swanctl.conf" --noprompt
check "the customer negotiates with edge1" sw cust --initiate --child edge --timeout 30

# pairs EDGE: "SPI_IN SPI_OUT" of the tunnel's SAs, and its routes' prefixes
pairs() {
	acctl -n "$1" -j sa show tunnel cust |
		jq -r '[(.[] | select(.dir == "in") | .spi), (.[] | select(.dir == "out") | .spi)] | join(" ")'
}
routes() { acctl -n "$1" -j route show tunnel cust | jq -r '[.[].prefix] | join(" ")'; }
check_eq "edge1: acikd installed one pair" 2 "$(acctl -n edge1 -j sa show tunnel cust | jq length)"
want=$(pairs edge1)
has_pair() { [[ $(pairs "$1") == "$want" ]]; }
for n in 2 3; do
	check "edge$n: the same pair, from the store" esp_wait_for 20 has_pair edge$n
	check_eq "edge$n: the route acikd installed on edge1" "$(routes edge1)" "$(routes edge$n)"
done
check_eq "edge1: the agent published 3 records (2 SAs, 1 route)" 3 "$(fleet_status edge1 published)"

check "through edge1: ping client -> origin" on client ping -c 3 -i 0.2 -W 2 203.0.113.100

# The customer's ESP to edge3 (its IKE still to edge1, which alone holds
# the IKE SA: ECMP hashes the two flows apart), the client's traffic to
# edge2.
run ip -n inet rule add from 198.51.100.1 ipproto esp lookup 103
run ip -n inet route add $ANYCAST/32 via 100.64.3.2 table 103
run topo_announce 203.0.113.0/24 edge2
declare -A snap
for n in 1 2 3; do
	snap[$n]=$(esp_sastats edge$n)
done
read -r spi_in spi_out <<<"$want"
cap_start edge2 uplink up2 ip proto 50
check "through edge2 and edge3: ping client -> origin" \
	on client ping -c 5 -i 0.2 -W 2 203.0.113.100
cap_stop
in_d() { delta "${snap[$1]}" "$(esp_sastats edge$1)" "in-$spi_in.packets"; }
out_d() { delta "${snap[$1]}" "$(esp_sastats edge$1)" "out-$spi_out.packets"; }
check "edge2 encrypted the requests (out SA)" test "$(out_d 2)" -ge 5
check "edge3 decrypted the replies (in SA)" test "$(in_d 3)" -ge 5
check_eq "edge1 saw none of it" "0 0" "$(in_d 1) $(out_d 1)"
check_eq "edge2's ESP carries edge2's server id" \
	"[$(acctl -n edge2 -j fleet show | jq .server_id)]" \
	"$(pkt edge2 esp-ivs --src $ANYCAST "$TOPO_CAP/up2.pcap" | jq -c .files.up2.server_ids)"
ip netns exec origin iperf3 -s -D -1 -p 5201
sleep 0.5
check "TCP client -> origin through edge2 and edge3 (iperf3, 3 s)" \
	on client iperf3 -c 203.0.113.100 -p 5201 -t 3

# No key in the store: the customer's SAs' keys do not appear in any record.
keys=$(ip -n cust -s xfrm state | awk '$1 == "aead" { print substr($3, 3) }')
check_eq "the customer has two AEAD keys" 2 "$(wc -w <<<"$keys")"
dump=$(fleet_kv dump actun-objects)
echo "# the bucket's records: $(cut -d' ' -f1 <<<"$dump" | tr '\n' ' ')"
check "the bucket holds the pair's records" grep -q "^sa.ac0.cust.out.$(printf %08x "$spi_out") " <<<"$dump"
for k in $keys; do
	check "no key in clear in the bucket (${k:0:8}...)" eval '! grep -qi "${k:0:32}" <<<"$dump"'
done

# Bad records: none opens with the fleet key, or names a missing tunnel.
refused() { fleet_status "$1" refused_seal; }
before=$(refused edge2)
installed=$(fleet_status edge2 installed)
out_key="sa.ac0.cust.out.$(printf %08x "$spi_out")"
fleet_kv get actun-objects "$out_key" >"$NATS_DIR/good.rec"
head -c 200 /dev/urandom | fleet_kv put actun-objects sa.ac0.cust.out.0badf00d
fleet_kv put actun-objects sa.ac0.cust.out.0badf00e <"$NATS_DIR/good.rec"
head -c -1 "$NATS_DIR/good.rec" | fleet_kv put actun-objects sa.ac0.cust.out.0badf00f
three_refused() { (($(refused edge2) >= before + 3)); }
check "edge2: garbage, a renamed and a truncated record are refused and counted" \
	esp_wait_for 10 three_refused
check_eq "edge2: nothing installed from them" "$installed" "$(fleet_status edge2 installed)"
check "edge2: the agent keeps running" kill -0 "${FLEET_PID[edge2]}"
check "edge2: its log says why" grep -q "refused_seal sa.ac0.cust.out.0badf00d" "$NATS_DIR/edge2.log"
check "the pair still carries traffic" on client ping -c 2 -i 0.2 -W 2 203.0.113.100

# A rekey replaces the pair on every edge; edge3, which no longer has the
# tunnel, refuses the well-sealed records of the new pair (counted), and
# edge2 carries on with it.
run ip -n inet rule del from 198.51.100.1 ipproto esp lookup 103
run acctl -n edge3 tunnel del cust
actun_refused=$(fleet_status edge3 refused_actun)
check "the customer rekeys the Child SA" sw cust --rekey --child edge
new_pair() { [[ $(pairs edge1) != "$want" && $(pairs edge1) == *" "* ]]; }
check "edge1: a new pair" esp_wait_for 20 new_pair
want=$(pairs edge1)
check "edge2: the new pair, the old one gone" esp_wait_for 20 has_pair edge2
edge3_refused() { (($(fleet_status edge3 refused_actun) > actun_refused)); }
check "edge3: the records of a tunnel it lacks are refused and counted" \
	esp_wait_for 20 edge3_refused
check "edge3: its agent keeps running" kill -0 "${FLEET_PID[edge3]}"
check "through edge2 with the new pair: ping client -> origin" \
	on client ping -c 3 -i 0.2 -W 2 203.0.113.100

# The customer deletes the Child SA: acikd on edge1 removes it, and so does
# every edge.
check "the customer deletes the Child SA" sw cust --terminate --child edge --timeout 20
no_sas() { [[ $(acctl -n "$1" -j sa show tunnel cust | jq length) == 0 ]]; }
for n in 1 2; do
	check "edge$n: the pair is gone" esp_wait_for 20 no_sas edge$n
done
((_failures == 0)) || fleet_logs edge1 edge2 edge3
finish
