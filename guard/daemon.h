/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_DAEMON_H
#define RG_DAEMON_H

#include "config.h"

#include <stdbool.h>

#include "cmdline.h"

/*
 * Runs the daemon until SIGTERM or SIGINT. Returns the exit status: 0 after
 * a clean stop, 1 when it could not start, 2 when its input is at fault (a
 * state file that cannot be parsed, another daemon running). cl is kept to
 * read the configuration again on SIGHUP; cl->reset_state: start with no
 * exemption and keep a bad state file aside.
 */
int rg_daemon_run(const struct rg_config *cfg, const struct rg_cmdline *cl);

#endif
