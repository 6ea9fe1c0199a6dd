/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CTL_REQUEST_H
#define RG_CTL_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "exemption.h"

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
	RG_CTL_EXEMPT,		/* "exempt-...": see rg_ctl_request_parse_exempt */
	RG_CTL_RELOAD,		/* "reload": the configuration, answered with the verdict */
	RG_CTL_STOP,		/* "stop": as SIGTERM (teardown --stop) */
};

/*
 * The request is buf's first line (up to its '\n'), or all of buf when it
 * holds none; one trailing '\r' is allowed. The line must be one of the
 * requests above exactly: anything else, a NUL byte included, is
 * RG_CTL_UNKNOWN. Never reads past len.
 */
enum rg_ctl_request rg_ctl_request_parse(const char *buf, size_t len);
/*
 * Whether the request changes anything (the kernel, the state, the
 * configuration, the daemon's life): those are root's (or the daemon's own
 * user's); the control group only reads.
 */
bool rg_ctl_request_changes(enum rg_ctl_request req);

/*
 * `reflguard exempt` asking the running daemon to make its change, so that
 * the state file has one writer:
 *   exempt-add C_ADDR E_INTERNAL PROTO/PORT [force]
 *   exempt-del C_ADDR E_INTERNAL PROTO/PORT
 *   exempt-flush
 */
enum rg_ctl_exempt_op { RG_CTL_X_ADD, RG_CTL_X_DEL, RG_CTL_X_FLUSH };

struct rg_ctl_exempt {
	enum rg_ctl_exempt_op op;
	struct rg_exemption x;		/* add and del */
	bool force;			/* add: the safety checks were skipped */
};

#define RG_CTL_REQ_MAX 127	/* the longest request line the daemon reads */

/* 0, or -1 with err saying what is wrong with the request. */
int rg_ctl_request_parse_exempt(const char *buf, size_t len, struct rg_ctl_exempt *out,
				char *err, size_t errlen);
/* The request line for *req, without its newline; -1 if it does not fit. */
int rg_ctl_request_format_exempt(const struct rg_ctl_exempt *req, char *buf,
				 size_t len);

#endif
