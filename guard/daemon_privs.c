// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The end of set-up: the daemon becomes its own user (--user, default
 * "reflguard" where it exists) with CAP_NET_ADMIN alone, no new privileges
 * and a system call allow-list. Whatever needs root is open by then (the
 * queue, netlink, the control socket given to its group, the events file,
 * the metrics listener); what it still writes is the state file, renamed
 * into its directory, which must therefore be the user's.
 */
#include "daemon_int.h"
#include "file.h"
#include "privs.h"
#include "seccomp.h"
#include "seccomp_filter.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

static bool writable_by(const struct stat *st, const struct rg_privs_user *u)
{
	if (st->st_uid == u->uid)
		return (st->st_mode & 0300) == 0300;
	if (st->st_gid == u->gid)
		return (st->st_mode & 0030) == 0030;
	return (st->st_mode & 0003) == 0003;
}

/*
 * A directory is given to the user only when reflguard made it, or it is
 * the default one (systemd's StateDirectory= hands it back to root at
 * every start of a unit without User=): never one of root's that merely
 * holds the state file, such as /etc.
 */
static int own_dir(const char *dir, const char *def, bool made,
		   const struct rg_privs_user *u)
{
	struct stat st;
	int fd, ret;

	if (!made && strcmp(dir, def))
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fstat(fd, &st);
	if (ret == 0 && st.st_uid == 0 && u->uid != 0)
		ret = fchown(fd, u->uid, u->gid);
	close(fd);
	return ret;
}

/*
 * A state file root wrote (`reflguard exempt` with no daemon, a systemd
 * chown) becomes the user's, or its next reload could not read it. Never
 * through a link: the directory is the user's, so is what it holds.
 */
static void own_file(const char *path, const struct rg_privs_user *u)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
	    st.st_uid == 0 && fchown(fd, u->uid, u->gid) < 0)
		rg_log("state file %s: cannot give it to user %s: %s", path,
		       u->name, strerror(errno));
	close(fd);
}

/*
 * The state file's directory, made or taken for u; -1 when u cannot write
 * it. A dry run with no such directory yet needs none.
 */
static int prepare_state_dir(const struct daemon *d, const struct rg_privs_user *u)
{
	char dir[PATH_MAX], def[PATH_MAX];
	struct stat st;
	bool made;

	if (rg_file_dir(d->cfg->state, dir, sizeof(dir)) < 0 ||
	    rg_file_dir(RG_DEFAULT_STATE, def, sizeof(def)) < 0)
		return -1;
	/* Made for remediate only: a dry run leaves the file system alone. */
	made = d->cfg->mode == RG_MODE_REMEDIATE && mkdir(dir, 0700) == 0;
	if (!made && stat(dir, &st) < 0)
		return d->cfg->mode == RG_MODE_REMEDIATE ? -1 : 0;
	if (own_dir(dir, def, made, u) < 0 || stat(dir, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode) || !writable_by(&st, u)) {
		errno = EACCES;
		return -1;
	}
	own_file(d->cfg->state, u);
	return 0;
}

/*
 * The events file is open already, but a rotation (SIGUSR1) makes the
 * user create its successor: the unit's logs directory, root's at every
 * start, is given to it as the state's is. Elsewhere only a warning.
 */
static void prepare_events_dir(const struct daemon *d, const struct rg_privs_user *u)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!strcmp(d->cfg->events, "-") ||
	    rg_file_dir(d->cfg->events, dir, sizeof(dir)) < 0)
		return;
	if (own_dir(dir, RG_LOGS_DIR, false, u) < 0 || stat(dir, &st) < 0 ||
	    !writable_by(&st, u))
		rg_log("events file %s: user '%s' cannot create files in %s, so a rotated file cannot be reopened (give the directory to the user)",
		       d->cfg->events, u->name, dir);
}

static bool can_switch(void)
{
	return prctl(PR_CAPBSET_READ, CAP_SETUID, 0, 0, 0) == 1 &&
	       prctl(PR_CAPBSET_READ, CAP_SETGID, 0, 0, 0) == 1;
}

/*
 * 1: become u; 0: stay who the daemon is (already u; started unprivileged
 * with no user asked for; the default user missing or unable to write the
 * state); -1: the user asked for cannot be.
 */
static int choose_user(const struct daemon *d, struct rg_privs_user *u)
{
	const char *name = *d->cfg->user ? d->cfg->user : RG_DEFAULT_USER;
	bool asked = *d->cfg->user != '\0';

	if (rg_privs_find_user(name, u) < 0) {
		if (asked) {
			rg_log("user '%s': %s", name, errno == ENOENT ?
			       "no such user" : strerror(errno));
			return -1;
		}
		rg_log("no user '%s': staying uid %ld with CAP_NET_ADMIN alone (create it, or set --user)",
		       name, (long)geteuid());
		return 0;
	}
	if (u->uid == geteuid() || (!asked && geteuid() != 0))
		return 0;
	/* A unit whose bounding set is CAP_NET_ADMIN alone (before 12.6). */
	if (!asked && !can_switch()) {
		rg_log("no CAP_SETUID or CAP_SETGID to become '%s': staying root with CAP_NET_ADMIN alone",
		       name);
		return 0;
	}
	if (prepare_state_dir(d, u) == 0) {
		prepare_events_dir(d, u);
		return 1;
	}
	rg_log("user '%s' cannot write the state's directory for %s: %s%s",
	       name, d->cfg->state, strerror(errno), asked ? "" :
	       "; staying root with CAP_NET_ADMIN alone");
	return asked ? -1 : 0;
}

static int filter_calls(const struct daemon *d)
{
	int ret;

	if (!d->cfg->seccomp) {
		rg_log_prio(LOG_INFO, "seccomp = no: no system call filter");
		return 0;
	}
	ret = rg_seccomp_install();
	if (ret < 0)
		rg_log("cannot install the system call filter: %s (seccomp = no runs without it)",
		       strerror(errno));
	else if (ret > 0)
		rg_log("no system call filter for this architecture; running without one");
	return ret < 0 ? -1 : 0;
}

int rg_daemon_drop_privileges(struct daemon *d)
{
	struct rg_privs_user u;
	const char *step = "";
	int become = choose_user(d, &u);

	if (become < 0)
		return -1;
	if (rg_privs_become(become ? &u : NULL, &step) < 0) {
		rg_log("cannot drop privileges: %s: %s", step, strerror(errno));
		return -1;
	}
	if (filter_calls(d) < 0)
		return -1;
	rg_log_prio(LOG_INFO, "running as uid %ld gid %ld with CAP_NET_ADMIN alone, no new privileges%s",
		    (long)getuid(), (long)getgid(),
		    d->cfg->seccomp && rg_seccomp_filter_arch() ? ", system calls filtered" : "");
	return 0;
}
