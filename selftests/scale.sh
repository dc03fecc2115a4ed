#!/bin/bash
# Many tunnels on one device (100k under make check-full, 20k under make
# check): installed with one acctl batch, dumped back whole across many
# netlink messages, looked up by name, and freed on device deletion.
# timeout: 1800
source "$(dirname "$0")/lib/common.sh"

scale_set NT tunnels 100000 20000
# The gen_tunnels encoding of tunnel i: remote 10.(i/65536).(i/256).(i%256).
remote_of() { echo "10.$(($1 / 65536 % 256)).$(($1 / 256 % 256)).$(($1 % 256))"; }

begin "$NT tunnels"
ensure_module
base=$(slab_active actun_tunnel)
ns_add s
ip -n s link add ac0 type actun
gen_tunnels ac0 "$NT" >/tmp/scale.batch
check "install $NT tunnels in one batch" acctl -n s -b /tmp/scale.batch
check_eq "$NT tunnel objects live" $((base + NT)) "$(slab_active actun_tunnel)"
acctl -n s -j tunnel show >/tmp/scale.json
check_eq "the dump returns all $NT, each once" "$NT $NT" \
	"$(jq '[length, (map(.id) | unique | length)] | map(tostring) | join(" ")' -r /tmp/scale.json)"
check_eq "last tunnel as configured" "t$NT $(remote_of "$NT") $NT" \
	"$(jq -r '.[-1] | "\(.name) \(.remote) \(.key)"' /tmp/scale.json)"
check_eq "text dump has $NT lines" "$NT" "$(acctl -n s tunnel show | wc -l)"
check "lookup by name among $NT" acctl -n s tunnel show "t$((NT * 54321 / 100000))"
check "delete the device with $NT tunnels" ip -n s link del ac0
check "all freed" settle_rcu actun_tunnel "$base"
rm -f /tmp/scale.batch /tmp/scale.json
finish
