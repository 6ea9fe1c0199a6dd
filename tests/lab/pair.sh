#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflguard firewall-pair lab: the lab of lab.sh with the firewall replaced by two nodes,
# A and B, run as production pairs are on Linux: keepalived (VRRPv3) moves the gateways
# and the public address, conntrackd (FT-FW over a dedicated sync link) replicates
# conntrack, and both nodes load the same hairpin ruleset (lab.sh's nft-snat).
#
# Library:  . tests/lab/lab.sh; . tests/lab/pair.sh
#           pair_up DIR  | pair_down | pair_ns a|b | pair_exec a|b CMD...
#           pair_master a|b (holds the three addresses) | pair_wait_master a|b
#           pair_keepalived_stop a|b | pair_keepalived_start a|b
#           pair_links a|b up|down | pair_sync up|down
#           pair_missing (prints what is missing; 1 when nothing is)
# C, E and the outside host are lab.sh's (lab_exec c1|e|out, LAB_PREFIX); the nodes are
# ${LAB_PREFIX}a-fw and ${LAB_PREFIX}b-fw, the switch ${LAB_PREFIX}-sw. DIR holds every
# runtime file of the daemons, per node in DIR/a and DIR/b: configuration (from the
# templates in tests/lab/pair/), pid files, conntrackd's socket, lock and log,
# keepalived's notify script and its log (notify.log: one line per transition).
#
#   c1  eth0 10.0.30.2/24   -- br-in  --  a:in0 10.0.30.252  b:in0 10.0.30.253  (VIP 10.0.30.1)
#   e   eth0 10.0.10.2/24   -- br-dmz --  a:dmz 10.0.10.252  b:dmz 10.0.10.253  (VIP 10.0.10.1)
#   out eth0 64.100.0.254   -- br-out --  a:out 64.100.0.252 b:out 64.100.0.253 (VIP 64.100.0.10)
#   a:sync 192.168.100.1/30 -- b:sync 192.168.100.2/30  (conntrackd)
# The bridges live in the switch namespace. IPv4 only: the VIPs are IPv4.

_PAIR_TPL=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/pair
_PAIR_DIR=
declare -A _PAIR_PRIO=([a]=150 [b]=100) _PAIR_SYNC=([a]=192.168.100.1 [b]=192.168.100.2)
declare -A _PAIR_HOST=([a]=252 [b]=253)

pair_ns() {
	case ${1:-} in
	a | b) printf '%s%s-fw\n' "${LAB_PREFIX:-rg}" "$1" ;;
	sw) printf '%s-sw\n' "${LAB_PREFIX:-rg}" ;;
	*) echo "pair: unknown node '${1:-}' (a or b)" >&2; return 2 ;;
	esac
}

pair_exec() {
	local ns
	ns=$(pair_ns "${1:-}") || return
	shift
	ip netns exec "$ns" "$@"
}

# pair_missing: the tools the pair needs that this machine lacks, one a line.
pair_missing() {
	local t miss=1
	for t in keepalived conntrackd; do
		t=$(_pair_bin "$t")
		# A regular executable file (command -v alone also names what root
		# merely may run, a device node put in its place included).
		if [[ ! -f $t || ! -x $t ]]; then
			t=${t##*/}
			echo "$t"
			miss=0
		fi
	done
	return $miss
}

# pair_require: without the pair's tools, the test's skip line and its end.
pair_require() {
	local miss
	miss=$(pair_missing) || return 0
	skip "firewall pair: $(echo $miss) not installed (make deps-test)"
	exit 0
}

# pair_in_set NODE ELEMENT: NODE's exempt4 set holds ELEMENT.
pair_in_set() { pair_exec "$1" nft list set ip reflguard exempt4 2>/dev/null | grep -qF "$2"; }
# pair_ev NODE KEY=VALUE...: ev_has over NODE's events file.
pair_ev() { EVENTS=$_PAIR_DIR/$1/events.json ev_has "${@:2}"; }

# pair_stream_start PORT E_TIMEOUT C_TIMEOUT: one TCP connection from C
# (10.0.30.2:PORT) to E through the hairpin, carrying lines both ways until
# $RG_TMP/stop exists; E's side reports in $RG_TMP/se.json, C's in
# sc.json; their pids in EPID and SPID.
pair_stream_start() {
	rm -f "$RG_TMP/stop" "$RG_TMP/ready" "$RG_TMP/se.json" "$RG_TMP/sc.json"
	lab_exec e python3 "$RG_TOP/tests/lab/pair_stream.py" e --ready-file "$RG_TMP/ready" \
		--timeout "$2" >"$RG_TMP/se.json" 2>&1 &
	EPID=$!
	wait_for test -e "$RG_TMP/ready"
	lab_exec c1 python3 "$RG_TOP/tests/lab/pair_stream.py" c --bind "10.0.30.2:$1" \
		--stop-file "$RG_TMP/stop" --timeout "$3" >"$RG_TMP/sc.json" 2>&1 &
	SPID=$!
}

_pair_bin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

# _pair_fill TEMPLATE OUT NODE: a template with this node's values.
_pair_fill() {
	local n=$3 peer=a
	[[ $n == a ]] && peer=b
	sed -e "s|@NODE@|$n|g" -e "s|@PRIO@|${_PAIR_PRIO[$n]}|g" -e "s|@RUN@|$_PAIR_DIR/$n|g" \
		-e "s|@SELF@|${_PAIR_SYNC[$n]}|g" -e "s|@PEER@|${_PAIR_SYNC[$peer]}|g" \
		"$_PAIR_TPL/$1" >"$2"
}

_pair_link() { # NODE IF ADDR/LEN BRIDGE
	local ns sw
	ns=$(pair_ns "$1")
	sw=$(pair_ns sw)
	ip -n "$ns" link add "$2" type veth peer name "$1-$2" netns "$sw"
	ip -n "$sw" link set "$1-$2" master "$4" up
	ip -n "$ns" addr add "$3" dev "$2"
	ip -n "$ns" link set "$2" up
}

_pair_host() { # ROLE ADDR/LEN GW BRIDGE
	local ns sw
	ns=$(lab_ns "$1")
	sw=$(pair_ns sw)
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$sw" link add "$1" type veth peer name eth0 netns "$ns"
	ip -n "$sw" link set "$1" master "$4" up
	ip -n "$ns" addr add "$2" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add default via "$3"
}

_pair_node() { # NODE
	local n=$1 ns h=${_PAIR_HOST[$1]}
	ns=$(pair_ns "$n")
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.default.send_redirects=0
	_pair_link "$n" in0 "10.0.30.$h/24" br-in
	_pair_link "$n" dmz "10.0.10.$h/24" br-dmz
	_pair_link "$n" out "64.100.0.$h/24" br-out
	# conntrackd's documentation: an entry committed from the other node carries no
	# TCP window, so window tracking would call the next segments invalid.
	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1
	# Per-entry packet counters: the tests see which node carries a connection.
	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_acct=1
	# The same ruleset as the single firewall; lab.sh writes it into "${LAB_PREFIX}-fw",
	# which for the prefix ${LAB_PREFIX}$n is this node.
	LAB_PREFIX=${LAB_PREFIX:-rg}$n _lab_rules_nft_snat "$_PAIR_DIR/$n/ruleset.txt"
}

_pair_build() {
	local sw n br
	sw=$(pair_ns sw)
	ip netns add "$sw"
	for br in br-in br-dmz br-out; do
		# A switch: no STP delay, no snooping of VRRP's multicast.
		ip -n "$sw" link add "$br" type bridge stp_state 0 mcast_snooping 0
		ip -n "$sw" link set "$br" up
	done
	if ip netns exec "$sw" test -e /proc/sys/net/bridge; then
		ip netns exec "$sw" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0
	fi
	for n in a b; do
		mkdir -p "$_PAIR_DIR/$n"
		_pair_node "$n"
	done
	ip -n "$(pair_ns a)" link add sync type veth peer name sync netns "$(pair_ns b)"
	for n in a b; do
		ip -n "$(pair_ns "$n")" addr add "${_PAIR_SYNC[$n]}/30" dev sync
		ip -n "$(pair_ns "$n")" link set sync up
	done
	_pair_host c1 10.0.30.2/24 10.0.30.1 br-in
	_pair_host e 10.0.10.2/24 10.0.10.1 br-dmz
	_pair_host out 64.100.0.254/24 64.100.0.10 br-out
	for n in a b; do
		_pair_fill conntrackd.conf "$_PAIR_DIR/$n/conntrackd.conf" "$n"
		_pair_fill keepalived.conf "$_PAIR_DIR/$n/keepalived.conf" "$n"
		_pair_fill primary-backup.sh "$_PAIR_DIR/$n/primary-backup.sh" "$n"
		chmod 0755 "$_PAIR_DIR/$n/primary-backup.sh"
		_pair_conntrackd "$n"
	done
	pair_keepalived_start a
	pair_wait_master a
	pair_keepalived_start b
	_pair_wait_notify b backup
}

# conntrackd in the foreground of its namespace, its pid in DIR/NODE/conntrackd.pid;
# ready once its socket answers.
_pair_conntrackd() {
	local d=$_PAIR_DIR/$1
	rm -f "$d/conntrackd.lock" "$d/conntrackd.ctl"
	# ip netns exec execs the daemon: $! is the daemon itself (a backgrounded shell
	# function would be a subshell, and killing it would orphan the daemon).
	ip netns exec "$(pair_ns "$1")" "$(_pair_bin conntrackd)" -C "$d/conntrackd.conf" </dev/null \
		>>"$d/conntrackd.out" 2>&1 &
	echo $! >"$d/conntrackd.pid"
	for _ in $(seq 100); do
		pair_exec "$1" "$(_pair_bin conntrackd)" -C "$d/conntrackd.conf" -s >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "pair: conntrackd on node $1 did not start: $(tail -3 "$d/conntrackd.log" 2>/dev/null)" >&2
	return 1
}

pair_keepalived_start() {
	local d=$_PAIR_DIR/$1
	ip netns exec "$(pair_ns "$1")" "$(_pair_bin keepalived)" --vrrp --dont-fork --log-console --log-detail --no-syslog \
		-f "$d/keepalived.conf" -p "$d/keepalived.pid" -r "$d/vrrp.pid" -c "$d/checkers.pid" \
		</dev/null >>"$d/keepalived.out" 2>&1 &
	echo $! >"$d/keepalived.main"
}

# Stopped cleanly: keepalived drops its addresses and sends a priority-0 advert, so the
# other node takes over at once.
pair_keepalived_stop() {
	local d=$_PAIR_DIR/$1 pid
	pid=$(cat "$d/keepalived.main" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	rm -f "$d/keepalived.main"
}

# pair_links NODE up|down: the node's three segment links (not the sync link), as a
# node whose cables are pulled: no adverts, no traffic.
pair_links() {
	local i
	for i in in0 dmz out; do pair_exec "$1" ip link set "$i" "$2"; done
}

pair_sync() {
	pair_exec a ip link set sync "$1"
	pair_exec b ip link set sync "$1"
}

# pair_master NODE: the node holds all three virtual addresses.
pair_master() {
	local a
	a=$(pair_exec "$1" ip -4 -o addr show 2>/dev/null)
	[[ $a == *" 10.0.30.1/24"* && $a == *" 10.0.10.1/24"* && $a == *" 64.100.0.10/24"* ]]
}

# pair_holds_none NODE: the node holds none of them.
pair_holds_none() {
	local a
	a=$(pair_exec "$1" ip -4 -o addr show 2>/dev/null)
	[[ $a != *" 10.0.30.1/24"* && $a != *" 10.0.10.1/24"* && $a != *" 64.100.0.10/24"* ]]
}

# _pair_wait_notify NODE WHAT: NODE's notify script has finished WHAT (primary, backup,
# fault) more often than DIR/NODE/seen.WHAT records, within 10 s.
_pair_wait_notify() {
	local f=$_PAIR_DIR/$1/notify.log seen
	seen=$(cat "$_PAIR_DIR/$1/seen.$2" 2>/dev/null || echo 0)
	for _ in $(seq 200); do
		if (($(cat "$f" 2>/dev/null | grep -c " $2 done") > seen)); then
			echo $((seen + 1)) >"$_PAIR_DIR/$1/seen.$2"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# pair_wait_master NODE: NODE has become master (addresses and notify script done).
pair_wait_master() {
	_pair_wait_notify "$1" primary && pair_master "$1"
}

# pair_notify_seen NODE WHAT: make the next _pair_wait_notify wait for a new line.
pair_notify_seen() {
	grep -c " $2 done" "$_PAIR_DIR/$1/notify.log" 2>/dev/null >"$_PAIR_DIR/$1/seen.$2" || true
}

# pair_rg_start NODE ARGS...: `reflguard run` in the node with tests/lab/pair/reflguard.conf,
# its state, events and control socket in DIR/NODE; waits for its observation chain
# (1 if it dies first). Needs REFLGUARD (lib.sh).
pair_rg_start() {
	local n=$1 d=$_PAIR_DIR/$1 pid
	shift
	ip netns exec "$(pair_ns "$n")" "$REFLGUARD" run -c "$_PAIR_TPL/reflguard.conf" --state "$d/state.json" \
		--events "$d/events.json" --control "$d/ctl.sock" --repeat-interval 0 "$@" \
		2>>"$d/reflguard.err" &
	pid=$!
	echo "$pid" >"$d/reflguard.pid"
	for _ in $(seq 100); do
		pair_exec "$n" nft list chain ip reflguard observe >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# pair_rg_stop NODE: SIGTERM, and reflguard's exit status.
pair_rg_stop() {
	local pid rc
	pid=$(cat "$_PAIR_DIR/$1/reflguard.pid" 2>/dev/null) || return 0
	rm -f "$_PAIR_DIR/$1/reflguard.pid"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	return $rc
}

# pair_vrrp_cut on|off: the switch drops VRRP between the nodes (each then believes
# the other dead: both masters, the split brain of a broken heartbeat path).
pair_vrrp_cut() {
	local sw
	sw=$(pair_ns sw)
	ip netns exec "$sw" nft delete table bridge pairlab 2>/dev/null
	[[ $1 == on ]] || return 0
	ip netns exec "$sw" nft -f - <<'NFT'
table bridge pairlab {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip protocol vrrp iifname { "a-in0", "a-dmz", "a-out", "b-in0", "b-dmz", "b-out" } drop
	}
}
NFT
}

# pair_mac NODE IF: the MAC address of a node's interface.
pair_mac() { pair_exec "$1" cat "/sys/class/net/$2/address"; }

pair_up() {
	_PAIR_DIR=$1
	mkdir -p "$_PAIR_DIR"
	if pair_missing >/dev/null; then
		echo "pair: missing: $(pair_missing | tr '\n' ' ')" >&2
		return 1
	fi
	# In a subshell of its own with errexit, outside any condition (where bash would
	# ignore errexit): a half-built pair must not pass for a good one.
	local rc
	(
		set -e
		_pair_build
	)
	rc=$?
	((rc == 0)) && return 0
	echo "pair: bringing up the pair failed; removing what was made" >&2
	pair_down
	return 1
}

pair_down() {
	local n f pid ns
	[[ -n $_PAIR_DIR ]] || return 0
	for n in a b; do
		for f in reflguard.pid keepalived.main conntrackd.pid; do
			pid=$(cat "$_PAIR_DIR/$n/$f" 2>/dev/null) || continue
			kill -TERM "$pid" 2>/dev/null
		done
	done
	for n in a b; do
		for f in reflguard.pid keepalived.main conntrackd.pid; do
			pid=$(cat "$_PAIR_DIR/$n/$f" 2>/dev/null) || continue
			for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
			kill -KILL "$pid" 2>/dev/null
			rm -f "$_PAIR_DIR/$n/$f"
		done
	done
	for ns in "$(pair_ns a)" "$(pair_ns b)" "$(pair_ns sw)"; do
		[[ -e /run/netns/$ns ]] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	lab_down >/dev/null 2>&1
	return 0
}
