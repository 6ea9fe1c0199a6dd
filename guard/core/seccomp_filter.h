/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_SECCOMP_FILTER_H
#define RG_SECCOMP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

/*
 * The daemon's system call allow-list, as a classic BPF program for
 * seccomp: a call from another architecture (or x86-64's x32 ABI) or not
 * on the list kills the process (SECCOMP_RET_KILL_PROCESS). Pure: the
 * program is built here and installed by guard/seccomp.c.
 */

/* Long enough for the list and the architecture checks. */
#define RG_SECCOMP_MAX_INSNS 256

/* The AUDIT_ARCH_* the list is for, 0 where there is none. */
uint32_t rg_seccomp_filter_arch(void);
const char *rg_seccomp_filter_arch_name(void);

/* The allowed system call numbers; n set to how many. */
const int *rg_seccomp_filter_allowed(size_t *n);

/*
 * Builds the program for arch from the n calls of nrs into prog (room for
 * max); returns its length, or 0 when it does not fit.
 */
size_t rg_seccomp_filter_build(uint32_t arch, const int *nrs, size_t n,
			       struct sock_filter *prog, size_t max);

#endif
