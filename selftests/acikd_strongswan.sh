#!/bin/bash
# timeout: 420
# budget: 150
# acikd against strongSwan (charon 5.9, swanctl over vici): strongSwan in a
# customer namespace initiates, acikd answers in the edge namespace and
# installs the Child SAs into actun. One charon and one acikd carry several
# connections, one customer address, LAN and actun tunnel each, so that no
# connection needs another's SAs gone. Together they cover every IKE
# proposal value of the seeds (AES-GCM-16 128/256, AES-CBC-256 with
# HMAC-SHA2-256-128; PRF SHA2-256/384/512; ECP-384, MODP-2048, MODP-1536),
# every ESP transform (GCM 128/256, CBC 128/256 with SHA2-256 or SHA1),
# PFS with ECP-384 and MODP-2048, and every identity type (FQDN, RFC822,
# KEY_ID, IPv4). Per connection: "acctl ike show" has it established with
# the negotiated transforms and strongSwan's SPIs; actun holds the Child SA
# pair with the SPIs strongSwan's xfrm states have, and the route to the
# customer's LAN; a ping from the customer's LAN crosses the tunnel (the
# SAs on both sides count it); swanctl --terminate gets its answer.
# A wrong PSK and an unknown identity fail strongSwan's initiate and leave
# acikd nothing (no IKE SA, nothing in actun).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/strongswan.sh"
# ACIKD_SS_TRACE=1 traces every command with a timestamp (where the time goes).
[[ -n ${ACIKD_SS_TRACE:-} ]] && { PS4='+ $EPOCHREALTIME '; set -x; }

ACIKD=$ACTUN_REPO/tools/acikd/acikd

begin "acikd against strongSwan: proposals, identities, Child SAs in actun"
ensure_module
if [[ ! -x $ACIKD ]] || ! ss_available; then
	check "acikd is built and strongSwan (charon, swanctl) is installed" false
	finish
	exit
fi

T=$(mktemp -d)
ACIKD_PID=
IPERF_PID=
stop_daemons() {
	[[ -n $IPERF_PID ]] && kill "$IPERF_PID" 2>/dev/null
	ss_stop
	[[ -n $ACIKD_PID ]] && kill "$ACIKD_PID" 2>/dev/null && wait "$ACIKD_PID" 2>/dev/null
	ACIKD_PID=
}
trap 'stop_daemons; rm -rf "$T"; _cleanup' EXIT
show_logs() {
	echo "# charon's log"
	sed 's/^/  | /' "$T/charon.log"
	echo "# acikd's log"
	sed 's/^/  | /' "$T/acikd.log"
}

# customer 198.51.100.x/24 -- nat (a router; masquerades 198.51.100.40 only)
# -- edge 192.0.2.1/24; acikd sees every customer but .40 by its own address.
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
ip -n edge route add 198.51.100.0/24 via 192.0.2.254
check "the NAT masquerades 198.51.100.40 (UDP to ports 20000-29999)" \
	ip netns exec nat nft -f - <<'EON'
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "vn2" ip saddr 198.51.100.40 meta l4proto udp masquerade to :20000-29999
		oifname "vn2" ip saddr 198.51.100.40 masquerade
	}
}
EON
ip -n edge link add ac0 type actun && ip -n edge link set ac0 up
ip -n edge addr add 10.1.0.1/24 dev lo
ip -n edge route add 10.2.0.0/16 dev ac0

PSK="actun strongSwan interop pass phrase"
# The cases: name, customer address, the address acikd sees (n1 is behind
# the NAT), customer LAN, strongSwan's IKE
# proposal, its ESP proposal, its identity (the one acikd expects), what
# "acctl ike show" must say (encr keybits integ prf dh), what actun's SAs
# must say (enc auth), and for c10 that strongSwan starts on port 4500 with
# UDP encapsulation (NAT-T peers do, say the seeds). c9 offers an
# unsupported proposal first and its KE in a group acikd does not take
# (INVALID_KE_PAYLOAD, then strongSwan retries), and ESN or no ESN.
CASES=(
	"c1 198.51.100.11 198.51.100.11 10.2.1 aes128gcm16-prfsha256-ecp384 aes128gcm16
	 tun1.acct1.ipsec.example.com
	 aes-gcm-16:128:none:hmac-sha2-256:20 gcm-aes-128:null"
	"c2 198.51.100.12 198.51.100.12 10.2.2 aes256gcm16-prfsha384-modp2048 aes256gcm16
	 ipsec@tun2.acct1.ipsec.example.com
	 aes-gcm-16:256:none:hmac-sha2-384:14 gcm-aes-256:null"
	"c3 198.51.100.13 198.51.100.13 10.2.3 aes256-sha256-prfsha512-modp1536 aes128-sha256
	 keyid:acct1_tun3
	 aes-cbc:256:hmac-sha2-256-128:hmac-sha2-512:5 cbc-aes-128:hmac-sha256"
	"c4 198.51.100.14 198.51.100.14 10.2.4 aes256gcm16-prfsha512-ecp384 aes256-sha256
	 198.51.100.14
	 aes-gcm-16:256:none:hmac-sha2-512:20 cbc-aes-256:hmac-sha256"
	"c5 198.51.100.15 198.51.100.15 10.2.5 aes128gcm16-prfsha384-modp1536 aes128-sha1
	 tun5.acct1.ipsec.example.com
	 aes-gcm-16:128:none:hmac-sha2-384:5 cbc-aes-128:hmac-sha1"
	"c6 198.51.100.16 198.51.100.16 10.2.6 aes256-sha256-prfsha384-ecp384 aes256-sha1
	 ipsec@tun6.acct2.ipsec.example.com
	 aes-cbc:256:hmac-sha2-256-128:hmac-sha2-384:20 cbc-aes-256:hmac-sha1"
	"c7 198.51.100.17 198.51.100.17 10.2.7 aes256-sha256-modp2048 aes256gcm16-ecp384
	 keyid:acct2_tun7
	 aes-cbc:256:hmac-sha2-256-128:hmac-sha2-256:14 gcm-aes-256:null"
	"c8 198.51.100.18 198.51.100.18 10.2.8 aes128gcm16-prfsha256-modp2048 aes128-sha256-modp2048
	 fqdn:tun8.acct2.ipsec.example.com
	 aes-gcm-16:128:none:hmac-sha2-256:14 cbc-aes-128:hmac-sha256"
	"c9 198.51.100.19 198.51.100.19 10.2.9 aes128-sha1-modp1024,aes256gcm16-prfsha256-curve25519-ecp384
	 aes128gcm16-esn-noesn tun9.acct2.ipsec.example.com
	 aes-gcm-16:256:none:hmac-sha2-256:20 gcm-aes-128:null"
	"c10 198.51.100.20 198.51.100.20 10.2.10 aes256gcm16-prfsha384-ecp384 aes256gcm16
	 ipsec@tun10.acct2.ipsec.example.com
	 aes-gcm-16:256:none:hmac-sha2-384:20 gcm-aes-256:null encap4500"
	"n1 198.51.100.40 192.0.2.254 10.2.40 aes256gcm16-prfsha256-ecp384 aes256gcm16
	 tun40.acct3.ipsec.example.com
	 aes-gcm-16:256:none:hmac-sha2-256:20 gcm-aes-256:null"
)

# acikd: the seeds' default proposals, one connection and tunnel per case,
# plus "bad" for the refusals (a wrong PSK, an unknown identity).
{
	echo "connections {"
	for c in "${CASES[@]}" "bad 198.51.100.30 198.51.100.30 10.2.30 - - keyid:acct9_bad - -"; do
		read -r name addr public lan _ _ id _ <<<"${c//$'\n'/ }"
		cat <<EOC
    $name {
        local_addrs = 192.0.2.1
        remote_addrs = $public
        remote { id = $id }
        psk = "$PSK"
        local_ts = 10.1.0.0/24
        remote_ts = $lan.0/24
        actun { dev = ac0  tunnel = $name }
    }
EOC
		ip -n cust addr add "$addr/24" dev vc
		ip -n cust addr add "$lan.1/24" dev lo
		acctl -n edge tunnel add "$name" dev ac0 mode ipsec local 192.0.2.1 remote "$public" >&2
	done
	echo "}"
} >"$T/acikd.conf"

# strongSwan: the same connections from the customer's side; "wrongpsk" and
# "unknownid" come from bad's address.
sw_conn() {	# NAME ADDR LAN IKE ESP ID [encap4500]
	cat <<EOC
    $1 {
        version = 2${7:+
        local_port = 4500
        remote_port = 4500
        encap = yes}
        local_addrs = $2
        remote_addrs = 192.0.2.1
        proposals = $4
        mobike = no
        local {
            auth = psk
            id = $6
        }
        remote {
            auth = psk
            id = 192.0.2.1
        }
        children {
            $1 {
                local_ts = $3.0/24
                remote_ts = 10.1.0.0/24
                esp_proposals = $5
                mode = tunnel
            }
        }
    }
EOC
}
{
	echo "connections {"
	for c in "${CASES[@]}"; do
		read -r name addr public lan ike esp id _ _ extra <<<"${c//$'\n'/ }"
		sw_conn "$name" "$addr" "$lan" "$ike" "$esp" "$id" $extra
	done
	sw_conn wrongpsk 198.51.100.30 10.2.30 aes256gcm16-prfsha256-ecp384 aes256gcm16 keyid:acct9_bad
	sw_conn unknownid 198.51.100.30 10.2.30 aes256gcm16-prfsha256-ecp384 aes256gcm16 \
		nobody.acct9.ipsec.example.com
	echo "}"
	echo "secrets {"
	for c in "${CASES[@]}"; do
		read -r name addr public lan _ _ id _ <<<"${c//$'\n'/ }"
		ss_secret "$name" "$id" "$PSK"
	done
	ss_secret wrongpsk keyid:acct9_bad "not the pass phrase"
	ss_secret unknownid nobody.acct9.ipsec.example.com "$PSK"
	echo "}"
} >"$T/swanctl.conf"
# an unanswered request fails within seconds, not minutes (retransmits)
ss_init "$T" "    retransmit_tries = 2
    retransmit_timeout = 2" "            knl = 2"

check "acikd -t accepts the configuration" $ACIKD -t -c "$T/acikd.conf"
$ACIKD -f -c "$T/acikd.conf" -n edge 2>"$T/acikd.log" &
ACIKD_PID=$!
ss_start cust
up() {
	local i
	for i in $(seq 100); do
		[[ -S $SS_DIR/charon.vici && -S /run/acikd.edge.ctl ]] && return 0
		sleep 0.1
	done
	return 1
}
check "charon and acikd are up" up
check "swanctl loads the connections and secrets" sw cust --load-all --file "$T/swanctl.conf"

ike_json() { acctl -n edge -j ike show 2>/dev/null; }
nike() { ike_json | jq length; }
nsa_edge() { acctl -n edge -j sa show | jq length; }
nroute_edge() { acctl -n edge -j route show dev ac0 | jq length; }

# ---- refusals first, while acikd has nothing --------------------------
nsw() { sw cust --list-sas --raw "$@" | grep -o 'initiator-spi=' | wc -l; }
for bad in wrongpsk unknownid; do
	echo "# $(date +%T) $bad"
	: >"$T/charon.log"
	check_fails "$bad: strongSwan's initiate fails" \
		sw cust --initiate --child $bad --timeout 30
	check "$bad: acikd answered AUTHENTICATION_FAILED" \
		grep -q 'received AUTHENTICATION_FAILED notify' "$T/charon.log"
	check_eq "$bad: acikd keeps no IKE SA, actun no SA and no route" "0 0 0" \
		"$(nike) $(nsa_edge) $(nroute_edge)"
	check_eq "$bad: strongSwan has no SA either" 0 "$(nsw)"
done

# ---- every case ---------------------------------------------------------
established() {	# NAME
	local i
	for i in $(seq 50); do
		[[ $(ike_json | jq -r --arg c "$1" '.[] | select(.conn == $c) | .state') == established ]] &&
			[[ $(acctl -n edge -j sa show tunnel "$1" | jq length) == 2 ]] && return 0
		sleep 0.2
	done
	return 1
}
deleted() {	# NAME
	local i
	for i in $(seq 50); do
		[[ -z $(ike_json | jq -r --arg c "$1" '.[] | select(.conn == $c) | .state') ]] &&
			[[ $(acctl -n edge -j sa show tunnel "$1" | jq length) == 0 ]] &&
			[[ $(acctl -n edge -j route show dev ac0 tunnel "$1" | jq length) == 0 ]] &&
			return 0
		sleep 0.2
	done
	return 1
}
rekeyed_child() {	# NAME ADDR OLD_INBOUND_SPI
	local i in
	for i in $(seq 50); do
		in=$(edge_sa "$1" in .spi)
		[[ $(acctl -n edge -j sa show tunnel "$1" | jq length) == 2 && $in != "$3" &&
			$(ip -n cust xfrm state list src "$2" dst 192.0.2.1 | grep -c '^src') == 1 &&
			$(ip -n cust xfrm state list src 192.0.2.1 dst "$2" | grep -c '^src') == 1 &&
			$in == $(xfrm_spi "$2" 192.0.2.1) &&
			$(edge_sa "$1" out .spi) == $(xfrm_spi 192.0.2.1 "$2") ]] && return 0
		sleep 0.2
	done
	acctl -n edge -j sa show tunnel "$1"
	ip -n cust xfrm state
	return 1
}
rekeyed_ike() {	# NAME OLD_SPI_I
	local i json raw
	for i in $(seq 50); do
		json=$(ike_json | jq -c --arg c "$1" '[.[] | select(.conn == $c)]')
		raw=$(sw cust --list-sas --ike "$1" --raw)
		[[ $(jq length <<<"$json") == 1 &&
			$(jq -r '.[0].state' <<<"$json") == established &&
			$(jq -r '.[0].children' <<<"$json") == 1 &&
			$(jq -r '.[0].spi_i' <<<"$json") != "$2" &&
			$(jq -r '.[0].spi_i' <<<"$json") == $(grep -o 'initiator-spi=[0-9a-f]*' <<<"$raw" | cut -d= -f2) &&
			$(jq -r '.[0].spi_r' <<<"$json") == $(grep -o 'responder-spi=[0-9a-f]*' <<<"$raw" | cut -d= -f2) ]] &&
			return 0
		sleep 0.2
	done
	echo "$json"
	echo "$raw"
	return 1
}
xfrm_spi() {	# SRC DST: the SPI of the customer's xfrm state, in decimal
	local spi
	spi=$(ip -n cust xfrm state list src "$1" dst "$2" proto esp | awk '/proto esp spi/ { print $4; exit }')
	[[ -n $spi ]] && echo $((spi))
}
xfrm_packets() {	# SRC DST: packets through the customer's xfrm state
	ip -n cust -s xfrm state list src "$1" dst "$2" proto esp |
		awk '/lifetime current:/ { getline; sub(/\(packets\)/, "", $2); print $2; exit }'
}
edge_sa() {	# TUNNEL DIR FIELD
	acctl -n edge -s -j sa show tunnel "$1" | jq -r --arg d "$2" ".[] | select(.dir == \$d) | $3"
}

# NAT-T: where the NAT mapped the customer's port 4500 to (conntrack)
nat_port() {
	ip netns exec nat conntrack -L -p udp -s 198.51.100.40 --orig-port-src 4500 2>/dev/null |
		grep -o 'dport=[0-9]*' | tail -1 | cut -d= -f2
}

failed_before=0
for c in "${CASES[@]}"; do
	read -r name addr public lan ike esp id ikeexp saexp extra <<<"${c//$'\n'/ }"
	behind=
	[[ $public != "$addr" ]] && behind=", behind the NAT"
	echo "# $(date +%T) $name: IKE $ike, ESP $esp, identity $id$behind"
	check "$name: strongSwan initiates" sw cust --initiate --child "$name" --timeout 30
	check "$name: acikd has it established, with the Child SA pair in actun" established "$name"
	[[ $name == c9 ]] &&
		check "$name: acikd asked for ECP-384 (INVALID_KE_PAYLOAD), strongSwan retried" \
			grep -q "peer didn't accept DH group MODP_1024, it requested ECP_384" "$T/charon.log"
	port=500 encap=null
	[[ $extra == encap4500 ]] && port=4500 encap="udp 4500 4500"
	if [[ $public != "$addr" ]]; then
		port=$(nat_port)
		encap="udp 4500 $port"
		check "$name: the NAT mapped port 4500 elsewhere ($port)" \
			test -n "$port" -a "$port" != 4500
	fi
	json=$(ike_json | jq -c --arg c "$name" '.[] | select(.conn == $c)')
	check_eq "$name: ike show: peer and transforms" \
		"established $public $port ${ikeexp//:/ } 1" \
		"$(jq -r '"\(.state) \(.remote) \(.remote_port) \(.encr) \(.encr_keybits) \(.integ) \(.prf) \(.dh) \(.children)"' <<<"$json")"
	raw=$(sw cust --list-sas --ike "$name" --raw)
	check_eq "$name: ike show: strongSwan's IKE SPIs" \
		"$(grep -o 'initiator-spi=[0-9a-f]*' <<<"$raw" | cut -d= -f2) $(grep -o 'responder-spi=[0-9a-f]*' <<<"$raw" | cut -d= -f2)" \
		"$(jq -r '"\(.spi_i) \(.spi_r)"' <<<"$json")"
	check_eq "$name: actun's SAs: transform, encapsulation, SPIs of strongSwan's xfrm states" \
		"in $(xfrm_spi "$addr" 192.0.2.1) ${saexp%%:*} ${saexp##*:}|out $(xfrm_spi 192.0.2.1 "$addr") ${saexp%%:*} ${saexp##*:} $encap" \
		"$(acctl -n edge -j sa show tunnel "$name" |
			jq -r 'sort_by(.dir) | map("\(.dir) \(.spi) \(.enc) \(.auth // "null")" +
				(if .dir == "out" then " \(.encap // "null")" +
					(if .encap then " \(.sport) \(.dport)" else "" end) else "" end)) | join("|")')"
	if [[ $encap != null ]]; then
		check "$name: strongSwan's xfrm states are UDP-encapsulated" \
			grep -q 'encap type espinudp sport 4500 dport 4500' \
			<<<"$(ip -n cust xfrm state list src "$addr" dst 192.0.2.1)"
	fi
	check_eq "$name: route to the customer's LAN" "$lan.0/24" \
		"$(acctl -n edge -j route show dev ac0 tunnel "$name" | jq -r '.[] | "\(.prefix)/\(.prefixlen)"')"
	check "$name: a ping from the customer's LAN crosses the tunnel" \
		ip netns exec cust ping -c 2 -W 3 -I "$lan.1" 10.1.0.1
	check_eq "$name: both sides' SAs counted it (edge in/out, strongSwan out/in)" \
		"2 2 2 2" \
		"$(edge_sa "$name" in .stats.packets) $(edge_sa "$name" out .stats.packets) $(xfrm_packets "$addr" 192.0.2.1) $(xfrm_packets 192.0.2.1 "$addr")"
	if [[ $name == c3 || $name == c7 ]]; then
		old_in=$(edge_sa "$name" in .spi)
		check "$name: strongSwan rekeys the Child SA (CREATE_CHILD_SA)" \
			sw cust --rekey --child "$name"
		check "$name: actun holds only the new pair, with strongSwan's new SPIs" \
			rekeyed_child "$name" "$addr" "$old_in"
		check "$name: a ping crosses the new pair" \
			ip netns exec cust ping -c 2 -W 3 -I "$lan.1" 10.1.0.1
		check_eq "$name: both sides' new SAs counted it" "2 2 2 2" \
			"$(edge_sa "$name" in .stats.packets) $(edge_sa "$name" out .stats.packets) $(xfrm_packets "$addr" 192.0.2.1) $(xfrm_packets 192.0.2.1 "$addr")"
		old_spi=$(ike_json | jq -r --arg c "$name" '.[] | select(.conn == $c) | .spi_i')
		check "$name: strongSwan rekeys the IKE SA" sw cust --rekey --ike "$name"
		check "$name: acikd has the new IKE SA with strongSwan's SPIs, the Child SA moved over" \
			rekeyed_ike "$name" "$old_spi"
	fi
	if [[ $name == c2 ]]; then
		before=$(edge_sa "$name" in .stats.bytes)
		ip netns exec edge iperf3 -s -1 -B 10.1.0.1 >/dev/null 2>&1 &
		IPERF_PID=$!
		for i in $(seq 50); do
			[[ -n $(ip netns exec edge ss -tlnH 'sport = :5201') ]] && break
			sleep 0.1
		done
		out=$(ip netns exec cust iperf3 -J -t 2 -B "$lan.1" -c 10.1.0.1 2>&1)
		bps=$(jq -r '.end.sum_received.bits_per_second // 0 | floor' <<<"$out" 2>/dev/null)
		kill "$IPERF_PID" 2>/dev/null; wait "$IPERF_PID" 2>/dev/null; IPERF_PID=
		echo "# iperf3 through $name: ${bps:-0} bit/s"
		((${bps:-0} > 0)) || sed 's/^/  | /' <<<"$out" | tail -20
		check "$name: iperf3 TCP from the customer's LAN moves data" test "${bps:-0}" -gt 0
		check "$name: and it went through actun's inbound SA" \
			test "$(edge_sa "$name" in .stats.bytes)" -gt $((before + 1000000))
	fi
	check "$name: swanctl --terminate gets acikd's answer" \
		sw cust --terminate --ike "$name" --timeout 20
	check_eq "$name: strongSwan's SAs are gone" 0 "$(nsw --ike "$name")"
	check "$name: acikd took the IKE SA, the Child SAs and the route out (DELETE)" \
		deleted "$name"
	if ((_failures > failed_before)); then
		show_logs
		failed_before=$_failures
		: >"$T/charon.log"
	fi
done

check "acikd is still running" kill -0 "$ACIKD_PID"
check "charon is still running" kill -0 "$SS_PID"
# ACIKD_SS_LOGS=1 shows the logs even when everything passed.
((_failures)) || [[ -n ${ACIKD_SS_LOGS:-} ]] && { show_logs; sed 's/^/  | /' "$T/charon.out"; }
finish
