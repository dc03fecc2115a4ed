#!/bin/bash
# timeout: 400
# budget: 90
# acikd against strongSwan (charon 5.9, swanctl), the remaining interop
# cases: acikd as the initiator; IKE fragmentation (RFC 7383) both ways;
# dead peer detection of a customer that vanished; a customer that comes
# back after a crash (INITIAL_CONTACT).
#  i1, i2: acikd initiates (initiate = yes) to charon, offering two IKE
#   proposals (GCM-256/PRF-SHA384/ECP-384, then CBC-256/SHA2-256/MODP-2048)
#   and two ESP proposals (a CBC+SHA one, a GCM one with PFS); charon takes
#   the second IKE proposal for i1 (acikd retries after INVALID_KE) and the
#   first for i2; both ends list the IKE SA with the same SPIs, actun holds
#   charon's xfrm SPIs, a ping crosses and both sides' SAs count it; on i2
#   charon rekeys the Child SA with PFS (ECP-384 in CREATE_CHILD_SA).
#  f1: 16 traffic selectors each side (IPv4 and IPv6) on a link of MTU 600,
#   acikd's fragment_size and charon's at 576: IKE_AUTH is fragmented both
#   ways (charon's log), the Child SA carries all 16 routes, a ping crosses.
#  d1: dpd_delay 2s, dpd_timeout 6s; charon answers the liveness checks and
#   the SA stays; then charon is killed (-9) and its link goes down: acikd
#   drops the IKE SA, the pair and the routes within dpd_timeout + margin.
#  r1: default DPD, survives the crash; charon restarts and initiates r1
#   again (N(INITIAL_CONTACT)): acikd keeps exactly the new IKE SA and one
#   pair, routes present, ping works.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/strongswan.sh"
# ACIKD_SS_TRACE=1 traces every command with a timestamp.
[[ -n ${ACIKD_SS_TRACE:-} ]] && { PS4='+ $EPOCHREALTIME '; set -x; }

ACIKD=$ACTUN_REPO/tools/acikd/acikd

begin "acikd against strongSwan: acikd initiates, fragmentation, DPD, INITIAL_CONTACT"
ensure_module
if [[ ! -x $ACIKD ]] || ! ss_available; then
	check "acikd is built and strongSwan (charon, swanctl) is installed" false
	finish
	exit
fi

T=$(mktemp -d)
ACIKD_PID=
stop_daemons() {
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

ns_add edge
ns_add cust
ip link add ve netns edge type veth peer name vc netns cust
ip -n edge addr add 192.0.2.1/24 dev ve && ip -n edge link set ve up
ip -n cust link set vc up
ip -n edge link add ac0 type actun && ip -n edge link set ac0 up
ip -n edge addr add 10.1.0.1/24 dev lo
ip -n edge route add 10.2.0.0/16 dev ac0

PSK="actun strongSwan peer pass phrase"
ACIKD_IKE=aes256gcm16-prfsha384-ecp384,aes256-sha256-prfsha256-modp2048
ACIKD_ESP=aes256-sha256,aes256gcm16-ecp384
# f1's traffic selectors: 16 on each side (CONFIG_MAX_TS), half IPv6, so
# that IKE_AUTH is well over 576 bytes both ways.
F1_EDGE_TS=10.1.0.0/24 F1_CUST_TS=10.2.3.0/24
for i in $(seq 1 7); do
	F1_EDGE_TS+=",10.1.$((100 + i)).0/24" F1_CUST_TS+=",10.3.$i.0/24"
done
for i in $(seq 1 8); do
	F1_EDGE_TS+=",2001:db8:1:$i::/64" F1_CUST_TS+=",2001:db8:2:$i::/64"
done
# name, customer address, LAN, acikd's extra settings; strongSwan's IKE and
# ESP proposals, its local and remote traffic selectors
CASES=(
	"i1 192.0.2.11 10.2.1 initiate=yes aes256-sha256-prfsha256-modp2048 aes256-sha256"
	"i2 192.0.2.12 10.2.2 initiate=yes aes256gcm16-prfsha384-ecp384 aes256gcm16-ecp384"
	"f1 192.0.2.13 10.2.3 fragment_size=576 aes256gcm16-prfsha384-ecp384 aes256gcm16 $F1_CUST_TS $F1_EDGE_TS"
	"d1 192.0.2.14 10.2.4 dpd_delay=2s,dpd_timeout=6s aes256gcm16-prfsha384-ecp384 aes256gcm16"
	"r1 192.0.2.15 10.2.5 - aes256gcm16-prfsha384-ecp384 aes256gcm16"
)
{
	echo "connections {"
	for c in "${CASES[@]}"; do
		read -r name addr lan extra _ _ cts ets <<<"$c"
		cat <<EOC
    $name {
        local_addrs = 192.0.2.1
        remote_addrs = $addr
        remote { id = $name.example.com }
        psk = "$PSK"
        proposals = $ACIKD_IKE
        esp_proposals = $ACIKD_ESP
        local_ts = ${ets:-10.1.0.0/24}
        remote_ts = ${cts:-$lan.0/24}
        actun { dev = ac0  tunnel = $name }
EOC
		[[ $extra != - ]] && tr , '\n' <<<"$extra" | sed 's/=/ = /; s/^/        /'
		echo "    }"
		ip -n cust addr add "$addr/24" dev vc
		ip -n cust addr add "$lan.1/24" dev lo
		acctl -n edge tunnel add "$name" dev ac0 mode ipsec local 192.0.2.1 remote "$addr" >&2
	done
	echo "}"
} >"$T/acikd.conf"
ip -n cust route replace 10.1.0.0/24 via 192.0.2.1 dev vc

{
	echo "connections {"
	for c in "${CASES[@]}"; do
		read -r name addr lan _ ike esp cts ets <<<"$c"
		cat <<EOC
    $name {
        version = 2
        local_addrs = $addr
        remote_addrs = 192.0.2.1
        proposals = $ike
        mobike = no
        fragmentation = yes
        local {
            auth = psk
            id = $name.example.com
        }
        remote {
            auth = psk
            id = 192.0.2.1
        }
        children {
            $name {
                local_ts = ${cts:-$lan.0/24}
                remote_ts = ${ets:-10.1.0.0/24}
                esp_proposals = $esp
                mode = tunnel
            }
        }
    }
EOC
	done
	echo "}"
	echo "secrets {"
	for c in "${CASES[@]}"; do
		read -r name _ <<<"$c"
		ss_secret "$name" "$name.example.com" "$PSK"
	done
	echo "}"
} >"$T/swanctl.conf"
# f1's IKE fragments are 576 bytes on charon's side too; an unanswered
# request fails within seconds; the log lines name the connection, so the
# checks below grep them by it
ss_init "$T" "    retransmit_tries = 2
    retransmit_timeout = 2
    fragment_size = 576" "            enc = 1
            knl = 2
            ike_name = yes"

ike_json() { timeout 5 acctl -n edge -j ike show 2>/dev/null; }
ike_of() {	# CONN: "state spi_i spi_r children" of each of its IKE SAs
	ike_json | jq -r --arg c "$1" '.[] | select(.conn == $c) | "\(.state) \(.spi_i) \(.spi_r) \(.children)"'
}
nsa() { acctl -n edge -j sa show tunnel "$1" | jq length; }
routes() { acctl -n edge -j route show dev ac0 tunnel "$1" | jq -r '.[] | "\(.prefix)/\(.prefixlen)"' | sort; }
edge_sa() {	# TUNNEL DIR FIELD
	acctl -n edge -s -j sa show tunnel "$1" | jq -r --arg d "$2" ".[] | select(.dir == \$d) | $3"
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
sw_spis() {	# CONN: strongSwan's established IKE SA as "spi_i spi_r"
	sw cust --list-sas --ike "$1" --raw 2>/dev/null | grep 'state=ESTABLISHED' |
		sed -n 's/.*initiator-spi=\([0-9a-f]*\).*responder-spi=\([0-9a-f]*\).*/\1 \2/p' | head -1
}
# established CONN: acikd has one established IKE SA with one pair, actun
# the pair, charon the IKE SA with the same SPIs
established() {	# CONN [TRIES]
	local i
	for i in $(seq "${2:-75}"); do
		[[ $(ike_of "$1") == "established $(sw_spis "$1") 1" && $(nsa "$1") == 2 ]] &&
			return 0
		sleep 0.2
	done
	echo "acikd: $(ike_of "$1"); actun: $(nsa "$1") SAs; strongSwan: $(sw_spis "$1")"
	return 1
}
# the pair in actun has the SPIs of charon's xfrm states
pair_matches() {	# CONN ADDR
	local in out
	in=$(edge_sa "$1" in .spi) out=$(edge_sa "$1" out .spi)
	[[ -n $in && $in == $(xfrm_spi "$2" 192.0.2.1) && $out == $(xfrm_spi 192.0.2.1 "$2") ]] && return 0
	echo "actun: in $in out $out; xfrm: in $(xfrm_spi "$2" 192.0.2.1) out $(xfrm_spi 192.0.2.1 "$2")"
	return 1
}
ping_counted() {	# CONN ADDR LAN: a ping crosses, all four SAs count 2 packets
	local before
	before="$(edge_sa "$1" in .stats.packets) $(edge_sa "$1" out .stats.packets) $(xfrm_packets "$2" 192.0.2.1) $(xfrm_packets 192.0.2.1 "$2")"
	check "$1: a ping from the customer's LAN crosses the tunnel" \
		ip netns exec cust ping -c 2 -W 3 -I "$3.1" 10.1.0.1
	local after=
	after="$(edge_sa "$1" in .stats.packets) $(edge_sa "$1" out .stats.packets) $(xfrm_packets "$2" 192.0.2.1) $(xfrm_packets 192.0.2.1 "$2")"
	local -a b=($before) a=($after) d=()
	local k
	for k in 0 1 2 3; do d+=($((${a[k]:-0} - ${b[k]:-0}))); done
	check_eq "$1: both sides' SAs counted it (actun in/out, xfrm out/in)" "2 2 2 2" "${d[*]}"
}
# gone CONN PREFIX SECONDS [FROM]: acikd has no IKE SA, SA or route of CONN
# by SECONDS after FROM ($EPOCHREALTIME; default now)
gone() {
	local from=${4:-$EPOCHREALTIME} end
	end=$((${from/./} + $3 * 1000000))	# microseconds
	while :; do
		[[ -z $(ike_of "$1") && $(nsa "$1") == 0 &&
			-z $(acctl -n edge -j route show dev ac0 | jq -r --arg p "$2" '.[] | select(.prefix == $p) | .prefix') ]] &&
			return 0
		((${EPOCHREALTIME/./} < end)) || break
		sleep 0.2
	done
	echo "acikd: $(ike_of "$1"); actun: $(nsa "$1") SAs, routes: $(routes "$1" | tr '\n' ' ')"
	return 1
}
terminate() {	# CONN
	check "$1: strongSwan terminates it" sw cust --terminate --ike "$1" --timeout 20
	check "$1: acikd took the IKE SA, the Child SAs and the routes out (DELETE)" \
		gone "$1" "$2" 10
}

# charon first, so that acikd's IKE_SA_INIT finds it listening
ss_start cust
check "charon is up and swanctl loads the connections and secrets" \
	sw cust --load-all --file "$T/swanctl.conf"
check "acikd -t accepts the configuration" $ACIKD -t -c "$T/acikd.conf"
$ACIKD -f -c "$T/acikd.conf" -n edge 2>"$T/acikd.log" &
ACIKD_PID=$!

failed_before=0
section_end() {
	if ((_failures > failed_before)); then
		show_logs
		failed_before=$_failures
	fi
}

# ---- i1, i2: acikd initiates ---------------------------------------------
echo "# $(date +%T) i1, i2: acikd initiates"
# (the first xfrm SA of a boot takes the VM about 14 s under TCG: esp4,
# gcm, ghash loaded and self-tested; charon as the responder installs its
# SAs before it answers IKE_AUTH, which acikd retransmits meanwhile)
for name in i1 i2; do
	check "$name: acikd initiated; established on both ends, the same IKE SPIs" \
		established "$name" 200
done
check_eq "i1: charon took acikd's second IKE proposal (CBC-256, SHA2-256, MODP-2048)" \
	"aes-cbc 256 hmac-sha2-256-128 hmac-sha2-256 14" \
	"$(ike_json | jq -r '.[] | select(.conn == "i1") | "\(.encr) \(.encr_keybits) \(.integ) \(.prf) \(.dh)"')"
check "i1: after asking acikd for MODP-2048 (INVALID_KE_PAYLOAD)" \
	grep -q 'DH group ECP_384 unacceptable, requesting MODP_2048' "$T/charon.log"
check_eq "i2: and the first for i2 (GCM-256, PRF SHA2-384, ECP-384)" \
	"aes-gcm-16 256 none hmac-sha2-384 20" \
	"$(ike_json | jq -r '.[] | select(.conn == "i2") | "\(.encr) \(.encr_keybits) \(.integ) \(.prf) \(.dh)"')"
for name in i1 i2; do
	check "$name: charon is the responder (acikd initiated)" \
		test "$(sw cust --list-sas --ike "$name" --raw | grep -o 'state=ESTABLISHED\|initiator=yes')" == state=ESTABLISHED
done
check_eq "i1: the CBC+SHA ESP proposal in actun" "cbc-aes-256 hmac-sha256|cbc-aes-256 hmac-sha256" \
	"$(acctl -n edge -j sa show tunnel i1 | jq -r 'map("\(.enc) \(.auth)") | join("|")')"
check_eq "i2: the GCM ESP proposal in actun" "gcm-aes-256 null|gcm-aes-256 null" \
	"$(acctl -n edge -j sa show tunnel i2 | jq -r 'map("\(.enc) \(.auth // "null")") | join("|")')"
check "i1: actun's SAs have the SPIs of charon's xfrm states" pair_matches i1 192.0.2.11
check "i2: actun's SAs have the SPIs of charon's xfrm states" pair_matches i2 192.0.2.12
check_eq "routes to the customers' LANs" "10.2.1.0/24 10.2.2.0/24" "$(routes i1) $(routes i2)"
ping_counted i1 192.0.2.11 10.2.1
ping_counted i2 192.0.2.12 10.2.2
# PFS: strongSwan rekeys i2's Child SA with a KE (ECP-384)
old_in=$(edge_sa i2 in .spi)
check "i2: strongSwan rekeys the Child SA" sw cust --rekey --child i2
rekeyed_pfs() {
	local i
	for i in $(seq 50); do
		[[ $(nsa i2) == 2 && $(edge_sa i2 in .spi) != "$old_in" ]] &&
			pair_matches i2 192.0.2.12 >/dev/null &&
			sw cust --list-sas --ike i2 --raw | grep -q 'dh-group=ECP_384' && return 0
		sleep 0.2
	done
	sw cust --list-sas --ike i2 --raw
	return 1
}
check "i2: the new pair, negotiated with PFS (ECP-384), replaced the old one in actun" rekeyed_pfs
ping_counted i2 192.0.2.12 10.2.2
terminate i1 10.2.1.0
terminate i2 10.2.2.0
section_end

# ---- f1: IKE fragmentation both ways, MTU 600 ---------------------------
echo "# $(date +%T) f1: 16 selectors each way, fragment_size 576, MTU 600"
ip -n edge link set ve mtu 600
ip -n cust link set vc mtu 600
# what arrives on each end, before IP reassembly
for ns in edge cust; do
	check "$ns: nft counts IKE datagrams over 576 bytes and IP fragments" ip netns exec $ns nft -f - <<'EON'
table ip peer {
	chain pre {
		type filter hook prerouting priority -450;
		udp dport { 500, 4500 } ip length > 576 counter name over576
		ip frag-off & 0x3fff != 0 counter name ipfrags
	}
	counter over576 {}
	counter ipfrags {}
}
EON
done
nft_count() {	# NS COUNTER: packets
	ip netns exec "$1" nft -j list counter ip peer "$2" | jq '.nftables[] | .counter? // empty | .packets'
}
ss_mark
check "f1: strongSwan initiates" sw cust --initiate --child f1 --timeout 30
check "f1: established on both ends, the same IKE SPIs" established f1
check "f1: charon's IKE SA says it initiated (initiator=yes, absent on i1 and i2)" \
	grep -q 'initiator=yes' <<<"$(sw cust --list-sas --ike f1 --raw)"
check "f1: charon sent IKE_AUTH in fragments" \
	grep -q 'f1.*splitting IKE message .* into [2-9] fragments' <<<"$(ss_log)"
check "f1: and the response came back in fragments (acikd's), reassembled" \
	grep -q 'f1.*received fragment #[0-9]* of [2-9], reassembled fragmented IKE message' <<<"$(ss_log)"
check_eq "f1: no IKE datagram over 576 bytes, no IP fragment crossed the link either way" \
	"0 0 0 0" "$(nft_count edge over576) $(nft_count edge ipfrags) $(nft_count cust over576) $(nft_count cust ipfrags)"
check_eq "f1: charon's Child SA has all 16 selectors each way" "16 16" \
	"$(sw cust --list-sas --ike f1 --raw | grep -o 'local-ts=\[[^]]*\]' | wc -w) $(sw cust --list-sas --ike f1 --raw | grep -o 'remote-ts=\[[^]]*\]' | wc -w)"
check_eq "f1: actun routes all 16 customer prefixes" \
	"$(tr , '\n' <<<"$F1_CUST_TS" | sort | tr '\n' ' ')" "$(routes f1 | tr '\n' ' ')"
check "f1: actun's SAs have the SPIs of charon's xfrm states" pair_matches f1 192.0.2.13
ping_counted f1 192.0.2.13 10.2.3
terminate f1 10.2.3.0
ip -n edge link set ve mtu 1500
ip -n cust link set vc mtu 1500
section_end

# ---- d1, r1: the customer vanishes --------------------------------------
echo "# $(date +%T) d1, r1: DPD, then a crash and INITIAL_CONTACT"
for name in d1 r1; do
	check "$name: strongSwan initiates" sw cust --initiate --child "$name" --timeout 30
	check "$name: established on both ends" established "$name"
done
ping_counted d1 192.0.2.14 10.2.4
# acikd's liveness checks on d1 (2 s of silence) are answered
ss_mark
dpd_answered() {
	local i
	for i in $(seq 75); do
		(($(ss_log | grep -c 'd1.*parsed INFORMATIONAL request [0-9]* \[ \]') >= 3)) && return 0
		sleep 0.2
	done
	return 1
}
check "d1: charon answered three of acikd's liveness checks" dpd_answered
check_eq "d1: and the IKE SA stays on acikd" "established 1" \
	"$(ike_of d1 | awk '{ print $1, $4 }')"
old_r1=$(ike_of r1)
# the customer vanishes: no DELETE, no answers
ip -n cust link set vc down
ss_stop -KILL
t0=$EPOCHREALTIME
check "d1: within dpd_timeout + 6 s acikd has no IKE SA, SA or route of it" \
	gone d1 10.2.4.0 12 "$t0"
echo "# d1 went $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s after the customer vanished"
check_eq "r1: still there (no DELETE came)" "$old_r1 2" "$(ike_of r1) $(nsa r1)"
grep -iE 'd1|dead|dpd|timed out|gone' "$T/acikd.log" | tail -5 | sed 's/^/  | /'

# the customer comes back: a rebooted router, no xfrm state left
ip -n cust xfrm state flush
ip -n cust xfrm policy flush
ip -n cust link set vc up
ip -n cust route replace 10.1.0.0/24 via 192.0.2.1 dev vc	# went with the link
ss_mark
ss_start cust
check "charon starts again, swanctl loads the connections" \
	sw cust --load-all --file "$T/swanctl.conf"
check "r1: strongSwan initiates again" sw cust --initiate --child r1 --timeout 30
check "r1: its IKE_AUTH said INITIAL_CONTACT" \
	grep -q 'r1.*generating IKE_AUTH request 1 \[.* N(INIT_CONTACT)' <<<"$(ss_log)"
check "r1: acikd has exactly the new IKE SA and one pair" established r1
check_fails "r1: not the old one" test "$(ike_of r1)" == "$old_r1"
check "r1: actun's SAs have the SPIs of charon's xfrm states" pair_matches r1 192.0.2.15
check_eq "r1: the route" 10.2.5.0/24 "$(routes r1)"
ping_counted r1 192.0.2.15 10.2.5
check_eq "d1 did not come back" "" "$(ike_of d1)"
section_end

check "acikd is still running" kill -0 "$ACIKD_PID"
((_failures)) || [[ -n ${ACIKD_SS_LOGS:-} ]] && { show_logs; sed 's/^/  | /' "$T/charon.out"; }
finish
