#!/bin/bash
# timeout: 240
# budget: 80
# acikd with `workers = 2`: the edge's acikd is a supervisor with two
# worker processes, each with its own UDP sockets on ports 500 and 4500
# (one SO_REUSEPORT group per port, a BPF program steers: IKE_SA_INIT by
# the peer's address modulo 2, the rest to the owner of our SPI). Four
# customer routers in one namespace (192.0.2.10 to .13, one acikd with
# four `initiate = yes` connections, each on its own actun tunnel and LAN)
# come up two on each worker: `acctl ike show` through worker 0 lists all
# four, "worker" 0 for .10 and .12 and 1 for .11 and .13, worker 1's own
# control socket its two; each worker holds one socket of each port. A
# ping crosses every tunnel, counted by its tunnel. With rekey_time = 20s
# the edge's workers rekey tunnels 1 and 2 and the customer 3 and 4: every
# tunnel's IKE SA and Child SA are replaced, each IKE SA on its worker,
# while pings through all four lose nothing and no ESP meets a missing or
# unknown SA. SIGTERM to the supervisor: both workers send their DELETEs
# and take their SAs and routes out of actun, and it exits 0. Started
# again (hourly rekeys now), the customer comes back by itself; SIGHUP to
# the supervisor and `acctl ike reload` reload both workers (each opens,
# then closes, its socket on a new address), a reload asking for
# workers = 3 keeps two, and the IKE SAs stay as they were. A worker
# killed with SIGKILL takes the other with it and the supervisor exits 1.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/acikd.sh"

CTL=/run/acikd.edge.ctl
N=4

ak_begin "acikd with two worker processes: steering, merged show, reload, rekeys, stop"
T=$(mktemp -d)
SUP=
CUST_PID=
WORKERS=()
PING_PIDS=()
LONG=

# alive PID: running (an exited process that nobody reaped yet is not)
alive() { [[ $(ps -o stat= -p "$1" 2>/dev/null) == [^Z]* ]]; }
# gone_within SECONDS PID...: none of them alive, within SECONDS
gone_within() {
	local end=$((SECONDS + $1)) p left
	shift
	while :; do
		left=
		for p; do alive "$p" && left+=" $p"; done
		[[ -z $left ]] && return 0
		((SECONDS < end)) || break
		sleep 0.1
	done
	echo "still running:$left"
	return 1
}
stop_all() {
	local p
	for p in "${PING_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in $CUST_PID $SUP "${WORKERS[@]}"; do
		[[ $(ps -o comm= -p "$p" 2>/dev/null) == acikd* ]] && kill "$p"
	done
	gone_within 5 $CUST_PID $SUP "${WORKERS[@]}" >/dev/null
}
trap 'stop_all; rm -rf "$T"; _cleanup' EXIT

ak_many $N

# Tunnel I: tunnels 1 and 2 rekeyed by the edge (one on each worker), 3
# and 4 by the customer; the other end waits an hour.
rekey_time() {	# END I
	local by=cust
	[[ -n $LONG ]] && { echo 1h; return; }
	(($2 <= 2)) && by=edge
	if [[ $1 == "$by" ]]; then echo 20s; else echo 1h; fi
}
edge_conf() {	# WORKERS [CONNECTION...]: the edge's file, more connections at the end
	local i w=$1
	shift
	printf 'acikd {\n    workers = %s\n}\nconnections {\n' "$w"
	for ((i = 1; i <= N; i++)); do
		ak_conn c$i 192.0.2.1 192.0.2.$((9 + i)) 10.1.$i.0/24 10.2.$i.0/24 \
			"rekey_time = $(rekey_time edge $i)"
	done
	(($#)) && printf '%s\n' "$@"
	echo "}"
}
cust_conf() {
	local i
	echo "connections {"
	for ((i = 1; i <= N; i++)); do
		ak_conn e$i 192.0.2.$((9 + i)) 192.0.2.1 10.2.$i.0/24 10.1.$i.0/24 \
			"rekey_time = $(rekey_time cust $i)" "initiate = yes" \
			"actun { dev = ac$i  tunnel = e$i }"
	done
	echo "}"
}
edge_conf 2 >"$T/edge.conf"
cust_conf >"$T/cust.conf"

# the supervisor SUP has two worker children and both control sockets are there
workers_up() {
	local i
	for i in $(seq 100); do
		[[ $(pgrep -c -P "$SUP" acikd) == 2 && -S $CTL && -S $CTL.1 ]] && return 0
		sleep 0.1
	done
	pgrep -a -P "$SUP"
	ls -l "$CTL"*
	return 1
}
sorted_workers() { printf '%s\n' "${WORKERS[@]}" | sort -n; }
# owners ADDR PORT: per UDP socket of the edge on ADDR:PORT, the pids that
# hold it (joined by commas), one socket a line, sorted
owners() {
	ip netns exec edge ss -uanpH "sport = :$2" | grep -F " $1:$2 " |
		while read -r line; do
			grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2 | sort -n | paste -sd,
		done | sort -n
}
n_est() {	# NS: established IKE SAs with one Child SA each
	acctl -n "$1" -j ike show 2>/dev/null |
		jq '[.[] | select(.state == "established" and .children == 1)] | length' 2>/dev/null
}
nsas() { acctl -n "$1" -j sa show | jq length; }
nroutes() { acctl -n "$1" -j route show dev ac0 | jq length; }
# the edge's established IKE SAs, "conn spi_i spi_r worker" sorted
ike_spis() {
	acctl -n edge -j ike show |
		jq -r '.[] | select(.state == "established") | "\(.conn) \(.spi_i) \(.spi_r) \(.worker)"' | sort
}
# which worker has the IKE SA of which customer address
worker_map() {
	acctl -n edge -j ike show |
		jq -r 'map(select(.state == "established")) | sort_by(.remote) | map("\(.remote) \(.worker)") | join("|")'
}
MAP="192.0.2.10 0|192.0.2.11 1|192.0.2.12 0|192.0.2.13 1"
# every tunnel established on both ends with one pair, within 40 s
up() {
	local end=$((SECONDS + 40))
	while ((SECONDS < end)); do
		[[ "$(n_est edge) $(n_est cust) $(nsas edge) $(nsas cust)" == "4 4 8 8" ]] &&
			return 0
		sleep 0.2
	done
	acctl -n edge ike show
	acctl -n cust ike show
	return 1
}

phase() { echo "# ---- $* (at ${SECONDS} s)"; }

phase "two workers, the IKE SAs spread over them"
$ACIKD -f -c "$T/edge.conf" -n edge 2>"$T/edge.log" &
SUP=$!
check "the edge's supervisor starts; both workers' control sockets appear" workers_up
WORKERS=($(pgrep -P "$SUP" acikd))
check_eq "two acikd workers, children of the supervisor" 2 "${#WORKERS[@]}"
$ACIKD -f -c "$T/cust.conf" -n cust 2>"$T/cust.log" &
CUST_PID=$!
check "the customer's four connections come up, one pair each, on both ends" up
json=$(acctl -n edge -j ike show)
check_eq "ike show through worker 0 lists all four IKE SAs" "c1 c2 c3 c4" \
	"$(jq -r 'map(.conn) | sort | join(" ")' <<<"$json")"
check_eq "their \"worker\" values are 0 and 1" "0 1" \
	"$(jq -r 'map(.worker | tostring) | unique | join(" ")' <<<"$json")"
check_eq "IKE_SA_INIT went to worker (the peer's address mod 2)" "$MAP" "$(worker_map)"
check_eq "worker 1's own control socket lists its two" "192.0.2.11 192.0.2.13" \
	"$(acctl -j ike show socket "$CTL.1" | jq -r 'map(.remote) | sort | join(" ")')"
check_eq "ike show in text through worker 0: four established" 4 \
	"$(acctl -n edge ike show | grep -c '^c[1-4] established ')"
check_eq "each worker holds one of the sockets on 192.0.2.1:500" \
	"$(sorted_workers)" "$(owners 192.0.2.1 500)"
check_eq "and one of those on 192.0.2.1:4500" "$(sorted_workers)" "$(owners 192.0.2.1 4500)"

phase "traffic through every tunnel"
check_eq "actun's routes on the edge: each customer LAN into its tunnel" \
	"10.2.1.0/24 c1|10.2.2.0/24 c2|10.2.3.0/24 c3|10.2.4.0/24 c4" \
	"$(acctl -n edge -j route show dev ac0 | jq -r 'map("\(.prefix)/\(.prefixlen) \(.tunnel)") | sort | join("|")')"
tunnel_packets() {	# NS: "TUNNEL RX TX" packets of each of NS's tunnels, sorted
	acctl -n "$1" -s -j tunnel show | jq -r '.[] | "\(.name) \(.stats.rx_packets) \(.stats.tx_packets)"' | LC_ALL=C sort
}
tunnel_packets edge >"$T/packets.before"
for ((i = 1; i <= N; i++)); do
	check "a ping through tunnel $i" \
		ip netns exec cust ping -c 2 -i 0.2 -W 2 -I 10.2.$i.1 10.1.$i.1
done
check_eq "each tunnel of the edge counted its two echo requests and replies (received, sent)" \
	"c1 2 2|c2 2 2|c3 2 2|c4 2 2" \
	"$(tunnel_packets edge | LC_ALL=C join - "$T/packets.before" |
		awk '{ printf "%s%s %d %d", (NR > 1 ? "|" : ""), $1, $2 - $4, $3 - $5 }')"

phase "rekeys on both workers, under pings"
in_spis() {	# TUNNEL: the edge's inbound SPIs of TUNNEL
	acctl -n edge -j sa show tunnel "$1" | jq -r 'map(select(.dir == "in") | .spi) | sort | join(" ")'
}
declare -A IKE0 CHILD0
before=$(ike_spis)
for ((i = 1; i <= N; i++)); do
	IKE0[c$i]=$(awk -v c=c$i '$1 == c { print $2, $3 }' <<<"$before")
	CHILD0[c$i]=$(in_spis c$i)
done
ak_sa_drops edge cust >"$T/drops.before"
echo "# $(wc -l <"$T/drops.before") drop counters watched"
for ((i = 1; i <= N; i++)); do
	ip netns exec cust ping -q -i 0.2 -W 1 -I 10.2.$i.1 10.1.$i.1 >"$T/ping.$i" 2>&1 &
	PING_PIDS+=($!)
done
# every tunnel's IKE SA (new SPIs, the only established one of its
# connection) and Child SA (the first inbound SA gone, another in its
# place) were replaced on the edge, within 50 s by the clock
rekeyed() {
	local end=$((SECONDS + 50)) c now ike left
	local -A ike_done child_done
	while ((SECONDS < end)); do
		ike=$(ike_spis)
		left=
		for ((i = 1; i <= N; i++)); do
			c=c$i
			now=$(awk -v c=$c '$1 == c { print $2, $3 }' <<<"$ike")
			[[ -n $now && $now != *$'\n'* && $now != "${IKE0[$c]}" ]] && ike_done[$c]=1
			now=$(in_spis $c)
			[[ -n $now && " $now " != *" ${CHILD0[$c]} "* ]] && child_done[$c]=1
			[[ -n ${ike_done[$c]:-} ]] || left+=" $c:IKE"
			[[ -n ${child_done[$c]:-} ]] || left+=" $c:Child"
		done
		[[ -z $left ]] && return 0
		sleep 0.5
	done
	echo "not rekeyed:$left"
	acctl -n edge ike show
	acctl -n edge sa show
	return 1
}
check "every tunnel's IKE SA and Child SA were rekeyed (tunnels 1, 2 by the edge's workers, 3, 4 by the customer)" rekeyed
check_eq "each new IKE SA is on the worker of the old one" "$MAP" "$(worker_map)"
agree() {	# both ends list the same established IKE SAs (a rekey may be under way)
	local i
	for i in $(seq 25); do
		[[ $(ike_spis | awk '{ print substr($1, 2), $2, $3 }') == \
		   "$(acctl -n cust -j ike show | jq -r '.[] | select(.state == "established") |
			"\(.conn[1:]) \(.spi_i) \(.spi_r)"' | sort)" ]] && return 0
		sleep 0.2
	done
	ike_spis
	acctl -n cust ike show
	return 1
}
check "the customer has the same IKE SAs" agree
for p in "${PING_PIDS[@]}"; do kill -INT "$p"; wait "$p"; done
PING_PIDS=()
for ((i = 1; i <= N; i++)); do
	# the echo request on its way when the ping was stopped may be unanswered
	read -r sent recv < <(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$T/ping.$i")
	echo "# tunnel $i: ${sent:-?} echo requests, ${recv:-?} replies"
	check "tunnel $i: the ping went on through the rekeys" \
		test "${sent:-0}" -ge 10 -a "$((${sent:-0} - ${recv:-0}))" -le 1
done
ak_sa_drops edge cust >"$T/drops.after"
check_eq "no ESP met a missing or unknown SA on either end (counter: before -> after)" "" \
	"$(awk 'NR == FNR { b[$1] = $2; next } $2 != b[$1] { print $1 ": " b[$1] + 0 " -> " $2 }' \
		"$T/drops.before" "$T/drops.after")"

phase "SIGTERM: both workers stop cleanly"
# The SAs negotiated from now on are rekeyed hourly, so that the reloads
# further down can be seen to leave them alone: the edge's file says so
# when it starts again, and the customer's restarts take the connections
# it has then (its SAs keep those they were negotiated under).
LONG=1
edge_conf 2 >"$T/edge.conf"
cust_conf >"$T/cust.conf"
check "the customer reloads (rekey_time = 1h)" acctl -n cust ike reload
kill -TERM "$SUP"
check "SIGTERM: the supervisor exits within 10 s" gone_within 10 "$SUP"
alive "$SUP" && kill -KILL "$SUP"
wait "$SUP"
check_eq "with status 0" 0 $?
check "its workers were gone before it" gone_within 0 "${WORKERS[@]}"
told() {	# the customer has no established IKE SA left, within 5 s
	local i
	for i in $(seq 25); do
		[[ $(acctl -n cust -j ike show | jq '[.[] | select(.state == "established")] | length') == 0 ]] &&
			return 0
		sleep 0.2
	done
	acctl -n cust ike show
	return 1
}
check "both workers' DELETEs reached the customer: none of its IKE SAs is left" told
check_eq "the edge's actun: no SA, no route left" "0 0" "$(nsas edge) $(nroutes edge)"
check_fails "the control sockets are gone" test -e "$CTL" -o -e "$CTL.1"

phase "again, with hourly rekeys: reloads; then a worker dies"
$ACIKD -f -c "$T/edge.conf" -n edge 2>"$T/edge2.log" &
SUP=$!
check "started again, with two workers" workers_up
WORKERS=($(pgrep -P "$SUP" acikd))
check "the customer comes back by itself" up
check_eq "on the same workers" "$MAP" "$(worker_map)"
rekey_far() {	# no IKE SA on either end is rekeyed within a minute
	local ns
	for ns in edge cust; do
		acctl -n $ns -j ike show | jq -e 'all(.[]; (.rekey_seconds // 1e9) > 60)' >/dev/null || {
			acctl -n $ns ike show
			return 1
		}
	done
}
check "no rekey is due within a minute on either end (rekey_time = 1h now)" rekey_far

phase "reloads reach both workers, the SAs stay"
before=$(ike_spis)
ip -n edge addr add 192.0.2.5/24 dev ve
ip -n edge link add ac9 type actun && ip -n edge link set ac9 up
run acctl -n edge tunnel add x9 dev ac9 mode ipsec local 192.0.2.5 remote 198.51.100.9
edge_conf 2 "$(ak_conn c9 192.0.2.5 198.51.100.9 10.1.9.0/24 10.9.0.0/24 \
	"actun { dev = ac9  tunnel = x9 }")" >"$T/edge.conf"
check "SIGHUP to the supervisor: a connection on a new address, 192.0.2.5" kill -HUP "$SUP"
opened() {
	local i
	for i in $(seq 50); do
		[[ $(owners 192.0.2.5 500) == "$(sorted_workers)" &&
		   $(owners 192.0.2.5 4500) == "$(sorted_workers)" ]] && return 0
		sleep 0.1
	done
	ip netns exec edge ss -uanpH
	return 1
}
check "both workers reloaded: each opened a socket on 192.0.2.5:500 and :4500" opened
edge_conf 2 >"$T/edge.conf"
check "acctl ike reload (through worker 0) answers ok" acctl -n edge ike reload
check_eq "once it answered, both workers had closed their sockets on 192.0.2.5" "" \
	"$(owners 192.0.2.5 500)$(owners 192.0.2.5 4500)"
lines=$(wc -l <"$T/edge2.log")
edge_conf 3 >"$T/edge.conf"
check "a reload asking for workers = 3 answers ok" acctl -n edge ike reload
sleep 0.5
check_eq "still the same two workers" "$(sorted_workers)" "$(pgrep -P "$SUP" acikd | sort -n)"
check "a notice about workers was logged" \
	grep -qi workers <(tail -n +"$((lines + 1))" "$T/edge2.log")
edge_conf 2 >"$T/edge.conf"
now=$(ike_spis)
check_eq "the IKE SAs are those of before the reloads: same SPIs, same workers" \
	"$before" "$now"

victim=${WORKERS[1]:-} other=${WORKERS[0]:-}
check "SIGKILL to worker pid ${victim:-?}" kill -KILL "$victim"
check "the supervisor exits within 10 s" gone_within 10 "$SUP"
alive "$SUP" && kill -KILL "$SUP"
wait "$SUP"
check_eq "with status 1" 1 $?
check "the other worker is gone too" gone_within 10 "$other"
check "the supervisor logged the worker's death" \
	grep -Eqi "acikd\[$SUP\]: .*(signal 9|killed)" "$T/edge2.log"

check "SIGTERM stops the customer" kill -TERM "$CUST_PID"
wait "$CUST_PID"
check_eq "it exited 0" 0 $?
CUST_PID=
if ((_failures)); then
	for f in edge edge2 cust; do
		[[ -f $T/$f.log ]] || continue
		echo "# $f.log"
		tail -n 150 "$T/$f.log" | sed 's/^/  | /'
	done
fi
finish
