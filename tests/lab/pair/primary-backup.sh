#!/bin/sh
# keepalived's notify script for one node of the reflguard firewall pair,
# conntrackd's examples/sync/primary-backup.sh with this node's paths
# (@RUN@ is filled in per node). reflguard needs no call here: when the
# external cache is committed, the kernel reports the entries as new, and
# reflguard takes up the exemptions the other node made (docs/design.md).
CONNTRACKD="/usr/sbin/conntrackd -C @RUN@/conntrackd.conf"
LOG=@RUN@/notify.log

say() { echo "$(date +%s.%N) $*" >>"$LOG"; }

case "$1" in
primary)
	say "$1 start"
	# commit the external cache into the kernel table
	$CONNTRACKD -c || say "conntrackd -c failed"
	# flush the internal and the external caches
	$CONNTRACKD -f || say "conntrackd -f failed"
	# resynchronize the internal cache with the kernel table
	$CONNTRACKD -R || say "conntrackd -R failed"
	# send a bulk update to the backup
	$CONNTRACKD -B || say "conntrackd -B failed"
	;;
backup)
	say "$1 start"
	# shorten the kernel's timers to remove the entries this node no
	# longer carries, and ask the master for its table
	$CONNTRACKD -t || say "conntrackd -t failed"
	$CONNTRACKD -n || say "conntrackd -n failed"
	;;
fault)
	say "$1 start"
	$CONNTRACKD -t || say "conntrackd -t failed"
	;;
*)
	echo "usage: primary-backup.sh {primary|backup|fault}" >&2
	exit 1
	;;
esac
say "$1 done"
exit 0
