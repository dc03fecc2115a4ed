#!/bin/bash
# timeout: 120
# budget: 5
# The fleet agent's unit tests (cmocka, built on the host by `make
# fleet`): sealing and opening records, the fleet key file's checks, the
# configuration file's refusals, record keys and content checks.
source "$(dirname "$0")/lib/common.sh"

begin "acfleetd unit tests"
for src in "$ACTUN_REPO"/tools/fleet/tests/test_*.c; do
	t=${src%.c}
	if [[ -x $t ]]; then
		check "$(basename "$t")" "$t"
	else
		check "$(basename "$t") is built (make fleet)" false
	fi
done
finish
