#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflguard network-namespace lab: Expressway-C, a Linux firewall and a single-NIC
# Expressway-E published by static NAT, wired so the firewall hairpins C -> E's public
# address (docs/design.md, "The problem", has the addresses and the captures).
#
# CLI:      lab.sh up RULESET | down | exec ROLE CMD... | rulesets | status
#           (status exits 0 when the whole lab is up, 1 otherwise)
# Library:  . tests/lab/lab.sh   -> lab_up RULESET, lab_down, lab_exec ROLE CMD..., lab_ns ROLE
#           (sourcing only defines functions; it sets no shell options).
#
# Env: LAB_LAYOUT (default separate) wires C1 and E to the fw, for every ruleset but
#      same-segment: separate (in0, dmz: the picture below), one-bridge (both subnets on
#      one bridge br-lan, addresses 10.0.30.1 and 10.0.10.1 on it: OpenWrt's default
#      layout), vlan (a trunk eth1 to a VLAN switch, sub-interfaces eth1.30 and eth1.10),
#      vlan-bridge (a VLAN-filtering bridge br-lan, interfaces br-lan.30 and br-lan.10: an
#      OpenWrt DSA switch); the rulesets name whichever interfaces C1 and E are on.
#      LAB_CLUSTER=1 (nft-snat only) adds a second Expressway-E: e2 eth0 10.0.11.2/24
#      (fd00:11::2/64) -> fw dmz2 10.0.11.1 (fd00:11::1), published as 64.100.0.11
#      (2001:db8:64::11) and hairpinned like E.
#      LAB_PREFIX (default rg) names the namespaces ${LAB_PREFIX}-{c1,c2,fw,e,out}, so several
#      labs can coexist; LAB_RUN (default /run/reflguard-lab) holds ${LAB_RUN}/${LAB_PREFIX}/
#      with files "ruleset" (its name) and "ruleset.txt" (what was installed in fw).
#
#   c1  eth0 10.0.30.2/24  fd00:30::2/64  ->  fw in0  10.0.30.1  fd00:30::1
#   c2  eth0 10.0.31.3/24  fd00:31::3/64  ->  fw in1  10.0.31.1  fd00:31::1
#   e   eth0 10.0.10.2/24  fd00:10::2/64  ->  fw dmz  10.0.10.1  fd00:10::1
#   out eth0 64.100.0.254  2001:db8:64::254 -> fw out 64.100.0.1 (+64.100.0.10/32)
#                                                      2001:db8:64::1 (+2001:db8:64::10/128)
# same-segment: fw has bridge br0 (10.0.10.1, fd00:10::1) with ports sw-e (to E) and sw-c1
# (to C1); c1 is 10.0.10.3/24 (fd00:10::3/64) on E's segment. c2 stays on in1, so it is
# still a routed, different-segment client in that variant; the masquerade rule has no
# source match, so c2 and outside clients are masqueraded too (only c1 needs it).

_LAB_SELF=$(readlink -f "${BASH_SOURCE[0]}")
_LAB_ROLES=(c1 c2 fw e out)
# Made only when asked (LAB_CLUSTER=1), removed whenever present.
_LAB_OPT_ROLES=(e2)

# name|description; the name selects _lab_rules_<name with - as _>.
_LAB_RULESETS=(
  "nft-snat|ASA/FTD-like PAT: nft dnat 64.100.0.10->10.0.10.2, hairpin snat to 64.100.0.10 fully-random (v4+v6)"
  "iptables-legacy|iptables-legacy DNAT + MASQUERADE --random-fully: E sees 10.0.10.1:<random> (v4)"
  "iptables-nft|iptables-nft DNAT + MASQUERADE: E sees 10.0.10.1, port usually kept (v4)"
  "fw4|OpenWrt fw4 NAT reflection (reflection_src internal), tcp 7001-7010: E sees 10.0.10.1 (v4)"
  "same-segment|C1 on E's segment (bridge br0): dnat + masquerade, which here keeps the path symmetric (v4+v6)"
  "dnat-only|correct firewall: dnat only, no source translation; E sees C's real address (v4+v6)"
)

_LAB_LAYOUTS=(separate one-bridge vlan vlan-bridge)

# lab_layout_supported LAYOUT: this kernel can build it (vlan needs 8021q, vlan-bridge
# also the bridge's VLAN filtering); tried in a scratch namespace.
lab_layout_supported() {
  local ns ok=0
  ns="$(_lab_prefix)-probe"
  ip netns add "$ns" 2>/dev/null || return 1
  case ${1:-} in
    vlan) ip -n "$ns" link add d0 type dummy && ip -n "$ns" link add link d0 name d0.30 type vlan id 30 ;;
    vlan-bridge) ip -n "$ns" link add b0 type bridge vlan_filtering 1 &&
      ip -n "$ns" link add link b0 name b0.30 type vlan id 30 ;;
    *) true ;;
  esac 2>/dev/null || ok=1
  ip netns del "$ns"
  return $ok
}

_lab_prefix() { printf '%s' "${LAB_PREFIX:-rg}"; }
_lab_rundir() { printf '%s/%s' "${LAB_RUN:-/run/reflguard-lab}" "$(_lab_prefix)"; }

lab_ns() {
  case ${1:-} in
    c1|c2|fw|e|out|e2) printf '%s-%s\n' "$(_lab_prefix)" "$1" ;;
    *) echo "lab: unknown role '${1:-}' (roles: ${_LAB_ROLES[*]})" >&2; return 2 ;;
  esac
}

lab_exec() {
  local ns
  ns=$(lab_ns "${1:-}") || return
  shift
  ip netns exec "$ns" "$@"
}

# Namespaces of this prefix that exist now (exact role names, so prefix "rg" never
# matches another lab's "rg-2-c1").
_lab_existing() {
  local r ns
  for r in "${_LAB_ROLES[@]}" "${_LAB_OPT_ROLES[@]}"; do
    ns=$(lab_ns "$r")
    [[ -e /run/netns/$ns ]] && printf '%s\n' "$ns"
  done
  return 0
}

_lab_ruleset_known() {
  local e
  for e in "${_LAB_RULESETS[@]}"; do [[ ${e%%|*} == "${1:-}" ]] && return 0; done
  return 1
}

lab_up() {
  local rs=${1:-} p
  p=$(_lab_prefix)
  if ! _lab_ruleset_known "$rs"; then
    echo "lab: unknown ruleset '$rs' (see: lab.sh rulesets)" >&2
    return 2
  fi
  if [[ " ${_LAB_LAYOUTS[*]} " != *" ${LAB_LAYOUT:-separate} "* ]]; then
    echo "lab: unknown layout '${LAB_LAYOUT}' (layouts: ${_LAB_LAYOUTS[*]})" >&2
    return 2
  fi
  if [[ -n $(_lab_existing) ]]; then
    echo "lab: prefix '$p' is already in use; run lab_down (lab.sh down) first" >&2
    return 1
  fi
  # The build runs in its own bash so errexit really applies: inside `if`/`||` in this
  # shell bash would silently ignore set -e, and a half-built lab would pass for a good one.
  if [[ -n ${LAB_CLUSTER:-} && $rs != nft-snat ]]; then
    echo "lab: LAB_CLUSTER works with the nft-snat ruleset only" >&2
    return 2
  fi
  if LAB_PREFIX=$p LAB_RUN=${LAB_RUN:-/run/reflguard-lab} LAB_LAYOUT=${LAB_LAYOUT:-separate} \
    LAB_CLUSTER=${LAB_CLUSTER:-} "$BASH" "$_LAB_SELF" __build "$rs"; then
    return 0
  fi
  echo "lab: bringing up '$rs' failed; removing what was made" >&2
  lab_down
  return 1
}

lab_down() {
  local ns pid
  for ns in $(_lab_existing); do
    # Leftover stand-ins would keep the namespace (and its veths) alive after the delete.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  # The parent LAB_RUN dir stays: removing it could race with another prefix's lab_up.
  rm -rf -- "$(_lab_rundir)"
  return 0
}

# ---- build (runs in the child bash started by lab_up, under set -euo pipefail) ----

_lab_sysctl() { ip netns exec "$(lab_ns "$1")" sysctl -qw "${@:2}"; }

# Create the veth directly in its two namespaces: it never exists in the host namespace,
# so fixed short names cannot clash there or with another lab.
_lab_veth() { # FW_IFNAME ROLE  (the role's end is always eth0)
  ip -n "$(lab_ns fw)" link add "$1" type veth peer name eth0 netns "$(lab_ns "$2")"
}

_lab_host() { # ROLE V4/LEN V4GW V6/LEN V6GW
  local ns
  ns=$(lab_ns "$1")
  ip -n "$ns" addr add "$2" dev eth0
  ip -n "$ns" -6 addr add "$4" dev eth0 nodad
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$3"
  ip -n "$ns" -6 route add default via "$5"
}

_lab_fwif() { # IFNAME V4/LEN V6/LEN
  local fw
  fw=$(lab_ns fw)
  ip -n "$fw" addr add "$2" dev "$1"
  ip -n "$fw" -6 addr add "$3" dev "$1" nodad
  ip -n "$fw" link set "$1" up
}

_lab_build() {
  local rs=$1 r fw rd
  fw=$(lab_ns fw)
  rd=$(_lab_rundir)
  mkdir -p "$rd"
  if [[ -n ${LAB_CLUSTER:-} ]]; then _LAB_ROLES+=(e2); fi

  for r in "${_LAB_ROLES[@]}"; do
    ip netns add "$(lab_ns "$r")"
    ip -n "$(lab_ns "$r")" link set lo up
    # Set before any link exists: a new interface copies "default", and DAD would keep
    # the IPv6 addresses tentative (unusable) for a second or more.
    _lab_sysctl "$r" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
      net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0
  done

  _lab_sysctl fw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
    net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0
  # send_redirects=0: in same-segment the fw routes C1's packets back out the interface
  # they came in on, and Linux then sends ICMP redirects (measured). A firewall such as an
  # ASA does not, and a host that honoured one would bypass the firewall.
  if ip netns exec "$fw" test -e /proc/sys/net/bridge; then
    # br_netfilter (built into some kernels, on by default in every new namespace) would
    # pass frames bridged between C1 and E through the fw's IP hooks and conntrack; it
    # would then un-NAT E's direct replies and hide the asymmetric path. A switch does not.
    _lab_sysctl fw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
      net.bridge.bridge-nf-call-arptables=0
  fi

  if [[ $rs == same-segment ]]; then
    ip -n "$fw" link add br0 type bridge
    _lab_fwif br0 10.0.10.1/24 fd00:10::1/64
    _lab_veth sw-e e
    _lab_veth sw-c1 c1
    ip -n "$fw" link set sw-e master br0 up
    ip -n "$fw" link set sw-c1 master br0 up
    _lab_host c1 10.0.10.3/24 10.0.10.1 fd00:10::3/64 fd00:10::1
  else
    "_lab_layout_${LAB_LAYOUT//-/_}"
    _lab_host c1 10.0.30.2/24 10.0.30.1 fd00:30::2/64 fd00:30::1
  fi
  _lab_veth in1 c2
  _lab_veth out out
  _lab_fwif in1 10.0.31.1/24 fd00:31::1/64
  _lab_fwif out 64.100.0.1/24 2001:db8:64::1/64
  # E's public addresses live on the outside interface so the fw answers ARP/NDP for
  # them, as an ASA does with proxy-ARP for a static NAT.
  ip -n "$fw" addr add 64.100.0.10/32 dev out
  ip -n "$fw" -6 addr add 2001:db8:64::10/128 dev out nodad
  _lab_host c2 10.0.31.3/24 10.0.31.1 fd00:31::3/64 fd00:31::1
  _lab_host e 10.0.10.2/24 10.0.10.1 fd00:10::2/64 fd00:10::1
  _lab_host out 64.100.0.254/24 64.100.0.1 2001:db8:64::254/64 2001:db8:64::1

  if [[ -n ${LAB_CLUSTER:-} ]]; then _lab_cluster_e2; fi
  "_lab_rules_${rs//-/_}" "$rd/ruleset.txt"
  printf '%s\n' "$rs" >"$rd/ruleset"
  printf '%s\n' "$LAB_LAYOUT" >"$rd/layout"
}

# The second Expressway-E of a cluster, on a DMZ of its own, with its own public address.
_lab_cluster_e2() {
  local fw
  fw=$(lab_ns fw)
  _lab_veth dmz2 e2
  _lab_fwif dmz2 10.0.11.1/24 fd00:11::1/64
  _lab_host e2 10.0.11.2/24 10.0.11.1 fd00:11::2/64 fd00:11::1
  ip -n "$fw" addr add 64.100.0.11/32 dev out
  ip -n "$fw" -6 addr add 2001:db8:64::11/128 dev out nodad
}

# The nft-snat rules for e2, when there is one.
_lab_cluster_rules() {
  [[ -n ${LAB_CLUSTER:-} ]] || return 0
  cat <<EOF
table ip nat {
	chain pre {
		ip daddr 64.100.0.11 dnat to 10.0.11.2
	}
	chain post {
		iifname { "$_LAB_C_IF", "in1" } ip daddr 10.0.11.2 ct status dnat snat to 64.100.0.11 fully-random
	}
}
table ip6 nat {
	chain pre {
		ip6 daddr 2001:db8:64::11 dnat to fd00:11::2
	}
	chain post {
		iifname { "$_LAB_C_IF", "in1" } ip6 daddr fd00:11::2 ct status dnat snat to 2001:db8:64::11 fully-random
	}
}
EOF
}

# ---- layouts: how C1 and E reach the fw; each sets _LAB_C_IF and _LAB_E_IF ----

_LAB_C_IF=in0
_LAB_E_IF=dmz

_lab_layout_separate() {
  _lab_veth in0 c1
  _lab_veth dmz e
  _lab_fwif in0 10.0.30.1/24 fd00:30::1/64
  _lab_fwif dmz 10.0.10.1/24 fd00:10::1/64
}

_lab_layout_one_bridge() {
  local fw
  fw=$(lab_ns fw)
  ip -n "$fw" link add br-lan type bridge
  _lab_fwif br-lan 10.0.30.1/24 fd00:30::1/64
  _lab_fwif br-lan 10.0.10.1/24 fd00:10::1/64
  _lab_veth sw-c1 c1
  _lab_veth sw-e e
  ip -n "$fw" link set sw-c1 master br-lan up
  ip -n "$fw" link set sw-e master br-lan up
  _LAB_C_IF=br-lan
  _LAB_E_IF=br-lan
}

_lab_access() { # BRIDGE PORT VID: PORT an untagged member of VLAN VID only
  local fw
  fw=$(lab_ns fw)
  ip -n "$fw" link set "$2" master "$1" up
  ip netns exec "$fw" bridge vlan del dev "$2" vid 1
  ip netns exec "$fw" bridge vlan add dev "$2" vid "$3" pvid untagged
}

# The switch (a separate box in reality) is in the fw's namespace without addresses: a
# plain bridge per VLAN, each with the trunk's tagged sub-interface and an access port.
# The fw sees only its end of the trunk, eth1.
_lab_layout_vlan() {
  local fw v
  fw=$(lab_ns fw)
  ip -n "$fw" link add eth1 type veth peer name sw-trunk
  ip -n "$fw" link set sw-trunk up
  _lab_veth sw-c1 c1
  _lab_veth sw-e e
  for v in 30:sw-c1 10:sw-e; do
    ip -n "$fw" link add "sw${v%%:*}" type bridge
    ip -n "$fw" link add link sw-trunk name "sw-trunk.${v%%:*}" type vlan id "${v%%:*}"
    ip -n "$fw" link set "sw-trunk.${v%%:*}" master "sw${v%%:*}" up
    ip -n "$fw" link set "${v#*:}" master "sw${v%%:*}" up
    ip -n "$fw" link set "sw${v%%:*}" up
  done
  ip -n "$fw" link set eth1 up
  ip -n "$fw" link add link eth1 name eth1.30 type vlan id 30
  ip -n "$fw" link add link eth1 name eth1.10 type vlan id 10
  _lab_fwif eth1.30 10.0.30.1/24 fd00:30::1/64
  _lab_fwif eth1.10 10.0.10.1/24 fd00:10::1/64
  _LAB_C_IF=eth1.30
  _LAB_E_IF=eth1.10
}

_lab_layout_vlan_bridge() {
  local fw
  fw=$(lab_ns fw)
  ip -n "$fw" link add br-lan type bridge vlan_filtering 1
  ip -n "$fw" link set br-lan up
  _lab_veth sw-c1 c1
  _lab_veth sw-e e
  _lab_access br-lan sw-c1 30
  _lab_access br-lan sw-e 10
  ip netns exec "$fw" bridge vlan add dev br-lan vid 30 self
  ip netns exec "$fw" bridge vlan add dev br-lan vid 10 self
  ip -n "$fw" link add link br-lan name br-lan.30 type vlan id 30
  ip -n "$fw" link add link br-lan name br-lan.10 type vlan id 10
  _lab_fwif br-lan.30 10.0.30.1/24 fd00:30::1/64
  _lab_fwif br-lan.10 10.0.10.1/24 fd00:10::1/64
  _LAB_C_IF=br-lan.30
  _LAB_E_IF=br-lan.10
}

# ---- rulesets: each installs into the fw namespace and records what it installed ----

_lab_nft() { # FILE  (ruleset text on stdin)
  cat >"$1"
  ip netns exec "$(lab_ns fw)" nft -f "$1"
}

_lab_ipt() { # FILE BINARY ARGS...
  local f=$1
  shift
  printf '%s\n' "$*" >>"$f"
  ip netns exec "$(lab_ns fw)" "$@"
}

# iifname in a postrouting chain: ip_output()/ip6_output() hand the input device to the
# hook for forwarded packets, so it matches (measured); only C's inside interfaces hairpin.
_lab_rules_nft_snat() {
  { cat <<EOF
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 64.100.0.10 dnat to 10.0.10.2
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		iifname { "$_LAB_C_IF", "in1" } ip daddr 10.0.10.2 ct status dnat snat to 64.100.0.10 fully-random
	}
}
table ip6 nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip6 daddr 2001:db8:64::10 dnat to fd00:10::2
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		iifname { "$_LAB_C_IF", "in1" } ip6 daddr fd00:10::2 ct status dnat snat to 2001:db8:64::10 fully-random
	}
}
EOF
    _lab_cluster_rules
  } | _lab_nft "$1"
}

_lab_rules_iptables_legacy() {
  _lab_ipt "$1" iptables-legacy -t nat -A PREROUTING -d 64.100.0.10 -j DNAT --to-destination 10.0.10.2
  _lab_ipt "$1" iptables-legacy -t nat -A POSTROUTING -s 10.0.30.0/23 -d 10.0.10.2 \
    -m conntrack --ctstate DNAT -j MASQUERADE --random-fully
}

_lab_rules_iptables_nft() {
  _lab_ipt "$1" iptables-nft -t nat -A PREROUTING -d 64.100.0.10 -j DNAT --to-destination 10.0.10.2
  _lab_ipt "$1" iptables-nft -t nat -A POSTROUTING -s 10.0.30.0/23 -d 10.0.10.2 \
    -m conntrack --ctstate DNAT -j MASQUERADE
}

_lab_rules_fw4() {
  _lab_nft "$1" <<EOF
table inet fw4 {
	chain dstnat {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "$_LAB_C_IF" jump dstnat_lan
		iifname "in1" jump dstnat_lan
		iifname "out" jump dstnat_wan
	}
	chain srcnat {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$_LAB_E_IF" jump srcnat_dmz
	}
	chain dstnat_lan {
		ip saddr { 10.0.30.0/24, 10.0.31.0/24 } ip daddr 64.100.0.10 tcp dport 7001-7010 dnat ip to 10.0.10.2 comment "!fw4: mra-traversal (reflection)"
	}
	chain dstnat_wan {
		ip daddr 64.100.0.10 dnat ip to 10.0.10.2 comment "!fw4: expressway-e"
	}
	chain srcnat_dmz {
		ip saddr { 10.0.30.0/24, 10.0.31.0/24 } ip daddr 10.0.10.2 tcp dport 7001-7010 snat ip to 10.0.10.1 comment "!fw4: mra-traversal (reflection)"
	}
}
EOF
}

_lab_rules_same_segment() {
  _lab_nft "$1" <<'EOF'
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 64.100.0.10 dnat to 10.0.10.2
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "br0" ip daddr 10.0.10.2 ct status dnat masquerade
	}
}
table ip6 nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip6 daddr 2001:db8:64::10 dnat to fd00:10::2
	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "br0" ip6 daddr fd00:10::2 ct status dnat masquerade
	}
}
EOF
}

_lab_rules_dnat_only() {
  _lab_nft "$1" <<'EOF'
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 64.100.0.10 dnat to 10.0.10.2
	}
}
table ip6 nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip6 daddr 2001:db8:64::10 dnat to fd00:10::2
	}
}
EOF
}

# ---- CLI ----

_lab_status() {
  local p rd ns n=0 want=${#_LAB_ROLES[@]}
  p=$(_lab_prefix)
  rd=$(_lab_rundir)
  for ns in $(_lab_existing); do n=$((n + 1)); done
  [[ -e /run/netns/$(lab_ns e2) ]] && want=$((want + 1))
  if ((n == 0)); then
    echo "lab $p: down"
    return 1
  fi
  if ((n == $want)); then
    echo "lab $p: up, ruleset $(cat "$rd/ruleset" 2>/dev/null || echo '?') (rules: $rd/ruleset.txt)"
  else
    echo "lab $p: PARTIAL ($n of $want namespaces); run: lab.sh down"
  fi
  for ns in $(_lab_existing); do
    ip -n "$ns" -br addr show | awk -v ns="$ns" '$1 != "lo" {
      sub(/@.*/, "", $1); a = ""
      for (i = 3; i <= NF; i++) if ($i !~ /^fe80:/) a = a " " $i
      printf "  %-10s %-6s%s\n", ns, $1, a }'
  done
  ((n == $want))
}

_lab_main() {
  local cmd=${1:-}
  shift || true
  case $cmd in
    up) lab_up "$@" ;;
    down) lab_down ;;
    exec)
      local ns
      ns=$(lab_ns "${1:-}")
      shift
      exec ip netns exec "$ns" "$@"
      ;;
    rulesets)
      local e
      for e in "${_LAB_RULESETS[@]}"; do printf '%-16s %s\n' "${e%%|*}" "${e#*|}"; done
      ;;
    status) _lab_status ;;
    __build)
      # Name the step that failed; lab_up then removes what was made.
      set -E
      trap 'echo "lab: failed: $BASH_COMMAND" >&2' ERR
      _lab_build "$@"
      ;;
    *)
      echo "usage: ${0##*/} up RULESET | down | exec ROLE CMD... | rulesets | status" >&2
      return 2
      ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  _lab_main "$@"
fi
