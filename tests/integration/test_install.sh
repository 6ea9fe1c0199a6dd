#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install and make uninstall into a DESTDIR; the man pages lint-clean
# and in step with the binary's help and guard/core/config.c; the example
# configuration valid; the systemd unit verified, and the daemon run the way
# the unit runs it (root with a bounding set of what the switch to its user
# needs, no new privileges), ending as that user with CAP_NET_ADMIN alone;
# make install-user makes the daemon's system user once.
. "$(dirname "$0")/lib.sh"

DEST=$RG_TMP/dest
MAN8=$RG_TOP/docs/reflguard.8
MAN5=$RG_TOP/docs/reflguard.conf.5
EXAMPLE=$RG_TOP/docs/reflguard.conf.example
UNIT=$DEST/usr/lib/systemd/system/reflguard.service
CONF=$DEST/etc/reflguard/reflguard.conf

# It installs what was built and never builds (-o): the suite runs after
# the build, and in the stock-kernel VM, which builds nothing.
rg_make() { make -C "$RG_TOP" --no-print-directory -o build/reflguard "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
mode_is() { [ "$(stat -c %a "$2" 2>/dev/null)" = "$1" ]; }
# The files under a directory, relative to it, sorted.
files_in() { (cd "$1" && find . -type f -o -type l) | sed 's|^\./|/|' | sort; }

# A page as a reader sees it: the roff escapes for -, ', fonts and \& gone.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e "s/\\\\(aq/'/g" "$1"; }

# --- make install, make uninstall ---------------------------------------

rg_make install DESTDIR="$DEST" PREFIX=/usr >"$RG_TMP/install.out" 2>&1
rc=$?
check "make install DESTDIR=... PREFIX=/usr: exit 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/  /' "$RG_TMP/install.out"

printf '%s\n' /etc/logrotate.d/reflguard /etc/reflguard/reflguard.conf /usr/lib/systemd/system/reflguard.service \
	/usr/sbin/reflguard /usr/share/bash-completion/completions/reflguard \
	/usr/share/man/man5/reflguard.conf.5 /usr/share/man/man8/reflguard.8 >"$RG_TMP/want.files"
files_in "$DEST" >"$RG_TMP/got.files"
check "install: these six files and nothing else ($(tr '\n' ' ' <"$RG_TMP/got.files"))" \
	cmp -s "$RG_TMP/want.files" "$RG_TMP/got.files"
check "install: sbin/reflguard, mode 0755, the binary built" \
	bash -c 'test "$(stat -c %a "$0")" = 755 && cmp -s "$0" "$1"' "$DEST/usr/sbin/reflguard" \
	"$RG_TOP/build/reflguard"
check "install: man8/reflguard.8, mode 0644" mode_is 644 "$DEST/usr/share/man/man8/reflguard.8"
check "install: man5/reflguard.conf.5, mode 0644" mode_is 644 "$DEST/usr/share/man/man5/reflguard.conf.5"
check "install: the unit, mode 0644" mode_is 644 "$UNIT"
check "install: logrotate.d/reflguard, mode 0644, the one in docs" \
	bash -c 'test "$(stat -c %a "$0")" = 644 && cmp -s "$0" "$1"' "$DEST/etc/logrotate.d/reflguard" \
	"$RG_TOP/docs/reflguard.logrotate"
check "install: /etc/reflguard/reflguard.conf is the example, mode 0644" \
	bash -c 'test "$(stat -c %a "$0")" = 644 && cmp -s "$0" "$1"' "$CONF" "$EXAMPLE"
check "unit: ExecStart=/usr/sbin/reflguard run --config /etc/reflguard/reflguard.conf" \
	grep -qxF 'ExecStart=/usr/sbin/reflguard run --config /etc/reflguard/reflguard.conf' "$UNIT"
check "unit: no @PLACEHOLDER@ left" bash -c '! grep -q "@[A-Z]*@" "$0"' "$UNIT"

missing=
for line in Type=notify 'ExecReload=/usr/sbin/reflguard reload --config /etc/reflguard/reflguard.conf' StateDirectory=reflguard \
	RuntimeDirectory=reflguard \
	'CapabilityBoundingSet=CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_SETPCAP CAP_CHOWN CAP_DAC_READ_SEARCH' \
	NoNewPrivileges=yes ProtectSystem=strict \
	ProtectHome=yes PrivateTmp=yes WatchdogSec=30s \
	'RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET AF_INET6' \
	SystemCallFilter=@system-service SystemCallFilter=seccomp; do
	grep -qxF -- "$line" "$UNIT" || missing+=" '$line'"
done
check "unit: has every setting the operations issue asks for${missing:+ (missing:$missing)}" \
	test -z "$missing"

# The default PREFIX, and the directories set one by one.
rg_make install DESTDIR="$RG_TMP/dest2" >/dev/null 2>&1
check "install, default PREFIX: /usr/local/sbin, /usr/local/share/man, /usr/local/lib/systemd/system, /etc" \
	test -x "$RG_TMP/dest2/usr/local/sbin/reflguard" -a \
	-f "$RG_TMP/dest2/usr/local/share/man/man8/reflguard.8" -a \
	-f "$RG_TMP/dest2/etc/reflguard/reflguard.conf" -a \
	-f "$RG_TMP/dest2/usr/local/lib/systemd/system/reflguard.service"
check "install, default PREFIX: ExecStart=/usr/local/sbin/reflguard" \
	grep -q '^ExecStart=/usr/local/sbin/reflguard run ' \
	"$RG_TMP/dest2/usr/local/lib/systemd/system/reflguard.service"
rg_make install DESTDIR="$RG_TMP/dest3" PREFIX=/opt/rg SBINDIR=/opt/rg/bin \
	SYSCONFDIR=/opt/rg/etc UNITDIR=/opt/rg/units MANDIR=/opt/rg/man >/dev/null 2>&1
check "install, SBINDIR SYSCONFDIR UNITDIR MANDIR: each honoured, and the unit follows" \
	test -x "$RG_TMP/dest3/opt/rg/bin/reflguard" -a \
	-f "$RG_TMP/dest3/opt/rg/etc/reflguard/reflguard.conf" -a \
	-f "$RG_TMP/dest3/opt/rg/man/man5/reflguard.conf.5" -a \
	-n "$(grep -x 'ExecStart=/opt/rg/bin/reflguard run --config /opt/rg/etc/reflguard/reflguard.conf' \
		"$RG_TMP/dest3/opt/rg/units/reflguard.service" 2>/dev/null)"
rg_make uninstall DESTDIR="$RG_TMP/dest2" >/dev/null 2>&1
check "uninstall of an unchanged install: no file left, /etc/reflguard gone" \
	test -z "$(files_in "$RG_TMP/dest2")" -a ! -e "$RG_TMP/dest2/etc/reflguard"

# The user's configuration: kept by a reinstall and by uninstall.
sed -i 's/^#expressway-e = 64.100.0.10$/expressway-e = 64.100.0.10/' "$CONF"
printf 'state = %s\ncontrol = %s\n' "$RG_TMP/lib/state.json" "$RG_TMP/control.sock" >>"$CONF"
cp "$CONF" "$RG_TMP/changed.conf"
rg_make install DESTDIR="$DEST" PREFIX=/usr >"$RG_TMP/install2.out" 2>&1
check "install again: exit 0, the changed configuration kept" \
	bash -c 'test "$0" -eq 0 && cmp -s "$1" "$2" && grep -q "^keeping .*reflguard.conf" "$3"' \
	"$?" "$CONF" "$RG_TMP/changed.conf" "$RG_TMP/install2.out"

# --- the daemon's user ----------------------------------------------------

# A name of the test's own, removed at exit; the install above (a DESTDIR)
# made no user.
RGU=rgi$$
trap 'rg_cleanup; [ "$RGU" = nobody ] || { userdel "$RGU"; groupdel "$RGU"; } 2>/dev/null' EXIT
check "install into a DESTDIR: no user made" bash -c '! grep -q "system user" "$0"' "$RG_TMP/install.out"
if [ "$(id -u)" -ne 0 ]; then
	skip "make install-user: needs root"
elif [ ! -w /etc/passwd ]; then
	# The stock-kernel VM sees the host's / read-only: no user can be
	# made, so the unit's daemon becomes an existing one.
	skip "make install-user: /etc/passwd is read-only here"
	RGU=nobody
	printf 'user = %s\n' "$RGU" >>"$CONF"
	cp "$CONF" "$RG_TMP/changed.conf"
	chmod 0711 "$RG_TMP"
else
	rg_make install-user RG_USER="$RGU" >"$RG_TMP/user.out" 2>&1
	check "make install-user: exit 0, a system user with nologin, no home made, its own group" \
		bash -c 'test "$0" -eq 0 && u=$(getent passwd "$1") && id=$(id -u "$1") &&
			test "$id" -lt 1000 && test "${u##*:}" = /usr/sbin/nologin &&
			test ! -e /nonexistent && test "$(id -gn "$1")" = "$1"' "$?" "$RGU"
	rg_make install-user RG_USER="$RGU" >"$RG_TMP/user2.out" 2>&1
	check "make install-user again: exit 0, the user kept" \
		bash -c 'test "$0" -eq 0 && grep -q "user $1 exists" "$2"' "$?" "$RGU" "$RG_TMP/user2.out"
	printf 'user = %s\n' "$RGU" >>"$CONF"
	cp "$CONF" "$RG_TMP/changed.conf"
	chmod 0711 "$RG_TMP"
fi

# --- the unit ------------------------------------------------------------

# systemd-analyze verify wants ExecStart's and ExecReload's binary at its
# path: a copy of the unit pointing into DESTDIR, and MANPATH for
# Documentation='s man pages.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$RG_TMP/verify"
	sed -E "s#^(ExecStart|ExecReload)=/usr/sbin/#\1=$DEST/usr/sbin/#" "$UNIT" >"$RG_TMP/verify/reflguard.service"
	man_opt=()
	command -v man >/dev/null || man_opt=(--man=no)
	MANPATH=$DEST/usr/share/man systemd-analyze verify "${man_opt[@]}" \
		"$RG_TMP/verify/reflguard.service" >"$RG_TMP/verify.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$RG_TMP/verify.out" ]; then
		ok "systemd-analyze verify${man_opt[*]:+ ${man_opt[*]}}: the installed unit passes, no warning"
	else
		not_ok "systemd-analyze verify: exit $rc: $(head -c 600 "$RG_TMP/verify.out")"
	fi
	if systemd-analyze security --help 2>/dev/null | grep -q -- --threshold; then
		check "systemd-analyze security: exposure at most 2.5 ($(systemd-analyze security \
			--offline=yes "$RG_TMP/verify/reflguard.service" 2>/dev/null | sed -n 's/.*: \([0-9.]*\) .*/\1/p' | tail -n1))" \
			quiet systemd-analyze security --offline=yes --threshold=25 --no-pager \
			"$RG_TMP/verify/reflguard.service"
	fi
else
	skip "systemd-analyze verify: systemd-analyze not installed (make deps)"
fi

# ExecStart as the unit runs it, in a namespace of its own: root whose
# bounding set is the unit's, no new privileges, a NOTIFY_SOCKET.
unit_exec() {	# NS [setpriv options]: ExecStart's words, paths into DESTDIR
	local ns=$1 w words=()
	shift
	for w in $(sed -n 's/^ExecStart=//p' "$UNIT"); do
		case $w in /usr/*|/etc/*) w=$DEST$w ;; esac
		words+=("$w")
	done
	NOTIFY_SOCKET=$RG_TMP/notify.sock ip netns exec "$ns" setpriv "$@" \
		--bounding-set=-all,+net_admin,+setuid,+setgid,+setpcap,+chown,+dac_read_search \
		--inh-caps=-all --no-new-privs "${words[@]}" \
		2>"$RG_TMP/unit.err" &
	DPID=$!
}
cap() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$DPID/status"; }

if [ "$(id -u)" -ne 0 ]; then
	skip "the unit's ExecStart with CAP_NET_ADMIN alone: needs root"
else
	ns=$(solo_ns)
	listen_notify
	# systemd's own is writable by all: the daemon notifies as its user.
	chmod 0666 "$RG_TMP/notify.sock"
	unit_exec "$ns"
	check "unit's ExecStart, root with the unit's bounding set: READY=1" \
		wait_for grep -qs 'READY=1' "$RG_TMP/notify.log" || head -c 600 "$RG_TMP/unit.err"
	check "unit's ExecStart: the observation chain is in place" \
		quiet ip netns exec "$ns" nft list chain ip reflguard observe
	check "unit's ExecStart: bounding, effective, permitted sets CAP_NET_ADMIN only" \
		test "$(cap CapBnd) $(cap CapEff) $(cap CapPrm)" = \
		"0000000000001000 0000000000001000 0000000000001000"
	check "unit's ExecStart: uid $(id -u "$RGU") ($RGU), no new privileges, system calls filtered" \
		test "$(cap Uid) $(cap NoNewPrivs) $(cap Seccomp)" = "$(id -u "$RGU") 1 2"
	check "unit's ExecStart: status answers on the configured socket" \
		quiet "$REFLGUARD" status --control "$RG_TMP/control.sock"
	reload=()
	for w in $(sed -n 's/^ExecReload=//p' "$UNIT"); do
		case $w in /usr/*|/etc/*) w=$DEST$w ;; esac
		reload+=("$w")
	done
	ip netns exec "$ns" "${reload[@]}" >"$RG_TMP/reload.out" 2>&1
	check "unit's ExecReload (reflguard reload): exit 0, the daemon's verdict ($(head -c 200 "$RG_TMP/reload.out"))" \
		bash -c 'test "$0" -eq 0 && grep -qs "configuration reloaded" "$1"' "$?" "$RG_TMP/unit.err"
	echo 'bogus-key = 1' >>"$CONF"
	ip netns exec "$ns" "${reload[@]}" >"$RG_TMP/reload.out" 2>&1
	check "unit's ExecReload with a bad file: exit 1, FILE:LINE named" \
		bash -c 'test "$0" -eq 1 && grep -q "reflguard.conf:[0-9]*:" "$1"' "$?" "$RG_TMP/reload.out"
	sed -i '/^bogus-key = 1$/d' "$CONF"
	kill -HUP "$DPID"
	check "SIGHUP: the configuration is read again" \
		wait_for bash -c 'test "$(grep -c "configuration reloaded" "$0")" -ge 2' "$RG_TMP/unit.err"
	stop_daemon
	check "unit's stop (SIGTERM): exit 0, STOPPING=1, the chain removed" \
		bash -c 'test "$0" -eq 0 && grep -q STOPPING=1 "$1" && ! ip netns exec "$2" nft list chain ip reflguard observe >/dev/null 2>&1' \
		"$?" "$RG_TMP/notify.log" "$ns"
	wait "$NPID" 2>/dev/null

	# Root gives the control socket to its group before the switch: no
	# SupplementaryGroups= needed.
	sed -i 's/^#control-group = adm$/control-group = nogroup/' "$CONF"
	listen_notify
	chmod 0666 "$RG_TMP/notify.sock"
	unit_exec "$ns"
	wait_for grep -qs 'READY=1' "$RG_TMP/notify.log"
	check "unit's ExecStart with control-group: socket 0660 nogroup, the daemon $RGU" \
		test "$(stat -c '%a %G' "$RG_TMP/control.sock" 2>/dev/null) $(cap Uid)" = "660 nogroup $(id -u "$RGU")"
	stop_daemon >/dev/null
	wait "$NPID" 2>/dev/null
	cp "$RG_TMP/changed.conf" "$CONF"
fi

rg_make uninstall DESTDIR="$DEST" PREFIX=/usr >"$RG_TMP/uninstall.out" 2>&1
check "uninstall: exit 0; only the changed configuration left, and it says so" \
	bash -c 'test "$0" -eq 0 && test "$(cd "$1" && find . -type f)" = ./etc/reflguard/reflguard.conf &&
		cmp -s "$2" "$3" && grep -q "^keeping .*reflguard.conf" "$4"' \
	"$?" "$DEST" "$CONF" "$RG_TMP/changed.conf" "$RG_TMP/uninstall.out"
[ "$(id -u)" -eq 0 ] && check "uninstall: the daemon's user stays (files may still be its)" \
	quiet getent passwd "$RGU"

# --- the man pages ---------------------------------------------------------

for page in "$MAN8" "$MAN5"; do
	name=docs/${page##*/}
	if command -v mandoc >/dev/null; then
		mandoc -T lint -W warning "$page" >"$RG_TMP/lint" 2>&1
		rc=$?
		lint=$(head -c 300 "$RG_TMP/lint" | tr '\n' ' ')
		check "mandoc -T lint -W warning $name: clean (exit $rc)${lint:+: $lint}" \
			test "$rc" -eq 0 -a ! -s "$RG_TMP/lint"
	else
		skip "mandoc -T lint $name: mandoc not installed (make deps)"
	fi
	if command -v groff >/dev/null; then
		groff -ww -man -z "$page" >"$RG_TMP/lint" 2>&1
		lint=$(head -c 300 "$RG_TMP/lint" | tr '\n' ' ')
		check "groff -ww -man $name: no warning${lint:+: $lint}" \
			test ! -s "$RG_TMP/lint"
	fi
done

# Every command and long option the binary's help shows has an entry in
# reflguard.8 (.SS for a command, a .TP tag for an option), and every
# option the page documents is one the binary has.
commands=$("$REFLGUARD" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
{
	"$REFLGUARD" --help
	for c in $commands; do "$REFLGUARD" help "$c"; done
} | grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u >"$RG_TMP/help.opts"
plain "$MAN8" | awk '/^\.SH OPTIONS/ { on = 1; next } /^\.SH/ { on = 0 }
	on && tag { print; tag = 0 } on && /^\.TP/ { tag = 1 }' |
	grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u >"$RG_TMP/man.opts"
check "help lists the commands ($(echo $commands))" test "$(echo $commands | wc -w)" -ge 9
check "help shows long options ($(wc -l <"$RG_TMP/help.opts"))" test "$(wc -l <"$RG_TMP/help.opts")" -ge 18
gone=$(comm -23 "$RG_TMP/help.opts" "$RG_TMP/man.opts" | tr '\n' ' ')
check "reflguard.8: every long option of --help and help COMMAND has an entry${gone:+ (missing: $gone)}" \
	test -z "$gone"
stale=$(comm -13 "$RG_TMP/help.opts" "$RG_TMP/man.opts" | tr '\n' ' ')
check "reflguard.8: every option it documents is in the binary's help${stale:+ (not: $stale)}" \
	test -z "$stale"
gone=
for c in $commands; do
	plain "$MAN8" | grep -qx "\.SS $c" || gone+=" $c"
done
check "reflguard.8: every command has a section${gone:+ (missing:$gone)}" test -z "$gone"
gone=
for f in /etc/reflguard/reflguard.conf /var/lib/reflguard/state.json /run/reflguard/control.sock; do
	plain "$MAN8" | awk '/^\.SH FILES/ { on = 1; next } /^\.SH/ { on = 0 } on' | grep -qxF ".I $f" ||
		gone+=" $f"
done
check "reflguard.8: FILES names the configuration, state and control socket${gone:+ (missing:$gone)}" \
	test -z "$gone"
gone=
for s in 'EXIT STATUS' SIGNALS FILES EXAMPLES 'SEE ALSO'; do
	grep -qx "\.SH $s" "$MAN8" || gone+=" '$s'"
done
check "reflguard.8: has EXIT STATUS, SIGNALS, FILES, EXAMPLES, SEE ALSO${gone:+ (missing:$gone)}" \
	test -z "$gone"

# Every key of guard/core/config.c's table: accepted by check-config (so the
# table was read right), an entry in reflguard.conf.5, a line in the example.
keys=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", RG_KEY_[A-Z_]*, set_[a-z_]* },$/\1/p' \
	"$RG_TOP/guard/core/config.c")
check "guard/core/config.c: the key table read ($(echo $keys))" test "$(echo $keys | wc -w)" -ge 12
unknown='' gone='' noex=''
for k in $keys; do
	printf 'expressway-e = 64.100.0.10\n%s = x\n' "$k" >"$RG_TMP/key.conf"
	"$REFLGUARD" check-config "$RG_TMP/key.conf" 2>&1 | grep -q "unknown key" && unknown+=" $k"
	plain "$MAN5" | grep -q "^$k = " || gone+=" $k"
	grep -qE "^#?$k = " "$EXAMPLE" || noex+=" $k"
done
check "check-config accepts every key of the table${unknown:+ (not:$unknown)}" test -z "$unknown"
check "reflguard.conf.5: every key has an entry${gone:+ (missing:$gone)}" test -z "$gone"
check "reflguard.conf.example: every key has a line${noex:+ (missing:$noex)}" test -z "$noex"
stale=
for k in $(plain "$MAN5" | awk '/^\.SH KEYS/ { on = 1; next } /^\.SH/ { on = 0 }
	on && tag { print $1; tag = 0 } on && /^\.TP/ { tag = 1 }'); do
	echo " $keys " | tr '\n' ' ' | grep -q " $k " || stale+=" $k"
done
check "reflguard.conf.5: every key it documents is in the table${stale:+ (not:$stale)}" test -z "$stale"

# The compiled-in defaults (RG_DEFAULT_* in guard/core/config.h): in both pages,
# and the example's commented-out line for that key shows the same value.
bad=
while read -r name value; do
	value=${value//\"/}
	plain "$MAN5" | grep -qF -- "$value" || bad+=" $name (reflguard.conf.5)"
	plain "$MAN8" | grep -qF -- "$value" || bad+=" $name (reflguard.8)"
	[ "$name" = CONFIG ] && continue
	key=$(echo "$name" | tr 'A-Z_' 'a-z-')
	grep -qxF "#$key = $value" "$EXAMPLE" || bad+=" $name (example: '#$key = $value')"
done < <(sed -n 's/^#define RG_DEFAULT_\([A-Z_]*\) \(.*\)$/\1 \2/p' "$RG_TOP/guard/core/config.h")
check "the defaults of guard/core/config.h are the pages' and the example's${bad:+ (wrong:$bad)}" test -z "$bad"

# --- the example configuration --------------------------------------------

"$REFLGUARD" check-config "$EXAMPLE" >/dev/null 2>"$RG_TMP/err"
check "example as shipped: exit 2, expressway-e is required" \
	bash -c 'test "$0" -eq 2 && grep -q "no expressway-e given" "$1"' "$?" "$RG_TMP/err"
sed 's/^#expressway-e = /expressway-e = /' "$EXAMPLE" >"$RG_TMP/example.conf"
"$REFLGUARD" check-config "$RG_TMP/example.conf" >"$RG_TMP/out" 2>&1
check "example with expressway-e uncommented: check-config accepts it, every default" \
	bash -c 'test "$0" -eq 0 && grep -qxF "mode dry-run; expressway-e 64.100.0.10; expressway-c any; ports tcp/7001-7010" "$1"' \
	"$?" "$RG_TMP/out"
sed -E 's/^#([a-z-]+ = )/\1/' "$EXAMPLE" >"$RG_TMP/example-all.conf"
"$REFLGUARD" check-config "$RG_TMP/example-all.conf" >"$RG_TMP/out" 2>&1
check "example with every key uncommented: check-config accepts it ($(tail -n1 "$RG_TMP/out"))" \
	test "$?" -eq 0

# The configuration files shown in reflguard.conf.5's EXAMPLES are valid.
n=0
for i in 1 2; do
	plain "$MAN5" | awk -v want="$i" '/^\.SH EXAMPLES/ { on = 1; next } /^\.SH/ { on = 0 }
		on && /^\.EX/ { n++; inside = (n == want); next } /^\.EE/ { inside = 0 }
		on && inside' >"$RG_TMP/page$i.conf"
	"$REFLGUARD" check-config "$RG_TMP/page$i.conf" >/dev/null 2>&1 && n=$((n + 1))
done
check "reflguard.conf.5: its two example files pass check-config ($n of 2)" test "$n" -eq 2
