#!/bin/bash
# acikd rekeying, INITIAL_CONTACT and DELETE between two daemons in two
# namespaces (tools/acikd/tasks/ike_rekey.c, manager_sa.c): the customer
# end rekeys every 20 s, so its IKE SA (new SPIs on both ends, the Child
# SA moved, not reinstalled) and its Child SAs (actun's soft expiry) are
# rekeyed twice while a ping keeps going through the tunnel; then the
# customer's acikd dies without a word and starts again: its IKE_AUTH
# says INITIAL_CONTACT and the edge drops the old IKE SA and pair, the
# routes staying; then the edge's acikd stops (its DELETE reaches the
# customer) and starts again: the customer's `initiate = yes` connection
# comes back by itself; then a reload of the edge without the connection
# deletes its IKE SA on both ends, and the customer keeps trying.
# timeout: 240
# budget: 100
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/acikd.sh"

ak_begin "acikd: IKE and Child SA rekeying, INITIAL_CONTACT, DELETE on reload"
ak_two_ends
T=$(mktemp -d)
ak_conf c1 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 "rekey_time = 1h" \
	>"$T/edge.conf"
ak_conf e1 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 "rekey_time = 20s" \
	"initiate = yes" >"$T/cust.conf"

ike() {	# NS: "state spi_i spi_r children" of each IKE SA, one a line
	acctl -n "$1" -j ike show | jq -r '.[] | "\(.state) \(.spi_i) \(.spi_r) \(.children)"'
}
nsas() { acctl -n "$1" -j sa show | jq length; }
nroutes() { acctl -n "$1" -j route show dev ac0 | jq length; }

established() {	# NS: one IKE SA, established, one pair
	local i
	for i in $(seq 50); do
		[[ $(ike "$1") == "established "*" 1" && $(nsas "$1") == 2 ]] &&
			return 0
		sleep 0.2
	done
	return 1
}

check "the edge starts" $ACIKD -c "$T/edge.conf" -n edge
EDGE_PID=$(pgrep -n -x acikd)
$ACIKD -f -c "$T/cust.conf" -n cust 2>"$T/cust.log" &
CUST_PID=$!
check "the customer's IKE SA comes up" established cust
check "the edge's too" established edge
first=$(ike edge)
check_eq "both ends list the same IKE SA" "$first" "$(ike cust)"
check_eq "one route each way" "1 1" "$(nroutes edge) $(nroutes cust)"
ip netns exec cust ping -q -i 0.2 -W 1 -I 10.2.0.1 10.1.0.1 >"$T/ping.log" 2>&1 &
PING_PID=$!

# rekeyed() NS OLD: the IKE SA's SPIs are no longer OLD's
rekeyed() {
	local i now
	for i in $(seq 150); do
		now=$(ike "$1")
		[[ $now == "established "*" 1" &&
		   ${now#* } != "${2#* }" && $(nsas "$1") == 2 ]] && return 0
		sleep 0.2
	done
	return 1
}
check "the IKE SA is rekeyed (new SPIs), the pair with it" rekeyed cust "$first"
check "on the edge too" rekeyed edge "$first"
second=$(ike cust)
check_eq "both ends agree on the new IKE SA" "$second" "$(ike edge)"
check "and once more" rekeyed cust "$second"
check "on the edge too" rekeyed edge "$second"
check_eq "still one IKE SA, one pair, one route" "$(ike cust) 2 1" \
	"$(ike edge) $(nsas edge) $(nroutes edge)"
kill -INT "$PING_PID"
wait "$PING_PID"
lost=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$T/ping.log")
check_eq "the ping went on through the rekeys" 0 "${lost%%.*}"
check "installs and removals were logged" grep -q 'removed' "$T/cust.log"

# The customer's acikd dies without telling anyone and starts again.
kill -KILL "$CUST_PID"
wait "$CUST_PID" 2>/dev/null
# a rebooted router has no SAs left (its routes are taken over as they are)
acctl -n cust -j sa show | jq -r '.[] | "\(.tunnel) \(.dir) \(.spi)"' |
while read -r tun dir spi; do
	run acctl -n cust sa del tunnel "$tun" dir "$dir" spi "$spi" dev ac0
done
$ACIKD -f -c "$T/cust.conf" -n cust 2>"$T/cust2.log" &
CUST_PID=$!
check "it comes back" established cust
check "INITIAL_CONTACT: the edge keeps only the new IKE SA and its pair" \
	established edge
check_eq "the new one, not the old one" "$(ike cust)" "$(ike edge)"
check_eq "the routes stayed" 1 "$(nroutes edge)"
check "a ping through the tunnel" ip netns exec cust ping -c 2 -W 2 -I 10.2.0.1 10.1.0.1

gone_ike() {	# NS: no IKE SA listed
	local i
	for i in $(seq 30); do
		[[ -z $(ike "$1") ]] && return 0
		sleep 0.2
	done
	return 1
}
# The edge stops (DELETE to the customer) and starts again: the customer
# initiates again by itself, 2 s after the DELETE and then backing off.
edge_stop() {
	kill -TERM "$EDGE_PID"
	for i in $(seq 50); do kill -0 "$EDGE_PID" 2>/dev/null || return 0; sleep 0.1; done
	return 1
}
check "SIGTERM stops the edge" edge_stop
check "the customer was told: its IKE SA is gone" gone_ike cust
check "the customer will initiate again" grep -q "e1: initiating again" "$T/cust2.log"
check "the edge starts again" $ACIKD -c "$T/edge.conf" -n edge
EDGE_PID=$(pgrep -n -x acikd)
back() {	# NS: established again within 40 s (attempts back off)
	local i
	for i in $(seq 200); do
		[[ $(ike "$1") == "established "*" 1" && $(nsas "$1") == 2 ]] &&
			return 0
		sleep 0.2
	done
	return 1
}
check "the customer's connection comes back by itself" back cust
check "on the edge too" established edge
check_eq "both ends list the same IKE SA" "$(ike cust)" "$(ike edge)"
check "a ping through the tunnel" ip netns exec cust ping -c 2 -W 2 -I 10.2.0.1 10.1.0.1

# A reload without the connection deletes its IKE SA, on both ends; the
# customer keeps trying (and is refused: no connection matches it).
ak_conf c9 192.0.2.1 198.51.100.9 10.1.0.0/24 10.9.0.0/24 "rekey_time = 1h" \
	"actun { dev = ac0  tunnel = c1 }" \
	>"$T/edge.conf"
lines=$(wc -l <"$T/cust2.log")
check "SIGHUP: a configuration without c1" kill -HUP "$EDGE_PID"
gone() {
	local i
	for i in $(seq 30); do
		[[ -z $(ike "$1") && $(nsas "$1") == 0 ]] && return 0
		sleep 0.2
	done
	return 1
}
nopairs() {
	local i
	for i in $(seq 30); do
		[[ $(nsas "$1") == 0 && $(nroutes "$1") == 0 ]] && return 0
		sleep 0.2
	done
	return 1
}
check "the edge deleted c1's IKE SA and pair" gone edge
check "and told the customer: its pair and routes are gone" nopairs cust
check_eq "routes gone on the edge" 0 "$(nroutes edge)"
sleep 8	# attempts at about 2 s and then 4-5 s after the first fails
check "the customer tried again and again" \
	test "$(tail -n +"$lines" "$T/cust2.log" | grep -c 'e1: initiating again')" -ge 2
check_eq "and got nowhere: no pair, no route" "0 0" "$(nsas cust) $(nroutes cust)"

check "SIGTERM stops the customer" kill -TERM "$CUST_PID"
wait "$CUST_PID"
check_eq "it exited 0" 0 $?
check "SIGTERM stops the edge" kill -TERM "$EDGE_PID"
for i in $(seq 50); do kill -0 "$EDGE_PID" 2>/dev/null || break; sleep 0.1; done
check_fails "it is gone" kill -0 "$EDGE_PID"
sed 's/^/  | /' "$T/cust.log" | tail -20
rm -rf "$T"
finish
