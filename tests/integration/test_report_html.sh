#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflguard report --html: the page made from a real lab run (a translated flow, its
# exemption, a verified clean flow, a refusal) parses, shows the findings and the
# before/after addresses in its diagram, fetches nothing, renders in Chromium; FILE is
# replaced atomically, and every error exits 2 with FILE left as it was.
. "$(dirname "$0")/lib.sh"

CHECK=$RG_TOP/tests/integration/report_html_check.py
ev=$RG_TMP/lab-events.json
out=$RG_TMP/out
mkdir -p "$out"

if [ "$(id -u)" -ne 0 ]; then
	skip "report --html: a lab run: needs root"
	exit 0
fi
if ! REFLGUARD=$REFLGUARD "$RG_TOP/tests/lab/report_events.sh" "$ev" 2>"$RG_TMP/lab.err"; then
	not_ok "report --html: a lab run gives events: $(head -c 400 "$RG_TMP/lab.err")"
	exit 0
fi
ok "report --html: a lab run gives events"

# evq EXPR: a Python expression over the events (list "ev"), printed.
evq() {
	python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(eval(sys.argv[2]))' "$ev" "$1"
}
before=$(evq '[e["e_sees"] for e in ev if e["event"]=="flow" and e["translated"] and e["c"].startswith("10.0.30.2:")][0]')
after=$(evq '[e["e_sees"] for e in ev if e["event"]=="verified"][0]')
flows=$(evq 'sum(e["event"] in ("flow","refused") for e in ev)')
translated=$(evq 'sum(e["event"] in ("flow","refused") and e["translated"] for e in ev)')
check "report --html: E saw C1 translated ($before), then its real address ($after)" \
	test -n "$before" -a "$before" != "$after" -a "${after%:*}" = 10.0.30.2

page=$out/report.html
"$REFLGUARD" report --html "$page" "$ev" >"$RG_TMP/stdout" 2>"$RG_TMP/stderr"
rc=$?
check "report --html: exit 1 (flows were translated)" test "$rc" -eq 1
check "report --html: nothing on stderr" test ! -s "$RG_TMP/stderr"
check "report --html: one line says what was written" \
	test "$(cat "$RG_TMP/stdout")" = "wrote $page: $flows flows from 2 Expressway-C, $translated translated"
check "report --html: parses with balanced tags, fetches nothing, the diagram shows $before and $after, the findings listed" \
	python3 "$CHECK" page "$page" "$before" "$after" 10.0.30.2 10.0.31.3 \
	64.100.0.10:7003 10.0.10.2:7003 "refused (limit)" "exempted by reflguard"
check "report --html: no temporary file left" test "$(ls -A "$out")" = report.html

"$REFLGUARD" report "$ev" >"$RG_TMP/text"
check "report: the text of the same file still works" \
	grep -qx "$flows flows from 2 Expressway-C, $translated translated." "$RG_TMP/text"
check "report: the text says C1 needs nothing more, C2 was refused" \
	sh -c "grep -qx \"  fix          none needed: reflguard exempted it ('reflguard exempt list')\" '$RG_TMP/text' &&
		grep -qx '  fix          none: reflguard refused to exempt it (limit)' '$RG_TMP/text'"

# Replaced by rename: a new inode, never the old file rewritten in place.
echo old >"$page"
inode=$(stat -c %i "$page")
"$REFLGUARD" report --html "$page" "$ev" >/dev/null
check "report --html: FILE replaced by a new file (atomic rename)" \
	sh -c "test $(stat -c %i "$page") != $inode && head -c 15 '$page' | grep -qx '<!DOCTYPE html>'"

# bad_html NAME EXPECTED-WORD ARGS...: exit 2, stderr naming the word, stdout empty.
bad_html() {
	local name=$1 word=$2 rc
	shift 2
	"$REFLGUARD" report "$@" >"$RG_TMP/stdout" 2>"$RG_TMP/stderr"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "'$word'" "$RG_TMP/stderr" && [ ! -s "$RG_TMP/stdout" ]; then
		ok "report --html $name: exit 2 naming '$word'"
	else
		not_ok "report --html $name: exit $rc, stderr: $(head -c 200 "$RG_TMP/stderr")"
	fi
}
cp "$page" "$RG_TMP/page.before"
bad_html "without a value" --html --html
bad_html "with --json" --html --html "$out/x.html" --json "$ev"
bad_html "of a missing events file" "$RG_TMP/missing.jsonl" --html "$out/x.html" "$RG_TMP/missing.jsonl"
bad_html "over an existing FILE, events missing" "$RG_TMP/missing.jsonl" --html "$page" "$RG_TMP/missing.jsonl"
check "report --html: the existing FILE untouched by the failed run" cmp -s "$page" "$RG_TMP/page.before"
bad_html "into a missing directory" "$RG_TMP/nodir/r.html" --html "$RG_TMP/nodir/r.html" "$ev"
mkdir "$out/adir"
bad_html "onto a directory" "$out/adir" --html "$out/adir" "$ev"
cp "$ev" "$RG_TMP/events.copy"
bad_html "onto the events file itself" "$ev" --html "$ev" "$ev"
check "report --html: the events file untouched" cmp -s "$ev" "$RG_TMP/events.copy"
check "report --html: no x.html and no temporary file after the errors" \
	test "$(ls -A "$out" | sort | tr '\n' ' ')" = "adir report.html "

# A full filesystem fails the write half way: the partial page must go.
full=$RG_TMP/full
mkdir "$full"
unshare -m sh -c 'mount -t tmpfs -o size=4k tmpfs "$1" && "$2" report --html "$1/r.html" "$3"
	echo $? >"$4/rc"; ls -A "$1" >"$4/left"' sh "$full" "$REFLGUARD" "$ev" "$RG_TMP" \
	>/dev/null 2>"$RG_TMP/stderr"
check "report --html on a full filesystem: exit 2 naming FILE, nothing left behind" \
	sh -c "test \"\$(cat '$RG_TMP/rc')\" = 2 && test ! -s '$RG_TMP/left' &&
		grep -qF \"'$full/r.html'\" '$RG_TMP/stderr'"

# The page in a browser: Chromium renders it, offline, to a non-blank PNG.
# Not in the stock-kernel VM (tests/vm): the page does not depend on the
# kernel, and an emulated CPU makes Chromium too slow to bound.
if [ -n "${RG_VM:-}" ]; then
	skip "report renders in chromium: not in the stock-kernel VM (rendered on the host)"
	exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
	make -C "$RG_TOP" --no-print-directory deps-chromium >"$RG_TMP/deps.log" 2>&1
fi
if ! command -v chromium >/dev/null 2>&1; then
	skip "report renders in chromium: chromium cannot be installed: $(tail -n 1 "$RG_TMP/deps.log" 2>/dev/null)"
elif ! "$RG_TOP/tests/lab/render_html.sh" "$page" "$RG_TMP/report.png" 2>"$RG_TMP/render.err"; then
	not_ok "report renders in chromium: $(head -c 300 "$RG_TMP/render.err")"
elif python3 "$CHECK" png "$RG_TMP/report.png" >"$RG_TMP/png.txt" 2>&1; then
	ok "report renders in chromium: $(cat "$RG_TMP/png.txt")"
else
	not_ok "report renders in chromium: $(cat "$RG_TMP/png.txt")"
fi
