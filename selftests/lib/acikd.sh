# acikd daemons in network namespaces, for the acikd_*.sh tests. Source it
# after lib/common.sh; then:
#
#   ak_begin TITLE       begin TITLE, load actun, and end the test with one
#                        failed check unless acikd is built ($ACIKD)
#   ak_two_ends          namespaces edge (192.0.2.1, LAN 10.1.0.1/24) and
#                        cust (192.0.2.2, LAN 10.2.0.1/24) on one veth, an
#                        actun device ac0 in each with the ipsec tunnels
#                        c1 (edge) and e1 (cust), and each LAN routed into
#                        ac0 on the other end
#   ak_many N            namespaces edge (192.0.2.1, actun device ac0) and
#                        cust on one veth, the customer with N addresses
#                        192.0.2.10 to 192.0.2.(9+N), one router each:
#                        tunnel I (1..N) is the edge's cI on ac0 to the
#                        customer's Ith address, LAN 10.1.I.1/24, and the
#                        customer's eI from it on its own device acI, LAN
#                        10.2.I.1/24, 10.1.I.0/24 routed into acI;
#                        10.2.0.0/16 is routed into the edge's ac0 (actun's
#                        routes, which acikd installs, pick the tunnel)
#   ak_tunnels EDGE_PEER CUST_ADDR
#                        in namespaces edge (192.0.2.1) and cust that reach
#                        each other already: ak_two_ends' actun devices,
#                        LANs, routes and tunnels, the edge's tunnel to
#                        EDGE_PEER (the customer as the edge sees it), the
#                        customer's from CUST_ADDR
#   ak_conf NAME LOCAL REMOTE LOCAL_TS REMOTE_TS [SETTING...]
#                        print a configuration with one connection NAME on
#                        actun tunnel NAME of ac0, a PSK, AES-GCM-256 with
#                        ECP-384, the addresses as identities; a SETTING is
#                        a line of the connection ("rekey_time = 20s"), or
#                        "local { ... }" / "remote { ... }" / "actun { ... }"
#                        in place of the identity blocks or the tunnel, or
#                        "acikd.KEY = VALUE" for the acikd section
#   ak_conn NAME LOCAL REMOTE LOCAL_TS REMOTE_TS [SETTING...]
#                        the same connection alone, to put several in one
#                        connections section (acikd.* settings are ignored)
#   ak_sa_drops NS...    the counters of ESP lost to a missing, unknown or
#                        wrong SA, one "NS:WHERE:COUNTER VALUE" a line: the
#                        drops by reason of NS's actun devices (ethtool -S)
#                        and of its tunnels, and xfrm's XfrmInNoStates (raw
#                        ESP of an SPI actun does not know goes on to xfrm)

ACIKD=$ACTUN_REPO/tools/acikd/acikd

ak_begin() {
	begin "$1"
	ensure_module
	if [[ ! -x $ACIKD ]]; then
		check "acikd is built" false
		finish
		exit
	fi
}

# _ak_link CUST_ADDR...: namespaces edge and cust, the veth between them
_ak_link() {
	local a
	ns_add edge
	ns_add cust
	ip link add ve netns edge type veth peer name vc netns cust
	ip -n edge addr add 192.0.2.1/24 dev ve && ip -n edge link set ve up
	for a; do
		ip -n cust addr add "$a/24" dev vc
	done
	ip -n cust link set vc up
}

# _ak_dev NS DEV: an actun device, up
_ak_dev() {
	ip -n "$1" link add "$2" type actun && ip -n "$1" link set "$2" up
}

ak_two_ends() {
	_ak_link 192.0.2.2
	ak_tunnels 192.0.2.2 192.0.2.2
}

ak_many() {
	local i addr addrs=()
	for ((i = 1; i <= $1; i++)); do
		addrs+=("192.0.2.$((9 + i))")
	done
	_ak_link "${addrs[@]}"
	_ak_dev edge ac0
	ip -n edge route add 10.2.0.0/16 dev ac0
	for ((i = 1; i <= $1; i++)); do
		addr=${addrs[i - 1]}
		_ak_dev cust ac$i
		ip -n edge addr add 10.1.$i.1/24 dev lo
		ip -n cust addr add 10.2.$i.1/24 dev lo
		ip -n cust route add 10.1.$i.0/24 dev ac$i
		run acctl -n edge tunnel add c$i dev ac0 mode ipsec local 192.0.2.1 remote "$addr"
		run acctl -n cust tunnel add e$i dev ac$i mode ipsec local "$addr" remote 192.0.2.1
	done
}

ak_tunnels() {
	_ak_dev edge ac0
	_ak_dev cust ac0
	ip -n edge addr add 10.1.0.1/24 dev lo
	ip -n cust addr add 10.2.0.1/24 dev lo
	ip -n edge route add 10.2.0.0/24 dev ac0
	ip -n cust route add 10.1.0.0/24 dev ac0
	run acctl -n edge tunnel add c1 dev ac0 mode ipsec local 192.0.2.1 remote "$1"
	run acctl -n cust tunnel add e1 dev ac0 mode ipsec local "$2" remote 192.0.2.1
}

ak_conf() {
	local a global=
	for a in "${@:6}"; do
		[[ $a == acikd.* ]] && global+="    ${a#acikd.}"$'\n'
	done
	[[ -n $global ]] && printf 'acikd {\n%s}\n' "$global"
	echo "connections {"
	ak_conn "$@"
	echo "}"
}

ak_conn() {
	local name=$1 local=$2 remote=$3 lts=$4 rts=$5 a
	local lid="local { id = $2 }" rid="remote { id = $3 }" lines=
	local tun="actun { dev = ac0  tunnel = $1 }"
	shift 5
	for a; do
		case $a in
		acikd.*) ;;
		"local {"*) lid=$a ;;
		"remote {"*) rid=$a ;;
		"actun {"*) tun=$a ;;
		*) lines+="        $a"$'\n' ;;
		esac
	done
	cat <<EOC
    $name {
        local_addrs = $local
        remote_addrs = $remote
        $lid
        $rid
        psk = "acikd selftest pass phrase"
        proposals = aes256gcm16-prfsha256-ecp384
        esp_proposals = aes256gcm16
        local_ts = $lts
        remote_ts = $rts
        $tun
${lines}    }
EOC
}

ak_sa_drops() {
	local ns dev
	for ns; do
		for dev in $(ip -n "$ns" -o link show type actun | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
			ip netns exec "$ns" ethtool -S "$dev" |
				awk -F': *' -v w="$ns:$dev" '/no_sa|expired|auth/ { gsub(/ /, "", $1); print w ":" $1, $2 }'
		done
		acctl -n "$ns" -s -j tunnel show |
			jq -r --arg ns "$ns" '.[] | .name as $t | .stats | to_entries[] |
				select(.key | test("no_sa|auth")) | "\($ns):\($t):\(.key) \(.value)"'
		ip netns exec "$ns" awk -v w="$ns:xfrm" '$1 == "XfrmInNoStates" { print w ":" $1, $2 }' \
			/proc/net/xfrm_stat
	done
}
