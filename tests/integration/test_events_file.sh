#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The events file: opened without following a symbolic link, created 0640,
# nothing but a regular file or a FIFO; SIGUSR1 (and SIGHUP) reopen it by
# name, so a rotation under traffic loses and repeats no event; the
# logrotate file does that rotation.
. "$(dirname "$0")/lib.sh"

# refused NAME EVENTS-PATH TEXT: run exits 2 naming the path, with TEXT,
# and installs nothing.
refused() {
	local name=$1 path=$2 text=$3 rc
	lab_exec fw "$REFLGUARD" run --expressway-e 64.100.0.10 --events "$path" \
		--control "$CTL" >/dev/null 2>"$RG_TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF "$path" "$RG_TMP/err" && grep -qF "$text" "$RG_TMP/err" &&
	   [ -z "$(lab_exec fw nft list tables | grep reflguard)" ]; then
		ok "$name: refused, exit 2, '$text'"
	else
		not_ok "$name: exit $rc: $(head -c 300 "$RG_TMP/err")"
	fi
}

lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }

# ---- what the events path may be ----
chmod 1777 "$RG_TMP"
ln -s "$RG_TMP/target" "$RG_TMP/link"
refused "a symbolic link" "$RG_TMP/link" "a symbolic link, refused"
check "a symbolic link: its target is not created" test ! -e "$RG_TMP/target"
ln -s /etc/passwd "$RG_TMP/link2"
refused "a link to an existing file" "$RG_TMP/link2" "a symbolic link, refused"
mkdir "$RG_TMP/dir"
refused "a directory" "$RG_TMP/dir" "not a regular file or a FIFO"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$RG_TMP/sock"
refused "a socket" "$RG_TMP/sock" "not a regular file or a FIFO"
refused "a device" /dev/zero "not a regular file or a FIFO"

start_daemon --expressway-e 64.100.0.10 || not_ok "a new file: daemon starts"
check "a new file: created mode 0640 or stricter ($(stat -c %a "$EVENTS"))" \
	test "$(( 0$(stat -c %a "$EVENTS") & 0137 ))" -eq 0
stop_daemon

mkfifo "$RG_TMP/fifo"
cat "$RG_TMP/fifo" >"$RG_TMP/fifo.out" &
cat_pid=$!
ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --expressway-e 64.100.0.10 \
	--events "$RG_TMP/fifo" --control "$CTL" 2>"$RG_TMP/daemon.err" &
DPID=$!
check "a FIFO: accepted" wait_observing
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "a FIFO: the event comes through it" wait_for grep -q '"c":"10.0.30.2:27901"' "$RG_TMP/fifo.out"
check "a FIFO: exit 0 on SIGTERM" stop_daemon
wait "$cat_pid"

# ---- rotation under traffic ----
ROT=$RG_TMP/rot
mkdir "$ROT"
EVENTS=$ROT/events.json
lab_exec fw conntrack -F >/dev/null 2>&1
start_daemon --expressway-e 64.100.0.10 || not_ok "rotation: daemon starts"
ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 4 --ready-file "$RG_TMP/sink.ready" >/dev/null &
sink=$!
wait_for test -e "$RG_TMP/sink.ready"
# Traffic all along: 400 connections, one every 10 ms or so, while the
# file is renamed twice and the daemon told each time (SIGUSR1, SIGHUP).
lab_exec c1 python3 -c 'import json, socket, time
done = 0
for i in range(400):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("64.100.0.10", 7003))
        done += 1
    except OSError:
        pass
    s.close()
    time.sleep(0.01)
print(json.dumps({"attempted": 400, "completed": done}))' >"$RG_TMP/flood.json" &
flood=$!
wait_for test -s "$EVENTS"
mv "$EVENTS" "$EVENTS.1"
kill -USR1 "$DPID"
check "rotation: after SIGUSR1 the daemon writes a new file" wait_for test -s "$EVENTS"
check "rotation: SIGUSR1 does not end the daemon" kill -0 "$DPID"
mv "$EVENTS.1" "$EVENTS.2"
mv "$EVENTS" "$EVENTS.1"
kill -HUP "$DPID"
check "rotation: after SIGHUP the daemon writes a new file again" wait_for test -s "$EVENTS"
wait "$flood"
wait "$sink"
check "rotation: every connection completed ($(cat "$RG_TMP/flood.json"))" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["completed"]==400' "$RG_TMP/flood.json"
flows() {
	"$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["flows_classified"])'
}
all_written() { [ "$(cat "$EVENTS.2" "$EVENTS.1" "$EVENTS" | grep -c '^{')" -ge "$(flows)" ]; }
wait_for all_written
n=$(flows)
check "rotation: the three files hold every flow once ($n flows)" python3 -c '
import json,sys
lines = [l for f in sys.argv[2:] for l in open(f)]
flows = [json.loads(l) for l in lines]
assert len(flows) == int(sys.argv[1]), (len(flows), sys.argv[1])
assert len(set(lines)) == len(lines), "a line written twice"
assert all(f["event"] == "flow" for f in flows)' "$n" "$EVENTS.2" "$EVENTS.1" "$EVENTS"
check "rotation: each file got some of them" \
	bash -c 'test -s "$1.2" && test -s "$1.1" && test -s "$1"' sh "$EVENTS"
check "rotation: the reopen is logged" grep -q "events file .* reopened" "$RG_TMP/daemon.err"
rm -f "$EVENTS.1"
mkdir "$EVENTS.1"
mv "$EVENTS" "$ROT/moved"
ln -s "$ROT/moved" "$EVENTS"
kill -USR1 "$DPID"
check "rotation: a link planted in its place is refused, logged" \
	wait_for grep -q "a symbolic link, refused.*the events go on" "$RG_TMP/daemon.err"
check "rotation: and the daemon runs on" kill -0 "$DPID"
check "rotation: exit 0 on SIGTERM" stop_daemon

# ---- a flood of one pair: the first event at once, then one summary ----
EVENTS=$RG_TMP/repeat.json
# Nothing from before for the start-up scan to report.
lab_exec fw conntrack -F >/dev/null 2>&1
start_daemon --expressway-e 64.100.0.10 --repeat-interval 8 || not_ok "repeats: daemon starts"
rm -f "$RG_TMP/sink.ready"
ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 2 --ready-file "$RG_TMP/sink.ready" >/dev/null &
sink=$!
wait_for test -e "$RG_TMP/sink.ready"
t0=$(date +%s%N)
lab_exec c1 python3 "$RG_TOP/tests/lab/flood.py" --connect 64.100.0.10:7003 \
	--count 100 --concurrency 10 --timeout 20 >"$RG_TMP/flood.json"
wait "$sink"
check "repeats: 100 connections of one pair complete" \
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["completed"]==100' "$RG_TMP/flood.json"
check "repeats: the first is written at once" wait_ev event=flow
nlines() { grep -c '^{' "$EVENTS"; }
summary() { grep -q '"repeats":' "$EVENTS"; }
check "repeats: within the interval, that one line only ($(nlines))" test "$(nlines)" -eq 1
summary_soon() { wait_for summary || wait_for summary || wait_for summary; }	# 15 s
check "repeats: the summary line comes when the interval ends" summary_soon
t1=$(date +%s%N)
check "repeats: not before 8 s after the first ($(( (t1 - t0) / 1000000 )) ms)" \
	test $(( (t1 - t0) / 1000000 )) -ge 7900
check "repeats: two lines, the second standing for the other 99 flows" python3 -c '
import json,sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert len(ev) == 2, ev
assert "repeats" not in ev[0] and ev[1]["repeats"] == 99, ev
assert ev[1]["since"] >= ev[0]["ts"] and ev[1]["ts"] >= ev[1]["since"], ev
assert ev[1]["c"].startswith("10.0.30.2:") and ev[1]["action"] == "would-exempt"' "$EVENTS"
check "repeats: one human line for the summary" \
	grep -q '99 more since .*, the last: translated hairpin: Expressway-C 10.0.30.2:' "$RG_TMP/daemon.err"
"$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/status.json"
check "repeats: status counts every flow" python3 -c '
import json,sys; assert json.load(open(sys.argv[1]))["counters"]["flows_classified"] == 100' "$RG_TMP/status.json"
"$REFLGUARD" report --json "$EVENTS" >"$RG_TMP/report.json"
check "repeats: report counts every flow" python3 -c '
import json,sys; d = json.load(open(sys.argv[1])); assert d["flows"] == 100 and d["translated"] == 100, d' "$RG_TMP/report.json"
# Held repeats are written at SIGTERM, not lost.
n0=$(wc -l <"$EVENTS")
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
exchange c1 10.0.30.2:27902 64.100.0.10:7003 10.0.10.2:7003
exchange c1 10.0.30.2:27903 64.100.0.10:7003 10.0.10.2:7003
wait_ev c=10.0.30.2:27901
stop_daemon
# Three flows, the last 27903: a summary of 2 held ones, or, on a machine
# slow enough for the three to span an interval, lines standing for 3 in all.
check "repeats: SIGTERM writes the summary held (3 flows in all, the last 27903)" \
	python3 -c '
import json,sys
ev = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]):]
assert sum(e.get("repeats", 1) for e in ev) == 3, ev
assert ev[-1]["c"] == "10.0.30.2:27903", ev
assert len(ev) < 3 or "repeats" not in ev[-1], ev' "$EVENTS" "$n0"

# ---- the logrotate file ----
if command -v logrotate >/dev/null 2>&1; then
	sed -e "s|/var/log/reflguard/\*.json|$ROT/events.json|" \
	    -e "s|systemctl kill --signal=USR1 --kill-whom=main reflguard.service|kill -USR1 \$(cat $RG_TMP/pid)|" \
		"$RG_TOP/docs/reflguard.logrotate" >"$RG_TMP/logrotate.conf"
	rm -rf "$ROT" && mkdir "$ROT"
	EVENTS=$ROT/events.json
	lab_exec fw conntrack -F >/dev/null 2>&1
	start_daemon --expressway-e 64.100.0.10 || not_ok "logrotate: daemon starts"
	echo "$DPID" >"$RG_TMP/pid"
	exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
	wait_ev c=10.0.30.2:27901
	logrotate -f -s "$RG_TMP/logrotate.state" "$RG_TMP/logrotate.conf" 2>"$RG_TMP/lr.err"
	check "logrotate: rotated ($(head -c 200 "$RG_TMP/lr.err"))" \
		grep -q '"c":"10.0.30.2:27901"' "$ROT/events.json.1"
	exchange c1 10.0.30.2:27902 64.100.0.10:7003 10.0.10.2:7003
	check "logrotate: the next event goes to a new file" wait_ev c=10.0.30.2:27902
	check "logrotate: and only there" bash -c '! grep -q "\"c\":\"10.0.30.2:27902\"" "$0"' "$ROT/events.json.1"
	check "logrotate: exit 0 on SIGTERM" stop_daemon
else
	skip "logrotate: not installed"
fi
