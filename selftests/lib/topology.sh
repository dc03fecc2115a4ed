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

# ---- ESP (ipsec tunnels) --------------------------------------------------
#
# Customer routers for ipsec tunnels speak Linux xfrm in tunnel mode
# (xfrm_customer, xfrm_sa, xfrm_policy); the edge side is actun (esp_tunnel,
# esp_sa, esp_route, esp_socket). With ACTUN_STANDIN=xfrm the edges' ipsec
# tunnels are Linux xfrm interfaces instead (one per tunnel, named as the
# tunnel, its SAs as xfrm states with the interface's if_id, routes as
# kernel routes, the UDP 4500 socket a pkt.py encap-sock), which checks a
# test's plumbing against Linux; checks of actun-only features then fail.
# Keys are derived from the SPI (esp_key), so a test can craft packets for
# any SA it installed.

_esp_standin_tunnels=$_topo_tmp/xfrm-standin-tunnels	# lines "EDGE NAME REMOTE IF_ID"
: >"$_esp_standin_tunnels"

esp_standin() { [[ ${ACTUN_STANDIN:-} == xfrm ]]; }

# esp_keylen ALG: key bytes of an enc (salt included) or auth algorithm.
esp_keylen() {
	case $1 in
	gcm-aes-128) echo 20 ;;
	gcm-aes-256) echo 36 ;;
	cbc-aes-128) echo 16 ;;
	cbc-aes-256 | hmac-sha256) echo 32 ;;
	hmac-sha1) echo 20 ;;
	null) echo 0 ;;
	*) return 1 ;;
	esac
}

# esp_key ALG SPI [SALT]: the hex key (no 0x) of algorithm ALG for the SA
# SPI (decimal or 0x hex), derived from both; SALT tells the enc and auth
# keys of one SA apart (esp_sa and xfrm_sa use "auth" for the auth key).
esp_key() {
	local n
	n=$(esp_keylen "$1") || return
	((n)) || return 0
	{
		printf '%s' "$1/$(($2))/${3:-}/a" | sha256sum
		printf '%s' "$1/$(($2))/${3:-}/b" | sha256sum
	} | cut -c1-64 | tr -d '\n' | cut -c1-$((2 * n))
}

# xfrm_alg_args ENC KEY [AUTH AKEY]: the ip xfrm state arguments for a
# transform, in the array _alg.
xfrm_alg_args() {
	case $1 in
	gcm-aes-*) _alg=(aead 'rfc4106(gcm(aes))' "0x$2" 128) ;;
	cbc-aes-*) _alg=(enc 'cbc(aes)' "0x$2") ;;
	null) _alg=(enc 'ecb(cipher_null)' '') ;;
	*) return 1 ;;
	esac
	case ${3:-} in
	hmac-sha256) _alg+=(auth-trunc 'hmac(sha256)' "0x$4" 128) ;;
	hmac-sha1) _alg+=(auth-trunc 'hmac(sha1)' "0x$4" 96) ;;
	esac
}

# xfrm_sa NS SRC DST SPI ENC [auth AUTH] [encap SPORT DPORT] [if_id N]
#	[replay-window N] [update]: an xfrm tunnel-mode state SRC -> DST with
#	the keys esp_key derives from SPI; af-unspec, so it carries IPv4 and
#	IPv6. update: change the existing state (its sequence numbers go on),
#	e.g. its UDP ports as a NAT would.
xfrm_sa() {
	local ns=$1 src=$2 dst=$3 spi=$4 enc=$5 auth='' extra=() _alg=() op=add
	shift 5
	while (($#)); do
		case $1 in
		auth) auth=$2 ;;
		encap) extra+=(encap espinudp "$2" "$3" 0.0.0.0); shift ;;
		if_id | replay-window) extra+=("$1" "$2") ;;
		update) op=update; shift; continue ;;
		esac
		shift 2
	done
	xfrm_alg_args "$enc" "$(esp_key "$enc" "$spi")" "$auth" \
		"${auth:+$(esp_key "$auth" "$spi" auth)}" || return
	ip -n "$ns" xfrm state $op src "$src" dst "$dst" proto esp spi "$spi" \
		mode tunnel flag af-unspec "${_alg[@]}" "${extra[@]}"
}

# xfrm_policy NS LOCAL REMOTE LNET RNET [spi SPI] [if_id N]: traffic from
# LNET to RNET leaves through ESP LOCAL -> REMOTE (the state with SPI if
# given, else the newest matching one); ESP from REMOTE may deliver and
# forward RNET -> LNET. Replaces what the namespace had for these nets.
xfrm_policy() {
	local ns=$1 local=$2 remote=$3 lnet=$4 rnet=$5 tspi=() ifid=()
	shift 5
	while (($#)); do
		case $1 in
		spi) tspi=(spi "$2") ;;
		if_id) ifid=(if_id "$2") ;;
		esac
		shift 2
	done
	ip -n "$ns" xfrm policy update src "$lnet" dst "$rnet" dir out "${ifid[@]}" \
		tmpl src "$local" dst "$remote" proto esp "${tspi[@]}" mode tunnel &&
		ip -n "$ns" xfrm policy update src "$rnet" dst "$lnet" dir in "${ifid[@]}" \
			tmpl src "$remote" dst "$local" proto esp mode tunnel &&
		ip -n "$ns" xfrm policy update src "$rnet" dst "$lnet" dir fwd "${ifid[@]}" \
			tmpl src "$remote" dst "$local" proto esp mode tunnel
}

# xfrm_customer NAME ADDR: a customer router at ADDR on inet's br0 that
# reaches the anycast address over Linux xfrm: no tunnel device; xfrm_sa
# and xfrm_policy (or esp_customer) give it its SAs and what they carry.
xfrm_customer() {
	local name=$1 addr=$2
	modprobe -a esp4 xfrm_user xfrm_interface 2>/dev/null
	ns_add "$name"
	ip -n "$name" -b - <<-EOF
		link add wan0 type veth peer name c-$name netns inet
		addr add $addr/24 dev wan0
		link set wan0 up
		route add default via 198.51.100.254
	EOF
	ip netns exec "$name" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n inet link set "c-$name" master br0 up
}

# xfrm_encap_sock NS [PORT]: a UDP_ENCAP_ESPINUDP socket on PORT (4500) in
# NS until the test ends, as an IKE daemon holds it; returns once bound.
# Not under check: the process must stay in this shell.
xfrm_encap_sock() {
	topo_bg "$1" /usr/bin/python3 "$TOPO_LIB/pkt.py" encap-sock "${2:-4500}" >/dev/null 2>&1
	wait_for 10 esp_udp_bound "$1" "${2:-4500}"
}

# esp_wait_for SECONDS CMD...: as wait_for, but bounded in time rather than
# in tries, for commands that themselves take a while under TCG.
esp_wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

# esp_udp_bound NS PORT: a UDP socket is bound to PORT in NS.
esp_udp_bound() { ip netns exec "$1" ss -Hlun "sport = :$2" | grep -q .; }

# esp_customer NAME ADDR LNET RNET SPI_IN SPI_OUT ENC [auth AUTH] [encap]
#	[replay-window N]: customer NAME's xfrm side of an actun tunnel whose
#	inbound SA is SPI_IN (the customer's outbound) and outbound SA is
#	SPI_OUT, and its policies (LNET behind the customer, RNET the far
#	side; the out policy names SPI_IN). encap: ESP in UDP 4500 <-> 4500.
esp_customer() {
	local name=$1 addr=$2 lnet=$3 rnet=$4 in=$5 out=$6 enc=$7 opts=()
	shift 7
	while (($#)); do
		case $1 in
		auth | replay-window) opts+=("$1" "$2"); shift ;;
		encap) opts+=(encap 4500 4500) ;;
		esac
		shift
	done
	xfrm_sa "$name" "$addr" $ANYCAST "$in" "$enc" "${opts[@]}" &&
		xfrm_sa "$name" $ANYCAST "$addr" "$out" "$enc" "${opts[@]}" &&
		xfrm_policy "$name" "$addr" $ANYCAST "$lnet" "$rnet" spi "$in"
}

# esp_tunnel EDGE NAME REMOTE [ARGS...]: an ipsec tunnel from the anycast
# address to REMOTE; ARGS as for acctl tunnel add (allow-null, mtu, ...).
esp_tunnel() {
	local e=$1 name=$2 remote=$3 id mtu=1400
	shift 3
	if ! esp_standin; then
		acctl -n "$e" tunnel add "$name" dev ac0 mode ipsec local $ANYCAST \
			remote "$remote" "$@"
		return
	fi
	while (($#)); do
		[[ $1 == mtu ]] && mtu=$2
		shift 2
	done
	id=$(($(wc -l <"$_esp_standin_tunnels") + 1))
	ip -n "$e" link add "$name" type xfrm if_id "$id" || return
	topo_noipv6 "$e" "$name"
	ip -n "$e" link set "$name" mtu "$mtu" up
	echo "$e $name $remote $id" >>"$_esp_standin_tunnels"
	xfrm_policy "$e" $ANYCAST "$remote" 0.0.0.0/0 0.0.0.0/0 if_id "$id" &&
		xfrm_policy "$e" $ANYCAST "$remote" ::/0 ::/0 if_id "$id"
}

esp_standin_tunnel() { awk -v e="$1" -v t="$2" '$1 == e && $2 == t { print $3, $4 }' "$_esp_standin_tunnels"; }

# esp_sa EDGE TUNNEL dir DIR spi SPI enc ENC [auth AUTH] [ARGS...]: an SA
# of TUNNEL with the keys esp_key derives from SPI (so the customer's
# xfrm_sa or esp_customer with the same SPI and algorithms matches); ARGS
# as for acctl sa add (encap udp sport N dport N, replay-window N, ...).
esp_sa() {
	local e=$1 t=$2 dir=$4 spi=$6 enc=$8 auth='' args=() rest=() remote id
	shift 8
	if [[ ${1:-} == auth ]]; then
		auth=$2
		shift 2
	fi
	args=(enc "$enc")
	[[ $enc != null ]] && args+=(key "$(esp_key "$enc" "$spi")")
	[[ -n $auth ]] && args+=(auth "$auth" key "$(esp_key "$auth" "$spi" auth)")
	if ! esp_standin; then
		acctl -n "$e" sa add tunnel "$t" dir "$dir" spi "$spi" "${args[@]}" "$@"
		return
	fi
	read -r remote id < <(esp_standin_tunnel "$e" "$t")
	[[ -n $id ]] || return
	while (($#)); do
		case $1 in
		encap) rest+=(encap "$4" "$6"); shift 4 ;;
		replay-window) rest+=("$1" "$2") ;;
		esac
		shift 2
	done
	[[ -n $auth ]] && rest+=(auth "$auth")
	if [[ $dir == in ]]; then
		xfrm_sa "$e" "$remote" $ANYCAST "$spi" "$enc" "${rest[@]}" if_id "$id"
	else
		xfrm_sa "$e" $ANYCAST "$remote" "$spi" "$enc" "${rest[@]}" if_id "$id"
	fi
}

# esp_sa_del EDGE TUNNEL DIR SPI
esp_sa_del() {
	local remote id
	if ! esp_standin; then
		acctl -n "$1" sa del tunnel "$2" dir "$3" spi "$4"
		return
	fi
	read -r remote id < <(esp_standin_tunnel "$1" "$2")
	if [[ $3 == in ]]; then
		ip -n "$1" xfrm state del src "$remote" dst $ANYCAST proto esp spi "$4"
	else
		ip -n "$1" xfrm state del src $ANYCAST dst "$remote" proto esp spi "$4"
	fi
}

# esp_route EDGE PREFIX TUNNEL [ARGS...]: as edge_route, for ipsec tunnels.
esp_route() {
	if ! esp_standin; then
		edge_route "$@"
		return
	fi
	ip -n "$1" route replace "$2" dev "$3"
}

# esp_ipv6 EDGE TUNNEL: IPv6 on the device carrying TUNNEL.
esp_ipv6() {
	if esp_standin; then
		topo_ipv6 "$1" "$2"
	else
		topo_ipv6 "$1" ac0
	fi
}

# esp_socket EDGE: UDP 4500 on the anycast address for ESP in UDP (acctl
# socket attach; the stand-in holds a pkt.py encap-sock). Not under check:
# the stand-in's process must stay in this shell; check esp_udp_bound.
esp_socket() {
	if ! esp_standin; then
		acctl -n "$1" socket attach dev ac0 address $ANYCAST port 4500
		return
	fi
	topo_bg "$1" /usr/bin/python3 "$TOPO_LIB/pkt.py" encap-sock 4500 --addr $ANYCAST \
		>/dev/null 2>&1
	wait_for 10 esp_udp_bound "$1" 4500
}

# esp_fleet EDGE ID: the edge's fleet server id (nothing for the stand-in).
esp_fleet() {
	esp_standin || acctl -n "$1" fleet set server-id "$2"
}

# esp_tstats EDGE: as tstats, also for the xfrm stand-in's interfaces.
esp_tstats() {
	local e t names=()
	if ! esp_standin; then
		tstats "$1"
		return
	fi
	while read -r e t _; do
		[[ $e == "$1" ]] && names+=("$t")
	done <"$_esp_standin_tunnels"
	ip -n "$1" -s -j link show | jq -c --args '[.[] | select(.ifname | IN($ARGS.positional[]))
		| {(.ifname): {rx_packets: .stats64.rx.packets, rx_bytes: .stats64.rx.bytes,
			tx_packets: .stats64.tx.packets, tx_bytes: .stats64.tx.bytes}}] | add // {}' \
		"${names[@]}"
}

# esp_sastats EDGE: every SA's counters on the edge as one JSON object keyed
# DIR-SPI (decimal), {"in-4097": {"packets": N, ...}, ...} (acctl -s -j sa
# show); {} for the stand-in.
esp_sastats() {
	if esp_standin; then
		echo '{}'
		return
	fi
	acctl -n "$1" -s -j sa show dev ac0 |
		jq -c 'map({("\(.dir)-\(.spi)"): .stats}) | add // {}'
}

# esp_snap EDGE TUNNEL...: the tunnels' counters, ac0's drop counters and
# every SA's counters in one JSON object for deltas:
# {"TUNNEL": {...}, "ac0": {...}, "sa": {"in-4097": {...}}}.
esp_snap() {
	local e=$1
	shift
	jq -cn --argjson t "$(esp_tstats "$e")" --argjson d "$(dstats "$e")" \
		--argjson s "$(esp_sastats "$e")" \
		'{ac0: $d, sa: $s} + ($t | with_entries(select(.key | IN($ARGS.positional[]))))' \
		--args "$@"
}

# xfrm_stat NS NAME: a counter of NS's /proc/net/xfrm_stat (XfrmInNoStates).
xfrm_stat() {
	ip netns exec "$1" awk -v n="$2" '$1 == n { print $2 }' /proc/net/xfrm_stat
}
