#!/bin/bash
# The netlink contract: Documentation/netlink/specs/actun.yaml names every
# command, attribute, enum and constant of uapi/linux/actun.h with the same
# numbers (tools/check-spec.py).
# timeout: 120
source "$(dirname "$0")/lib/common.sh"

begin "netlink spec matches the uapi header"
check "actun.yaml agrees with actun.h" "$ACTUN_REPO/tools/check-spec.py"
finish
