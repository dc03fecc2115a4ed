#!/bin/bash
# acctl route add/del/show round trips (IPv4 and IPv6), JSON and text
# output, the kernel's refusals, routes leaving with their tunnel and their
# device (slab counts back to their baseline), churn without growth, and
# route notifications.
source "$(dirname "$0")/lib/common.sh"

begin "route object through acctl"
ensure_module
ns_add r
A="acctl -n r"
ip -n r link add ac0 type actun
ip -n r link add ac1 type actun
ip -n r link add dummy0 type dummy
base=$(slab_active actun_route)
nbase=$(slab_active actun_route_node)
gre="mode gre local 192.0.2.1"

$A tunnel add cust dev ac0 $gre remote 198.51.100.1
$A tunnel add backup dev ac0 $gre remote 198.51.100.2
$A tunnel add other dev ac1 $gre remote 198.51.100.3
$A tunnel add twin dev ac0 $gre remote 198.51.100.4
$A tunnel add twin dev ac1 $gre remote 198.51.100.5

check "IPv4 route with defaults, device found by tunnel name" \
	$A route add 203.0.113.0/24 tunnel cust
check "IPv6 route with dev, priority and weight" \
	$A route add 2001:db8:100::/48 tunnel cust dev ac0 priority 10 weight 7
check "a bare IPv4 address is a /32" $A route add 198.18.0.1 tunnel cust
check "a bare IPv6 address is a /128" $A route add 2001:db8::5 tunnel backup
check "the same prefix to a second tunnel" \
	$A route add 203.0.113.0/24 tunnel backup priority 200 weight 3
check "default routes" sh -c "$A route add 0.0.0.0/0 tunnel backup && $A route add ::/0 tunnel backup"
check "the same prefix on another device" $A route add 203.0.113.0/24 tunnel other
check "a tunnel name on two devices, with dev" $A route add 10.0.0.0/8 tunnel twin dev ac1

json=$($A -j route show dev ac0)
check "JSON parses" jq -e . <<<"$json"
check_eq "seven routes on ac0" 7 "$(jq length <<<"$json")"
check_eq "IPv4 route as configured" \
	'{"prefix":"203.0.113.0","prefixlen":24,"tunnel":"cust","tunnel_id":1,"dev":"ac0","priority":100,"weight":1}' \
	"$(jq -c '.[0]' <<<"$json")"
check_eq "IPv6 route as configured" \
	'{"prefix":"2001:db8:100::","prefixlen":48,"tunnel":"cust","tunnel_id":1,"dev":"ac0","priority":10,"weight":7}' \
	"$(jq -c '.[] | select(.prefixlen == 48)' <<<"$json")"
check_eq "host routes" "198.18.0.1/32 2001:db8::5/128" \
	"$(jq -r '[.[] | select(.prefixlen == 32 or .prefixlen == 128) | "\(.prefix)/\(.prefixlen)"] | join(" ")' <<<"$json")"
check_eq "one prefix, two tunnels" "cust:100:1 backup:200:3" \
	"$(jq -r '[.[] | select(.prefix == "203.0.113.0") | "\(.tunnel):\(.priority):\(.weight)"] | join(" ")' <<<"$json")"
check_eq "text output" \
	"203.0.113.0/24 tunnel cust dev ac0 priority 100 weight 1" \
	"$($A route show dev ac0 | head -n 1)"
check_eq "show tunnel NAME lists that tunnel's routes" \
	"203.0.113.0/24 2001:db8:100::/48 198.18.0.1/32" \
	"$($A -j route show tunnel cust | jq -r 'map("\(.prefix)/\(.prefixlen)") | join(" ")')"
check_eq "show tunnel NAME dev DEV" "10.0.0.0/8" \
	"$($A -j route show tunnel twin dev ac1 | jq -r 'map("\(.prefix)/\(.prefixlen)") | join(" ")')"
check_eq "show without dev covers every device" 9 "$($A -j route show | jq length)"
check_eq "list is show" "$($A route show dev ac1)" "$($A route list dev ac1)"
check_eq "show is the default command" "$($A route show)" "$($A route)"
check_eq "an empty show is an empty JSON array" "[]" "$($A -j route show tunnel twin dev ac0)"
check_eq "route objects live" $((base + 9)) "$(slab_active actun_route)"

# Refusals: the kernel's words reach the user, and nothing changes.
check_error "actun: this prefix is already routed to this tunnel" \
	$A route add 203.0.113.0/24 tunnel cust priority 5
check_error "actun: the prefix has host bits set" $A route add 203.0.113.1/24 tunnel cust
check_error "actun: the prefix has host bits set" $A route add 2001:db8::1/64 tunnel cust
check_error "actun: route weight out of range (1-65535)" \
	$A route add 192.0.2.0/24 tunnel cust weight 0
check_error "actun: route weight out of range (1-65535)" \
	$A route add 192.0.2.0/24 tunnel cust weight 65536
check_error 'tunnel "nope" does not exist' $A route add 192.0.2.0/24 tunnel nope
check_error "actun: no tunnel with this name on the device" \
	$A route add 192.0.2.0/24 tunnel nope dev ac0
check_error "actun: no tunnel with this name on the device" \
	$A route add 192.0.2.0/24 tunnel other dev ac0
check_error "actun: the device is not an actun device" \
	$A route add 192.0.2.0/24 tunnel cust dev dummy0
check_error 'tunnel "twin" exists on several devices' $A route add 192.0.2.0/24 tunnel twin
check_error "actun: no such route" $A route del 203.0.113.0/25 tunnel cust
check_error "actun: no such route" $A route del 10.0.0.0/8 tunnel twin dev ac0
check_error "tunnel name is longer than 31 bytes" \
	$A route add 192.0.2.0/24 tunnel "$(printf 'x%.0s' {1..32})" dev ac0
check_error 'argument "192.0.2.0/33" is wrong' $A route add 192.0.2.0/33 tunnel cust
check_error 'argument "tunnel" is required' $A route add 192.0.2.0/24
check_error 'unknown argument "weight" for "route del"' \
	$A route del 203.0.113.0/24 tunnel cust weight 1
check_eq "refusals changed nothing" "$json" "$($A -j route show dev ac0)"
check_eq "no route object left behind" $((base + 9)) "$(slab_active actun_route)"

check "del an IPv6 route" $A route del 2001:db8:100::/48 tunnel cust
check "del one of two routes of a prefix" $A route del 203.0.113.0/24 tunnel cust dev ac0
check_eq "the other route of the prefix stays" "backup" \
	"$($A -j route show dev ac0 | jq -r '[.[] | select(.prefix == "203.0.113.0") | .tunnel] | join(" ")')"
check "deleted route objects are freed" settle_rcu actun_route $((base + 7))

# Notifications: route NEW and DEL; a tunnel's deletion takes its routes
# without an event per route.
$A -j monitor >/tmp/route-monitor.json 2>&1 &
mon=$!
$A monitor >/tmp/route-monitor.txt 2>&1 &
mon_text=$!
sleep 1
$A route add 192.0.2.128/25 tunnel backup weight 2
$A route del 192.0.2.128/25 tunnel backup
$A tunnel del backup
sleep 1
kill $mon $mon_text
wait $mon $mon_text 2>/dev/null
check_eq "monitor -j: route new, route del, then only the tunnel's del" \
	"new:route:192.0.2.128/25:backup:2 del:route:192.0.2.128/25:backup:2 del:tunnel:backup" \
	"$(jq -r 'if .object == "route" then "\(.event):route:\(.prefix)/\(.prefixlen):\(.tunnel):\(.weight)" else "\(.event):\(.object):\(.name)" end' /tmp/route-monitor.json | paste -sd' ')"
check_eq "monitor text" \
	"[NEW] route 192.0.2.128/25 tunnel backup dev ac0 priority 100 weight 2" \
	"$(head -n 1 /tmp/route-monitor.txt)"
check_eq "deleting tunnel backup deleted its routes" "198.18.0.1/32" \
	"$($A -j route show dev ac0 | jq -r 'map("\(.prefix)/\(.prefixlen)") | join(" ")')"
check "and freed them" settle_rcu actun_route $((base + 3))

# Churn: adding and deleting the same routes again and again does not grow
# the trie. Left: 198.18.0.1/32 on ac0 (one node), 10.0.0.0/8 and
# 203.0.113.0/24 on ac1 (two nodes and the fork /0 they part at).
check "trie nodes: exactly the four needed" settle_rcu actun_route_node $((nbase + 4))
awk 'BEGIN { for (i = 0; i < 2000; i++)
	printf "route add 100.%d.%d.0/24 tunnel cust\n", int(i / 256), i % 256 }' >/tmp/churn-add
sed 's/^route add/route del/' /tmp/churn-add >/tmp/churn-del
check "2000 routes added" $A -b /tmp/churn-add
nodes=$(slab_active actun_route_node)
check "and deleted" $A -b /tmp/churn-del
check "their nodes freed" settle_rcu actun_route_node $((nbase + 4))
check "added again" $A -b /tmp/churn-add
check_eq "the trie holds as many nodes as the first time" "$nodes" \
	"$(slab_active actun_route_node)"
check "deleted again" $A -b /tmp/churn-del
check "their routes freed" settle_rcu actun_route $((base + 3))
check "and their nodes" settle_rcu actun_route_node $((nbase + 4))

check "deleting a device with routes" ip -n r link del ac1
check "deleting the last device" ip -n r link del ac0
check "every route freed" settle_rcu actun_route "$base"
check "every trie node freed" settle_rcu actun_route_node "$nbase"
finish
