#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Not root at all: started as root, the daemon becomes its own user
# (--user, user =) keeping CAP_NET_ADMIN alone, with no new privileges and
# its system call allow-list (/proc/PID/status: Uid, CapEff, NoNewPrivs,
# Seccomp), and still does its whole job as that user: a traversal
# connection fixed in remediate mode, the state file written and read back
# after a restart, SIGHUP, the control socket, exempt add/del, a metrics
# scrape. A call off the list kills it; a user that does not exist is bad
# input naming the flag or FILE:LINE.
. "$(dirname "$0")/lib.sh"

RGU=rgu$$
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
	--user-group "$RGU" 2>/dev/null || { skip "privileges as a user: cannot useradd (not root?)"; exit 0; }
EV2=
trap 'rg_cleanup; [ -z "$EV2" ] || rm -rf /var/log/reflguard; userdel "$RGU" 2>/dev/null; groupdel "$RGU" 2>/dev/null' EXIT
U=$(id -u "$RGU")
METRICS_PORT=19153

# As a deployment would have it: the configuration root's, readable by the
# user's group (SIGHUP reads it again as the user); the state's directory
# not there yet (the daemon makes it the user's); the rest root's.
chmod 0711 "$RG_TMP"
mkdir -m 0750 "$RG_TMP/etc" && chgrp "$RGU" "$RG_TMP/etc"
CONF=$RG_TMP/etc/rg.conf
STATE=$RG_TMP/lib/state.json
write_conf() {	# extra lines
	printf 'expressway-e = 64.100.0.10\nmode = remediate\nuser = %s\nstate = %s\n%s' \
		"$RGU" "$STATE" "${1:-}" >"$CONF"
	chgrp "$RGU" "$CONF" && chmod 0640 "$CONF"
}
write_conf

st() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$DPID/status"; }
uids() { awk '$1 == "Uid:" || $1 == "Gid:" { printf "%s %s %s %s ", $2, $3, $4, $5 }' "/proc/$DPID/status"; }
in_set() { lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$1"; }
in_state() { grep -qF "\"c\":\"$1\"" "$STATE" 2>/dev/null; }
rgx() { lab_exec fw "$REFLGUARD" exempt "$@" --state "$STATE" --control "$CTL"; }

# c1 N: Expressway-C dials E up to N times (stops at the first 200).
c1() {
	local e_pid
	rm -f "$RG_TMP/e.ready" "$RG_TMP/e.json" "$RG_TMP/c.json"
	ip netns exec "$(lab_ns e)" python3 "$RG_TOP/tests/lab/e_standin.py" --listen 10.0.10.2:7003 \
		--count "$1" --timeout 8 --ready-file "$RG_TMP/e.ready" >"$RG_TMP/e.json" 2>&1 &
	e_pid=$!
	wait_for test -e "$RG_TMP/e.ready"
	lab_exec c1 python3 "$RG_TOP/tests/lab/c_standin.py" --bind 10.0.30.2:27901 \
		--connect 64.100.0.10:7003 --attempts "$1" >"$RG_TMP/c.json" 2>&1
	kill "$e_pid" 2>/dev/null
	wait "$e_pid" 2>/dev/null
}
got200() { grep -q '"answer": *200' "$RG_TMP/c.json"; }

lab_up nft-snat >/dev/null || { not_ok "privileges as a user: lab up"; exit 1; }

# ---- the daemon as the user, remediating ----

if ! start_daemon -c "$CONF" --metrics "$METRICS_PORT"; then
	not_ok "as $RGU: the daemon starts"
	head -c 800 "$RG_TMP/daemon.err"
	exit 1
fi
ok "as $RGU: the daemon starts"
check "as $RGU: real, effective, saved and fs uid and gid all $U ($(uids))" \
	test "$(uids)" = "$U $U $U $U $(id -g "$RGU") $(id -g "$RGU") $(id -g "$RGU") $(id -g "$RGU") "
check "as $RGU: no supplementary group but its own ($(st Groups))" test "$(st Groups)" = "$(id -g "$RGU")"
check "as $RGU: CapEff, CapPrm, CapBnd exactly CAP_NET_ADMIN ($(st CapEff) $(st CapPrm) $(st CapBnd))" \
	test "$(st CapEff) $(st CapPrm) $(st CapBnd)" = "0000000000001000 0000000000001000 0000000000001000"
check "as $RGU: nothing inheritable or ambient" test "$(st CapInh)$(st CapAmb)" = 00000000000000000000000000000000
check "as $RGU: NoNewPrivs 1" test "$(st NoNewPrivs)" = 1
check "as $RGU: Seccomp 2 (filter), Seccomp_filters $(st Seccomp_filters)" \
	test "$(st Seccomp)" = 2 -a "$(st Seccomp_filters)" -ge 1
check "as $RGU: the log says who it runs as" grep -q "running as uid $U gid .* with CAP_NET_ADMIN alone, no new privileges, system calls filtered" "$RG_TMP/daemon.err"
check "as $RGU: the state's directory made 0700 and given to the user ($(stat -c '%a %U' "$RG_TMP/lib"))" \
	test "$(stat -c '%a %U' "$RG_TMP/lib")" = "700 $RGU"

c1 3
check "as $RGU: a translated traversal connection is fixed (C gets 200)" got200
check "as $RGU: the exemption is in the kernel" wait_for in_set 10.0.30.2
check "as $RGU: the state file is written, the user's ($(stat -c '%a %U' "$STATE" 2>/dev/null))" \
	bash -c 'grep -qF "\"c\":\"10.0.30.2\"" "$0" && test "$(stat -c %U "$0")" = "$1"' "$STATE" "$RGU"
check "as $RGU: status answers on the control socket" \
	bash -c '"$0" status --control "$1" --json | grep -q "\"mode\":\"remediate\""' "$REFLGUARD" "$CTL"
check "as $RGU: a metrics scrape" \
	bash -c 'ip netns exec "$0" curl -sf "http://127.0.0.1:$1/metrics" | grep -q "^reflguard_"' \
	"$(lab_ns fw)" "$METRICS_PORT"
rgx add 10.0.31.3 10.0.10.2 tcp/7003 --force >/dev/null 2>&1
check "as $RGU: exempt add through the daemon: kernel and state file" \
	bash -c 'ip netns exec "$0" nft list set ip reflguard exempt4 | grep -qF 10.0.31.3 && grep -qF "\"c\":\"10.0.31.3\"" "$1"' \
	"$(lab_ns fw)" "$STATE"
rgx del 10.0.31.3 10.0.10.2 tcp/7003 >/dev/null 2>&1
check "as $RGU: exempt del through the daemon: gone from both" \
	bash -c '! ip netns exec "$0" nft list set ip reflguard exempt4 | grep -qF 10.0.31.3 && ! grep -qF "\"c\":\"10.0.31.3\"" "$1"' \
	"$(lab_ns fw)" "$STATE"
write_conf 'expressway-c = 10.0.30.0/24
'
kill -HUP "$DPID"
check "as $RGU: SIGHUP reads the configuration again (0640 root:$RGU)" \
	wait_for grep -q 'configuration reloaded' "$RG_TMP/daemon.err"
write_conf 'seccomp = no
'
kill -HUP "$DPID"
check "as $RGU: SIGHUP cannot turn the filter off: it needs a restart" \
	wait_for grep -q 'changing seccomp needs a restart' "$RG_TMP/daemon.err"
write_conf
check "as $RGU: still alive after all of it, Seccomp still 2" \
	bash -c 'kill -0 "$0" && test "$(awk '\''$1 == "Seccomp:" { print $2 }'\'' /proc/$0/status)" = 2' "$DPID"
stop_daemon
rc=$?
check "as $RGU: SIGTERM: exit 0 ($rc), the observation chain removed" \
	bash -c 'test "$0" -eq 0 && ! ip netns exec "$1" nft list chain ip reflguard observe >/dev/null 2>&1' \
	"$rc" "$(lab_ns fw)"

# With no daemon, root's `exempt add` leaves the state file the user's.
rgx add 10.0.31.3 10.0.10.2 tcp/7003 --force >/dev/null 2>&1
check "no daemon: root's exempt add leaves the state file the user's ($(stat -c %U "$STATE"))" \
	bash -c 'grep -qF "\"c\":\"10.0.31.3\"" "$0" && test "$(stat -c %U "$0")" = "$1"' "$STATE" "$RGU"
rgx del 10.0.31.3 10.0.10.2 tcp/7003 >/dev/null 2>&1

# ---- rotation as the user: the unit's logs directory is given to it ----

# The events file is opened as root, but after a rotation (SIGUSR1) the user
# creates its successor. Only where the test makes /var/log/reflguard itself:
# a real installation's is left alone.
LOGD=/var/log/reflguard
if [ -e "$LOGD" ]; then
	skip "rotation as $RGU: $LOGD exists already; not touched"
elif mkdir -m 0755 "$LOGD"; then
	EV2=$LOGD/events-$$.json
	start_daemon -c "$CONF" --events "$EV2" || not_ok "rotation as $RGU: the daemon starts"
	check "rotation as $RGU: $LOGD given to the user ($(stat -c %U "$LOGD"))" \
		test "$(stat -c %U "$LOGD")" = "$RGU"
	mv "$EV2" "$EV2.1"
	kill -USR1 "$DPID"
	check "rotation as $RGU: SIGUSR1 makes a new events file, the user's" \
		wait_for bash -c 'test "$(stat -c %U "$0" 2>/dev/null)" = "$1"' "$EV2" "$RGU"
	check "rotation as $RGU: no complaint in the log" \
		bash -c '! grep -q "cannot create files\|go on to the file open before" "$0"' "$RG_TMP/daemon.err"
	stop_daemon >/dev/null
	rm -rf "$LOGD"
	EV2=
else
	skip "rotation as $RGU: cannot make $LOGD here (a read-only /?)"
fi

# ---- a restart: the user's state read by root, then used by the user ----

lab_exec fw nft delete table ip reflguard 2>/dev/null
start_daemon -c "$CONF" || not_ok "restart as $RGU: the daemon starts"
check "restart as $RGU: the exemption from the state file is back in the kernel" in_set 10.0.30.2
check "restart as $RGU: uid $U again ($(st Uid))" test "$(st Uid)" = "$U"
# A call off the list: the process is killed (SIGSYS), not refused.
if command -v gdb >/dev/null && [ "$(uname -m)" = x86_64 ]; then
	# In a subshell without core dumps: gdb aborts when its inferior dies
	# under it, and its core would land in the working tree.
	(ulimit -c 0; gdb -p "$DPID" -batch -ex 'call (long)syscall(59, 0, 0, 0)' >/dev/null 2>&1)
	{ wait "$DPID"; } 2>/dev/null
	rc=$?
	check "restart as $RGU: execve, not on the list, kills the daemon with SIGSYS (exit $rc = 128 + 31)" \
		test "$rc" -eq 159
	DPID=
	# Killed, it left its observation chain (bypass: traffic flows).
	lab_exec fw nft delete table ip reflguard 2>/dev/null
else
	skip "a call off the list kills the daemon: needs gdb on x86_64"
	stop_daemon
fi

# ---- the escape hatch, root, and the default ----

start_daemon -c "$CONF" --no-seccomp || not_ok "--no-seccomp: the daemon starts"
check "--no-seccomp: Seccomp 0, still uid $U with no new privileges ($(st Seccomp) $(st Uid) $(st NoNewPrivs))" \
	test "$(st Seccomp) $(st Uid) $(st NoNewPrivs)" = "0 $U 1"
stop_daemon
start_daemon -c "$CONF" --mode dry-run --state "$RG_TMP/dry/state.json" ||
	not_ok "dry-run as $RGU: the daemon starts"
check "dry-run as $RGU: uid $U, and no state directory made ($(st Uid))" \
	test "$(st Uid)" = "$U" -a ! -e "$RG_TMP/dry"
stop_daemon
start_daemon -c "$CONF" --user root || not_ok "--user root: the daemon starts"
check "--user root: uid 0 with CAP_NET_ADMIN alone, no new privileges, Seccomp 2" \
	test "$(st Uid) $(st CapEff) $(st NoNewPrivs) $(st Seccomp)" = "0 0000000000001000 1 2"
stop_daemon
if getent passwd reflguard >/dev/null; then
	skip "no --user, no user reflguard: stays root (a user reflguard exists here)"
else
	printf 'expressway-e = 64.100.0.10\n' >"$RG_TMP/default.conf"
	start_daemon -c "$RG_TMP/default.conf" --state "$RG_TMP/default/state.json" ||
		not_ok "default user: the daemon starts"
	check "no --user and no user reflguard: uid 0, CAP_NET_ADMIN alone, said once in the log" \
		bash -c 'test "$(awk '\''$1 == "Uid:" { print $2 }'\'' /proc/$0/status)" = 0 &&
			test "$(grep -c "no user '\''reflguard'\''" "$1")" = 1' "$DPID" "$RG_TMP/daemon.err"
	stop_daemon
fi

# ---- bad input ----

bad_usage nosuchuser-$$ run --expressway-e 64.100.0.10 --user nosuchuser-$$
check "--user nosuchuser: the message names the flag" grep -q -- "--user: no such user" "$RG_TMP/err"
lab_exec fw nft delete table ip reflguard 2>/dev/null
printf 'expressway-e = 64.100.0.10\n\nuser = nosuchuser-%s\n' $$ >"$RG_TMP/bad.conf"
"$REFLGUARD" check-config "$RG_TMP/bad.conf" >/dev/null 2>"$RG_TMP/err"
rc=$?
check "check-config with user = nosuchuser: exit 2 ($rc), FILE:3 named" \
	bash -c 'test "$0" -eq 2 && grep -qF "$1:3: no such user '\''nosuchuser-$2'\'' for user" "$3"' \
	"$rc" "$RG_TMP/bad.conf" $$ "$RG_TMP/err"
lab_exec fw "$REFLGUARD" run -c "$RG_TMP/bad.conf" --events /dev/null --control "$CTL" \
	>/dev/null 2>"$RG_TMP/err"
rc=$?
check "run with user = nosuchuser: exit 2 ($rc), FILE:3 named, nothing installed" \
	bash -c 'test "$0" -eq 2 && grep -qF "$1:3: no such user" "$2" &&
		! ip netns exec "$3" nft list table ip reflguard >/dev/null 2>&1' \
	"$rc" "$RG_TMP/bad.conf" "$RG_TMP/err" "$(lab_ns fw)"
printf 'expressway-e = 64.100.0.10\nuser = %s\n' "$RGU" >"$RG_TMP/good.conf"
check "check-config with user = $RGU: ok, and it says so" \
	bash -c '"$0" check-config "$1" | grep -q "; user $2"' "$REFLGUARD" "$RG_TMP/good.conf" "$RGU"
