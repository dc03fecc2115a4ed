#!/bin/bash
# acctl tunnel add/show/set/del round trips, JSON output, notifications.
source "$(dirname "$0")/lib/common.sh"

begin "tunnel object through acctl"
ensure_module
ns_add t
A="acctl -n t"
ip -n t link add ac0 type actun
ip -n t link add ac1 type actun

check "add gre tunnel with every option" $A tunnel add t1 dev ac0 mode gre \
	local 192.0.2.1 remote 198.51.100.1 key 42 ttl 64 tos 0x10 mtu 1400 \
	address 100.64.0.0/31
check "add ipsec tunnel with an explicit id" $A tunnel add t2 dev ac0 mode ipsec \
	local 192.0.2.1 remote 198.51.100.2 id 1000
check "add gre tunnel with defaults" $A tunnel add t3 dev ac0 mode gre \
	local 192.0.2.1 remote 198.51.100.3
check "same name on another device" $A tunnel add t1 dev ac1 mode gre \
	local 192.0.2.1 remote 198.51.100.9

json=$($A -j tunnel show dev ac0)
check "JSON parses" jq -e . <<<"$json"
check_eq "three tunnels on ac0 in id order" "t1 t3 t2" \
	"$(jq -r 'map(.name) | join(" ")' <<<"$json")"
check_eq "t1 as configured" \
	'{"name":"t1","dev":"ac0","mode":"gre","local":"192.0.2.1","remote":"198.51.100.1","key":42,"ttl":64,"tos":16,"mtu":1400,"address":"100.64.0.0","prefixlen":31,"state":"up"}' \
	"$(jq -c '.[0] | {name,dev,mode,local,remote,key,ttl,tos,mtu,address,prefixlen,state}' <<<"$json")"
check_eq "t2 keeps its id 1000" 1000 "$(jq '.[] | select(.name == "t2") | .id' <<<"$json")"
check_eq "t3 defaults: mtu 1476, ttl inherit (0), tos inherit (1), no key" \
	'{"mtu":1476,"ttl":0,"tos":1,"key":null,"address":null}' \
	"$(jq -c '.[] | select(.name == "t3") | {mtu,ttl,tos,key,address}' <<<"$json")"
check_eq "ids are allocated from 1" "1 2" \
	"$(jq -r '[.[] | select(.name != "t2") | .id] | map(tostring) | join(" ")' <<<"$json")"
check_eq "show without dev covers every device" 4 "$($A -j tunnel show | jq length)"
check_eq "show NAME dev DEV" "198.51.100.9" \
	"$($A -j tunnel show t1 dev ac1 | jq -r '.[0].remote')"
check_eq "text output" \
	"t3: id 2 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.3 ttl inherit tos inherit mtu 1476 mss 1436 state up" \
	"$($A tunnel show t3)"
check_error 'exists on several devices' $A tunnel show t1

check "set remote, key, mtu, ttl" $A tunnel set t3 remote 198.51.100.33 key 7 mtu 1300 ttl 32
check_eq "set took effect" '{"remote":"198.51.100.33","key":7,"mtu":1300,"ttl":32}' \
	"$($A -j tunnel show t3 | jq -c '.[0] | {remote,key,mtu,ttl}')"
check "key none and address none" $A tunnel set t1 dev ac0 key none address none
check_eq "key and address removed" '{"key":null,"address":null,"mtu":1400}' \
	"$($A -j tunnel show t1 dev ac0 | jq -c '.[0] | {key,address,mtu}')"
check "address set later" $A tunnel set t3 address 2001:db8::1/127
check_eq "IPv6 interface address" '{"address":"2001:db8::1","prefixlen":127}' \
	"$($A -j tunnel show t3 | jq -c '.[0] | {address,prefixlen}')"

# Notifications: acctl monitor sees add, set and del in order.
$A -j monitor >/tmp/monitor.out 2>&1 &
mon=$!
sleep 1
$A tunnel add t4 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.4
$A tunnel set t4 mtu 1280
$A tunnel del t4
sleep 1
kill $mon; wait $mon 2>/dev/null
check_eq "monitor: new, set, del of t4" "new:t4:1476 set:t4:1280 del:t4:1280" \
	"$(jq -r '"\(.event):\(.name):\(.mtu)"' /tmp/monitor.out | paste -sd' ')"

# The dump walks devices in ifindex order; the last possible index must
# end the walk, not wrap it around.
ip -n t link add ac7 index 2147483647 type actun
$A tunnel add last dev ac7 mode gre local 192.0.2.1 remote 198.51.100.7
check_eq "dump ends after ifindex 2147483647, each tunnel once" "t1 t3 t2 t1 last" \
	"$(timeout 20 $A -j tunnel show | jq -r 'map(.name) | join(" ")')"
ip -n t link del ac7

check "del t2" $A tunnel del t2
check_error "does not exist" $A tunnel del t2
check "del by dev" $A tunnel del t1 dev ac1
check_eq "two left" "t1 t3" "$($A -j tunnel show | jq -r 'map(.name) | join(" ")')"
check "deleting the device deletes its tunnels" ip -n t link del ac0
check_eq "no tunnel left" "[]" "$($A -j tunnel show | jq -c .)"
finish
