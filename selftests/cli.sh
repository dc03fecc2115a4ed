#!/bin/bash
# acctl as a command line tool: help, usage errors in iproute2's words,
# JSON escaping, -n, and the message when the module is absent.
source "$(dirname "$0")/lib/common.sh"

begin "acctl command line"
ensure_module
ns_add c
A="acctl -n c"
ip -n c link add ac0 type actun

check "acctl --help exits 0" acctl --help
check "acctl tunnel help lists add" sh -c 'acctl tunnel help | grep -q "acctl tunnel add NAME dev DEV"'
check_error 'Object "bogus" is unknown, try "acctl help".' acctl bogus
check_error 'Command "bogus" is unknown' acctl tunnel bogus
check_error 'Error: argument "foo" is wrong: mode must be "gre" or "ipsec"' \
	$A tunnel add x dev ac0 mode foo local 192.0.2.1 remote 198.51.100.1
check_error 'Error: argument "1.2.3" is wrong' \
	$A tunnel add x dev ac0 mode gre local 1.2.3 remote 198.51.100.1
check_error 'Error: argument "256" is wrong' \
	$A tunnel add x dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 ttl 256
check_error 'Error: argument "12x" is wrong' \
	$A tunnel add x dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 key 12x
check_error 'Error: argument "4294967296" is wrong' \
	$A tunnel add x dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 mtu 4294967296
check_error 'duplicate' \
	$A tunnel add x dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 mtu 1 mtu 2
check_error 'Error: device "nope" does not exist.' \
	$A tunnel add x dev nope mode gre local 192.0.2.1 remote 198.51.100.1
check_error 'Error: cannot open network namespace "no-such-ns": No such file or directory.' acctl -n no-such-ns tunnel show
check_eq "nothing was created by the refused commands" "[]" "$($A -j tunnel show | jq -c .)"

check "dotted-quad key" $A tunnel add k dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 key 0.0.1.2
check_eq "dotted-quad key is 258" 258 "$($A -j tunnel show k | jq '.[0].key')"
check "a name that needs JSON escaping" \
	$A tunnel add 'q"\x' dev ac0 mode gre local 192.0.2.1 remote 198.51.100.2
check_eq "JSON escapes it and reads back the same" 'q"\x' \
	"$($A -j tunnel show 'q"\x' | jq -r '.[0].name')"
check_eq "-n keeps the initial namespace apart" "[]" "$(acctl -j tunnel show | jq -c .)"
check_eq "-j -p pretty-prints" 2 "$($A -j -p tunnel show k | grep -c '^        "\(name\|id\)"')"

rmmod actun
check_error 'the actun module is not loaded (generic netlink family "actun" not found)' \
	acctl tunnel show
ensure_module
finish
