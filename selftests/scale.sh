#!/bin/bash
# 100k tunnels on one device: installed with one acctl batch, dumped back
# whole across many netlink messages, and freed on device deletion.
# timeout: 1800
source "$(dirname "$0")/lib/common.sh"

begin "100k tunnels"
ensure_module
base=$(slab_active actun_tunnel)
ns_add s
ip -n s link add ac0 type actun
gen_tunnels ac0 100000 >/tmp/100k.batch
check "install 100k tunnels in one batch" acctl -n s -b /tmp/100k.batch
check_eq "100k tunnel objects live" $((base + 100000)) "$(slab_active actun_tunnel)"
acctl -n s -j tunnel show >/tmp/100k.json
check_eq "the dump returns all 100k, each once" "100000 100000" \
	"$(jq '[length, (map(.id) | unique | length)] | map(tostring) | join(" ")' -r /tmp/100k.json)"
check_eq "last tunnel as configured" "t100000 10.1.134.160 100000" \
	"$(jq -r '.[-1] | "\(.name) \(.remote) \(.key)"' /tmp/100k.json)"
check_eq "text dump has 100k lines" 100000 "$(acctl -n s tunnel show | wc -l)"
check "lookup by name among 100k" acctl -n s tunnel show t54321
check "delete the device with 100k tunnels" ip -n s link del ac0
check "all freed" settle_rcu actun_tunnel "$base"
finish
