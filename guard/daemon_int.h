/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_DAEMON_INT_H
#define RG_DAEMON_INT_H

/* The daemon's parts share this; nothing outside guard/daemon*.c does. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "caps.h"
#include "classify.h"
#include "cmdline.h"
#include "config.h"
#include "ct.h"
#include "ct_walk.h"
#include "ctl_request.h"
#include "event.h"
#include "exemption.h"
#include "flow.h"
#include "lock.h"
#include "metrics.h"
#include "metrics_server.h"
#include "nlsock.h"
#include "outq.h"
#include "packet_flow.h"
#include "queue.h"
#include "repeat.h"
#include "route_cache.h"
#include "syn_pair.h"
#include "state.h"
#include "state_writer.h"
#include "stats.h"
#include "strbuf.h"

#define RECENT_IDS 256
#define MAX_CLIENTS 8
#define MAX_PENDING 64
#define ENOBUFS_BURST_S 5		/* quiet seconds that end a burst */
#define DRAIN_CAP 1024			/* packets read per wake-up */
#define RESYNC_MIN_MS 1000		/* between two conntrack resyncs */
#define RESYNC_SHARE 10			/* a resync waits 10x the last one's time */
#define MAX_HELD_RESETS 64
#define MAX_CUT 64			/* address pairs of cut packets per lookup */
#define CUT_MIN_MS 250			/* between two lookups for cut packets */
#define RESET_HOLD_MS 2000		/* a reset entry's ends are told meanwhile */

#define CTL_DEADLINE_S 5		/* a client idle this long is dropped */
#define CTL_OUT_MAX (64u << 20)		/* the largest answer kept for a client */
#define SCAN_SLICE 128			/* scanned flows handled per loop turn */
#define SCAN_READS 8			/* conntrack dump datagrams read per loop turn */
#define BULK_SLICE 1024			/* exemptions sent to the kernel per loop turn */
#define ADOPT_RECENT 64			/* conntrack ids of marked entries decided */

struct client {
	int fd;
	uid_t uid;			/* SO_PEERCRED of the connection */
	char req[RG_CTL_REQ_MAX + 1];
	size_t len;
	struct timespec since;		/* CLOCK_MONOTONIC: accept, or the last bytes sent */
	struct rg_strbuf out;		/* the answer, sent as the socket takes it */
	size_t sent;
	bool answered;
	bool deferred;			/* waits for bulk work (daemon_bulk.c) */
};

/*
 * A large change to the kernel's exemptions (a flush, a reinstatement),
 * sent BULK_SLICE elements a loop turn so that verdicts go on meanwhile.
 */
enum bulk_kind { BULK_NONE, BULK_RESTORE, BULK_FLUSH };
struct bulk {
	enum bulk_kind kind;
	struct rg_exemption *xs;	/* what the state held when it began */
	size_t n, pos;
	size_t removed;			/* a flush's answer */
	struct client *waiter;		/* a flush's client, NULL once gone */
};

/* An exemption waiting for its first clean connection. */
struct pending {
	struct rg_exemption x;
	struct timespec since;		/* CLOCK_MONOTONIC of the translated SYN */
};

/* A packet of the batch being handled: what it tells of its flow. */
struct queued {
	enum rg_packet_flow pf;
	struct rg_flow f;
	struct rg_tuple reply;
	uint8_t proto;
};

/* A reset connection whose marked entry is deleted when due. */
struct held_reset {
	struct rg_flow f;
	struct timespec due;		/* CLOCK_MONOTONIC */
};

_Static_assert(RG_QUEUE_BATCH <= RG_CT_MANY_MAX,
	       "a queue batch's lookups fit one rg_ct_get_many");

struct daemon {
	const struct rg_config *cfg;		/* &cfg_store */
	struct rg_config cfg_store;
	const struct rg_cmdline *cmdline;	/* to read the config again on SIGHUP */
	struct rg_caps caps;
	enum rg_queue_path qpath;
	enum rg_ct_path ctpath;
	struct rg_nl nft, ct, rt, mon;
	struct rg_nl rtmon;		/* routing changes: flush routes */
	struct rg_route_cache routes;
	bool routes_checked;		/* rtmon read since the last queue read */
	struct rg_queue queue;
	struct rg_packet pkts[RG_QUEUE_BATCH];	/* the batch read last */
	struct queued queued[RG_QUEUE_BATCH];
	/* The batch's conntrack lookups, asked in one round trip. */
	struct rg_ct_many ct_many;
	struct rg_ct_query ct_q[RG_QUEUE_BATCH];
	struct rg_ct_answer ct_a[RG_QUEUE_BATCH];
	bool observing;
	int epfd, sigfd, ctlfd, timerfd;
	struct rg_lock lock;		/* one daemon per network namespace */
	int wdfd;			/* systemd's watchdog timer, -1 when off */
	struct rg_outq evq;		/* the events: see daemon_output.c */
	int evfd;			/* the events file until its writer starts */
	bool events_off;		/* events = - to the journal: human lines only */
	struct rg_repeat repeat;	/* repeated findings held for a summary */
	bool human;			/* stderr is read: write the human lines */
	struct rg_strbuf line;		/* an event's text, reused */
	struct rg_status status;
	struct rg_state state;
	struct pending pending[MAX_PENDING];
	unsigned int n_pending;
	struct recent {
		uint32_t id;
		uint32_t seq;
		struct rg_tuple reply;
	} recent[RECENT_IDS];
	struct rg_exemption ineffective[MAX_PENDING];
	unsigned int n_ineffective;
	unsigned int recent_pos;
	/* Without NFQA_CT: the SYNs seen before NAT, to pair with their
	 * translated view (guard/syn_pair.h). */
	struct rg_syn_pair syns;
	/* The flow being handled came whole before its packet's verdict
	 * (NFQA_CT, or the two views of its SYN): its SYN can be dropped. */
	bool before_verdict;
	struct client clients[MAX_CLIENTS];
	int ctl_timerfd;		/* ticks while control clients are connected */
	bool state_dirty;		/* the last state write failed */
	bool state_owed;		/* changed since the writer took a copy */
	struct rg_state_writer writer;	/* writes the state file beside the loop */
	struct timespec last_enobufs;
	struct timespec last_resync;	/* CLOCK_MONOTONIC: the last resync ended */
	long last_resync_ms;		/* and took this long */
	bool resync_due;		/* ENOBUFS or a cut packet since then */
	bool resync_log;		/* a new burst: log the resync */
	/* The last scan's candidates, handled SCAN_SLICE a loop turn so
	 * that verdicts interleave with their route lookups and fixes. */
	struct rg_flow *scan_v;
	size_t scan_n, scan_pos;
	size_t scan_cap;
	/* A resync's dump, read SCAN_READS datagrams a turn on a socket of
	 * its own; its candidates are appended to scan_v meanwhile. */
	struct rg_nl ctscan;
	struct rg_ct_walk walk;
	bool walking;
	long walk_ms;			/* time spent reading it */
	time_t last_notify;
	struct rg_msrv metrics;		/* off unless --metrics */
	struct rg_hist handling;	/* per queued packet, for metrics */
	time_t started_real;		/* CLOCK_REALTIME at start */
	struct held_reset held[MAX_HELD_RESETS];
	unsigned int n_held;
	struct rg_tuple cut[MAX_CUT];	/* cut packets' reply addresses */
	unsigned int n_cut;
	struct timespec last_cut;	/* CLOCK_MONOTONIC: the last lookup ended */
	long last_cut_ms;		/* and took this long */
	struct bulk bulk;
	bool watch_elems;		/* someone else deleted: compare elements */
	/* A pair's peer's marked entries (daemon_adopt.c). */
	struct rg_nl ctev;
	struct rg_state withdrawn;	/* pairs removed here: not adopted */
	uint32_t adopt_recent[ADOPT_RECENT];
	unsigned int adopt_pos;
	bool stop;
};

void rg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same at err priority: what stops the daemon. */
void rg_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* daemon_flow.c: one flow, from classification to events and fixes. */
void rg_daemon_drain(struct daemon *d);
/*
 * After ENOBUFS or a packet cut before its ports: ms until the conntrack
 * resync may run (0: now), -1 if none is due.
 */
int rg_daemon_resync_wait_ms(const struct daemon *d);
void rg_daemon_resync_if_due(struct daemon *d);
/* Reads conntrack; its flows are then handled by rg_daemon_scan_slice. */
void rg_daemon_scan(struct daemon *d);
/* Handles the next SCAN_SLICE scanned flows; true while some are left. */
bool rg_daemon_scan_slice(struct daemon *d);
bool rg_daemon_scan_pending(const struct daemon *d);
/* The resync's dump socket is readable: the next SCAN_READS datagrams. */
void rg_daemon_scan_step(struct daemon *d);
void rg_daemon_scan_free(struct daemon *d);
/* Flushes the route cache if the routing table changed since last asked. */
void rg_daemon_routes_check(struct daemon *d);
/* Queues an event for the events file and the log, and keeps it in status. */
void rg_daemon_event(struct daemon *d, const struct rg_event *ev);
/* Once per wake-up: summaries due, the output's drop counters and bursts. */
void rg_daemon_flush(struct daemon *d);
/* Writes the repeat summaries due at now_ms (INT64_MAX: all, at stop). */
void rg_daemon_repeats(struct daemon *d, int64_t now_ms);
int64_t rg_daemon_now_ms(void);
/* Milliseconds of CLOCK_MONOTONIC since then. */
long rg_daemon_ms_since(const struct timespec *then);

/* daemon_output.c: the events file and the log, never blocking the loop. */
int rg_daemon_events_open(const char *path, bool may_wait, char *err, size_t len);
int rg_daemon_output_open(struct daemon *d);
/* After the privileges are dropped: the events writer thread. */
int rg_daemon_output_start(struct daemon *d);
void rg_daemon_output_reopen(struct daemon *d);
void rg_daemon_output_close(struct daemon *d);
void rg_daemon_output_line(struct daemon *d, const char *line, size_t len);
void rg_daemon_output_check(struct daemon *d);

/* daemon_watchdog.c: WATCHDOG=1 from the loop, when $WATCHDOG_USEC says. */
int rg_daemon_watchdog_open(struct daemon *d);
void rg_daemon_watchdog_tick(struct daemon *d);

/* daemon_remedy.c: exemptions in the kernel and the state file. */
int rg_daemon_load_state(struct daemon *d, bool reset_state);
int rg_daemon_restore(struct daemon *d);
/*
 * Decides and applies remediation for one classified flow. Returns true
 * when the packet that showed it should be dropped (the NFQA_CT rescue).
 */
bool rg_daemon_remedy(struct daemon *d, const struct rg_flow *f,
		      const struct rg_class *cl, bool from_queue);
int rg_daemon_reload_state(struct daemon *d);

/*
 * A flow found by a lookup rather than by its own packet: handled as the
 * scan's are, once per entry.
 */
void rg_daemon_flow_found(struct daemon *d, const struct rg_flow *f);

/* The flow's routes as the daemon asks them (a flow found by a scan). */
void rg_daemon_flow_segments(struct daemon *d, const struct rg_flow *f,
			     struct rg_segments *seg);
/* daemon_remedy.c: an exemption of the pair was found ineffective here. */
bool rg_daemon_known_ineffective(const struct daemon *d,
				 const struct rg_exemption *x);

/*
 * daemon_adopt.c: a firewall pair's peer's exemptions. The event socket
 * of marked conntrack entries (ctev.sock NULL without); its reads, a bounded amount a
 * loop turn; one entry, from it or from a scan, decided and adopted.
 */
void rg_daemon_adopt_open(struct daemon *d);
void rg_daemon_adopt_events(struct daemon *d);
void rg_daemon_adopt(struct daemon *d, const struct rg_flow *f);
/* x was removed here (del, flush, exempt line, ineffective), or (false)
 * added by hand again. */
void rg_daemon_withdrawn(struct daemon *d, const struct rg_exemption *x,
			 bool withdrawn);

/* daemon_cut.c: flows of packets cut before their ports. */
/* Remembers a cut packet's reply addresses for the next lookup. */
void rg_daemon_cut_add(struct daemon *d, const struct rg_tuple *reply);
/* ms until the lookup may run (0: now), -1 if none is due. */
int rg_daemon_cut_wait_ms(const struct daemon *d);
void rg_daemon_cut_lookup_if_due(struct daemon *d);

/* daemon_reset.c: ending a translated connection, both ends told. */
/* base: the flow's event, to be reported as a reset. */
void rg_daemon_reset(struct daemon *d, const struct rg_flow *f,
		     const struct rg_event *base);
/* ms until a held reset entry is due for deletion (0: now), -1 if none. */
int rg_daemon_reset_wait_ms(const struct daemon *d);
/* Deletes the held entries that are due, or all of them. */
void rg_daemon_resets_due(struct daemon *d, bool all);
/*
 * SIGHUP: the state's static exemptions become cfg's exempt lines, in the
 * kernel (one batch) and then the state file; nothing changes on error.
 */
int rg_daemon_apply_statics(struct daemon *d, const struct rg_config *cfg);
/*
 * `reflguard exempt add|del|flush` made by the daemon itself, so that the
 * kernel, its state and the state file have one writer; the answer, a
 * JSON line, goes to out.
 */
void rg_daemon_exempt_request(struct daemon *d, struct client *c,
			      struct rg_strbuf *out);

/*
 * daemon_bulk.c. A reinstatement of the whole state, begun with its first
 * slice (which also empties the set of what the state lacks); -1 if that
 * slice failed. Only one bulk job runs at a time: check rg_daemon_bulk_busy.
 */
int rg_daemon_bulk_restore(struct daemon *d);
/*
 * `exempt flush`: the dynamic exemptions leave the state (and its file) at
 * once, and the kernel a slice a turn; c is answered when the last slice
 * is done. -1 with errno if it cannot begin (EBUSY: another job runs).
 */
int rg_daemon_bulk_flush(struct daemon *d, struct client *c);
/* The next slice of the running job, if any. */
void rg_daemon_bulk_step(struct daemon *d);
bool rg_daemon_bulk_busy(const struct daemon *d);
/* c is gone: a flush still running answers nobody. */
void rg_daemon_bulk_forget(struct daemon *d, const struct client *c);
void rg_daemon_bulk_free(struct daemon *d);
/* daemon_ctl.c: sends a deferred client its answer. */
void rg_daemon_ctl_deferred(struct daemon *d, struct client *c, const char *answer);
/*
 * Has the state file written, beside the loop (state_writer.h): now when
 * the writer is idle, else after its current write. A failure is
 * reported once and retried.
 */
void rg_daemon_save_state(struct daemon *d);
/* The writer's thread: started after the privileges are dropped, since
 * a thread keeps the capabilities it was made with; stopped after the
 * last change, which it writes first. */
int rg_daemon_state_start(struct daemon *d);
/* The writer ended a write (its eventfd is readable). */
void rg_daemon_state_written(struct daemon *d);
void rg_daemon_state_stop(struct daemon *d);
/* An {"event":"error"} line: what failed and why. */
void rg_daemon_error_event(struct daemon *d, const char *what, int err);

/* daemon_watch.c: someone else deleting reflguard's objects. */
int rg_watch_open(struct daemon *d);
void rg_watch_event(struct daemon *d);
void rg_watch_check(struct daemon *d);

/* daemon_ctl.c: the control socket's clients. */
void rg_daemon_accept(struct daemon *d);
void rg_daemon_client(struct daemon *d, struct client *c);
/* The timer: clients past their deadline are dropped. */
void rg_daemon_ctl_tick(struct daemon *d);
/* Adds the listening socket and the deadline timer to the loop. */
int rg_daemon_ctl_watch(struct daemon *d, uint64_t tag_listen, uint64_t tag_timer);
void rg_daemon_ctl_close(struct daemon *d);
/*
 * `reflguard reload`: the configuration read again as SIGHUP does; 0, or
 * -1 with why (FILE:LINE: ... for a bad file) in msg. daemon.c.
 */
int rg_daemon_reload_config(struct daemon *d, char *msg, size_t len);
/* Brings the counters the kernel keeps (queue drops, overflow) up to date. */
void rg_daemon_refresh_counters(struct daemon *d);

/* daemon_privs.c: becomes the daemon's user, CAP_NET_ADMIN alone, no new
 * privileges, system calls filtered. -1 when it cannot; reported. */
int rg_daemon_drop_privileges(struct daemon *d);

/* daemon_metrics.c: the Prometheus endpoint. -2 when its address is at
 * fault (taken, not local), -1 on another failure; reported. */
int rg_daemon_metrics_open(struct daemon *d);

#endif
