#!/bin/bash
# The netlink contract: Documentation/netlink/specs/actun.yaml names every
# command, attribute, enum and constant of uapi/linux/actun.h with the same
# numbers, and the files tools/netlink-gen.py writes from it (the kernel's
# policies and operations, libactun's attribute tables) are what the spec
# gives now (tools/check-spec.py).
# timeout: 120
source "$(dirname "$0")/lib/common.sh"

begin "netlink spec matches the uapi header and the generated code"
check "actun.yaml agrees with actun.h and the generated files" "$ACTUN_REPO/tools/check-spec.py"
finish
