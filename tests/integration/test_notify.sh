#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The sd_notify protocol, against a socket the test listens on as systemd
# would: READY once the chain is installed, STATUS with counters, RELOADING
# on SIGHUP, STOPPING on SIGTERM.
. "$(dirname "$0")/lib.sh"

SOCK=$RG_TMP/notify.sock
LOG=$RG_TMP/notify.log
lab_up nft-snat >/dev/null || { not_ok "notify: lab up"; exit 1; }

listen_notify

printf 'expressway-e = 64.100.0.10\n' >"$RG_TMP/rg.conf"
NOTIFY_SOCKET=$SOCK ip netns exec "$(lab_ns fw)" "$REFLGUARD" run -c "$RG_TMP/rg.conf" \
	--events "$RG_TMP/ev.json" --control "$RG_TMP/ctl.sock" --state "$RG_TMP/state" \
	--log stderr 2>"$RG_TMP/daemon.err" &
dpid=$!
for _ in $(seq 100); do grep -q 'READY=1' "$LOG" 2>/dev/null && break; sleep 0.05; done
check "READY=1 arrives" grep -q 'READY=1' "$LOG"
check "READY=1 comes with MAINPID" grep -q "MAINPID=$dpid" "$LOG"
has_chain() { lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1; }
check "READY=1 only once the observation chain is installed" has_chain
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
for _ in $(seq 60); do grep -q 'STATUS=dry-run: 1 flow, 1 translated' "$LOG" && break; sleep 0.05; done
check "STATUS carries the counters" grep -q 'STATUS=dry-run: 1 flow, 1 translated' "$LOG"
# The reload switches to remediate: the stop line must say what stays.
printf 'expressway-e = 64.100.0.10\nexpressway-c = 10.0.30.2\nmode = remediate\n' >"$RG_TMP/rg.conf"
kill -HUP "$dpid"
for _ in $(seq 60); do grep -q 'RELOADING=1' "$LOG" && break; sleep 0.05; done
check "SIGHUP: RELOADING=1 then READY=1" \
	bash -c 'grep -n "RELOADING=1\|READY=1" "$0" | tail -2 | grep -q "READY=1"' "$LOG"
kill -TERM "$dpid"
wait "$dpid"
check "SIGTERM: exit 0" test $? -eq 0
check "stop after a reload to remediate: 'the exemptions stay in force'" \
	grep -q 'stopping; the exemptions stay in force' "$RG_TMP/daemon.err"
wait "$NPID"
check "SIGTERM: STOPPING=1" grep -q 'STOPPING=1' "$LOG"

# ---- the watchdog: WATCHDOG=1 at half of $WATCHDOG_USEC, from the loop ----
pings() { grep -c 'WATCHDOG=1' "$LOG" 2>/dev/null || true; }
run_watchdog() {	# ENV...: the daemon with that environment, its pid in dpid
	listen_notify
	env NOTIFY_SOCKET="$SOCK" "$@" ip netns exec "$(lab_ns fw)" "$REFLGUARD" run \
		-c "$RG_TMP/rg.conf" --events "$RG_TMP/ev.json" --control "$RG_TMP/ctl.sock" \
		2>"$RG_TMP/daemon.err" &
	dpid=$!
	for _ in $(seq 100); do grep -q 'READY=1' "$LOG" 2>/dev/null && break; sleep 0.05; done
}
stop_watchdog() {
	kill -TERM "$dpid"
	wait "$dpid"
	wait "$NPID"
}
run_watchdog WATCHDOG_USEC=400000
sleep 1.5
n=$(pings)
check "watchdog: WATCHDOG=1 every 200 ms for a 400 ms WATCHDOG_USEC ($n in 1.5 s)" \
	test "$n" -ge 5 -a "$n" -le 10
kill -STOP "$dpid"
n=$(pings)
sleep 1
check "watchdog: a daemon that does not run does not ping" test "$(pings)" -le $((n + 1))
kill -CONT "$dpid"
more_pings() { [ "$(pings)" -gt "$1" ]; }
check "watchdog: and pings again when it does" wait_for more_pings $((n + 1))
stop_watchdog
check "watchdog: SIGTERM: STOPPING=1 (while pinging)" grep -q 'STOPPING=1' "$LOG"
run_watchdog WATCHDOG_USEC=400000 WATCHDOG_PID=1
sleep 1
check "watchdog: WATCHDOG_PID of another process: no ping" test "$(pings)" -eq 0
stop_watchdog
run_watchdog
sleep 1
check "watchdog: no WATCHDOG_USEC: no ping" test "$(pings)" -eq 0
stop_watchdog
