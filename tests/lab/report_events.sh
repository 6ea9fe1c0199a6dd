#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real events for `reflguard report --html`: the remediating daemon on the lab's firewall
# (nft-snat, --max-exemptions 1) while Expressway-C1 connects until it gets 200 (a
# translated flow, its exemption, a verified clean flow) and Expressway-C2 connects once
# (translated too, refused: limit). The events file is copied to EVENTS_FILE.
#
# usage: report_events.sh EVENTS_FILE   (as root; REFLGUARD names the binary)
# Exit 0 with the file written, 2 on usage or lab errors (the message says which).
# Runs in its own lab (LAB_PREFIX, default rgreport) and removes it on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export LAB_PREFIX=${LAB_PREFIX:-rgreport}
# shellcheck source=lab.sh
. "$here/lab.sh"

out=${1:-}
[[ -n $out && $# -eq 1 ]] || { echo "usage: report_events.sh EVENTS_FILE" >&2; exit 2; }
reflguard=${REFLGUARD:-$here/../../build/reflguard}
[[ -x $reflguard ]] || { echo "report_events: no reflguard binary at $reflguard (make first)" >&2; exit 2; }

tmp=$(mktemp -d)
rg_pid=
owned=0
cleanup() {
  [[ -n $rg_pid ]] && kill "$rg_pid" 2>/dev/null && wait "$rg_pid" 2>/dev/null
  ((owned)) && lab_down >/dev/null 2>&1
  rm -rf "$tmp"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "report_events: $*" >&2; exit 2; }

for role in c1 c2 fw e out; do
  if [[ -e /run/netns/$(lab_ns "$role") ]]; then
    fail "lab '$LAB_PREFIX' already exists; use another LAB_PREFIX"
  fi
done
owned=1
lab_up nft-snat >/dev/null || fail "cannot bring the lab up"

events=$tmp/events.json
ip netns exec "$(lab_ns fw)" "$reflguard" run --mode remediate --expressway-e 64.100.0.10 \
  --max-exemptions 1 --state "$tmp/state.json" --events "$events" \
  --control "$tmp/control.sock" 2>"$tmp/daemon.err" &
rg_pid=$!
for _ in $(seq 100); do
  lab_exec fw nft list chain ip reflguard observe >/dev/null 2>&1 && break
  kill -0 "$rg_pid" 2>/dev/null || fail "the daemon died: $(head -c 300 "$tmp/daemon.err")"
  sleep 0.05
done

# connect ROLE BIND ATTEMPTS: C's attempts until a 200, E serving as many.
connect() {
  local e_pid
  rm -f "$tmp/e.ready"
  ip netns exec "$(lab_ns e)" python3 "$here/e_standin.py" --listen 10.0.10.2:7003 \
    --count "$3" --timeout 8 --ready-file "$tmp/e.ready" >/dev/null 2>&1 &
  e_pid=$!
  for _ in $(seq 100); do
    [[ -e $tmp/e.ready ]] && break
    sleep 0.05
  done
  lab_exec "$1" python3 "$here/c_standin.py" --bind "$2" --connect 64.100.0.10:7003 \
    --attempts "$3" >/dev/null 2>&1 || true
  kill "$e_pid" 2>/dev/null || true
  wait "$e_pid" 2>/dev/null || true
}

# has TYPE: the events file holds such an event yet.
has() { grep -q "\"event\":\"$1\"" "$events" 2>/dev/null; }

connect c1 10.0.30.2:27901 3
for _ in $(seq 50); do has verified && break; sleep 0.1; done
has verified || fail "no verified event for C1: $(cat "$events" 2>/dev/null | head -c 600)"
connect c2 10.0.31.3:27902 1
for _ in $(seq 50); do has refused && break; sleep 0.1; done
has refused || fail "no refused event for C2"

kill "$rg_pid" && wait "$rg_pid" || true
rg_pid=
cp "$events" "$out"
