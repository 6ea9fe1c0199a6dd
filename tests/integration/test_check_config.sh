#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflguard check-config: files it accepts, files it refuses and where, bad usage.
# Needs no privilege: it only reads files.
. "$(dirname "$0")/lib.sh"

conf() {	# NAME: writes stdin to $RG_TMP/NAME and prints the path
	cat >"$RG_TMP/$1"
	echo "$RG_TMP/$1"
}

f=$(conf good.conf <<'EOF'
# reflguard.conf
mode = dry-run
expressway-e = 64.100.0.10=10.0.10.2   # the E of the vendor note
expressway-e = 2001:db8:64::10
expressway-c = 10.0.30.0/24
ports = tcp/7001-7010, udp/5060
queue = 7003
events = -
EOF
)
"$REFLGUARD" check-config "$f" >"$RG_TMP/out" 2>"$RG_TMP/err"
check "check-config: a valid file exits 0" test $? -eq 0
check "check-config: a valid file says 'FILE: ok'" grep -qxF "$f: ok" "$RG_TMP/out"
check "check-config: the summary names mode, Expressway-Es and ports" grep -qxF \
	"mode dry-run; expressway-e 64.100.0.10=10.0.10.2, 2001:db8:64::10; expressway-c 10.0.30.0/24; ports tcp/7001-7010, udp/5060" \
	"$RG_TMP/out"
check "check-config: a valid file prints nothing on stderr" test ! -s "$RG_TMP/err"

# Counts in words: one of a thing is singular.
printf 'expressway-e = 64.100.0.10\nexempt = 10.0.30.2 10.0.10.2 tcp/7003\n' >"$RG_TMP/one.conf"
"$REFLGUARD" check-config "$RG_TMP/one.conf" >"$RG_TMP/out" 2>&1
check "check-config: '1 static exemption', singular" grep -qE '; 1 static exemption$' "$RG_TMP/out"
printf 'exempt = 10.0.30.3 10.0.10.2 tcp/7003\n' >>"$RG_TMP/one.conf"
"$REFLGUARD" check-config "$RG_TMP/one.conf" >"$RG_TMP/out" 2>&1
check "check-config: '2 static exemptions', plural" grep -qE '; 2 static exemptions$' "$RG_TMP/out"

printf 'expressway-e = 64.100.0.10\r\nports = tcp/7003' >"$RG_TMP/crlf.conf"
"$REFLGUARD" check-config "$RG_TMP/crlf.conf" >"$RG_TMP/out" 2>&1
check "check-config: CRLF and no final newline are fine" grep -qxF "$RG_TMP/crlf.conf: ok" "$RG_TMP/out"

# Valid but likely not meant: a warning on stderr, and the file still passes.
printf 'mode = remediate\nexpressway-e = 64.100.0.10\nmetrics = 0.0.0.0:9153\n' >"$RG_TMP/warn.conf"
"$REFLGUARD" check-config "$RG_TMP/warn.conf" >"$RG_TMP/out" 2>"$RG_TMP/err"
check "check-config warn.conf: exit 0, 'FILE: ok'" \
	bash -c 'test "$0" -eq 0 && grep -qxF "$1: ok" "$2"' "$?" "$RG_TMP/warn.conf" "$RG_TMP/out"
check "check-config: warns on mode = remediate without expressway-c" grep -qF \
	"$RG_TMP/warn.conf: warning: mode = remediate without expressway-c" "$RG_TMP/err"
check "check-config: warns on metrics off loopback" grep -qF \
	"$RG_TMP/warn.conf: warning: metrics on 0.0.0.0:9153, not a loopback address" "$RG_TMP/err"
printf 'mode = remediate\nexpressway-e = 64.100.0.10\nexpressway-c = 10.0.30.2\nmetrics = 127.0.0.1:9153\n' >"$RG_TMP/nowarn.conf"
"$REFLGUARD" check-config "$RG_TMP/nowarn.conf" >"$RG_TMP/out" 2>"$RG_TMP/err"
check "check-config: no warning with expressway-c and metrics on loopback" test ! -s "$RG_TMP/err"

# refused NAME EXPECTED-STDERR-LINE: exit 2, that exact message, nothing on stdout.
refused() {
	local name=$1 want=$2 rc
	"$REFLGUARD" check-config "$RG_TMP/$name" >"$RG_TMP/out" 2>"$RG_TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qxF -- "$want" "$RG_TMP/err" && [ ! -s "$RG_TMP/out" ]; then
		ok "check-config $name: exit 2, '$want'"
	else
		not_ok "check-config $name: exit $rc, stderr: $(head -c 300 "$RG_TMP/err")"
	fi
}

printf '# C and E\nmode = dry-run\nexpressway-e = 300.1.1.1\n' >"$RG_TMP/bad-addr.conf"
refused bad-addr.conf "$RG_TMP/bad-addr.conf:3: invalid address '300.1.1.1' for expressway-e"
printf 'expressway-e = 64.100.0.10\nexpressway-c = 10.0.0.0/33\n' >"$RG_TMP/bad-prefix.conf"
refused bad-prefix.conf "$RG_TMP/bad-prefix.conf:2: invalid prefix length '/33' in '10.0.0.0/33' for expressway-c"
printf 'expressway-e = 64.100.0.10\n\nports = tcp/7003, tcp/70000\n' >"$RG_TMP/bad-port.conf"
refused bad-port.conf "$RG_TMP/bad-port.conf:3: invalid port '70000' in 'tcp/70000' for ports"
printf 'mode = fast\n' >"$RG_TMP/bad-mode.conf"
refused bad-mode.conf "$RG_TMP/bad-mode.conf:1: unknown mode 'fast' (dry-run or remediate)"
printf 'expressway-e = 64.100.0.10\nfoo = bar\n' >"$RG_TMP/bad-key.conf"
refused bad-key.conf "$RG_TMP/bad-key.conf:2: unknown key 'foo'"
printf 'expressway-e = 64.100.0.10\nexpresway-c = 10.0.30.2\n' >"$RG_TMP/typo-key.conf"
refused typo-key.conf "$RG_TMP/typo-key.conf:2: unknown key 'expresway-c' (did you mean 'expressway-c'?)"
printf 'expressway-e = 64.100.0.10\nno-reset = yes\n' >"$RG_TMP/option-key.conf"
refused option-key.conf "$RG_TMP/option-key.conf:2: unknown key 'no-reset' (in a file, --no-reset is 'reset = no')"
printf 'expressway-e = expressway-e.example.com\n' >"$RG_TMP/name.conf"
refused name.conf "$RG_TMP/name.conf:1: invalid address 'expressway-e.example.com' for expressway-e (host names are not resolved: give the IP address)"
printf '# nothing but\nqueue = 5\n' >"$RG_TMP/no-e.conf"
refused no-e.conf "$RG_TMP/no-e.conf: no expressway-e given (use --expressway-e or 'expressway-e =' in the config file)"
printf 'expressway-e = 64.100.0.10\nmode dry-run\n' >"$RG_TMP/no-equals.conf"
refused no-equals.conf "$RG_TMP/no-equals.conf:2: expected 'key = value', got 'mode dry-run'"
printf 'expressway-e = 64.100.0.10\nmax-exemptions = 0\n' >"$RG_TMP/limit.conf"
refused limit.conf "$RG_TMP/limit.conf:2: invalid number '0' for max-exemptions (1 to 1000000)"
printf 'expressway-e = 64.100.0.10\nstate =\n' >"$RG_TMP/empty-value.conf"
refused empty-value.conf "$RG_TMP/empty-value.conf:2: empty value for state"
printf 'expressway-e = 64.100.0.10\n\0queue = 5\n' >"$RG_TMP/nul.conf"
refused nul.conf "$RG_TMP/nul.conf: contains a NUL byte (not a text file?)"
refused missing.conf "reflguard check-config: cannot read '$RG_TMP/missing.conf': No such file or directory"
mkdir "$RG_TMP/dir.conf"
refused dir.conf "reflguard check-config: cannot read '$RG_TMP/dir.conf': Is a directory"
# Unreadable: as root, read it as nobody (root would read a mode-000 file).
cp "$RG_TMP/crlf.conf" "$RG_TMP/unreadable.conf"
chmod 000 "$RG_TMP/unreadable.conf"
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod 711 "$RG_TMP"
"${as_user[@]}" "$REFLGUARD" check-config "$RG_TMP/unreadable.conf" >"$RG_TMP/out" 2>"$RG_TMP/err"
rc=$?
chmod 700 "$RG_TMP"
check "check-config unreadable file: exit 2" test "$rc" -eq 2
check "check-config unreadable file: names it and the reason" grep -qxF \
	"reflguard check-config: cannot read '$RG_TMP/unreadable.conf': Permission denied" "$RG_TMP/err"

# reflguard.conf(5) lists every key a reload refuses to change, as the
# daemon's needs_restart() does.
code_keys=$(sed -n '/^static const char \*needs_restart/,/^}/p' "$RG_TOP/guard/daemon.c" |
	grep -o 'return "[a-z-]*"' | cut -d'"' -f2 | sort | tr '\n' ' ')
man_keys=$(sed -n '/refuses a file that changes/,/^\.SH/p' "$RG_TOP/docs/reflguard.conf.5" |
	grep -oE '^\.BR? [a-z\\-]+' | awk '{print $2}' | sed 's/\\-/-/g' | sort | tr '\n' ' ')
check "reflguard.conf(5): the keys a reload refuses are the daemon's ($code_keys)" \
	test -n "$code_keys" -a "$code_keys" = "$man_keys"

# Every bad command line: exit 2 and a message naming the word at fault.
bad() {	# EXPECTED-WORD ARGS...
	local word=$1 rc
	shift
	"$REFLGUARD" check-config "$@" >"$RG_TMP/out" 2>"$RG_TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$word" "$RG_TMP/err" && [ ! -s "$RG_TMP/out" ]; then
		ok "bad usage 'check-config $*': exit 2 naming $word"
	else
		not_ok "bad usage 'check-config $*': exit $rc, stderr: $(head -c 200 "$RG_TMP/err")"
	fi
}
bad "'--bogus'" --bogus "$f"
bad "'-q'" -q "$f"
bad "'extra'" "$f" extra
bad "missing FILE"

"$REFLGUARD" check-config --help >"$RG_TMP/out"
check "check-config --help exits 0 with usage" grep -q '^Usage: reflguard check-config FILE' "$RG_TMP/out"
"$REFLGUARD" help check-config >"$RG_TMP/out"
check "help check-config shows its usage" grep -q '^Usage: reflguard check-config' "$RG_TMP/out"
"$REFLGUARD" --help >"$RG_TMP/out"
check "--help lists check-config" grep -q '^  check-config ' "$RG_TMP/out"
