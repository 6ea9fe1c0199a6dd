#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: "make deb" builds it, lintian finds no error and no
# warning, and in a clean Debian root (debootstrap --variant=minbase, cached
# as a tarball by tests/deb/root.sh; the test works on a copy) "apt-get
# install ./reflguard_*.deb" resolves its Depends from the archive, creates
# the reflguard user, installs the conffile, unit, man pages, completion and
# logrotate file; reflguard --version, doctor and check-config run there;
# the unconfigured service stops at once with exit 2, which the unit does not
# restart; "dpkg --purge" leaves none of the package's files behind.
. "$(dirname "$0")/lib.sh"

VERSION=$(sed -n 's/^VERSION := //p' "$RG_TOP/Makefile")
ARCH=$(dpkg --print-architecture 2>/dev/null)
DEB=$RG_TOP/build/reflguard_${VERSION}_$ARCH.deb
ROOT=$RG_TMP/root

if [ -n "${RG_VM:-}" ]; then
	skip "deb: the package is built and installed on the host, not in the stock-kernel VM"
	exit 0
fi
missing=
for tool in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian debootstrap:debootstrap; do
	command -v "${tool%%:*}" >/dev/null || missing+=" ${tool#*:}"
done
if [ -n "$missing" ]; then
	skip "deb: not installed:$missing (make deps-test)"
	exit 0
fi

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C "$@"; }
# The files of the root, less what apt and dpkg keep about themselves.
root_files() {
	(cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
		-o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		-o -path ./var/log/apt -o -path ./var/log/dpkg.log -o -path ./var/log/alternatives.log \
		-o -path ./var/lib/systemd/deb-systemd-helper-enabled \) -prune -o -print) |
		sed 's|^\.||' | sort
}
cleanup_root() { umount "$ROOT/proc" 2>/dev/null; rm -rf "$ROOT"; }
trap 'cleanup_root; rg_cleanup' EXIT

# --- the version, the build, lintian ------------------------------------

check "debian/changelog's version is the Makefile's ($VERSION)" \
	make -C "$RG_TOP" --no-print-directory -s check-version
make -C "$RG_TOP" --no-print-directory -s check-version VERSION=9.9.9 >/dev/null 2>"$RG_TMP/ver.err"
check "check-version fails when they differ, naming both" \
	grep -q "debian/changelog is at '$VERSION', the Makefile's VERSION at 9.9.9" "$RG_TMP/ver.err"

rm -f "$DEB"
start=$(date +%s)
make -C "$RG_TOP" --no-print-directory deb >"$RG_TMP/deb.out" 2>&1
rc=$?
check "make deb: exit 0, $(basename "$DEB") written ($(( $(date +%s) - start )) s)" \
	test "$rc" -eq 0 -a -s "$DEB"
[ "$rc" -eq 0 ] || { sed 's/^/  /' "$RG_TMP/deb.out" | tail -n 30; exit 0; }
check "make deb: the build used dpkg-buildflags' CPPFLAGS and LDFLAGS (fortify, relro, now)" \
	bash -c 'grep -q -- "-D_FORTIFY_SOURCE=2 .*-c -o build/obj/guard/main.o" "$0" &&
		grep -q -- "-Wl,-z,relro -Wl,-z,now -o build/reflguard " "$0"' "$RG_TOP/build/deb/build.log"

dpkg-deb -f "$DEB" Depends >"$RG_TMP/depends"
check "Depends: the shared libraries and adduser ($(cat "$RG_TMP/depends"))" \
	bash -c 'for p in adduser libc6 libmnl0 libnetfilter-queue1 libnftnl11 libssl3; do
		grep -qE "(^|, )$p( |,|$)" "$0" || exit 1; done' "$RG_TMP/depends"
check "Depends: nothing built only for the tests (no -dev, no cunit)" \
	bash -c '! grep -qE "dev|cunit" "$0"' "$RG_TMP/depends"

lintian --fail-on error,warning "$DEB" >"$RG_TMP/lintian.out" 2>&1
rc=$?
check "lintian: no error, no warning (exit $rc$(grep -E '^[EW]: ' "$RG_TMP/lintian.out" | head -n 5 | tr '\n' ' ' | sed 's/^/: /'))" \
	test "$rc" -eq 0

# --- install into a clean Debian root ------------------------------------

tar=$("$RG_TOP/tests/deb/root.sh") || { not_ok "deb: no clean Debian root (tests/deb/root.sh)"; exit 0; }
mkdir -p "$ROOT" && tar -C "$ROOT" -xzf "$tar" && mount -t proc proc "$ROOT/proc" &&
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" && cp "$DEB" "$ROOT/tmp/" ||
	{ not_ok "deb: cannot unpack $tar"; exit 0; }
root_files >"$RG_TMP/before"
in_root dpkg-query -W -f='${Package}\n' | sort >"$RG_TMP/pkgs.before"

# The lists in the cached root may be older than the archive: refresh them.
in_root apt-get -o Acquire::Languages=none update -qq >"$RG_TMP/apt.out" 2>&1 &&
	in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	"/tmp/$(basename "$DEB")" >>"$RG_TMP/apt.out" 2>&1
rc=$?
check "apt-get install ./$(basename "$DEB") in a clean $(basename "$tar" .tar.gz) root: exit 0" \
	test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail -n 20 "$RG_TMP/apt.out" | sed 's/^/  /'; exit 0; }

in_root dpkg -L reflguard | sort >"$RG_TMP/pkg.files"
for f in /usr/sbin/reflguard /etc/reflguard/reflguard.conf /lib/systemd/system/reflguard.service \
	/usr/share/man/man8/reflguard.8.gz /usr/share/man/man5/reflguard.conf.5.gz \
	/usr/share/bash-completion/completions/reflguard /etc/logrotate.d/reflguard \
	/usr/share/doc/reflguard/copyright; do
	grep -qxF "$f" "$RG_TMP/pkg.files" && [ -e "$ROOT$f" ] || missing+=" $f"
done
check "installed: binary, conffile, unit, man pages, completion, logrotate, copyright${missing:+ (missing:$missing)}" \
	test -z "$missing"
check "conffiles: /etc/reflguard/reflguard.conf and /etc/logrotate.d/reflguard" \
	bash -c 'c=$(chroot "$0" dpkg-query -W -f="\${Conffiles}" reflguard) &&
		grep -q " /etc/reflguard/reflguard.conf " <<<"$c" && grep -q " /etc/logrotate.d/reflguard " <<<"$c"' "$ROOT"
user=$(in_root getent passwd reflguard)
uid=$(cut -d: -f3 <<<"$user")
check "user reflguard: a system user ($user), its own group, no home, no login" \
	bash -c '[ -n "$1" ] && [ "$1" -lt 1000 ] && [ "$(cut -d: -f6 <<<"$0")" = /nonexistent ] &&
		[ "$(cut -d: -f7 <<<"$0")" = /usr/sbin/nologin ] && chroot "$2" getent group reflguard >/dev/null' \
	"$user" "${uid:-}" "$ROOT"

out=$(in_root reflguard --version 2>&1)
check "reflguard --version in the root: '$out' names $VERSION" grep -qF "$VERSION" <<<"$out"

# doctor probes the kernel: in a network namespace of its own (loopback up,
# as on a host) it prints its whole report and a verdict agreeing with its
# exit status, 0 (can run) or 1 (cannot, with the reason); nothing else.
unshare -n sh -c 'ip link set lo up && exec chroot "$0" /usr/sbin/reflguard doctor' "$ROOT" \
	>"$RG_TMP/doctor.out" 2>&1
rc=$?
check "doctor in the root: exit $rc, the report and its verdict ($(tail -n1 "$RG_TMP/doctor.out"))" \
	bash -c 'grep -q "^  nftables  " "$0" && grep -q "^queue path: " "$0" &&
		{ [ "$1" = 0 ] && tail -n1 "$0" | grep -qx "reflguard can run here."; } ||
		{ [ "$1" = 1 ] && tail -n1 "$0" | grep -q "^reflguard cannot run here: "; }' \
	"$RG_TMP/doctor.out" "$rc"
unshare -n sh -c 'ip link set lo up && exec chroot "$0" /usr/sbin/reflguard doctor --json' "$ROOT" \
	>"$RG_TMP/doctor.json" 2>/dev/null
check "doctor --json in the root: one JSON object" valid_json "$RG_TMP/doctor.json"

# The shipped configuration sets no expressway-e: check-config says so, and
# the service's command stops at once with exit 2, before touching anything
# (its own network namespace all the same), which the unit does not restart.
in_root reflguard check-config /etc/reflguard/reflguard.conf >"$RG_TMP/cc.out" 2>&1
rc=$?
check "check-config of the shipped configuration: exit 2, 'no expressway-e given' ($(head -n1 "$RG_TMP/cc.out"))" \
	bash -c '[ "$0" = 2 ] && grep -q "no expressway-e given" "$1"' "$rc" "$RG_TMP/cc.out"
sed 's/^#expressway-e = 64.100.0.10$/expressway-e = 64.100.0.10/' "$ROOT/etc/reflguard/reflguard.conf" \
	>"$ROOT/tmp/configured.conf"
in_root reflguard check-config /tmp/configured.conf >"$RG_TMP/cc2.out" 2>&1
check "check-config with expressway-e set: exit 0, 'ok'" \
	bash -c '[ "$0" = 0 ] && grep -q "^/tmp/configured.conf: ok" "$1"' "$?" "$RG_TMP/cc2.out"
exec_start=$(sed -n 's/^ExecStart=//p' "$ROOT/lib/systemd/system/reflguard.service")
unshare -n chroot "$ROOT" $exec_start >"$RG_TMP/run.out" 2>&1
rc=$?
check "the unit's ExecStart unconfigured ($exec_start): exit 2, 'no expressway-e given'" \
	bash -c '[ "$0" = 2 ] && grep -q "^reflguard run: no expressway-e given" "$1"' "$rc" "$RG_TMP/run.out"
check "the unit: Restart=on-failure with RestartPreventExitStatus=2, so no restart loop" \
	bash -c 'grep -qx Restart=on-failure "$0" && grep -qE "^RestartPreventExitStatus=(.* )?2( |$)" "$0"' \
	"$ROOT/lib/systemd/system/reflguard.service"

# --- purge ----------------------------------------------------------------

mkdir -p "$ROOT/var/lib/reflguard" "$ROOT/var/log/reflguard"	# as the running service leaves them
echo '{}' >"$ROOT/var/lib/reflguard/state.json"
echo '{}' >"$ROOT/var/log/reflguard/events.json"
in_root dpkg --purge reflguard >"$RG_TMP/purge.out" 2>&1
check "dpkg --purge reflguard: exit 0" test "$?" -eq 0
left=
while read -r f; do
	[ -e "$ROOT$f" ] && ! [ -d "$ROOT$f" ] && left+=" $f"
done <"$RG_TMP/pkg.files"
check "purge: none of the package's files left${left:+ (left:$left)}" test -z "$left"
check "purge: /etc/reflguard, /var/lib/reflguard, /var/log/reflguard gone" \
	test ! -e "$ROOT/etc/reflguard" -a ! -e "$ROOT/var/lib/reflguard" -a ! -e "$ROOT/var/log/reflguard"

# Everything else new in the root belongs to the packages apt pulled in.
in_root dpkg-query -W -f='${Package}\n' | sort >"$RG_TMP/pkgs.after"
comm -13 "$RG_TMP/pkgs.before" "$RG_TMP/pkgs.after" >"$RG_TMP/pkgs.new"
{ cat "$RG_TMP/before"; xargs -r chroot "$ROOT" dpkg -L <"$RG_TMP/pkgs.new" 2>/dev/null; } |
	sort -u >"$RG_TMP/expected"
root_files | comm -23 - "$RG_TMP/expected" | grep -vxE '/etc/(passwd|group|shadow|gshadow|subuid|subgid)-?' \
	>"$RG_TMP/extra"
check "purge: nothing else left in the root ($(wc -l <"$RG_TMP/extra") extra: $(head -n 5 "$RG_TMP/extra" | tr '\n' ' '))" \
	test ! -s "$RG_TMP/extra"
check "purge: the reflguard user and group are kept (Debian's way with system users)" \
	bash -c 'chroot "$0" getent passwd reflguard >/dev/null && chroot "$0" getent group reflguard >/dev/null' "$ROOT"
