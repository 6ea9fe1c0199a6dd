#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon never blocks on its output: events and human lines into FIFOs
# whose readers are stopped (SIGSTOP) fill the pipes and the daemon's
# bounded queues; new traversal connections still all complete, status
# answers at once and counts the dropped lines, and once the readers go on
# the events flow again. SIGTERM with a stalled reader still ends it.
. "$(dirname "$0")/lib.sh"

EV_FIFO=$RG_TMP/events.fifo
ERR_FIFO=$RG_TMP/err.fifo
EV_OUT=$RG_TMP/events.out
ERR_OUT=$RG_TMP/err.out

# reader FIFO OUT: copies the FIFO's lines to OUT, with a pipe of one page
# so that it fills after a few lines; its pid in RPID.
reader() {
	python3 -c 'import fcntl, sys
f = open(sys.argv[1], "rb", buffering=0)
fcntl.fcntl(f.fileno(), 1031, 4096)	# F_SETPIPE_SZ
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        b = f.read(4096)
        if not b:
            break
        out.write(b)' "$1" "$2" &
	RPID=$!
}

status_json() {
	"$REFLGUARD" status --control "$CTL" --json 2>/dev/null
}
counter() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"][sys.argv[2]])' "$1" "$2"
}
in_out() { grep -q "\"c\":\"$1\"" "$EV_OUT"; }

lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }
mkfifo "$EV_FIFO" "$ERR_FIFO"
: >"$EV_OUT"
: >"$ERR_OUT"
reader "$EV_FIFO" "$EV_OUT"
EV_READER=$RPID
reader "$ERR_FIFO" "$ERR_OUT"
ERR_READER=$RPID
ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --expressway-e 64.100.0.10 \
	--events "$EV_FIFO" --control "$CTL" --repeat-interval 0 --metrics 9153 2>"$ERR_FIFO" &
DPID=$!
check "daemon starts with its events and stderr on FIFOs" wait_observing

exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "readers reading: the event comes through the FIFO" wait_for in_out 10.0.30.2:27901

# ---- both readers stopped ----
kill -STOP "$EV_READER" "$ERR_READER"
ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 4 --ready-file "$RG_TMP/sink.ready" >"$RG_TMP/sink.json" &
sink=$!
wait_for test -e "$RG_TMP/sink.ready"
# 1000 flows: about 900 KB of events and 280 KB of human lines, past the
# pipes (4 KB each) and the queues (512 and 128 KB).
lab_exec c1 python3 "$RG_TOP/tests/lab/flood.py" --connect 64.100.0.10:7003 \
	--count 1000 --concurrency 20 --timeout 30 >"$RG_TMP/flood.json"
wait "$sink"
check "readers stopped: 1000 new traversal connections all complete ($(cat "$RG_TMP/flood.json"))" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["attempted"]==1000 and d["completed"]==1000' "$RG_TMP/flood.json"
t0=$(date +%s%N)
status_json >"$RG_TMP/status.json"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check "readers stopped: status answers in under 1 s (${ms} ms)" test "$ms" -lt 1000
flows=$(counter "$RG_TMP/status.json" flows_classified)
dropped=$(counter "$RG_TMP/status.json" events_dropped)
log_dropped=$(counter "$RG_TMP/status.json" log_dropped)
check "readers stopped: status counts every flow ($flows)" test "${flows:-0}" -ge 1001
check "readers stopped: status counts the dropped events ($dropped)" test "${dropped:-0}" -gt 0
check "readers stopped: and the dropped log lines ($log_dropped)" test "${log_dropped:-0}" -gt 0
lab_exec fw python3 -c 'import urllib.request
print(urllib.request.urlopen("http://127.0.0.1:9153/metrics", timeout=2).read().decode())' >"$RG_TMP/metrics.txt" 2>&1
check "readers stopped: the metrics count them too" \
	grep -qx "reflguard_events_dropped_total $dropped" "$RG_TMP/metrics.txt"
"$REFLGUARD" status --control "$CTL" >"$RG_TMP/status.txt" 2>&1
check "readers stopped: status text says the output stalled" \
	grep -q "^output stalled: events dropped $dropped" "$RG_TMP/status.txt"
"$REFLGUARD" status --control "$CTL" --json >/dev/null 2>&1 # keep the daemon busy a moment
check "readers stopped: the daemon runs" kill -0 "$DPID"

# ---- readers resume ----
kill -CONT "$EV_READER" "$ERR_READER"
exchange c1 10.0.30.2:27950 64.100.0.10:7003 10.0.10.2:7003
check "readers resumed: C's next connection is in the events again" wait_for in_out 10.0.30.2:27950
check "readers resumed: one log line tells of the dropped events" \
	wait_for grep -q "events output stalled: [0-9]* events dropped" "$ERR_OUT"
check "readers resumed: once per burst" test "$(grep -c 'events output stalled' "$ERR_OUT")" -eq 1
n=$(grep -c '^{' "$EV_OUT")
check "readers resumed: every line whole ($n events, none cut)" python3 -c '
import json,sys
for l in open(sys.argv[1]):
    json.loads(l)' "$EV_OUT"

# ---- SIGTERM while the reader is stopped: a bounded wait, then exit 0 ----
kill -STOP "$EV_READER"
rm -f "$RG_TMP/sink.ready"
ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 2 --ready-file "$RG_TMP/sink.ready" >/dev/null &
sink=$!
wait_for test -e "$RG_TMP/sink.ready"
lab_exec c1 python3 "$RG_TOP/tests/lab/flood.py" --connect 64.100.0.10:7003 \
	--count 800 --concurrency 20 --timeout 10 >"$RG_TMP/flood2.json"
wait "$sink"
status_json >"$RG_TMP/status.json"
check "reader stopped again: events dropped again ($(counter "$RG_TMP/status.json" events_dropped))" \
	test "$(counter "$RG_TMP/status.json" events_dropped)" -gt "$dropped"
t0=$(date +%s%N)
stop_daemon
rc=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
check "SIGTERM with the reader stopped: exit 0 ($rc)" test "$rc" -eq 0
check "SIGTERM with the reader stopped: within 5 s (${ms} ms)" test "$ms" -lt 5000
check "SIGTERM: the observation chain is gone" \
	bash -c '! ip netns exec "$0" nft list table ip reflguard >/dev/null 2>&1' "$(lab_ns fw)"
kill -CONT "$EV_READER" 2>/dev/null
kill "$EV_READER" "$ERR_READER" 2>/dev/null
wait "$EV_READER" "$ERR_READER" 2>/dev/null
