/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_SECCOMP_H
#define RG_SECCOMP_H

/*
 * Installs guard/core/seccomp_filter.c's allow-list on every thread of the
 * process (SECCOMP_FILTER_FLAG_TSYNC), on top of whatever filter the
 * process already has (a systemd unit's SystemCallFilter=): the kernel
 * runs both and the stricter answer wins. Needs no_new_privs. 0 installed,
 * 1 no list for this architecture (nothing done), -1 with errno.
 */
int rg_seccomp_install(void);

#endif
