#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Reproduce the MRA NAT-reflection fault end to end: Expressway-C dials Expressway-E's public
# static-NAT address, the firewall hairpins it, and (with a source-translating ruleset) E sees
# the wrong peer, routes its SIP SERVICE there and gets 408 from C.
#
# usage: demo.sh [RULESET]   (default nft-snat; see lab.sh rulesets)
# Exit 0 if the fault was reproduced, 1 if not (e.g. dnat-only), 2 on usage/lab errors.
# Runs in its own lab (LAB_PREFIX, default rgdemo) and removes it on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LAB_PREFIX=${LAB_PREFIX:-rgdemo}
# shellcheck source=lab.sh
. "$here/lab.sh"

rs=${1:-nft-snat}
e_pid=
owned=0

cleanup() {
  [[ -n $e_pid ]] && kill "$e_pid" 2>/dev/null
  [[ -n ${rg_pid:-} ]] && kill "$rg_pid" 2>/dev/null
  ((owned)) && lab_down
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Only tear down a lab this run created, never someone else's with the same prefix.
for role in c1 c2 fw e out; do
  if [[ -e /run/netns/$(lab_ns "$role") ]]; then
    echo "demo: lab '$LAB_PREFIX' already exists; use another LAB_PREFIX or: LAB_PREFIX=$LAB_PREFIX $here/lab.sh down" >&2
    exit 2
  fi
done
owned=1
lab_up "$rs" || exit 2
run=${LAB_RUN:-/run/reflguard-lab}/$LAB_PREFIX

field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline()).get(sys.argv[1]) or "")' "$1"; }

c_ip=$(lab_exec c1 ip -4 -o addr show dev eth0 | awk '{sub(/\/.*/, "", $4); print $4}')
c_local="$c_ip:27901"

echo "== Lab '$LAB_PREFIX', firewall ruleset: $rs"
"$here/lab.sh" rulesets | awk -v rs="$rs" '$1 == rs { $1 = ""; print "  " substr($0, 2) }'
echo "  Expressway-C $c_ip -> firewall -> Expressway-E 10.0.10.2 (public static NAT 64.100.0.10)"
echo

# E must be listening before C dials; the ready file says so without a blind sleep.
lab_exec e python3 "$here/e_standin.py" --listen 10.0.10.2:7003 --timeout 8 \
  --ready-file "$run/e.ready" >"$run/e.json" &
e_pid=$!
for _ in $(seq 100); do
  [[ -e $run/e.ready ]] && break
  kill -0 "$e_pid" 2>/dev/null || break
  sleep 0.05
done
[[ -e $run/e.ready ]] || { echo "demo: Expressway-E stand-in did not start" >&2; exit 2; }

# reflguard, in dry-run, watches from the firewall while C dials.
reflguard=${REFLGUARD:-$here/../../build/reflguard}
rg_pid=
if [[ -x $reflguard ]]; then
  echo "== reflguard run --mode dry-run --expressway-e 64.100.0.10 (on the firewall)"
  ip netns exec "$(lab_ns fw)" "$reflguard" run --mode dry-run --expressway-e 64.100.0.10 \
    --events "$run/events.json" --control "$run/control.sock" 2>"$run/reflguard.log" &
  rg_pid=$!
  for _ in $(seq 100); do
    lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1 && break
    sleep 0.05
  done
  sed 's/^/  /' "$run/reflguard.log"
  echo
fi

echo "== Expressway-C opens its traversal connection: $c_local -> 64.100.0.10:7003"
c_rc=0
lab_exec c1 python3 "$here/c_standin.py" --connect 64.100.0.10:7003 --bind "$c_local" \
  >"$run/c.json" || c_rc=$?
wait "$e_pid" || true
e_pid=

echo "What C saw (its own end, E's Route header, what it did):"
sed 's/^/  /' "$run/c.json"
echo "What E saw (the peer address of the accepted connection, which it puts in Route):"
sed 's/^/  /' "$run/e.json"
echo

if ((c_rc == 3)); then
  echo "== Result: the traversal connection itself failed ($(field error <"$run/c.json"))."
  echo "   With C and E on one segment and no source translation, E answers C directly and"
  echo "   C drops replies that do not come from 64.100.0.10."
  exit 1
fi

e_peer=$(field peer <"$run/e.json")
route=$(field route <"$run/c.json")
dial=$(field dial <"$run/c.json")
answer=$(field answer <"$run/c.json")
fault=0
echo "== Result"
if [[ $e_peer != "$c_local" && $answer == 408 ]]; then
  fault=1
  echo "  E saw its peer as $e_peer, but C is $c_local."
  echo "  Route points at $route, not at C ($c_local) -> C dialled it ($dial) and answered 408."
  [[ $dial == refused ]] && echo "  (refused = the SYN got a TCP RST, as in the vendor note's capture)"
  echo "  FAULT REPRODUCED: the firewall translated the source of C's connection."
  if [[ $rs == same-segment ]]; then
    echo "  Here C ($c_ip) shares E's segment: this translation is what sends E's replies back"
    echo "  through the firewall, so removing it would break the connection. Fix the design"
    echo "  instead (C on another segment, or a dual-NIC Expressway-E)."
  fi
else
  echo "  E saw its peer as $e_peer = C's own address; Route points back at C -> C answered $answer."
  echo "  No fault: the firewall left the source alone."
fi
echo

echo "== Firewall conntrack entry (in the fw namespace: conntrack -L -p tcp --orig-port-dst 7003)"
ct=$(lab_exec fw conntrack -L -p tcp --orig-port-dst 7003 2>/dev/null | grep "sport=${c_local##*:} " | head -n1 || true)
if [[ -z $ct ]]; then
  echo "  (no entry found)"
else
  echo "  $ct"
  # The first src/dst/sport/dport are the original tuple, the second the reply tuple.
  read -r osrc odst osport odport rsrc rdst rsport rdport < <(awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] in seen) k = kv[1] "2"; else { k = kv[1]; seen[k] = 1 }; v[k] = kv[2] }
    print v["src"], v["dst"], v["sport"], v["dport"], v["src2"], v["dst2"], v["sport2"], v["dport2"] }' <<<"$ct")
  echo "  original tuple (what C sent):    $osrc:$osport -> $odst:$odport"
  echo "  reply tuple (what E answers to): $rsrc:$rsport -> $rdst:$rdport"
  if [[ "$rdst:$rdport" != "$osrc:$osport" ]]; then
    echo "  reply dst $rdst:$rdport != orig src $osrc:$osport -> the source was translated."
  else
    echo "  reply dst = orig src -> only the destination was translated (correct hairpin)."
  fi
  echo "  (state CLOSE: the stand-ins have already hung up; the entry lingers about 10 s.)"
fi

if [[ -n $rg_pid ]]; then
  echo
  echo "== What reflguard (dry-run) found: the event it wrote"
  for _ in $(seq 60); do [[ -s $run/events.json ]] && break; sleep 0.05; done
  sed 's/^/  /' "$run/events.json"
  echo "   and the line it logged:"
  grep 'translated hairpin' "$run/reflguard.log" | sed 's/^/  /'
  echo "== reflguard status"
  "$reflguard" status --control "$run/control.sock" | sed 's/^/  /'
  kill -TERM "$rg_pid"
  wait "$rg_pid" && echo "  (stopped with SIGTERM: exit 0; its table is gone, nothing was changed)"
  rg_pid=
  echo
  echo "== reflguard report $run/events.json"
  "$reflguard" report "$run/events.json" | sed 's/^/  /' || true
fi

# Remediation: the same C dials again with reflguard in remediate mode.
remediate_demo() {
  local st=$run/state.json ev=$run/remediate.json log=$run/remediate.log
  echo
  echo "== reflguard run --mode remediate --expressway-e 64.100.0.10 (on the firewall)"
  ip netns exec "$(lab_ns fw)" "$reflguard" run --mode remediate --expressway-e 64.100.0.10 \
    --events "$ev" --state "$st" --control "$run/control.sock" 2>"$log" &
  rg_pid=$!
  for _ in $(seq 100); do
    lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1 && break
    sleep 0.05
  done
  lab_exec e python3 "$here/e_standin.py" --listen 10.0.10.2:7003 --count 3 --timeout 8 \
    --ready-file "$run/e2.ready" >"$run/e2.json" &
  e_pid=$!
  for _ in $(seq 100); do [[ -e $run/e2.ready ]] && break; sleep 0.05; done
  echo "== Expressway-C dials again from $c_local (up to 3 attempts, as Expressway-C retries):"
  lab_exec c1 python3 "$here/c_standin.py" --connect 64.100.0.10:7003 --bind "$c_local" \
    --attempts 3 >"$run/c2.json" || true
  # E would wait for a third connection that a fixed C never makes.
  kill $(ip netns pids "$(lab_ns e)") 2>/dev/null; wait "$e_pid" 2>/dev/null || true
  e_pid=
  sed 's/^/  C: /' "$run/c2.json"
  sed 's/^/  E: /' "$run/e2.json"
  for _ in $(seq 60); do grep -q '"verified"' "$ev" 2>/dev/null && break; sleep 0.05; done
  echo "== What reflguard did (its log; the connection of the first part was still in"
  echo "   conntrack, so its start-up scan found it, exempted the pair and reset it):"
  grep -v '^reflguard: remediate mode' "$log" | sed 's/^/  /'
  echo "== The exemption, in reflguard's own table (nft list set ip reflguard exempt4):"
  lab_exec fw nft list set ip reflguard exempt4 2>/dev/null | sed 's/^/  /'
  kill -TERM "$rg_pid"; wait "$rg_pid" || true; rg_pid=
  echo "  (daemon stopped with SIGTERM: the exemption stays in force without it)"
  echo "== reflguard teardown --purge: everything reflguard installed is removed"
  lab_exec fw "$reflguard" teardown --purge --state "$st" --control "$run/control.sock" | sed 's/^/  /'
  lab_exec e python3 "$here/e_standin.py" --listen 10.0.10.2:7003 --timeout 8 \
    --ready-file "$run/e3.ready" >/dev/null &
  e_pid=$!
  for _ in $(seq 100); do [[ -e $run/e3.ready ]] && break; sleep 0.05; done
  lab_exec c1 python3 "$here/c_standin.py" --connect 64.100.0.10:7003 --bind "$c_local" \
    >"$run/c3.json" || true
  wait "$e_pid" || true
  e_pid=
  echo "  after teardown, C gets $(field answer <"$run/c3.json") again (Route $(field route <"$run/c3.json"))"
}

if [[ -n $reflguard && -x $reflguard ]] && ((fault)) && [[ $rs != same-segment ]]; then
  remediate_demo
fi

((fault)) && exit 0 || exit 1
