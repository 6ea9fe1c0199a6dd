/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CONTROL_H
#define RG_CONTROL_H

#include "strbuf.h"

/*
 * The daemon's UNIX control socket: a client connects, writes one request
 * line ("status json", "status text"), reads the answer until EOF.
 */

/*
 * Creates the listening socket, mode 0600, and its directory if missing.
 * Fails with EADDRINUSE when a daemon already answers on path; a stale
 * socket file left by a killed daemon is replaced.
 */
int rg_ctl_listen(const char *path);
/* One request, one answer; -1 when nobody answers within timeout_ms. */
int rg_ctl_request(const char *path, const char *request,
		   struct rg_strbuf *reply, int timeout_ms);

#endif
