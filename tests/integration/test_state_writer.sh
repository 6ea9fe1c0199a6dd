#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The state file is written beside the loop: with every fsync of the
# daemon slowed to 300 ms (strace's delay injection), 1,000 `exempt add`
# requests are answered while traversal connections keep going through
# at their usual speed (the old loop fsync'd twice per exemption, so each
# connection's first packet waited behind them); the writes coalesce
# (status counts far fewer than 1,000); every exemption is in the file at
# stop and back in the kernel after a restart.
. "$(dirname "$0")/lib.sh"

N=1000
ST=$RG_TMP/state.json
DELAY_US=300000

status_field() {	# PYTHON-EXPR over s
	"$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# adds N: N exempt-add requests on the control socket, one at a time (as
# `reflguard exempt add` sends them), for 60 s at most; prints how many
# were answered ok.
adds() {
	python3 - "$CTL" "$1" <<'PY'
import socket, sys, time
path, n, ok = sys.argv[1], int(sys.argv[2]), 0
end = time.monotonic() + 60
for i in range(n):
    if time.monotonic() > end:
        break
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    s.sendall(b"exempt-add 10.1.%d.%d 10.0.10.2 tcp/7003 force\n" % (i >> 8, i & 255))
    reply = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        reply += b
    s.close()
    ok += b'"ok":true' in reply
print(ok)
PY
}


lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }
lab_exec e python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 120 >/dev/null &
SINK=$!
start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$ST" \
	--max-exemptions 2000 || { not_ok "daemon starts"; cat "$RG_TMP/daemon.err"; exit 1; }
# C1's own exemption, and its first clean connection, before measuring.
connect_times 1.5 "$RG_TMP/warm.txt" 0.02
wait_for test -s "$ST"

if ! command -v strace >/dev/null; then
	skip "fsync slowed by strace: strace not installed"
	n_ok=$(adds "$N")
else
	strace -f -qq -o /dev/null -e trace=fsync,fdatasync \
		-e inject=fsync:delay_enter=$DELAY_US -p "$DPID" &
	STRACE=$!
	sleep 1
	connect_times 6 "$RG_TMP/idle.txt" 0.02
	connect_times 60 "$RG_TMP/busy.txt" 0.02 &
	CONN=$!
	t0=$(date +%s)
	n_ok=$(adds "$N")
	echo "# $N adds took $(($(date +%s) - t0)) s with fsync slowed by $((DELAY_US / 1000)) ms"
	kill "$CONN" 2>/dev/null
	wait "$CONN" 2>/dev/null
	idle=$(setup_median "$RG_TMP/idle.txt")
	busy=$(setup_median "$RG_TMP/busy.txt")
	echo "# connection setup, median: $idle ms before, $busy ms during the adds ($(wc -l <"$RG_TMP/busy.txt") connections)"
	check "slow fsync: connections during the adds all completed" \
		bash -c '! grep -q failed "$0"' "$RG_TMP/busy.txt"
	check "slow fsync: connections during the adds are not held (median $busy ms < 100 ms)" \
		test "$busy" -lt 100
	kill "$STRACE"
	wait "$STRACE" 2>/dev/null
fi
check "exempt add: $N answered ok" test "$n_ok" -eq "$N"
writes=$(status_field 's["counters"]["state_writes"]')
echo "# state writes: $writes for $N exemptions"
check "the state writes coalesce ($writes writes for $N exemptions)" \
	test "${writes:-0}" -ge 1 -a "${writes:-$N}" -lt "$N"
check "status counts no failed state write" \
	test "$(status_field 's["counters"]["state_write_failures"]')" = 0
stop_daemon
check "stop: exit 0" test $? -eq 0
python3 -c 'import json,sys
x = json.load(open(sys.argv[1]))["exemptions"]
assert len(x) == int(sys.argv[2]) + 1, len(x)' "$ST" "$N" 2>"$RG_TMP/err"
check "stop: the state file holds all $((N + 1)) exemptions" test $? -eq 0

lab_exec fw nft delete table ip reflguard
start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$ST" \
	--max-exemptions 2000 || { not_ok "daemon restarts"; cat "$RG_TMP/daemon.err"; exit 1; }
n_set=$(lab_exec fw nft -j list set ip reflguard exempt4 | python3 -c 'import json,sys
print(sum(len(o["set"].get("elem", [])) for o in json.load(sys.stdin)["nftables"] if "set" in o))')
check "restart: all $((N + 1)) exemptions are in the kernel again" test "$n_set" -eq $((N + 1))
stop_daemon
kill "$SINK" 2>/dev/null
