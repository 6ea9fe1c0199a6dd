#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The admin's own hands: `exempt add` with Expressway-E's public address
# (which postrouting never sees) is refused, naming E's internal address
# from the configuration or from conntrack; a hand-added exemption is
# listed as `manual`; and the fixes the findings print can be applied by
# hand with `nft -f`, any number in any order, leaving one rule and the
# union of the elements.
. "$(dirname "$0")/lib.sh"

in_set() { lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$1"; }
set_empty() { ! lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -q 'elements'; }
rgx() { lab_exec fw "$REFLGUARD" "$@" 2>"$RG_TMP/err"; }

lab_up nft-snat >/dev/null

# ---- E's public address, known from conntrack only (no configuration).
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003 >/dev/null
rgx exempt add 10.0.30.2 64.100.0.10 tcp/7003 --state "$RG_TMP/s1.json" >"$RG_TMP/out"
rc=$?
check "public address, from conntrack: exit 2 (got $rc)" test "$rc" -eq 2
check "public address, from conntrack: names the internal address 10.0.10.2" \
	grep -q "'64.100.0.10' is Expressway-E's public address.*use its internal address 10.0.10.2" "$RG_TMP/err"
check "public address, from conntrack: nothing installed" set_empty
check "public address, from conntrack: no state file written" test ! -s "$RG_TMP/s1.json"

# ---- From the configuration, with conntrack empty.
lab_exec fw conntrack -F >/dev/null 2>&1
printf 'expressway-e = 64.100.0.10=10.0.10.2\n' >"$RG_TMP/e.conf"
rgx exempt add 10.0.30.2 64.100.0.10 tcp/7003 -c "$RG_TMP/e.conf" --state "$RG_TMP/s1.json" >/dev/null
rc=$?
check "public address, from the configuration: exit 2 (got $rc)" test "$rc" -eq 2
check "public address, from the configuration: names 10.0.10.2" \
	grep -q 'use its internal address 10.0.10.2' "$RG_TMP/err"
# Public by the configuration, internal unknown: still refused.
printf 'expressway-e = 64.100.0.10\n' >"$RG_TMP/e2.conf"
rgx exempt add 10.0.30.2 64.100.0.10 tcp/7003 -c "$RG_TMP/e2.conf" --state "$RG_TMP/s1.json" >/dev/null
rc=$?
check "public address, internal unknown: exit 2 (got $rc)" test "$rc" -eq 2
check "public address, internal unknown: says to use the internal address" \
	grep -q 'use its internal address (--force' "$RG_TMP/err"
check "public address: still nothing installed" set_empty
rgx exempt add 10.0.30.2 64.100.0.10 tcp/7003 --force --state "$RG_TMP/s1.json" >/dev/null
check "public address --force: exit 0" test $? -eq 0
check "public address --force: the element is in the set" in_set '10.0.30.2 . 64.100.0.10 . tcp . 7003'

# ---- A hand-added exemption is manual, not learnt.
rgx exempt add 10.0.30.2 10.0.10.2 tcp/7003 --state "$RG_TMP/s1.json" >/dev/null
check "internal address: exit 0" test $? -eq 0
rgx exempt list --state "$RG_TMP/s1.json" >"$RG_TMP/list"
check "exempt list: the hand-added exemption's kind is manual" \
	grep -qE '^10\.0\.30\.2 \. 10\.0\.10\.2 \. tcp \. 7003 .* manual$' "$RG_TMP/list"
check "exempt list: no learnt entry" sh -c "! grep -q learnt '$RG_TMP/list'"
rgx exempt list --json --state "$RG_TMP/s1.json" >"$RG_TMP/list.json"
check "exempt list --json: kind manual" python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["exemptions"]
assert x and all(e["kind"]=="manual" for e in x), x' "$RG_TMP/list.json"
lab_exec fw nft delete table ip reflguard 2>/dev/null

# ---- Two findings' fixes by hand, in any order, any number of times.
start_daemon --expressway-e 64.100.0.10 || not_ok "fixes: the dry-run daemon starts"
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003 >/dev/null
exchange c2 10.0.31.3:27902 64.100.0.10:7003 10.0.10.2:7003 >/dev/null
wait_ev event=flow c=10.0.31.3:27902
stop_daemon
python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("fix"):
        open(sys.argv[2]+"/fix-"+e["c"].split(":")[0]+".nft","w").write("\n".join(e["fix"])+"\n")' \
	"$EVENTS" "$RG_TMP"
A=$RG_TMP/fix-10.0.30.2.nft
B=$RG_TMP/fix-10.0.31.3.nft
check "fixes: one per finding" test -s "$A" -a -s "$B"
ns=$(solo_ns)
# applied FILE...: each file applied with nft -f in a fresh namespace, in
# that order; then one rule and both elements.
applied() {
	ip netns exec "$ns" nft delete table ip reflguard 2>/dev/null
	local f
	for f in "$@"; do ip netns exec "$ns" nft -f "$f" || return 1; done
	[ "$(ip netns exec "$ns" nft list chain ip reflguard exempt | grep -c 'snat')" -eq 1 ] &&
		ip netns exec "$ns" nft list set ip reflguard exempt4 | grep -qF '10.0.30.2 . 10.0.10.2 . tcp . 7003' &&
		ip netns exec "$ns" nft list set ip reflguard exempt4 | grep -qF '10.0.31.3 . 10.0.10.2 . tcp . 7003'
}
check "fixes A then B (nft -f): one rule, both elements" applied "$A" "$B"
check "fixes B then A: one rule, both elements" applied "$B" "$A"
check "fixes A, B, A, B: one rule, both elements" applied "$A" "$B" "$A" "$B"
check "fixes A and B in one nft -f: one rule, both elements" \
	sh -c "cat '$A' '$B' >'$RG_TMP/ab.nft'" && applied "$RG_TMP/ab.nft"
