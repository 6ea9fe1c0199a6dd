// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * systemd's watchdog: WATCHDOG=1 at half the interval, from a timerfd the
 * loop serves like any other fd. A loop that is stuck (in a write, a
 * netlink round trip) does not come round to it, the pings stop, and
 * systemd restarts the daemon; the writer threads never ping.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "daemon_int.h"
#include "notify.h"
#include "watchdog.h"

static void on_tick(void *arg)
{
	struct daemon *d = arg;
	uint64_t n;

	if (read(d->wdfd, &n, sizeof(n)) != sizeof(n))
		return;
	rg_notify("WATCHDOG=1");
}

int rg_daemon_watchdog_open(struct daemon *d)
{
	uint64_t us = rg_watchdog_usec(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"),
				       (long)getpid());
	struct itimerspec it = { 0 };

	d->wdfd = -1;
	if (!us)
		return 0;
	us /= 2;
	it.it_interval.tv_sec = (time_t)(us / 1000000);
	it.it_interval.tv_nsec = (long)(us % 1000000) * 1000;
	if (!it.it_interval.tv_sec && !it.it_interval.tv_nsec)
		it.it_interval.tv_nsec = 1000;
	it.it_value = it.it_interval;
	d->wdfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->wdfd < 0 || timerfd_settime(d->wdfd, 0, &it, NULL) < 0) {
		rg_log_err("watchdog timer: %s", strerror(errno));
		return -1;
	}
	return rg_evloop_add(&d->loop, d->wdfd, EPOLLIN, on_tick, d) ? 0 : -1;
}
