/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_DAEMON_H
#define RG_DAEMON_H

#include "config.h"

/*
 * Runs the daemon until SIGTERM or SIGINT. Returns the exit status: 0 after
 * a clean stop, 1 when it could not start (the reason is printed). Nothing
 * it installed outlives a failed start.
 */
int rg_daemon_run(const struct rg_config *cfg);

#endif
