# SPDX-License-Identifier: GPL-2.0
# Shared helpers for actun's shell tests; source it, then call the helpers.
#
# Each test script prints nested KTAP: one "ok N - what" or "not ok N - what"
# per check, and exits non-zero when any check failed. Commands are echoed
# before they run (as WireGuard's netns.sh does) so a failure log reads as a
# transcript.

set -uo pipefail

ACTUN_REPO=${ACTUN_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PATH=$ACTUN_REPO/tools/acctl:$PATH

_checks=0
_failures=0
_namespaces=()

# Run a command, showing it; its output goes to the log.
run() {
	echo "+ $*"
	"$@"
}

_result() {
	local ok=$1; shift
	_checks=$((_checks + 1))
	if ((ok)); then
		echo "ok $_checks - $*"
	else
		_failures=$((_failures + 1))
		echo "not ok $_checks - $*"
	fi
}

# check DESCRIPTION CMD...: CMD must succeed.
check() {
	local what=$1; shift
	local out
	if out=$("$@" 2>&1); then
		_result 1 "$what"
	else
		printf '  + %s\n' "$*"
		sed 's/^/  | /' <<<"$out"
		_result 0 "$what"
	fi
}

# check_fails DESCRIPTION CMD...: CMD must fail.
check_fails() {
	local what=$1; shift
	local out
	if out=$("$@" 2>&1); then
		printf '  + %s (succeeded, should have failed)\n' "$*"
		sed 's/^/  | /' <<<"$out"
		_result 0 "$what"
	else
		_result 1 "$what"
	fi
}

# check_error TEXT CMD...: CMD must fail and print TEXT (fixed string) on
# stderr; TEXT is also the check's description.
check_error() {
	local text=$1; shift
	local err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	if ((rc != 0)) && grep -qF -- "$text" <<<"$err"; then
		_result 1 "error: $text"
	else
		printf '  + %s (exit %d)\n' "$*" "$rc"
		sed 's/^/  | /' <<<"$err"
		_result 0 "error: $text"
	fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [[ $2 == "$3" ]]; then
		_result 1 "$1"
	else
		printf '  expected: %s\n  actual:   %s\n' "$2" "$3"
		_result 0 "$1"
	fi
}

# ns_add NAME: a namespace removed again when the test exits.
ns_add() {
	ip netns add "$1" && _namespaces+=("$1")
	ip -n "$1" link set lo up
}

ns_del() {
	local ns=$1 i
	ip netns del "$ns"
	for i in "${!_namespaces[@]}"; do
		[[ ${_namespaces[$i]} == "$ns" ]] && unset '_namespaces[i]'
	done
	return 0
}

_cleanup() {
	local ns
	for ns in "${_namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	ip link del ac0 2>/dev/null
	return 0
}
trap _cleanup EXIT

# Live objects of a slab cache (the VM boots with slab_nomerge, so actun's
# caches are not merged into others and their counts are exact).
slab_active() {
	awk -v c="$1" '$1 == c { print $2; found = 1 } END { if (!found) print 0 }' /proc/slabinfo
}

# Wait until the RCU callbacks queued so far have run and freed their objects.
settle_rcu() {
	local i
	for i in $(seq 50); do
		[[ $(slab_active "$1") == "${2:-0}" ]] && return 0
		sleep 0.2
	done
	return 1
}

# insmod_actun: load actun.ko and, first, the modules it needs.
insmod_actun() {
	local ko=${ACTUN_KO:-$ACTUN_REPO/kernel/actun.ko} dep
	for dep in $(modinfo -F depends "$ko" | tr , ' '); do
		modprobe "$dep" || return
	done
	insmod "$ko"
}

ensure_module() {
	[[ -d /sys/module/actun ]] || insmod_actun
}

# scale_set VAR WHAT FULL CHECK: sets VAR to FULL under `make check-full`
# (ACTUN_SCALE=full), to CHECK otherwise, and says in the log which. The
# scale tests take their object counts from it: make check runs them with
# counts that still fill several levels of every table and span many dump
# messages, make check-full with the counts the design promises (100k
# tunnels, 1M routes).
scale_set() {
	if [[ ${ACTUN_SCALE:-} == full ]]; then
		printf -v "$1" %s "$3"
		echo "# full scale: $3 $2"
	else
		printf -v "$1" %s "$4"
		echo "# make check scale: $4 $2 (make check-full runs $3)"
	fi
}

# Print a plan line first; call finish at the end.
begin() {
	echo "# $*"
}

finish() {
	echo "1..$_checks"
	echo "# $_checks checks, $_failures failed"
	((_failures == 0))
}

# gen_tunnels DEV COUNT [PREFIX [OFFSET]]: batch lines adding COUNT gre
# tunnels PREFIX1..PREFIXCOUNT; tunnel i gets remote and key from i+OFFSET,
# remotes in 10.0.0.0/8, so give each device of a namespace its own OFFSET
# (gre tunnels of a namespace may not share local, remote and key).
gen_tunnels() {
	local dev=$1 count=$2 prefix=${3:-t} offset=${4:-0}
	awk -v dev="$dev" -v n="$count" -v p="$prefix" -v o="$offset" 'BEGIN {
		for (i = 1; i <= n; i++) {
			k = i + o
			printf "tunnel add %s%d dev %s mode gre local 192.0.2.1 remote 10.%d.%d.%d key %d\n",
				p, i, dev, int(k / 65536) % 256, int(k / 256) % 256, k % 256, k
		}
	}'
}
