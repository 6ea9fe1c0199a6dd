#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15, the measurement: PAIR_FAILOVERS (20) failovers of the firewall
# pair (tests/lab/pair.sh) under a steady rate of C connections (one every
# 50 ms, a fresh source port each), reflguard remediating on both nodes.
# A's links go down (B takes over) and up again (A takes over again), in
# turn. Counted: connections lost to reflguard (E saw a translated source:
# 408), connections that failed outright (the failover itself), connections
# that waited for a retransmitted SYN (over 900 ms), and per failover the
# time from the failure to the new master's first clean connection. Asserts
# none is lost to reflguard; prints the figures (and a JSON line for the
# bench, tests/bench/bench.sh figure 10).
. "$(dirname "$0")/lib.sh"
. "$RG_TOP/tests/lab/pair.sh"

pair_require
N=${PAIR_FAILOVERS:-20} IVL=0.05
# The emulated guest (1 CPU under TCG) runs a few, at a gentler rate: the
# kernel path is what it checks there, not the figures.
[ -n "${RG_VM:-}" ] && N=${PAIR_FAILOVERS:-4} IVL=0.2
P=$RG_TMP/pair
trap 'touch "$RG_TMP/stop"; pair_down; rg_cleanup' EXIT

pair_up "$P" || { not_ok "pair up"; exit 1; }
check "A: reflguard starts" pair_rg_start a
check "B: reflguard starts" pair_rg_start b
check "A: C's first connection is rescued clean" eval \
	'exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003 && [ "$(jfield "$RG_TMP/e.json" peer)" = 10.0.30.2:27901 ]'

rm -f "$RG_TMP/stop" "$RG_TMP/ready"
lab_exec e python3 "$RG_TOP/tests/lab/pair_load.py" e --ready-file "$RG_TMP/ready" \
	--stop-file "$RG_TMP/stop" >/dev/null 2>&1 &
LE=$!
wait_for test -e "$RG_TMP/ready"
lab_exec c1 python3 "$RG_TOP/tests/lab/pair_load.py" c --stop-file "$RG_TMP/stop" \
	--interval "$IVL" --max 4000 >"$RG_TMP/load.json" 2>&1 &
LC=$!
sleep 1
: >"$RG_TMP/failovers"
fails=0
for i in $(seq "$N"); do
	if ((i % 2)); then new=b how=down; else new=a how=up; fi
	pair_notify_seen "$new" primary
	echo "$EPOCHREALTIME $new" >>"$RG_TMP/failovers"
	pair_links a "$how"
	pair_wait_master "$new" || fails=$((fails + 1))
	# The steady flow goes on through the new master before the next failover.
	sleep 1.5
done
touch "$RG_TMP/stop"
wait "$LC"
wait "$LE"
check "all $N failovers completed (the new master's notify_master ran)" test "$fails" -eq 0

python3 - "$RG_TMP/load.json" "$RG_TMP/failovers" >"$RG_TMP/figures" <<'PY'
import json, statistics, sys
att = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{") and '"start"' in l]
fo = [(float(t), n) for t, n in (l.split() for l in open(sys.argv[2]))]
lost_rg = sum(1 for a in att if a["answer"] == 408)
failed = sum(1 for a in att if a["answer"] is None)
slow = sum(1 for a in att if a["answer"] == 200 and a["end"] - a["start"] > 0.9)
ttc = []
for t, _ in fo:
    ends = [a["end"] for a in att if a["start"] >= t and a["answer"] == 200]
    ttc.append(round((min(ends) - t) * 1000) if ends else None)
done = [x for x in ttc if x is not None]
to_b = [x for x, (_, n) in zip(ttc, fo) if x is not None and n == "b"]
to_a = [x for x, (_, n) in zip(ttc, fo) if x is not None and n == "a"]
print(json.dumps({"failovers": len(fo), "connections": len(att), "lost_to_reflguard": lost_rg,
                  "failed": failed, "retransmitted": slow,
                  "first_clean_ms_median": statistics.median(done) if done else None,
                  "first_clean_ms_max": max(done) if done else None,
                  "to_b_ms_median": statistics.median(to_b) if to_b else None,
                  "to_b_ms_max": max(to_b) if to_b else None,
                  "to_a_ms_median": statistics.median(to_a) if to_a else None,
                  "to_a_ms_max": max(to_a) if to_a else None,
                  "first_clean_ms": ttc}))
PY
fig() { json_get <(cat "$RG_TMP/figures") "$1" 2>/dev/null || python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())[sys.argv[2]])' "$RG_TMP/figures" "$1"; }
echo "# pair figures: $(cat "$RG_TMP/figures")"
check "connections were made throughout ($(fig connections))" test "$(fig connections)" -ge $((N * 5))
check "none lost to reflguard over $N failovers ($(fig lost_to_reflguard) translated)" test "$(fig lost_to_reflguard)" -eq 0
ok "figure: A fails (links down), B's first clean connection after median $(fig to_b_ms_median) ms, max $(fig to_b_ms_max) ms; A back, A's after median $(fig to_a_ms_median) ms, max $(fig to_a_ms_max) ms"
ok "figure: $(fig failed) connections failed outright and $(fig retransmitted) waited for a retransmitted SYN (the failover itself)"
check "every failover has a clean connection after it: first clean at median $(fig first_clean_ms_median) ms, max $(fig first_clean_ms_max) ms" \
	eval '! grep -q null <(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"first_clean_ms\"])" "$RG_TMP/figures")'
for n in a b; do
	check "node $n: reflguard exits 0 on SIGTERM" pair_rg_stop "$n"
done
