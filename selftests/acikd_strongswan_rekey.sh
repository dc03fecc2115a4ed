#!/bin/bash
# timeout: 400
# acikd's IKE SA rekeying against strongSwan (charon 5.9, swanctl): on s1
# strongSwan rekeys the IKE SA every 15 s, on s2 acikd does (and rekeys
# the Child SAs on actun's soft expiry). Each time both ends move to the
# new IKE SA (acikd lists one, with new SPIs, the same as strongSwan's),
# the Child SA stays in actun untouched by the IKE rekey, and a ping
# through each tunnel keeps going. Then strongSwan's terminate (DELETE)
# leaves acikd nothing.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/strongswan.sh"

ACIKD=$ACTUN_REPO/tools/acikd/acikd

begin "acikd against strongSwan: IKE SA rekeying both ways"
ensure_module
if [[ ! -x $ACIKD ]] || ! ss_available; then
	check "acikd is built and strongSwan (charon, swanctl) is installed" false
	finish
	exit
fi

T=$(mktemp -d)
ACIKD_PID=
PING_PIDS=()
stop_daemons() {
	local p
	for p in "${PING_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	ss_stop
	[[ -n $ACIKD_PID ]] && kill "$ACIKD_PID" 2>/dev/null && wait "$ACIKD_PID" 2>/dev/null
	ACIKD_PID=
}
trap 'stop_daemons; rm -rf "$T"; _cleanup' EXIT

ns_add edge
ns_add cust
ip link add ve netns edge type veth peer name vc netns cust
ip -n edge addr add 192.0.2.1/24 dev ve && ip -n edge link set ve up
ip -n cust link set vc up
ip -n edge link add ac0 type actun && ip -n edge link set ac0 up
ip -n edge addr add 10.1.0.1/24 dev lo
ip -n edge route add 10.2.0.0/16 dev ac0

PSK="actun strongSwan rekey pass phrase"
# name, customer address, LAN, acikd's rekey_time, strongSwan's
CASES=("s1 192.0.2.11 10.2.1 1h 15s" "s2 192.0.2.12 10.2.2 15s 0")
{
	echo "connections {"
	for c in "${CASES[@]}"; do
		read -r name addr lan rk _ <<<"$c"
		cat <<EOC
    $name {
        local_addrs = 192.0.2.1
        remote_addrs = $addr
        remote { id = $name.example.com }
        psk = "$PSK"
        proposals = aes256gcm16-prfsha384-ecp384
        esp_proposals = aes256gcm16
        local_ts = 10.1.0.0/24
        remote_ts = $lan.0/24
        actun { dev = ac0  tunnel = $name }
        rekey_time = $rk
    }
EOC
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
		read -r name addr lan _ srk <<<"$c"
		cat <<EOC
    $name {
        version = 2
        local_addrs = $addr
        remote_addrs = 192.0.2.1
        proposals = aes256gcm16-prfsha384-ecp384
        rekey_time = $srk
        mobike = no
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
                local_ts = $lan.0/24
                remote_ts = 10.1.0.0/24
                esp_proposals = aes256gcm16
                rekey_time = 1h
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
		printf '    ike-%s {\n        id = %s.example.com\n        secret = "%s"\n    }\n' \
			"$name" "$name" "$PSK"
	done
	echo "}"
} >"$T/swanctl.conf"
ss_init "$T"

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
check "swanctl loads the connections" sw cust --load-all --file "$T/swanctl.conf"
for c in "${CASES[@]}"; do
	read -r name _ <<<"$c"
	check "$name comes up" sw cust --initiate --child "$name" --timeout 30
done

# "state spi_i spi_r children" of CONN's IKE SAs on acikd's side
ike() {
	timeout 5 acctl -n edge -j ike show |
		jq -r --arg c "$1" '.[] | select(.conn == $c) | "\(.state) \(.spi_i) \(.spi_r) \(.children)"'
}
# strongSwan's established IKE SA of CONN as "spi_i spi_r" (hex, as acikd
# prints it; a rekeyed one may still be listed until its DELETE)
sw_spis() {
	SW_TIMEOUT=5 sw cust --list-sas --ike "$1" --raw 2>/dev/null |
		grep 'state=ESTABLISHED' |
		sed -n 's/.*initiator-spi=\([0-9a-f]*\).*responder-spi=\([0-9a-f]*\).*/\1 \2/p' | head -1
}
# both ends list the same IKE SA of CONN (a rekey may be under way: wait)
agree() {
	local i
	for i in $(seq 25); do
		[[ "$(sw_spis "$1") 1" == "$(ike "$1" | cut -d' ' -f2-4)" ]] && return 0
		sleep 0.2
	done
	echo "  strongSwan: $(sw_spis "$1"), acikd: $(ike "$1")"
	return 1
}
rekeyed() {	# CONN OLD
	local i now
	for i in $(seq 150); do
		now=$(ike "$1")
		[[ $now == "established "*" 1" && ${now#* } != "${2#* }" ]] &&
			return 0
		sleep 0.2
	done
	return 1
}
for c in "${CASES[@]}"; do
	read -r name addr lan _ <<<"$c"
	ip netns exec cust ping -q -i 0.2 -W 1 -I "$lan.1" 10.1.0.1 >"$T/ping.$name" 2>&1 &
	PING_PIDS+=($!)
done
declare -A first
for c in "${CASES[@]}"; do
	read -r name _ <<<"$c"
	first[$name]=$(ike "$name")
	check "$name: one IKE SA on acikd, the same SPIs as strongSwan's" \
		agree "$name"
done
for c in "${CASES[@]}"; do
	read -r name _ <<<"$c"
	by=acikd
	[[ $name == s1 ]] && by=strongSwan
	check "$name: the IKE SA is rekeyed (by $by)" \
		rekeyed "$name" "${first[$name]}"
	check "$name: acikd and strongSwan agree on the new SPIs" agree "$name"
	again=$(ike "$name")
	check "$name: and once more" rekeyed "$name" "$again"
done
# s1 is rekeyed every 15 s: while a rekey is under way its old SA is
# listed too ("rekeyed", until strongSwan's DELETE); established ones count.
one_each() {
	local i
	for i in $(seq 25); do
		[[ $(acctl -n edge -j ike show |
			jq -r '[.[] | select(.state == "established") | .conn] | sort | join(" ")') == "s1 s2" ]] &&
			return 0
		sleep 0.2
	done
	acctl -n edge ike show | sed 's/^/  | /'
	return 1
}
check "one established IKE SA per connection on acikd" one_each
for p in "${PING_PIDS[@]}"; do kill -INT "$p"; wait "$p"; done
PING_PIDS=()
for c in "${CASES[@]}"; do
	read -r name _ <<<"$c"
	lost=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$T/ping.$name")
	check_eq "$name: the ping went on through the rekeys" 0 "${lost%%.*}"
done
check_eq "the Child SAs: two pairs in actun" 4 "$(acctl -n edge -j sa show | jq length)"
for c in "${CASES[@]}"; do
	read -r name _ <<<"$c"
	check "$name: strongSwan terminates" sw cust --terminate --ike "$name" --timeout 10
done
sleep 0.5
check_eq "acikd keeps nothing" "0 0 0" \
	"$(acctl -n edge -j ike show | jq length) $(acctl -n edge -j sa show | jq length) $(acctl -n edge -j route show dev ac0 | jq length)"
if ((_failures)); then
	echo "# charon's log"
	grep -i "rekey\|delete\|error\|fail\|retransmit\|CREATE_CHILD\|INFORMATIONAL" "$T/charon.log" | tail -60 | sed 's/^/  | /'
	echo "# acikd's log"
	tail -30 "$T/acikd.log" | sed 's/^/  | /'
	echo "# acikd is $(kill -0 "$ACIKD_PID" 2>/dev/null && echo alive || echo gone), top:"
	top -b -n 1 | head -12 | sed 's/^/  | /'
fi
finish
