#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A firewall pair's other node, without keepalived: the conntrack entries
# conntrackd would commit here are made with `conntrack -I`. A marked
# (0x20000000), untranslated traversal entry of this node's own config is
# adopted (kernel set, adopted event, state file, status) from the event
# socket (new and updated entries) and from the start-up scan, and C's
# first connection is then clean; an unmarked, a translated and a foreign-pair marked entry are not
# adopted (the last two refused with their reason). The exemption rule
# itself sets the mark. adopt = no turns it off; dry-run only reports.
# Bad values: exit 2.
. "$(dirname "$0")/lib.sh"

ST=$RG_TMP/state.json
ELEM='10.0.30.2 . 10.0.10.2 . tcp . 7003'
MARK=536870912		# 0x20000000, RG_EXEMPT_MARK

# ct_insert SPORT DST REPLY_DST REPLY_DPORT MARK: the entry conntrackd
# commits for C 10.0.30.2:SPORT -> DST:7003, answered by E 10.0.10.2:7003.
# (conntrack -I's --status writes into the mark in 1.4.7: left out.)
ct_insert() {
	lab_exec fw conntrack -I -p tcp -s 10.0.30.2 -d "$2" --sport "$1" --dport 7003 \
		-r 10.0.10.2 -q "$3" --reply-port-src 7003 --reply-port-dst "$4" \
		--state ESTABLISHED -t 300 --mark "$5" >/dev/null 2>&1
}
in_set() { lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$ELEM"; }
status_field() {
	"$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print('"$1"')'
}
fresh() {	# no table, no state, no conntrack entry of C
	lab_exec fw nft delete table ip reflguard 2>/dev/null
	lab_exec fw nft delete table ip6 reflguard 2>/dev/null
	lab_exec fw conntrack -D -s 10.0.30.2 >/dev/null 2>&1
	rm -f "$ST"
}
clean_first() {	# BIND: C's first attempt answered 200, E saw C itself
	xchg c1 "$1" 64.100.0.10:7003 10.0.10.2:7003 1 &&
		[ "$(jfield "$RG_TMP/e.json" peer)" = "$1" ]
}

lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }
command -v conntrack >/dev/null || { skip "conntrack (conntrack-tools) missing"; exit 0; }

# ---- bad values: exit 2, named ----
bad_usage maybe run --expressway-e 64.100.0.10 --adopt maybe
printf 'expressway-e = 64.100.0.10\nadopt = maybe\n' >"$RG_TMP/bad.conf"
"$REFLGUARD" check-config "$RG_TMP/bad.conf" >/dev/null 2>"$RG_TMP/err"
check "adopt = maybe: check-config exits 2" test $? -eq 2
check "adopt = maybe: the message names FILE:LINE" \
	grep -qF "$RG_TMP/bad.conf:2: invalid value 'maybe' for adopt (yes or no)" "$RG_TMP/err"
lab_exec fw "$REFLGUARD" run -c "$RG_TMP/bad.conf" --events "$EVENTS" --control "$CTL" \
	>/dev/null 2>"$RG_TMP/err"
check "adopt = maybe: run exits 2" test $? -eq 2
check "adopt = maybe: nothing installed" eval "! lab_exec fw nft list tables | grep -q reflguard"

# ---- remediate: from the event socket ----
fresh
start_daemon --mode remediate --expressway-e 64.100.0.10 --expressway-e 2001:db8:64::10 --state "$ST" ||
	{ not_ok "daemon starts"; cat "$RG_TMP/daemon.err"; exit 1; }
ct_insert 27961 64.100.0.10 10.0.30.2 27961 7			# unmarked
ct_insert 27962 64.100.0.10 64.100.0.10 4401 $((MARK | 5))	# translated
ct_insert 27963 64.100.0.11 10.0.30.2 27963 $MARK		# another pair's
check "translated marked entry: refused, reason translated" \
	wait_ev event=refused c=10.0.30.2:27962 reason=translated origin=conntrack-mark
check "marked entry to an address not watched: refused, reason not-watched" \
	wait_ev event=refused c=10.0.30.2:27963 reason=not-watched origin=conntrack-mark
check "nothing adopted from them" eval "! in_set && ! ev_has event=adopted"
t0=$(date +%s.%N)
ct_insert 27964 64.100.0.10 10.0.30.2 27964 $((MARK | 5))	# the peer's exemption
check "marked untranslated entry: adopted event" \
	wait_ev event=adopted c=10.0.30.2:27964 action=exempted origin=conntrack-mark \
	"element=$ELEM" translated=false
python3 -c 'import json,sys,datetime
e=[json.loads(l) for l in open(sys.argv[1]) if "\"adopted\"" in l][0]
t=datetime.datetime.strptime(e["ts"],"%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
print("# adopted %.0f ms after conntrack -I began (the commit, the event, the decision, the transaction)" % ((t-float(sys.argv[2]))*1000))' \
	"$EVENTS" "$t0"
check "adopted: in the kernel set" in_set
check "adopted: in the state file" wait_for grep -q '"c":"10.0.30.2".*adopted from the firewall pair' "$ST"
check "adopted: counted in status" test "$(status_field 's["counters"]["adopted"]')" = 1
check "adopted: refusals counted apart" test "$(status_field 's["counters"]["adopt_refused"]')" = 2
check "the unmarked entry: no event at all" eval "! grep -q '10.0.30.2:27961' '$EVENTS'"
# The kernel filters: of the four new entries only the three marked reach
# the daemon's socket (ct_events), unmarked traffic never does.
check "the kernel passed the 3 marked entries only (ct_events $(status_field 's["counters"]["ct_events"]'))" \
	test "$(status_field 's["counters"]["ct_events"]')" = 3
check "the exemption rule sets the mark bit" \
	eval "lab_exec fw nft list chain ip reflguard exempt | grep -q 'ct mark set ct mark | 0x20000000 snat'"
check "C's first connection through this node is clean" clean_first 10.0.30.2:27971
check "its conntrack entry carries the mark (for the peer)" \
	eval "lab_exec fw conntrack -L -p tcp --orig-port-src 27971 2>/dev/null | grep -q 'mark=$MARK'"
check "the mark of its own exemption is not adopted again" \
	test "$(status_field 's["counters"]["adopted"]')" = 1

# ---- removed here: this node's own marked connections don't bring it back ----
ct_insert 27975 64.100.0.10 10.0.30.2 27975 $MARK	# while exempted: its own
lab_exec fw "$REFLGUARD" exempt del --control "$CTL" --state "$ST" \
	10.0.30.2 10.0.10.2 tcp/7003 >"$RG_TMP/out" 2>&1
check "exempt del: exit 0" test $? -eq 0
check "exempt del: out of the set" eval "! in_set"
# A change of the entry's mark is an UPDATE event carrying the bit.
lab_exec fw conntrack -U -p tcp -s 10.0.30.2 --orig-port-src 27975 --mark $((MARK | 1)) >/dev/null 2>&1
check "its marked entry's update: refused, reason withdrawn" \
	wait_ev event=refused c=10.0.30.2:27975 reason=withdrawn origin=conntrack-mark
check "withdrawn: not adopted again" eval "! in_set"
# IPv6: the same for the ip6 table.
lab_exec fw conntrack -I -p tcp -s fd00:30::2 -d 2001:db8:64::10 --sport 27980 \
	--dport 7003 -r fd00:10::2 -q fd00:30::2 --reply-port-src 7003 --reply-port-dst 27980 \
	--state ESTABLISHED -t 300 --mark $MARK >/dev/null 2>&1
check "IPv6: adopted" wait_ev event=adopted "c=[fd00:30::2]:27980" action=exempted
check "IPv6: in the ip6 set" eval "lab_exec fw nft list set ip6 reflguard exempt6 | grep -qF 'fd00:30::2 . fd00:10::2 . tcp . 7003'"
if ! ev_has event=adopted "c=[fd00:30::2]:27980"; then
	lab_exec fw conntrack -L -f ipv6 2>&1 | sed 's/^/    ct: /'
	grep -F 'fd00:30' "$EVENTS" | sed 's/^/    event: /'
	"$REFLGUARD" status --control "$CTL" --json | head -c 600; echo
fi
lab_exec fw conntrack -D -s fd00:30::2 >/dev/null 2>&1
check "daemon exits 0" stop_daemon

# ---- upgrade: the rule of a version without the mark is replaced ----
lab_exec fw nft flush chain ip reflguard exempt
lab_exec fw nft add rule ip reflguard exempt ip saddr . ip daddr . meta l4proto . th dport @exempt4 counter snat ip to ip saddr
start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$ST" ||
	not_ok "upgrade: daemon starts"
check "upgrade: after a restart the one rule sets the mark" eval \
	"[ \"\$(lab_exec fw nft list chain ip reflguard exempt | grep -c 'snat')\" = 1 ] &&
	 lab_exec fw nft list chain ip reflguard exempt | grep -q 'ct mark set ct mark | 0x20000000 snat'"
check "upgrade: daemon exits 0" stop_daemon

# ---- the start-up scan adopts what was committed while it was down ----
fresh
ct_insert 27965 64.100.0.10 10.0.30.2 27965 $MARK
start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$ST" ||
	not_ok "scan: daemon starts"
check "scan: adopted at start" wait_ev event=adopted c=10.0.30.2:27965 action=exempted
check "scan: in the kernel set" in_set
check "scan: daemon exits 0" stop_daemon

# ---- adopt = no: neither path adopts ----
fresh
ct_insert 27966 64.100.0.10 10.0.30.2 27966 $MARK
printf 'mode = remediate\nexpressway-e = 64.100.0.10\nadopt = no\n' >"$RG_TMP/off.conf"
start_daemon -c "$RG_TMP/off.conf" --state "$ST" || not_ok "adopt = no: daemon starts"
ct_insert 27967 64.100.0.10 10.0.30.2 27967 $MARK
# A translated connection's exemption: the loop went by both since.
xchg c2 10.0.31.3:27968 64.100.0.10:7003 10.0.10.2:7003 3
check "adopt = no: the daemon still exempts what it sees" \
	wait_ev event=exempted c=10.0.31.3:27968
check "adopt = no: nothing adopted" eval "! ev_has event=adopted && ! in_set"
check "adopt = no: daemon exits 0" stop_daemon

# ---- dry-run: reports what it would adopt, installs nothing ----
fresh
start_daemon --expressway-e 64.100.0.10 || not_ok "dry-run: daemon starts"
ct_insert 27969 64.100.0.10 10.0.30.2 27969 $MARK
check "dry-run: adopted event, action would-exempt" \
	wait_ev event=adopted c=10.0.30.2:27969 action=would-exempt origin=conntrack-mark
check "dry-run: nothing installed" eval "! in_set"
# conntrackd's commit updates an entry this node has already (picked up
# mid-stream): the mark comes in an UPDATE event.
ct_insert 27970 64.100.0.10 10.0.30.2 27970 0
lab_exec fw conntrack -U -p tcp -s 10.0.30.2 --orig-port-src 27970 --mark $MARK >/dev/null 2>&1
check "an existing entry updated with the mark: adopted (dry-run)" \
	wait_ev event=adopted c=10.0.30.2:27970 action=would-exempt
check "dry-run: daemon exits 0" stop_daemon
fresh
