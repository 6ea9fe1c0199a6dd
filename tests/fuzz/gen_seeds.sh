#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates the generated part of the seed corpora (one-off, as root; not
# run by any test). config/ and ctl/ seeds are written by hand.
#
#   state/, events/  what rg_state_serialize() and rg_event_json() write
#   ct/              real ctnetlink messages: the conntrack table of the lab's
#                    firewall (tests/lab, ruleset nft-snat) after C dialled E
#                    over TCP and UDP, IPv4 and IPv6
#   pkt/             the same connections' packets as the firewall sends them
#                    to E (after NAT), plus IPv4 options and IPv6 extension
#                    headers added to the SYNs
set -eu
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
export LAB_PREFIX=rgfz-$$ LAB_RUN=${TMPDIR:-/tmp}/rgfz-lab-$$
. tests/lab/lab.sh

make --no-print-directory build/fuzz/gen_seeds
mkdir -p "$C/state" "$C/events" "$C/ct" "$C/pkt"
build/fuzz/gen_seeds state "$C/state"
build/fuzz/gen_seeds events "$C/events"

trap 'lab_down >/dev/null 2>&1; rm -rf "$LAB_RUN"' EXIT
lab_up nft-snat >/dev/null
lab_exec e python3 tests/fuzz/gen_pkt.py serve 6 &
lab_exec fw python3 tests/fuzz/gen_pkt.py capture dmz "$C/pkt" 4 &
sleep 1
lab_exec c1 python3 tests/fuzz/gen_pkt.py dial 64.100.0.10 2001:db8:64::10
sleep 3
lab_exec fw build/fuzz/gen_seeds ct-dump "$C/ct"
wait
python3 tests/fuzz/gen_pkt.py variants "$C/pkt"
