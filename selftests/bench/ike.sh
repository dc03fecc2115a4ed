#!/bin/bash
# Benchmark of IKE handshakes: IKE_SA_INIT + IKE_AUTH with one Child SA
# (PSK) per IKE SA, answered by acikd and, in the same run under the same
# load, by strongSwan's charon. Prints a table; asserts nothing about
# speed. Run it in the VM with two vCPUs:
#
#   make && selftests/vm-run --smp 2 --mem 3072 -- selftests/bench/ike.sh
#
# The load generator is acikd itself: one daemon in namespace bgen with N
# connections marked "initiate", all to the responder in bresp, which
# starts them at once. The responder's cost is read from the kernel, not
# from the clock: handshakes per CPU second = N / (utime + stime the
# responder process used while the N IKE SAs came up), which is the rate
# one core sustains and does not depend on how fast the generator is.
# Memory per IKE SA = the responder's RSS growth / N.
#
# The responder's floor is its two Diffie-Hellman operations per handshake
# (a key pair and the shared secret): "openssl speed" for the group, run
# in the same VM, gives that limit (op/s / 2), and the table prints the
# ratio of the measured rate to it.
#
# Neither responder asks for cookies (both thresholds set out of reach), and
# charon keeps every IKE SA of the generator's one identity (unique = never).
#
# Guest CPU time is only honest on a quiet host: under TCG, time the host
# takes the vCPU away is charged to whatever the guest was running. Run it
# alone.
#
# Responders: acikd (a fresh key pair per IKE SA), acikd-reuse (dh-reuse =
# 10: one key pair per group for 10 s, RFC 7296 2.12), acikd-w2 (workers =
# 2: two worker processes behind one address, tools/acikd/workers.h) and
# charon (threads). A responder's CPU time is that of all its processes;
# for acikd-w2 the table also prints how that CPU time was split between
# the workers (percent). Handshakes per wall-clock second are printed too, but the
# generator shares the VM's two vCPUs: with one acikd worker the
# responder has a core to itself, with two they and the generator
# compete, so the wall-clock ratio shows the VM, not the scaling; the
# per-CPU-second rate staying the same is what says the workers add no
# cost of their own.
#
# Knobs (environment; vm-run passes ACTUN_* through): ACTUN_BENCH_IKE_N
# (100 IKE SAs per case), ACTUN_BENCH_IKE_GROUPS ("ecp384 modp2048"),
# ACTUN_BENCH_IKE_RESPONDERS ("acikd acikd-reuse charon"). Under TCG the absolute
# numbers mean little; the ratios are what to compare.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/strongswan.sh"

N=${ACTUN_BENCH_IKE_N:-100}
((N >= 1 && N <= 240)) || { echo "ACTUN_BENCH_IKE_N must be 1..240" >&2; exit 2; }
GROUPS_=${ACTUN_BENCH_IKE_GROUPS:-ecp384 modp2048}
RESPONDERS=${ACTUN_BENCH_IKE_RESPONDERS:-acikd acikd-reuse acikd-w2 charon}
ACIKD=$ACTUN_REPO/tools/acikd/acikd
PSK="acikd benchmark pass phrase"
W=$(mktemp -d)
say() { echo "## $*" >&2; }

declare -A RATE MEM SPEED WALL SPLIT

# The namespaces, the link and an actun ipsec tunnel on each side.
build() {
	local ns i
	for ns in bgen bresp; do
		ip netns add $ns
		ip -n $ns link set lo up
		ip -n $ns link add ac0 type actun
		ip -n $ns link set ac0 up
	done
	ip link add vg netns bgen type veth peer name vr netns bresp
	ip -n bgen addr add 192.0.2.2/24 dev vg && ip -n bgen link set vg up
	for ((i = 1; i <= N; i++)); do
		ip -n bgen addr add "$(gen_addr "$i")/24" dev vg || return
	done
	ip -n bresp addr add 192.0.2.1/24 dev vr && ip -n bresp link set vr up
	acctl -n bresp tunnel add c1 dev ac0 mode ipsec local 192.0.2.1 remote 192.0.2.2 &&
		acctl -n bgen tunnel add e1 dev ac0 mode ipsec local 192.0.2.2 remote 192.0.2.1
}

teardown() {
	local i
	ss_stop
	pkill -x acikd
	for i in $(seq 50); do	# the next case binds the same ports
		pgrep -x acikd >/dev/null || break
		sleep 0.2
	done
	ip netns del bgen 2>/dev/null
	ip netns del bresp 2>/dev/null
}

# conn NAME LOCAL REMOTE GROUP TUNNEL LOCAL_TS REMOTE_TS [initiate]
# (FQDN IDs: an address ID would have to be unique per address pair)
conn() {
	local me=resp peer=gen
	[[ -n ${8:-} ]] && me=gen peer=resp
	cat <<EOC
    $1 {
        local_addrs = $2
        remote_addrs = $3
        local { id = $me.bench.example }
        remote { id = $peer.bench.example }
        psk = "$PSK"
        proposals = aes256gcm16-prfsha384-$4
        esp_proposals = aes256gcm16
        local_ts = $6
        remote_ts = $7
        actun { dev = ac0  tunnel = $5 }
        ${8:+initiate = yes}
    }
EOC
}

# The generator's connections differ by their local address only (one
# peer could not otherwise tell them apart: acikd refuses such a file).
gen_addr() { echo "192.0.2.$((9 + $1))"; }
generator_conf() {
	local i
	echo "connections {"
	for ((i = 1; i <= N; i++)); do
		conn "g$i" "$(gen_addr "$i")" 192.0.2.1 "$1" e1 10.2.0.0/24 10.1.0.0/24 yes
	done
	echo "}"
}

# The responder's connection for charon, like acikd's "r1".
charon_conf() {
	cat >"$W/swanctl.conf" <<EOC
connections {
	bench {
		local_addrs = 192.0.2.1
		remote_addrs = %any
		# the generator's IKE SAs share one identity: keep them all
		unique = never
		proposals = aes256gcm16-prfsha384-$1
		local {
			auth = psk
			id = resp.bench.example
		}
		remote {
			auth = psk
			id = gen.bench.example
		}
		children {
			bench {
				local_ts = 10.1.0.0/24
				remote_ts = 10.2.0.0/24
				esp_proposals = aes256gcm16
			}
		}
	}
}
secrets {
	ike-bench {
		id-1 = resp.bench.example
		id-2 = gen.bench.example
		secret = "$PSK"
	}
}
EOC
}

# The responder's CPU time in clock ticks and its RSS in kB, summed over
# the process and its children (acikd's workers).
procs() { echo "$1" $(pgrep -P "$1"); }
cpu_ticks() { local p; for p in $(procs "$1"); do cat "/proc/$p/stat"; done | awk '{ t += $14 + $15 } END { print t }'; }
sys_ticks() { local p; for p in $(procs "$1"); do cat "/proc/$p/stat"; done | awk '{ t += $15 } END { print t }'; }
rss_kb() { local p; for p in $(procs "$1"); do cat "/proc/$p/status"; done | awk '/^VmRSS:/ { t += $2 } END { print t }'; }
now_ms() { date +%s%3N; }
# Each worker's CPU ticks, and how the work was split: "A/B" percent of
# the ticks the workers used since CHILD_TICKS_BEFORE.
child_ticks() { local p; for p in $(pgrep -P "$1"); do awk '{ print $14 + $15 }' "/proc/$p/stat"; done | paste -sd' '; }
worker_split() { # PID CHILD_TICKS_BEFORE
	paste <(echo "$2" | tr ' ' '\n') <(child_ticks "$1" | tr ' ' '\n') |
		awk '{ d[NR] = $2 - $1; t += d[NR] } END { for (i = 1; i <= NR; i++) printf "%s%d", (i > 1 ? "/" : ""), t ? 100 * d[i] / t : 0 }'
}

# The generator's established IKE SAs.
established() {
	acctl -n bgen -j ike show 2>/dev/null |
		jq '[.[] | select(.state == "established")] | length' 2>/dev/null || echo 0
}

RESP_PID=
start_responder() { # RESPONDER GROUP: sets RESP_PID
	local i
	if [[ $1 == acikd* ]]; then
		# no cookies in either responder: the load is not an attack;
		# acikd-reuse: one key pair per group for 10 s (dh-reuse)
		{ echo "acikd { cookie-threshold = 1000000"
		  [[ $1 == acikd-reuse ]] && echo "dh-reuse = 10"
		  [[ $1 == acikd-w2 ]] && echo "workers = 2"
		  echo "}"; echo "connections {"
		  conn r1 192.0.2.1 %any "$2" c1 10.1.0.0/24 10.2.0.0/24; echo "}"; } >"$W/resp.conf"
		ip netns exec bresp "$ACIKD" -f -c "$W/resp.conf" -n bresp >/dev/null 2>"$W/resp.log" &
		RESP_PID=$!
		for i in $(seq 50); do
			ip netns exec bresp ss -Hlun 'sport = :500' | grep -q . && break
			sleep 0.1
		done
	else
		ss_init "$W" "    cookie_threshold = 1000000"
		charon_conf "$2"
		ss_start bresp || return
		RESP_PID=$SS_PID
		sw bresp --load-all --file "$W/swanctl.conf" --noprompt >/dev/null ||
			say "swanctl could not load the responder's configuration"
	fi
}

measure() { # RESPONDER GROUP
	local pid t0 s0 m0 t1 s1 m1 n=0 i hz w0 w1 c0
	build || { say "$1 $2: topology failed"; return; }
	start_responder "$1" "$2" || { teardown; return; }
	pid=$RESP_PID
	sleep 1
	t0=$(cpu_ticks "$pid") s0=$(sys_ticks "$pid") m0=$(rss_kb "$pid")
	c0=$(child_ticks "$pid")
	generator_conf "$2" >"$W/gen.conf"
	w0=$(now_ms)
	ip netns exec bgen "$ACIKD" -f -c "$W/gen.conf" -n bgen >/dev/null 2>"$W/gen.log" &
	for i in $(seq $((120 + 2 * N))); do
		n=$(established)
		((n >= N)) && break
		sleep 0.5
	done
	w1=$(now_ms)
	t1=$(cpu_ticks "$pid") s1=$(sys_ticks "$pid") m1=$(rss_kb "$pid")
	[[ $1 == acikd-w2 ]] && SPLIT[$1/$2]=$(worker_split "$pid" "$c0")
	hz=$(getconf CLK_TCK)
	say "$1 $2: $n of $N IKE SAs established; responder used $(((t1 - t0) * 1000 / hz)) ms CPU ($(((s1 - s0) * 1000 / hz)) ms of it in the kernel), RSS $m0 -> $m1 kB"
	if ((n == N && t1 > t0)); then
		RATE[$1/$2]=$(awk -v n="$N" -v t=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.1f", n * hz / t }')
		MEM[$1/$2]=$(awk -v n="$N" -v d=$((m1 - m0)) 'BEGIN { printf "%.1f", d / n }')
		WALL[$1/$2]=$(awk -v n="$N" -v ms=$((w1 - w0)) 'BEGIN { printf "%.1f", n * 1000 / ms }')
	else
		sed 's/^/  gen | /' "$W/gen.log" | tail -n 20 >&2
		[[ -f $W/resp.log ]] && sed 's/^/  resp | /' "$W/resp.log" | tail -n 20 >&2
		[[ -f $W/charon.log ]] && sed 's/^/  charon | /' "$W/charon.log" | tail -n 20 >&2
	fi
	teardown
}

openssl_speed() { # GROUP: DH operations per second
	local alg
	case $1 in
	ecp384) alg=ecdhp384 ;;
	modp2048) alg=ffdh2048 ;;
	modp1536) alg=ffdh2048 ;;	# no ffdh1536 in openssl speed
	esac
	openssl speed -seconds 3 "$alg" 2>/dev/null | awk 'END { print $NF }'
}

ensure_module
for g in $GROUPS_; do
	SPEED[$g]=$(openssl_speed "$g")
	say "openssl speed, $g: ${SPEED[$g]} op/s"
	for r in $RESPONDERS; do
		say "case $r $g"
		measure "$r" "$g"
	done
done

echo
echo "IKE handshakes (IKE_SA_INIT + IKE_AUTH + 1 Child SA, PSK), $N per case, responder CPU time"
printf '%-11s %-9s %10s %9s %9s %10s %10s %8s\n' responder group "per CPU-s" "DH limit" \
	"of limit" "kB per SA" "per wall-s" split
for g in $GROUPS_; do
	lim=$(awk -v s="${SPEED[$g]:-0}" 'BEGIN { printf "%.1f", s / 2 }')
	for r in $RESPONDERS; do
		rate=${RATE[$r/$g]:-}
		if [[ -z $rate ]]; then
			printf '%-11s %-9s %10s\n' "$r" "$g" failed
			continue
		fi
		printf '%-11s %-9s %10s %9s %9s %10s %10s %8s\n' "$r" "$g" "$rate" "$lim" \
			"$(awk -v a="$rate" -v b="$lim" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" \
			"${MEM[$r/$g]}" "${WALL[$r/$g]}" "${SPLIT[$r/$g]:--}"
	done
	ratio() { # NAME A B
		[[ -n ${RATE[$2/$g]:-} && -n ${RATE[$3/$g]:-} ]] || return 0
		printf '%-27s %8s per CPU-s %8s per wall-s\n' "$1 $g" \
			"$(awk -v a="${RATE[$2/$g]}" -v b="${RATE[$3/$g]}" 'BEGIN { printf "%.2f", a / b }')" \
			"$(awk -v a="${WALL[$2/$g]}" -v b="${WALL[$3/$g]}" 'BEGIN { printf "%.2f", a / b }')"
	}
	ratio acikd/charon acikd charon
	ratio acikd-reuse/charon acikd-reuse charon
	ratio acikd-w2/acikd acikd-w2 acikd
done
rm -rf "$W"
