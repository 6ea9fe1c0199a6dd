#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A resync's conntrack dump is read a few datagrams a loop turn on a socket
# of its own: with 100,000 UDP entries to Expressway-E's public address in
# conntrack, a queue overrun (ENOBUFS) brings a resync that reads them all,
# and sequential traversal connections timed from C1 meanwhile keep a
# bounded setup time. The old daemon read the dump in one piece and held
# every verdict for a quarter second and more.
. "$(dirname "$0")/lib.sh"

N=100000
BOUND_MS=150
case $REFLGUARD in */asan/*) BOUND_MS=400 ;; esac
if [ -n "${RG_VM:-}" ]; then
	skip "resync of $N entries: not in the emulated VM (1 CPU under TCG)"
	exit 0
fi

status_field() {	# PYTHON-EXPR over s
	lab_exec fw "$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
scanned_at_least() { [ "$(status_field 's["counters"]["scan_flows"]')" -ge "$1" ] 2>/dev/null; }
ct_count() { lab_exec fw conntrack -C 2>/dev/null || echo 0; }


lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }
lab_exec fw sysctl -qw net.netfilter.nf_conntrack_max=400000 2>/dev/null
lab_exec e python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
	--idle 120 >/dev/null &
SINK=$!
start_daemon --expressway-e 64.100.0.10 --queue-maxlen 1024 \
	--queue-rcvbuf 4096 || { not_ok "daemon starts"; cat "$RG_TMP/daemon.err"; exit 1; }
# The entries: UDP from C1 to every port of E's public address, from two
# sockets (unreplied: they last 30 s), made after the start-up scan.
lab_exec c1 python3 - "$N" <<'PY'
import socket, sys
n = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n // 60000 + 1)]
for i in range(n):
    try:
        socks[i // 60000].sendto(b"x", ("64.100.0.10", 1024 + i % 60000))
    except OSError:
        pass
PY
n_ct=$(ct_count)
echo "# conntrack holds $n_ct entries"
check "setup: $N entries in conntrack" test "$n_ct" -ge "$N"
before=$(status_field 's["counters"]["scan_flows"]')
connect_times 2 "$RG_TMP/idle.txt" 0.005
echo "# idle: connection setup at most $(setup_max "$RG_TMP/idle.txt") ms"
connect_times 8 "$RG_TMP/busy.txt" 0.005 &
CONN=$!
sleep 1
# The overrun: 200 connections at once into a 4 KiB queue socket.
lab_exec c1 python3 "$RG_TOP/tests/lab/flood.py" --connect 64.100.0.10:7003 \
	--count 200 --concurrency 200 --timeout 30 >/dev/null
wait "$CONN"
check "the overrun brought a resync that read the entries" \
	scanned_at_least $((before + N))
busy=$(setup_max "$RG_TMP/busy.txt")
echo "# during the resync: connection setup at most $busy ms ($(wc -l <"$RG_TMP/busy.txt") connections); $(status_field 's["counters"]["enobufs"]') ENOBUFS"
check "resync: connections during it all completed" \
	bash -c '! grep -q failed "$0"' "$RG_TMP/busy.txt"
check "resync: verdicts are not held (longest setup $busy ms < $BOUND_MS ms)" \
	test "$busy" -lt "$BOUND_MS"
stop_daemon
check "stop: exit 0" test $? -eq 0
kill "$SINK" 2>/dev/null
