#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15.1 and 15.3 (failback): a firewall pair on the real engine
# (tests/lab/pair.sh: keepalived moves the gateways and 64.100.0.10,
# conntrackd replicates conntrack over a sync link), reflguard in remediate
# mode on both nodes. C's traversal connection, fixed on A (E sees
# 10.0.30.2:PORT), keeps carrying data both ways through B when A fails
# (keepalived stopped; A's links down), and E still sees C's real address;
# B's conntrack entry counts its packets, A holds no address. When A comes
# back it takes over again with nothing lost and nothing duplicated.
. "$(dirname "$0")/lib.sh"
. "$RG_TOP/tests/lab/pair.sh"

check "docs/operations.md quotes the pair's files as they are" \
	python3 "$RG_TOP/tests/lab/pair/doc_check.py" "$RG_TOP"
pair_require
P=$RG_TMP/pair
trap 'pair_down; rg_cleanup' EXIT
C1_ELEM='10.0.30.2 . 10.0.10.2 . tcp . 7003'

pair_up "$P" || { not_ok "pair up"; exit 1; }
ok "pair up: A master, B backup (VRRPv3, conntrackd FT-FW)"
check "A holds the three addresses" pair_master a
check "B holds none" pair_holds_none b
check "A: reflguard starts" pair_rg_start a
check "B: reflguard starts" pair_rg_start b

in_set() { pair_in_set "$1" "$C1_ELEM"; }
peer_is() { [ "$(jfield "$RG_TMP/e.json" peer)" = "$1" ] && [ "$(jfield "$RG_TMP/c.json" answer)" = 200 ]; }
clean() { exchange c1 "$1" 64.100.0.10:7003 10.0.10.2:7003 && peer_is "$1"; }

check "A: C's first connection is rescued clean (E sees 10.0.30.2:27901)" clean 10.0.30.2:27901
check "A: the pair is exempted" wait_for in_set a

# ---- the stream: one TCP connection carrying data both ways ----
echoed() { python3 -c 'import json,sys
n=[json.loads(l).get("echoed",0) for l in open(sys.argv[1]) if l.startswith("{")]
print(max(n) if n else 0)' "$RG_TMP/se.json"; }
echoed_past() { [ "$(echoed)" -ge "$1" ]; }
stream_stop() {	# the C side's verdict: every line echoed, in order
	touch "$RG_TMP/stop"
	wait "$SPID"
	local rc=$?
	wait "$EPID"
	return $rc
}
# ct_packets NODE PORT: packets counted in NODE's conntrack entry of C's port.
ct_packets() {
	pair_exec "$1" conntrack -L -p tcp --sport "$2" 2>/dev/null |
		grep -oE 'packets=[0-9]+' | awk -F= '{ s += $2 } END { print s + 0 }'
}
grows() { local a; a=$(ct_packets "$1" "$2"); sleep 0.5; [ "$(ct_packets "$1" "$2")" -gt "$a" ]; }
# c_gw_is NODE: C's ARP entry for its gateway is NODE's in0 (the gratuitous ARP).
c_gw_is() { lab_exec c1 ip neigh show 10.0.30.1 | grep -qi "lladdr $(pair_mac "$1" in0)"; }

failover_run() { # PORT HOW FAIL_CMD
	local port=$1 how=$2 base
	pair_stream_start "$port" 20 15
	check "$how: the stream runs through A (E sees 10.0.30.2:$port)" \
		eval 'wait_for echoed_past 10 && [ "$(jfield "$RG_TMP/se.json" peer)" = 10.0.30.2:'"$port"' ]'
	check "$how: A's conntrack carries it" grows a "$port"
	pair_notify_seen b primary
	shift 2
	"$@"
	check "$how: B becomes master (notify_master done: commit)" pair_wait_master b
	check "$how: A holds no address" wait_for pair_holds_none a
	check "$how: C's gateway MAC is B's (gratuitous ARP)" wait_for c_gw_is b
	base=$(echoed)
	check "$how: the same connection still carries data both ways" \
		eval "wait_for echoed_past $((base + 20)) || wait_for echoed_past $((base + 20))"
	check "$how: B's conntrack carries it" grows b "$port"
	check "$how: the stream ends with every line echoed, in order" stream_stop
	check "$how: E saw C's real address to the end" \
		eval '[ "$(jfield "$RG_TMP/se.json" peer)" = 10.0.30.2:'"$port"' ] && [ "$(jfield "$RG_TMP/sc.json" error)" = "" ]'
}

failback() { # HOW
	pair_notify_seen a primary
	"${@:2}"
	check "$1: A takes over again" pair_wait_master a
	check "$1: B holds no address" wait_for pair_holds_none b
}

failover_run 27910 "keepalived stopped on A" pair_keepalived_stop a
pair_stream_start 27911 20 15
wait_for echoed_past 10
failback "failback" pair_keepalived_start a
base=$(echoed)
check "failback: the connection made through B still flows through A" \
	eval "wait_for echoed_past $((base + 20)) && grows a 27911 && stream_stop"
failover_run 27912 "A's links down" pair_links a down
failback "links up" pair_links a up
check "after both: C's next connection through A is clean" clean 10.0.30.2:27913

# Nothing lost, nothing duplicated: each node's set and state file hold
# the pair once, the same elements.
set_elems() { pair_exec "$1" nft list set ip reflguard exempt4 2>/dev/null |
	grep -oE '[0-9.]+ \. [0-9.]+ \. tcp \. [0-9]+' | sort; }
state_elems() { python3 -c 'import json,os,sys
for l in open(sys.argv[1]) if os.path.exists(sys.argv[1]) else []:
    l=l.strip().rstrip(",")
    if l.startswith("{\"c\""):
        e=json.loads(l); print("%s . %s . %s . %s" % (e["c"], e["e_internal"], e["proto"], e["port"]))' \
	"$P/$1/state.json" 2>/dev/null | sort; }
for n in a b; do
	check "node $n: the set's elements are unique and match its state file" \
		eval '[ "$(set_elems '"$n"')" = "$(state_elems '"$n"')" ] && [ -z "$(set_elems '"$n"' | uniq -d)" ]'
done
check "A: the pair is still exempt" in_set a
for n in a b; do
	check "node $n: reflguard exits 0 on SIGTERM" pair_rg_stop "$n"
done
