#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's human lines: "reflguard: ..." on a plain stderr; sd-daemon
# priority prefixes (<4> a translated finding, <6> the start line) when
# $JOURNAL_STREAM names stderr, as under systemd; with log = syslog, syslog
# datagrams of facility daemon with the line's priority, caught here by a
# listener bound where /dev/log is in a private mount namespace.
. "$(dirname "$0")/lib.sh"

ERR=$RG_TMP/daemon.err
find_c1() { exchange c1 10.0.30.2:27901 64.100.0.10:7003 10.0.10.2:7003; }

# run_with_stream JOURNAL_STREAM ARGS...: the daemon with that environment
# and stderr on $ERR, a file made first so that its dev:ino is known.
run_with_stream() {
	local js=$1
	shift
	: >"$ERR"
	[ "$js" = self ] && js=$(stat -c '%d:%i' "$ERR")
	JOURNAL_STREAM=$js ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --events "$EVENTS" \
		--control "$CTL" --expressway-e 64.100.0.10 "$@" 2>"$ERR" &
	DPID=$!
	wait_observing
}

lab_up nft-snat >/dev/null || { not_ok "lab up"; exit 1; }

# ---- plain stderr ----
check "stderr: daemon starts" run_with_stream "" 
find_c1
check "stderr: the finding is one 'reflguard: translated hairpin' line" \
	wait_for grep -q '^reflguard: translated hairpin: Expressway-C 10.0.30.2:27901 -> 64.100.0.10:7003' "$ERR"
check "stderr: no priority prefix" eval "! grep -q '^<' '$ERR'"
check "the daemon exits 0 on SIGTERM" stop_daemon

# ---- JOURNAL_STREAM naming stderr: sd-daemon prefixes ----
check "journal: daemon starts" run_with_stream self
find_c1
check "journal: the start line is <6> (info)" grep -q '^<6>dry-run mode, queue' "$ERR"
check "journal: the finding is <4> (warning)" \
	wait_for grep -q '^<4>translated hairpin: Expressway-C 10.0.30.2:27901' "$ERR"
check "journal: every line has a prefix" eval "! grep -qv '^<[0-7]>' '$ERR'"
stop_daemon
check "journal: the stopping line is <6>" grep -q '^<6>stopping' "$ERR"

# ---- journal: a failed start says why at err priority ----
mkdir -p "$RG_TMP/adir"
: >"$ERR"
JOURNAL_STREAM=$(stat -c '%d:%i' "$ERR") ip netns exec "$(lab_ns fw)" "$REFLGUARD" run \
	--events "$RG_TMP/adir" --control "$CTL" --expressway-e 64.100.0.10 2>"$ERR"
check "journal: a failed start exits 2" test $? -eq 2
check "journal: its reason is <3> (err)" grep -q "^<3>events file $RG_TMP/adir: not a regular file" "$ERR"

# ---- journal with events = -: each finding there once, as the human line ----
: >"$ERR"
JOURNAL_STREAM=$(stat -c '%d:%i' "$ERR") ip netns exec "$(lab_ns fw)" "$REFLGUARD" run \
	--events - --control "$CTL" --expressway-e 64.100.0.10 >>"$ERR" 2>&1 &
DPID=$!
check "journal, events = -: daemon starts" wait_observing
find_c1
check "journal, events = -: the finding as its <4> line" \
	wait_for grep -q '^<4>translated hairpin: Expressway-C 10.0.30.2:27901' "$ERR"
check "journal, events = -: not also as JSON" eval "! grep -q '\"event\"' '$ERR'"
check "journal, events = -: the start says so" grep -q '^<6>events = - and the journal' "$ERR"
"$REFLGUARD" status --control "$CTL" --json >"$RG_TMP/st.json"
check "journal, events = -: status still has the finding" \
	grep -q '"last_findings":\[{"event":"flow"' "$RG_TMP/st.json"
check "the daemon exits 0 on SIGTERM" stop_daemon
# Without the journal, events = - is the JSON on stdout, as always.
ip netns exec "$(lab_ns fw)" "$REFLGUARD" run --events - --control "$CTL" \
	--expressway-e 64.100.0.10 >"$RG_TMP/stdout" 2>"$ERR" &
DPID=$!
wait_observing
find_c1
check "no journal, events = -: the JSON on stdout" wait_for grep -q '^{"event":"flow"' "$RG_TMP/stdout"
check "the daemon exits 0 on SIGTERM" stop_daemon

# ---- JOURNAL_STREAM naming another file (stderr redirected): plain ----
check "journal elsewhere: daemon starts" run_with_stream "1:2"
find_c1
check "journal elsewhere: plain lines" wait_for grep -q '^reflguard: translated hairpin' "$ERR"
check "the daemon exits 0 on SIGTERM" stop_daemon

# ---- log = syslog: datagrams to /dev/log ----
cat >"$RG_TMP/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[2], "a") as out:
    try:
        while True:
            out.write(s.recv(4096).decode(errors="replace").rstrip("\n") + "\n")
            out.flush()
    except socket.timeout:
        pass
PY
SOCK=$RG_TMP/log.sock
python3 "$RG_TMP/listen.py" "$SOCK" "$RG_TMP/syslog.txt" &
LPID=$!
wait_for test -e "$SOCK.ready"
printf 'expressway-e = 64.100.0.10\nlog = syslog\n' >"$RG_TMP/rg.conf"
# A private /dev: a tmpfs with the devices a process needs, and log as a
# link to the listener; the host's /dev is not touched.
mkdir "$RG_TMP/hostdev"
unshare -m sh -c '
	mount --make-rprivate / && mount --rbind /dev "$1/hostdev" &&
	mount -t tmpfs none /dev && for d in null zero random urandom full; do
		touch "/dev/$d" && mount --bind "$1/hostdev/$d" "/dev/$d" || exit 1
	done && ln -s "$1/log.sock" /dev/log &&
	exec ip netns exec "$2" "$3" run -c "$1/rg.conf" --events "$4" --control "$5"' \
	sh "$RG_TMP" "$(lab_ns fw)" "$REFLGUARD" "$EVENTS" "$CTL" 2>"$ERR" &
DPID=$!
observing() { lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1; }
check "syslog: daemon starts" wait_for observing
find_c1
# <30> = daemon (3) * 8 + info (6); <28> = daemon * 8 + warning (4).
check "syslog: the start line arrives as <30> reflguard[PID]" \
	wait_for grep -qE "^<30>.*reflguard\[$DPID\]: dry-run mode, queue" "$RG_TMP/syslog.txt"
check "syslog: the finding arrives as <28>, one datagram" \
	wait_for grep -qE "^<28>.*reflguard\[$DPID\]: translated hairpin: Expressway-C 10.0.30.2:27901 -> 64.100.0.10:7003 .*\(action: would-exempt\)$" "$RG_TMP/syslog.txt"
printf 'exempt = 10.0.30.2\n' >>"$RG_TMP/rg.conf"
kill -HUP "$DPID"
check "syslog: a reload's FILE:LINE error arrives as <28>" \
	wait_for grep -qE "^<28>.*reflguard\[$DPID\]: .*rg.conf:3: expected 'C_ADDR E_INTERNAL PROTO/PORT' for exempt.*not reloaded" "$RG_TMP/syslog.txt"
check "syslog: nothing on stderr" test ! -s "$ERR"
check "the daemon exits 0 on SIGTERM" stop_daemon
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null

# ---- log = syslog with no syslog daemon: a failed start still says why ----
printf 'expressway-e = 64.100.0.10\nlog = syslog\n' >"$RG_TMP/rg.conf"
unshare -m sh -c '
	mount --make-rprivate / && mount --rbind /dev "$1/hostdev" &&
	mount -t tmpfs none /dev && for d in null zero random urandom full; do
		touch "/dev/$d" && mount --bind "$1/hostdev/$d" "/dev/$d" || exit 1
	done && exec ip netns exec "$2" "$3" run -c "$1/rg.conf" --events "$1/adir" --control "$4"' \
	sh "$RG_TMP" "$(lab_ns fw)" "$REFLGUARD" "$CTL" 2>"$ERR" >/dev/null
check "syslog, no /dev/log: a failed start exits 2" test $? -eq 2
check "syslog, no /dev/log: stderr says why" \
	grep -q "^reflguard: events file $RG_TMP/adir: not a regular file" "$ERR"

# ---- a bad log value: exit 2, FILE:LINE ----
printf 'expressway-e = 64.100.0.10\nlog = journal\n' >"$RG_TMP/bad.conf"
lab_exec fw "$REFLGUARD" run -c "$RG_TMP/bad.conf" --control "$CTL" 2>"$ERR" >/dev/null
check "log = journal: exit 2" test $? -eq 2
check "log = journal: FILE:LINE" grep -qF "$RG_TMP/bad.conf:2: unknown log target 'journal' (auto, stderr or syslog)" "$ERR"
lab_exec fw "$REFLGUARD" run --expressway-e 64.100.0.10 --log bogus --control "$CTL" 2>"$ERR" >/dev/null
check "--log bogus: exit 2" test $? -eq 2
check "--log bogus: names the flag" grep -qF -- "--log: unknown log target 'bogus'" "$ERR"
