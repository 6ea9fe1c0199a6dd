#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 15.4: a reset on A replicates sanely. C's traversal connection is
# translated on A (reflguard not yet running there); A's reflguard starts,
# its scan exempts the pair and resets the connection (ct mark 0x40000000,
# then the entry deleted: docs/design.md, "Telling both ends of a reset").
# conntrackd carries the delete to B. After A fails, B holds no stale
# translated entry for C's port, and C's reconnection from that same port
# through B is clean (E sees 10.0.30.2:PORT).
. "$(dirname "$0")/lib.sh"
. "$RG_TOP/tests/lab/pair.sh"

pair_require
P=$RG_TMP/pair
trap 'touch "$RG_TMP/stop"; pair_down; rg_cleanup' EXIT
PORT=27950

# run_case after|hold: A fails after the reset is complete, or inside the
# reset's 2 s hold (A wholly gone, sync link too).
run_case() {
trap pair_down EXIT
pair_up "$P" || { not_ok "pair up"; exit 1; }
check "B: reflguard starts" pair_rg_start b
ev() { pair_ev "$@"; }

# C's long-lived connection, translated by A's hairpin.
pair_stream_start "$PORT" 30 20
e_peer() { jfield "$RG_TMP/se.json" peer; }
check "A: C's connection is translated without reflguard" \
	eval 'wait_for test -s "$RG_TMP/se.json" && [ "$(e_peer)" != 10.0.30.2:$PORT ]'
# translated_on NODE: NODE's kernel holds C's entry with its source
# translated (E answers to 64.100.0.10). in_ext NODE: conntrackd's external
# cache holds an entry of C's port (it lists original tuples only).
translated_on() {
	pair_exec "$1" conntrack -L -p tcp --sport "$PORT" 2>/dev/null | grep -q 'src=10.0.10.2 dst=64.100.0.10 sport=7003'
}
in_ext() { pair_exec "$1" conntrackd -C "$P/$1/conntrackd.conf" -e 2>/dev/null | grep -q "sport=$PORT "; }
check "A: the kernel's entry is translated" translated_on a
check "B: conntrackd replicated it to its external cache" wait_for in_ext b

check "A: reflguard starts" pair_rg_start a
check "A: its scan exempts the pair and resets the connection (reset event)" wait_for ev a event=reset
wait "$SPID"
check "C's end of the translated connection is closed by the reset ($(jfield "$RG_TMP/sc.json" error))" \
	eval '[ -n "$(jfield "$RG_TMP/sc.json" error)" ]'
gone_a() { ! translated_on a; }
gone_b() { ! in_ext b; }
pair_notify_seen b primary
if [ "$1" = after ]; then
	check "A: the translated entry is deleted after its hold" eval 'wait_for gone_a || wait_for gone_a'
	check "B: conntrackd's external cache no longer holds it" wait_for gone_b
	pair_keepalived_stop a
	check "failover: B becomes master (external cache committed)" pair_wait_master b
	check "B: no stale translated entry for C's port in B's kernel" eval '! translated_on b'
else
	# A dies inside the hold: its delete never reaches B.
	pair_sync down
	pair_links a down
	check "failover: B becomes master (external cache committed)" pair_wait_master b
	check "B: what it got of C's entry is closed, not live (the reset's RST closed it on A)" \
		eval '! pair_exec b conntrack -L -p tcp --sport $PORT 2>/dev/null | grep "sport=$PORT " | grep -qv " CLOSE "'
fi
touch "$RG_TMP/stop"
kill "$EPID" 2>/dev/null
wait "$EPID" 2>/dev/null
xchg c1 "10.0.30.2:$PORT" 64.100.0.10:7003 10.0.10.2:7003 2
check "B: C's reconnection from the same port is clean (E sees 10.0.30.2:$PORT)" got200 2 "10.0.30.2:$PORT"
for n in a b; do
	check "node $n: reflguard exits 0 on SIGTERM" pair_rg_stop "$n"
done
pair_down
}

_PAIR_DIR=$P	# the subshells' pair, for this shell's trap
for mode in after hold; do
	if [ "$mode" = after ]; then echo "# case: A fails after the reset"
	else echo "# case: A fails inside the reset's 2 s hold"; fi
	rm -rf "$P"
	run_case "$mode" | sed "s/^\(ok\|not ok\) - /&$mode: /"
done
