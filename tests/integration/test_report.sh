#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflguard report: an events file summarised for the firewall's owner.
. "$(dirname "$0")/lib.sh"

ev=$RG_TMP/events.jsonl
# What the daemon writes for the note's fault, a same-segment C it refused
# to exempt, and one line of something else.
cat >"$ev" <<'EOF'
{"event":"flow","ts":"2026-11-25T12:00:00.123456Z","proto":"tcp","c":"10.0.30.2:27901","e_public":"64.100.0.10:7003","e_internal":"10.0.10.2:7003","e_sees":"64.100.0.10:4401","translated":true,"action":"would-exempt","reason":null,"community_id":"1:NMYLi8PGjwxwcxqB+EQ/PRG3NQI="}
{"event":"flow","ts":"2026-11-25T12:05:00.000001Z","proto":"tcp","c":"10.0.30.2:27955","e_public":"64.100.0.10:7003","e_internal":"10.0.10.2:7003","e_sees":"64.100.0.10:4467","translated":true,"action":"would-exempt","reason":null,"community_id":"1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=","fix":["add table ip reflguard"]}
{"event":"refused","ts":"2026-11-25T12:01:00.000000Z","proto":"tcp","c":"10.0.10.3:40001","e_public":"64.100.0.10:7003","e_internal":"10.0.10.2:7003","e_sees":"10.0.10.1:40001","translated":true,"action":"refused","reason":"same-segment","community_id":"1:AAAAAAAAAAAAAAAAAAAAAAAAAAA="}
Nov 25 12:02:00 fw reflguard[812]: not an event
EOF

"$REFLGUARD" report "$ev" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
sed 's/^/    /' "$RG_TMP/out"
check "report: exit 1 when flows were translated" test "$rc" -eq 1
check "report: nothing on stderr" test ! -s "$RG_TMP/err"
check "report: totals" grep -qx '3 flows from 2 Expressway-C, 3 translated.' "$RG_TMP/out"
check "report: the garbage line is counted" grep -q '^1 line skipped' "$RG_TMP/out"
check "report: one block per Expressway-C" test "$(grep -c '^Expressway-C ' "$RG_TMP/out")" -eq 2
check "report: which E the C reaches" grep -qx '  reaches      Expressway-E 64.100.0.10:7003 -> 10.0.10.2:7003 (tcp)' "$RG_TMP/out"
check "report: what E saw" grep -qx '  E saw        64.100.0.10:4401, 64.100.0.10:4467' "$RG_TMP/out"
check "report: first and last seen" sh -c "grep -qx '  first seen   2026-11-25T12:00:00.123456Z' '$RG_TMP/out' &&
	grep -qx '  last seen    2026-11-25T12:05:00.000001Z' '$RG_TMP/out'"
check "report: flow counts" grep -qx '  flows        2, 2 translated' "$RG_TMP/out"
check "report: the refusal and its reason" grep -qx '  refused      same-segment (1 flow)' "$RG_TMP/out"
check "report: same-segment gets the dual-NIC advice" grep -q 'The real fix is a dual-NIC' "$RG_TMP/out"
check "report: the nft element for C -> E" grep -qx '    add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }' "$RG_TMP/out"

# The recommended statements must load: check them against this kernel.
grep '^    add ' "$RG_TMP/out" | sed 's/^    //' >"$RG_TMP/fix.nft"
check "report: five nft statements" test "$(wc -l <"$RG_TMP/fix.nft")" -eq 5
if [ "$(id -u)" -eq 0 ]; then
	if ns=$(solo_ns); then
		check "report: nft accepts the fix (nft -c)" ip netns exec "$ns" nft -c -f "$RG_TMP/fix.nft"
	else
		not_ok "report: create a namespace"
	fi
else
	skip "report: nft -c of the fix: needs root"
fi

"$REFLGUARD" report --json "$ev" >"$RG_TMP/json"
check "report --json: exit 1" test $? -eq 1
check "report --json: one valid JSON object" valid_json "$RG_TMP/json"
check "report --json: counts" test "$(json_get "$RG_TMP/json" translated)/$(json_get "$RG_TMP/json" skipped)" = 3/1

"$REFLGUARD" report - <"$ev" >"$RG_TMP/stdin"
check "report -: reads the standard input" cmp -s "$RG_TMP/out" "$RG_TMP/stdin"

grep -v '"translated":true' "$ev" >"$RG_TMP/clean.jsonl"
cat >>"$RG_TMP/clean.jsonl" <<'EOF'
{"event":"flow","ts":"2026-11-25T13:00:00.000000Z","proto":"tcp","c":"10.0.31.3:5000","e_public":"64.100.0.10:7003","e_internal":"10.0.10.2:7003","e_sees":"10.0.31.3:5000","translated":false,"action":"none","reason":null,"community_id":"1:AAAAAAAAAAAAAAAAAAAAAAAAAAA="}
EOF
"$REFLGUARD" report "$RG_TMP/clean.jsonl" >"$RG_TMP/out"
check "report: exit 0 with only clean flows" test $? -eq 0
check "report: a clean C needs no fix" grep -q '  fix          none needed' "$RG_TMP/out"
check "report: E saw its real address" grep -qx '  E saw        its real address' "$RG_TMP/out"

: >"$RG_TMP/empty"
"$REFLGUARD" report "$RG_TMP/empty" >"$RG_TMP/out"
check "report: an empty file exits 0" test $? -eq 0
check "report: an empty file says so" grep -qx 'No flows in the events file.' "$RG_TMP/out"

# Lines, none of them an event: the wrong file, not a clean firewall.
printf 'expressway-e = 64.100.0.10\nmode = dry-run\n' >"$RG_TMP/not-events"
bad_usage "$RG_TMP/not-events" report "$RG_TMP/not-events"
check "report on a file with no event line: says so" \
	grep -qF "no reflguard event in '$RG_TMP/not-events' (2 lines skipped)" "$RG_TMP/err"
bad_usage "$RG_TMP/not-events" report --json "$RG_TMP/not-events"

# Bad command lines and unreadable files: exit 2, naming what is wrong.
bad_usage "$RG_TMP/missing.jsonl" report "$RG_TMP/missing.jsonl"
bad_usage "$RG_TMP" report "$RG_TMP"
bad_usage --bogus report --bogus "$ev"
bad_usage -q report -q "$ev"
bad_usage extra report "$ev" extra
"$REFLGUARD" report >/dev/null 2>"$RG_TMP/err"
check "report without a file: exit 2" test $? -eq 2
check "report without a file: says what is missing" grep -q 'missing EVENTS_FILE' "$RG_TMP/err"
"$REFLGUARD" report --help >"$RG_TMP/out"
check "report --help: exit 0 with usage" grep -q '^Usage: reflguard report' "$RG_TMP/out"
"$REFLGUARD" --help >"$RG_TMP/out"
check "--help lists report" grep -q '^  report ' "$RG_TMP/out"
