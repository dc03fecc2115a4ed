#!/bin/bash
# A bounded libFuzzer session (60 s, ASan and UBSan) on acikd's IKEv2
# message parser, from the committed seed corpus; any crash, leak or
# sanitizer report fails it. ACTUN_FUZZ_SECONDS changes the duration.
# timeout: 600
# budget: 90
source "$(dirname "$0")/lib/common.sh"

begin "acikd message parser under libFuzzer"
fuzz=$ACTUN_REPO/tools/acikd/fuzz/fuzz_message
corpus=$ACTUN_REPO/tools/acikd/fuzz/corpus
work=$(mktemp -d)
check "the fuzz target is built (make acikd)" test -x "$fuzz"
check "the seed corpus is there" test -n "$(ls -A "$corpus")"
log=$work/fuzz.log
"$fuzz" -max_total_time="${ACTUN_FUZZ_SECONDS:-60}" -max_len=4096 \
	-artifact_prefix="$work/" "$work" "$corpus" >"$log" 2>&1
rc=$?
tail -n 5 "$log"
check_eq "no crash in ${ACTUN_FUZZ_SECONDS:-60} s" 0 "$rc"
check_eq "no crashing input saved" "" "$(cd "$work" && ls crash-* leak-* timeout-* 2>/dev/null)"
check "it ran (libFuzzer's final stats)" grep -q "Done [0-9]* runs" "$log"
rm -rf "$work"
finish
