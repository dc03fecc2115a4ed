#!/bin/bash
# The seeds' reference topology in network namespaces (run inside the VM by
# `make demo`):
#
#   client 198.18.0.10 --- inet (data-centre router) ==ECMP==> edge1, edge2
#                            |                           anycast 192.0.2.1 on lo,
#                            |                           ac0 (actun) with tunnel cust
#                          cust 198.51.100.1 (customer router, Linux ip_gre)
#                            |
#                          origin 203.0.113.100 (customer prefix 203.0.113.0/24)
#
#   inet --- cust2 198.51.101.1 (customer router, strongSwan: IPsec to 192.0.2.1)
#              |
#            origin2 203.0.114.100 (customer prefix 203.0.114.0/24)
#
# Every edge holds the same GRE tunnel configuration, as an anycast fleet
# does. The IPsec customer negotiates with acikd on the edge its IKE
# packets reach; until Child SAs are replicated across the fleet (the next
# milestone), inet pins that customer's traffic to edge1.
set -euo pipefail

ACTUN_REPO=${ACTUN_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
PATH=$ACTUN_REPO/tools/acctl:$PATH
EDGES=${EDGES:-2}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

ko=${ACTUN_KO:-$ACTUN_REPO/kernel/actun.ko}
if [[ ! -d /sys/module/actun ]]; then
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do modprobe "$dep"; done
	insmod "$ko"
fi

# topo_link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair between two namespaces.
source "$ACTUN_REPO/selftests/lib/topology.sh"
source "$ACTUN_REPO/selftests/lib/strongswan.sh"
ACIKD=$ACTUN_REPO/tools/acikd/acikd
SS=$(mktemp -d)
stop_daemons() {
	ss_stop
	pkill -x acikd || true
	rm -rf "$SS"
}
trap stop_daemons EXIT

say "namespaces: client inet cust origin edge1..edge$EDGES"
for ns in client inet cust origin $(seq -f 'edge%g' "$EDGES"); do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip netns exec inet sysctl -qw net.ipv4.ip_forward=1
ip netns exec cust sysctl -qw net.ipv4.ip_forward=1

topo_link client eth0 198.18.0.10/24 inet client0 198.18.0.1/24
ip -n client route add default via 198.18.0.1
topo_link cust wan0 198.51.100.1/24 inet cust0 198.51.100.254/24
ip -n cust route add default via 198.51.100.254
topo_link cust lan0 203.0.113.1/24 origin eth0 203.0.113.100/24
ip -n origin route add default via 203.0.113.1

nexthops=()
for i in $(seq "$EDGES"); do
	e=edge$i
	topo_link inet "e$i" "100.64.$i.1/30" "$e" uplink "100.64.$i.2/30"
	ip -n "$e" addr add 192.0.2.1/32 dev lo
	ip -n "$e" route add default via "100.64.$i.1"
	ip netns exec "$e" sysctl -qw net.ipv4.ip_forward=1
	nexthops+=(nexthop via "100.64.$i.2")
done
say "inet reaches anycast 192.0.2.1 and the customer prefix over ECMP"
run ip -n inet route add 192.0.2.1/32 "${nexthops[@]}"
run ip -n inet route add 203.0.113.0/24 "${nexthops[@]}"

say "customer router: Linux ip_gre to the anycast address"
modprobe ip_gre
run ip -n cust link add gre1 type gre local 198.51.100.1 remote 192.0.2.1 key 100 ttl 64
run ip -n cust addr add 10.100.0.1/31 dev gre1
run ip -n cust link set gre1 up
# Internet-bound traffic from the customer network goes into the tunnel.
run ip -n cust route add 198.18.0.0/24 dev gre1

for i in $(seq "$EDGES"); do
	e=edge$i
	say "$e: actun device and the customer's tunnel (same on every edge)"
	run ip -n "$e" link add ac0 type actun
	run ip -n "$e" link set ac0 up
	# keep IPv6 neighbour discovery off the counters shown below
	ip netns exec "$e" sysctl -qw net.ipv6.conf.ac0.disable_ipv6=1
	run acctl -n "$e" tunnel add cust dev ac0 mode gre local 192.0.2.1 \
		remote 198.51.100.1 key 100 ttl 64 address 10.100.0.0/31
	run acctl -n "$e" route add 203.0.113.0/24 tunnel cust
	run ip -n "$e" route add 203.0.113.0/24 dev ac0
	run acctl -n "$e" tunnel show
	run acctl -n "$e" route show
done

say "client -> anycast 192.0.2.1 (answered by whichever edge ECMP picks)"
run ip netns exec client ping -c 3 -i 0.3 -W 2 192.0.2.1

say "client -> origin 203.0.113.100: GRE from the anycast edge to Linux ip_gre"
run ip netns exec client ping -c 3 -i 0.3 -W 2 203.0.113.100
run ip netns exec origin ping -c 3 -i 0.3 -W 2 198.18.0.10

say "TCP through the tunnel, both ways (iperf3, 3 s each)"
ip netns exec origin iperf3 -s -D -1 -p 5201
ip netns exec origin iperf3 -s -D -1 -p 5202
sleep 0.5
run ip netns exec client iperf3 -c 203.0.113.100 -p 5201 -t 3 -f m | grep -E "sender|receiver"
run ip netns exec client iperf3 -c 203.0.113.100 -p 5202 -t 3 -f m -R | grep -E "sender|receiver"

say "per-tunnel counters on each edge (ECMP spreads flows over both)"
for i in $(seq "$EDGES"); do
	run acctl -n "edge$i" -s tunnel show
done

say "acctl -j tunnel show on edge1"
run acctl -n edge1 -j -p tunnel show

say "IPsec: strongSwan on cust2 negotiates with acikd on edge1 (IKEv2, PSK)"
for ns in cust2 origin2; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip netns exec cust2 sysctl -qw net.ipv4.ip_forward=1
topo_link cust2 wan0 198.51.101.1/24 inet cust20 198.51.101.254/24
ip -n cust2 route add default via 198.51.101.254
topo_link cust2 lan0 203.0.114.1/24 origin2 eth0 203.0.114.100/24
ip -n origin2 route add default via 203.0.114.1
# cust2's IKE and ESP, and traffic to its prefix, go to edge1 only
run ip -n inet rule add from 198.51.101.1 lookup 101
run ip -n inet route add 192.0.2.1/32 via 100.64.1.2 table 101
run ip -n inet route add 203.0.114.0/24 via 100.64.1.2

# The seeds' identities: the customer's FQDN <tunnel>.<account>.ipsec.<domain>
CUST_ID=4c1d.7f3e.ipsec.example.com
PSK="actun demo pre-shared key"
run acctl -n edge1 tunnel add cust2 dev ac0 mode ipsec local 192.0.2.1 remote 198.51.101.1
run ip -n edge1 route add 203.0.114.0/24 dev ac0
cat >"$SS/acikd.conf" <<EOC
connections {
    cust2 {
        local_addrs = 192.0.2.1
        remote_addrs = 198.51.101.1
        local { id = 192.0.2.1 }
        remote { id = $CUST_ID }
        psk = "$PSK"
        proposals = aes256gcm16-prfsha384-ecp384, aes256-sha256-prfsha256-modp2048
        esp_proposals = aes256gcm16, aes256-sha256
        local_ts = 0.0.0.0/0
        remote_ts = 203.0.114.0/24
        actun { dev = ac0  tunnel = cust2 }
    }
}
EOC
run "$ACIKD" -c "$SS/acikd.conf" -n edge1

ss_init "$SS"
cat >"$SS/swanctl.conf" <<EOC
connections {
    edge {
        local_addrs = 198.51.101.1
        remote_addrs = 192.0.2.1
        proposals = aes256gcm16-prfsha384-ecp384
        local {
            auth = psk
            id = $CUST_ID
        }
        remote {
            auth = psk
            id = 192.0.2.1
        }
        children {
            edge {
                local_ts = 203.0.114.0/24
                remote_ts = 0.0.0.0/0
                esp_proposals = aes256gcm16
            }
        }
    }
}
secrets {
    ike-edge {
        id-1 = $CUST_ID
        id-2 = 192.0.2.1
        secret = "$PSK"
    }
}
EOC
ss_start cust2
run sw cust2 --load-all --file "$SS/swanctl.conf" --noprompt
run sw cust2 --initiate --child edge --timeout 30

say "edge1: the IKE SA acikd negotiated, and the Child SA pair and route it put into actun"
run acctl -n edge1 ike show
run acctl -n edge1 sa show tunnel cust2
run acctl -n edge1 route show tunnel cust2

say "client -> origin2 203.0.114.100: ESP from the anycast edge to strongSwan (Linux xfrm)"
run ip netns exec client ping -c 3 -i 0.3 -W 2 203.0.114.100
run ip netns exec origin2 ping -c 3 -i 0.3 -W 2 198.18.0.10
ip netns exec origin2 iperf3 -s -D -1 -p 5203
sleep 0.5
run ip netns exec client iperf3 -c 203.0.114.100 -p 5203 -t 3 -f m | grep -E "sender|receiver"

say "both ends count the traffic"
run acctl -n edge1 -s sa show tunnel cust2
run sw cust2 --list-sas
