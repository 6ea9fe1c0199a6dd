// SPDX-License-Identifier: GPL-2.0-or-later
#include "privs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

/* Needs CAP_SETPCAP; an unprivileged user given only CAP_NET_ADMIN has an
 * empty bounding set's worth of nothing to drop anyway. */
static void drop_bounding(void)
{
	int cap, last = last_cap();

	for (cap = 0; cap <= last; cap++)
		if (cap != CAP_NET_ADMIN && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno == EPERM)
			return;
}

int rg_privs_keep_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	drop_bounding();
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	data[CAP_NET_ADMIN / 32].effective = 1u << (CAP_NET_ADMIN % 32);
	data[CAP_NET_ADMIN / 32].permitted = 1u << (CAP_NET_ADMIN % 32);
	return (int)syscall(SYS_capset, &hdr, data);
}
