#!/bin/bash
# acikd's kernel interface (tools/acikd/kernel.c) against actun, through
# tools/acikd/tests/kernel_smoke: a Child SA pair goes in inbound first,
# then outbound, then the routes of the tunnel's first pair; every
# transform IKE negotiates maps to one actun takes; UDP encapsulation and
# lifetimes arrive; removal takes out the pair and, with the last one, the
# routes; a refused install leaves nothing behind; soft and hard expiries
# come back once each per pair; a flush (what acikd does on SIGTERM)
# removes everything it installed. Checked with acctl.
# Then the daemon itself, when it is built: two acikd in two namespaces
# negotiate (one initiates), install their pairs and routes, carry a ping
# through the tunnel, answer "acctl ike show" (text and JSON, no keys),
# reload on SIGHUP and "acctl ike reload" (a broken file is refused and the
# old one kept), and take everything out again on SIGTERM.
# timeout: 240
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/acikd.sh"

SMOKE=$ACTUN_REPO/tools/acikd/tests/kernel_smoke

begin "acikd kernel interface: Child SAs, routes and expiries in actun"
ensure_module
if [[ ! -x $SMOKE ]]; then
	check "kernel_smoke is built (make acikd)" false
	finish
	exit
fi
ns_add ak
A="acctl -n ak"
S="ip netns exec ak $SMOKE ac0 cust"
ip -n ak link add ac0 type actun
run $A tunnel add cust dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.1
run $A tunnel add other dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.2

sas() { $A -j sa show tunnel cust; }
routes() { $A -j route show dev ac0 tunnel cust; }
nsas() { sas | jq length; }
nroutes() { routes | jq length; }

# The first pair brings the routes.
check "install the first pair (GCM-256) with its routes" $S install 0x1000 0x2000 first
json=$(sas)
check_eq "inbound and outbound SA" "in 4096 gcm-aes-256|out 8192 gcm-aes-256" \
	"$(jq -r 'sort_by(.dir) | map("\(.dir) \(.spi) \(.enc)") | join("|")' <<<"$json")"
check_fails "no key material in the SA dump" grep -qiE 'key|1112131415' <<<"$json"
check_eq "routes to the remote traffic selectors" "10.99.0.0/16 2001:db8:99::/48" \
	"$(routes | jq -r 'map("\(.prefix)/\(.prefixlen)") | sort | join(" ")')"

# A rekeyed pair: routes untouched; encapsulation and lifetimes arrive.
check "install a second pair (CBC-256 + SHA1, UDP, lifetimes)" \
	$S install 0x1001 0x2001 cbc256-sha1 encap 4500 4501 life 3000 3600
check_eq "four SAs" 4 "$(nsas)"
check_eq "routes not added twice" 2 "$(nroutes)"
check_eq "second outbound SA as negotiated" "cbc-aes-256 hmac-sha1 udp 4500 4501 3000 3600" \
	"$(sas | jq -r '.[] | select(.spi == 8193) | "\(.enc) \(.auth) \(.encap) \(.sport) \(.dport) \(.soft_seconds) \(.hard_seconds)"')"
check_eq "no replay window (anycast)" 0 \
	"$(sas | jq -r '.[] | select(.spi == 4097) | .replay_window')"

check "remove the older pair (not the last)" $S remove 0x1000 0x2000
check_eq "two SAs left" "4097 8193" "$(sas | jq -r 'map(.spi) | sort | join(" ")')"
check_eq "routes stay with the remaining pair" 2 "$(nroutes)"
check "remove the last pair" $S remove 0x1001 0x2001 last
check_eq "no SA left" 0 "$(nsas)"
check_eq "no route left" 0 "$(nroutes)"
check "removing it again is not an error" $S remove 0x1001 0x2001 last

# Two IKE SAs feeding one tunnel (a router that restarted IKE): each says
# its pair is its first and its last; the routes go with the tunnel's
# last pair only.
check "a pair of one IKE SA" $S install 0x1200 0x2200 first
check "a pair of another IKE SA on the same tunnel" $S install 0x1201 0x2201 first
check_eq "routes once" 2 "$(nroutes)"
check "the first IKE SA's last pair goes" $S remove 0x1200 0x2200 last
check_eq "routes stay for the other IKE SA's pair" "2 2" "$(nsas) $(nroutes)"
check "the other's last pair goes" $S remove 0x1201 0x2201 last
check_eq "now the routes go" "0 0" "$(nsas) $(nroutes)"

# Every transform IKE negotiates.
for suite in gcm128 gcm256 cbc128-sha256 cbc256-sha256 cbc128-sha1 cbc256-sha1; do
	check "$suite installs" $S install 0x1100 0x2100 $suite first
	check "$suite removes" $S remove 0x1100 0x2100 last
done
check_eq "nothing left after the transforms" "0 0" "$(nsas) $(nroutes)"

# Refusals undo what was done.
run $A sa add tunnel other dir in spi 0x3000 enc gcm-aes-128 key 0x00112233445566778899aabbccddeeff01020304
check_fails "an inbound SPI in use elsewhere is refused" $S install 0x3000 0x4000 first
check_eq "nothing of it left" "0 0" "$(nsas) $(nroutes)"
run $A sa add tunnel cust dir out spi 0x5001 enc gcm-aes-128 key 0x00112233445566778899aabbccddeeff01020304
check_fails "an outbound SPI in use in the tunnel is refused" $S install 0x5000 0x5001 first
check_eq "its inbound SA was taken out again (only the one in the way is left), no routes" \
	"out 20481|0" "$(sas | jq -r 'map("\(.dir) \(.spi)") | join(" ")')|$(nroutes)"
run $A sa del tunnel cust dir out spi 0x5001
check_fails "a tunnel that does not exist" ip netns exec ak $SMOKE ac0 nosuch install 0x6000 0x7000
check_fails "a device that does not exist" ip netns exec ak $SMOKE ac9 cust install 0x6000 0x7000
check_eq "nothing left after the refusals" "0 0" "$(nsas) $(nroutes)"

# Expiries: soft then hard, each once per pair (both SAs of it expire).
out=$($S expire 0x6000 0x7000 2>&1)
echo "$out" | sed 's/^/  | /'
check_eq "soft expiry reported once" 1 "$(grep -c 'expired soft 0x00006000 tunnel cust' <<<"$out")"
check_eq "hard expiry reported once" 1 "$(grep -c 'expired hard 0x00006000 tunnel cust' <<<"$out")"
check_eq "expired pair and routes removed" "0 0" "$(nsas) $(nroutes)"

# Shutdown: everything acikd installed goes.
check "flush after two pairs" $S flush 0x8000 0x9000
check_eq "flush leaves no SA and no route" "0 0" "$(nsas) $(nroutes)"
check_eq "the other tunnel's SA was not touched" 12288 \
	"$($A -j sa show tunnel other | jq -r '.[0].spi')"

ns_del ak

# ---- the daemon ---------------------------------------------------------
ACIKD=$ACTUN_REPO/tools/acikd/acikd
if [[ ! -x $ACIKD ]]; then
	echo "# acikd is not built (the protocol core is missing): daemon checks skipped"
	finish
	exit
fi
ak_two_ends
T=$(mktemp -d)
ak_conf c1 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 >"$T/edge.conf"
ak_conf e1 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 "initiate = yes" >"$T/cust.conf"

check "acikd -t accepts the configuration" $ACIKD -t -c "$T/edge.conf"
echo 'connections { broken' >"$T/broken.conf"
check_fails "acikd -t refuses a broken one" $ACIKD -t -c "$T/broken.conf"
check "the responder starts (daemonized)" $ACIKD -c "$T/edge.conf" -n edge
EDGE_PID=$(pgrep -n -x acikd)
check_error "control socket /run/acikd.edge.ctl: Address already in use (is another acikd running?)" \
	$ACIKD -c "$T/edge.conf" -n edge
check_eq "the first one still has its sockets" 2 \
	"$(ip netns exec edge ss -uanpH | grep -c "pid=$EDGE_PID,")"
$ACIKD -f -c "$T/cust.conf" -n cust 2>"$T/cust.log" &
CUST_PID=$!
check_eq "control socket of the namespace, mode 0600" "srw-------" \
	"$(stat -c %A /run/acikd.edge.ctl)"

established() {
	local i
	for i in $(seq 50); do
		[[ $(acctl -n "$1" -j ike show 2>/dev/null | jq -r '.[0].state') == established ]] &&
			[[ $(acctl -n "$1" -j sa show | jq length) == 2 ]] && return 0
		sleep 0.2
	done
	return 1
}
check "the initiator's IKE SA and Child SA come up" established cust
check "the responder's too" established edge
json=$(acctl -n edge -j ike show)
check_eq "ike show -j: the connection, peer, transforms" \
	"c1 192.0.2.2 500 aes-gcm-16 256 20 1" \
	"$(jq -r '.[0] | "\(.conn) \(.remote) \(.remote_port) \(.encr) \(.encr_keybits) \(.dh) \(.children)"' <<<"$json")"
check_eq "no key material in ike show" "" \
	"$(jq -r '.[] | keys[] | select(test("psk|(^|_)key($|_)"))' <<<"$json")"
check_fails "nor the PSK's text" grep -q 'pass phrase' <<<"$json"
check "ike show text" grep -q '^c1 established remote 192.0.2.2 port 500 spi ' \
	<<<"$(acctl -n edge ike show)"
check_eq "the Child SA pairs match" \
	"$(acctl -n edge -j sa show | jq -c 'map(.spi) | sort')" \
	"$(acctl -n cust -j sa show | jq -c 'map(.spi) | sort')"
check_eq "routes to the remote traffic selectors" "10.2.0.0/24 c1|10.1.0.0/24 e1" \
	"$(acctl -n edge -j route show dev ac0 | jq -r '.[] | "\(.prefix)/\(.prefixlen) \(.tunnel)"')|$(acctl -n cust -j route show dev ac0 | jq -r '.[] | "\(.prefix)/\(.prefixlen) \(.tunnel)"')"
check "a ping through the tunnel" ip netns exec cust ping -c 2 -W 2 -I 10.2.0.1 10.1.0.1
check_eq "both ends' SAs counted it" "2 2" \
	"$(acctl -n edge -s -j sa show | jq -r '[.[] | select(.dir == "in") | .stats.packets] | add') $(acctl -n cust -s -j sa show | jq -r '[.[] | select(.dir == "in") | .stats.packets] | add')"

check "acctl ike reload" acctl -n edge ike reload
cp "$T/edge.conf" "$T/edge.good"
cp "$T/broken.conf" "$T/edge.conf"
check_error "acikd:" acctl -n edge ike reload
check "SIGHUP with a broken file keeps the daemon" kill -HUP "$EDGE_PID"
sleep 0.5
check "the SAs survive refused reloads" established edge
cp "$T/edge.good" "$T/edge.conf"
check "SIGHUP reloads" kill -HUP "$EDGE_PID"
sleep 0.5
check "still established after the reload" established edge

check "SIGTERM stops the initiator" kill -TERM "$CUST_PID"
wait "$CUST_PID"
check_eq "it exited 0" 0 $?
check_eq "and removed its SAs and routes" "0 0" \
	"$(acctl -n cust -j sa show | jq length) $(acctl -n cust -j route show dev ac0 | jq length)"
# its DELETE on the way out reached the edge (acikd(8) SIGNALS)
told=
for i in $(seq 20); do
	[[ $(acctl -n edge -j ike show | jq length) == 0 ]] && told=yes && break
	sleep 0.1
done
check_eq "the edge was told: its IKE SA, SAs and routes are gone" "yes 0 0" \
	"$told $(acctl -n edge -j sa show | jq length) $(acctl -n edge -j route show dev ac0 | jq length)"
check "SIGTERM stops the responder" kill -TERM "$EDGE_PID"
for i in $(seq 50); do kill -0 "$EDGE_PID" 2>/dev/null || break; sleep 0.1; done
check_fails "it is gone" kill -0 "$EDGE_PID"
check_eq "its SAs and routes too" "0 0" \
	"$(acctl -n edge -j sa show | jq length) $(acctl -n edge -j route show dev ac0 | jq length)"
check_fails "its control socket is gone" test -e /run/acikd.edge.ctl
sed 's/^/  | /' "$T/cust.log"
rm -rf "$T"
finish
