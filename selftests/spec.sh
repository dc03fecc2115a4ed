#!/bin/bash
# The netlink contract: Documentation/netlink/specs/actun.yaml names every
# command, attribute, enum and constant of uapi/linux/actun.h with the same
# numbers, and the files tools/netlink-gen.py writes from it (the kernel's
# policies and operations, libactun's attribute tables) are what the spec
# gives now (tools/check-spec.py). Then the checker is shown to catch a
# spec and a header that drift.
# timeout: 120
source "$(dirname "$0")/lib/common.sh"

spec=$ACTUN_REPO/Documentation/netlink/specs/actun.yaml
header=$ACTUN_REPO/uapi/linux/actun.h
tmp=$(mktemp -d)

begin "netlink spec matches the uapi header and the generated code"
check "actun.yaml agrees with actun.h and the generated files" "$ACTUN_REPO/tools/check-spec.py"

# allow-null's range 0..1 widened to 0..2 in the spec only
sed '/name: allow-null/,/doc:/s/max: 1$/max: 2/' "$spec" >"$tmp/actun.yaml"
check_error "kernel/netlink_gen.c is not what tools/netlink-gen.py makes of the spec" \
	"$ACTUN_REPO/tools/check-spec.py" "$tmp/actun.yaml"

# an attribute renamed in the header only
sed 's/ACTUN_TUNNEL_A_MSS,/ACTUN_TUNNEL_A_CLAMP,/' "$header" >"$tmp/actun.h"
check_error "check-spec: attribute-set tunnel: spec" \
	"$ACTUN_REPO/tools/check-spec.py" "$spec" "$tmp/actun.h"

rm -rf "$tmp"
finish
