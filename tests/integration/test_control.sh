#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The control socket and the daemon lock under pressure: idle clients that
# hold every slot, a daemon that drops its client, answers larger than a
# socket buffer, a lock squatted by nobody, reload with a verdict, teardown
# behind a running daemon, -c FILE for every client command, planted
# symlinks where the control socket and the state file go.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "control: needs root"
	exit 0
fi
NS=$(solo_ns) || { not_ok "control: namespace"; exit 1; }
PUB=$RG_TMP/pub
mkdir -p "$PUB" && chmod 0777 "$PUB"
chmod 0755 "$RG_TMP"
CTL=$PUB/control.sock
ST=$RG_TMP/state.json
DPID=

rg() { ip netns exec "$NS" "$REFLGUARD" "$@"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --init-groups "$@"; }
observing() { ip netns exec "$NS" nft list chain ip reflguard observe >/dev/null 2>&1; }
in_set() { ip netns exec "$NS" nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$1"; }

# start ARGS...: the daemon in $NS, waiting for its chain; 1 if it dies first.
start() {
	rm -f "$RG_TMP/daemon.err"
	ip netns exec "$NS" "$REFLGUARD" run --expressway-e 64.100.0.10 --events /dev/null \
		--control "$CTL" "$@" 2>"$RG_TMP/daemon.err" &
	DPID=$!
	for _ in $(seq 100); do
		observing && return 0
		kill -0 "$DPID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
stop() { kill -TERM "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# hold N PATH [AS]: N idle connections to PATH, kept open for 30 s at most
# or until the daemon closes them; prints "closed K" when K were closed.
hold() {
	python3 - "$@" <<'PY' &
import socket, sys, time, select
n, path = int(sys.argv[1]), sys.argv[2]
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
open(path + ".held", "w").close()
closed, end = set(), time.monotonic() + 30
while len(closed) < n and time.monotonic() < end:
    r, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.5)
    for s in r:
        try:
            if not s.recv(4096):
                closed.add(s)
        except OSError:
            closed.add(s)
print("closed", len(closed), flush=True)
PY
	HPID=$!
	wait_for test -e "$2.held"
}

# ---- 1. Idle clients hold every slot: the next one still gets in, at once.
start || not_ok "idle clients: daemon starts"
rm -f "$CTL.held"
hold 8 "$CTL" >"$RG_TMP/held.out"
t0=$(ms)
rg status --control "$CTL" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$? t=$(( $(ms) - t0 ))
check "8 idle clients: status still answers (exit $rc, ${t} ms)" test "$rc" -eq 0
check "8 idle clients: status answered in under 1 s (${t} ms)" test "$t" -lt 1000
rg status --control "$CTL" --json >"$RG_TMP/status.json" 2>&1
check "8 idle clients: status --json too" valid_json "$RG_TMP/status.json"
wait "$HPID"
check "idle clients: evicted or timed out by the daemon ($(cat "$RG_TMP/held.out"))" \
	grep -qx "closed 8" "$RG_TMP/held.out"
check "idle clients: the daemon is still running" kill -0 "$DPID"
stop

# ---- 2. A daemon that drops its client: no SIGPIPE, exit 1, nothing changed.
start --mode remediate --state "$ST" || not_ok "dropped: remediating daemon starts"
rg exempt add 10.0.30.2 10.0.10.2 tcp/7003 --force --state "$ST" --control "$CTL" >/dev/null 2>&1
check "dropped: an exemption to begin with" in_set "10.0.30.2 . 10.0.10.2 . tcp . 7003"
stop
before=$(sha256sum <"$ST")
# A stand-in that accepts and closes at once, as the old daemon did when full.
python3 - "$CTL" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(64)
open(sys.argv[1] + ".up", "w").close()
s.settimeout(20)
try:
    while True:
        c, _ = s.accept()
        c.close()
except OSError:
    pass
PY
FPID=$!
wait_for test -e "$CTL.up"
sigpipe=0 others=
for _ in $(seq 20); do
	rg status --control "$CTL" >/dev/null 2>&1
	rc=$?
	[ "$rc" -eq 141 ] && sigpipe=$((sigpipe + 1))
	[ "$rc" -ne 1 ] && others+=" $rc"
done
check "dropped: status never dies of SIGPIPE ($sigpipe of 20 did)" test "$sigpipe" -eq 0
check "dropped: status exits 1 every time${others:+ (not:$others)}" test -z "$others"
rg exempt del 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" --control "$CTL" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
check "dropped: exempt del exits 1 (exit $rc)" test "$rc" -eq 1
check "dropped: exempt del says the daemon did not answer" grep -q "did not answer" "$RG_TMP/err"
check "dropped: the kernel still holds the element" in_set "10.0.30.2 . 10.0.10.2 . tcp . 7003"
check "dropped: the state file is unchanged" test "$(sha256sum <"$ST")" = "$before"
rg exempt flush --state "$ST" --control "$CTL" >/dev/null 2>&1
check "dropped: exempt flush exits 1 too, the element stays" \
	bash -c 'test "$0" -eq 1' "$?"
check "dropped: after flush, the kernel still holds the element" in_set "10.0.30.2 . 10.0.10.2 . tcp . 7003"
rg reload --control "$CTL" >/dev/null 2>&1
check "dropped: reload exits 1" test $? -eq 1
kill "$FPID" 2>/dev/null; wait "$FPID" 2>/dev/null
rm -f "$CTL" "$CTL.up"

# ---- 3. A daemon running on another socket: the CLI does not edit behind it.
start --mode remediate --state "$ST" || not_ok "elsewhere: daemon starts"
rg exempt del 10.0.30.2 10.0.10.2 tcp/7003 --state "$ST" --control "$RG_TMP/nothing.sock" \
	>/dev/null 2>"$RG_TMP/err"
rc=$?
check "daemon on another socket: exempt del exits 1 (exit $rc)" test "$rc" -eq 1
check "daemon on another socket: names its pid ($DPID)" grep -q "pid $DPID" "$RG_TMP/err"
check "daemon on another socket: the element stays" in_set "10.0.30.2 . 10.0.10.2 . tcp . 7003"

# ---- 4. The control group reads; it changes nothing, stops nothing.
stop
start --mode remediate --state "$ST" --control-group nogroup || not_ok "group: daemon starts"
for req in "exempt-del 10.0.30.2 10.0.10.2 tcp/7003" exempt-flush reload stop reload-state; do
	as_nobody /usr/bin/python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode()+b"\n")
print(s.recv(4096).decode().strip())' "$CTL" "$req" >"$RG_TMP/nobody.out" 2>&1
	check "control group: '$req' is refused (permission denied)" \
		grep -q '"error":"permission denied"' "$RG_TMP/nobody.out"
done
as_nobody "$REFLGUARD" reload --control "$CTL" >/dev/null 2>"$RG_TMP/err"
check "control group: reflguard reload exits 1, saying why" \
	bash -c 'test "$0" -eq 1 && grep -q "permission denied" "$1"' "$?" "$RG_TMP/err"
check "control group: the daemon still runs" kill -0 "$DPID"
check "control group: the element stays" in_set "10.0.30.2 . 10.0.10.2 . tcp . 7003"
as_nobody "$REFLGUARD" status --control "$CTL" >/dev/null 2>&1
check "control group: status is read" test $? -eq 0
# A root client waits while 12 group clients crowd in: they take each
# other's places, never root's, which is then answered.
python3 - "$CTL" >"$RG_TMP/rootwait.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
time.sleep(2)
s.sendall(b"status json\n"); s.settimeout(3)
print("answered" if s.recv(1) else "closed")
PY
RPID=$!
sleep 0.3
as_nobody /usr/bin/python3 -c 'import socket,sys,time
ss=[]
for _ in range(12):
    s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); ss.append(s); time.sleep(0.02)
time.sleep(2.5)' "$CTL"
wait "$RPID"
check "control group: 12 group clients cannot push root's client out ($(cat "$RG_TMP/rootwait.out"))" \
	grep -qx answered "$RG_TMP/rootwait.out"
stop

# ---- 5. An answer far larger than a socket buffer: 5000 exemptions.
python3 - "$ST" <<'PY'
import json, sys
ex = [{"c": "10.1.%d.%d" % (i // 250, i % 250 + 1), "e_internal": "10.0.10.2", "proto": "tcp",
       "port": 7003, "added": "2026-12-06T00:00:00Z", "why": "test", "verified": False}
      for i in range(5000)]
with open(sys.argv[1], "w") as f:
    f.write('{"version":1,"exemptions":[\n' + ",\n".join(json.dumps(e, separators=(",", ":")) for e in ex) + "\n]}\n")
PY
chmod 0600 "$ST"
start --mode remediate --state "$ST" --max-exemptions 10000 || not_ok "5000: daemon starts"
# A client that asks and never reads holds its slot until its deadline only.
python3 - "$CTL" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"status json\n")
time.sleep(8)
PY
SPID=$!
sleep 0.3
t0=$(ms)
rg status --control "$CTL" --json >"$RG_TMP/big.json" 2>"$RG_TMP/err"
rc=$? t=$(( $(ms) - t0 ))
check "5000 exemptions: status --json exits 0 (exit $rc, $(wc -c <"$RG_TMP/big.json") bytes, ${t} ms)" test "$rc" -eq 0
check "5000 exemptions: status --json parses and lists them all" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["exemptions"]) == 5000, len(d["exemptions"])' "$RG_TMP/big.json"
check "5000 exemptions: a client that never reads its answer does not stall the daemon (${t} ms)" \
	test "$t" -lt 2000
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
stop
rm -f "$ST"

# ---- 6. The lock: nobody cannot take it first; a second daemon is exit 1.
ip netns exec "$NS" python3 - <<'PY' &
import os, socket, time
os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(b"\0reflguard/daemon"); s.listen(1)
time.sleep(15)
PY
NPID=$!
sleep 0.3
ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
	flock -n /run/reflguard/daemon-net-"$(ip netns exec "$NS" stat -L -c %i /proc/self/ns/net)".lock \
	true 2>/dev/null
check "lock: nobody cannot take it (flock as nobody fails)" test $? -ne 0
start || { not_ok "lock: squatted abstract name and all, the daemon starts"; cat "$RG_TMP/daemon.err"; }
check "lock: the daemon runs although nobody bound the old abstract lock" observing
lockf=/run/reflguard/daemon-net-$(ip netns exec "$NS" stat -L -c %i /proc/self/ns/net).lock
check "lock: a root-only file ($lockf)" test "$(stat -c '%a %U' "$lockf")" = "600 root"
rg run --expressway-e 64.100.0.10 --events /dev/null --control "$RG_TMP/second.sock" \
	>/dev/null 2>"$RG_TMP/second.err"
rc=$?
check "lock: a second daemon exits 1, not 2 (exit $rc)" test "$rc" -eq 1
check "lock: it names the running one (pid $DPID)" grep -q "pid $DPID" "$RG_TMP/second.err"
kill "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null

# ---- 7. teardown behind a running daemon: refused; --stop stops it first.
rg teardown --control "$CTL" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
check "teardown with a daemon: exit 1 (exit $rc)" test "$rc" -eq 1
check "teardown with a daemon: names its pid ($DPID)" grep -q "pid $DPID" "$RG_TMP/err"
check "teardown with a daemon: nothing removed" observing
rg teardown --stop --control "$CTL" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
check "teardown --stop: exit 0 (exit $rc: $(head -c 200 "$RG_TMP/err"))" test "$rc" -eq 0
check "teardown --stop: the daemon is gone" bash -c '! kill -0 "$0" 2>/dev/null' "$DPID"
wait "$DPID" 2>/dev/null
DPID=
sleep 1.2
check "teardown --stop: no reflguard table a second later" \
	bash -c '! ip netns exec "$0" nft list table ip reflguard >/dev/null 2>&1' "$NS"

# ---- 8. -c FILE with a control socket elsewhere; reload's verdict.
OTHER=$PUB/other.sock
CONF=$RG_TMP/rg.conf
printf 'expressway-e = 64.100.0.10\nports = tcp/7003\ncontrol = %s\nstate = %s\n' "$OTHER" "$ST" >"$CONF"
rm -f "$RG_TMP/daemon.err"
ip netns exec "$NS" "$REFLGUARD" run -c "$CONF" --mode remediate --events /dev/null \
	2>"$RG_TMP/daemon.err" &
DPID=$!
wait_for observing || not_ok "-c FILE: daemon starts"
rg status -c "$CONF" >/dev/null 2>&1
check "-c FILE: status asks on the file's control socket" test $? -eq 0
rg exempt add 10.0.30.9 10.0.10.2 tcp/7003 --force -c "$CONF" >/dev/null 2>"$RG_TMP/err"
check "-c FILE: exempt add goes through the daemon (exit $?)" in_set "10.0.30.9 . 10.0.10.2 . tcp . 7003"
check "-c FILE: the daemon's state has it" wait_for grep -q '"10.0.30.9"' "$ST"
rules() { ip netns exec "$NS" nft list chain ip reflguard observe 2>/dev/null | grep -cE 'queue (num|flags)'; }
printf 'expressway-e = 64.100.0.10\nports = tcp/7003, tcp/7400\ncontrol = %s\nstate = %s\n' "$OTHER" "$ST" >"$CONF"
rg reload -c "$CONF" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
check "reload (valid): exit 0 (exit $rc)" test "$rc" -eq 0
check "reload (valid): two rules in force when it returns" test "$(rules)" -eq 2
printf 'expressway-e = 64.100.0.10\nports = tcp/99999\ncontrol = %s\nstate = %s\n' "$OTHER" "$ST" >"$CONF"
rg reload -c "$CONF" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
check "reload (bad file): exit 1 (exit $rc)" test "$rc" -eq 1
check "reload (bad file): the error names $CONF:2" grep -qF "$CONF:2:" "$RG_TMP/err"
check "reload (bad file): the previous rules stay" test "$(rules)" -eq 2
# The daemon's own verdict: asked on its socket, it reads the file and refuses.
rg reload --control "$OTHER" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
check "reload (bad file, the daemon's verdict): exit 1 (exit $rc)" test "$rc" -eq 1
check "reload (bad file, the daemon's verdict): refused, naming $CONF:2" \
	grep -qF "refused: $CONF:2:" "$RG_TMP/err"
printf 'expressway-e = 64.100.0.10\nports = tcp/7003\ncontrol = %s\nstate = %s\nqueue = 9\n' "$OTHER" "$ST" >"$CONF"
rg reload -c "$CONF" >"$RG_TMP/out" 2>"$RG_TMP/err"
check "reload (a change that needs a restart): exit 1, saying so" \
	bash -c 'test "$0" -eq 1 && grep -q "changing queue needs a restart" "$1"' "$?" "$RG_TMP/err"
before=$(grep -c "needs a restart" "$RG_TMP/daemon.err")
kill -HUP "$DPID"
check "SIGHUP still works (its refusal logged)" \
	wait_for bash -c 'test "$(grep -c "needs a restart" "$0")" -gt "$1"' "$RG_TMP/daemon.err" "$before"
rg reload --control "$RG_TMP/none.sock" >/dev/null 2>"$RG_TMP/err"
check "reload without a daemon: exit 1" test $? -eq 1
kill -TERM "$DPID"; wait "$DPID" 2>/dev/null; DPID=
rg teardown --state "$ST" --purge >/dev/null 2>&1

# ---- 9. What is found where the socket and the state go.
ln -s /etc/passwd "$CTL"
rg run --expressway-e 64.100.0.10 --events /dev/null --control "$CTL" >/dev/null 2>"$RG_TMP/err"
rc=$?
check "control path a symlink: not starting (exit $rc)" test "$rc" -eq 1
check "control path a symlink: says so" grep -q "not a socket\|other than a socket" "$RG_TMP/err"
check "control path a symlink: left alone, target untouched" \
	bash -c 'test -L "$0" && test "$(stat -c %a /etc/passwd)" = 644' "$CTL"
rm -f "$CTL"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$CTL"
start || not_ok "stale socket: the daemon starts over it"
check "stale socket: replaced by the daemon's, mode 0600" test "$(stat -c %a "$CTL")" = 600
stop
ln -s /etc/passwd "$ST"
rg run --expressway-e 64.100.0.10 --mode remediate --events /dev/null --control "$CTL" \
	--state "$ST" >/dev/null 2>"$RG_TMP/err"
rc=$?
check "state a symlink: exit 2 (exit $rc)" test "$rc" -eq 2
check "state a symlink: says it is not followed" grep -q "symbolic link" "$RG_TMP/err"
rm -f "$ST"
echo '{"version":1,"exemptions":[]}' >"$ST"
chmod 0666 "$ST"
rg exempt list --state "$ST" --control "$CTL" >/dev/null 2>"$RG_TMP/err"
check "state writable by others: refused (exit $?)" grep -q "writable by group or others" "$RG_TMP/err"
mkfifo "$RG_TMP/fifo"
timeout 5 ip netns exec "$NS" "$REFLGUARD" exempt list --state "$RG_TMP/fifo" --control "$CTL" \
	>/dev/null 2>"$RG_TMP/err"
check "state a FIFO: refused at once, not a regular file" grep -q "not a regular file" "$RG_TMP/err"
