#!/bin/bash
# Many IPv4 routes on one device (1M under make check-full, 100k under make
# check), spread over 1000 tunnels: installed with one acctl batch whose
# lines name the tunnel but not the device (acctl finds it in one tunnel
# dump for the whole batch; a dump per line would not finish in time),
# dumped back whole, and freed with the device.
# timeout: 1800
source "$(dirname "$0")/lib/common.sh"

scale_set NR routes 1000000 100000
PER=$((NR / 1000))	# routes per tunnel
# The prefix of route i (see the batch below).
prefix_of() { echo "$((16 + $1 / 65536)).$(($1 / 256 % 256)).$(($1 % 256)).0/24"; }

begin "$NR routes"
ensure_module
base=$(slab_active actun_route)
nbase=$(slab_active actun_route_node)
ns_add s
ip -n s link add ac0 type actun

# Route i: the /24 number i counted from 16.0.0.0, to tunnel c(i % 1000 + 1).
gen_tunnels ac0 1000 c >/tmp/routes.batch
awk -v nr="$NR" 'BEGIN {
	for (i = 0; i < nr; i++)
		printf "route add %d.%d.%d.0/24 tunnel c%d\n", 16 + int(i / 65536),
			int(i / 256) % 256, i % 256, i % 1000 + 1
}' >>/tmp/routes.batch
SECONDS=0
check "1000 tunnels and $NR routes in one batch, without dev" acctl -n s -b /tmp/routes.batch
echo "# batch: ${SECONDS}s"
rm -f /tmp/routes.batch
check_eq "$NR route objects live" $((base + NR)) "$(slab_active actun_route)"
echo "# trie nodes: $(($(slab_active actun_route_node) - nbase))"

SECONDS=0
acctl -n s route show dev ac0 >/tmp/routes.txt
echo "# text dump: ${SECONDS}s"
check_eq "the text dump has $NR lines" "$NR" "$(wc -l </tmp/routes.txt)"
check_eq "each route once" "$NR" "$(sort -u /tmp/routes.txt | wc -l)"
check_eq "the first route as configured" \
	"16.0.0.0/24 tunnel c1 dev ac0 priority 100 weight 1" "$(head -n 1 /tmp/routes.txt)"
check_eq "the last route as configured" \
	"$(prefix_of $((NR - 1))) tunnel c1000 dev ac0 priority 100 weight 1" "$(tail -n 1 /tmp/routes.txt)"
rm -f /tmp/routes.txt
# jq would need more memory than the VM has for a million objects: count.
check_eq "the JSON dump has $NR routes" "$NR" \
	"$(acctl -n s -j route show dev ac0 | grep -o '"prefixlen"' | wc -l)"
check_eq "one tunnel's routes among $NR" "$PER 16.2.0.0/24" \
	"$(acctl -n s -j route show tunnel c513 | jq -r '"\(length) \(.[0].prefix)/\(.[0].prefixlen)"')"

check "deleting a tunnel with $PER routes" acctl -n s tunnel del c7
check "its routes are freed" settle_rcu actun_route $((base + NR - PER))
check "deleting the device with $((NR - PER)) routes" ip -n s link del ac0
check "every route freed" settle_rcu actun_route "$base"
check "every trie node freed" settle_rcu actun_route_node "$nbase"
ns_del s
check "rmmod" rmmod actun
finish
