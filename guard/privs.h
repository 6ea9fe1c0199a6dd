/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PRIVS_H
#define RG_PRIVS_H

#include <sys/types.h>

/*
 * Once its sockets are open, the daemon needs one capability only:
 * CAP_NET_ADMIN, for netlink to nftables, conntrack and the queue. This
 * drops every other one from the effective, permitted, inheritable,
 * ambient and (when allowed) bounding sets, so a flaw reached later cannot
 * use what the daemon no longer has. -1 with errno on failure.
 */
int rg_privs_keep_net_admin(void);

/* The user the daemon becomes (--user, user =). */
struct rg_privs_user {
	char name[64];
	uid_t uid;
	gid_t gid;
};

/* 0 with u filled; -1 with errno, ENOENT when there is no such user. */
int rg_privs_find_user(const char *name, struct rg_privs_user *u);

/*
 * Becomes u (its group alone, no supplementary groups), keeping
 * CAP_NET_ADMIN across the switch; u NULL stays who it is. Then, either
 * way, CAP_NET_ADMIN alone as rg_privs_keep_net_admin() and no new
 * privileges (PR_SET_NO_NEW_PRIVS: no exec can ever give any back). -1
 * with errno, *step naming the call that failed.
 */
int rg_privs_become(const struct rg_privs_user *u, const char **step);

/*
 * A file root wrote into a directory that is another user's (the daemon's
 * state, written by `reflguard exempt` with no daemon running) becomes
 * that user's, so the daemon, no longer root, can read it again. Nothing
 * when not root or the directory is root's; never through a link. 0, or
 * -1 with errno.
 */
int rg_privs_match_dir_owner(const char *path);

#endif
