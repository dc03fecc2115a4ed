#!/bin/bash
# acctl sa add/del/show for every transform, keys never shown, the kernel's
# refusals, the fleet server id in outbound SAs, lifetime expiry
# notifications (soft, then hard, then no longer used), SAs leaving with
# their tunnel and device (slab back to its baseline), and the NAT-T socket
# hand-over and its refusals.
# timeout: 300
source "$(dirname "$0")/lib/common.sh"

begin "SA object, fleet identity and socket hand-over through acctl"
ensure_module
ns_add sa1
ns_add sa2
A="acctl -n sa1"
ip -n sa1 link add ac0 type actun
base=$(slab_active actun_sa)

K16=0x00112233445566778899aabbccddeeff
K20=0x00112233445566778899aabbccddeeff01020304
K32=0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
K36=0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff01020304
H20=0xfedcba98765432100123456789abcdeffedcba98
H32=0xfedcba98765432100123456789abcdeffedcba98765432100123456789abcdef

run $A tunnel add cust dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.1
run $A tunnel add nul dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.2 allow-null on
run $A tunnel add g dev ac0 mode gre local 192.0.2.1 remote 198.51.100.3

check_eq "ipsec tunnels default to MTU 1400, MSS 1360" "1400 1360" \
	"$($A -j tunnel show cust | jq -r '.[0] | "\(.mtu) \(.mss)"')"
check "gcm-aes-128 outbound" $A sa add tunnel cust dir out spi 0x1001 enc gcm-aes-128 key $K20
check "gcm-aes-256 inbound with a replay window" \
	$A sa add tunnel cust dir in spi 0x2001 enc gcm-aes-256 key $K36 replay-window 128
check "cbc-aes-128 + hmac-sha256 inbound in UDP" \
	$A sa add tunnel cust dir in spi 0x2002 enc cbc-aes-128 key $K16 auth hmac-sha256 key $H32 \
	encap udp sport 4500 dport 4500
check "cbc-aes-256 + hmac-sha1 outbound with lifetimes" \
	$A sa add tunnel cust dir out spi 0x1002 enc cbc-aes-256 key $K32 auth hmac-sha1 key $H20 \
	lifetime-bytes 1000000 lifetime-seconds 3600
check "null + hmac-sha256 on a tunnel that opted in" \
	$A sa add tunnel nul dir out spi 0x3001 enc null auth hmac-sha256 key $H32

json=$($A -j sa show)
check "JSON parses" jq -e . <<<"$json"
check_eq "five SAs" 5 "$(jq length <<<"$json")"
check_fails "no key material in JSON" grep -qiE 'key|00112233|fedcba98' <<<"$json"
check_fails "no key material in text" grep -qiE '00112233|fedcba98' <<<"$($A -s sa show)"
check_eq "soft lifetimes default to 90% of the hard ones" "900000 1000000 3240 3600" \
	"$(jq -r '.[] | select(.spi == 4098) | "\(.soft_bytes) \(.hard_bytes) \(.soft_seconds) \(.hard_seconds)"' <<<"$json")"
check_eq "UDP encapsulation shown" "udp 4500 4500" \
	"$(jq -r '.[] | select(.spi == 8194) | "\(.encap) \(.sport) \(.dport)"' <<<"$json")"
check_eq "outbound SAs carry the server id (default 0)" "0" \
	"$(jq -r '.[] | select(.spi == 4097) | .server_id' <<<"$json")"
check_eq "text line" \
	"sa tunnel cust dir in spi 0x00002001 enc gcm-aes-256 replay-window 128" \
	"$($A sa show tunnel cust | grep 0x00002001 | sed 's/ age.*//')"
check_eq "show tunnel NAME filters" "1" "$($A -j sa show tunnel nul | jq length)"
check_eq "SA objects live" $((base + 5)) "$(slab_active actun_sa)"

# Refusals: the kernel's words reach the user and nothing changes.
gcm="enc gcm-aes-128 key $K20"
check_error "actun: extended sequence numbers are not supported" \
	$A sa add tunnel cust dir in spi 0x2100 $gcm esn
check_error "actun: SPIs 0-255 are reserved" $A sa add tunnel cust dir in spi 255 $gcm
check_error "actun: encryption key length does not fit the transform" \
	$A sa add tunnel cust dir in spi 0x2100 enc gcm-aes-128 key $K16
check_error "actun: encryption key length does not fit the transform" \
	$A sa add tunnel cust dir in spi 0x2100 enc cbc-aes-256 key $K16 auth hmac-sha1 key $H20
check_error "actun: AES-GCM carries its own integrity check" \
	$A sa add tunnel cust dir in spi 0x2100 $gcm auth hmac-sha256 key $H32
check_error "actun: cbc and null encryption need an auth transform" \
	$A sa add tunnel cust dir in spi 0x2100 enc cbc-aes-128 key $K16
check_error "actun: integrity key length does not fit the transform" \
	$A sa add tunnel cust dir in spi 0x2100 enc cbc-aes-128 key $K16 auth hmac-sha256 key $H20
check_error "actun: null encryption needs the tunnel's explicit opt-in (allow-null)" \
	$A sa add tunnel cust dir out spi 0x2100 enc null auth hmac-sha1 key $H20
check_error "actun: SAs belong to ipsec tunnels; this is a gre tunnel" \
	$A sa add tunnel g dir in spi 0x2100 $gcm
check_error "actun: an inbound SA with this SPI already exists in the network namespace" \
	$A sa add tunnel nul dir in spi 0x2001 $gcm
check_error "actun: the tunnel already has an outbound SA with this SPI" \
	$A sa add tunnel cust dir out spi 0x1001 $gcm
check_error "actun: a replay window belongs on an inbound SA" \
	$A sa add tunnel cust dir out spi 0x2100 $gcm replay-window 64
check_error "actun: replay window out of range (0-4096)" \
	$A sa add tunnel cust dir in spi 0x2100 $gcm replay-window 4097
check_error "actun: a soft lifetime cannot exceed its hard lifetime" \
	$A sa add tunnel cust dir in spi 0x2100 $gcm lifetime-seconds 10 soft-lifetime-seconds 20
check_error "actun: the tunnel has no SA with this SPI in this direction" \
	$A sa del tunnel cust dir in spi 0x1001
check_error "actun: allow-null only applies to ipsec tunnels" $A tunnel set g allow-null on
check_eq "refusals changed nothing" "5 $((base + 5))" \
	"$($A -j sa show | jq length) $(slab_active actun_sa)"
check "an inbound SPI may be reused in another namespace" sh -c "
	ip -n sa2 link add ac0 type actun &&
	acctl -n sa2 tunnel add t dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.1 &&
	acctl -n sa2 sa add tunnel t dir in spi 0x2001 $gcm"
check "del" $A sa del tunnel cust dir out spi 0x1001
check_eq "the SA is gone" "" "$($A -j sa show | jq -r '.[] | select(.spi == 4097) | .spi')"

# Fleet identity: per namespace, baked into SAs installed afterwards.
check_eq "server id defaults to 0, no claim" '{"server_id":0,"claimed":false}' "$($A -j fleet show | jq -c .)"
check "set server id" $A fleet set server-id 7
check_eq "read back" '{"server_id":7,"claimed":false}' "$($A -j fleet show | jq -c .)"
check_eq "text" "server-id 7 claim none" "$($A fleet show)"
check_eq "other namespaces keep their own" '{"server_id":0,"claimed":false}' "$(acctl -n sa2 -j fleet show | jq -c .)"
check "an outbound SA after the change" $A sa add tunnel cust dir out spi 0x1003 $gcm
check_eq "it carries server id 7, the older one keeps 0" "7 0" \
	"$($A -j sa show | jq -r '[.[] | select(.spi == 4099 or .spi == 4098) | .server_id] | reverse | join(" ")')"
check_error "server-id must be a number from 0 to 65535" $A fleet set server-id 65536

# Lifetimes: soft then hard expiry are announced; a hard-expired SA is
# shown as such.
mon=$(mktemp)
acctl -n sa1 monitor >"$mon" 2>&1 &
monpid=$!
sleep 0.5
run $A sa add tunnel cust dir out spi 0x1004 $gcm soft-lifetime-seconds 1 lifetime-seconds 2
sleep 3.5
kill $monpid
wait $monpid 2>/dev/null
cat "$mon"
check "monitor: sa add" grep -q "sa add tunnel cust dir out spi 0x00001004" "$mon"
check "monitor: soft expiry" grep -q "sa expire soft tunnel cust dir out spi 0x00001004" "$mon"
check "monitor: hard expiry" grep -q "sa expire hard tunnel cust dir out spi 0x00001004" "$mon"
check_eq "soft came before hard" "soft hard" \
	"$(grep -o 'sa expire [a-z]* tunnel cust dir out spi 0x00001004' "$mon" | awk '{print $3}' | paste -sd' ')"
check_eq "show: expired hard" "hard" \
	"$($A -j sa show | jq -r '.[] | select(.spi == 4100) | .expired')"
rm -f "$mon"

# NAT-T socket hand-over.
check "socket attach" $A socket attach dev ac0 port 4500
check_error "actun: the device already has a socket" $A socket attach dev ac0 port 4501
check "socket detach" $A socket detach dev ac0
check_error "actun: the device has no socket attached" $A socket detach dev ac0
check "attach again" $A socket attach dev ac0 port 4500

# SAs leave with their tunnel, then with their device.
n=$($A -j sa show tunnel nul | jq length)
live=$(slab_active actun_sa)
check "deleting a tunnel deletes its SAs" $A tunnel del nul
check_eq "its SAs are freed" $((live - n)) \
	"$(settle_rcu actun_sa $((live - n)); slab_active actun_sa)"
run ip -n sa1 link del ac0
run ip -n sa2 link del ac0
check "device deletion frees every SA" settle_rcu actun_sa "$base"
finish
