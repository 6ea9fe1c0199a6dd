#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --metrics: the daemon's Prometheus endpoint, scraped from inside the
# firewall's namespace. The counters move with a real translated
# traversal connection; slow, silent, malformed and crowding clients
# never keep the daemon from handling the next connection or scrape; bad
# values and a taken port exit 2 with nothing installed.
. "$(dirname "$0")/lib.sh"

SCRAPE=$RG_TOP/tests/lab/scrape.py
PORT=9153

scrape() {	# HOST PORT [PATH [METHOD]]: one JSON line in $RG_TMP/scrape.json
	lab_exec fw python3 "$SCRAPE" get "$@" >"$RG_TMP/scrape.json" 2>"$RG_TMP/scrape.err"
}

# metric SERIES: its value in the last scrape, printed as an integer.
metric() {
	python3 -c 'import json,sys
m=json.load(open(sys.argv[1]))["metrics"]; print(int(m[sys.argv[2]]))' \
		"$RG_TMP/scrape.json" "$1" 2>/dev/null
}

sfield() {	# KEY: a field of the last scrape
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' \
		"$RG_TMP/scrape.json" "$1" 2>/dev/null
}

translated() {	# N: the Nth traversal connection, from C1's port 27900+N
	exchange c1 "10.0.30.2:$((27900 + $1))" 64.100.0.10:7003 10.0.10.2:7003
}

wait_metric() {	# SERIES VALUE: a scrape shows SERIES at VALUE
	for _ in $(seq 100); do
		scrape 127.0.0.1 $PORT && [ "$(metric "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

wait_translated() { wait_metric reflguard_translated_found_total "$1"; }

alive() { kill -0 "$DPID" 2>/dev/null; }

lab_up nft-snat >/dev/null || { not_ok "metrics: lab up"; exit 1; }

if ! start_daemon --expressway-e 64.100.0.10 --metrics $PORT; then
	not_ok "metrics: the daemon starts with --metrics $PORT"
	cat "$RG_TMP/daemon.err"
	exit 1
fi
ok "metrics: the daemon starts with --metrics $PORT"
check "metrics: it says where it serves" grep -q "serving http://127.0.0.1:$PORT/metrics" "$RG_TMP/daemon.err"
check "metrics: the text is exposition format 0.0.4 (types, lines, histogram)" \
	lab_exec fw python3 "$SCRAPE" check 127.0.0.1 $PORT
# Answered means in the loop, so after the capabilities were dropped.
check "metrics: the listener costs no privilege: CAP_NET_ADMIN only after start" \
	test "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$DPID/status")" = 0000000000001000
scrape 127.0.0.1 $PORT
check "metrics: Content-Type text/plain; version=0.0.4" grep -q '^text/plain; version=0.0.4' <<<"$(sfield content_type)"
check "metrics: Connection: close" test "$(sfield connection)" = close
check "metrics: nothing translated yet" test "$(metric reflguard_translated_found_total)" = 0
check "metrics: build_info names the version and the kernel paths" \
	grep -q 'reflguard_build_info{version=\\"[0-9.]*\\",queue_path=\\"[a-z-]*\\",ct_path=\\"[a-z-]*\\"} 1' \
	"$RG_TMP/scrape.json"
check "metrics: mode dry-run" test "$(metric 'reflguard_mode{mode="dry-run"}')" = 1
check "metrics: loopback only: not on the firewall's other addresses" \
	bash -c '! ip netns exec "$0" python3 "$1" get 10.0.30.1 "$2" 2>/dev/null' "$(lab_ns fw)" "$SCRAPE" $PORT

translated 1
check "metrics: one translated connection counted" wait_translated 1
check "metrics: packets queued >= 1" test "$(metric reflguard_packets_queued_total)" -ge 1
check "metrics: flows classified >= 1" test "$(metric reflguard_flows_classified_total)" -ge 1
check "metrics: handling histogram count >= 1" test "$(metric reflguard_handling_seconds_count)" -ge 1
check "metrics: +Inf bucket equals the count" \
	test "$(metric 'reflguard_handling_seconds_bucket{le="+Inf"}')" = "$(metric reflguard_handling_seconds_count)"
check "metrics: refused by reason, none" test "$(metric 'reflguard_refused_total{reason="same-segment"}')" = 0

scrape 127.0.0.1 $PORT /other
check "metrics: another path is 404" test "$(sfield status)" = 404
scrape 127.0.0.1 $PORT /metrics POST
check "metrics: another method is 405" test "$(sfield status)" = 405

lab_exec fw python3 "$SCRAPE" malformed 127.0.0.1 $PORT >"$RG_TMP/malformed.json" 2>&1
check "metrics: garbage, binary and 100 KiB headers get 400, 400, 431; pipelined junk 200" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))
assert (r["garbage"], r["binary"], r["oversized"], r["pipelined"]) == (400, 400, 431, 200), r' "$RG_TMP/malformed.json"

# Silent and one-byte-a-second clients are closed at the 5 s deadline,
# while a scrape and a traversal connection go on meanwhile.
lab_exec fw python3 "$SCRAPE" silent 127.0.0.1 $PORT >"$RG_TMP/silent.json" 2>&1 &
spid=$!
sleep 0.5
translated 2
check "metrics: a connection during slow clients is handled" wait_translated 2
wait "$spid"
check "metrics: silent and slow clients closed at the deadline (5-7 s)" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))
for k in ("silent","slow"):
    v=r[k]; assert v.startswith("closed after"), r
    assert 4.5 <= float(v.split()[2].rstrip("s")) <= 7.5, r' "$RG_TMP/silent.json"

# More clients than it keeps: the oldest go, a new scraper still gets in.
lab_exec fw python3 "$SCRAPE" crowd 127.0.0.1 $PORT 6 >"$RG_TMP/crowd.json" 2>&1 &
cpid=$!
sleep 1
translated 3
check "metrics: a connection during a crowd of 13 clients is handled" wait_translated 3
wait "$cpid"
check "metrics: every crowding client was closed, none hung" python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))
assert len(r)==13 and all(str(v).startswith("closed after") for v in r.values()), r' "$RG_TMP/crowd.json"
check "metrics: the daemon is still running" alive
check "metrics: a later scrape is answered and well formed" lab_exec fw python3 "$SCRAPE" check 127.0.0.1 $PORT
"$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/status.json" 2>&1
check "metrics: status agrees (3 translated)" python3 -c '
import json,sys; assert json.load(open(sys.argv[1]))["counters"]["translated_found"]==3' "$RG_TMP/status.json"

# SIGHUP cannot move the endpoint: a restart is needed, and said.
printf 'expressway-e = 64.100.0.10\nmetrics = 9160\n' >"$RG_TMP/moved.conf"
stop_daemon
check "metrics: SIGTERM exits 0" test $? -eq 0
printf 'expressway-e = 64.100.0.10\nmetrics = %s\n' $PORT >"$RG_TMP/m.conf"
start_daemon -c "$RG_TMP/m.conf" || not_ok "metrics: starts with 'metrics =' in the file"
check "metrics: 'metrics = $PORT' in the file serves" lab_exec fw python3 "$SCRAPE" check 127.0.0.1 $PORT
cp "$RG_TMP/moved.conf" "$RG_TMP/m.conf"
kill -HUP "$DPID"
for _ in $(seq 100); do grep -q 'changing metrics needs a restart' "$RG_TMP/daemon.err" && break; sleep 0.05; done
check "metrics: SIGHUP with another address: needs a restart, logged" grep -q 'changing metrics needs a restart' "$RG_TMP/daemon.err"
check "metrics: and the old endpoint still serves" lab_exec fw python3 "$SCRAPE" check 127.0.0.1 $PORT
stop_daemon
check "metrics: SIGTERM after the reload exits 0" test $? -eq 0

# IPv6 loopback in brackets.
start_daemon --expressway-e 64.100.0.10 --metrics "[::1]:$PORT" || not_ok "metrics: starts with [::1]:$PORT"
check "metrics: [::1]:$PORT serves over IPv6" lab_exec fw python3 "$SCRAPE" check ::1 $PORT
stop_daemon
check "metrics: SIGTERM exits 0 (IPv6)" test $? -eq 0

# Remediate: the exemption shows as a gauge and in the counters. The
# earlier connections are forgotten first, or the start-up scan would
# exempt their pair before any packet is queued.
lab_exec fw conntrack -F >/dev/null 2>&1
if start_daemon --mode remediate --expressway-e 64.100.0.10 --state "$RG_TMP/state.json" \
	--metrics $PORT; then
	translated 4
	check "metrics (remediate): one exemption added" wait_metric reflguard_exemptions_added_total 1
	check "metrics (remediate): the exemptions gauge reads 1" test "$(metric reflguard_exemptions)" = 1
	check "metrics (remediate): mode remediate" test "$(metric 'reflguard_mode{mode="remediate"}')" = 1
	translated 5
	check "metrics (remediate): the next connection verifies it" wait_metric reflguard_exemptions_verified_total 1
	check "metrics (remediate): a time to fix" test -n "$(metric reflguard_last_time_to_fix_seconds)"
	stop_daemon
	check "metrics (remediate): SIGTERM exits 0" test $? -eq 0
	lab_exec fw "$REFLGUARD" teardown --state "$RG_TMP/state.json" --control "$CTL" >/dev/null 2>&1
else
	not_ok "metrics (remediate): the daemon starts"
fi

# Bad values and a taken port: exit 2, the flag or FILE:LINE named, nothing installed.
bad_run() {	# EXPECTED-TEXT ARGS...
	local want=$1 rc
	shift
	timeout 10 ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --control "$CTL" \
		--events "$EVENTS" "$@" >/dev/null 2>"$RG_TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" "$RG_TMP/err" &&
	   [ -z "$(lab_exec fw nft list tables | grep reflguard)" ]; then
		ok "metrics: run $*: exit 2 naming '$want', nothing installed"
	else
		not_ok "metrics: run $*: exit $rc: $(head -c 300 "$RG_TMP/err")"
	fi
}
printf 'expressway-e = 64.100.0.10\nmetrics = 127.0.0.1:0\n' >"$RG_TMP/bad.conf"
bad_run "--metrics: invalid port '0'" --expressway-e 64.100.0.10 --metrics 0
bad_run "--metrics: invalid port '65536'" --expressway-e 64.100.0.10 --metrics 127.0.0.1:65536
bad_run "--metrics: invalid address '300.1.1.1'" --expressway-e 64.100.0.10 --metrics 300.1.1.1:9153
bad_run "--metrics: invalid address '::1'" --expressway-e 64.100.0.10 --metrics ::1:9153
bad_run "missing value for '--metrics'" --expressway-e 64.100.0.10 --metrics
printf 'expressway-e = 64.100.0.10\nmetrics = [::1]:9153\n' >"$RG_TMP/good.conf"
check "metrics: check-config shows the endpoint" \
	grep -q '; metrics \[::1\]:9153$' <<<"$("$REFLGUARD" check-config "$RG_TMP/good.conf" 2>&1)"
"$REFLGUARD" check-config "$RG_TMP/bad.conf" >/dev/null 2>"$RG_TMP/err"
check "metrics: check-config: exit 2 naming bad.conf:2 for port 0" \
	bash -c 'test "$0" -eq 2 && grep -q "bad.conf:2: invalid port .0. in .127.0.0.1:0. for metrics" "$1"' "$?" "$RG_TMP/err"
bad_run "bad.conf:2: invalid port '0'" -c "$RG_TMP/bad.conf"
lab_exec fw python3 -c 'import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", '$PORT')); s.listen(); print("ready", flush=True); time.sleep(30)' \
	>"$RG_TMP/holder.out" 2>&1 &
hpid=$!
for _ in $(seq 100); do grep -q ready "$RG_TMP/holder.out" && break; sleep 0.05; done
bad_run "127.0.0.1:$PORT is in use" --expressway-e 64.100.0.10 --metrics $PORT
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
bad_run "cannot listen on 10.9.9.9:$PORT" --expressway-e 64.100.0.10 --metrics 10.9.9.9:$PORT
check "metrics: the control socket is gone after a refused start" test ! -e "$CTL"
