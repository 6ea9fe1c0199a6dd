// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon: one epoll loop over the queue socket, the control socket and
 * a signalfd, in the manner of conntrackd. Set-up happens before the loop,
 * in an order that never leaves traffic waiting on reflguard: the queue is
 * bound before the rule that feeds it exists, and the rule queues with
 * bypass, so a missing handler lets packets through.
 */
#include "daemon.h"
#include "daemon_int.h"
#include "lock.h"
#include "log.h"
#include "notify.h"
#include "plural.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/netfilter.h>
#include <linux/netlink.h>

#include "caps.h"
#include "classify.h"
#include "control.h"
#include "ct.h"
#include "event.h"
#include "finding.h"
#include "observe.h"
#include "packet_flow.h"
#include "errmsg.h"
#include "probe.h"
#include "queue.h"
#include "route.h"
#include "stats.h"

void rg_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_vlogp(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void rg_log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_vlogp(LOG_ERR, fmt, ap);
	va_end(ap);
}

/* What a reload cannot change under a running daemon. */
static const char *needs_restart(const struct rg_config *old,
				 const struct rg_config *fresh)
{
	if (old->queue != fresh->queue)
		return "queue";
	if (strcmp(old->events, fresh->events))
		return "events";
	if (strcmp(old->state, fresh->state))
		return "state";
	if (strcmp(old->control, fresh->control))
		return "control";
	if (old->queue_maxlen != fresh->queue_maxlen)
		return "queue-maxlen";
	if (old->queue_rcvbuf != fresh->queue_rcvbuf)
		return "queue-rcvbuf";
	if (strcmp(old->control_group, fresh->control_group))
		return "control-group";
	if (old->log != fresh->log)
		return "log";
	if (old->metrics.port != fresh->metrics.port ||
	    !rg_addr_equal(&old->metrics.addr, &fresh->metrics.addr))
		return "metrics";
	if (strcmp(old->user, fresh->user))
		return "user";
	if (old->seccomp != fresh->seccomp)
		return "seccomp";
	return NULL;
}

/* The reason a reload was refused: logged, and kept for `reflguard reload`. */
static int refuse(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	rg_log("%s", msg);
	return -1;
}

/*
 * SIGHUP: the configuration file is read again, the flags still override
 * it. A file with an error changes nothing (the error, FILE:LINE, has been
 * printed); a good one replaces the configuration and the observation
 * rules, in one transaction. 0, or -1 with the reason in msg.
 */
static int apply_config(struct daemon *d, char *msg, size_t len)
{
	struct rg_config fresh;
	char err[RG_ERR_LEN];
	const char *what;

	/* Through the logger: under syslog, stderr is read by nobody. */
	if (rg_cmdline_config_msg(d->cmdline, &fresh, err, sizeof(err)) < 0)
		return refuse(msg, len, "%s; configuration not reloaded, the previous one stays in force",
			      err);
	what = needs_restart(d->cfg, &fresh);
	if (what)
		return refuse(msg, len, "configuration not reloaded: changing %s needs a restart",
			      what);
	if (fresh.mode == RG_MODE_REMEDIATE && d->cfg->mode != RG_MODE_REMEDIATE &&
	    (rg_daemon_reload_state(d) < 0 || rg_daemon_restore(d) < 0))
		return refuse(msg, len, "configuration not reloaded: the state could not be restored");
	if (fresh.mode == RG_MODE_REMEDIATE &&
	    rg_daemon_apply_statics(d, &fresh) < 0)
		return refuse(msg, len, "configuration not reloaded: the exempt lines could not be applied");
	if (rg_observe_install(&d->nft, &fresh, d->qpath, fresh.queue,
			       d->ctpath == RG_CT_LOOKUP) < 0) {
		int err_no = errno;

		/* Best effort: the exempt lines back as they were. */
		if (d->cfg->mode == RG_MODE_REMEDIATE)
			rg_daemon_apply_statics(d, d->cfg);
		return refuse(msg, len, "configuration not reloaded: %s; the previous rules stay",
			      strerror(err_no));
	}
	d->cfg_store = fresh;
	d->repeat.interval_s = d->cfg->repeat_interval;
	d->status.mode = rg_mode_name(d->cfg->mode);
	if (d->cfg->mode == RG_MODE_REMEDIATE)
		d->status.state = &d->state;
	rg_logp(LOG_INFO, "configuration reloaded: %s mode, %zu Expressway-E, %zu %s",
	       rg_mode_name(d->cfg->mode), d->cfg->n_e, d->cfg->n_ports,
	       rg_plural(d->cfg->n_ports, "port range", "port ranges"));
	return 0;
}

int rg_daemon_reload_config(struct daemon *d, char *msg, size_t len)
{
	int ret;

	rg_notify("RELOADING=1");
	ret = apply_config(d, msg, len);
	/* A reload reopens the events file too, as SIGHUP always has. */
	rg_daemon_output_reopen(d);
	rg_notify("READY=1");
	return ret;
}

static void reload_config(struct daemon *d)
{
	char msg[RG_ERR_LEN + 128];

	rg_daemon_reload_config(d, msg, sizeof(msg));
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	if (read(d->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
		d->stop = true;
	} else if (si.ssi_signo == SIGHUP) {
		reload_config(d);
	} else if (si.ssi_signo == SIGUSR1) {
		/* logrotate's postrotate: the files only, no reload. */
		rg_daemon_output_reopen(d);
	}
}

#define STATE_RETRY_MS 5000

enum { TAG_QUEUE = 1, TAG_CTL, TAG_SIG, TAG_CTL_TIMER, TAG_MON, TAG_TIMER,
       TAG_METRICS, TAG_METRICS_TIMER, TAG_ROUTES, TAG_WATCHDOG, TAG_STATE,
       TAG_CTSCAN, TAG_CTEV };
/* Control clients are tagged 100 + i, metrics clients 200 + i. */
#define TAG_METRICS_CLIENT 200

static int watch(struct daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void on_metrics(struct daemon *d, uint64_t tag)
{
	if (tag == TAG_METRICS)
		rg_msrv_accept(&d->metrics);
	else if (tag == TAG_METRICS_TIMER)
		rg_msrv_tick(&d->metrics);
	else if (tag >= TAG_METRICS_CLIENT && tag < TAG_METRICS_CLIENT + RG_MSRV_CLIENTS)
		rg_msrv_client(&d->metrics, (unsigned int)(tag - TAG_METRICS_CLIENT));
}

static int watch_metrics(struct daemon *d)
{
	if (d->metrics.fd < 0)
		return 0;
	return rg_msrv_watch(&d->metrics, d->epfd, TAG_METRICS, TAG_METRICS_TIMER,
			     TAG_METRICS_CLIENT);
}

static void loop(struct daemon *d)
{
	struct epoll_event evs[16];
	int i, n, err, timeout, resync, due;
	int64_t repeat;

	while (!d->stop) {
		/* A state file that could not be written is retried; an ENOBUFS
		 * resync held back by its rate limit runs when it may. */
		timeout = d->state_dirty ? STATE_RETRY_MS : -1;
		resync = rg_daemon_resync_wait_ms(d);
		if (resync >= 0 && (timeout < 0 || resync < timeout))
			timeout = resync;
		due = rg_daemon_reset_wait_ms(d);
		if (due >= 0 && (timeout < 0 || due < timeout))
			timeout = due;
		due = rg_daemon_cut_wait_ms(d);
		if (due >= 0 && (timeout < 0 || due < timeout))
			timeout = due;
		/* A repeat summary is written when its interval ends. */
		repeat = rg_repeat_wait_ms(&d->repeat, rg_daemon_now_ms());
		if (repeat >= 0 && (timeout < 0 || repeat < timeout))
			timeout = (int)repeat;
		if (rg_daemon_scan_pending(d) || rg_daemon_bulk_busy(d))
			timeout = 0;
		n = epoll_wait(d->epfd, evs, 16, timeout);
		/* The resync below sets errno too (its route lookups read
		 * rtmon to EAGAIN): an EINTR (SIGSTOP, SIGCONT) would pass
		 * for a failed epoll_wait. */
		err = errno;
		if (n == 0 && d->state_dirty)
			rg_daemon_save_state(d);
		rg_daemon_resync_if_due(d);
		rg_daemon_resets_due(d, false);
		rg_daemon_cut_lookup_if_due(d);
		if (n < 0 && err == EINTR)
			continue;
		if (n < 0) {
			rg_log_err("epoll: %s", strerror(err));
			return;
		}
		for (i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == TAG_QUEUE)
				rg_daemon_drain(d);
			else if (tag == TAG_CTL)
				rg_daemon_accept(d);
			else if (tag == TAG_SIG)
				on_signal(d);
			else if (tag == TAG_CTL_TIMER)
				rg_daemon_ctl_tick(d);
			else if (tag == TAG_MON)
				rg_watch_event(d);
			else if (tag == TAG_TIMER)
				rg_watch_check(d);
			else if (tag == TAG_ROUTES)
				rg_daemon_routes_check(d);
			else if (tag == TAG_WATCHDOG)
				rg_daemon_watchdog_tick(d);
			else if (tag == TAG_STATE)
				rg_daemon_state_written(d);
			else if (tag == TAG_CTSCAN)
				rg_daemon_scan_step(d);
			else if (tag == TAG_CTEV)
				rg_daemon_adopt_events(d);
			else if (tag >= 100 && tag < 100 + MAX_CLIENTS)
				rg_daemon_client(d, &d->clients[tag - 100]);
			else
				on_metrics(d, tag);
		}
		rg_daemon_scan_slice(d);
		rg_daemon_bulk_step(d);
		rg_daemon_flush(d);
	}
}

static int open_signals(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sigfd < 0 ? -1 : 0;
}

static int open_sockets(struct daemon *d)
{
	if (rg_nl_open(&d->nft, NETLINK_NETFILTER) < 0 ||
	    rg_nl_open(&d->ct, NETLINK_NETFILTER) < 0 ||
	    rg_nl_open(&d->ctscan, NETLINK_NETFILTER) < 0 ||
	    rg_ct_many_open(&d->ct_many, &d->ct) < 0 ||
	    rg_nl_open(&d->rt, NETLINK_ROUTE) < 0 ||
	    rg_route_monitor_open(&d->rtmon) < 0) {
		rg_log_err("netlink: %s", strerror(errno));
		return -1;
	}
	d->ctlfd = rg_ctl_listen(d->cfg->control,
				 *d->cfg->control_group ? 0660 : 0600);
	if (d->ctlfd < 0) {
		if (errno == EADDRINUSE)
			rg_log_err("another reflguard answers on %s; not starting",
				 d->cfg->control);
		else if (errno == ENOTSOCK)
			rg_log("control socket %s: something other than a socket is there (a symlink, a file); not replaced, not starting",
			       d->cfg->control);
		else
			rg_log_err("control socket %s: %s", d->cfg->control,
				 strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * --control-group: the group may connect (0660 from the bind) and read;
 * see daemon_ctl.c. The group is given without following a link that
 * someone may have put in the socket's place.
 */
static int open_control_to_group(struct daemon *d)
{
	const char *name = d->cfg->control_group;
	struct group *gr;

	if (!*name)
		return 0;
	gr = getgrnam(name);
	if (!gr) {
		rg_log_err("control-group '%s': no such group", name);
		return -1;
	}
	if (fchownat(AT_FDCWD, d->cfg->control, (uid_t)-1, gr->gr_gid,
		     AT_SYMLINK_NOFOLLOW) < 0) {
		rg_log_err("control socket %s: %s", d->cfg->control, strerror(errno));
		return -1;
	}
	return 0;
}

static int choose_paths(struct daemon *d)
{
	const char *why = NULL;

	rg_probe_all(&d->caps);
	if (!rg_caps_can_run(&d->caps, &why)) {
		/* Missing privilege is no fault of the kernel's. */
		rg_log_err("cannot run%s: %s (see 'reflguard doctor')",
		       d->caps.net_admin.state == RG_CAP_YES ? " on this kernel" : "", why);
		return -1;
	}
	d->qpath = rg_caps_queue_path(&d->caps);
	d->ctpath = rg_caps_ct_path(&d->caps);
	d->status.queue_path = rg_queue_path_name(d->qpath);
	d->status.ct_path = rg_ct_path_name(d->ctpath);
	return 0;
}

/*
 * The queue holds at most what its socket's receive buffer holds, whatever
 * queue-maxlen says: the buffer is sized to it (or to queue-rcvbuf) while
 * the daemon still has CAP_NET_ADMIN, which SO_RCVBUFFORCE needs.
 */
static int start_observing(struct daemon *d)
{
	int rcvbuf = d->cfg->queue_rcvbuf ? (int)d->cfg->queue_rcvbuf :
		     rg_queue_rcvbuf_for(d->cfg->queue_maxlen);

	if (rg_queue_open(&d->queue, d->cfg->queue, d->ctpath == RG_CT_ATTACHED,
			  d->cfg->queue_maxlen, rcvbuf) < 0) {
		rg_log_err(errno == EBUSY ?
			 "queue %u is bound by another program (choose another with --queue)" :
			 "queue %u: cannot bind", d->cfg->queue);
		return -1;
	}
	if (d->queue.rcvbuf < rcvbuf)
		rg_log("queue %u: receive buffer %d bytes, not the %d asked for (net.core.rmem_max without CAP_NET_ADMIN)",
		       d->cfg->queue, d->queue.rcvbuf, rcvbuf);
	if (rg_observe_install(&d->nft, d->cfg, d->qpath, d->cfg->queue,
			       d->ctpath == RG_CT_LOOKUP) < 0) {
		rg_log_err("cannot install the observation chain: %s", strerror(errno));
		return -1;
	}
	d->observing = true;
	return 0;
}

/*
 * Returns 0, -1 when the daemon cannot start, -2 when the fault is in its
 * input (a state file that cannot be parsed): nothing was changed then.
 * Another daemon running is -1, exit 1: the unit's RestartPreventExitStatus=2
 * must not keep a real daemon from starting once the other is gone.
 */
static int take_lock(struct daemon *d)
{
	if (rg_lock_acquire(&d->lock) == 0)
		return 0;
	if (errno == EPERM)
		rg_log_err("cannot take the daemon lock %s: not a private file in a directory only its owner writes; not starting",
		       d->lock.path);
	else if (errno != EADDRINUSE)
		rg_log_err("cannot take the daemon lock %s: %s", d->lock.path,
		       strerror(errno));
	else if (d->lock.holder)
		rg_log_err("another reflguard (pid %ld) is running in this network namespace; not starting",
		       (long)d->lock.holder);
	else
		rg_log_err("another reflguard is running in this network namespace; not starting");
	return -1;
}

static int setup(struct daemon *d, bool reset_state)
{
	bool remediate = d->cfg->mode == RG_MODE_REMEDIATE;
	int ret;

	/* Before the lock, whose refusal would not say why. */
	if (rg_probe_net_admin().state == RG_CAP_NO) {
		rg_log_err("cannot run: %s (see 'reflguard doctor')", RG_ERRMSG_PRIVILEGE);
		return -1;
	}
	ret = take_lock(d);
	if (ret < 0)
		return ret;
	if (remediate && rg_daemon_load_state(d, reset_state) < 0)
		return -2;
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0 || open_signals(d) < 0)
		return -1;
	if (choose_paths(d) < 0)
		return -1;
	/* -2: an events path that is no file to write to is bad input. */
	ret = rg_daemon_output_open(d);
	if (ret < 0)
		return ret;
	if (open_sockets(d) < 0 || open_control_to_group(d) < 0)
		return -1;
	rg_daemon_adopt_open(d);
	/* Before anything is installed: a taken port changes nothing. */
	ret = rg_daemon_metrics_open(d);
	if (ret < 0)
		return ret;
	/* Exemptions first: a restart is in force from the first packet. */
	if (remediate && rg_daemon_restore(d) < 0)
		return -1;
	if (start_observing(d) < 0)
		return -1;
	if (rg_watch_open(d) < 0) {
		rg_log_err("cannot watch the nftables ruleset: %s", strerror(errno));
		return -1;
	}
	if (watch(d, mnl_socket_get_fd(d->mon.sock), TAG_MON) < 0 ||
	    watch(d, d->timerfd, TAG_TIMER) < 0 ||
	    watch(d, mnl_socket_get_fd(d->rtmon.sock), TAG_ROUTES) < 0 ||
	    watch(d, mnl_socket_get_fd(d->ctscan.sock), TAG_CTSCAN) < 0 ||
	    (d->ctev.sock && watch(d, mnl_socket_get_fd(d->ctev.sock), TAG_CTEV) < 0) ||
	    watch(d, rg_queue_fd(&d->queue), TAG_QUEUE) < 0 ||
	    rg_daemon_ctl_watch(d, TAG_CTL, TAG_CTL_TIMER) < 0 ||
	    watch(d, d->sigfd, TAG_SIG) < 0 ||
	    watch_metrics(d) < 0)
		return -1;
	if (rg_daemon_watchdog_open(d) < 0 ||
	    (d->wdfd >= 0 && watch(d, d->wdfd, TAG_WATCHDOG) < 0))
		return -1;
	if (rg_daemon_drop_privileges(d) < 0)
		return -1;
	if (rg_daemon_output_start(d) < 0 || rg_daemon_state_start(d) < 0 ||
	    watch(d, d->writer.evfd, TAG_STATE) < 0)
		return -1;
	rg_logp(LOG_INFO, "%s mode, queue %u (%s, receive buffer %d bytes), conntrack %s; watching %zu Expressway-E",
		 rg_mode_name(d->cfg->mode), d->cfg->queue, d->status.queue_path,
		 d->queue.rcvbuf, d->status.ct_path, d->cfg->n_e);
	return 0;
}

static void teardown(struct daemon *d)
{
	if (d->observing && rg_observe_remove(&d->nft) < 0)
		rg_log("could not remove the observation chain: %s",
			 strerror(errno));
	if (d->ct.sock)
		rg_daemon_resets_due(d, true);
	rg_daemon_ctl_close(d);
	rg_msrv_close(&d->metrics);
	rg_daemon_state_stop(d);
	if (d->queue.buf)
		rg_queue_close(&d->queue);
	rg_nl_close(&d->nft);
	rg_nl_close(&d->ct);
	rg_nl_close(&d->ctscan);
	rg_nl_close(&d->ctev);
	rg_ct_many_close(&d->ct_many);
	rg_nl_close(&d->rt);
	rg_nl_close(&d->rtmon);
	rg_nl_close(&d->mon);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->wdfd >= 0)
		close(d->wdfd);
	if (d->ctlfd >= 0) {
		close(d->ctlfd);
		unlink(d->cfg->control);
	}
	if (d->sigfd >= 0)
		close(d->sigfd);
	rg_lock_release(&d->lock);
	if (d->epfd >= 0)
		close(d->epfd);
	rg_daemon_repeats(d, INT64_MAX);
	rg_daemon_flush(d);
	rg_daemon_output_close(d);
	rg_strbuf_free(&d->line);
	rg_status_free(&d->status);
	rg_state_free(&d->state);
	rg_state_free(&d->withdrawn);
	rg_daemon_scan_free(d);
	rg_daemon_bulk_free(d);
}

int rg_daemon_run(const struct rg_config *cfg, const struct rg_cmdline *cl)
{
	struct daemon d;
	size_t i;
	int ret;

	memset(&d, 0, sizeof(d));
	d.cfg_store = *cfg;
	d.cfg = &d.cfg_store;
	d.cmdline = cl;
	d.epfd = d.sigfd = d.ctlfd = d.timerfd = d.ctl_timerfd = d.wdfd = d.evfd = -1;
	d.lock.fd = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		d.clients[i].fd = -1;
	rg_msrv_init(&d.metrics);
	d.started_real = time(NULL);
	rg_status_init(&d.status);
	d.status.mode = rg_mode_name(cfg->mode);
	d.status.queue = cfg->queue;
	d.status.pid = (long)getpid();
	if (cfg->mode == RG_MODE_REMEDIATE)
		d.status.state = &d.state;
	rg_state_init(&d.state);
	rg_state_init(&d.withdrawn);
	rg_repeat_init(&d.repeat, cfg->repeat_interval);
	rg_log_open(cfg->log);
	rg_route_cache_init(&d.routes);
	clock_gettime(CLOCK_MONOTONIC, &d.status.started);
	ret = setup(&d, cl->reset_state);
	if (ret == 0) {
		rg_daemon_scan(&d);
		rg_daemon_flush(&d);
		rg_notifyf("READY=1\nMAINPID=%ld\nSTATUS=%s, watching %zu Expressway-E",
			   (long)getpid(), d.status.mode, cfg->n_e);
		/* From here on no log line may stall the loop. */
		if (rg_log_queue_start() < 0)
			rg_log("cannot start the log writer: %s; logging directly",
			       strerror(errno));
		loop(&d);
		rg_log_queue_stop(2000);
		rg_notify("STOPPING=1");
		/* The mode now, which a reload may have changed. */
		rg_logp(LOG_INFO, "stopping%s", d.cfg->mode == RG_MODE_REMEDIATE ?
		       "; the exemptions stay in force" : "");
	}
	teardown(&d);
	rg_log_close();
	return ret == 0 ? 0 : ret == -2 ? 2 : 1;
}
