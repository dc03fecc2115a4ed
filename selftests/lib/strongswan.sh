# strongSwan (charon 5.9 with swanctl over vici) as a peer in a network
# namespace, for tests, the demo and the IKE benchmark. Source it; then:
#
#   ss_init DIR [EXTRA [LOG]]
#                        write DIR/strongswan.conf and the directories
#                        swanctl reads; exports STRONGSWAN_CONF. EXTRA: more
#                        lines for the charon section (retransmit_tries =
#                        2, ...), LOG: more lines for its log file (knl = 2,
#                        ike_name = yes, ...)
#   ss_start NS          start charon in NS, wait for its vici socket; again
#                        after ss_stop for a restarted customer router
#   sw NS ARGS...        swanctl ARGS in NS, talking to that charon;
#                        SW_TIMEOUT=N sw ... gives up after N s (polls that
#                        must not hang on a busy charon)
#   ss_stop [SIGNAL]     stop charon (also from an EXIT trap); -KILL makes a
#                        customer that vanishes without a DELETE
#   ss_mark, ss_log      ss_log prints charon's log from the last ss_mark on
#   ss_secret NAME ID PSK
#                        print one entry of swanctl.conf's secrets section
#
# charon logs to DIR/charon.log (ike and cfg at level 2, the rest at 1):
# enough to see proposals, fragments, DPD and deletes when a test fails.
# Its standard output and error go to DIR/charon.out, every start's.
# Only one charon runs at a time (it keeps /run/charon.pid).

SS_CHARON=/usr/lib/ipsec/charon
SS_DIR=
SS_PID=
SS_MARK=

# ss_available: charon and swanctl are installed.
ss_available() { [[ -x $SS_CHARON ]] && command -v swanctl >/dev/null; }

ss_init() {
	SS_DIR=$1
	mkdir -p "$SS_DIR"/{x509,x509ca,x509ocsp,x509aa,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}
	cat >"$SS_DIR/strongswan.conf" <<EOC
charon {
    load = random nonce openssl pem pkcs1 x509 revocation constraints pubkey kdf gmp aes sha1 sha2 hmac gcm kernel-netlink socket-default vici
    install_routes = no
    install_virtual_ip = no
    filelog {
        charon {
            path = $SS_DIR/charon.log
            default = 1
            ike = 2
            cfg = 2
            flush_line = yes
            time_format = %T
${3:-}
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
    plugins {
        vici {
            socket = unix://$SS_DIR/charon.vici
        }
    }
${2:-}
}
swanctl {
    load = pem pkcs1 x509 revocation constraints pubkey openssl random
}
EOC
	export STRONGSWAN_CONF=$SS_DIR/strongswan.conf
	: >"$SS_DIR/charon.out"
}

ss_start() {
	local i
	rm -f /run/charon.pid "$SS_DIR/charon.vici"
	ip netns exec "$1" "$SS_CHARON" >>"$SS_DIR/charon.out" 2>&1 &
	SS_PID=$!
	for i in $(seq 100); do
		[[ -S $SS_DIR/charon.vici ]] && return 0
		sleep 0.1
	done
	echo "charon did not start:" >&2
	sed 's/^/  | /' "$SS_DIR/charon.out" >&2
	return 1
}

sw() {
	local ns=$1
	shift
	${SW_TIMEOUT:+timeout "$SW_TIMEOUT"} \
		ip netns exec "$ns" swanctl "$@" --uri "unix://$SS_DIR/charon.vici"
}

ss_stop() {
	[[ -n $SS_PID ]] || return 0
	kill "${1:--TERM}" "$SS_PID" 2>/dev/null
	wait "$SS_PID" 2>/dev/null
	SS_PID=
	rm -f /run/charon.pid
}

ss_mark() { SS_MARK=$(($(wc -l <"$SS_DIR/charon.log") + 1)); }
ss_log() { tail -n +"${SS_MARK:-1}" "$SS_DIR/charon.log"; }

ss_secret() {
	printf '    ike-%s {\n        id = %s\n        secret = "%s"\n    }\n' \
		"$1" "$2" "$3"
}
