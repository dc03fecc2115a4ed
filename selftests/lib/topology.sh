# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The reference topology of the data-plane tests, built piece by piece in
# network namespaces (the addresses of demo.sh and the design brief):
#
#   client 198.18.0.10      inet (data-centre router)        edgeN (topo_edge N)
#   2001:db8:1::10 -------- eN 100.64.N.1/30 ---------------- uplink 100.64.N.2/30
#                           br0 198.51.100.254/24             anycast 192.0.2.1 on lo,
#                            |                                ac0 (actun)
#                           customer routers (topo_customer NAME 198.51.100.N):
#                           Linux ip_gre gre1 to 192.0.2.1, the client's prefixes via gre1
#                            |
#                           origin 203.0.113.100, 2001:db8:cafe::100 (topo_origin CUST)
#
# Source it after common.sh, whose ns_add removes the namespaces at exit;
# processes started with topo_bg and captures are stopped at exit too.
# Sourcing it alone (as demo.sh does, under set -e) is safe for topo_link.
# IPv6 is off on tunnel devices (ac0, gre1) until topo_ipv6 turns it on, so
# that neighbour discovery and MLD never move the counters a test asserts.
#
# ACTUN_STANDIN=ipgre builds the edges' tunnels from Linux ip_gre instead of
# actun: one gre device per tunnel, named as the tunnel, and routes as kernel
# routes (weights as multipath weights, the lowest priority only). Traffic,
# capture and packet-count checks of a test can then be validated before
# actun's data plane exists; checks of actun-only features fail.

TOPO_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ANYCAST=192.0.2.1
modprobe ip_gre 2>/dev/null || true

_topo_pids=()
_topo_tmp=$(mktemp -d)
# The stand-in's state lives in files, so that helpers also work under check
# (which runs them in a subshell).
_standin_tunnels=$_topo_tmp/standin-tunnels	# lines "EDGE NAME"
_standin_routes=$_topo_tmp/standin-routes	# lines "EDGE PREFIX TUNNEL PRIORITY WEIGHT"
: >"$_standin_tunnels"
: >"$_standin_routes"

_topo_cleanup() {
	local pid
	for pid in "${_topo_pids[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$_topo_tmp"
	return 0
}
trap '_topo_cleanup; ! declare -F _cleanup >/dev/null || _cleanup' EXIT

standin() { [[ ${ACTUN_STANDIN:-} == ipgre ]]; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# topo_ns NAME: a namespace that forwards IPv4 and IPv6.
topo_ns() {
	ns_add "$1"
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

_addrs() {
	local ns=$1 dev=$2 a
	[[ $3 == - ]] && return
	for a in ${3//,/ }; do
		if [[ $a == *:* ]]; then
			ip -n "$ns" addr add "$a" dev "$dev" nodad
		else
			ip -n "$ns" addr add "$a" dev "$dev"
		fi
	done
}

# topo_link NS1 IF1 ADDRS1 NS2 IF2 ADDRS2: a veth pair between two
# namespaces; ADDRS is a comma-separated list of ADDR/LEN, or "-" for none.
topo_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	_addrs "$1" "$2" "$3"
	_addrs "$4" "$5" "$6"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# topo_ipv6 NS DEV, topo_noipv6 NS DEV: IPv6 on or off for a tunnel device.
topo_ipv6() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=0"
}

topo_noipv6() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
}

# topo_core: the client and inet, with the customers' LAN (br0) on inet.
topo_core() {
	topo_ns client
	topo_ns inet
	topo_link client eth0 198.18.0.10/24,2001:db8:1::10/64 \
		inet client0 198.18.0.1/24,2001:db8:1::1/64
	ip -n client route add default via 198.18.0.1
	ip -n client -6 route add default via 2001:db8:1::1
	ip -n inet link add br0 type bridge
	ip -n inet addr add 198.51.100.254/24 dev br0
	ip -n inet link set br0 up
}

# topo_edge N: namespace edgeN behind inet, the anycast address on lo, ac0
# (actun) up with IPv6 off.
topo_edge() {
	local n=$1 e=edge$1
	topo_ns "$e"
	topo_link inet "e$n" "100.64.$n.1/30,fd00:64:$n::1/64" \
		"$e" uplink "100.64.$n.2/30,fd00:64:$n::2/64"
	ip -n "$e" addr add $ANYCAST/32 dev lo
	ip -n "$e" route add default via "100.64.$n.1"
	ip -n "$e" -6 route add default via "fd00:64:$n::1"
	if standin; then
		# Linux reflects GRE keepalives by routing the inner packet,
		# whose source is the local anycast address.
		ip netns exec "$e" sysctl -qw net.ipv4.conf.all.accept_local=1 \
			net.ipv4.fib_multipath_hash_policy=1
		return
	fi
	ip -n "$e" link add ac0 type actun
	topo_noipv6 "$e" ac0
	ip -n "$e" link set ac0 up
}

# topo_announce PREFIX EDGE...: inet routes PREFIX to these edges (ECMP when
# several), replacing what it had.
topo_announce() {
	local prefix=$1 e n via=()
	shift
	for e in "$@"; do
		n=${e#edge}
		if [[ $prefix == *:* ]]; then
			via+=(nexthop via "fd00:64:$n::2")
		else
			via+=(nexthop via "100.64.$n.2")
		fi
	done
	((${#via[@]} == 3)) && via=("${via[@]:1}")
	ip -n inet route replace "$prefix" "${via[@]}"
}

# topo_customer NAME ADDR [key N] [lan ADDR/LEN]: a customer router at ADDR
# on inet's br0, with Linux ip_gre gre1 to the anycast address (ttl 64,
# IPv6 off) carrying the client's prefix 198.18.0.0/24, and optionally a
# dummy lan0 holding ADDR/LEN.
topo_customer() {
	local name=$1 addr=$2 key='' lan=''
	shift 2
	while (($#)); do
		case $1 in
		key) key="key $2" ;;
		lan) lan=$2 ;;
		esac
		shift 2
	done
	# Batched: a large fleet of customers builds much faster under TCG.
	ns_add "$name"
	ip -n "$name" -b - <<-EOF
		link add wan0 type veth peer name c-$name netns inet
		addr add $addr/24 dev wan0
		link set wan0 up
		route add default via 198.51.100.254
		link add gre1 type gre local $addr remote $ANYCAST $key ttl 64
		${lan:+link add lan0 type dummy}
		${lan:+addr add $lan dev lan0}
		${lan:+link set lan0 up}
	EOF
	ip netns exec "$name" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 net.ipv6.conf.gre1.disable_ipv6=1
	ip -n "$name" -b - <<-EOF
		link set gre1 up
		route add 198.18.0.0/24 dev gre1
	EOF
	ip -n inet link set "c-$name" master br0 up
}

# topo_origin CUST: the origin server behind customer router CUST.
topo_origin() {
	topo_ns origin
	topo_link "$1" lan0 203.0.113.1/24,2001:db8:cafe::1/64 \
		origin eth0 203.0.113.100/24,2001:db8:cafe::100/64
	ip -n origin route add default via 203.0.113.1
	ip -n origin -6 route add default via 2001:db8:cafe::1
}

# edge_tunnel EDGE NAME REMOTE [ARGS...]: a gre tunnel from the anycast
# address to REMOTE; ARGS as for acctl tunnel add (key, ttl, mtu, address).
edge_tunnel() {
	local e=$1 name=$2 remote=$3 gre=() mtu='' addr=''
	shift 3
	if ! standin; then
		acctl -n "$e" tunnel add "$name" dev ac0 mode gre local $ANYCAST \
			remote "$remote" "$@"
		return
	fi
	while (($#)); do
		case $1 in
		key | ttl) gre+=("$1" "$2") ;;
		mtu) mtu=$2 ;;
		address) addr=$2 ;;
		esac
		shift 2
	done
	ip -n "$e" link add "$name" type gre local $ANYCAST remote "$remote" "${gre[@]}" || return
	topo_noipv6 "$e" "$name"
	[[ -n $mtu ]] && ip -n "$e" link set "$name" mtu "$mtu"
	[[ -n $addr ]] && ip -n "$e" addr add "$addr" dev "$name"
	ip -n "$e" link set "$name" up
	echo "$e $name" >>"$_standin_tunnels"
}

# edge_ipv6 EDGE: IPv6 on the edge's tunnel devices.
edge_ipv6() {
	local e t
	if ! standin; then
		topo_ipv6 "$1" ac0
		return
	fi
	while read -r e t; do
		[[ $e == "$1" ]] && topo_ipv6 "$e" "$t"
	done <"$_standin_tunnels"
	return 0
}

# edge_route EDGE PREFIX TUNNEL [priority N] [weight N]: route PREFIX to
# TUNNEL (acctl) and into ac0 (kernel FIB).
edge_route() {
	local e=$1 prefix=$2 tunnel=$3 prio=100 weight=1 args
	shift 3
	args=("$@")
	if ! standin; then
		acctl -n "$e" route add "$prefix" tunnel "$tunnel" "${args[@]}" &&
			ip -n "$e" route replace "$prefix" dev ac0
		return
	fi
	while (($#)); do
		case $1 in
		priority) prio=$2 ;;
		weight) weight=$2 ;;
		esac
		shift 2
	done
	echo "$e $prefix $tunnel $prio $weight" >>"$_standin_routes"
	_standin_fib "$e" "$prefix"
}

# edge_route_del EDGE PREFIX TUNNEL
edge_route_del() {
	if ! standin; then
		acctl -n "$1" route del "$2" tunnel "$3"
		return
	fi
	grep -q "^$1 $2 $3 " "$_standin_routes" || return
	grep -v "^$1 $2 $3 " "$_standin_routes" >"$_standin_routes.new"
	mv "$_standin_routes.new" "$_standin_routes"
	_standin_fib "$1" "$2"
}

# The stand-in's kernel route for PREFIX: the routes of the lowest priority,
# as a multipath route weighted like actun's ECMP.
_standin_fib() {
	local e p t prio w best='' nh=()
	while read -r e p t prio w; do
		[[ $e == "$1" && $p == "$2" ]] || continue
		if [[ -z $best ]] || ((prio < best)); then
			best=$prio nh=()
		fi
		((prio == best)) && nh+=(nexthop dev "$t" weight "$w")
	done <"$_standin_routes"
	if ((${#nh[@]} == 0)); then
		ip -n "$1" route del "$2"
	elif ((${#nh[@]} == 5)); then
		ip -n "$1" route replace "$2" dev "${nh[2]}"
	else
		ip -n "$1" route replace "$2" "${nh[@]}"
	fi
}

# tstats EDGE: every tunnel's counters on the edge as one JSON object,
# {"NAME": {"rx_packets": N, ...}, ...} (acctl -s -j tunnel show).
tstats() {
	if ! standin; then
		acctl -n "$1" -s -j tunnel show dev ac0 | jq -c 'map({(.name): .stats}) | add // {}'
		return
	fi
	local e t names=()
	while read -r e t; do
		[[ $e == "$1" ]] && names+=("$t")
	done <"$_standin_tunnels"
	ip -n "$1" -s -j link show | jq -c --args '[.[] | select(.ifname | IN($ARGS.positional[]))
		| {(.ifname): {rx_packets: .stats64.rx.packets, rx_bytes: .stats64.rx.bytes,
			tx_packets: .stats64.tx.packets, tx_bytes: .stats64.tx.bytes}}] | add // {}' \
		"${names[@]}"
}

# dstats EDGE: ac0's drop counters by reason (ethtool -S) as a JSON object.
dstats() {
	ip netns exec "$1" ethtool -S ac0 2>/dev/null |
		awk 'NR > 1 { sub(":", "", $1); printf "%s\"%s\":%s", s ? "," : "{", $1, $2; s = 1 }
			END { print s ? "}" : "{}" }'
}

# deltas BEFORE AFTER: the counters that moved between two snapshots (JSON,
# nested names joined with "."), e.g. {"cust.rx_packets":10}; {} if none.
deltas() {
	jq -cnS --argjson a "$1" --argjson b "$2" '
		[$b | paths(numbers)] | map(. as $p | {key: map(tostring) | join("."),
			value: (($b | getpath($p)) - (($a | getpath($p)) // 0))})
		| map(select(.value != 0)) | from_entries'
}

# delta BEFORE AFTER KEY: how much one counter moved ("cust.rx_packets").
delta() {
	deltas "$1" "$2" | jq --arg k "$3" '.[$k] // 0'
}

# topo_bg NS CMD...: run CMD in NS in the background until the test ends;
# its pid is in TOPO_PID.
topo_bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	TOPO_PID=$!
	_topo_pids+=("$TOPO_PID")
}

# cap_start NS IF NAME [FILTER...]: capture on IF in NS into $TOPO_CAP/NAME.pcap;
# returns once tcpdump listens. cap_stop ends every running capture once
# their files stop growing (tcpdump may still be reading the last packets).
# Not under check: the pids must stay in this shell.
TOPO_CAP=$_topo_tmp
_caps=()
_capfiles=()
cap_start() {
	local ns=$1 ifc=$2 file=$_topo_tmp/$3.pcap
	shift 3
	topo_bg "$ns" tcpdump -i "$ifc" -n --immediate-mode -U -w "$file" "$@" 2>"$file.log"
	_caps+=("$TOPO_PID")
	_capfiles+=("$file")
	wait_for 10 grep -q 'listening on' "$file.log"
}

_capsizes() { stat -c %s "${_capfiles[@]}" 2>/dev/null | paste -sd,; }

cap_stop() {
	local pid i last now
	last=$(_capsizes)
	for ((i = 0; i < 50; i++)); do
		sleep 0.2
		now=$(_capsizes)
		[[ $now == "$last" ]] && break
		last=$now
	done
	for pid in "${_caps[@]}"; do
		kill -INT "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	_caps=() _capfiles=()
}

# pkt NS ARGS...: selftests/lib/pkt.py in NS (crafting, pcap parsing, flows).
pkt() {
	local ns=$1
	shift
	ip netns exec "$ns" /usr/bin/python3 "$TOPO_LIB/pkt.py" "$@"
}

# listening NS PORT: a TCP socket listens on PORT in NS.
listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

# on NS CMD...: run CMD in namespace NS.
on() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}
