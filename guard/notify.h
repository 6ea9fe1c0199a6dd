/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_NOTIFY_H
#define RG_NOTIFY_H

/*
 * The sd_notify protocol, spoken directly: one datagram to the socket
 * named by $NOTIFY_SOCKET ("@name" for an abstract one). Without the
 * variable, as outside systemd, it does nothing. Best effort: a service
 * manager that does not listen must never stop the daemon.
 */
void rg_notify(const char *msg);
void rg_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
