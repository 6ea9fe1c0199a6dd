/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_DAEMON_H
#define RG_DAEMON_H

#include "config.h"

#include <stdbool.h>

/*
 * Runs the daemon until SIGTERM or SIGINT. Returns the exit status: 0 after
 * a clean stop, 1 when it could not start, 2 when the state file cannot be
 * parsed (the reason is printed). reset_state: start with no exemption and
 * keep a bad state file aside.
 */
int rg_daemon_run(const struct rg_config *cfg, bool reset_state);

#endif
