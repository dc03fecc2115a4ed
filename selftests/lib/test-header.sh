# SPDX-License-Identifier: GPL-2.0
# test_header TEST KEY DEFAULT: the number N of a "# KEY: N" line in TEST's
# leading comment block (the lines starting with "#" before its first
# command), or DEFAULT. Keys read from there: "timeout" (seconds before
# lib/run-tests kills the test) and "budget" (seconds it is expected to
# take in make check; lib/run-tests reports a test over it, and
# selftests/check balances its VMs by it). Sourced by both.
test_header() {
	local v
	v=$(LC_ALL=C awk -v key="# $2: " '
		NR > 1 && !/^#/ { exit }
		index($0, key) == 1 && $3 ~ /^[0-9]+$/ { print $3; exit }' "$1" 2>/dev/null)
	echo "${v:-$3}"
}

# test_timeout TEST, test_budget TEST: the two headers with their defaults.
test_timeout() { test_header "$1" timeout 300; }
test_budget() { test_header "$1" budget 60; }
