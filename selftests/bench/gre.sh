#!/bin/bash
# Benchmark of the GRE data plane. Prints a table; asserts nothing about
# speed. Run it in the VM with two vCPUs:
#
#   make && selftests/vm-run --smp 2 -- selftests/bench/gre.sh
#
# Each case is built afresh as client -- edge -- customer router -- origin
# (one namespace each, veth links) and measured with iperf3 from the client
# to the origin: TCP Mbit/s (-t 5) and UDP packets/s of 64-byte datagrams
# (-u -l 64 -b 0, the receiver's rate), each the median of 3 runs.
#
#   routing      plain IPv4 forwarding, no tunnel (the ceiling)
#   ipgre        Linux ip_gre on the edge and on the customer router
#   actun        actun GRE, one tunnel and one route
#   actun-scale  actun GRE with 100k tunnels and 1M routes installed (acctl -b)
#
# Knobs (environment; vm-run passes ACTUN_* through): ACTUN_BENCH_CASES,
# ACTUN_BENCH_TIME (5), ACTUN_BENCH_RUNS (3), ACTUN_BENCH_TUNNELS (100000),
# ACTUN_BENCH_ROUTES (1000000). Under TCG the absolute numbers mean little;
# the ratios between cases are what to compare.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/topology.sh"

CASES=${ACTUN_BENCH_CASES:-routing ipgre actun actun-scale}
T=${ACTUN_BENCH_TIME:-5}
RUNS=${ACTUN_BENCH_RUNS:-3}
TUNNELS=${ACTUN_BENCH_TUNNELS:-100000}
ROUTES=${ACTUN_BENCH_ROUTES:-1000000}
declare -A TCP UDP NAME=(
	[routing]="no tunnel (routing)"
	[ipgre]="Linux ip_gre"
	[actun]="actun gre, 1 tunnel"
	[actun-scale]="actun gre, ${TUNNELS} tunnels, ${ROUTES} routes"
)
say() { echo "## $*" >&2; }

# scale_batch: acctl batch lines for TUNNELS-1 more tunnels (distinct
# remotes in 10.0.0.0/8) and ROUTES /24 routes from 1.0.0.0 up, spread over
# them; none covers the benchmark's own traffic.
scale_batch() {
	awk -v nt="$TUNNELS" -v nr="$ROUTES" 'BEGIN {
		for (i = 2; i <= nt; i++)
			printf "tunnel add t%d dev ac0 mode gre local 192.0.2.1 remote 10.%d.%d.%d key %d\n",
				i, int(i / 65536) % 256, int(i / 256) % 256, i % 256, i
		for (i = 0; i < nr; i++)
			printf "route add %d.%d.%d.0/24 tunnel t%d\n", 1 + int(i / 65536),
				int(i / 256) % 256, i % 256, 2 + i % (nt - 1)
	}'
}

# build CASE: the four namespaces and the edge's forwarding for CASE.
build() {
	local ns
	for ns in bclient bedge bcust borigin; do
		topo_ns $ns
	done
	topo_link bclient eth0 198.18.0.10/24 bedge down0 198.18.0.1/24
	topo_link bedge up0 198.51.100.254/24 bcust wan0 198.51.100.1/24
	topo_link bcust lan0 203.0.113.1/24 borigin eth0 203.0.113.100/24
	ip -n bclient route add default via 198.18.0.1
	ip -n borigin route add default via 203.0.113.1
	ip -n bedge addr add 192.0.2.1/32 dev lo
	ip -n bcust route add 192.0.2.1/32 via 198.51.100.254
	if [[ $1 == routing ]]; then
		ip -n bedge route add 203.0.113.0/24 via 198.51.100.1
		ip -n bcust route add 198.18.0.0/24 via 198.51.100.254
		return
	fi
	ip -n bcust link add gre1 type gre local 198.51.100.1 remote 192.0.2.1 ttl 64
	ip -n bcust link set gre1 up
	ip -n bcust route add 198.18.0.0/24 dev gre1
	if [[ $1 == ipgre ]]; then
		ip -n bedge link add gre1 type gre local 192.0.2.1 remote 198.51.100.1 ttl 64
		ip -n bedge link set gre1 up
		ip -n bedge route add 203.0.113.0/24 dev gre1
		return
	fi
	ip -n bedge link add ac0 type actun
	ip -n bedge link set ac0 up
	acctl -n bedge tunnel add cust dev ac0 mode gre local 192.0.2.1 remote 198.51.100.1 ttl 64 &&
		acctl -n bedge route add 203.0.113.0/24 tunnel cust &&
		ip -n bedge route add 203.0.113.0/24 dev ac0 || return
	if [[ $1 == actun-scale ]]; then
		local t0=$SECONDS
		scale_batch >"$TOPO_CAP/scale.batch"
		acctl -n bedge -b "$TOPO_CAP/scale.batch" || return
		rm -f "$TOPO_CAP/scale.batch"
		INSTALL="installed $((TUNNELS - 1)) tunnels and $ROUTES routes in $((SECONDS - t0)) s"
		say "$INSTALL"
	fi
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }

# iperf MODE: one run; prints Mbit/s (tcp) or received packets/s (udp).
iperf() {
	local args=(-c 203.0.113.100 -t "$T" -J --connect-timeout 3000)
	if [[ $1 == tcp ]]; then
		on bclient iperf3 "${args[@]}" | jq -e '.end.sum_received.bits_per_second / 1e6 | floor'
	else
		on bclient iperf3 "${args[@]}" -u -l 64 -b 0 |
			jq -e '.end.sum_received | (.packets - .lost_packets) / .seconds | floor'
	fi
}

measure() {
	local c=$1 mode i v vals
	if ! build "$c" || ! on bclient ping -c 2 -i 0.2 -W 2 203.0.113.100 >/dev/null; then
		say "$c: the client cannot reach the origin; skipped"
		return
	fi
	topo_bg borigin iperf3 -s >/dev/null 2>&1
	wait_for 10 listening borigin 5201
	for mode in tcp udp; do
		vals=()
		for ((i = 1; i <= RUNS; i++)); do
			v=$(iperf "$mode") || { say "$c $mode run $i failed"; continue; }
			say "$c $mode run $i: $v"
			vals+=("$v")
		done
		((${#vals[@]})) || continue
		if [[ $mode == tcp ]]; then TCP[$c]=$(median "${vals[@]}"); else UDP[$c]=$(median "${vals[@]}"); fi
	done
	kill "$TOPO_PID"
	wait "$TOPO_PID" 2>/dev/null
}

ratio() { # NAME A B
	local a=$2 b=$3
	[[ -n ${TCP[$a]:-} && -n ${TCP[$b]:-} && -n ${UDP[$a]:-} && -n ${UDP[$b]:-} ]] || return 0
	awk -v n="$1" -v ta="${TCP[$a]}" -v tb="${TCP[$b]}" -v ua="${UDP[$a]}" -v ub="${UDP[$b]}" \
		'BEGIN { printf "%-40s %12.2f %16.2f\n", n, tb ? ta / tb : 0, ub ? ua / ub : 0 }'
}

ensure_module
INSTALL=
for c in $CASES; do
	say "case $c"
	measure "$c"
	for ns in bclient bedge bcust borigin; do
		ns_del $ns 2>/dev/null
	done
done

echo
echo "actun GRE benchmark: $(nproc) vCPUs, kernel $(uname -r), iperf3 -t $T, median of $RUNS"
[[ -n $INSTALL ]] && echo "actun-scale: $INSTALL"
printf '%-40s %12s %16s\n' case "TCP Mbit/s" "UDP 64 B pkt/s"
for c in $CASES; do
	printf '%-40s %12s %16s\n' "${NAME[$c]:-$c}" "${TCP[$c]:-n/a}" "${UDP[$c]:-n/a}"
done
echo
printf '%-40s %12s %16s\n' ratio TCP UDP
ratio "actun / ip_gre" actun ipgre
ratio "actun / no tunnel" actun routing
ratio "actun-scale / actun" actun-scale actun
ratio "ip_gre / no tunnel" ipgre routing
