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
int rg_ctl_listen(const char *path, mode_t mode);
/*
 * One request, one answer (read to EOF), all within timeout_ms. 0, or
 * with errno: -1 when no daemon is there (nothing at path, or a socket
 * nobody listens on); -2 when one is, or may be, but did not answer
 * (busy, dropped us, timed out, refused us): the caller must then not act
 * as if there were none.
 */
int rg_ctl_request(const char *path, const char *request,
		   struct rg_strbuf *reply, int timeout_ms);

#endif
