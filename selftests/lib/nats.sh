# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# A NATS JetStream cluster for the fleet tests: nats-server processes
# (Debian's nats-server), each in its own namespace natsN linked to the
# data-centre router inet, so that the edges reach it the way a fleet's
# servers reach their store:
#
#   natsN 100.65.N.2/30 (client port 4222, cluster port 6222)
#     |
#   inet nN 100.65.N.1/30 ---- the edges (topo_edge), routed by inet
#
# Source it after common.sh and topology.sh and call topo_core first.
# nats_cluster N starts N nodes (3 for the fleet's 3 replicas) and sets
# NATS_URLS, the client URL list the agents take; nats_ready K says when
# node K sees a JetStream meta leader, i.e. when a replicated bucket can be
# created. Not under check: check runs its command in a subshell, which
# would keep the variables and process ids to itself.
# nats_stop K / nats_start K kill and restart node K with its store kept,
# as a crashed and recovered store node. Logs: $NATS_DIR/nK.log.

NATS_DIR=$_topo_tmp/nats
NATS_URLS=
_nats_nodes=0
declare -A _nats_pid

_nats_conf() {
	local k=$1 n=$2 i routes=()
	for ((i = 1; i <= n; i++)); do
		((i == k)) || routes+=("nats://100.65.$i.2:6222")
	done
	cat <<-EOF
	server_name: n$k
	listen: 100.65.$k.2:4222
	http: 100.65.$k.2:8222
	jetstream {
	  store_dir: "$NATS_DIR/n$k"
	  max_memory_store: 64MB
	  max_file_store: 512MB
	}
	cluster {
	  name: actun-fleet
	  listen: 100.65.$k.2:6222
	  routes: [ $(IFS=,; echo "${routes[*]}") ]
	}
	EOF
}

# nats_start K: start node K (its namespace and configuration exist).
nats_start() {
	local k=$1
	ip netns exec "nats$k" nats-server -c "$NATS_DIR/n$k.conf" \
		>>"$NATS_DIR/n$k.log" 2>&1 &
	_nats_pid[$k]=$!
	_topo_pids+=("$!")
}

# nats_stop K: kill node K at once (SIGKILL: no goodbye to its peers).
nats_stop() {
	local k=$1
	kill -9 "${_nats_pid[$k]}" 2>/dev/null
	wait "${_nats_pid[$k]}" 2>/dev/null
	return 0
}

# _nats_meta_leader K: node K's monitoring page names a JetStream meta
# leader (and K serves clients).
_nats_meta_leader() {
	ip netns exec "nats$1" python3 - "$1" <<-'EOF'
	import json, sys, urllib.request
	k = sys.argv[1]
	with urllib.request.urlopen(f"http://100.65.{k}.2:8222/jsz", timeout=2) as r:
	    jsz = json.load(r)
	sys.exit(0 if (jsz.get("meta_cluster") or {}).get("leader") else 1)
	EOF
}

# nats_ready K [SECONDS]: wait until node K reports a meta leader.
nats_ready() {
	wait_for "${2:-60}" _nats_meta_leader "$1"
}

# nats_cluster N: N nodes linked to inet, started.
nats_cluster() {
	local n=$1 k
	mkdir -p "$NATS_DIR"
	_nats_nodes=$n
	NATS_URLS=
	for ((k = 1; k <= n; k++)); do
		topo_ns "nats$k"
		topo_link inet "n$k" "100.65.$k.1/30" "nats$k" eth0 "100.65.$k.2/30"
		ip -n "nats$k" route add default via "100.65.$k.1"
		_nats_conf "$k" "$n" >"$NATS_DIR/n$k.conf"
		NATS_URLS+=${NATS_URLS:+,}nats://100.65.$k.2:4222
	done
	for ((k = 1; k <= n; k++)); do
		nats_start "$k"
	done
}
