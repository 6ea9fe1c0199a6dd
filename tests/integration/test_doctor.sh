#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflguard doctor and the command-line frame, against the running kernel.
. "$(dirname "$0")/lib.sh"

ns=$(solo_ns) || { not_ok "doctor: create a namespace"; exit 1; }
in_ns() { ip netns exec "$ns" "$@"; }

# What the kernel really has, from its own config where it publishes one.
kconfig() {
	local opt=$1
	if [ -r /proc/config.gz ]; then
		zcat /proc/config.gz | grep -E "^$opt=(y|m)$" >/dev/null && echo yes || echo no
	elif [ -r "/boot/config-$(uname -r)" ]; then
		grep -E "^$opt=(y|m)$" "/boot/config-$(uname -r)" >/dev/null && echo yes || echo no
	fi
}

in_ns "$REFLGUARD" doctor >"$RG_TMP/text" 2>&1
rc=$?
cat "$RG_TMP/text" | sed 's/^/    /'
check "doctor: exits 0 as root on this kernel" test "$rc" -eq 0
check "doctor: says it can run" grep -q '^reflguard can run here\.$' "$RG_TMP/text"

in_ns "$REFLGUARD" doctor --json >"$RG_TMP/json" 2>"$RG_TMP/err"
check "doctor --json: exits 0" test $? -eq 0
check "doctor --json: one valid JSON object" valid_json "$RG_TMP/json"
state() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["probes"][sys.argv[2]]["state"])' "$RG_TMP/json" "$1"; }

# Independent oracle for the native queue: does nft itself load the rule?
in_ns nft -f - <<'NFT' 2>"$RG_TMP/oracle.err" && native=yes || native=no
table ip rgtoracle {
	chain c {
		type filter hook postrouting priority 110; policy accept;
		queue num 0 bypass
	}
}
NFT
# Only the kernel's refusal counts as "no"; a syntax error must not pass.
[ "$native" = yes ] || grep -q 'No such file or directory' "$RG_TMP/oracle.err" ||
	not_ok "nft oracle failed for another reason: $(head -c 200 "$RG_TMP/oracle.err")"
in_ns nft delete table ip rgtoracle 2>/dev/null
check "doctor: native queue '$(state native_queue)' agrees with nft ($native)" \
	test "$(state native_queue)" = "$native"

want=$(kconfig CONFIG_NFT_QUEUE)
if [ -n "$want" ]; then
	check "doctor: native queue agrees with the kernel config ($want)" test "$(state native_queue)" = "$want"
else
	skip "doctor: native queue vs kernel config: no config published"
fi
want=$(kconfig CONFIG_NETFILTER_NETLINK_GLUE_CT)
if [ -n "$want" ]; then
	check "doctor: NFQA_CT '$(state nfqa_ct)' agrees with the kernel config ($want)" \
		test "$(state nfqa_ct)" = "$want"
else
	skip "doctor: NFQA_CT vs kernel config: no config published"
fi
expected_path=compat; [ "$native" = yes ] && expected_path=native
check "doctor --json: queue path is $expected_path" test "$(json_get "$RG_TMP/json" queue_path)" = "$expected_path"
check "doctor: ctnetlink available" test "$(state ctnetlink)" = yes

check "doctor: leaves no table behind" test -z "$(in_ns nft list tables)"

in_ns setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$REFLGUARD" doctor >"$RG_TMP/unpriv" 2>&1
rc=$?
check "doctor without CAP_NET_ADMIN: exit 1" test "$rc" -eq 1
check "doctor without CAP_NET_ADMIN: names the privilege" \
	grep -q 'cannot run here: it needs root or CAP_NET_ADMIN' "$RG_TMP/unpriv"

# Without the privilege, each command that asks the kernel says which one
# it lacks, and exits 1: the command line was right.
as_nobody() {
	in_ns setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all timeout 20 "$REFLGUARD" "$@" >"$RG_TMP/out" 2>"$RG_TMP/err"
}
for args in "scan --expressway-e 64.100.0.10" "exempt list" "teardown" \
	"run --expressway-e 64.100.0.10 --log stderr"; do
	as_nobody $args
	rc=$?
	check "$args without CAP_NET_ADMIN: exit 1 (was $rc), says 'needs root or CAP_NET_ADMIN'" \
		bash -c 'test "$0" -eq 1 && grep -q "needs root or CAP_NET_ADMIN" "$1" &&
			! grep -q "on this kernel\|Operation not permitted" "$1"' "$rc" "$RG_TMP/err"
done

# Every bad command line: exit 2 and a message naming the word at fault.
bad_usage frobnicate frobnicate
bad_usage doctr doctr
bad_usage --frob --frob
bad_usage --bogus doctor --bogus
bad_usage -q doctor -q
bad_usage extra doctor extra
bad_usage nope help nope
# A missing value does not take the next option for it.
bad_usage --expressway-e run --expressway-e --mode remediate
bad_usage -c scan -c --json
bad_usage --html report --html --json /dev/null
bad_usage --control status --control --json
bad_usage --state exempt list --state --json
bad_usage --state teardown --state --purge
bad_usage --control reload --control --json
# Options before the command: say where they go.
bad_usage -c -c /etc/reflguard/reflguard.conf run
check "an option before the command: the hint names the command" \
	grep -qF "options go after the command: 'reflguard run -c ...'" "$RG_TMP/err"
bad_usage e.example.com scan --expressway-e e.example.com
check "a host name for an address: says names are not resolved" \
	grep -qF "host names are not resolved" "$RG_TMP/err"
"$REFLGUARD" >/dev/null 2>"$RG_TMP/err"
check "no command: exit 2 with usage" test $? -eq 2 -a -s "$RG_TMP/err"
check "unknown command suggests the near one" grep -q "did you mean 'doctor'" <(
	"$REFLGUARD" doctr 2>&1)

"$REFLGUARD" --version >"$RG_TMP/out"
check "--version prints the version" grep -Eq '^reflguard [0-9]+\.[0-9]+\.[0-9]+' "$RG_TMP/out"
"$REFLGUARD" --help >"$RG_TMP/out"
check "--help lists doctor" grep -q '^  doctor ' "$RG_TMP/out"
"$REFLGUARD" help doctor >"$RG_TMP/out"
check "help doctor shows its options" grep -q -- '--json' "$RG_TMP/out"
"$REFLGUARD" doctor --help >"$RG_TMP/out"
check "doctor --help exits 0 with usage" grep -q '^Usage: reflguard doctor' "$RG_TMP/out"
