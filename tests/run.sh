#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs reflguard's tests and ends with one line: "N passed, N failed" (and
# ", N skipped" when some could not run). Exit status 1 on any failure.
#
#   tests/run.sh                 unit, asan and integration suites
#   tests/run.sh unit asan ...   only those suites
#
# Integration tests print TAP-like lines: "ok - NAME", "not ok - NAME",
# "skip - NAME: why". A test script that dies without a verdict counts as
# one failure.
set -u
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
failures=()

count_unit() {	# BINARY LABEL
	local out rc line p f
	out=$("$1" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -E '^(Suite|  Test|Run Summary|  *(suites|tests|asserts) )|FAILED|^unit:' || true
	line=$(printf '%s\n' "$out" | grep -E '^unit: [0-9]+ passed, [0-9]+ failed$' | tail -n1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 20
		echo "not ok - $2: no summary (exit $rc)"
		failed=$((failed + 1)); failures+=("$2")
		return
	fi
	p=$(sed -E 's/^unit: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
	passed=$((passed + p)); failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$2")
}

run_script() {	# SCRIPT [ENV=VALUE...]
	local script=$1 log rc line verdicts=0
	shift
	echo "== $script $*"
	log=$(mktemp)
	env "$@" bash "$script" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	while IFS= read -r line; do
		case $line in
		"ok - "*)	passed=$((passed + 1)); verdicts=$((verdicts + 1)) ;;
		"not ok - "*)	failed=$((failed + 1)); verdicts=$((verdicts + 1))
				failures+=("${line#not ok - }") ;;
		"skip - "*)	skipped=$((skipped + 1)); verdicts=$((verdicts + 1)) ;;
		esac
	done < "$log"
	rm -f "$log"
	if [ "$rc" != 0 ] && [ "$verdicts" -eq 0 ]; then
		failed=$((failed + 1)); failures+=("$script exited $rc")
	fi
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "skip - $1: needs root (network namespaces, nftables)"
		skipped=$((skipped + 1))
		return 1
	fi
}

suite_unit() {
	echo "== unit (CUnit)"
	count_unit build/unit_tests unit
}

suite_asan() {
	echo "== unit under ASan+UBSan"
	count_unit build/asan/unit_tests "unit (asan)"
	need_root "doctor and the daemon under ASan+UBSan" || return 0
	local t
	for t in test_doctor test_dryrun; do
		run_script "tests/integration/$t.sh" REFLGUARD=build/asan/reflguard \
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	done
}

suite_integration() {
	local t
	need_root "integration tests" || return 0
	for t in tests/integration/test_*.sh; do
		run_script "$t"
	done
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit asan integration)
for s in "${suites[@]}"; do
	case $s in
	unit|asan|integration) "suite_$s" ;;
	*) echo "tests/run.sh: unknown suite '$s' (unit, asan, integration)" >&2; exit 2 ;;
	esac
done

if [ ${#failures[@]} -gt 0 ]; then
	echo
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
