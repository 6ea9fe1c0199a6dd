// SPDX-License-Identifier: GPL-2.0-or-later
#include "seccomp.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "seccomp_filter.h"

int rg_seccomp_install(void)
{
	struct sock_filter insns[RG_SECCOMP_MAX_INSNS];
	struct sock_fprog prog;
	const int *nrs;
	size_t n, len;
	long ret;

	if (!rg_seccomp_filter_arch())
		return 1;
	nrs = rg_seccomp_filter_allowed(&n);
	len = rg_seccomp_filter_build(rg_seccomp_filter_arch(), nrs, n, insns, RG_SECCOMP_MAX_INSNS);
	if (!len) {
		errno = E2BIG;
		return -1;
	}
	prog.len = (unsigned short)len;
	prog.filter = insns;
	ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	/* A positive answer is a thread that could not be brought along. */
	if (ret > 0)
		errno = ESRCH;
	/*
	 * An outer filter (a unit without SystemCallFilter=seccomp) may
	 * refuse seccomp() itself: prctl() installs the same list, for this
	 * thread and those it starts later. Not on ENOSYS: that is valgrind,
	 * whose own calls the list would then kill.
	 */
	if (ret < 0 && errno == EPERM)
		ret = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	return ret == 0 ? 0 : -1;
}
