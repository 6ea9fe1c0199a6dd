#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/alerts.yml: Prometheus accepts the rules (promtool check rules), each
# alert fires on the series that should fire it and not on others (promtool
# test rules tests/alerts/alerts_test.yml), every alert has such a test, and
# every reflguard metric an alert reads is one the daemon serves.
. "$(dirname "$0")/lib.sh"

RULES=$RG_TOP/docs/alerts.yml
TESTS=$RG_TOP/tests/alerts/alerts_test.yml

# The metric names guard/core/metrics.c writes (the histogram's series included).
served() {
	grep -oE '"reflguard_[a-z_]+' "$RG_TOP/guard/core/metrics.c" | tr -d '"' |
		sed -E 's/^(reflguard_handling_seconds)$/\1\n\1_bucket\n\1_sum\n\1_count/' | sort -u
}
served >"$RG_TMP/served"
grep -oE 'reflguard_[a-z_]+' "$RULES" | sort -u >"$RG_TMP/used"
unknown=$(comm -23 "$RG_TMP/used" "$RG_TMP/served" | tr '\n' ' ')
check "alerts.yml reads only metrics the daemon serves ($(wc -l <"$RG_TMP/used") used${unknown:+; unknown: $unknown})" \
	test -s "$RG_TMP/used" -a -z "$unknown"

alerts=$(sed -nE 's/^ *- alert: ([A-Za-z]+)$/\1/p' "$RULES")
missing=
for a in ReflguardTranslatedFlow ReflguardExemptionIneffective ReflguardQueueOverflow ReflguardDown; do
	grep -qxF "$a" <<<"$alerts" || missing+=" $a"
done
check "alerts: a translated flow, an ineffective exemption, queue overflow, daemon down${missing:+ (missing:$missing)}" \
	test -z "$missing"
untested=
for a in $alerts; do
	grep -qE "alertname: $a\$" "$TESTS" || untested+=" $a"
done
check "every alert has a promtool unit test${untested:+ (none for:$untested)}" test -z "$untested"

if ! command -v promtool >/dev/null; then
	skip "promtool check rules, test rules: promtool not installed (prometheus; make deps-test)"
	exit 0
fi
promtool check rules "$RULES" >"$RG_TMP/check.out" 2>&1
check "promtool check rules docs/alerts.yml: $(grep -o 'SUCCESS.*' "$RG_TMP/check.out" || head -c 300 "$RG_TMP/check.out")" \
	grep -q "SUCCESS: $(wc -w <<<"$alerts") rules found" "$RG_TMP/check.out"
promtool test rules "$TESTS" >"$RG_TMP/test.out" 2>&1
rc=$?
check "promtool test rules tests/alerts/alerts_test.yml: exit $rc" test "$rc" -eq 0
[ "$rc" -eq 0 ] || sed 's/^/  /' "$RG_TMP/test.out" | head -n 30
