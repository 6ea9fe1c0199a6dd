#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Static exemptions (`exempt =` lines): installed at start before any
# traffic, so the first hairpinned connection is clean; marked static in the
# state, `exempt list` and status; kept by `exempt flush`, refused by
# `exempt del`, outside max-exemptions, reinstated when the table is
# deleted, added and withdrawn by SIGHUP; `exempt list --nft` rebuilds
# them on a firewall without reflguard. Bad lines: exit 2, FILE:LINE.
. "$(dirname "$0")/lib.sh"

CONF=$RG_TMP/rg.conf
ST=$RG_TMP/state.json
C1_ELEM='10.0.30.2 . 10.0.10.2 . tcp . 7003'
C2_ELEM='10.0.31.3 . 10.0.10.2 . tcp . 7003'

conf() {	# EXEMPT_LINES...
	{
		echo "mode = remediate"
		echo "expressway-e = 64.100.0.10"
		echo "state = $ST"
		echo "max-exemptions = 1"
		for l in "$@"; do echo "exempt = $l"; done
		# Last, so the exempt lines keep their numbers: the CLI must
		# reach the daemon, which then makes its changes itself.
		echo "control = $CTL"
	} >"$CONF"
}

rgx() { lab_exec fw "$REFLGUARD" "$@"; }
in_set() { lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$1"; }
no_rg_table() { ! lab_exec fw nft list tables 2>/dev/null | grep -q reflguard; }

# clean_first C_ROLE BIND: the first connection is answered 200 and E saw
# C's own address and port (not 64.100.0.10 or a translated port).
clean_first() {
	exchange "$1" "$2" 64.100.0.10:7003 10.0.10.2:7003 &&
		[ "$(jfield "$RG_TMP/e.json" peer)" = "$2" ] &&
		[ "$(jfield "$RG_TMP/c.json" answer)" = 200 ]
}
translated() {
	exchange "$1" "$2" 64.100.0.10:7003 10.0.10.2:7003
	[ "$(jfield "$RG_TMP/e.json" peer)" != "$2" ]
}

lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }

# ---- bad lines: exit 2 naming FILE:LINE, nothing installed ----
bad_line() {	# NAME LINE MESSAGE
	local rc
	conf "10.0.30.2 10.0.10.2 tcp/7003" "$2"
	rgx run -c "$CONF" --events "$EVENTS" --control "$CTL" 2>"$RG_TMP/err" >/dev/null
	rc=$?
	check "bad exempt line ($1): exit 2" test "$rc" -eq 2
	check "bad exempt line ($1): the message names $CONF:6" grep -qF "$CONF:6: $3" "$RG_TMP/err"
	check "bad exempt line ($1): nothing installed" no_rg_table
	rgx check-config "$CONF" >/dev/null 2>"$RG_TMP/err"
	check "bad exempt line ($1): check-config says so too" grep -qF "$CONF:6: $3" "$RG_TMP/err"
}
bad_line "one word" "10.0.30.2" "expected 'C_ADDR E_INTERNAL PROTO/PORT' for exempt"
bad_line "protocol" "10.0.30.2 10.0.10.2 sctp/7003" "invalid PROTO/PORT 'sctp/7003'"
bad_line "port 0" "10.0.30.2 10.0.10.2 tcp/0" "invalid PROTO/PORT 'tcp/0'"
bad_line "families" "10.0.30.2 fd00:10::2 tcp/7003" "C_ADDR and E_INTERNAL are of different families"
bad_line "range" "10.0.31.3 10.0.10.2 tcp/7001-7010" "a single port is needed, not the range 'tcp/7001-7010' for exempt (one exempt line per port)"

# ---- start: the exempt line is in force before any traffic ----
conf "10.0.30.2 10.0.10.2 tcp/7003"
rm -f "$ST"
start_daemon -c "$CONF" || { not_ok "daemon starts"; cat "$RG_TMP/daemon.err"; exit 1; }
check "start: the static exemption is in the set before any traffic" in_set "$C1_ELEM"
check "start: C1's very first connection is clean (E sees 10.0.30.2:27901)" \
	clean_first c1 10.0.30.2:27901
check "start: the state file marks it static" grep -q '"c":"10.0.30.2".*"static":true' "$ST"
rgx exempt list -c "$CONF" >"$RG_TMP/list.txt" 2>&1
check "exempt list: KIND static" grep -qE "^$C1_ELEM .* static" "$RG_TMP/list.txt"
rgx exempt list -c "$CONF" --json >"$RG_TMP/list.json" 2>&1
check "exempt list --json: \"static\": true" python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["exemptions"]
assert [e for e in x if e["c"]=="10.0.30.2" and e["static"] and e["in_kernel"]], x' "$RG_TMP/list.json"
"$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/status.json" 2>&1
check "status --json: the exemption is static" python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["exemptions"]
assert [e for e in x if e["c"]=="10.0.30.2" and e["static"] and "exempt line" in e["why"]], x' "$RG_TMP/status.json"

# ---- the daemon and the CLI never remove it ----
rgx exempt del -c "$CONF" 10.0.30.2 10.0.10.2 tcp/7003 >/dev/null 2>"$RG_TMP/err"
check "exempt del of a static one: exit 2" test $? -eq 2
check "exempt del: the message names the exempt line" grep -qF "$CONF:5" "$RG_TMP/err"
check "exempt del: still in the set" in_set "$C1_ELEM"
rgx exempt add -c "$CONF" 10.0.30.2 10.0.10.2 tcp/7003 >"$RG_TMP/out" 2>&1
check "exempt add of a static one: exit 0" test $? -eq 0
check "exempt add: says which line holds it" grep -qF "already exempted by the exempt line $CONF:5" "$RG_TMP/out"
check "exempt add: it stays static" grep -q '"c":"10.0.30.2".*"static":true' "$ST"
# C2 is learnt: max-exemptions 1 does not count the static one.
# C2's first SYN is dropped as the pair is exempted (decided before its
# verdict on both kernel paths) and the retransmission is clean.
check "C2: its first connection is rescued" eval "! translated c2 10.0.31.3:27902"
check "C2: learnt despite max-exemptions 1 (the static one is not counted)" wait_for in_set "$C2_ELEM"
rgx exempt flush -c "$CONF" >"$RG_TMP/out" 2>&1
check "exempt flush: reports the static one kept" grep -q "kept 1 static" "$RG_TMP/out"
check "exempt flush: C2's learnt one is gone" wait_for eval "! in_set '$C2_ELEM'"
if in_set "$C2_ELEM"; then
	sed 's/^/    out: /' "$RG_TMP/out"
	lab_exec fw nft list set ip reflguard exempt4 | sed 's/^/    set: /'
	tail -n 12 "$RG_TMP/daemon.err" 2>/dev/null | sed 's/^/    daemon: /'
	tail -n 6 "$EVENTS" 2>/dev/null | sed 's/^/    event: /'
fi
check "exempt flush: the static one stays" in_set "$C1_ELEM"
check "exempt flush: the state keeps it, static" grep -q '"c":"10.0.30.2".*"static":true' "$ST"

# ---- someone deletes the table: reinstated with the rest ----
lab_exec fw nft delete table ip reflguard
check "table deleted: the static exemption is reinstated" wait_for in_set "$C1_ELEM"

# ---- SIGHUP: lines added are installed, lines removed withdrawn ----
conf "10.0.31.3 10.0.10.2 tcp/7003"
kill -HUP "$DPID"
check "SIGHUP: logged as reloaded" wait_for grep -q 'configuration reloaded' "$RG_TMP/daemon.err"
check "SIGHUP: logs what changed" grep -q 'exempt lines: 1 installed, 1 withdrawn' "$RG_TMP/daemon.err"
check "SIGHUP: the added line is installed" in_set "$C2_ELEM"
check "SIGHUP: the removed line is withdrawn" eval "! in_set '$C1_ELEM'"
check "SIGHUP: the state agrees" python3 -c 'import json,sys
x=json.load(open(sys.argv[1]))["exemptions"]
assert [e["c"] for e in x if e.get("static")]==["10.0.31.3"], x' "$ST"
check "SIGHUP: C2's first connection is clean" clean_first c2 10.0.31.3:27912
printf 'exempt = 10.0.30.2\n' >>"$CONF"
kill -HUP "$DPID"
check "SIGHUP (bad line): FILE:LINE" wait_for grep -qF "$CONF:7:" "$RG_TMP/daemon.err"
check "SIGHUP (bad line): the exemptions stay as they were" in_set "$C2_ELEM"
conf "10.0.31.3 10.0.10.2 tcp/7003" "10.0.30.2 10.0.10.2 tcp/7003"

# ---- exempt list --nft: the same effect on a firewall without reflguard ----
rgx exempt list -c "$CONF" --nft >"$RG_TMP/rules.nft" 2>"$RG_TMP/err"
check "exempt list --nft: exit 0" test $? -eq 0
check "exempt list --nft: holds the static line" grep -qF "10.0.31.3 . 10.0.10.2 . tcp . 7003" "$RG_TMP/rules.nft"
check "exempt list --nft: nft -c accepts it" lab_exec fw nft -c -f "$RG_TMP/rules.nft"
check "the daemon exits 0 on SIGTERM" stop_daemon
"$REFLGUARD" teardown --state "$ST" >/dev/null 2>&1
lab_exec fw nft delete table ip reflguard 2>/dev/null
lab_exec fw nft delete table ip6 reflguard 2>/dev/null
check "without reflguard: C2 is translated" translated c2 10.0.31.3:27922
check "nft -f of the fragment loads" lab_exec fw nft -f "$RG_TMP/rules.nft"
check "nft -f twice gives the same ruleset" lab_exec fw nft -f "$RG_TMP/rules.nft"
check "without reflguard, with the fragment: C2's first connection is clean" \
	clean_first c2 10.0.31.3:27932
