#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The queue socket's receive buffer: sized to --queue-maxlen so the queue
# really holds that many packets, set by --queue-rcvbuf, and when it
# overruns (ENOBUFS) the daemon counts it, logs it once a burst, finds the
# unobserved flows again by a conntrack resync, and keeps running; no
# connection is lost to it (fail-open). And a burst held while the
# daemon is stopped is reported flow by flow once it resumes (its batches'
# conntrack lookups asked 64 at a time).
. "$(dirname "$0")/lib.sh"

status_field() {	# PYTHON-EXPR over s
	lab_exec fw "$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# Packets waiting in reflguard's queue (7003), from the kernel's own table.
queued() {
	lab_exec fw awk '$1 == 7003 { print $3 }' /proc/net/netfilter/nfnetlink_queue
}

has_event_for() { [ -s "$EVENTS" ] && grep -q "\"c\":\"$1\"" "$EVENTS"; }
enobufs_at_least() { [ "$(status_field 's["counters"]["enobufs"]')" -ge "$1" ] 2>/dev/null; }

# flood N OUT [PARALLEL]: N connections from c1 to the hairpin (all at
# once unless PARALLEL), counted.
flood() {
	lab_exec c1 python3 "$RG_TOP/tests/lab/flood.py" --connect 64.100.0.10:7003 \
		--count "$1" --concurrency "${3:-$1}" --timeout 30 >"$2"
}
all_completed() {	# N FILE
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2])); n=int(sys.argv[1]); assert d["attempted"]==n and d["completed"]==n' "$1" "$2"
}

# sink COUNT: E accepts COUNT connections on 7003, then exits ($SINK).
sink() {
	rm -f "$RG_TMP/sink.ready"
	lab_exec e python3 "$RG_TOP/tests/lab/sink.py" --listen 10.0.10.2:7003 \
		--count "$1" --idle 10 --ready-file "$RG_TMP/sink.ready" >/dev/null &
	SINK=$!
	wait_for test -e "$RG_TMP/sink.ready"
}

queue_empty() { [ "$(queued)" = 0 ]; }

lab_up nft-snat >/dev/null || { not_ok "enobufs: lab up"; exit 1; }

# --- A burst of translated flows queued while the daemon is stopped: read
# back 64 at a time, and without NFQA_CT each batch's conntrack lookups
# are asked in one ctnetlink round trip. Every flow is reported once: none
# missing, none twice (a retransmitted SYN is queued too), on a fresh lab.
# Save for a NAT clash, which only the kernel's counters show: the lab's
# `snat fully-random` checks a port against confirmed entries only, so two
# SYNs held in the queue together can get the same translated port (about
# one run in four with 200); the second is dropped at confirmation, and
# its lookup by that port finds the first's entry, reported again with the
# other SYN's sequence number; the dropped one's retransmission is then
# reported as its own flow. So at most one extra event per failed insert.
insert_failed() {	# the firewall's conntrack insert failures, all CPUs
	lab_exec fw conntrack -S 2>/dev/null |
		sed -n 's/.*insert_failed=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }'
}
# C's SYN retransmissions: with NFQA_CT a SYN retransmitted while the first
# waits in the queue (a stopped daemon held for over a second, as on a slow
# machine) is a new unconfirmed entry, queued and reported on its own; the
# loser of the two is dropped at confirmation. One extra event each at most.
syn_retrans() {
	lab_exec c1 nstat -asz TcpExtTCPSynRetrans 2>/dev/null |
		awk '$1 == "TcpExtTCPSynRetrans" { n = $2 } END { print n + 0 }'
}
extra_allowed() {	# NAT clashes and SYN retransmissions since the flood
	echo $(($(insert_failed) - FAILED0 + $(syn_retrans) - RETRANS0))
}
one_event_each() {	# N CLASHES: N flows reported, at most CLASHES twice
	python3 - "$EVENTS" "$1" "$2" <<'PY'
import collections, json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
c = collections.Counter(e["c"] for e in ev if e.get("event") == "flow"
                        and e.get("translated") and e["c"].startswith("10.0.30.2:"))
n, clashes = int(sys.argv[2]), int(sys.argv[3])
extra = sum(v - 1 for v in c.values())
ok = len(c) == n and extra <= clashes
print(f"# {len(c)} flows reported, {extra} extra events, {clashes} NAT clashes",
      file=open(sys.argv[1] + ".why", "w"))
sys.exit(0 if ok else 1)
PY
}
reported_once() {	# N: waits for one_event_each, says why not
	local clashes
	clashes=$(extra_allowed)
	wait_for one_event_each "$1" "$clashes" && return 0
	cat "$EVENTS.why" 2>/dev/null
	return 1
}
counter_is() { [ "$(status_field "s[\"counters\"][\"$1\"]")" = "$2" ]; }
start_daemon --expressway-e 64.100.0.10 --queue-maxlen 1024 ||
	not_ok "burst of 200: daemon starts"
sink 200
FAILED0=$(insert_failed)
RETRANS0=$(syn_retrans)
kill -STOP "$DPID"
flood 200 "$RG_TMP/flows.json" &
fpid=$!
for _ in $(seq 100); do
	[ "$(queued)" -ge 200 ] 2>/dev/null && break
	sleep 0.05
done
held=$(queued)
kill -CONT "$DPID"
wait "$fpid"
wait "$SINK"
check "burst of 200: the stopped daemon's queue held ${held:-0} SYNs" test "${held:-0}" -ge 200
check "burst of 200: all 200 connections completed" all_completed 200 "$RG_TMP/flows.json"
check "burst of 200: the queue empties" wait_for queue_empty
check "burst of 200: one event for each of the 200 translated flows, none twice" \
	reported_once 200
check "burst of 200: no lookup failed ($(status_field 's["counters"]["lookup_failures"]'))" \
	counter_is lookup_failures 0
check "burst of 200: no lookup answer lost ($(status_field 's["counters"]["lookup_overruns"]') overruns)" \
	counter_is lookup_overruns 0
classified_ok() {	# 200 flows, and one more for each clash or retransmission at most
	local n
	n=$(status_field 's["counters"]["flows_classified"]')
	[ "$n" -ge 200 ] && [ "$n" -le $((200 + $(extra_allowed))) ]
}
check "burst of 200: 200 flows classified ($(status_field 's["counters"]["flows_classified"]'), NAT clashes and SYN retransmissions $(extra_allowed))" \
	classified_ok
stop_daemon

# --- The default buffer holds queue-maxlen packets, not the kernel's 256.
start_daemon --expressway-e 64.100.0.10 --queue-maxlen 1024 ||
	not_ok "queue-maxlen: daemon starts"
check "queue-maxlen 1024: the receive buffer is sized to it (logged)" \
	grep -q 'receive buffer [0-9]\{7,\} bytes' "$RG_TMP/daemon.err"
sink 600
kill -STOP "$DPID"
flood 600 "$RG_TMP/held.json" &
fpid=$!
most=0
for _ in $(seq 200); do
	n=$(queued); [ "${n:-0}" -gt "$most" ] && most=$n
	[ "$most" -ge 600 ] && break
	sleep 0.05
done
kill -CONT "$DPID"
wait "$fpid"
wait "$SINK"
check "queue-maxlen 1024: a stopped daemon's queue held $most of 600 SYNs (the old buffer: 256)" \
	test "$most" -gt 300
check "queue-maxlen 1024: all 600 connections completed" all_completed 600 "$RG_TMP/held.json"
# Batch verdicts: a packet read but left without a verdict would stay in
# the queue (its connection completing by retransmission all the same).
check "queue-maxlen 1024: every queued packet got its verdict (the queue empties)" \
	wait_for queue_empty
check "queue-maxlen 1024: the daemon read them ($(status_field 's["counters"]["packets_queued"]') queued)" \
	test "$(status_field 's["counters"]["packets_queued"]')" -ge "$most"
check "queue-maxlen 1024: no ENOBUFS" test "$(status_field 's["counters"]["enobufs"]')" -eq 0
stop_daemon

# --- A tiny buffer, overrun while the daemon is stopped, again and again in
# one burst.
start_daemon --expressway-e 64.100.0.10 --queue-rcvbuf 4096 ||
	not_ok "queue-rcvbuf: daemon starts"
check "queue-rcvbuf 4096: the receive buffer is small (logged)" \
	grep -q 'receive buffer [0-9]\{4\} bytes' "$RG_TMP/daemon.err"
sink 2200
kill -STOP "$DPID"
flood 200 "$RG_TMP/burst1.json" &
fpid=$!
sleep 0.3
# A traversal connection in the burst: it passes unobserved (fail-open).
exchange c1 10.0.30.2:27901 64.100.0.10:7004 10.0.10.2:7004
check "burst: the traversal connection completed while the daemon was stopped" \
	test -n "$(jfield "$RG_TMP/e.json" peer)"
# More of the burst, the daemon stopped and resumed every 150 ms: each
# stop overruns the buffer again, well within one burst (5 s).
flood 2000 "$RG_TMP/burst2.json" 50 &
f2pid=$!
for _ in $(seq 10); do
	kill -CONT "$DPID"; sleep 0.05
	kill -STOP "$DPID"; sleep 0.1
done
kill -CONT "$DPID"
wait "$fpid" "$f2pid"
wait "$SINK"
check "burst: several overruns counted ($(status_field 's["counters"]["enobufs"]'))" \
	wait_for enobufs_at_least 2
check "burst: all 200 connections of the first wave completed" all_completed 200 "$RG_TMP/burst1.json"
check "burst: all 2000 connections of the second wave completed" all_completed 2000 "$RG_TMP/burst2.json"
check "burst: the daemon is still running" kill -0 "$DPID"
lines=$(grep -c 'ENOBUFS): packets passed unobserved' "$RG_TMP/daemon.err")
check "burst: one ENOBUFS line for the burst ($lines), not one per overrun" test "$lines" -eq 1
check "burst: the resync from conntrack is logged" \
	grep -q 'resynced from conntrack after ENOBUFS: [1-9][0-9]* entries' "$RG_TMP/daemon.err"
check "burst: the unobserved traversal connection is reported (found by the resync)" \
	wait_for has_event_for 10.0.30.2:27901
exchange c1 10.0.30.2:27902 64.100.0.10:7004 10.0.10.2:7004
check "after the burst: a new traversal connection is reported" \
	wait_for has_event_for 10.0.30.2:27902
check "after the burst: the daemon is still running" kill -0 "$DPID"
stop_daemon
check "after the burst: SIGTERM exits 0" test $? -eq 0
