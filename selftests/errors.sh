#!/bin/bash
# Every refusal of the kernel reaches the user as its extack text, and
# nothing is left half-configured after one.
source "$(dirname "$0")/lib/common.sh"

begin "extack messages for invalid tunnel requests"
ensure_module
ns_add e
A="acctl -n e"
ip -n e link add ac0 type actun
ip -n e link add dummy0 type dummy
add="tunnel add"
ok_args="mode gre local 192.0.2.1 remote 198.51.100.1"

$A $add t1 dev ac0 $ok_args id 5
check_error "a tunnel with this name already exists on the device" \
	$A $add t1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.2
check_error "a tunnel with this id already exists on the device" \
	$A $add t2 dev ac0 $ok_args id 5
check_error 'device "nope" does not exist' $A $add t2 dev nope $ok_args
check_error "the device is not an actun device" $A $add t2 dev dummy0 $ok_args
check_error "IPv6 outer addresses are not supported: local and remote must be IPv4" \
	$A $add t2 dev ac0 mode gre local 2001:db8::1 remote 198.51.100.1
check_error "IPv6 outer addresses are not supported: local and remote must be IPv4" \
	$A $add t2 dev ac0 mode gre local 192.0.2.1 remote 2001:db8::2
check_error "mtu out of range (68-65511)" $A $add t2 dev ac0 $ok_args mtu 67
check_error "mtu out of range (68-65511)" $A $add t2 dev ac0 $ok_args mtu 65512
check_error "a key is only valid for gre tunnels" \
	$A $add t2 dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.1 key 1
check_error "tunnel id 0 is reserved" $A $add t2 dev ac0 $ok_args id 0
check_error "local address must be a unicast address" \
	$A $add t2 dev ac0 mode gre local 224.0.0.1 remote 198.51.100.1
check_error "remote address must be a unicast address" \
	$A $add t2 dev ac0 mode gre local 192.0.2.1 remote 0.0.0.0
check_error "remote address must be a unicast address" \
	$A $add t2 dev ac0 mode gre local 192.0.2.1 remote 127.0.0.1
check_error "local and remote addresses must differ" \
	$A $add t2 dev ac0 mode gre local 192.0.2.1 remote 192.0.2.1
check_error "an IPv4 interface address must be a /30 or /31" \
	$A $add t2 dev ac0 $ok_args address 10.0.0.1/24
check_error "a /30 interface address must not be the network or broadcast address" \
	$A $add t2 dev ac0 $ok_args address 10.0.0.3/30
check_error "an IPv6 interface address must be a /126 or /127" \
	$A $add t2 dev ac0 $ok_args address 2001:db8::1/64
check_error "tunnel name is longer than 31 bytes" \
	$A $add "$(printf 'x%.0s' {1..32})" dev ac0 $ok_args
check_error "no tunnel with this name on the device" $A tunnel set nope dev ac0 mtu 1400
check_error "no tunnel with this name on the device" $A tunnel del nope dev ac0
check_error "mtu out of range (68-65511)" $A tunnel set t1 mtu 40000000
check_error "a key is only valid for gre tunnels" sh -c \
	"$A $add t3 dev ac0 mode ipsec local 192.0.2.1 remote 198.51.100.3 && $A tunnel set t3 key 9"

check_error "actun: the device is not an actun device" $A tunnel show dev dummy0

long31=$(printf 'n%.0s' {1..31})
$A $add "$long31" dev ac0 mode gre local 192.0.2.1 remote 198.51.100.31
check_error "tunnel name is longer than 31 bytes" $A tunnel del "${long31}xyz" dev ac0
check_error "tunnel name is longer than 31 bytes" $A tunnel set "${long31}xyz" dev ac0 mtu 1300
check "a longer name did not act on the tunnel named by its prefix" \
	$A tunnel del "$long31" dev ac0

# A refused change leaves the tunnel as it was.
before=$($A -j tunnel show t1)
check_fails "set with one bad field" $A tunnel set t1 mtu 1300 address 10.0.0.0/24
check_eq "t1 unchanged after the refused set" "$before" "$($A -j tunnel show t1)"
check_eq "refused adds left no tunnel behind and used up no id" "t3:1 t1:5" \
	"$($A -j tunnel show | jq -r 'map("\(.name):\(.id)") | join(" ")')"

# GRE receive tells tunnels apart by (local, remote, key) across all the
# devices of a namespace.
ip -n e link add ac1 type actun
check_error "another gre tunnel in this network namespace has the same local, remote and key" \
	$A $add dup dev ac1 $ok_args
check "the same endpoints with a key of their own" $A $add keyed dev ac1 $ok_args key 7
$A $add t4 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.4
check_error "another gre tunnel in this network namespace has the same local, remote and key" \
	$A tunnel set t4 remote 198.51.100.1 key 7
check_eq "the refused set left t4 as it was" "198.51.100.4 null" \
	"$($A -j tunnel show t4 | jq -r '.[0] | "\(.remote) \(.key)"')"
check "an ipsec tunnel may share gre's endpoints" \
	$A $add ip1 dev ac1 mode ipsec local 192.0.2.1 remote 198.51.100.1
finish
