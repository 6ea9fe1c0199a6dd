# SPDX-License-Identifier: GPL-2.0-or-later
#
# Sourced by every integration test. Gives each test its own lab prefix,
# removes its namespaces on any exit, and prints one verdict line per check
# for tests/run.sh to count.

set -u
RG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REFLGUARD=${REFLGUARD:-build/reflguard}
case $REFLGUARD in /*) ;; *) REFLGUARD=$RG_TOP/$REFLGUARD ;; esac
# The kernel path the tests run on, "QUEUE+CT" from doctor: native+nfqa-ct on
# a stock kernel, compat+lookup without CONFIG_NFT_QUEUE and NFQA_CT. Set
# once by tests/run.sh; worked out here when a test runs alone.
[ -n "${RG_PATH:-}" ] || RG_PATH=$(unshare -n sh -c 'ip link set lo up && exec "$0" doctor --json' \
	"$REFLGUARD" 2>/dev/null | python3 -c 'import json,sys
d=json.load(sys.stdin); print(d["queue_path"] + "+" + d["ct_path"])' 2>/dev/null)
export RG_PATH=${RG_PATH:-unknown}
# Short and unique: namespace and interface names stay within limits.
export LAB_PREFIX=${LAB_PREFIX:-rgt$$}
. "$RG_TOP/tests/lab/lab.sh"

RG_TMP=$(mktemp -d)
rg_cleanup() {
	lab_down >/dev/null 2>&1
	ip netns del "$LAB_PREFIX-solo" 2>/dev/null
	rm -rf "$RG_TMP"
}
trap rg_cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "skip - $*"; }

# check NAME COMMAND...: one verdict from a command's exit status.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# A bare namespace with loopback up: a clean kernel view for one test.
solo_ns() {
	local ns=$LAB_PREFIX-solo
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns" && ip -n "$ns" link set lo up && echo "$ns"
}

valid_json() { python3 -m json.tool "$1" >/dev/null; }

# json_get FILE KEY: a top-level value of a one-object JSON file.
json_get() {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else (json.dumps(v) if isinstance(v,(dict,list,bool)) else v))' "$1" "$2"
}

# wait_for CMD...: up to 5 s for a condition.
wait_for() {
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# ev_has KEY=VALUE...: some event in $EVENTS matches every pair. Values are
# compared as text; true, false and null are written as in the JSON.
ev_has() {
	python3 -c 'import json,sys
want=dict(a.split("=",1) for a in sys.argv[2:])
show=lambda v: json.dumps(v) if isinstance(v,bool) or v is None else str(v)
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sys.exit(0 if any(all(show(e.get(k))==v for k,v in want.items()) for e in ev) else 1)' "$EVENTS" "$@" 2>/dev/null
}

# wait_ev KEY=VALUE...: such an event shows up within 5 s.
wait_ev() { wait_for ev_has "$@"; }

# bad_usage WORD ARGS...: `reflguard ARGS` is refused: exit 2, nothing on
# stdout, and stderr quotes 'WORD', the part at fault. One verdict line.
bad_usage() {
	local word=$1 rc
	shift
	"$REFLGUARD" "$@" >"$RG_TMP/out" 2>"$RG_TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "'$word'" "$RG_TMP/err" && [ ! -s "$RG_TMP/out" ]; then
		ok "bad usage '$*': exit 2 naming '$word'"
	else
		not_ok "bad usage '$*': exit $rc, stderr: $(head -c 200 "$RG_TMP/err")"
	fi
}

# exchange C_ROLE BIND CONNECT LISTEN: one traversal connection through the lab.
# E's JSON line lands in $RG_TMP/e.json, C's in $RG_TMP/c.json; returns C's exit.
exchange() {
	local c_role=$1 bind=$2 connect=$3 listen=$4 e_pid rc
	rm -f "$RG_TMP/e.ready" "$RG_TMP/e.json" "$RG_TMP/c.json"
	lab_exec e python3 "$RG_TOP/tests/lab/e_standin.py" --listen "$listen" \
		--timeout 8 --ready-file "$RG_TMP/e.ready" >"$RG_TMP/e.json" 2>&1 &
	e_pid=$!
	wait_for test -e "$RG_TMP/e.ready"
	lab_exec "$c_role" python3 "$RG_TOP/tests/lab/c_standin.py" --bind "$bind" \
		--connect "$connect" >"$RG_TMP/c.json" 2>&1
	rc=$?
	wait "$e_pid" 2>/dev/null
	return $rc
}

# xchg C_ROLE BIND CONNECT LISTEN ATTEMPTS [E_ROLE]: like exchange, with
# c_standin.py --attempts (it stops at the first 200) and E (role e unless
# E_ROLE) serving as many connections. C's lines land in $RG_TMP/c.json,
# E's in $RG_TMP/e.json.
xchg() {
	local c_role=$1 bind=$2 connect=$3 listen=$4 n=$5 e_role=${6:-e} e_pid rc
	rm -f "$RG_TMP/e.ready" "$RG_TMP/e.json" "$RG_TMP/c.json"
	# ip netns exec execs python, so $! is E itself and can be stopped.
	ip netns exec "$(lab_ns "$e_role")" python3 "$RG_TOP/tests/lab/e_standin.py" --listen "$listen" \
		--count "$n" --timeout 8 --ready-file "$RG_TMP/e.ready" >"$RG_TMP/e.json" 2>&1 &
	e_pid=$!
	wait_for test -e "$RG_TMP/e.ready"
	lab_exec "$c_role" python3 "$RG_TOP/tests/lab/c_standin.py" --bind "$bind" \
		--connect "$connect" --attempts "$n" >"$RG_TMP/c.json" 2>&1
	rc=$?
	# E prints a line per connection once C's answer is read; C may stop
	# early (a 200), so E is stopped once it has printed as many as C.
	for _ in $(seq 60); do
		[ "$(grep -c '^{' "$RG_TMP/e.json")" -ge "$(grep -c '^{' "$RG_TMP/c.json")" ] && break
		sleep 0.05
	done
	kill "$e_pid" 2>/dev/null
	wait "$e_pid" 2>/dev/null
	return $rc
}

# got200 MAX_ATTEMPT ROUTE: C answered 200 by attempt MAX, on a Route that is
# its own address and port, and E saw that same address and port as its peer.
got200() {
	python3 -c 'import json,sys
c=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
e=[json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
ok=[r for r in c if r.get("answer")==200 and r["attempt"]<=int(sys.argv[3]) and r.get("route")==sys.argv[4]]
assert ok, c
assert any(r.get("peer")==sys.argv[4] and r.get("status")==200 for r in e), e' \
		"$RG_TMP/c.json" "$RG_TMP/e.json" "$1" "$2"
}

# jfield FILE KEY: a field of the last JSON line of a stand-in's output.
jfield() {
	python3 -c 'import json,sys
lines=[l for l in open(sys.argv[1]) if l.startswith("{")]
v=json.loads(lines[-1]).get(sys.argv[2]) if lines else None
print("" if v is None else v)' "$1" "$2"
}

# The daemon under test: its events file and control socket, and DPID.
EVENTS=$RG_TMP/events.json
CTL=$RG_TMP/control.sock
DPID=

# start_daemon ARGS...: `reflguard run` in the firewall's namespace (ip
# netns exec execs it, so $DPID is the daemon itself), waiting for its
# observation chain; 1 if it dies first. Its stderr: $RG_TMP/daemon.err.
# Every flow's event is written (--repeat-interval 0), as the tests look
# for each one; test_events_file.sh tests the summaries of the default.
start_daemon() {
	rm -f "$EVENTS" "$RG_TMP/daemon.err"
	ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --events "$EVENTS" \
		--control "$CTL" --repeat-interval 0 "$@" 2>"$RG_TMP/daemon.err" &
	DPID=$!
	wait_observing
}

# wait_observing: up to 5 s for the daemon $DPID to install its observation
# chain (both families come in one transaction); 1 if it dies first.
wait_observing() {
	for _ in $(seq 100); do
		lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1 && return 0
		lab_exec fw nft list chain ip6 reflguard observe >/dev/null 2>&1 && return 0
		kill -0 "$DPID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# stop_daemon: SIGTERM, and the daemon's exit status.
stop_daemon() {
	local rc
	kill -TERM "$DPID" 2>/dev/null
	wait "$DPID"
	rc=$?
	DPID=
	return $rc
}

# listen_notify: a systemd stand-in on $RG_TMP/notify.sock (NOTIFY_SOCKET),
# its pid in NPID, logging one line per datagram, with the moment it came,
# to $RG_TMP/notify.log until STOPPING=1 or 20 s of silence.
listen_notify() {
	rm -f "$RG_TMP/notify.sock" "$RG_TMP/notify.log"
	python3 - "$RG_TMP/notify.sock" "$RG_TMP/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "a", buffering=1) as log:
    try:
        while True:
            msg = s.recv(4096).decode()
            log.write("%.3f %s\n" % (time.monotonic(), msg.replace("\n", "|")))
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
	NPID=$!
	wait_for test -S "$RG_TMP/notify.sock"
}

# user_ruleset RULESET: the firewall's own rules, reflguard's table left
# out and packet counters dropped (they differ with traffic). Legacy tables
# are read only where the lab made them: listing them creates them.
user_ruleset() {
	lab_exec fw nft list ruleset 2>/dev/null | awk '
		/^table / { skip = ($3 == "reflguard") } !skip' |
		sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
	[ "$1" = iptables-legacy ] &&
		lab_exec fw iptables-legacy-save -t nat 2>/dev/null |
		grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
}

# connect_times SECONDS OUT [PAUSE]: connections from C1 to the hairpin, one
# after the other for SECONDS; OUT gets their setup times in ms, one a line.
connect_times() {
	lab_exec c1 python3 "$RG_TOP/tests/lab/setup_times.py" "$1" \
		--pause "${3:-0.01}" >"$2"
}
# setup_max FILE / setup_median FILE: of connect_times' output, "failed"
# counting as 10 s.
setup_stat() {
	python3 -c 'import sys
v = sorted(10000.0 if l.strip() == "failed" else float(l) for l in open(sys.argv[2]) if l.strip())
print(int((v[-1] if sys.argv[1] == "max" else v[len(v) // 2]) if v else 10000))' "$1" "$2"
}
setup_max() { setup_stat max "$1"; }
setup_median() { setup_stat median "$1"; }
