#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's whole lifetime under valgrind: start, a translated flow,
# a status request, metrics scrapes (good, malformed, one still connected
# at the end), SIGTERM. Zero errors and zero leaks.
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind >/dev/null; then
	skip "daemon under valgrind: valgrind not installed"
	exit 0
fi
lab_up nft-snat >/dev/null || { not_ok "valgrind: lab up"; exit 1; }
# --no-seccomp: the filter would be valgrind's own, and kill it. --user
# root: a user looked up loads NSS modules that stay reachable at exit.
ip netns exec "$(lab_ns fw)" valgrind -q --leak-check=full --show-leak-kinds=all \
	--errors-for-leak-kinds=all --error-exitcode=99 \
	"$REFLGUARD" run --expressway-e 64.100.0.10 --events "$RG_TMP/ev.json" \
	--control "$RG_TMP/ctl.sock" --metrics 9153 --no-seccomp --user root 2>"$RG_TMP/vg.txt" &
vpid=$!
for _ in $(seq 200); do
	lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1 && break
	sleep 0.05
done
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
for _ in $(seq 100); do [ -s "$RG_TMP/ev.json" ] && break; sleep 0.05; done
"$REFLGUARD" status --control "$RG_TMP/ctl.sock" >/dev/null 2>&1
scrape=$RG_TOP/tests/lab/scrape.py
check "valgrind: a metrics scrape is answered" lab_exec fw python3 "$scrape" check 127.0.0.1 9153
lab_exec fw python3 "$scrape" malformed 127.0.0.1 9153 >/dev/null 2>&1
lab_exec fw python3 "$scrape" silent 127.0.0.1 9153 >/dev/null 2>&1 &
sleep 1
check "valgrind: the daemon reported the flow" grep -q '"c":"10.0.30.2:27901"' "$RG_TMP/ev.json"
kill -TERM "$vpid"
wait "$vpid"
rc=$?
check "valgrind: zero errors, zero leaks over the daemon's lifetime (exit $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/    /' "$RG_TMP/vg.txt" | head -40

# The pure modules too: their CUnit suites, with the same zero.
unit=$(dirname "$0")/../../build/unit_tests
if [ -x "$unit" ]; then
	valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 \
		"$unit" >"$RG_TMP/vg-unit.out" 2>&1
	rc=$?
	check "valgrind: the CUnit suites, zero errors and zero leaks (exit $rc)" test "$rc" -eq 0
	[ "$rc" -eq 0 ] || grep '^==' "$RG_TMP/vg-unit.out" | head -30
else
	skip "valgrind: the CUnit suites: build/unit_tests not built"
fi
