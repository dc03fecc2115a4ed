#!/bin/bash
# Configuration needs CAP_NET_ADMIN in the user namespace that owns the
# network namespace (GENL_UNS_ADMIN_PERM).
source "$(dirname "$0")/lib/common.sh"

begin "permissions"
ensure_module
ip link add ac0 type actun
acctl tunnel add p1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1

nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
check_error "Operation not permitted" $nobody acctl tunnel show
check_error "Operation not permitted" \
	$nobody acctl tunnel add p2 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.2
check_error "Operation not permitted" $nobody acctl tunnel del p1 dev ac0
check_error "Operation not permitted" $nobody acctl monitor

# Root of a fresh user namespace has CAP_NET_ADMIN there, but not over the
# initial network namespace, which the initial user namespace owns.
check_error "Operation not permitted" unshare --user --map-root-user \
	acctl tunnel del p1 dev ac0
check_eq "p1 survived" p1 "$(acctl -j tunnel show | jq -r '.[0].name')"
# ...while it administers a network namespace its user namespace owns.
check "user namespace root configures its own network namespace" \
	unshare --user --map-root-user --net sh -c '
		ip link add ac0 type actun &&
		acctl tunnel add u1 dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 &&
		acctl -j tunnel show | grep -q u1'
finish
