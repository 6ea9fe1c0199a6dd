#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A firewall pair (keepalived + conntrackd in production): two labs, A and
# B, each a whole C / firewall / E world with the same addresses, stand for
# the two nodes. Both run reflguard with the same configuration, which
# holds a static exemption for C1. Each node installs it at start, before
# any traffic, and C1's hairpinned connection through either node is clean
# from its first SYN: E sees 10.0.30.2:PORT, never the translated source.
# Node B is started after A has been serving (a failover to a node that just
# came up): its first connection is clean too, with nothing learnt. C2 has
# no exempt line: what A learnt for it is A's alone, and B learns it anew
# after one translated connection (the time to fix after a failover).
. "$(dirname "$0")/lib.sh"

A=$LAB_PREFIX
B=${LAB_PREFIX}b
C1_ELEM='10.0.30.2 . 10.0.10.2 . tcp . 7003'
C2_ELEM='10.0.31.3 . 10.0.10.2 . tcp . 7003'
declare -A PID

ha_cleanup() {
	local n
	for n in A B; do
		[ -n "${PID[$n]:-}" ] && kill -TERM "${PID[$n]}" 2>/dev/null && wait "${PID[$n]}" 2>/dev/null
	done
	LAB_PREFIX=$B lab_down >/dev/null 2>&1
	rg_cleanup
}
trap ha_cleanup EXIT

# The same file for both nodes, as config management would write it; only
# the state (per node) and the control socket (per test) differ by flag.
cat >"$RG_TMP/rg.conf" <<CONF
mode = remediate
expressway-e = 64.100.0.10
# C1 is known to config management: static on every node.
exempt = 10.0.30.2 10.0.10.2 tcp/7003
CONF

# on NODE CMD...: in node NODE's lab.
on() { local n=$1; shift; LAB_PREFIX=${!n} "$@"; }

start_node() {	# NODE
	local n=$1 ns
	ns=$(on "$n" lab_ns fw)
	ip netns exec "$ns" "$REFLGUARD" run -c "$RG_TMP/rg.conf" --state "$RG_TMP/state-$n.json" \
		--events "$RG_TMP/events-$n.json" --control "$RG_TMP/ctl-$n.sock" \
		2>"$RG_TMP/daemon-$n.err" &
	PID[$n]=$!
	for _ in $(seq 100); do
		ip netns exec "$ns" nft list chain ip reflguard observe >/dev/null 2>&1 && return 0
		kill -0 "${PID[$n]}" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

in_set() { on "$1" lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$2"; }

# conn NODE C_ROLE BIND: one connection through NODE; E's peer in $RG_TMP/peer.
conn() {
	on "$1" exchange "$2" "$3" 64.100.0.10:7003 10.0.10.2:7003
	jfield "$RG_TMP/e.json" peer >"$RG_TMP/peer"
}
clean() { conn "$@" && [ "$(cat "$RG_TMP/peer")" = "$3" ] && [ "$(jfield "$RG_TMP/c.json" answer)" = 200 ]; }
translated() { conn "$@"; [ "$(cat "$RG_TMP/peer")" != "$3" ]; }
learnt_nothing() { ! grep -q '"event":"exempted"' "$RG_TMP/events-$1.json"; }
# A pair with no exempt line is learnt from its first connection, whose
# first SYN is dropped as the pair is exempted (decided before its verdict
# on both kernel paths): the retransmission goes out clean.
first_learnt() { clean "$@"; }
FIRST="rescued, clean"

on A lab_up nft-snat >/dev/null || { not_ok "lab A up"; exit 1; }
on B lab_up nft-snat >/dev/null || { not_ok "lab B up"; exit 1; }

# ---- node A, the active one ----
check "node A: reflguard starts" start_node A || cat "$RG_TMP/daemon-A.err"
check "node A: the static exemption is in the set before any traffic" in_set A "$C1_ELEM"
check "node A: C1's first connection is clean (E sees 10.0.30.2:27901)" clean A c1 10.0.30.2:27901
check "node A: nothing learnt for it" learnt_nothing A
check "node A: C2's first connection (no exempt line): $FIRST" first_learnt A c2 10.0.31.3:27902
check "node A: C2 learnt dynamically" wait_for in_set A "$C2_ELEM"
check "node A: C2's next connection is clean" clean A c2 10.0.31.3:27903

# ---- failover to node B, which only now starts ----
check "node B: nothing of reflguard before it starts" eval "! on B lab_exec fw nft list tables 2>/dev/null | grep -q reflguard"
check "node B: C1 is translated without reflguard" translated B c1 10.0.30.2:27910
check "node B: reflguard starts with the same config" start_node B || cat "$RG_TMP/daemon-B.err"
check "node B: the static exemption is in its set at start" in_set B "$C1_ELEM"
check "node B: C1's first connection after the start is clean" clean B c1 10.0.30.2:27911
check "node B: nothing learnt for it" learnt_nothing B
check "node B: the state file marks it static" grep -q '"c":"10.0.30.2".*"static":true' "$RG_TMP/state-B.json"
# Dynamic exemptions are per node: A's C2 exemption is not on B.
check "node B: A's learnt C2 exemption is A's alone" eval "! in_set B '$C2_ELEM'"
check "node B: C2's first connection: $FIRST" first_learnt B c2 10.0.31.3:27912
check "node B: C2 learnt after that one connection" wait_for in_set B "$C2_ELEM"
check "node B: C2's next connection is clean" clean B c2 10.0.31.3:27913
check "node B: the time to fix is reported" grep -q '"time_to_fix_ms"' "$RG_TMP/events-B.json"

# ---- both nodes, same lines ----
for n in A B; do
	on "$n" lab_exec fw nft list set ip reflguard exempt4 2>/dev/null |
		grep -oE '10\.0\.30\.2 \. [0-9.]+ \. tcp \. [0-9]+' >"$RG_TMP/set-$n"
done
check "both nodes hold the same static exemption" cmp -s "$RG_TMP/set-A" "$RG_TMP/set-B"

for n in A B; do
	kill -TERM "${PID[$n]}"
	wait "${PID[$n]}"
	check "node $n: reflguard exits 0 on SIGTERM" test $? -eq 0
	PID[$n]=
done
