/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CONTROL_H
#define RG_CONTROL_H

#include <sys/types.h>

#include "strbuf.h"

/*
 * The daemon's UNIX control socket: a client connects, writes one request
 * line ("status json", "status text"), reads the answer until EOF.
 */

/*
 * Creates the listening socket with mode (0600, or 0660 for a control
 * group) from its first instant, and its directory if missing. Fails with
 * EADDRINUSE when a daemon already answers on path (or may: it accepts
 * nothing in time), ENOTSOCK when something other than a socket is there
 * (a symlink, a file: never followed nor replaced); a stale socket file
 * left by a killed daemon is replaced.
 */
int rg_control_listen(const char *path, mode_t mode);
/* rg_control_request's failures. */
enum rg_ctl_request_failure {
	/* Nothing at path, or a socket nobody listens on. */
	RG_CTL_REQ_NO_DAEMON = -1,
	/* A daemon is, or may be, there but did not answer (busy, dropped
	 * us, timed out, refused us): the caller must not act as if there
	 * were none. */
	RG_CTL_REQ_NO_ANSWER = -2,
};

/*
 * One request, one answer (read to EOF), all within timeout_ms. 0, or
 * an rg_ctl_request_failure with errno.
 */
int rg_control_request(const char *path, const char *request,
		       struct rg_strbuf *reply, int timeout_ms);

#endif
