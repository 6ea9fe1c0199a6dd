/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PRIVS_H
#define RG_PRIVS_H

/*
 * Once its sockets are open, the daemon needs one capability only:
 * CAP_NET_ADMIN, for netlink to nftables, conntrack and the queue. This
 * drops every other one from the effective, permitted, inheritable,
 * ambient and (when allowed) bounding sets, so a flaw reached later cannot
 * use what the daemon no longer has. -1 with errno on failure.
 */
int rg_privs_keep_net_admin(void);

#endif
