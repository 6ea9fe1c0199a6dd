/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_WATCHDOG_H
#define RG_WATCHDOG_H

#include <stdint.h>

/*
 * systemd's watchdog (WatchdogSec= in the unit), read as
 * sd_watchdog_enabled(3) does: $WATCHDOG_USEC a positive number of
 * microseconds, and $WATCHDOG_PID, when set, this very process (a child
 * started by the daemon must not ping for it). Returns the interval, 0
 * when the watchdog is off or the variables are malformed. Pure.
 */
uint64_t rg_watchdog_usec(const char *usec, const char *pid, long self);

#endif
