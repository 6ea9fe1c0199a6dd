#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The lab reproduces the vendor note's fault for every translating ruleset,
# and the controls behave: a correct firewall gives 200, the same-segment
# variant still connects.
. "$(dirname "$0")/lib.sh"

# ruleset  C role  C bind           what E must see (regex)
cases=(
	"nft-snat        c1 10.0.30.2:27901 ^64\.100\.0\.10:[0-9]+$"
	"nft-snat        c2 10.0.31.3:27902 ^64\.100\.0\.10:[0-9]+$"
	"iptables-legacy c1 10.0.30.2:27901 ^10\.0\.10\.1:[0-9]+$"
	"iptables-nft    c1 10.0.30.2:27901 ^10\.0\.10\.1:[0-9]+$"
	"fw4             c1 10.0.30.2:27901 ^10\.0\.10\.1:[0-9]+$"
	"fw4             c2 10.0.31.3:27902 ^10\.0\.10\.1:[0-9]+$"
)

current=
up() {
	[ "$current" = "$1" ] && return 0
	lab_down
	current=$1
	lab_up "$1" >/dev/null
}

# Reads the firewall's conntrack entry for C's connection: "ORIGSRC REPLYDST".
ct_tuples() {	# C_ADDR C_PORT
	lab_exec fw conntrack -L -p tcp --orig-src "$1" --orig-port-src "$2" 2>/dev/null |
		awk '{ n = 0; for (i = 1; i <= NF; i++) {
			if ($i ~ /^src=/) s[++n] = substr($i, 5)
			if ($i ~ /^dst=/) d[n] = substr($i, 5)
			if ($i ~ /^sport=/) sp[n] = substr($i, 7)
			if ($i ~ /^dport=/) dp[n] = substr($i, 7) }
		print s[1] ":" sp[1], d[2] ":" dp[2]; exit }'
}

for c in "${cases[@]}"; do
	read -r rs role bind want <<<"$c"
	name="fault ($rs, $role)"
	if ! up "$rs"; then
		not_ok "$name: lab up"
		continue
	fi
	exchange "$role" "$bind" 64.100.0.10:7003 10.0.10.2:7003
	rc=$?
	peer=$(jfield "$RG_TMP/e.json" peer)
	check "$name: C answers 408 (exit $rc)" test "$(jfield "$RG_TMP/c.json" answer)" = 408
	check "$name: C's dial of the Route is refused" test "$(jfield "$RG_TMP/c.json" dial)" = refused
	check "$name: E saw '$peer', not C's $bind" grep -Eq "$want" <<<"$peer"
	check "$name: E's Route carries what it saw" test "$(jfield "$RG_TMP/e.json" route)" = "$peer"
	read -r orig reply <<<"$(ct_tuples "${bind%:*}" "${bind##*:}")"
	check "$name: conntrack reply dst $reply != orig src $orig" \
		test -n "$orig" -a "$orig" = "$bind" -a "$reply" = "$peer"
done

# IPv6 hairpin (NAT66) translates too.
up nft-snat
exchange c1 "[fd00:30::2]:27901" "[2001:db8:64::10]:7003" "[fd00:10::2]:7003"
peer=$(jfield "$RG_TMP/e.json" peer)
check "fault (nft-snat, IPv6): C answers 408" test "$(jfield "$RG_TMP/c.json" answer)" = 408
check "fault (nft-snat, IPv6): E saw '$peer'" grep -Eq '^\[2001:db8:64::10\]:[0-9]+$' <<<"$peer"

# Control: a firewall that does not translate the source works.
up dnat-only
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "control (dnat-only): C answers 200" test "$(jfield "$RG_TMP/c.json" answer)" = 200
check "control (dnat-only): E saw C's real 10.0.30.2:27901" \
	test "$(jfield "$RG_TMP/e.json" peer)" = 10.0.30.2:27901

# Same segment: the masquerade keeps the return path symmetric; it connects.
up same-segment
exchange c1 10.0.10.3:27901 64.100.0.10:7003 10.0.10.2:7003
rc=$?
check "same-segment: the connection works (E got C's answer)" \
	test -n "$(jfield "$RG_TMP/e.json" status)" -a "$rc" -ne 3
check "same-segment: E saw the firewall 10.0.10.1" \
	grep -Eq '^10\.0\.10\.1:[0-9]+$' <<<"$(jfield "$RG_TMP/e.json" peer)"

# The demo itself reproduces the fault and cleans up after itself.
LAB_PREFIX=${LAB_PREFIX}d "$RG_TOP/tests/lab/demo.sh" >"$RG_TMP/demo" 2>&1
rc=$?
check "make demo's script: exit 0 (fault reproduced)" test "$rc" -eq 0
check "demo prints the 408 and the translated tuple" \
	grep -q 'reply dst 64.100.0.10:[0-9]* != orig src 10.0.30.2:27901' "$RG_TMP/demo"
check "demo removes its lab" test -z "$(ip netns list | grep "^${LAB_PREFIX}d-")"
lab_down
check "lab_down removes every namespace" test -z "$(ip netns list | grep "^${LAB_PREFIX}-")"
