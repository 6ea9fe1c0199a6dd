#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Least privilege: the daemon keeps CAP_NET_ADMIN only, runs as an
# unprivileged user given that capability, and its control socket lets only
# root change anything.
. "$(dirname "$0")/lib.sh"

# A directory an unprivileged user can reach and write: the socket and the
# events live there for the unprivileged runs.
PUB=$RG_TMP/pub
mkdir -p "$PUB" && chmod 0777 "$PUB"
chmod 0755 "$RG_TMP"
CTL=$PUB/control.sock
DPID=

start_daemon() {	# [setpriv args --] ARGS...
	local pre=()
	if [ "${1:-}" = as-nobody ]; then
		# Its lock lives in a runtime directory of its own, as the
		# unit's RuntimeDirectory= gives a User=.
		pre=(env RUNTIME_DIRECTORY="$PUB/run" setpriv --reuid=65534 --regid=65534
		     --clear-groups --inh-caps=+net_admin --ambient-caps=+net_admin)
		shift
	fi
	rm -f "$PUB/events.json"
	ip netns exec "$(lab_ns fw)" "${pre[@]}" "$REFLGUARD" run --expressway-e 64.100.0.10 \
		--events "$PUB/events.json" --control "$CTL" --state "$PUB/state.json" "$@" \
		2>"$RG_TMP/daemon.err" &
	DPID=$!
	wait_observing
}

cap() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$DPID/status"; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --init-groups "$@"; }

lab_up nft-snat >/dev/null || { not_ok "privileges: lab up"; exit 1; }

start_daemon || not_ok "root: daemon starts"
sleep 0.2
check "root: effective capabilities are CAP_NET_ADMIN only ($(cap CapEff))" test "$(cap CapEff)" = 0000000000001000
check "root: permitted likewise ($(cap CapPrm))" test "$(cap CapPrm)" = 0000000000001000
check "root: bounding set likewise ($(cap CapBnd))" test "$(cap CapBnd)" = 0000000000001000
# Capabilities are per thread: the state writer's too.
threads_capeff() { cat /proc/"$DPID"/task/*/status | awk '$1 == "CapEff:" { print $2 }' | sort -u | tr '\n' ' '; }
check "root: every thread ($(ls /proc/"$DPID"/task | wc -l)) has CAP_NET_ADMIN only ($(threads_capeff))" \
	test "$(threads_capeff)" = "0000000000001000 "
check "root: nothing inheritable or ambient" test "$(cap CapInh)$(cap CapAmb)" = 00000000000000000000000000000000
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "root: still reports flows after dropping privileges" \
	bash -c 'for i in $(seq 60); do grep -q "\"c\":\"10.0.30.2:27901\"" "$0" && exit 0; sleep 0.05; done; exit 1' "$PUB/events.json"
check "control socket: mode 0600 by default" test "$(stat -c %a "$CTL")" = 600
check "control socket: another user cannot connect" \
	bash -c '! setpriv --reuid=65534 --regid=65534 --clear-groups "$0" status --control "$1" >/dev/null 2>&1' "$REFLGUARD" "$CTL"
# Malformed and oversized requests: an error answer, and the daemon lives on.
python3 - "$CTL" >"$RG_TMP/garbage" <<'PY'
import socket, sys
for req in (b"\x00\xff" * 5000, b"status json please\n", b"\n", b"reload-state" + b"x" * 300):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    try:
        s.sendall(req)
    except OSError:
        pass
    s.settimeout(2)
    try:
        print(s.recv(4096).decode(errors="replace").strip())
    except OSError as e:
        print("no answer:", e)
    s.close()
PY
check "control socket: malformed requests get an error answer" \
	test "$(grep -c '"error":"unknown request"' "$RG_TMP/garbage")" -ge 3
check "control socket: the daemon still answers after them" \
	"$REFLGUARD" status --control "$CTL" --json >/dev/null
stop_daemon

# --control-group: the group reads status; changes stay root's.
start_daemon --control-group nogroup || not_ok "control-group: daemon starts"
check "control-group: socket mode 0660, group nogroup" \
	test "$(stat -c '%a %G' "$CTL")" = "660 nogroup"
as_nobody "$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/nobody.json" 2>&1
check "control-group: a member reads status" valid_json "$RG_TMP/nobody.json"
# The system's python: a root-only one may come first in PATH.
as_nobody /usr/bin/python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"reload-state\n")
print(s.recv(4096).decode().strip())' "$CTL" >"$RG_TMP/nobody.reload" 2>&1
check "control-group: a member cannot change anything (permission denied)" \
	grep -q '"error":"permission denied"' "$RG_TMP/nobody.reload"
stop_daemon
check "control-group: an unknown group is refused at start (exit 1)" bash -c '
	ip netns exec "$0" "$1" run --expressway-e 64.100.0.10 --control "$2" \
		--control-group no-such-group-here --events /dev/null 2>/dev/null; test $? -eq 1' \
	"$(lab_ns fw)" "$REFLGUARD" "$CTL"

# An unprivileged user given CAP_NET_ADMIN alone runs the daemon, with a
# runtime directory of its own for the lock; without one it cannot take the
# lock in root's /run/reflguard, and says so.
check "as nobody without a runtime directory of its own: refused (exit 1), the lock named" bash -c '
	ip netns exec "$0" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin "$1" run --expressway-e 64.100.0.10 \
		--control "$2" --events /dev/null 2>"$3"; test $? -eq 1 && grep -q "daemon lock /run/reflguard/" "$3"' \
	"$(lab_ns fw)" "$REFLGUARD" "$CTL" "$RG_TMP/nolock.err"
mkdir -p "$PUB/run" && chown 65534:65534 "$PUB/run" && chmod 0755 "$PUB/run"
start_daemon as-nobody || { not_ok "as nobody with CAP_NET_ADMIN: daemon starts"; cat "$RG_TMP/daemon.err"; }
check "as nobody: the daemon runs as uid 65534" \
	test "$(awk '$1 == "Uid:" { print $2 }' "/proc/$DPID/status")" = 65534
check "as nobody: CAP_NET_ADMIN only" test "$(cap CapEff)" = 0000000000001000
exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003
check "as nobody: the flow is reported" \
	bash -c 'for i in $(seq 60); do grep -q "\"c\":\"10.0.30.2:27901\"" "$0" && exit 0; sleep 0.05; done; exit 1' "$PUB/events.json"
stop_daemon
check "as nobody: SIGTERM removed the observation chain" \
	bash -c '! ip netns exec "$0" nft list chain ip reflguard observe >/dev/null 2>&1' "$(lab_ns fw)"
