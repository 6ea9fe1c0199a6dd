/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ERRMSG_H
#define RG_ERRMSG_H

#include <stddef.h>

/*
 * Formats a message into the caller's err buffer, if it gave one, and
 * returns -1, so a parser can say `return rg_errmsgf(err, errlen, ...)`
 * at the point it refuses something. err may be NULL or errlen 0: then
 * nothing is written. A long message is cut to fit, NUL-terminated.
 */
int rg_errmsgf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What a netlink refusal lacks, for the privileges reflguard needs. */
#define RG_ERRMSG_PRIVILEGE "needs root or CAP_NET_ADMIN"

/*
 * strerror(err), except that the kernel's EPERM to a netlink request
 * says which privilege is missing: "Operation not permitted" does not.
 */
const char *rg_errmsg_errno(int err);

#endif
