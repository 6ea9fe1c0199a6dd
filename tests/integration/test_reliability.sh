#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fail-safe behaviour: overload, someone deleting reflguard's table, SIGHUP,
# a second daemon, a state file killed mid-write, a read-only state disk.
. "$(dirname "$0")/lib.sh"

STATE=$RG_TMP/state/state.json

status_field() {	# PYTHON-EXPR over s
	"$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}


has_chain() { lab_exec fw nft list chain ip reflguard "$1" >/dev/null 2>&1; }
has_element() {
	lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -q '10.0.30.2 . 10.0.10.2 . tcp . 7003'
}

lab_up nft-snat >/dev/null || { not_ok "reliability: lab up"; exit 1; }

# --- Overload: a SYN burst far beyond a deliberately short queue.
start_daemon --expressway-e 64.100.0.10 --queue-maxlen 8 ||
	not_ok "overload: daemon starts"
ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 4 --ready-file "$RG_TMP/sink.ready" >"$RG_TMP/sink.json" &
sink=$!
wait_for test -e "$RG_TMP/sink.ready"
# The daemon is also stopped for the burst's first second: on a loaded
# machine it can keep up with the burst alone, and the overflow is what is
# tested.
kill -STOP "$DPID"
lab_exec c1 python3 "$RG_TOP/tests/lab/flood.py" --connect 64.100.0.10:7003 \
	--count 3000 --concurrency 300 --timeout 30 >"$RG_TMP/flood.json" &
flood=$!
sleep 1
kill -CONT "$DPID"
wait "$flood"
wait "$sink"
check "overload: 3000 connections attempted, all completed ($(cat "$RG_TMP/flood.json"))" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["attempted"]==3000 and d["completed"]==3000' "$RG_TMP/flood.json"
check "overload: E accepted all 3000" \
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["accepted"]==3000' "$RG_TMP/sink.json"
overflow=$(status_field 's["counters"]["queue_overflow"]')
queued=$(status_field 's["counters"]["packets_queued"]')
check "overload: status counts the overflow let through ($overflow), beside $queued queued" \
	test "${overflow:-0}" -gt 0
check "overload: the daemon is still running" kill -0 "$DPID"
stop_daemon

# --- Someone deletes reflguard's table, or flushes the whole ruleset.
mkdir -p "$RG_TMP/state"
start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$STATE" ||
	not_ok "deleted table: daemon starts"
lab_exec fw "$REFLGUARD" exempt add 10.0.30.2 10.0.10.2 tcp/7003 --state "$STATE" \
	--control "$CTL" >/dev/null
lab_exec fw nft delete table ip reflguard
check "nft delete table: the observation chain is reinstated" wait_for has_chain observe
check "nft delete table: the exemption is reinstated from the state" wait_for has_element
check "nft delete table: logged" grep -q 'removed by someone else' "$RG_TMP/daemon.err"
lab_exec fw nft flush ruleset
check "nft flush ruleset: the observation chain is reinstated" wait_for has_chain observe
check "nft flush ruleset: the exemption is reinstated" wait_for has_element
check "reinstated: status counts it" test "$(status_field 's["counters"]["reinstated"]')" -ge 2
check "reinstated: the daemon is still running" kill -0 "$DPID"
stop_daemon

# --- A second daemon on the same box refuses to start, naming the first.
lab_down; lab_up nft-snat >/dev/null
start_daemon --expressway-e 64.100.0.10 || not_ok "lock: first daemon starts"
lab_exec fw "$REFLGUARD" run --expressway-e 64.100.0.10 --control "$RG_TMP/other.sock" \
	--queue 7004 >/dev/null 2>"$RG_TMP/second.err"
rc=$?
check "second daemon: exit 1 (not the bad-usage 2, which the unit never restarts)" test "$rc" -eq 1
check "second daemon: names the running one (pid $DPID)" grep -q "pid $DPID" "$RG_TMP/second.err"
stop_daemon

# --- SIGHUP: a valid file is applied at once, an invalid one changes nothing.
printf 'expressway-e = 64.100.0.10\nports = tcp/7003\n' >"$RG_TMP/rg.conf"
start_daemon -c "$RG_TMP/rg.conf" || not_ok "SIGHUP: daemon starts"
rules() { lab_exec fw nft list chain ip reflguard observe 2>/dev/null | grep -cE 'queue (num|flags)'; }
check "SIGHUP: one observation rule to begin with" test "$(rules)" -eq 1
printf 'expressway-e = 64.100.0.10\nports = tcp/7003, tcp/7400\n' >"$RG_TMP/rg.conf"
kill -HUP "$DPID"
check "SIGHUP (valid): logged as reloaded" wait_for grep -q 'configuration reloaded' "$RG_TMP/daemon.err"
check "SIGHUP (valid): the new port list is in force (two rules)" test "$(rules)" -eq 2
printf 'expressway-e = 64.100.0.10\nports = tcp/99999\n' >"$RG_TMP/rg.conf"
kill -HUP "$DPID"
check "SIGHUP (invalid): the error names FILE:LINE" \
	wait_for grep -q "rg.conf:2: invalid port '99999'" "$RG_TMP/daemon.err"
check "SIGHUP (invalid): the old rules stay" test "$(rules)" -eq 2
check "SIGHUP: the daemon is still running" kill -0 "$DPID"
stop_daemon

# --- The state file is never torn: kill -9 in the middle of writes.
torn=0
for i in $(seq 40); do
	lab_exec fw "$REFLGUARD" exempt add "10.0.30.$((i % 200 + 2))" 10.0.10.2 tcp/7003 \
		--force --state "$STATE" --control "$CTL" >/dev/null 2>&1 &
	pid=$!
	sleep "0.00$((RANDOM % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	lab_exec fw "$REFLGUARD" exempt list --state "$STATE" >/dev/null 2>&1 || torn=$((torn + 1))
done
check "kill -9 during 40 state writes: the file always parses (torn: $torn)" test "$torn" -eq 0
lab_exec fw "$REFLGUARD" exempt flush --state "$STATE" >/dev/null 2>&1

# --- A read-only state disk: an error event, the kernel keeps the fix, retried.
lab_down; lab_up nft-snat >/dev/null
rm -rf "$RG_TMP/ro"; mkdir -p "$RG_TMP/ro"
ip netns exec "$(lab_ns fw)" unshare -m sh -c '
	mount -t tmpfs -o size=1m tmpfs "$1" && mount -o remount,ro "$1" &&
	exec "$2" run --mode remediate --expressway-e 64.100.0.10 --events "$3" \
		--control "$4" --state "$1/state.json"' sh "$RG_TMP/ro" "$REFLGUARD" \
	"$EVENTS" "$CTL" 2>"$RG_TMP/daemon.err" &
DPID=$!
wait_for has_chain observe || not_ok "read-only state: daemon starts"
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "read-only state: an error event names the state write" \
	wait_for grep -q '"event":"error".*"what":"state-write"' "$EVENTS"
check "read-only state: the exemption is in the kernel all the same" has_element
check "read-only state: the daemon keeps running" kill -0 "$DPID"
ro_failures() { [ "$(status_field 's["counters"]["state_write_failures"]')" -ge 1 ] 2>/dev/null; }
check "read-only state: status counts the failed write" wait_for ro_failures
stop_daemon

# --- A large state: every exemption lands, whatever the batch's size (one
# NEWSETELEM message carries 256 of them; the whole batch is one sendmsg,
# and its 391 acks must all fit the receive buffer). 100k, the issue's size.
lab_down; lab_up nft-snat >/dev/null
python3 - "$RG_TMP/big.json" <<'PY'
import sys
rows = ['{"c":"10.%d.%d.%d","e_internal":"10.0.10.2","proto":"tcp","port":7003,'
        '"added":"2026-11-25T12:00:00.000000Z","why":"test","verified":false}'
        % (40 + i // 62500, (i // 250) % 250, i % 250 + 1) for i in range(100000)]
open(sys.argv[1], "w").write('{"version":1,"exemptions":[\n' + ",\n".join(rows) + "\n]}\n")
PY
start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$RG_TMP/big.json" ||
	not_ok "100k exemptions: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
check "100k exemptions: the daemon says it restored them" \
	wait_for grep -q 'restored 100000 exemptions' "$RG_TMP/daemon.err"
n=$(lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -o '10\.[0-9.]* \. 10\.0\.10\.2' | wc -l)
check "100k exemptions restored: all $n of 100000 in the set" test "$n" -eq 100000
stop_daemon
