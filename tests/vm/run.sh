#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs a command, by default the integration suite, inside Debian's stock
# kernel under qemu, so that reflguard's primary path (the native nftables
# queue with conntrack attached to each packet as NFQA_CT) is tested too: the
# machines this project is developed on have neither. See
# docs/design.md ("Kernel facts") for the measured facts behind it.
#
#   tests/vm/run.sh                  tests/run.sh integration, in the guest
#   tests/vm/run.sh COMMAND [ARG...] any command, from the checkout's root
#
# The guest is software-emulated (TCG; KVM cannot run a stock guest here).
# It sees the host's / read-only and this checkout read-write over 9p, and
# runs the host's own bash, nft, ip, python3 and the already-built build/
# (nothing is rebuilt in the guest). Its console is streamed here live; the
# exit status is the guest command's own.
#
# The kernel package is downloaded once (apt-get download) into a cache the
# test owns, by kernel release: $RG_VM_CACHE, default build/vm-cache/.
# Where qemu or the kernel cannot be had it prints
# "skip - stock-kernel VM: REASON" and exits 0.
#
# Environment: RG_VM_CACHE (cache folder), RG_VM_TIMEOUT (seconds for the
# whole guest run, default 3900), RG_VM_MEM (MiB, default 2048), RG_VM_SMP
# (virtual CPUs, default 1), RG_VM_KREL (a kernel release to use instead of
# the current linux-image-amd64's).
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd -P)
SELF=$TOP/tests/vm/run.sh
CACHE=${RG_VM_CACHE:-$TOP/build/vm-cache}
TIMEOUT=${RG_VM_TIMEOUT:-3900}
MEM=${RG_VM_MEM:-2048}
SMP=${RG_VM_SMP:-1}
PREFIX="stock-kernel VM"

say() { echo "== $PREFIX: $*"; }
warn() { echo "tests/vm/run.sh: $*" >&2; }
skip_vm() { echo "skip - $PREFIX: $*"; exit 0; }
die() { warn "$*"; exit 1; }

# Kernel modules the guest gets: networking (nftables, conntrack, NAT,
# nfnetlink_queue, bridge, veth), what they use (lib, crypto) and what the
# boot needs (virtio, 9p). Parts of kernel/net no test can use are left out.
MOD_KEEP=(kernel/net kernel/lib kernel/crypto kernel/arch/x86/crypto
	kernel/fs/9p kernel/fs/netfs kernel/fs/fscache kernel/drivers/virtio
	kernel/drivers/net/veth.ko kernel/drivers/net/dummy.ko
	kernel/drivers/char/hw_random/virtio-rng.ko)
MOD_DROP=(kernel/net/wireless kernel/net/mac80211 kernel/net/bluetooth
	kernel/net/nfc kernel/net/batman-adv kernel/net/ceph kernel/net/sunrpc
	kernel/net/rxrpc kernel/net/ieee802154 kernel/net/mac802154)

# ---- prerequisites ----

command -v qemu-system-x86_64 >/dev/null || skip_vm "qemu not installed (qemu-system-x86)"
for tool in busybox:busybox-static kmod:kmod cpio:cpio dpkg-deb:dpkg depmod:kmod; do
	command -v "${tool%%:*}" >/dev/null || skip_vm "${tool%%:*} not installed (${tool#*:})"
done
BUSYBOX=$(command -v busybox)
# A dynamically linked busybox could not run in the initramfs.
file_is_static() { ! LC_ALL=C ldd "$1" 2>&1 | grep -q '=>'; }
file_is_static "$BUSYBOX" || skip_vm "$BUSYBOX is not static (install busybox-static)"

if [ $# -eq 0 ]; then
	set -- tests/run.sh integration
	[ -x build/reflguard ] || die "build/reflguard is missing: build first (make all unit)"
fi

# ---- the kernel: current stock release, downloaded once ----

mkdir -p "$CACHE" || die "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
# What an interrupted run left half-done (an extracted package is ~400 MB).
find "$CACHE" -maxdepth 1 \( -name '.fetch.*' -o -name '.initramfs.*' \) -mmin +60 \
	-exec rm -rf {} + 2>/dev/null

# current_krel: the release linux-image-amd64 depends on now, e.g. 6.1.0-56-amd64.
current_krel() {
	LC_ALL=C apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n1
}
# cached_krel: the newest release already in the cache.
cached_krel() {
	local d
	for d in "$CACHE"/*/vmlinuz; do
		[ -e "$d" ] && basename "$(dirname "$d")"
	done | sort -V | tail -n1
}

# fetch_kernel KREL: vmlinuz and the kept modules into $CACHE/KREL.
fetch_kernel() {
	local krel=$1 tmp deb mods m
	tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX") || return 1
	say "downloading linux-image-$krel (once; cached in $CACHE/$krel)"
	if ! (cd "$tmp" && apt-get download -q "linux-image-$krel" >"$tmp/apt.log" 2>&1); then
		sed 's/^/    /' "$tmp/apt.log" | tail -n 5
		rm -rf "$tmp"
		return 1
	fi
	deb=$(ls "$tmp"/linux-image-*.deb 2>/dev/null | head -n1)
	[ -n "$deb" ] && dpkg-deb -x "$deb" "$tmp/x" || { rm -rf "$tmp"; return 1; }
	mods=$tmp/x/lib/modules/$krel
	mkdir -p "$tmp/k/root/lib/modules/$krel"
	if [ ! -f "$tmp/x/boot/vmlinuz-$krel" ] || [ ! -d "$mods/kernel" ]; then
		warn "linux-image-$krel has no vmlinuz-$krel or modules"
		rm -rf "$tmp"
		return 1
	fi
	cp "$tmp/x/boot/vmlinuz-$krel" "$tmp/k/vmlinuz"
	cp "$tmp/x/boot/config-$krel" "$tmp/k/config" 2>/dev/null
	for m in "${MOD_DROP[@]}"; do rm -rf "${mods:?}/$m"; done
	(cd "$mods" && cp -a --parents modules.builtin modules.builtin.modinfo modules.order \
		"${MOD_KEEP[@]}" "$tmp/k/root/lib/modules/$krel/" 2>/dev/null)
	# The package ships no modules.dep.
	depmod -b "$tmp/k/root" "$krel" || { rm -rf "$tmp"; return 1; }
	rm -rf "$CACHE/$krel"
	mv "$tmp/k" "$CACHE/$krel" && rm -rf "$tmp"
}

KREL=${RG_VM_KREL:-$(current_krel)}
if [ -z "$KREL" ] && [ "$(id -u)" -eq 0 ] && [ -z "$(cached_krel)" ]; then
	# A machine that never ran apt-get update knows no package yet.
	apt-get update -qq >/dev/null 2>&1
	KREL=$(current_krel)
fi
if [ -z "$KREL" ]; then
	KREL=$(cached_krel)
	[ -n "$KREL" ] || skip_vm "apt knows no linux-image-amd64 and nothing is cached"
	say "apt knows no linux-image-amd64; using the cached $KREL"
fi
if [ ! -f "$CACHE/$KREL/vmlinuz" ]; then
	if ! fetch_kernel "$KREL"; then
		old=$(cached_krel)
		[ -n "$old" ] || skip_vm "cannot download linux-image-$KREL (no access to the archive?)"
		say "cannot download linux-image-$KREL; using the cached $old"
		KREL=$old
	else
		# One kernel is enough: drop the releases it replaces.
		for d in "$CACHE"/*/; do
			[ "$(basename "$d")" = "$KREL" ] || [ ! -f "$d/vmlinuz" ] || rm -rf "$d"
		done
	fi
fi
KDIR=$CACHE/$KREL
MODROOT=$KDIR/root

# ---- the initramfs: busybox, kmod, the modules, /init; rebuilt when this script changes ----

write_init() {	# FILE
	cat >"$1" <<'INIT'
#!/bin/busybox sh
# /init of reflguard's stock-kernel test VM, written by tests/vm/run.sh.
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
export PATH=/bin:/sbin
. /rg-env
fail() {
	echo "rgvm: $*"
	echo "$RG_MARKER 125"
	poweroff -f
	sleep 60
}
mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
echo /run/rgvm/modprobe >/proc/sys/kernel/modprobe
/sbin/modprobe -a virtio_pci 9pnet_virtio 9p virtio-rng || fail "cannot load virtio and 9p"
ip link set lo up
R=/newroot
o=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$o,ro,cache=loose" rgroot $R || fail "cannot mount the host's / over 9p"
mount -t proc proc $R/proc || fail "mount proc"
mount -t sysfs sysfs $R/sys || fail "mount sysfs"
mount -t devtmpfs devtmpfs $R/dev || fail "mount dev"
mkdir -p $R/dev/pts $R/dev/shm
# What udev would add: bash's <(...) needs /dev/fd.
ln -s /proc/self/fd $R/dev/fd
ln -s /proc/self/fd/0 $R/dev/stdin
ln -s /proc/self/fd/1 $R/dev/stdout
ln -s /proc/self/fd/2 $R/dev/stderr
ln -s pts/ptmx $R/dev/ptmx 2>/dev/null
mount -t devpts -o newinstance,ptmxmode=0666,gid=5,mode=620 devpts $R/dev/pts || fail "mount devpts"
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm || fail "mount /dev/shm"
mount -t tmpfs -o mode=1777 tmpfs $R/tmp || fail "mount /tmp"
mount -t tmpfs -o mode=755 tmpfs $R/run || fail "mount /run"
# Last, so that a checkout under /tmp or /run is not hidden.
mkdir -p "$R$RG_CHECKOUT" 2>/dev/null
mount -t 9p -o "$o" rgcheckout "$R$RG_CHECKOUT" || fail "cannot mount the checkout over 9p"
# Module autoloading: the kernel runs /run/rgvm/modprobe in this root (a
# link to kmod, modules in /lib/modules); a program in the chroot that
# runs it itself (iptables-legacy) gets the host's modprobe on the same
# modules.
mkdir -p $R/run/rgvm/root/lib/modules $R/run/lock
mount -o bind /lib/modules $R/run/rgvm/root/lib/modules || fail "bind /lib/modules"
printf '#!/bin/sh\nexec /sbin/modprobe -d /run/rgvm/root "$@"\n' >$R/run/rgvm/modprobe
chmod 755 $R/run/rgvm/modprobe
# This kernel's configuration where tests look for it (the host's /boot is
# for the host's kernel).
if [ -f /config ]; then
	mount -t tmpfs -o mode=755 tmpfs $R/boot && cp /config "$R/boot/config-$(uname -r)"
fi
cp /rg-cmd $R/run/rgvm/cmd
dmesg -c >/dev/null
echo "rgvm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU, $(sed -n 's/^MemTotal: *//p' /proc/meminfo); running: $RG_SHOW"
chroot $R /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 RG_VM=stock-kernel \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash /run/rgvm/cmd </dev/null
rc=$?
# Warnings the kernel logged meanwhile (the console shows errors only).
dmesg -r | grep '^<[0-4]>' | sed 's/^/rgvm: dmesg: /' | head -n 40
sync
echo "$RG_MARKER $rc"
poweroff -f
sleep 60
INIT
}

build_initramfs() {	# OUT
	local out=$1 d lib a
	d=$(mktemp -d "$CACHE/.initramfs.XXXXXX") || return 1
	mkdir -p "$d"/{bin,sbin,proc,sys,dev,tmp,newroot,run/rgvm,lib/modules}
	cp "$BUSYBOX" "$d/bin/busybox"
	for a in $("$BUSYBOX" --list); do
		[ "$a" = busybox ] || ln -s busybox "$d/bin/$a"
	done
	cp -L "$(command -v kmod)" "$d/sbin/kmod"
	for a in modprobe insmod rmmod lsmod modinfo depmod; do ln -sf kmod "$d/sbin/$a"; done
	ln -s /sbin/kmod "$d/run/rgvm/modprobe"
	for lib in $(ldd "$(command -v kmod)" | grep -oE '/[^ ]+'); do
		cp -L --parents "$lib" "$d"
	done
	cp -a "$MODROOT/lib/modules/$KREL" "$d/lib/modules/"
	[ ! -f "$KDIR/config" ] || cp "$KDIR/config" "$d/config"
	write_init "$d/init"
	chmod 755 "$d/init"
	(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp" &&
		mv "$out.tmp" "$out"
	local rc=$?
	rm -rf "$d"
	return $rc
}

STAMP=$(cat "$SELF" "$BUSYBOX" "$(command -v kmod)" | sha256sum | cut -c1-16)
INITRD=$KDIR/initramfs-$STAMP.cpio
if [ ! -f "$INITRD" ]; then
	rm -f "$KDIR"/initramfs-*.cpio
	build_initramfs "$INITRD" || die "cannot build the initramfs"
fi

# ---- this run: the command, in a cpio appended to the initramfs ----

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rgvm.XXXXXX") || die "mktemp"
QPID=
cleanup() {
	local pid
	pid=$(cat "$WORK/qemu.pid" 2>/dev/null)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null
		sleep 1
		kill -9 "$pid" 2>/dev/null
	fi
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

MARKER="rgvm-exit-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$WORK/cmd"
{
	printf 'cd %q || exit 125\n' "$TOP"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$WORK/cmd/rg-cmd"
{
	printf 'RG_MARKER=%q\n' "$MARKER"
	printf 'RG_CHECKOUT=%q\n' "$TOP"
	printf 'RG_SHOW=%q\n' "$*"
} >"$WORK/cmd/rg-env"
(cd "$WORK/cmd" && printf '%s\n' rg-cmd rg-env | cpio -o -H newc -R 0:0 --quiet) >"$WORK/cmd.cpio" ||
	die "cannot write the command's cpio"
cat "$INITRD" "$WORK/cmd.cpio" >"$WORK/initrd" || die "cannot write the initrd"

# The host's / is shared read-only; root may write the checkout as itself.
model=none
[ "$(id -u)" -eq 0 ] && model=passthrough

say "booting Debian's $KREL under qemu (software emulation, $SMP CPU, ${MEM} MiB; timeout ${TIMEOUT}s): $*"
start=$(date +%s)
(
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-accel tcg -cpu max -smp "$SMP" -m "$MEM" \
		-nographic -no-reboot -vga none -nic none \
		-kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd" \
		-append "console=ttyS0 panic=-1 quiet" \
		-fsdev "local,id=rgroot,path=/,security_model=none,readonly=on,multidevs=remap" \
		-device virtio-9p-pci,fsdev=rgroot,mount_tag=rgroot \
		-fsdev "local,id=rgco,path=$TOP,security_model=$model,multidevs=remap" \
		-device virtio-9p-pci,fsdev=rgco,mount_tag=rgcheckout \
		-device virtio-rng-pci \
		-pidfile "$WORK/qemu.pid" </dev/null 2>&1
	echo "rgvm-qemu-exit $?"
) | sed -u 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' | tee "$WORK/console.log" | sed -u "/^$MARKER /d; /^rgvm-qemu-exit /d" &
QPID=$!
wait "$QPID"
QPID=
took=$(($(date +%s) - start))

rc=$(sed -n "s/^$MARKER \([0-9][0-9]*\)$/\1/p" "$WORK/console.log" | tail -n1)
if [ -z "$rc" ]; then
	qrc=$(sed -n 's/^rgvm-qemu-exit //p' "$WORK/console.log" | tail -n1)
	case $qrc in
	124|137) warn "the guest did not finish within ${TIMEOUT}s (RG_VM_TIMEOUT)" ;;
	*) warn "the guest ended without an exit status (qemu exit ${qrc:-?}; kernel panic or crash?)" ;;
	esac
	exit 1
fi
say "guest command exited $rc after ${took}s"
exit "$rc"
