#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The layouts real firewalls use (tests/lab/lab.sh LAB_LAYOUT): several
# subnets on one bridge (OpenWrt's br-lan), VLAN sub-interfaces on one
# trunk, a VLAN-filtering bridge. Same segment means same subnet: C on
# 10.0.30.0/24 and E on 10.0.10.0/24 answer each other through the
# firewall whatever the interfaces, so the remediating daemon exempts the
# pair and C gets its 200 by its second attempt at the latest; C inside
# E's subnet is still refused.
. "$(dirname "$0")/lib.sh"

C1_ELEM='10.0.30.2 . 10.0.10.2 . tcp . 7003'

in_set() { lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$1"; }
set_empty() { ! lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -q 'elements'; }
rgx() { lab_exec fw "$REFLGUARD" "$@" 2>"$RG_TMP/err"; }
c1() { xchg c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003 "${1:-1}"; }

# fixed LAYOUT WHAT: the remediating daemon exempts C1 on that layout, and
# C1 gets 200 by its second attempt with its own address as Route.
fixed() {
	local layout=$1 what=$2
	if ! lab_layout_supported "$layout"; then
		skip "$what: this kernel cannot build the $layout layout (8021q, bridge VLAN filtering)"
		return 1
	fi
	lab_down
	if ! LAB_LAYOUT=$layout lab_up nft-snat >/dev/null; then
		not_ok "$what: the lab comes up"
		return 1
	fi
	# The world first: without reflguard, the lab's hairpin must translate
	# C's source on this layout, or nothing below would test reflguard.
	c1 1
	if ! grep -q '"peer": *"64.100.0.10:' "$RG_TMP/e.json"; then
		skip "$what: the lab's hairpin does not translate here (E saw $(jfield "$RG_TMP/e.json" peer)); no world to fix"
		return 1
	fi
	if ! start_daemon --mode remediate --expressway-e 64.100.0.10 \
		--state "$RG_TMP/state-$layout.json"; then
		not_ok "$what: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
		return 1
	fi
	c1 2
	check "$what: C1 gets 200 by its second attempt" got200 2 10.0.30.2:27901
	if ! wait_ev event=exempted c=10.0.30.2:27901; then
		not_ok "$what: exempted, not refused"
		# What the daemon saw instead, for the next reader.
		sed 's/^/# /' "$EVENTS" | cut -c1-400 | head -n 8
		sed 's/^/# /' "$RG_TMP/daemon.err" | tail -n 8
		lab_exec fw nft list ruleset 2>/dev/null | sed 's/^/# /' | grep -v '^# *$' | head -n 60
	else
		ok "$what: exempted, not refused"
	fi
	check "$what: no refusal" ev_none event=refused
	check "$what: the element is in the set" in_set "$C1_ELEM"
	return 0
}

ev_none() { ! ev_has "$@"; }

# ---- Two subnets on one bridge: C and E share br-lan, not a subnet.
if fixed one-bridge "one bridge, two subnets"; then
	check "one bridge: the event says the fix assumes E's netmask" \
		wait_ev event=exempted c=10.0.30.2:27901 assumes=e-netmask
	check "one bridge: the human line says so too" \
		grep -q "assumes E's netmask is no wider than the firewall's prefix" "$RG_TMP/daemon.err"
	stop_daemon
	# By hand: accepted without --force.
	lab_exec fw nft delete table ip reflguard 2>/dev/null
	rgx exempt add 10.0.30.2 10.0.10.2 tcp/7003 --state "$RG_TMP/hand.json" >/dev/null
	rc=$?
	check "one bridge: exempt add without --force: exit 0 (got $rc: $(head -c 200 "$RG_TMP/err"))" \
		test "$rc" -eq 0
	check "one bridge: exempt add: the element is in the set" in_set "$C1_ELEM"
	# The owner who knows E's netmask is wider says same-link = refuse.
	lab_exec fw nft delete table ip reflguard 2>/dev/null
	printf 'expressway-e = 64.100.0.10\nsame-link = refuse\n' >"$RG_TMP/refuse.conf"
	rgx exempt add 10.0.30.2 10.0.10.2 tcp/7003 -c "$RG_TMP/refuse.conf" \
		--state "$RG_TMP/hand2.json" >/dev/null
	rc=$?
	check "same-link = refuse: exempt add: exit 1 (got $rc)" test "$rc" -eq 1
	check "same-link = refuse: exempt add: stderr says same-link" grep -q 'refused (same-link)' "$RG_TMP/err"
	check "same-link = refuse: exempt add: nothing installed" set_empty
	if start_daemon --mode remediate --expressway-e 64.100.0.10 --same-link refuse \
		--state "$RG_TMP/state-refuse.json"; then
		c1 1
		check "same-link = refuse: the daemon refuses with reason same-link" \
			wait_ev event=refused c=10.0.30.2:27901 reason=same-link
		check "same-link = refuse: nothing installed" set_empty
		stop_daemon
	else
		not_ok "same-link = refuse: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
	fi
	# What the setting is for: E with a wider netmask (/16) than the
	# firewall's prefix finds C on the bridge. Exempted, E would answer C
	# directly and C would lose every connection; refused, they all work.
	lab_exec e ip addr del 10.0.10.2/24 dev eth0
	lab_exec e ip addr add 10.0.10.2/16 dev eth0
	lab_exec e ip route replace default via 10.0.10.1
	lab_exec fw nft delete table ip reflguard 2>/dev/null
	lab_exec fw conntrack -F >/dev/null 2>&1
	if start_daemon --mode remediate --expressway-e 64.100.0.10 \
		--state "$RG_TMP/state-wide.json"; then
		c1 2
		check "E's netmask wider, same-link = exempt: exempted, assuming E's netmask" \
			wait_ev event=exempted c=10.0.30.2:27901 assumes=e-netmask
		check "E's netmask wider, same-link = exempt: E answers C directly, C gets no 200" \
			eval '! got200 2 10.0.30.2:27901 2>/dev/null'
		stop_daemon
	else
		not_ok "E's netmask wider: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
	fi
	lab_exec fw nft delete table ip reflguard 2>/dev/null
	lab_exec fw conntrack -F >/dev/null 2>&1
	if start_daemon --mode remediate --expressway-e 64.100.0.10 --same-link refuse \
		--state "$RG_TMP/state-wide2.json"; then
		c1 2
		check "E's netmask wider, same-link = refuse: refused (same-link)" \
			wait_ev event=refused c=10.0.30.2:27901 reason=same-link
		check "E's netmask wider, same-link = refuse: both connections reach E and are answered" \
			python3 -c 'import json,sys
e=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
assert len(e)==2 and all(r.get("status") for r in e), e' "$RG_TMP/e.json"
		stop_daemon
	else
		not_ok "E's netmask wider, refuse: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
	fi
fi

# ---- Policy routing: the main table has no route to the DMZ but a legacy
# 10.0.0.0/16 summary out of C's interface, so it alone says E is in C's
# subnet (same-segment); C's traffic really goes by table 100 to the DMZ,
# selected by its source (`ip rule from`) or by a mark set in prerouting
# (`ip rule fwmark`). Asked as the kernel routes the flow, the pair is on
# separate segments: exempted, and C gets its 200.
main_says_in0() { lab_exec fw ip route get 10.0.10.2 | grep -q 'dev in0'; }

policy_case() {
	local what=$1 F
	lab_down
	lab_up nft-snat >/dev/null
	F="lab_exec fw"
	$F ip route del 10.0.10.0/24 dev dmz
	$F ip route add 10.0.10.0/24 dev dmz table 100
	$F ip route add 10.0.0.0/16 dev in0
	if [ "$what" = fwmark ]; then
		$F nft -f - <<'NFT'
table ip mangle {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		ip saddr 10.0.30.0/24 meta mark set 0x10
	}
}
NFT
		$F ip rule add fwmark 0x10 lookup 100 pref 100
	else
		$F ip rule add from 10.0.30.0/24 lookup 100 pref 100
	fi
	check "policy routing ($what): the main table alone says E is out of C's interface" \
		main_says_in0
	if ! start_daemon --mode remediate --expressway-e 64.100.0.10 \
		--state "$RG_TMP/state-policy-$what.json"; then
		not_ok "policy routing ($what): daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
		return
	fi
	c1 2
	check "policy routing ($what): C1 gets 200 by its second attempt" got200 2 10.0.30.2:27901
	check "policy routing ($what): exempted" wait_ev event=exempted c=10.0.30.2:27901
	check "policy routing ($what): not refused" ev_none event=refused
	check "policy routing ($what): no assumption (separate interfaces)" ev_none assumes=e-netmask
	stop_daemon
}
policy_case from
policy_case fwmark

# ---- VLAN sub-interfaces on one trunk; a VLAN-filtering bridge (DSA).
fixed vlan "VLANs on one trunk (eth1.30, eth1.10)" && stop_daemon
fixed vlan-bridge "VLAN-filtering bridge (br-lan.30, br-lan.10)" && stop_daemon

# ---- The true same-subnet case: C1 at 10.0.10.3 in E's 10.0.10.0/24 on
# the bridge; E would answer it directly, so the refusal stands.
lab_down
lab_up same-segment >/dev/null
if start_daemon --expressway-e 64.100.0.10; then
	xchg c1 10.0.10.3:27901 64.100.0.10:7003 10.0.10.2:7003 1
	check "same subnet: refused, reason same-segment" \
		wait_ev event=refused c=10.0.10.3:27901 reason=same-segment
	check "same subnet: the reason given is that E would answer C directly" \
		grep -q 'without the translation E would answer C directly' "$RG_TMP/daemon.err"
	check "same subnet: no assumption claimed" ev_none assumes=e-netmask
	stop_daemon
else
	not_ok "same subnet: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi
rgx exempt add 10.0.10.3 10.0.10.2 tcp/7003 --state "$RG_TMP/hand3.json" >/dev/null
rc=$?
check "same subnet: exempt add: exit 1 (got $rc)" test "$rc" -eq 1
check "same subnet: exempt add: says E would answer C directly" \
	grep -q 'refused (same-segment).*E would answer C directly' "$RG_TMP/err"

# ---- A bad value for the setting: exit 2, naming it.
bad_usage maybe run --expressway-e 64.100.0.10 --same-link maybe
printf 'expressway-e = 64.100.0.10\nsame-link = maybe\n' >"$RG_TMP/bad.conf"
"$REFLGUARD" check-config "$RG_TMP/bad.conf" >/dev/null 2>"$RG_TMP/err"
rc=$?
check "same-link = maybe in a file: exit 2 naming the file:line (got $rc)" \
	sh -c "test $rc -eq 2 && grep -q 'bad.conf:2: invalid value .maybe. for same-link' '$RG_TMP/err'"
