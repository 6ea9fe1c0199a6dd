/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CTL_REQUEST_H
#define RG_CTL_REQUEST_H

#include <stddef.h>

/*
 * What a control-socket client asked for. Pure: the daemon hands over the
 * bytes it received, which any local process with access to the socket
 * may have written.
 */
enum rg_ctl_request {
	RG_CTL_UNKNOWN = 0,
	RG_CTL_STATUS_JSON,	/* "status json" */
	RG_CTL_STATUS_TEXT,	/* "status text", or "status" alone */
	RG_CTL_RELOAD_STATE,	/* "reload-state" */
};

/*
 * The request is buf's first line (up to its '\n'), or all of buf when it
 * holds none; one trailing '\r' is allowed. The line must be one of the
 * requests above exactly: anything else, a NUL byte included, is
 * RG_CTL_UNKNOWN. Never reads past len.
 */
enum rg_ctl_request rg_ctl_parse_request(const char *buf, size_t len);

#endif
