#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A clean Debian root for the package test (tests/integration/test_deb.sh),
# cached as a tarball so only the first run pays for debootstrap:
#
#   tests/deb/root.sh             print the tarball's path, building it if absent
#   tests/deb/root.sh --source    print "MIRROR SUITE", what it would use
#
# The root is "debootstrap --variant=minbase SUITE", from the mirror and suite
# apt itself uses here (the first "deb" entry of /etc/apt/sources.list or
# sources.list.d/*.list, *.sources whose suite is a release, not -updates or
# -security), so it needs no network but the one apt already has.
# Environment: RG_DEB_CACHE (the folder, default build/deb-root/).
set -u
cd "$(dirname "$0")/../.."
CACHE=${RG_DEB_CACHE:-$PWD/build/deb-root}

die() { echo "tests/deb/root.sh: $*" >&2; exit 1; }

# "URI SUITE" per deb line of the one-line format.
from_list() {
	sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+).*/\2 \3/p' "$@"
}

# "URI SUITE" per URI and suite of each deb822 stanza with Types: deb.
from_sources() {
	awk 'function flush() { if (deb) for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
			deb = 0; nu = 0; ns = 0 }
		/^[[:space:]]*#/ { next }
		/^[[:space:]]*$/ { flush(); next }
		tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[++nu] = $i }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) s[++ns] = $i }
		END { flush() }' "$@"
}

apt_source() {
	local lists=() sources=() f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && lists+=("$f")
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && sources+=("$f")
	done
	{
		[ ${#lists[@]} -eq 0 ] || from_list "${lists[@]}"
		[ ${#sources[@]} -eq 0 ] || from_sources "${sources[@]}"
	} | awk '$1 ~ /^https?:/ && $2 !~ /-/ { print; exit }'
}

src=$(apt_source)
[ -n "$src" ] || die "no 'deb' release source in /etc/apt/sources.list(.d)"
[ "${1:-}" = --source ] && { echo "$src"; exit 0; }
set -- $src
MIRROR=$1 SUITE=$2
TAR=$CACHE/$SUITE-minbase-$(dpkg --print-architecture).tar.gz

if [ ! -s "$TAR" ]; then
	command -v debootstrap >/dev/null || die "debootstrap not installed"
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/root.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	start=$(date +%s)
	echo "tests/deb/root.sh: debootstrap --variant=minbase $SUITE from $MIRROR (once; cached as $TAR)" >&2
	debootstrap --variant=minbase "$SUITE" "$tmp/root" "$MIRROR" >"$tmp/log" 2>&1 ||
		{ tail -n 20 "$tmp/log" >&2; die "debootstrap failed"; }
	# The package lists, so apt-get inside the root resolves Depends; no
	# translations, no downloaded packages, no caches apt rebuilds anyway.
	chroot "$tmp/root" apt-get -o Acquire::Languages=none update -qq >>"$tmp/log" 2>&1 ||
		{ tail -n 20 "$tmp/log" >&2; die "apt-get update in the root failed"; }
	chroot "$tmp/root" apt-get clean
	tar -C "$tmp/root" --numeric-owner -czf "$tmp/root.tar.gz" . &&
		mv "$tmp/root.tar.gz" "$TAR" || die "cannot write $TAR"
	rm -rf "$tmp"
	echo "tests/deb/root.sh: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$TAR"
