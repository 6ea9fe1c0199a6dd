#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15.3, split brain: the firewall pair (tests/lab/pair.sh) loses its
# sync link and its VRRP path at once, so both nodes are master. Each stays
# correct for the traffic that reaches it: C's connections through A and
# through B are clean (E sees C's real address), a pair new to both is
# rescued and exempted by whichever node it crosses, and neither node's set
# holds anything twice or anything its state file does not. When the paths
# heal A (higher priority) is the only master again and stays correct.
. "$(dirname "$0")/lib.sh"
. "$RG_TOP/tests/lab/pair.sh"

pair_require
P=$RG_TMP/pair
trap 'pair_down; rg_cleanup' EXIT

pair_up "$P" || { not_ok "pair up"; exit 1; }
check "A: reflguard starts" pair_rg_start a
check "B: reflguard starts" pair_rg_start b
# A second C address on C's segment: a pair new to both nodes during the split.
lab_exec c1 ip addr add 10.0.30.3/24 dev eth0

elem() { printf '%s . 10.0.10.2 . tcp . 7003' "$1"; }
in_set() { pair_in_set "$1" "$(elem "$2")"; }
clean() { # C_ADDR PORT
	exchange c1 "$1:$2" 64.100.0.10:7003 10.0.10.2:7003 &&
		[ "$(jfield "$RG_TMP/e.json" peer)" = "$1:$2" ] && [ "$(jfield "$RG_TMP/c.json" answer)" = 200 ]
}
# via NODE: C and E send to NODE's MAC for their gateways (whichever
# gratuitous ARP they heard last decides it in a real split brain).
via() {
	lab_exec c1 ip neigh replace 10.0.30.1 lladdr "$(pair_mac "$1" in0)" dev eth0 nud reachable
	lab_exec e ip neigh replace 10.0.10.1 lladdr "$(pair_mac "$1" dmz)" dev eth0 nud reachable
}
carried() { pair_exec "$1" conntrack -L -p tcp --sport "$2" 2>/dev/null | grep -q 'src=10.0.30'; }

check "A: C's first connection is rescued clean" clean 10.0.30.2 27901
check "A: the pair is exempted" wait_for in_set a 10.0.30.2

# ---- the split ----
pair_notify_seen b primary
pair_sync down
pair_vrrp_cut on
check "split: B becomes master too" pair_wait_master b
check "split: A is still master" pair_master a

via b
check "split, through B: C's connection is clean (10.0.30.2)" clean 10.0.30.2 27910
check "split, through B: B carried it, A did not" eval 'carried b 27910 && ! carried a 27910'
check "split, through B: a new C (10.0.30.3) is rescued clean" clean 10.0.30.3 27911
check "split, through B: B exempted it" wait_for in_set b 10.0.30.3
check "split, through B: its next connection is clean" clean 10.0.30.3 27912

via a
check "split, through A: C's connection is clean (10.0.30.2)" clean 10.0.30.2 27920
check "split, through A: A carried it, B did not" eval 'carried a 27920 && ! carried b 27920'
check "split, through A: the new C is rescued clean by A on its own" clean 10.0.30.3 27921
check "split, through A: A exempted it" wait_for in_set a 10.0.30.3
check "split, through A: its next connection is clean" clean 10.0.30.3 27922

# ---- healed ----
pair_notify_seen b backup
pair_vrrp_cut off
pair_sync up
check "healed: B steps back (notify_backup)" _pair_wait_notify b backup
check "healed: B holds no address" wait_for pair_holds_none b
check "healed: A is the only master" pair_master a
lab_exec c1 ip neigh flush dev eth0
lab_exec e ip neigh flush dev eth0
check "healed: C's connection through A is clean" clean 10.0.30.2 27930
check "healed: the new C's too" clean 10.0.30.3 27931

set_elems() { pair_exec "$1" nft list set ip reflguard exempt4 2>/dev/null |
	grep -oE '[0-9.]+ \. [0-9.]+ \. tcp \. [0-9]+' | sort; }
state_elems() { python3 -c 'import json,os,sys
for l in open(sys.argv[1]) if os.path.exists(sys.argv[1]) else []:
    l=l.strip().rstrip(",")
    if l.startswith("{\"c\""):
        e=json.loads(l); print("%s . %s . %s . %s" % (e["c"], e["e_internal"], e["proto"], e["port"]))' \
	"$P/$1/state.json" | sort; }
for n in a b; do
	check "node $n: the set's elements are unique and match its state file" \
		eval '[ "$(set_elems '"$n"')" = "$(state_elems '"$n"')" ] && [ -z "$(state_elems '"$n"' | uniq -d)" ]'
done
check "A holds both pairs" eval 'in_set a 10.0.30.2 && in_set a 10.0.30.3'
for n in a b; do
	check "node $n: reflguard exits 0 on SIGTERM" pair_rg_stop "$n"
done
