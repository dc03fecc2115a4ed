#!/bin/bash
# acctl -b: one process, stops at the first failing line and names it;
# the lines before it stay applied.
source "$(dirname "$0")/lib/common.sh"

begin "acctl batch mode"
ensure_module
ns_add b
ip -n b link add ac0 type actun
cat >/tmp/b.batch <<'EOB'
# two good lines, then a duplicate
tunnel add b1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1

tunnel add b2 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.2
tunnel add b1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.3
tunnel add b4 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.4
EOB
check_error "Command failed /tmp/b.batch:5" acctl -n b -b /tmp/b.batch
check_error "a tunnel with this name already exists on the device" \
	acctl -n b -b /tmp/b.batch
check_eq "lines before the failure applied, none after" "b1 b2" \
	"$(acctl -n b -j tunnel show | jq -r 'map(.name) | join(" ")')"

# The issue's own case: lines 1-2 good, line 3 fails.
cat >/tmp/c.batch <<'EOB'
tunnel add c1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.11
tunnel add c2 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.12
tunnel add c3 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.13 mtu 10
tunnel add c4 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.14
EOB
check_error "Command failed /tmp/c.batch:3" acctl -n b -b /tmp/c.batch
check_eq "lines 1-2 applied, 4 not" "c1 c2" \
	"$(acctl -n b -j tunnel show | jq -r 'map(select(.name | startswith("c")) | .name) | join(" ")')"

printf 'tunnel add s1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.5\ntunnel show s1\n' >/tmp/s.batch
check_eq "batch from stdin, output from show" "s1" \
	"$(acctl -n b -j -b - </tmp/s.batch | jq -r '.[0].name')"
printf 'tunnel add x1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.6\nbogus\n' >/tmp/x.batch
check_error "Command failed /tmp/x.batch:2" acctl -n b -b /tmp/x.batch
check_eq "parse errors stop the batch too, after applying line 1" "x1" \
	"$(acctl -n b -j tunnel show x1 | jq -r '.[0].name')"
finish
