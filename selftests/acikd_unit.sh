#!/bin/bash
# acikd's unit tests (cmocka, built on the host by `make acikd`): crypto
# known answers (prf, prf+, SKEYSEED, KEYMAT, DH, the Encrypted payload) and
# the message parser's bad-input cases. One check per test program; each
# program's own per-test lines are in the log.
# timeout: 300
source "$(dirname "$0")/lib/common.sh"

begin "acikd unit tests"
tests=()
for src in "$ACTUN_REPO"/tools/acikd/tests/test_*.c; do
	tests+=("${src%.c}")
done
for t in "${tests[@]}"; do
	if [[ -x $t ]]; then
		check "$(basename "$t")" "$t"
	else
		check "$(basename "$t") is built (make acikd)" false
	fi
done
finish
