#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds and runs the libFuzzer targets (tests/fuzz/fuzz_*.c) and prints one
# TAP-like line per target, as tests/run.sh counts them:
#   "ok - fuzz config: 123456 runs in 30 s, no crash", "not ok - ...", "skip - ...".
#
#   tests/fuzz/run.sh [all|run|regress] [TARGET...]
#     regress  every seed (corpus/T) and every past crash (regress/T), run once
#     run      fuzz each target for FUZZ_SECONDS on a copy of its seed corpus
#     all      regress, then run (the default)
#
# Env: FUZZ_SECONDS (default 30), FUZZ_JOBS (targets fuzzed at once, default
# the number of CPUs), FUZZ_CC (default clang), FUZZ_RUNS (when set, each
# target stops after that many executions, FUZZ_SECONDS being only a cap,
# and a target that the cap stops short of them fails: `make fuzz-long`). A crash input is kept in
# build/fuzz/crashes/T/ with its log beside it (the last run's log is
# build/fuzz/T.log); once minimised it becomes a file in tests/fuzz/regress/T/.
set -u
cd "$(dirname "$0")/../.."

FUZZ=build/fuzz
SRC=tests/fuzz
ALL=(config state ct pkt qmsg ctl events report http)
SECONDS_EACH=${FUZZ_SECONDS:-30}
RUNS_EACH=${FUZZ_RUNS:-}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
CC_FUZZ=${FUZZ_CC:-clang}

# Inputs longer than the parser's real ones only slow the search down.
max_len() {
	case $1 in
	config|state) echo 8192 ;;	# PATH_MAX values, many exemptions
	events) echo 4096 ;;		# a line is refused past RG_JDOC_TEXT
	report) echo 4096 ;;		# many lines; the rendering grows with them
	ct) echo 1024 ;;
	pkt) echo 512 ;;		# the daemon copies 320 bytes
	qmsg) echo 2049 ;;		# a slot of 2048, and the MSG_TRUNC byte
	ctl) echo 256 ;;		# the daemon reads at most 127
	http) echo 4096 ;;		# the metrics endpoint buffers 4096
	esac
}

# clang, its sanitizers and libFuzzer's runtime all present?
have_libfuzzer() {
	local dir rc
	command -v "$CC_FUZZ" >/dev/null 2>&1 || return 1
	dir=$(mktemp -d)
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$dir/t.c"
	"$CC_FUZZ" -fsanitize=fuzzer,address,undefined -o "$dir/t" "$dir/t.c" >/dev/null 2>&1
	rc=$?
	rm -rf "$dir"
	return $rc
}

# Whose seeds and dictionary a target starts from: report reads events files.
seeds_of() {	# TARGET
	case $1 in
	report) echo events ;;
	*) echo "$1" ;;
	esac
}

inputs() {	# TARGET: the seed and regression files
	local s
	s=$(seeds_of "$1")
	find "$SRC/corpus/$s" "$SRC/regress/$s" "$SRC/regress/$1" -type f 2>/dev/null | sort -u
}

regress() {	# TARGET
	local t=$1 log=$RUN/$1.regress.log n
	local -a files
	mapfile -t files < <(inputs "$t")
	n=${#files[@]}
	if [ "$n" -eq 0 ]; then
		echo "not ok - fuzz-regress $t: no inputs in $SRC/corpus/$t"
		failed=$((failed + 1))
		return
	fi
	# Files as arguments: each is run once, as it is, and nothing is written.
	if "$FUZZ/fuzz_$t" -runs=0 "${files[@]}" >"$log" 2>&1; then
		echo "ok - fuzz-regress $t: $n inputs, no crash"
	else
		mkdir -p "$FUZZ/crashes/$t"
		cp "$log" "$FUZZ/crashes/$t/regress.log"
		excerpt "$log"
		echo "not ok - fuzz-regress $t: $(sed -n 's/^Running: //p' "$log" | tail -n1) crashes (log $FUZZ/crashes/$t/regress.log)"
		failed=$((failed + 1))
	fi
}

excerpt() {	# LOG: the sanitizer's report, as comment lines
	grep -a -m1 -A30 -E '^==[0-9]+==ERROR|runtime error|invariant broken' "$1" | sed 's/^/# /'
}

# With FUZZ_RUNS: did the time cap stop the target before it ran them all?
short_of() {	# RUNS
	[ -n "$RUNS_EACH" ] && [ "$1" -lt "$RUNS_EACH" ]
}

# Fuzzes one target; leaves its verdict in $RUN/T.verdict.
fuzz_one() {	# TARGET
	local t=$1 work=$RUN/work/$1 art=$FUZZ/crashes/$1/ log=$RUN/$1.log
	local dict=() limit=() start end runs secs rate cov rc crash
	mkdir -p "$work" "$art"
	# A copy, so that what the run adds never lands in the seed corpus.
	inputs "$t" | while IFS= read -r f; do cp "$f" "$work/"; done
	[ -f "$SRC/$(seeds_of "$t").dict" ] && dict=(-dict="$SRC/$(seeds_of "$t").dict")
	[ -n "$RUNS_EACH" ] && limit=(-runs="$RUNS_EACH")
	start=$(date +%s)
	"$FUZZ/fuzz_$t" -max_total_time="$SECONDS_EACH" "${limit[@]}" -timeout=10 \
		-max_len="$(max_len "$t")" -print_final_stats=1 \
		-artifact_prefix="$art" "${dict[@]}" "$work" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	cp "$log" "$FUZZ/$t.log"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -n1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	cov=$(grep -a -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9A-Za-z]+' "$log" | tail -n1)
	crash=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n1)
	if [ "$rc" -eq 0 ] && [ -z "$crash" ] && short_of "${runs:-0}"; then
		{
			echo "# $t: ${cov:-no coverage line}, ${rate:-?} exec/s"
			echo "not ok - fuzz $t: ${runs:-?} runs in $((end - start)) s, short of $RUNS_EACH (raise FUZZ_SECONDS)"
		} >"$RUN/$t.verdict"
	elif [ "$rc" -eq 0 ] && [ -z "$crash" ]; then
		echo "# $t: ${cov:-no coverage line}, ${rate:-?} exec/s" >"$RUN/$t.verdict"
		echo "ok - fuzz $t: ${runs:-?} runs in ${secs:-$((end - start))} s (wall $((end - start)) s), no crash" \
			>>"$RUN/$t.verdict"
	else
		[ -n "$crash" ] && cp "$log" "$crash.log"
		{
			excerpt "$log"
			echo "not ok - fuzz $t: crash after $((end - start)) s (input ${crash:-none written}, log ${crash:+$crash.log}${crash:-$FUZZ/$t.log})"
		} >"$RUN/$t.verdict"
	fi
}

run() {	# TARGET...
	local t running=0
	for t in "$@"; do
		fuzz_one "$t" &
		running=$((running + 1))
		if [ "$running" -ge "$JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
	done
	wait
	for t in "$@"; do
		cat "$RUN/$t.verdict" 2>/dev/null || echo "not ok - fuzz $t: no verdict"
		grep -q '^ok - ' "$RUN/$t.verdict" 2>/dev/null || failed=$((failed + 1))
	done
}

mode=all
case ${1:-} in
all|run|regress) mode=$1; shift ;;
esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")
for t in "${targets[@]}"; do
	case " ${ALL[*]} " in
	*" $t "*) ;;
	*) echo "tests/fuzz/run.sh: unknown target '$t' (${ALL[*]})" >&2; exit 2 ;;
	esac
done

if ! have_libfuzzer; then
	echo "skip - fuzz: $CC_FUZZ with libFuzzer and the sanitizers not found (apt-get install clang libclang-rt-dev)"
	exit 0
fi
mkdir -p "$FUZZ"
if ! make --no-print-directory -s FUZZ_CC="$CC_FUZZ" \
	"${targets[@]/#/$FUZZ/fuzz_}" >"$FUZZ/build.log" 2>&1; then
	cat "$FUZZ/build.log"
	echo "not ok - fuzz: the targets do not build (see above)"
	exit 1
fi

# Work, logs and verdicts of this run alone: two runs at once (two
# checkouts' test suites, say) must not share a corpus directory.
RUN=$(mktemp -d "$FUZZ/run.XXXXXX")
trap 'rm -rf "$RUN"' EXIT
failed=0
if [ "$mode" != run ]; then
	for t in "${targets[@]}"; do
		regress "$t"
	done
fi
if [ "$mode" != regress ]; then
	echo "# fuzzing ${targets[*]}: ${RUNS_EACH:+$RUNS_EACH runs or }$SECONDS_EACH s each, $JOBS at a time"
	run "${targets[@]}"
fi
[ "$failed" -eq 0 ]
