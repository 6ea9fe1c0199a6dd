#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dry-run daemon in the lab: it reports the note's fault precisely,
# changes nothing, and leaves no trace when stopped. scan, status and bad
# input too.
. "$(dirname "$0")/lib.sh"

# efield N KEY: field of the Nth event line (1-based).
efield() {
	python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v=ev[int(sys.argv[2])-1].get(sys.argv[3])
print(json.dumps(v) if isinstance(v,(bool,list)) or v is None else v)' "$EVENTS" "$1" "$2"
}

dryrun_case() {	# RULESET E_SEES_REGEX
	local rs=$1 sees=$2 before after peer rc
	lab_down; lab_up "$rs" >/dev/null || { not_ok "dry-run ($rs): lab up"; return; }
	before=$(user_ruleset "$rs")
	if ! start_daemon --expressway-e 64.100.0.10; then
		not_ok "dry-run ($rs): daemon starts and installs its chain"
		cat "$RG_TMP/daemon.err"
		return
	fi
	ok "dry-run ($rs): daemon starts and installs its chain"
	exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
	peer=$(jfield "$RG_TMP/e.json" peer)
	check "dry-run ($rs): C still gets 408 (nothing changed)" \
		test "$(jfield "$RG_TMP/c.json" answer)" = 408
	if ! wait_ev c=10.0.30.2:27901; then
		not_ok "dry-run ($rs): an event for C 10.0.30.2:27901"
	else
		check "dry-run ($rs): event is a flow" test "$(efield 1 event)" = flow
		check "dry-run ($rs): e_public 64.100.0.10:7003" test "$(efield 1 e_public)" = 64.100.0.10:7003
		check "dry-run ($rs): e_internal 10.0.10.2:7003" test "$(efield 1 e_internal)" = 10.0.10.2:7003
		check "dry-run ($rs): e_sees is what E saw ($peer)" test "$(efield 1 e_sees)" = "$peer"
		check "dry-run ($rs): e_sees matches the ruleset" grep -Eq "$sees" <<<"$peer"
		check "dry-run ($rs): translated, would-exempt" \
			test "$(efield 1 translated)/$(efield 1 action)" = "true/would-exempt"
		check "dry-run ($rs): community id" grep -Eq '^1:[A-Za-z0-9+/]{27}=$' <<<"$(efield 1 community_id)"
		check "dry-run ($rs): fix names the exemption element" \
			grep -q '10.0.30.2 . 10.0.10.2 . tcp . 7003' <<<"$(efield 1 fix)"
	fi
	check "dry-run ($rs): a human line on stderr" grep -q 'translated hairpin: Expressway-C 10.0.30.2:27901' "$RG_TMP/daemon.err"
	"$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/status.json" 2>&1
	check "dry-run ($rs): status answers" valid_json "$RG_TMP/status.json"
	check "dry-run ($rs): status counts the finding" python3 -c '
import json,sys; s=json.load(open(sys.argv[1]))
assert s["mode"]=="dry-run" and s["counters"]["translated_found"]>=1 and s["counters"]["packets_queued"]>=1
assert s["last_findings"][0]["c"]=="10.0.30.2:27901"' "$RG_TMP/status.json"
	stop_daemon
	rc=$?
	check "dry-run ($rs): SIGTERM exits 0" test "$rc" -eq 0
	check "dry-run ($rs): no reflguard table left" test -z "$(lab_exec fw nft list tables | grep reflguard)"
	after=$(user_ruleset "$rs")
	check "dry-run ($rs): the user's ruleset is unchanged" test "$before" = "$after"
	check "dry-run ($rs): status exits 1 once the daemon is gone" \
		bash -c '! "$0" status --control "$1" >/dev/null 2>&1' "$REFLGUARD" "$CTL"
}

dryrun_case nft-snat '^64\.100\.0\.10:[0-9]+$'
dryrun_case iptables-legacy '^10\.0\.10\.1:[0-9]+$'

# scan: clean on a fresh table, 1 once a translated flow exists.
lab_down; lab_up nft-snat >/dev/null
lab_exec fw "$REFLGUARD" scan --expressway-e 64.100.0.10 >"$RG_TMP/scan" 2>&1
check "scan: exit 0 on a clean table" test $? -eq 0
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
lab_exec fw "$REFLGUARD" scan --expressway-e 64.100.0.10 >"$RG_TMP/scan" 2>&1
check "scan: exit 1 with a translated flow" test $? -eq 1
check "scan: the table names C and what E saw" grep -q "10.0.30.2:27901 .*$(jfield "$RG_TMP/e.json" peer)" "$RG_TMP/scan"
lab_exec fw "$REFLGUARD" scan --expressway-e 64.100.0.10 --json >"$RG_TMP/scan.json" 2>&1
check "scan --json: flows with the event fields" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["flows"][0]["c"]=="10.0.30.2:27901" and d["flows"][0]["translated"] is True' "$RG_TMP/scan.json"

# Many entries that are not candidates beside the one that is: 3000 to the
# firewall's own address, 300 to E's public address on an unwatched port,
# 300 IPv6 ones. The scan (the kernel filters IPv4 entries on their
# original destination) still finds exactly the one translated flow.
lab_exec out python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in range(3000): s.sendto(b"x", ("64.100.0.1", 20000 + p))
for p in range(300):
    t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t.sendto(b"x", ("64.100.0.10", 9999)); t.close()
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for p in range(300): s6.sendto(b"x", ("2001:db8:64::1", 20000 + p))'
n=$(lab_exec fw conntrack -C 2>/dev/null)
check "scan among many: the table holds 3000 entries or more ($n)" test "${n:-0}" -ge 3000
lab_exec fw "$REFLGUARD" scan --expressway-e 64.100.0.10 --expressway-e 2001:db8:64::10 \
	>"$RG_TMP/scan" 2>&1
check "scan among many: exit 1" test $? -eq 1
check "scan among many: exactly the one translated flow" \
	test "$(grep -c '^tcp ' "$RG_TMP/scan")" = 1
check "scan among many: it is C's" grep -q "^tcp  *10.0.30.2:27901 " "$RG_TMP/scan"

# The start-up scan reports the flow that predates the daemon.
start_daemon --expressway-e 64.100.0.10 || not_ok "start-up scan: daemon starts"
check "start-up scan: the earlier translated flow is reported" wait_ev c=10.0.30.2:27901
stop_daemon

# IPv6: NAT66 hairpin.
start_daemon --expressway-e 2001:db8:64::10 || not_ok "dry-run (IPv6): daemon starts"
exchange c1 "[fd00:30::2]:27901" "[2001:db8:64::10]:7003" "[fd00:10::2]:7003"
check "dry-run (IPv6): event for [fd00:30::2]:27901" wait_ev "c=[fd00:30::2]:27901"
check "dry-run (IPv6): e_sees is E's view" test "$(efield 1 e_sees)" = "$(jfield "$RG_TMP/e.json" peer)"
stop_daemon

# ev_for C: "action/reason" of the event for endpoint C, once there is one.
ev_for() {
	for _ in $(seq 100); do
		python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("c")==sys.argv[2]:
        print("%s/%s" % (e.get("action"), e.get("reason"))); sys.exit(0)
sys.exit(1)' "$EVENTS" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo none
}

# syn C_PORT: one connection attempt from C1 10.0.30.2, given up after 1 s.
syn() {
	lab_exec c1 python3 -c 'import socket,sys
s=socket.socket(); s.bind(("10.0.30.2", int(sys.argv[1]))); s.settimeout(1)
try: s.connect(("64.100.0.10", 7003))
except OSError: pass' "$1"
}

# The daemon caches routes: a change of the routing table while it runs
# must show in the next flow's verdict. E's internal address routed out of C's
# interface puts the pair on one link, which same-link = refuse refuses;
# removing the route undoes it.
lab_down; lab_up nft-snat >/dev/null
start_daemon --expressway-e 64.100.0.10 --same-link refuse || not_ok "route change: daemon starts"
exchange c1 10.0.30.2:27911 64.100.0.10:7003 10.0.10.2:7003
check "route change: before, the flow is would-exempt" \
	test "$(ev_for 10.0.30.2:27911)" = would-exempt/None
lab_exec fw ip route add 10.0.10.2/32 dev in0
syn 27912
check "route change: E's address routed out C's interface: refused same-link" \
	test "$(ev_for 10.0.30.2:27912)" = refused/same-link
lab_exec fw ip route del 10.0.10.2/32 dev in0
exchange c1 10.0.30.2:27913 64.100.0.10:7003 10.0.10.2:7003
check "route change: route removed: would-exempt again" \
	test "$(ev_for 10.0.30.2:27913)" = would-exempt/None
# Events are buffered within a wake-up and written out at its end and on
# SIGTERM: a SIGTERM right after a flow loses no event.
exchange c1 10.0.30.2:27921 64.100.0.10:7003 10.0.10.2:7003
stop_daemon
rc=$?
check "SIGTERM right after a flow: exit 0" test "$rc" -eq 0
check "SIGTERM right after a flow: its event is in the file" \
	test "$(ev_for 10.0.30.2:27921)" = would-exempt/None

# Same segment: the translation keeps the return path symmetric: refused.
lab_down; lab_up same-segment >/dev/null
start_daemon --expressway-e 64.100.0.10 || not_ok "same-segment: daemon starts"
exchange c1 10.0.10.3:27901 64.100.0.10:7003 10.0.10.2:7003
check "same-segment: refused" wait_ev event=refused
check "same-segment: reason same-segment" test "$(efield 1 reason)" = same-segment
check "same-segment: no fix offered" test "$(efield 1 fix)" = null
stop_daemon

# --expressway-c narrows the sources: C1 outside it is refused.
lab_down; lab_up nft-snat >/dev/null
start_daemon --expressway-e 64.100.0.10 --expressway-c 10.0.31.0/24 || not_ok "not-expressway-c: daemon starts"
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "source outside --expressway-c: refused (not-expressway-c)" wait_ev reason=not-expressway-c
stop_daemon

# Bad input: exit 2, the flag or FILE:LINE named, nothing installed.
printf 'expressway-e = 64.100.0.10\nfrobnicate = 1\n' >"$RG_TMP/bad.conf"
printf '# no Expressway-E here\nports = tcp/7003\n' >"$RG_TMP/noe.conf"
bad_run() {	# EXPECTED-TEXT ARGS...
	local want=$1 rc
	shift
	lab_exec fw "$REFLGUARD" run --control "$CTL" "$@" >/dev/null 2>"$RG_TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" "$RG_TMP/err" &&
	   [ -z "$(lab_exec fw nft list tables | grep reflguard)" ]; then
		ok "run $*: exit 2 naming '$want', nothing installed"
	else
		not_ok "run $*: exit $rc: $(head -c 300 "$RG_TMP/err")"
	fi
}
bad_run "300.1.1.1" --expressway-e 300.1.1.1
bad_run "/33" --expressway-e 64.100.0.10 --expressway-c 10.0.0.0/33
bad_run "70000" --expressway-e 64.100.0.10 --ports tcp/70000
bad_run "fast" --expressway-e 64.100.0.10 --mode fast
bad_run "max-exemptions" --expressway-e 64.100.0.10 --max-exemptions 0
bad_run "queue-rcvbuf" --expressway-e 64.100.0.10 --queue-rcvbuf 1024
printf 'expressway-e = 64.100.0.10\nqueue-rcvbuf = 1k\n' >"$RG_TMP/rcvbuf.conf"
bad_run "rcvbuf.conf:2" -c "$RG_TMP/rcvbuf.conf"
bad_run "bad.conf:2" -c "$RG_TMP/bad.conf"
bad_run "expressway-e" -c "$RG_TMP/noe.conf"
bad_run "--bogus" --expressway-e 64.100.0.10 --bogus
bad_run "$RG_TMP/missing.conf" -c "$RG_TMP/missing.conf"
lab_exec fw "$REFLGUARD" scan --expressway-e 64.100.0.10 --mode dry-run >/dev/null 2>"$RG_TMP/err"
check "scan --mode: exit 2 (a daemon-only option)" test $? -eq 2
