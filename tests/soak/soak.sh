#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Soak: the remediating daemon in the nft-snat lab for SOAK_SECONDS (default
# 600), under everything that happens to it in operation, at once:
#
#   - traversal connections, in a loop: Expressway-C 1 (10.0.30.2) then C2
#     (10.0.31.3), each c_standin.py --attempts 2 from a fresh source port;
#   - SIGHUP every ~10 s, the configuration file alternating between two
#     valid ones (different ports, expressway-c, max-exemptions, reset);
#   - `nft delete table ip reflguard` every ~15 s: the daemon must reinstate
#     its observation chain and exemptions (checked within 5 s);
#   - `reflguard exempt del` of C2's exemption every ~20 s (SOAK_CHURN=0 to
#     leave it out), so exemptions keep being installed, not only restored;
#   - a restart (SIGTERM, then a start with the same state) every ~30 s
#     during the first two thirds; the last third is one daemon lifetime
#     without restarts, in which memory and descriptors are measured.
#
# It records the connections attempted, fixed (C answered 200), not fixed
# (408 at both attempts) and failed (exit 3: C could not talk to E at all),
# and, for each daemon lifetime, VmRSS and open descriptors at its start and
# end. It prints a summary and exits 1 on any failed connection, on RSS or
# descriptor growth in the last lifetime beyond SOAK_RSS_TOL_KB (default
# 512) or SOAK_FD_TOL (default 0) between its warm point and its end, on a
# daemon that died, did not exit 0 on SIGTERM, did not reload on SIGHUP or
# did not reinstate its table, and on any `refused` event (none is justified
# in this lab). SOAK_LOG=DIR keeps the daemon logs, events and samples there.
#
# As root; everything happens in the lab's namespaces (removed on exit).
set -u

SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_RSS_TOL_KB=${SOAK_RSS_TOL_KB:-512}
SOAK_FD_TOL=${SOAK_FD_TOL:-0}
SOAK_CHURN=${SOAK_CHURN:-1}
HUP_MS=10000 DEL_MS=15000 CHURN_MS=20000 RESTART_MS=30000

case $SOAK_SECONDS in
'' | *[!0-9]*) echo "soak: SOAK_SECONDS must be a number of seconds" >&2; exit 2 ;;
esac
[ "$SOAK_SECONDS" -ge 30 ] || { echo "soak: SOAK_SECONDS must be at least 30" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "soak: needs root (network namespaces, nftables)" >&2; exit 1; }

export LAB_PREFIX=${LAB_PREFIX:-rgs$$}
. "$(dirname "$0")/../integration/lib.sh"

W=$RG_TMP/soak
mkdir -p "$W"
EVENTS=$W/events.json
CTL=$W/control.sock
STATE=$W/state.json
CONF=$W/reflguard.conf
DPID=

cat >"$W/a.conf" <<'EOF'
# soak configuration A
mode = remediate
expressway-e = 64.100.0.10
expressway-c = 10.0.30.0/24
expressway-c = 10.0.31.0/24
ports = tcp/7001-7010
max-exemptions = 64
EOF
cat >"$W/b.conf" <<'EOF'
# soak configuration B: other ports, prefix, limit and reset
mode = remediate
expressway-e = 64.100.0.10
expressway-c = 10.0.30.0/23
ports = tcp/7003, tcp/7400
max-exemptions = 32
reset = no
EOF
for f in a b; do
	"$REFLGUARD" check-config "$W/$f.conf" >/dev/null ||
		{ echo "soak: $W/$f.conf does not validate" >&2; exit 1; }
done
ln -sfn a.conf "$CONF"

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
has_chain() { lab_exec fw nft list chain ip reflguard "$1" >/dev/null 2>&1; }

# Per daemon lifetime (index = lifetime number, from 0).
LT_PID=() LT_T0=() LT_T1=() LT_RSS0=() LT_RSS1=() LT_FD0=() LT_FD1=() LT_RC=()
LT_HUP=() LT_DEL=() LT_END=()
WARM_RSS='' WARM_FD='' WARM_T=''
PROBLEMS=()

start_daemon() {
	local n=${#LT_PID[@]}
	# ip netns exec execs the daemon, so $! is the daemon itself.
	ip netns exec "$(lab_ns fw)" "$REFLGUARD" run -c "$CONF" --events "$EVENTS" \
		--control "$CTL" --state "$STATE" 2>"$W/daemon-$n.err" &
	DPID=$!
	for _ in $(seq 200); do
		has_chain observe && break
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.05
	done
	if ! has_chain observe || ! kill -0 "$DPID" 2>/dev/null; then
		echo "soak: the daemon did not start: $(head -c 300 "$W/daemon-$n.err")" >&2
		PROBLEMS+=("lifetime $n: the daemon did not start")
		return 1
	fi
	# Set-up ends after the chain (start-up scan, watch): measured once it answers.
	for _ in $(seq 100); do
		"$REFLGUARD" status --control "$CTL" >/dev/null 2>&1 && break
		sleep 0.05
	done
	LT_PID[n]=$DPID
	LT_T0[n]=$(now_ms)
	LT_RSS0[n]=$(rss_kb "$DPID")
	LT_FD0[n]=$(fds "$DPID")
	LT_HUP[n]=0 LT_DEL[n]=0
}

# stop_daemon HOW: measures the lifetime's end, then SIGTERM and its exit.
stop_daemon() {
	local n=$((${#LT_PID[@]} - 1)) rc
	LT_T1[n]=$(now_ms)
	LT_RSS1[n]=$(rss_kb "$DPID")
	LT_FD1[n]=$(fds "$DPID")
	LT_END[n]=$1
	"$REFLGUARD" status --control "$CTL" --json >"$W/status-$n.json" 2>/dev/null
	kill -TERM "$DPID" 2>/dev/null
	wait "$DPID"
	rc=$?
	LT_RC[n]=$rc
	[ "$rc" -eq 0 ] || PROBLEMS+=("lifetime $n: SIGTERM exit $rc")
	DPID=
}

# Connections: one per c_standin run (up to 2 TCP attempts each).
ATTEMPTED=0 TCP_ATTEMPTS=0 FIXED=0 FIXED_AT1=0 FIXED_AT2=0 NOT_FIXED=0 FAILED=0

# xchg ROLE BIND: one traversal connection of Expressway-C ROLE, counted.
xchg() {
	local role=$1 bind=$2 e_pid rc n_c
	rm -f "$W/e.ready" "$W/e.json" "$W/c.json"
	ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/e_standin.py" \
		--listen 10.0.10.2:7003 --count 2 --timeout 8 --ready-file "$W/e.ready" \
		>"$W/e.json" 2>&1 &
	e_pid=$!
	wait_for test -e "$W/e.ready"
	lab_exec "$role" python3 "$RG_TOP/tests/lab/c_standin.py" --bind "$bind" \
		--connect 64.100.0.10:7003 --attempts 2 >"$W/c.json" 2>&1
	rc=$?
	n_c=$(grep -c '^{' "$W/c.json")
	for _ in $(seq 60); do
		[ "$(grep -c '^{' "$W/e.json")" -ge "$n_c" ] && break
		sleep 0.05
	done
	kill "$e_pid" 2>/dev/null
	wait "$e_pid" 2>/dev/null
	ATTEMPTED=$((ATTEMPTED + 1))
	TCP_ATTEMPTS=$((TCP_ATTEMPTS + n_c))
	case $rc in
	0)	FIXED=$((FIXED + 1))
		if [ "$n_c" -eq 1 ]; then FIXED_AT1=$((FIXED_AT1 + 1)); else FIXED_AT2=$((FIXED_AT2 + 1)); fi ;;
	1)	NOT_FIXED=$((NOT_FIXED + 1))
		{ echo "== $(date -u +%T) $role: not fixed (408 twice)"; cat "$W/c.json" "$W/e.json"; } \
			>>"$W/unfixed.log" ;;
	*)	FAILED=$((FAILED + 1))
		{ echo "== $(date -u +%T) $role: exit $rc"; cat "$W/c.json" "$W/e.json"; } \
			>>"$W/failed.log" ;;
	esac
}

# Reinstatement after a deletion: the observation chain back and every
# exemption of the state in the kernel, within 5 s.
DELETIONS=0 REINSTATED=0 NOT_REINSTATED=0 DEL_PENDING=0
reinstated() {
	has_chain observe || return 1
	lab_exec fw "$REFLGUARD" exempt list --json --state "$STATE" 2>/dev/null |
		python3 -c 'import json,sys
sys.exit(0 if all(x["in_kernel"] for x in json.load(sys.stdin)["exemptions"]) else 1)'
}
check_reinstated() {	# NOW_MS
	[ "$DEL_PENDING" -ne 0 ] || return 0
	if reinstated; then
		REINSTATED=$((REINSTATED + 1))
		DEL_PENDING=0
	elif [ $(($1 - DEL_PENDING)) -gt 5000 ]; then
		NOT_REINSTATED=$((NOT_REINSTATED + 1))
		PROBLEMS+=("a deleted table was not reinstated within 5 s")
		DEL_PENDING=0
	fi
}

lab_up nft-snat >/dev/null || { echo "soak: lab up failed" >&2; exit 1; }

TOTAL_MS=$((SOAK_SECONDS * 1000))
FINAL_MS=$((TOTAL_MS * 2 / 3))	# the last lifetime starts here
FINAL_LEN=$((TOTAL_MS - FINAL_MS))
WARM_OFF=$((FINAL_LEN / 4 > 20000 ? FINAL_LEN / 4 : 20000))
WARM_OFF=$((WARM_OFF > FINAL_LEN / 2 ? FINAL_LEN / 2 : WARM_OFF))
WARM_MS=$((FINAL_MS + WARM_OFF))

echo "soak: ${SOAK_SECONDS}s in lab $LAB_PREFIX (nft-snat), kernel path $RG_PATH;" \
	"restarts every $((RESTART_MS / 1000))s until $((FINAL_MS / 1000))s, then one lifetime;" \
	"growth measured from $((WARM_MS / 1000))s to the end"

start_daemon || exit 1
T0=$(now_ms)
next_hup=$HUP_MS next_del=$((DEL_MS / 2)) next_churn=$CHURN_MS next_restart=$RESTART_MS
final=0 hups=0 conf=a churns=0 crashes=0
samples=$W/samples.csv
echo "t_ms,lifetime,pid,rss_kb,fds" >"$samples"

while :; do
	t=$(($(now_ms) - T0))
	[ "$t" -lt "$TOTAL_MS" ] || break
	n=$((${#LT_PID[@]} - 1))

	if ! kill -0 "$DPID" 2>/dev/null; then
		wait "$DPID" 2>/dev/null
		rc=$?
		crashes=$((crashes + 1))
		PROBLEMS+=("lifetime $n: the daemon died (exit $rc): $(tail -n 2 "$W/daemon-$n.err" | tr '\n' ' ')")
		LT_T1[n]=$(now_ms) LT_RSS1[n]='' LT_FD1[n]='' LT_RC[n]=$rc LT_END[n]=died
		start_daemon || break
		continue
	fi

	xchg c1 10.0.30.2
	xchg c2 10.0.31.3
	t=$(($(now_ms) - T0))
	check_reinstated "$(now_ms)"
	echo "$t,$n,$DPID,$(rss_kb "$DPID"),$(fds "$DPID")" >>"$samples"

	if [ "$final" -eq 0 ] && [ "$t" -ge "$FINAL_MS" ]; then
		stop_daemon restart
		start_daemon || break
		final=1
		continue
	fi
	if [ "$final" -eq 0 ] && [ "$t" -ge "$next_restart" ]; then
		stop_daemon restart
		start_daemon || break
		next_restart=$((next_restart + RESTART_MS))
		continue
	fi
	if [ "$final" -eq 1 ] && [ -z "$WARM_T" ] && [ "$t" -ge "$WARM_MS" ]; then
		WARM_T=$t WARM_RSS=$(rss_kb "$DPID") WARM_FD=$(fds "$DPID")
	fi
	if [ "$t" -ge "$next_hup" ]; then
		conf=$([ "$conf" = a ] && echo b || echo a)
		ln -sfn "$conf.conf" "$CONF.new" && mv -T "$CONF.new" "$CONF"
		kill -HUP "$DPID"
		hups=$((hups + 1))
		LT_HUP[n]=$((LT_HUP[n] + 1))
		next_hup=$((next_hup + HUP_MS))
	fi
	if [ "$t" -ge "$next_del" ]; then
		lab_exec fw nft delete table ip reflguard 2>/dev/null
		DELETIONS=$((DELETIONS + 1))
		LT_DEL[n]=$((LT_DEL[n] + 1))
		[ "$DEL_PENDING" -ne 0 ] || DEL_PENDING=$(now_ms)
		next_del=$((next_del + DEL_MS))
		# The next connections run while the table is gone.
		continue
	fi
	if [ "$SOAK_CHURN" != 0 ] && [ "$t" -ge "$next_churn" ]; then
		lab_exec fw "$REFLGUARD" exempt del 10.0.31.3 10.0.10.2 tcp/7003 --state "$STATE" \
			--control "$CTL" >/dev/null 2>&1 && churns=$((churns + 1))
		next_churn=$((next_churn + CHURN_MS))
	fi
done
# Let the last deletion's repair land before the lifetime is measured.
for _ in $(seq 100); do
	[ "$DEL_PENDING" -ne 0 ] || break
	sleep 0.05
	check_reinstated "$(now_ms)"
done
[ -n "$DPID" ] && stop_daemon end
ELAPSED=$(($(now_ms) - T0))

# ---- summary ----

ev_summary() {
	python3 - "$EVENTS" "$W/refused.count" <<'PY'
import collections, json, sys
n = collections.Counter(); why = collections.Counter()
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        n["unparsable"] += 1
        continue
    n[e.get("event")] += 1
    if e.get("event") == "refused":
        why[e.get("reason")] += 1
print("events:", ", ".join(f"{k} {v}" for k, v in sorted(n.items())) or "none")
if why:
    print("refused:", ", ".join(f"{k} {v}" for k, v in sorted(why.items())))
open(sys.argv[2], "w").write(str(n["refused"]))
PY
}

reloaded() { grep -c 'configuration reloaded' "$W/daemon-$1.err" 2>/dev/null; }
reinst() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["reinstated"])' \
	"$W/status-$1.json" 2>/dev/null || echo -; }

echo
echo "== soak summary: $((ELAPSED / 1000)) s, ${#LT_PID[@]} daemon lifetimes"
printf '%-4s %-8s %6s %10s %10s %6s %6s %9s %8s %7s %-8s %4s\n' \
	LIFE PID SECS RSS0_KB RSS1_KB FDS0 FDS1 HUP/RELD DELETED REINST END EXIT
bad_reload=0
for n in "${!LT_PID[@]}"; do
	rel=$(reloaded "$n")
	[ "${rel:-0}" -ge "${LT_HUP[n]}" ] || bad_reload=1
	printf '%-4s %-8s %6s %10s %10s %6s %6s %9s %8s %7s %-8s %4s\n' \
		"$((n + 1))" "${LT_PID[n]}" "$(( (${LT_T1[n]:-$(now_ms)} - LT_T0[n]) / 1000 ))" \
		"${LT_RSS0[n]:--}" "${LT_RSS1[n]:--}" "${LT_FD0[n]:--}" "${LT_FD1[n]:--}" \
		"${LT_HUP[n]}/${rel:-0}" "${LT_DEL[n]}" "$(reinst "$n")" "${LT_END[n]:--}" "${LT_RC[n]:--}"
done
[ "$bad_reload" -eq 0 ] || PROBLEMS+=("a SIGHUP was not followed by 'configuration reloaded'")

echo
echo "connections attempted: $ATTEMPTED ($TCP_ATTEMPTS TCP connections)"
echo "  fixed (200):         $FIXED ($FIXED_AT1 at attempt 1, $FIXED_AT2 at attempt 2)"
echo "  not fixed (408x2):   $NOT_FIXED"
echo "  failed (exit 3):     $FAILED"
echo "SIGHUP: $hups sent; deletions: $DELETIONS, reinstated within 5 s: $REINSTATED, not: $NOT_REINSTATED;" \
	"exempt del (churn): $churns; daemon deaths: $crashes"
ev_summary
python3 - "$samples" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["rss_kb"]]
if rows:
    rss = [int(r["rss_kb"]) for r in rows]; fd = [int(r["fds"]) for r in rows]
    print(f"samples: {len(rows)}; RSS {min(rss)}-{max(rss)} kB, fds {min(fd)}-{max(fd)}")
PY

last=$((${#LT_PID[@]} - 1))
# Both Expressway-Cs are allowed by both configurations, on their own
# segments, far below max-exemptions, and nothing translates before
# reflguard's chain: no refusal is justified here, and each one leaves C
# at 408.
refused=$(cat "$W/refused.count" 2>/dev/null)
[ "${refused:-0}" -eq 0 ] || PROBLEMS+=("$refused refused events, none justified in this lab (see events above)")
if [ "$FAILED" -gt 0 ]; then
	PROBLEMS+=("$FAILED connections failed (exit 3)")
	head -n 20 "$W/failed.log"
fi
[ "$NOT_FIXED" -eq 0 ] || echo "not fixed: see the first ones below"
[ "$NOT_FIXED" -eq 0 ] || head -n 12 "$W/unfixed.log"
if [ -n "$WARM_T" ] && [ -n "${LT_RSS1[last]:-}" ] && [ "${LT_END[last]}" = end ]; then
	drss=$((LT_RSS1[last] - WARM_RSS))
	dfd=$((LT_FD1[last] - WARM_FD))
	echo "last lifetime, warm (+$(( (WARM_T + T0 - LT_T0[last]) / 1000 )) s) -> end" \
		"($(( (LT_T1[last] - T0 - WARM_T) / 1000 )) s): RSS $WARM_RSS -> ${LT_RSS1[last]} kB" \
		"($drss, tolerance $SOAK_RSS_TOL_KB); fds $WARM_FD -> ${LT_FD1[last]} ($dfd, tolerance $SOAK_FD_TOL)"
	[ "$drss" -le "$SOAK_RSS_TOL_KB" ] || PROBLEMS+=("RSS grew by $drss kB in the last lifetime")
	[ "$dfd" -le "$SOAK_FD_TOL" ] || PROBLEMS+=("open descriptors grew by $dfd in the last lifetime")
else
	PROBLEMS+=("the last lifetime could not be measured")
fi

if [ -n "${SOAK_LOG:-}" ]; then
	mkdir -p "$SOAK_LOG" && cp -a "$W"/. "$SOAK_LOG"/ && echo "logs kept in $SOAK_LOG"
fi
echo
if [ ${#PROBLEMS[@]} -eq 0 ]; then
	echo "soak: PASS"
	exit 0
fi
echo "soak: FAIL"
printf '  %s\n' "${PROBLEMS[@]}"
exit 1
