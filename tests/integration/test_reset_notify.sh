#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A connection reflguard resets is closed at both of its ends within a
# second, instead of each end waiting for its own timeout: a translated
# connection that predates the daemon (both kernel paths), and the second
# of two connections C opens a few ms apart, before the exemption lands
# (compat+lookup; with NFQA_CT its SYN is dropped instead and it comes
# back clean). The exempted one keeps working; --no-reset resets nothing.
. "$(dirname "$0")/lib.sh"

LIFE=4		# seconds each stand-in keeps a connection that is not reset

remediate() {
	local state=$1
	shift
	start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$state" "$@"
}

# E, then C, with N connections, in the background: their lines land in
# $RG_TMP/te.json and $RG_TMP/tc.json.
twins_start() {
	local n=$1
	rm -f "$RG_TMP/te.ready" "$RG_TMP/te.json" "$RG_TMP/tc.json"
	ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/twin_peer.py" e --count "$n" \
		--life "$LIFE" --ready-file "$RG_TMP/te.ready" >"$RG_TMP/te.json" 2>&1 &
	TE_PID=$!
	wait_for test -e "$RG_TMP/te.ready"
	ip netns exec "$(lab_ns c1)" python3 "$RG_TOP/tests/lab/twin_peer.py" c --count "$n" \
		--bind 10.0.30.2 --life "$LIFE" >"$RG_TMP/tc.json" 2>&1 &
	TC_PID=$!
}

twins_wait() {
	wait "$TC_PID" "$TE_PID" 2>/dev/null
}

# The reset event's time, as seconds since the epoch.
reset_ts() {
	python3 -c 'import json,sys,datetime
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("event")=="reset":
        print(datetime.datetime.strptime(e["ts"],"%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()); break' "$EVENTS"
}

# told ROLE: of ROLE's connections (c or e) the one that was reset ended
# with an RST or EOF, and within 1 s of the reset event; prints the delay.
told() {
	python3 -c 'import json,sys
role,t0=sys.argv[2],float(sys.argv[3])
lines=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ends=[r for r in lines if r.get("role")==role and r.get("end") in ("rst","eof")]
if not ends: print("no reset end seen:", lines); sys.exit(1)
d=min(r["end_ts"] for r in ends)-t0
print("%s learnt of the reset after %.3f s (%s)" % (role, d, ends[0]["end"]))
sys.exit(0 if d < 1.0 else 1)' "$2" "$1" "$3"
}

# working FILE N: N of the connections in FILE lived their whole life, echoing.
working() {
	python3 -c 'import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ok=[r for r in lines if r.get("end")=="life" and r.get("echoes",0)>=3]
sys.exit(0 if len(ok)>=int(sys.argv[2]) else 1)' "$1" "$2"
}

ev_none() { ! ev_has "$@"; }

lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 0; }

# 1. A live translated connection, made before the daemon: the start-up
# scan exempts and resets it; E keeps talking, so both ends can be told.
twins_start 1
wait_for lab_exec fw sh -c 'conntrack -L -p tcp --orig-src 10.0.30.2 2>/dev/null | grep -q ESTABLISHED'
if remediate "$RG_TMP/state1.json"; then
	check "predating live connection: reset event" wait_ev event=reset
	# Held 2 s: long enough to see it marked, not deleted.
	check "predating live connection: its conntrack entry is marked, not yet deleted" \
		eval "lab_exec fw conntrack -L -p tcp --mark 0x40000000/0x40000000 2>/dev/null | grep -q src=10.0.30.2"
	twins_wait
	T0=$(reset_ts)
	if [ -n "$T0" ]; then
		out=$(told c "$RG_TMP/tc.json" "$T0"); check "predating live connection: C's end is closed within 1 s: $out" test $? -eq 0
		out=$(told e "$RG_TMP/te.json" "$T0"); check "predating live connection: E's end is closed within 1 s: $out" test $? -eq 0
	else
		not_ok "predating live connection: no reset event to time from"
	fi
	check "predating live connection: the reset chain is in reflguard's table" \
		eval "lab_exec fw nft list chain ip reflguard resets >/dev/null 2>&1"
	stop_daemon
	check "predating live connection: SIGTERM exits 0" test $? -eq 0
else
	not_ok "predating live connection: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
	twins_wait
fi
lab_exec fw nft delete table ip reflguard 2>/dev/null
lab_exec fw conntrack -F >/dev/null 2>&1

# 2. Two connections a few ms apart, before the exemption lands. Both must
# leave translated for the case to say anything: on a loaded machine C's
# second SYN may come after the exemption (then clean): tried up to 3 times.
translated_flows() {
	python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(sum(1 for e in ev if e.get("event")=="flow" and e.get("translated") is True))' "$EVENTS"
}

two_at_once() {
	local try
	for try in 1 2 3; do
		lab_exec fw nft delete table ip reflguard 2>/dev/null
		lab_exec fw conntrack -F >/dev/null 2>&1
		remediate "$RG_TMP/state2-$try.json" || return 1
		twins_start 2
		twins_wait
		# With NFQA_CT both SYNs are dropped and come back clean: no retry.
		[ "$RG_PATH" = native+nfqa-ct ] && return 0
		[ "$(translated_flows)" -ge 2 ] && return 0
		echo "# two at once, try $try: C's second SYN came after the exemption; again"
		stop_daemon
	done
	return 0
}

if two_at_once; then
	check "two at once: exempted event" ev_has event=exempted
	if [ "$RG_PATH" = native+nfqa-ct ]; then
		# Both SYNs are dropped before their entries are confirmed; the
		# retransmissions meet the exemption: nothing to reset.
		check "two at once (NFQA_CT): no reset event" ev_none event=reset
		check "two at once (NFQA_CT): both connections work (C)" working "$RG_TMP/tc.json" 2
		check "two at once (NFQA_CT): both connections work (E)" working "$RG_TMP/te.json" 2
	else
		check "two at once: both connections left translated ($(translated_flows))" \
			test "$(translated_flows)" -ge 2
		check "two at once: the second is reset" ev_has event=reset
		T0=$(reset_ts)
		if [ -n "$T0" ]; then
			out=$(told c "$RG_TMP/tc.json" "$T0"); check "two at once: the reset connection's C end is closed within 1 s: $out" test $? -eq 0
			out=$(told e "$RG_TMP/te.json" "$T0"); check "two at once: the reset connection's E end is closed within 1 s: $out" test $? -eq 0
		else
			not_ok "two at once: no reset event to time from"
		fi
		check "two at once: the exempted connection keeps working (C)" working "$RG_TMP/tc.json" 1
		check "two at once: the exempted connection keeps working (E)" working "$RG_TMP/te.json" 1
	fi
	check "two at once: the held entry is deleted after the hold" \
		wait_for sh -c "! ip netns exec $(lab_ns fw) conntrack -L -p tcp --mark 0x40000000/0x40000000 2>/dev/null | grep -q src="
	stop_daemon
	check "two at once: SIGTERM exits 0" test $? -eq 0
else
	not_ok "two at once: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi
lab_exec fw nft delete table ip reflguard 2>/dev/null
lab_exec fw conntrack -F >/dev/null 2>&1

# 3. --no-reset: the predating connection is exempted but left alone.
twins_start 1
wait_for lab_exec fw sh -c 'conntrack -L -p tcp --orig-src 10.0.30.2 2>/dev/null | grep -q ESTABLISHED'
if remediate "$RG_TMP/state3.json" --no-reset; then
	check "--no-reset: exempted event" wait_ev event=exempted
	twins_wait
	check "--no-reset: no reset event" ev_none event=reset
	check "--no-reset: the connection lives on (C)" working "$RG_TMP/tc.json" 1
	check "--no-reset: the connection lives on (E)" working "$RG_TMP/te.json" 1
	check "--no-reset: no reset chain" eval '! lab_exec fw nft list chain ip reflguard resets >/dev/null 2>&1'
	stop_daemon
	check "--no-reset: SIGTERM exits 0" test $? -eq 0
else
	not_ok "--no-reset: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
	twins_wait
fi
