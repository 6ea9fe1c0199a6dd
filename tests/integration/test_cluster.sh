#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Clusters: two Expressway-C (10.0.30.2, 10.0.31.3, two subnets) and two
# Expressway-E (10.0.10.2 published as 64.100.0.10, 10.0.11.2 as
# 64.100.0.11; lab.sh LAB_CLUSTER=1). Each of the four C -> E pairs is
# learnt on its own: one exemption each, each verified, and no pair's
# connection or exemption touches another (no cross-talk), in remediate
# mode; in dry-run mode four findings, each with its own fix.
. "$(dirname "$0")/lib.sh"

export LAB_CLUSTER=1
if ! lab_up nft-snat >/dev/null; then
	not_ok "cluster: the lab comes up"
	exit 0
fi

# PAIRS: C role, C address:port, public address, E internal, E role.
PAIRS=(
	"c1 10.0.30.2:27901 64.100.0.10 10.0.10.2 e"
	"c1 10.0.30.2:27903 64.100.0.11 10.0.11.2 e2"
	"c2 10.0.31.3:27902 64.100.0.10 10.0.10.2 e"
	"c2 10.0.31.3:27904 64.100.0.11 10.0.11.2 e2"
)

cluster_daemon() {
	start_daemon --expressway-e 64.100.0.10 --expressway-e 64.100.0.11 "$@"
}

elements() { lab_exec fw nft list set ip reflguard exempt4 2>/dev/null |
	grep -oE '10\.0\.3[01]\.[0-9]+ \. 10\.0\.1[01]\.2 \. tcp \. 7003' | sort; }

want_elements() {
	printf '%s\n' '10.0.30.2 . 10.0.10.2 . tcp . 7003' '10.0.30.2 . 10.0.11.2 . tcp . 7003' \
		'10.0.31.3 . 10.0.10.2 . tcp . 7003' '10.0.31.3 . 10.0.11.2 . tcp . 7003'
}

# count_ev KEY=VALUE...: how many events match every pair.
count_ev() {
	python3 -c 'import json,sys
want=dict(a.split("=",1) for a in sys.argv[2:])
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(sum(all(str(e.get(k))==v for k,v in want.items()) for e in ev))' "$EVENTS" "$@"
}

# ---- Remediate: every pair reaches its own E with its own address.
if cluster_daemon --mode remediate --state "$RG_TMP/state.json"; then
	for p in "${PAIRS[@]}"; do
		read -r cr ca pub ei er <<<"$p"
		xchg "$cr" "$ca" "$pub:7003" "$ei:7003" 2 "$er"
		check "remediate $ca -> $pub ($ei): 200 by attempt 2, E saw C's own address" \
			got200 2 "$ca"
		check "remediate $ca -> $pub: exempted as its own pair" \
			wait_ev event=exempted c="$ca" e_internal="$ei:7003"
		check "remediate $ca -> $ei: verified (its clean connection)" \
			wait_ev event=verified c="$ca" e_internal="$ei:7003"
	done
	check "remediate: the set holds exactly the four pairs" \
		test "$(elements)" = "$(want_elements)"
	check "remediate: four exemptions, one a pair (got $(count_ev event=exempted))" \
		test "$(count_ev event=exempted)" -eq 4
	check "remediate: four verified, one a pair (got $(count_ev event=verified))" \
		test "$(count_ev event=verified)" -eq 4
	check "remediate: no refusal" test "$(count_ev event=refused)" -eq 0
	check "remediate: nothing exempted twice (still 4)" test "$(count_ev event=exempted)" -eq 4
	stop_daemon
else
	not_ok "remediate: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi

# ---- Dry-run: four findings, each fix its own pair; nothing installed.
lab_exec fw nft delete table ip reflguard 2>/dev/null
lab_exec fw nft delete table ip6 reflguard 2>/dev/null
lab_exec fw conntrack -F >/dev/null 2>&1
if cluster_daemon; then
	for p in "${PAIRS[@]}"; do
		read -r cr ca pub ei er <<<"$p"
		xchg "$cr" "$ca" "$pub:7003" "$ei:7003" 1 "$er" >/dev/null
		check "dry-run $ca -> $pub: would-exempt towards $ei" \
			wait_ev event=flow c="$ca" e_public="$pub:7003" e_internal="$ei:7003" action=would-exempt
	done
	check "dry-run: each fix names its own pair and no other" python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
f=[e for e in ev if e.get("action")=="would-exempt"]
assert len(f)==4, f
for e in f:
    el=[l for l in e["fix"] if l.startswith("add element")]
    want="{ %s . %s . tcp . 7003 }" % (e["c"].split(":")[0], e["e_internal"].split(":")[0])
    assert len(el)==1 and el[0].endswith(want), (el, want)' "$EVENTS"
	check "dry-run: nothing installed" test -z "$(elements)"
	stop_daemon
else
	not_ok "dry-run: daemon starts: $(head -c 300 "$RG_TMP/daemon.err")"
fi
