// SPDX-License-Identifier: GPL-2.0-or-later
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "file.h"

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

int rg_privs_find_user(const char *name, struct rg_privs_user *u)
{
	struct passwd *pw;

	if (strlen(name) >= sizeof(u->name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Root is uid 0 by definition: no NSS module loaded for it. */
	if (!strcmp(name, "root")) {
		strcpy(u->name, name);
		u->uid = 0;
		u->gid = 0;
		return 0;
	}
	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		/* getpwnam() leaves errno 0 (or ENOENT...) for "no such user". */
		if (!errno || errno == ENOENT || errno == ESRCH || errno == EBADF ||
		    errno == EPERM)
			errno = ENOENT;
		return -1;
	}
	strcpy(u->name, name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

/*
 * Permitted capabilities survive setresuid() only with PR_SET_KEEPCAPS;
 * the effective ones are cleared by it and raised again by the capset()
 * that follows. The bounding set goes first, while CAP_SETPCAP is there.
 */
static int switch_user(const struct rg_privs_user *u, const char **step)
{
	drop_bounding();
	*step = "PR_SET_KEEPCAPS";
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -1;
	*step = "setgroups";
	if (setgroups(1, &u->gid) < 0)
		return -1;
	*step = "setresgid";
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return -1;
	*step = "setresuid";
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return -1;
	*step = "PR_SET_KEEPCAPS";
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

int rg_privs_become(const struct rg_privs_user *u, const char **step)
{
	if (u && switch_user(u, step) < 0)
		return -1;
	*step = "capset";
	if (rg_privs_keep_net_admin() < 0)
		return -1;
	*step = "PR_SET_NO_NEW_PRIVS";
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int rg_privs_match_dir_owner(const char *path)
{
	char dir[PATH_MAX];
	struct stat ds, fs;
	int fd, ret = 0;

	if (geteuid() != 0)
		return 0;
	if (rg_file_dir(path, dir, sizeof(dir)) < 0 || stat(dir, &ds) < 0)
		return -1;
	if (ds.st_uid == 0)
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &fs) == 0 && S_ISREG(fs.st_mode) && fs.st_nlink == 1 &&
	    fs.st_uid == 0)
		ret = fchown(fd, ds.st_uid, ds.st_gid);
	close(fd);
	return ret;
}
