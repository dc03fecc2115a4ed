# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Fleet agents (acfleetd) on the edges of the reference topology, talking
# to the NATS cluster of lib/nats.sh. Source it after nats.sh.
#
#   fleet_conf EDGE [LINE...]  write EDGE's fleet.conf: the cluster's
#                              servers, name EDGE, lease $FLEET_LEASE, the
#                              fleet key $FLEET_KEY, and the LINEs
#                              ("server-ids = 3-3")
#   fleet_start EDGE           start acfleetd in EDGE (log: $NATS_DIR/EDGE.log,
#                              socket $NATS_DIR/EDGE.sock, status file
#                              $NATS_DIR/EDGE.status, FLEET_ARGS: more
#                              options); its pid is in FLEET_PID[EDGE]
#   fleet_status EDGE KEY      a value of EDGE's status file (acfleetd(8))
#   fleet_wait_ready EDGE [S]  wait until EDGE's agent says "ready 1"
#                              (acctl fleet wait)
#   fleet_kv ARGS...           tools/fleet/tests/fleet_kv on the cluster, from
#                              inet (dump BUCKET, get|put|del BUCKET KEY)
#   fleet_logs EDGE...         the end of each EDGE's agent log and status, and
#                              of its acikd log if there is one, into the
#                              test's log (for a test that failed)
#
# fleet_start and fleet_stop keep process ids in this shell: not under
# check (a subshell).
#   fleet_stop EDGE [SIGNAL]   stop it (SIGTERM: it releases its claim)
#   fleet_claim EDGE           "ID EPOCH LEFT_MS" of EDGE's kernel claim,
#                              "none" when it has none
#   fleet_wait_claim EDGE [S]  wait until EDGE holds a valid claim
#   fleet_wait_lapsed EDGE [S] wait until EDGE's claim is gone or ran out

ACFLEETD=$ACTUN_REPO/tools/fleet/acfleetd
FLEET_KV=$ACTUN_REPO/tools/fleet/tests/fleet_kv
FLEET_LEASE=${FLEET_LEASE:-3}
FLEET_KEY=$NATS_DIR/fleet.key
declare -A FLEET_PID

mkdir -p "$NATS_DIR"
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$FLEET_KEY" && echo >>"$FLEET_KEY")

fleet_conf() {
	local e=$1
	shift
	{
		echo "servers = $NATS_URLS"
		echo "name = $e"
		echo "lease = $FLEET_LEASE"
		echo "timeout = 1000"
		echo "key-file = $FLEET_KEY"
		printf '%s\n' "$@"
	} >"$NATS_DIR/$e.conf"
}

fleet_start() {
	local e=$1
	[[ -e $NATS_DIR/$e.conf ]] || fleet_conf "$e"
	ip netns exec "$e" "$ACFLEETD" -c "$NATS_DIR/$e.conf" ${FLEET_ARGS:-} \
		-s "$NATS_DIR/$e.sock" -S "$NATS_DIR/$e.status" \
		>>"$NATS_DIR/$e.log" 2>&1 &
	FLEET_PID[$e]=$!
	_topo_pids+=("$!")
}

fleet_stop() {
	kill -"${2:-TERM}" "${FLEET_PID[$1]}" 2>/dev/null
	wait "${FLEET_PID[$1]}" 2>/dev/null
	return 0
}

fleet_claim() {
	acctl -n "$1" -j fleet show |
		jq -r 'if .claimed then "\(.server_id) \(.epoch) \(.lease_left_ms)" else "none" end'
}

fleet_logs() {
	local e
	for e; do
		echo "# $e: acfleetd's log (end) and status"
		tail -n 25 "$NATS_DIR/$e.log" 2>/dev/null | sed 's/^/#   | /'
		tr '\n' ' ' <"$NATS_DIR/$e.status" 2>/dev/null | sed 's/^/#   | /'
		echo
		[[ -e $NATS_DIR/acikd-$e.log ]] || continue
		echo "# $e: acikd's log (end)"
		tail -n 15 "$NATS_DIR/acikd-$e.log" | sed 's/^/#   | /'
	done
}

_fleet_valid() {
	local c
	c=$(fleet_claim "$1")
	[[ $c != none && ${c##* } -gt 0 ]]
}

fleet_wait_claim() {
	wait_for "${2:-30}" _fleet_valid "$1"
}

fleet_wait_lapsed() {
	wait_for "${2:-30}" eval "! _fleet_valid $1"
}

fleet_status() {
	awk -v k="$2" '$1 == k { print $2 }' "$NATS_DIR/$1.status" 2>/dev/null
}

fleet_wait_ready() {
	acctl fleet wait status "$NATS_DIR/$1.status" timeout "${2:-30}"
}

fleet_kv() {
	ip netns exec inet "$FLEET_KV" "$NATS_URLS" "$@"
}
