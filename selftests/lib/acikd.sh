# acikd daemons in network namespaces, for the acikd_*.sh tests. Source it
# after lib/common.sh; then:
#
#   ak_two_ends          namespaces edge (192.0.2.1, LAN 10.1.0.1/24) and
#                        cust (192.0.2.2, LAN 10.2.0.1/24) on one veth, an
#                        actun device ac0 in each with the ipsec tunnels
#                        c1 (edge) and e1 (cust), and each LAN routed into
#                        ac0 on the other end
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

ak_two_ends() {
	ns_add edge
	ns_add cust
	ip link add ve netns edge type veth peer name vc netns cust
	ip -n edge addr add 192.0.2.1/24 dev ve && ip -n edge link set ve up
	ip -n cust addr add 192.0.2.2/24 dev vc && ip -n cust link set vc up
	ak_tunnels 192.0.2.2 192.0.2.2
}

ak_tunnels() {
	local n
	for n in edge cust; do
		ip -n $n link add ac0 type actun && ip -n $n link set ac0 up
	done
	ip -n edge addr add 10.1.0.1/24 dev lo
	ip -n cust addr add 10.2.0.1/24 dev lo
	ip -n edge route add 10.2.0.0/24 dev ac0
	ip -n cust route add 10.1.0.0/24 dev ac0
	run acctl -n edge tunnel add c1 dev ac0 mode ipsec local 192.0.2.1 remote "$1"
	run acctl -n cust tunnel add e1 dev ac0 mode ipsec local "$2" remote 192.0.2.1
}

ak_conf() {
	local name=$1 local=$2 remote=$3 lts=$4 rts=$5 a
	local lid="local { id = $2 }" rid="remote { id = $3 }" global= lines=
	local tun="actun { dev = ac0  tunnel = $1 }"
	shift 5
	for a; do
		case $a in
		acikd.*) global+="    ${a#acikd.}"$'\n' ;;
		"local {"*) lid=$a ;;
		"remote {"*) rid=$a ;;
		"actun {"*) tun=$a ;;
		*) lines+="        $a"$'\n' ;;
		esac
	done
	[[ -n $global ]] && printf 'acikd {\n%s}\n' "$global"
	cat <<EOC
connections {
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
}
EOC
}
