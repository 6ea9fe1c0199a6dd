#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs reflguard's tests and ends with one line: "N passed, N failed" (and
# ", N skipped" when some could not run). Exit status 1 on any failure.
#
#   tests/run.sh                 unit, asan, integration and fuzz suites
#   tests/run.sh unit asan ...   only those suites
#
# vm runs the integration suite again inside Debian's stock kernel under
# qemu (tests/vm/run.sh); it is in the default list, and skipped with a
# "skip - " line where qemu is not installed.
#
# fuzz runs each libFuzzer target (tests/fuzz/run.sh) for FUZZ_SECONDS:
# 30 when CI=true, 10 otherwise.
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
	echo "== $script${*:+ $*}${RG_PATH:+ [$RG_PATH]}"
	log=$(mktemp)
	local t0=$SECONDS
	env "$@" bash "$script" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "# ${script##*/}: $((SECONDS - t0)) s"
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
	need_root "the integration suite under ASan+UBSan" || return 0
	local t
	# Every integration test but valgrind's, install's and the package's,
	# which run the plain binary, and the lab's and the alerts' own, which run
	# no reflguard code.
	for t in tests/integration/test_*.sh; do
		case $t in */test_valgrind.sh|*/test_install.sh|*/test_deb.sh|*/test_lab_fault.sh|*/test_alerts.sh) continue ;; esac
		run_script "$t" REFLGUARD=build/asan/reflguard \
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	done
}

# kernel_path: which of reflguard's paths this kernel takes, from doctor in
# a fresh network namespace; printed once, exported as RG_PATH for lib.sh.
kernel_path() {
	local p
	p=$(unshare -n sh -c 'ip link set lo up && exec "$0" doctor --json' build/reflguard 2>/dev/null |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["queue_path"], d["ct_path"])' 2>/dev/null)
	set -- $p
	echo "== kernel $(uname -r): queue path ${1:-unknown}, conntrack ${2:-unknown}"
	export RG_PATH=${1:-unknown}+${2:-unknown}
}

# What reads no packet and asks the kernel nothing path-specific: run on the
# host only, so the emulated guest's time goes to the two kernel paths.
host_only() {
	case $1 in
	*/test_alerts.sh|*/test_completion.sh|*/test_check_config.sh|*/test_report.sh|*/test_install.sh)
		return 0 ;;
	esac
	return 1
}

suite_integration() {
	local t
	need_root "integration tests" || return 0
	kernel_path
	for t in tests/integration/test_*.sh; do
		if [ -n "${RG_VM:-}" ] && host_only "$t"; then
			echo "skip - ${t##*/}: nothing kernel-path-specific in it; run on the host"
			skipped=$((skipped + 1))
			continue
		fi
		run_script "$t"
	done
}

suite_fuzz() {
	local secs=${FUZZ_SECONDS:-}

	[ -n "$secs" ] || { [ "${CI:-}" = true ] && secs=30 || secs=10; }
	run_script tests/fuzz/run.sh FUZZ_SECONDS="$secs"
}

# The integration suite again, inside the stock-kernel VM: the guest's verdict
# lines count here, named "[stock kernel] ...".
suite_vm() {
	local log rc line n_fail=0 g_fail
	if ! command -v qemu-system-x86_64 >/dev/null; then
		echo "skip - stock-kernel VM: qemu not installed"
		skipped=$((skipped + 1))
		return
	fi
	echo "== tests/vm/run.sh (the integration suite on Debian's stock kernel)"
	log=$(mktemp)
	tests/vm/run.sh 2>&1 | sed -u '/^skip - stock-kernel VM: /!s/^\(ok\|not ok\|skip\) - /\1 - [stock kernel] /' |
		tee "$log"
	rc=${PIPESTATUS[0]}
	while IFS= read -r line; do
		case $line in
		"ok - "*)	passed=$((passed + 1)) ;;
		"not ok - "*)	failed=$((failed + 1)); n_fail=$((n_fail + 1))
				failures+=("${line#not ok - }") ;;
		"skip - "*)	skipped=$((skipped + 1)) ;;
		esac
	done < "$log"
	# The guest's summary also counts scripts that died without a verdict.
	g_fail=$(sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p' "$log" | tail -n1)
	if [ -z "$g_fail" ] && [ "$rc" != 0 ]; then
		failed=$((failed + 1)); failures+=("[stock kernel] tests/vm/run.sh exited $rc before the guest's summary")
	elif [ -n "$g_fail" ] && [ "$g_fail" -gt "$n_fail" ]; then
		failed=$((failed + g_fail - n_fail))
		failures+=("[stock kernel] $((g_fail - n_fail)) without a verdict line (see the guest's 'failed:' list)")
	fi
	rm -f "$log"
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit asan integration fuzz vm)
for s in "${suites[@]}"; do
	case $s in
	unit|asan|integration|fuzz|vm) "suite_$s" ;;
	*) echo "tests/run.sh: unknown suite '$s' (unit, asan, integration, fuzz, vm)" >&2; exit 2 ;;
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
