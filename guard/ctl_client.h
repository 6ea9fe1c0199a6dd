/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CTL_CLIENT_H
#define RG_CTL_CLIENT_H

#include "config.h"
#include "strbuf.h"

/*
 * What the commands that talk to a running daemon (status, reload, exempt,
 * teardown) share: where its control socket is, and one request with the
 * failure said once, at the edge.
 */

/*
 * The configuration a client command reads: defaults, then -c FILE (which
 * must exist) or the default file (when it can be read and --control is
 * not given), then --control. -1 after printing (FILE:LINE).
 */
int rg_ctl_client_config(const char *cmd, const char *config,
			 const char *control, struct rg_config *cfg);

enum rg_ctl_client_result {
	RG_CTL_ANSWERED = 0,
	RG_CTL_NO_DAEMON = -1,		/* nothing listens on the path */
	RG_CTL_FAILED = -2,		/* a daemon is there but did not answer */
};

/*
 * Asks the daemon on path. A daemon that was reached and then failed
 * (dropped the connection, timed out, too busy) is RG_CTL_FAILED and said
 * so on stderr, naming the path: the caller must then change nothing
 * itself, since the daemon may hold or have made the change.
 */
enum rg_ctl_client_result rg_ctl_client_ask(const char *cmd, const char *path,
					    const char *request,
					    struct rg_strbuf *reply,
					    int timeout_ms);

#endif
