#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bash completion (docs/reflguard.bash-completion), driven as bash drives it:
# COMP_WORDS and COMP_CWORD set, the function run, COMPREPLY read. Every
# command of --help and every option of each command's help completes; a
# mode, a log target, an exempt action, a file name and a default path
# complete where they belong; a binary with a command and an option the
# script has never seen completes them too (nothing in the script goes
# stale); "make install" puts it where bash-completion's loader finds it.
. "$(dirname "$0")/lib.sh"

COMPLETION=$RG_TOP/docs/reflguard.bash-completion

# complete WORD...: what TAB offers after the words, the last one being
# completed, one per line, sorted. Runs the script in a bash of its own.
complete_words() {
	bash -c '. "$0" || exit 1
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_reflguard; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort -u' "$COMPLETION" "$@"
}
# offers EXPECTED WORD...: EXPECTED (space-separated) all among the candidates.
offers() {
	local want=$1 w
	shift
	complete_words "$@" >"$RG_TMP/got"
	for w in $want; do grep -qxF -- "$w" "$RG_TMP/got" || return 1; done
}
export -f complete_words offers
export COMPLETION RG_TMP
# The options of a command, read here from its help independently of the
# script: every option word of the usage lines, and the leading option
# words of each option line (not those its description mentions).
options_of() {
	"$REFLGUARD" help "$1" | sed -nE -e '/^(Usage:| +(reflguard |\[|common options))/p' \
		-e 's/^ +((-[-a-z0-9]+,? )+).*/\1/p' |
		grep -oE -- '(^|[][ ,|])--?[a-z][a-z0-9-]*' | sed 's/^[][ ,|]//' | sort -u
}

check "the script registers _reflguard for reflguard" \
	bash -c '. "$0" && complete -p reflguard | grep -q -- "-F _reflguard reflguard$"' "$COMPLETION"

commands=$("$REFLGUARD" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
check "--help lists commands ($(tr '\n' ' ' <<<"$commands"))" test "$(wc -l <<<"$commands")" -ge 8
check "reflguard TAB: every command of --help, and --help, --version" \
	offers "$commands --help --version" "$REFLGUARD" ""
missing=
for c in $commands; do
	offers "$c" "$REFLGUARD" "${c:0:3}" || missing+=" $c"
done
check "each command completes from its first three letters${missing:+ (not:$missing)}" test -z "$missing"
check "reflguard help TAB: every command" offers "$commands" "$REFLGUARD" help ""

for c in $commands; do
	[ "$c" = help ] && continue
	opts=$(options_of "$c")
	missing=
	for o in $opts; do
		offers "$o" "$REFLGUARD" "$c" "$o" || missing+=" $o"
	done
	offers "$(grep -- '^--' <<<"$opts")" "$REFLGUARD" "$c" -- || missing+=" (not all after --)"
	check "reflguard $c: its $(wc -w <<<"$opts") options complete${missing:+ (not:$missing)}" \
		test -n "$opts" -a -z "$missing"
done

check "run --mode TAB: dry-run remediate" offers "dry-run remediate" "$REFLGUARD" run --mode ""
check "run --log s TAB: stderr syslog, not auto" \
	bash -c 'offers "stderr syslog" "$@" && ! grep -qx auto "$RG_TMP/got"' _ "$REFLGUARD" run --log s
check "exempt TAB: list add del flush" offers "list add del flush" "$REFLGUARD" exempt ""
complete_words "$REFLGUARD" exempt list "" >"$RG_TMP/got"
check "exempt list TAB: no second action" test ! -s "$RG_TMP/got"
complete_words "$REFLGUARD" run --expressway-e "" >"$RG_TMP/got"
check "run --expressway-e TAB: nothing (an address, not a file)" test ! -s "$RG_TMP/got"

mkdir -p "$RG_TMP/cfg"
touch "$RG_TMP/cfg/a.conf" "$RG_TMP/cfg/b.conf" "$RG_TMP/cfg/events.json"
check "check-config PATH TAB: file names" \
	offers "$RG_TMP/cfg/a.conf $RG_TMP/cfg/b.conf" "$REFLGUARD" check-config "$RG_TMP/cfg/"
check "run --config PATH TAB, run -c PATH TAB: file names" \
	bash -c 'offers "$1/a.conf" "$0" run --config "$1/a" && offers "$1/b.conf" "$0" run -c "$1/b"' \
	"$REFLGUARD" "$RG_TMP/cfg"
check "report PATH TAB, report --html PATH TAB: file names" \
	bash -c 'offers "$1/events.json" "$0" report "$1/e" && offers "$1/events.json" "$0" report --html "$1/e"' \
	"$REFLGUARD" "$RG_TMP/cfg"
# A default path from the help ("(default /...)") is offered where it exists.
mkdir -p "$RG_TMP/bin"
sed "s|/var/lib/reflguard/state.json|$RG_TMP/cfg/state.json|" >"$RG_TMP/help.run" \
	< <("$REFLGUARD" help run)
touch "$RG_TMP/cfg/state.json"
cat >"$RG_TMP/bin/reflguard" <<EOF
#!/bin/sh
if [ "\$1 \$2" = "help run" ]; then cat "$RG_TMP/help.run"; else exec "$REFLGUARD" "\$@"; fi
EOF
chmod +x "$RG_TMP/bin/reflguard"
check "run --state TAB: the default state file of the help, which exists" \
	offers "$RG_TMP/cfg/state.json" "$RG_TMP/bin/reflguard" run --state ""

mkdir -p "$RG_TMP/home/bin" && ln -s "$REFLGUARD" "$RG_TMP/home/bin/reflguard"
check "~/bin/reflguard sc TAB: the binary found through the tilde, scan offered" \
	env HOME="$RG_TMP/home" bash -c 'offers scan "~/bin/reflguard" sc'

# A binary the script has never seen: a new command, option and mode.
cat >"$RG_TMP/bin/future" <<'EOF'
#!/bin/sh
case "$1 $2" in
"--help ") printf 'Usage: reflguard <command>\n\nCommands:\n  run      Run\n  frobnicate  New\n\n' ;;
"help frobnicate") printf 'Usage: reflguard frobnicate [--shiny] [--level low|high]\n\n  --shiny       new\n  --level WHAT  new too\n' ;;
esac
EOF
chmod +x "$RG_TMP/bin/future"
check "a binary with a new command: it completes from the binary's help" \
	offers frobnicate "$RG_TMP/bin/future" fro
check "... with a new option and its values: they complete too" \
	bash -c 'offers "--shiny --level" "$0" frobnicate -- && offers "low high" "$0" frobnicate --level ""' \
	"$RG_TMP/bin/future"

# Installed where bash-completion's loader looks for it.
make -C "$RG_TOP" --no-print-directory -o build/reflguard install DESTDIR="$RG_TMP/dest" PREFIX=/usr \
	>/dev/null 2>&1
check "make install: \$(PREFIX)/share/bash-completion/completions/reflguard, mode 0644, the script" \
	bash -c 'test "$(stat -c %a "$0")" = 644 && cmp -s "$0" "$1"' \
	"$RG_TMP/dest/usr/share/bash-completion/completions/reflguard" "$COMPLETION"
if [ -r /usr/share/bash-completion/bash_completion ]; then
	check "bash-completion's loader finds and loads the installed script" \
		env BASH_COMPLETION_USER_DIR="$RG_TMP/dest/usr/share/bash-completion" bash -c '
		. /usr/share/bash-completion/bash_completion; complete -r reflguard 2>/dev/null
		_completion_loader reflguard; complete -p reflguard | grep -q -- "-F _reflguard"'
else
	skip "bash-completion's loader: bash-completion not installed (make deps-test)"
fi
