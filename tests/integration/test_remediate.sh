#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The remediating daemon in the lab: it exempts each translated traversal
# flow in its own table, so the next connection reaches Expressway-E with
# C's real address (200 instead of 408), for every translating ruleset and
# IPv6; it keeps its exemptions across restarts, SIGTERM and kill -9, resets
# translated connections found at start, refuses where a fix is unsafe or
# useless, and `exempt` and `teardown` manage the same state by hand.
. "$(dirname "$0")/lib.sh"

C1_ELEM='10.0.30.2 . 10.0.10.2 . tcp . 7003'
C2_ELEM='10.0.31.3 . 10.0.10.2 . tcp . 7003'

# remediate STATE ARGS...: the remediating daemon for E 64.100.0.10.
remediate() {
	local state=$1
	shift
	start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$state" "$@"
}

# Removes reflguard's tables with nft itself (not with reflguard), so that
# each case starts from a kernel without exemptions.
reset_kernel() {
	lab_exec fw nft delete table ip reflguard 2>/dev/null
	lab_exec fw nft delete table ip6 reflguard 2>/dev/null
	return 0
}

no_rg_table() { test -z "$(lab_exec fw nft list tables 2>/dev/null | grep reflguard)"; }

# in_set FAMILY SET ELEMENT: the element is in reflguard's set.
in_set() { lab_exec fw nft list set "$1" reflguard "$2" 2>/dev/null | grep -qF "$3"; }
not_in_set() { ! in_set "$@"; }
# set_empty: no exempt4 set, or one without elements.
set_empty() { ! lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -q 'elements'; }

c1() { xchg c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003 "${1:-1}"; }
c2() { xchg c2 10.0.31.3:27902 64.100.0.10:7003 10.0.10.2:7003 "${1:-1}"; }

# first_answer: C's answer at attempt 1.
first_answer() { python3 -c 'import json,sys
c=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(c[0].get("answer","") if c else "")' "$RG_TMP/c.json"; }

# ev_has, wait_ev: lib.sh's.
ev_none() { ! ev_has "$@"; }

# ev_get KEY=VALUE... FIELD: FIELD of the first event matching the pairs.
ev_get() {
	python3 -c 'import json,sys
want=dict(a.split("=",1) for a in sys.argv[2:-1])
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
m=[e for e in ev if all(str(e.get(k))==v for k,v in want.items())]
print(m[0].get(sys.argv[-1], "") if m else "")' "$EVENTS" "$@" 2>/dev/null
}

status_json() { "$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/status.json" 2>&1; }

# status_lists C_ADDR: status --json lists an exemption for C towards E 10.0.10.2 tcp/7003.
status_lists() {
	status_json && python3 -c 'import json,sys
s=json.load(open(sys.argv[1]))
x=[x for x in s["exemptions"] if x["c"]==sys.argv[2]]
assert x and x[0]["e_internal"]=="10.0.10.2" and x[0]["proto"]=="tcp" and x[0]["port"]==7003, s["exemptions"]
assert all(k in x[0] for k in ("added","why","verified"))' "$RG_TMP/status.json" "$1"
}

# ct_entry C_ADDR C_PORT: the firewall still tracks a connection from C's port.
ct_entry() {
	lab_exec fw conntrack -L -p tcp --orig-src "$1" --orig-port-src "$2" 2>/dev/null |
		grep -q "src=$1"
}

# ---- 1 and 13: each translating ruleset ----

remediate_case() {	# RULESET
	local rs=$1 state=$RG_TMP/state-$1.json before after rc ms
	lab_down; lab_up "$rs" >/dev/null || { not_ok "remediate ($rs): lab up"; return; }
	before=$(user_ruleset "$rs")
	if ! remediate "$state"; then
		not_ok "remediate ($rs): daemon starts"
		head -c 600 "$RG_TMP/daemon.err"
		return
	fi
	ok "remediate ($rs): daemon starts"
	# Without NFQA_CT the SYNs are also seen before NAT, to be paired.
	if [ "${RG_PATH#*+}" = lookup ]; then
		check "remediate ($rs): lookup path: the observe_pre chain is installed" \
			eval 'lab_exec fw nft list chain ip reflguard observe_pre >/dev/null 2>&1'
	else
		check "remediate ($rs): NFQA_CT path: no observe_pre chain" \
			eval '! lab_exec fw nft list chain ip reflguard observe_pre >/dev/null 2>&1'
	fi
	c1 3
	check "remediate ($rs): C1 gets 200 within two attempts, Route and E's peer 10.0.30.2:27901" \
		got200 2 10.0.30.2:27901
	# The first SYN is dropped as the pair is exempted (decided before its
	# verdict: from NFQA_CT, or from its view before NAT on the lookup
	# path): its retransmission goes through clean and the first
	# connection is rescued, on both kernel paths.
	check "remediate ($rs): rescue: C1's first attempt itself gets 200 ($RG_PATH)" \
		got200 1 10.0.30.2:27901
	c2 3
	check "remediate ($rs): C2 gets 200 within two attempts, Route and E's peer 10.0.31.3:27902" \
		got200 2 10.0.31.3:27902
	check "remediate ($rs): C1's translated flow event says exempted" \
		wait_ev event=flow c=10.0.30.2:27901 translated=true action=exempted
	check "remediate ($rs): exempted event for C1 with element and statement" \
		wait_ev event=exempted c=10.0.30.2:27901 element="$C1_ELEM" \
		statement="add element ip reflguard exempt4 { $C1_ELEM }"
	check "remediate ($rs): C1's next flow is clean (translated false)" \
		wait_ev event=flow c=10.0.30.2:27901 translated=false
	check "remediate ($rs): verified event for C1" wait_ev event=verified c=10.0.30.2:27901
	check "remediate ($rs): exempted event for C2" wait_ev event=exempted c=10.0.31.3:27902 element="$C2_ELEM"
	check "remediate ($rs): verified event for C2" wait_ev event=verified c=10.0.31.3:27902
	ms=$(ev_get event=verified c=10.0.30.2:27901 time_to_fix_ms)
	if [ -n "$ms" ] && [ "$ms" -ge 0 ] 2>/dev/null && [ "$ms" -le 1200 ]; then
		ok "time to fix ($rs): $ms ms"
	else
		not_ok "time to fix ($rs): '$ms' ms (want <= 1200: C's SYN retransmission)"
	fi
	check "remediate ($rs): set exempt4 holds C1's element" in_set ip exempt4 "$C1_ELEM"
	check "remediate ($rs): set exempt4 holds C2's element" in_set ip exempt4 "$C2_ELEM"
	status_json
	check "remediate ($rs): status counts 2 exempted, 2 verified and a time to fix" \
		python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); c=s["counters"]
assert c["exempted"]==2 and c["verified"]==2 and s["last_time_to_fix_ms"]>=0, s' "$RG_TMP/status.json"
	check "remediate ($rs): state file holds both exemptions" python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["exemptions"]
assert sorted(e["c"] for e in x)==["10.0.30.2","10.0.31.3"], x' "$state"
	stop_daemon
	rc=$?
	check "remediate ($rs): SIGTERM exits 0" test "$rc" -eq 0
	check "remediate ($rs): observe chain gone after SIGTERM" \
		test -z "$(lab_exec fw nft list chain ip reflguard observe 2>/dev/null)"
	check "remediate ($rs): observe_pre chain gone after SIGTERM" \
		test -z "$(lab_exec fw nft list chain ip reflguard observe_pre 2>/dev/null)"
	check "remediate ($rs): exempt chain stays after SIGTERM" \
		eval 'lab_exec fw nft list chain ip reflguard exempt >/dev/null 2>&1'
	check "remediate ($rs): both elements stay after SIGTERM" \
		eval 'in_set ip exempt4 "$C1_ELEM" && in_set ip exempt4 "$C2_ELEM"'
	after=$(user_ruleset "$rs")
	check "remediate ($rs): the user's ruleset is unchanged" test "$before" = "$after"
	c1 1
	check "remediate ($rs): after SIGTERM, a new C1 connection gets 200 at attempt 1" \
		got200 1 10.0.30.2:27901
}

remediate_case iptables-legacy
remediate_case iptables-nft
remediate_case fw4
remediate_case nft-snat

# 2. Restart from the state file alone (the kernel's objects gone, as after
# a reboot): the exemptions are back before the observation chain exists.
STATE=$RG_TMP/state-nft-snat.json
reset_kernel
if remediate "$STATE"; then
	check "restart: both exemptions restored by the time the observe chain exists" \
		eval 'in_set ip exempt4 "$C1_ELEM" && in_set ip exempt4 "$C2_ELEM"'
	c1 3
	check "restart: C1's first connection gets 200 at attempt 1" got200 1 10.0.30.2:27901
	check "restart: status lists C1's exemption" status_lists 10.0.30.2
	check "restart: no new exempted event (already in force)" ev_none event=exempted
	stop_daemon
	check "restart: SIGTERM exits 0" test $? -eq 0
else
	not_ok "restart: daemon starts with the state file: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# 3. teardown: the fault is back; --purge removes the state file too.
lab_exec fw "$REFLGUARD" teardown --state "$STATE" >/dev/null 2>"$RG_TMP/err"
check "teardown: exit 0" test $? -eq 0
check "teardown: no reflguard table left" no_rg_table
c1 1
check "teardown: C1's first attempt is 408 again" test "$(first_answer)" = 408
check "teardown: without --purge the state file stays" test -s "$STATE"
lab_exec fw "$REFLGUARD" teardown --purge --state "$STATE" >/dev/null 2>"$RG_TMP/err"
check "teardown --purge: the state file is removed" test ! -e "$STATE"

# 4. A translated connection that predates the daemon: exempted at start and
# its conntrack entry deleted (the stand-ins close at once; the entry lingers
# about 10 s in CLOSE, where the start-up scan sees it).
reset_kernel
c1 1
check "predating flow: the exchange before start is translated (408)" test "$(first_answer)" = 408
check "predating flow: conntrack holds C1's entry before start" ct_entry 10.0.30.2 27901
if remediate "$RG_TMP/state-pre.json"; then
	check "predating flow: exempted event at start" wait_ev event=exempted c=10.0.30.2:27901
	check "predating flow: reset event" wait_ev event=reset c=10.0.30.2:27901
	check "predating flow: the conntrack entry of 10.0.30.2:27901 is gone" \
		eval '! ct_entry 10.0.30.2 27901'
	c1 1
	check "predating flow: next C1 connection gets 200 at attempt 1" got200 1 10.0.30.2:27901
	status_json
	check "predating flow: status counts the reset" python3 -c 'import json,sys
assert json.load(open(sys.argv[1]))["counters"]["resets"]>=1' "$RG_TMP/status.json"
	stop_daemon
else
	not_ok "predating flow: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi
reset_kernel
c1 1
check "predating flow --no-reset: the exchange before start is translated (408)" \
	test "$(first_answer)" = 408
if remediate "$RG_TMP/state-noreset.json" --no-reset; then
	check "predating flow --no-reset: exempted event at start" wait_ev event=exempted c=10.0.30.2:27901
	sleep 0.3
	check "predating flow --no-reset: no reset event" ev_none event=reset
	check "predating flow --no-reset: the conntrack entry remains" ct_entry 10.0.30.2 27901
	check "predating flow --no-reset: the exemption is in the kernel" in_set ip exempt4 "$C1_ELEM"

	# 8. kill -9: traffic keeps flowing, the exemption stays.
	kill -KILL "$DPID"
	wait "$DPID" 2>/dev/null
	DPID=
	c1 1
	check "kill -9: C1 (exempted) connects at once and gets 200" got200 1 10.0.30.2:27901
	c2 1
	rc=$?
	check "kill -9: C2 (not exempted) still connects (408, exit $rc, not 3)" \
		eval 'test "$rc" -eq 1 && test "$(first_answer)" = 408'
	check "kill -9: the exemption stays in the kernel" in_set ip exempt4 "$C1_ELEM"
else
	not_ok "predating flow --no-reset: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# 6. --expressway-c: C1 outside the prefix is refused, C2 inside exempted.
reset_kernel
if remediate "$RG_TMP/state-c.json" --expressway-c 10.0.31.0/24; then
	c1 2
	check "--expressway-c: C1 refused (not-expressway-c)" \
		wait_ev event=refused c=10.0.30.2:27901 reason=not-expressway-c
	check "--expressway-c: no exemption for C1" not_in_set ip exempt4 "$C1_ELEM"
	c2 3
	check "--expressway-c: C2 exempted" wait_ev event=exempted c=10.0.31.3:27902
	check "--expressway-c: C2 gets 200 within two attempts" got200 2 10.0.31.3:27902
	stop_daemon
else
	not_ok "--expressway-c: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# 7. --max-exemptions 1: the second Expressway-C is refused (limit).
reset_kernel
if remediate "$RG_TMP/state-max.json" --max-exemptions 1; then
	c1 3
	check "--max-exemptions 1: C1 exempted" wait_ev event=exempted c=10.0.30.2:27901
	c2 2
	check "--max-exemptions 1: C2 refused (limit)" wait_ev event=refused c=10.0.31.3:27902 reason=limit
	check "--max-exemptions 1: no exemption for C2" not_in_set ip exempt4 "$C2_ELEM"
	check "--max-exemptions 1: C2 still gets 408" test "$(first_answer)" = 408
	stop_daemon
else
	not_ok "--max-exemptions 1: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# 9. A state file that cannot be parsed: exit 2 naming FILE:2, nothing
# installed; --reset-state keeps it aside and starts empty.
reset_kernel
BAD=$RG_TMP/state-bad.json
printf '%s\n' '{"version":1,"exemptions":[' \
	'{"c":"10.0.30.2","e_internal":"10.0.10.2","proto":"tcp","port":7003,,,' ']}' >"$BAD"
timeout 10 ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --mode remediate \
	--expressway-e 64.100.0.10 --state "$BAD" --events "$EVENTS" --control "$CTL" \
	>/dev/null 2>"$RG_TMP/err"
rc=$?
check "bad state file: exit 2 (got $rc)" test "$rc" -eq 2
check "bad state file: stderr names $BAD:2" grep -qF "$BAD:2" "$RG_TMP/err"
check "bad state file: no reflguard table created" no_rg_table
if remediate "$BAD" --reset-state; then
	ok "bad state file --reset-state: daemon starts"
	stop_daemon
	check "bad state file --reset-state: SIGTERM exits 0" test $? -eq 0
else
	not_ok "bad state file --reset-state: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi
check "bad state file --reset-state: kept aside as $BAD.bad-*" \
	bash -c 'compgen -G "$0.bad-*" >/dev/null' "$BAD"

# 10. exempt add/list/del/flush by hand, without a daemon.
reset_kernel
ST=$RG_TMP/state-hand.json
rm -f "$ST"
rgx() { lab_exec fw "$REFLGUARD" "$@" 2>"$RG_TMP/err"; }
# listed ADDR: exempt list --json shows C ADDR towards 10.0.10.2 tcp/7003, in the kernel.
listed() {
	rgx exempt list --json --state "$ST" >"$RG_TMP/list.json" && python3 -c 'import json,sys
x=[x for x in json.load(open(sys.argv[1]))["exemptions"] if x["c"]==sys.argv[2]]
assert x and x[0]["e_internal"]=="10.0.10.2" and x[0]["proto"]=="tcp" and x[0]["port"]==7003
assert x[0]["in_kernel"] is True and "added" in x[0] and "verified" in x[0]' "$RG_TMP/list.json" "$1"
}
in_state() { python3 -c 'import json,sys
sys.exit(0 if any(x["c"]==sys.argv[2] for x in json.load(open(sys.argv[1]))["exemptions"]) else 1)' "$ST" "$1" 2>/dev/null; }
list_empty() {
	rgx exempt list --json --state "$ST" >"$RG_TMP/list.json" &&
		python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["exemptions"]==[]' "$RG_TMP/list.json"
}

rgx exempt add 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" >/dev/null
check "exempt add: exit 0" test $? -eq 0
check "exempt list: shows it, in_kernel true" listed 10.0.30.2
check "exempt add: the element is in the kernel set" in_set ip exempt4 "$C1_ELEM"
check "exempt add: the state file has it" in_state 10.0.30.2
c1 1
check "exempt add: C1 gets 200 at attempt 1" got200 1 10.0.30.2:27901
rgx exempt del 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" >/dev/null
check "exempt del: exit 0" test $? -eq 0
check "exempt del: gone from the kernel set" not_in_set ip exempt4 "$C1_ELEM"
check "exempt del: gone from the state file" eval '! in_state 10.0.30.2'
rgx exempt del 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" >/dev/null
check "exempt del of an absent exemption: exit 1" test $? -eq 1
rgx exempt add 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" >/dev/null &&
	rgx exempt add 10.0.31.3 10.0.10.2 tcp/7003 --state "$ST" >/dev/null
check "exempt add two: exit 0" test $? -eq 0
check "exempt add two: both listed" eval 'listed 10.0.30.2 && listed 10.0.31.3'
rgx exempt flush --state "$ST" >/dev/null
check "exempt flush: exit 0" test $? -eq 0
check "exempt flush: list is empty" list_empty
check "exempt flush: the kernel set is empty" set_empty
check "exempt flush: the state file is empty" eval '! in_state 10.0.30.2 && ! in_state 10.0.31.3'

# Bad input: exit 2, nothing changed (one exemption in place to compare).
rgx exempt add 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" >/dev/null
snap() { cat "$ST" 2>/dev/null; lab_exec fw nft list table ip reflguard 2>/dev/null; }
bad_exempt() {	# ARGS...
	local before after rc
	before=$(snap)
	rgx exempt "$@" --state "$ST" >/dev/null
	rc=$?
	after=$(snap)
	if [ "$rc" -eq 2 ] && [ "$before" = "$after" ]; then
		ok "exempt $*: exit 2, nothing changed"
	else
		not_ok "exempt $*: exit $rc, $([ "$before" = "$after" ] && echo unchanged || echo CHANGED): $(head -c 200 "$RG_TMP/err")"
	fi
}
bad_exempt add 300.1.1.1 10.0.10.2 tcp/7003
bad_exempt add 10.0.30.2 10.0.10.2 tcp/70000
bad_exempt add 10.0.30.2 10.0.10.2
bad_exempt add 10.0.30.2
bad_exempt add
bad_exempt del 10.0.30.2 10.0.10.2
rgx exempt flush --state "$ST" >/dev/null

# With a daemon running, an exemption added by hand is seen by it.
reset_kernel
if remediate "$ST"; then
	rgx exempt add 10.0.31.3 10.0.10.2 tcp/7003 --state "$ST" --control "$CTL" >/dev/null
	check "exempt add with a daemon: exit 0" test $? -eq 0
	check "exempt add with a daemon: status --json lists it" status_lists 10.0.31.3
	c2 1
	check "exempt add with a daemon: C2 gets 200 at attempt 1" got200 1 10.0.31.3:27902
	# The daemon makes the changes itself (one writer of the state file): a
	# flush racing the daemon's own write of a verified exemption used to
	# bring the exemption back into its state, and the pair's next flow was
	# then refused as exemption-ineffective.
	c1 2
	check "flush with a daemon: C1 exempted and verified first" \
		wait_ev event=verified c=10.0.30.2:27901
	rgx exempt flush --state "$ST" --control "$CTL" >"$RG_TMP/out"
	check "flush with a daemon: exit 0, both removed" grep -q 'removed 2 exemptions' "$RG_TMP/out"
	check "flush with a daemon: the kernel set is empty" set_empty
	check "flush with a daemon: the state file is empty" \
		eval '! in_state 10.0.30.2 && ! in_state 10.0.31.3'
	check "flush with a daemon: the daemon's state is empty at once" python3 -c '
import json,subprocess,sys
s=json.loads(subprocess.run(sys.argv[1:], capture_output=True).stdout)
assert s["exemptions"]==[], s["exemptions"]' ip netns exec "$(lab_ns fw)" "$REFLGUARD" status --control "$CTL" --json
	check "flush with a daemon: no reload needed (none logged)" \
		eval '! grep -q "state not reloaded" "$RG_TMP/daemon.err"'
	: >"$EVENTS"
	c1 2
	check "flush with a daemon: C1's next flow is exempted again" \
		wait_ev event=exempted c=10.0.30.2:27901
	check "flush with a daemon: not refused" ev_none event=refused
	rgx exempt del 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" --control "$CTL" >/dev/null
	check "del with a daemon: exit 0" test $? -eq 0
	check "del with a daemon: gone from the set and the file" \
		eval 'set_empty && ! in_state 10.0.30.2'
	rgx exempt del 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" --control "$CTL" >/dev/null
	check "del with a daemon of an absent exemption: exit 1" test $? -eq 1
	stop_daemon
else
	not_ok "exempt add with a daemon: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# 11. IPv6: NAT66 hairpin, exemption in ip6 reflguard exempt6.
reset_kernel
if start_daemon --mode remediate --expressway-e 2001:db8:64::10 --state "$RG_TMP/state-v6.json"; then
	xchg c1 "[fd00:30::2]:27901" "[2001:db8:64::10]:7003" "[fd00:10::2]:7003" 3
	check "IPv6: C1 gets 200 within two attempts, Route [fd00:30::2]:27901" \
		got200 2 "[fd00:30::2]:27901"
	check "IPv6: exempted event" wait_ev event=exempted c="[fd00:30::2]:27901"
	check "IPv6: verified event" wait_ev event=verified c="[fd00:30::2]:27901"
	check "IPv6: element in ip6 reflguard exempt6" \
		in_set ip6 exempt6 'fd00:30::2 . fd00:10::2 . tcp . 7003'
	stop_daemon
	check "IPv6: SIGTERM exits 0" test $? -eq 0
else
	not_ok "IPv6: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# 12. An exemption that does not take (a user's source NAT runs before
# reflguard's chain, at srcnat - 20) is reported and removed. Twice: a snat
# that keeps C's port (so the reconnection's conntrack tuples repeat the
# first one's exactly) and a fully-random one.
ineffective_case() {	# LABEL SNAT_FLAGS
	local what="exemption-ineffective ($1)"
	reset_kernel
	lab_exec fw nft delete table ip early 2>/dev/null
	lab_exec fw nft -f - <<EOF
table ip early {
	chain post {
		type nat hook postrouting priority srcnat - 20; policy accept;
		ip daddr 10.0.10.2 tcp dport 7003 snat to 64.100.0.10 $2
	}
}
EOF
	if ! remediate "$RG_TMP/state-early-$1.json"; then
		not_ok "$what: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
		return
	fi
	c1 2
	check "$what: C1 exempted first" wait_ev event=exempted c=10.0.30.2:27901
	check "$what: the next connection is still translated (408)" python3 -c 'import json,sys
c=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert len(c)==2 and all(r.get("answer")==408 for r in c), c' "$RG_TMP/c.json"
	check "$what: refused with reason exemption-ineffective" \
		wait_ev event=refused c=10.0.30.2:27901 reason=exemption-ineffective
	check "$what: the element is removed from the set" not_in_set ip exempt4 "$C1_ELEM"
	check "$what: no verified event" ev_none event=verified
	stop_daemon
}
ineffective_case port-kept ""
ineffective_case fully-random fully-random

# 5. Same segment: refused, nothing installed, C's connections still work.
lab_down; lab_up same-segment >/dev/null
if remediate "$RG_TMP/state-seg.json"; then
	xchg c1 10.0.10.3:27901 64.100.0.10:7003 10.0.10.2:7003 3
	rc=$?
	check "same-segment: refused with reason same-segment" \
		wait_ev event=refused c=10.0.10.3:27901 reason=same-segment
	check "same-segment: nothing installed (no element in exempt4)" set_empty
	check "same-segment: no exempted event" ev_none event=exempted
	check "same-segment: 3 attempts, each answered by C (exit $rc, not 3)" \
		python3 -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert sys.argv[2]!="3" and len(e)==3 and all(r.get("status") for r in e), e' "$RG_TMP/e.json" "$rc"
	stop_daemon
else
	not_ok "same-segment: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi
reset_kernel
ST=$RG_TMP/state-seg-hand.json
rgx exempt add 10.0.10.3 10.0.10.2 tcp/7003 --state "$ST" >/dev/null
rc=$?
check "exempt add same-segment: exit 1 (got $rc)" test "$rc" -eq 1
check "exempt add same-segment: stderr says same-segment" grep -q same-segment "$RG_TMP/err"
check "exempt add same-segment: nothing installed" set_empty
rgx exempt add 10.0.10.3 10.0.10.2 tcp/7003 --force --state "$ST" >/dev/null
check "exempt add same-segment --force: exit 0" test $? -eq 0
check "exempt add same-segment --force: the element is in the set" \
	in_set ip exempt4 '10.0.10.3 . 10.0.10.2 . tcp . 7003'

# ---- Two translated connections predate the daemon: the second one is no
# proof that the exemption made for the first does not work (it is older).
lab_down; lab_up nft-snat >/dev/null
xchg c1 10.0.30.2:27911 64.100.0.10:7003 10.0.10.2:7003 1 >/dev/null
xchg c1 10.0.30.2:27912 64.100.0.10:7003 10.0.10.2:7003 1 >/dev/null
ST=$RG_TMP/state-two-old.json
if remediate "$ST"; then
	# The dump's order decides which of the two is exempted; both are reset.
	check "two predating flows: both reset (27911)" wait_ev event=reset c=10.0.30.2:27911
	check "two predating flows: both reset (27912)" wait_ev event=reset c=10.0.30.2:27912
	check "two predating flows: exempted exactly once, the other not taken as proof" \
		python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n=[e for e in ev if e.get("event")=="exempted" and e["c"].startswith("10.0.30.2:")]
assert len(n)==1, n' "$EVENTS"
	check "two predating flows: no exemption-ineffective" \
		ev_none event=refused reason=exemption-ineffective
	check "two predating flows: the exemption stays in the set" in_set ip exempt4 "$C1_ELEM"
	c1 2
	check "two predating flows: C1's next connection gets 200 at attempt 1" got200 1 10.0.30.2:27901
	stop_daemon
else
	not_ok "two predating flows: daemon starts"
fi
