#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Unusual packets in the queue: IPv4 options, IPv6 hop-by-hop and
# destination-options headers, IPv6 header chains within and past the
# queue's 320-byte copy, an IPv6 authentication header, UDP, a fragmented UDP datagram. Each connection must
# complete with its bytes intact (echoed back), its packets must reach E
# still carrying what they carried, the flow must be classified (or, where the
# headers cannot be read, counted), and the dry-run daemon must keep working.
. "$(dirname "$0")/lib.sh"

ODD=$RG_TOP/tests/lab/odd_peer.py

# start_daemon, stop_daemon, EVENTS, CTL, ev_has, wait_ev: lib.sh's. The
# observation chains of both families come in one transaction, so one
# present means both.

# counter NAME -> STATUS_COUNTER: one of the daemon's counters (empty if no answer).
counter() {
	"$REFLGUARD" status --control "$CTL" --json 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1" 2>/dev/null
}

# at_e NAME: packets counted by E's probe rule commented NAME (what reached E).
at_e() {
	lab_exec e nft list chain inet odd pre 2>/dev/null |
		sed -nE "s/.*counter packets ([0-9]+) .*comment \"$1\".*/\1/p"
}

# odd PROTO LISTEN CONNECT CLIENT-ARGS...: one echo exchange from C1 to E
# through the firewall. E's line lands in $RG_TMP/server.json, C1's in
# $RG_TMP/client.json; returns the client's exit (4: option refused).
odd() {
	local proto=$1 listen=$2 connect=$3 s_pid rc
	shift 3
	rm -f "$RG_TMP/s.ready" "$RG_TMP/server.json" "$RG_TMP/client.json"
	ip netns exec "$(lab_ns e)" python3 "$ODD" serve --proto "$proto" --listen "$listen" \
		--timeout 8 --ready-file "$RG_TMP/s.ready" >"$RG_TMP/server.json" 2>&1 &
	s_pid=$!
	wait_for test -e "$RG_TMP/s.ready"
	lab_exec c1 python3 "$ODD" connect --proto "$proto" --connect "$connect" \
		--timeout 5 "$@" >"$RG_TMP/client.json" 2>&1
	rc=$?
	[ "$rc" -eq 4 ] && kill "$s_pid" 2>/dev/null
	wait "$s_pid" 2>/dev/null
	return $rc
}

# intact SIZE: C1 got its SIZE bytes back unchanged and E received SIZE bytes.
intact() {
	python3 -c 'import json,sys
c=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
s=json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
assert c.get("echoed") is True and c.get("sent")==int(sys.argv[3]), c
assert s.get("bytes")==int(sys.argv[3]), s' "$RG_TMP/client.json" "$RG_TMP/server.json" "$1" 2>/dev/null
}

local_end() { jfield "$RG_TMP/client.json" local; }

# case_run LABEL PROBE PROTO SIZE LISTEN CONNECT CLIENT-ARGS...: the checks
# common to every case: completes intact, reached E carrying its oddity
# (PROBE: E's counter name, "-" for none). Sets CASE_C to C's end of the
# flow, for the caller's classification check; returns 1 when there is none
# (after a skip line if the kernel refused the option).
case_run() {
	local label=$1 probe=$2 proto=$3 size=$4 listen=$5 connect=$6 rc before after
	shift 6
	[ "$probe" = - ] || before=$(at_e "$probe")
	odd "$proto" "$listen" "$connect" --size "$size" "$@"
	rc=$?
	if [ "$rc" -eq 4 ]; then
		skip "$label: the kernel refused the option: $(jfield "$RG_TMP/client.json" setsockopt)"
		return 1
	fi
	check "$label: the exchange completes, $size bytes echoed intact (exit $rc)" intact "$size"
	if [ "$probe" != - ]; then
		after=$(at_e "$probe")
		check "$label: its packets reached E still carrying it ($probe: $before -> $after)" \
			test "${after:-0}" -gt "${before:-0}"
	fi
	# C's end of the flow, for the event; none when it never connected.
	CASE_C=$(local_end)
	[ -n "$CASE_C" ]
}

lab_up nft-snat >/dev/null || { not_ok "odd packets: lab up"; exit 1; }

# E counts, as they arrive (E tracks no connections, so nothing reassembles
# fragments before this hook), the packets that reach it with IPv4 options,
# IPv6 extension headers or as fragments.
lab_exec e nft -f - <<'EOF'
table inet odd {
	chain pre {
		type filter hook prerouting priority -400; policy accept;
		ip hdrlength > 5 counter comment "ipv4-options"
		ip frag-off & 0x3fff != 0 counter comment "ipv4-fragments"
		exthdr hbh exists counter comment "ipv6-hbh"
		exthdr dst exists counter comment "ipv6-dst"
	}
}
EOF
check "odd packets: E's probe counters are in place" test -n "$(at_e ipv4-options)"

if ! start_daemon --expressway-e 64.100.0.10 --expressway-e 2001:db8:64::10 \
	--ports tcp/7003,udp/7003; then
	not_ok "odd packets: dry-run daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
	exit 1
fi
ok "odd packets: dry-run daemon starts (tcp/7003, udp/7003, IPv4 and IPv6)"
classified=0

# 1. IPv4 options on every packet of the connection, the SYN included: NOPs
# and an EOL (4 bytes, IHL 6), then the most there can be (40 bytes, IHL 15).
for opts in 01010100 "$(printf '01%.0s' $(seq 39))00"; do
	label="IPv4 options ($(( ${#opts} / 2 )) bytes)"
	case_run "$label" ipv4-options tcp 64 10.0.10.2:7003 64.100.0.10:7003 --ip-options "$opts" ||
		continue
	check "$label: classified (an event for $CASE_C)" wait_ev event=flow proto=tcp c="$CASE_C"
	classified=$((classified + 1))
done

# 2. IPv6 extension headers: a destination-options and a hop-by-hop header,
# each holding one PadN option (8 bytes in all).
for kind in dstopts:ipv6-dst hopopts:ipv6-hbh; do
	label="IPv6 ${kind%%:*} header"
	case_run "$label" "${kind#*:}" tcp 64 "[fd00:10::2]:7003" "[2001:db8:64::10]:7003" \
		"--ipv6-${kind%%:*}" 0000010400000000 || continue
	check "$label: classified (an event for $CASE_C)" wait_ev event=flow proto=tcp c="$CASE_C"
	classified=$((classified + 1))
done

# 2b. A destination-options header of 200 bytes (one skippable experimental
# option, type 0x1e): the TCP header is past 128 bytes, within the 320 the
# queue copies (an IPv6 header, 272 bytes of extension headers, 8 of TCP),
# so the flow is classified on both kernel paths.
dstopts() {	# BYTES: one header of that size (a multiple of 8), in hex
	python3 -c 'import sys
n=int(sys.argv[1]); out=bytes([0, n // 8 - 1]); r=n-2
while r >= 2:
	l=min(255, r-2); out+=bytes([0x1e, l])+bytes(l); r-=l+2
out+=bytes(r)
print(out.hex())' "$1"
}
label="IPv6 200-byte destination-options header"
if case_run "$label" ipv6-dst tcp 64 "[fd00:10::2]:7003" "[2001:db8:64::10]:7003" \
	--ipv6-dstopts "$(dstopts 200)"; then
	check "$label: classified (an event for $CASE_C)" wait_ev event=flow proto=tcp c="$CASE_C"
	classified=$((classified + 1))
fi

# 2c. Past the bound: 512 bytes of destination options. With NFQA_CT the
# conntrack entry comes with the packet and the flow is classified all the
# same; without it the ports are beyond the copy, so the flow is looked up
# by the addresses the packet does show (counted as unparsed): found by
# that lookup, not by a resync of the whole table (scan_flows stays put).
label="IPv6 512-byte destination-options header (past the copy range)"
unparsed0=$(counter packets_unparsed)
scanned0=$(counter scan_flows)
if case_run "$label" ipv6-dst tcp 64 "[fd00:10::2]:7003" "[2001:db8:64::10]:7003" \
	--ipv6-dstopts "$(dstopts 512)"; then
	case $RG_PATH in
	*+nfqa-ct)
		check "$label: classified from NFQA_CT (an event for $CASE_C)" \
			wait_ev event=flow proto=tcp c="$CASE_C"
		;;
	*+lookup)
		check "$label: classified, found by its addresses (an event for $CASE_C)" \
			wait_ev event=flow proto=tcp c="$CASE_C"
		unparsed1=$(counter packets_unparsed)
		check "$label: counted as unparsed ($unparsed0 -> $unparsed1)" \
			test "${unparsed1:-0}" -gt "${unparsed0:-0}"
		scanned1=$(counter scan_flows)
		check "$label: no resync of the whole table (scan_flows $scanned0 -> $scanned1)" \
			test "${scanned1:-x}" = "${scanned0:-y}"
		;;
	*) skip "$label: kernel path '$RG_PATH' unknown, classification not checked" ;;
	esac
	classified=$((classified + 1))
fi

# 2d. An authentication header (IPsec AH) before TCP: the SYN's ports are
# read past it, so the flow is looked up and classified on both paths.
# (Nothing answers: E holds no security association; the SYN suffices.)
label="IPv6 authentication header"
lab_exec c1 python3 "$ODD" ah-syn --connect "[2001:db8:64::10]:7003" --bind fd00:30::2 \
	--sport 27951 >"$RG_TMP/client.json" 2>&1
check "$label: the SYN is sent (exit $?)" test "$(jfield "$RG_TMP/client.json" sent)" = ah-syn
check "$label: classified (an event for [fd00:30::2]:27951)" \
	wait_ev event=flow proto=tcp c="[fd00:30::2]:27951"
classified=$((classified + 1))

# 3. UDP to a watched UDP port: one small datagram, then one of 4000 bytes
# that C sends as IPv4 fragments (the firewall reassembles it for conntrack,
# queues it whole and fragments it again on the way out).
if case_run "UDP datagram" - udp 64 10.0.10.2:7003 64.100.0.10:7003; then
	check "UDP datagram: classified (an event for $CASE_C)" wait_ev event=flow proto=udp c="$CASE_C"
	classified=$((classified + 1))
fi
if case_run "UDP 4000-byte datagram, fragmented" ipv4-fragments udp 4000 \
	10.0.10.2:7003 64.100.0.10:7003; then
	check "UDP 4000-byte datagram, fragmented: classified (an event for $CASE_C)" \
		wait_ev event=flow proto=udp c="$CASE_C"
	classified=$((classified + 1))
fi

# 4. After all of that the daemon is alive, answers, and counts.
check "after the odd packets: the daemon is still running" kill -0 "$DPID"
"$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/status.json" 2>"$RG_TMP/status.err"
check "after the odd packets: status --json answers (exit $?)" valid_json "$RG_TMP/status.json"
check "after the odd packets: status shows lookup_failures $(counter lookup_failures) and packets_unparsed $(counter packets_unparsed), numbers" \
	python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); c=s["counters"]
assert s["pid"]==int(sys.argv[2]), s
for k in ("lookup_failures","packets_unparsed","packets_queued","flows_classified"):
	assert type(c[k]) is int and c[k]>=0, (k, c[k])' "$RG_TMP/status.json" "$DPID"
check "after the odd packets: $classified flows classified, at least as many packets queued ($(counter packets_queued)/$(counter flows_classified))" \
	python3 -c 'import json,sys
c=json.load(open(sys.argv[1]))["counters"]; n=int(sys.argv[2])
assert c["flows_classified"]>=n and c["packets_queued"]>=n, c' "$RG_TMP/status.json" "$classified"

# ... and still classifies an ordinary traversal connection.
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "after the odd packets: an ordinary connection still completes (C answers $(jfield "$RG_TMP/c.json" answer))" \
	test "$(jfield "$RG_TMP/c.json" answer)" = 408
check "after the odd packets: an ordinary connection is still classified" \
	wait_ev event=flow proto=tcp c=10.0.30.2:27901
stop_daemon
rc=$?
check "odd packets: SIGTERM exits 0 (got $rc)" test "$rc" -eq 0
check "odd packets: no reflguard table left" \
	test -z "$(lab_exec fw nft list tables 2>/dev/null | grep reflguard)"
