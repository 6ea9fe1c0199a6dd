/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CONFIG_H
#define RG_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "exemption.h"

/*
 * reflguard's configuration: the same keys in the file (`key = value`) and
 * on the command line (`--key value`). Pure: parsing works on text the
 * caller has read, and every error is a message the caller prints.
 */
#define RG_MAX_E 16
#define RG_MAX_C 64
#define RG_MAX_PORTS 32
#define RG_ERR_LEN 512

#define RG_DEFAULT_CONFIG "/etc/reflguard/reflguard.conf"
#define RG_DEFAULT_EVENTS "-"
#define RG_DEFAULT_STATE "/var/lib/reflguard/state.json"
/* The unit's LogsDirectory=: where an events file is meant to live. */
#define RG_LOGS_DIR "/var/log/reflguard"
#define RG_DEFAULT_CONTROL "/run/reflguard/control.sock"
#define RG_DEFAULT_USER "reflguard"
#define RG_DEFAULT_PORTS "tcp/7001-7010"
#define RG_DEFAULT_QUEUE 7003
#define RG_DEFAULT_MAX_EXEMPTIONS 64
/* Seconds a pair's repeated finding is summarised over (guard/repeat.h). */
#define RG_DEFAULT_REPEAT_INTERVAL 60
#define RG_MAX_REPEAT_INTERVAL 86400
#define RG_DEFAULT_QUEUE_MAXLEN 1024
/* About 260 bytes each in the daemon (the state entry and its index) and
 * 250 in the state file: a million is 260 MB and a 250 MB file. */
#define RG_MAX_EXEMPTIONS_LIMIT 1000000
#define RG_MAX_STATIC 128
/* queue-rcvbuf bounds, in bytes: the kernel's floor is about 4.5 KiB. */
#define RG_QUEUE_RCVBUF_MIN 4096
#define RG_QUEUE_RCVBUF_MAX (256u << 20)

enum rg_mode {
	RG_MODE_DRY_RUN = 0,
	RG_MODE_REMEDIATE,
};

/* Where the daemon's own lines go; see guard/log.h. */
enum rg_log_target {
	RG_LOG_AUTO = 0,	/* journal priority prefixes under systemd, else stderr */
	RG_LOG_STDERR,
	RG_LOG_SYSLOG,
};

/* An `exempt =` line: config management owns it, the daemon never drops it. */
struct rg_static_exempt {
	struct rg_exemption x;
	unsigned int line;		/* in static_file; 0: not from a file */
};

struct rg_expressway_e {
	struct rg_addr pub;		/* the static NAT address C dials */
	struct rg_addr internal;	/* learnt from conntrack when unset */
	bool has_internal;
};

/* Which keys were given, so a command line can override a file. */
enum rg_config_key {
	RG_KEY_MODE = 1u << 0,
	RG_KEY_E = 1u << 1,
	RG_KEY_C = 1u << 2,
	RG_KEY_PORTS = 1u << 3,
	RG_KEY_QUEUE = 1u << 4,
	RG_KEY_EVENTS = 1u << 5,
	RG_KEY_STATE = 1u << 6,
	RG_KEY_CONTROL = 1u << 7,
	RG_KEY_MAX_EXEMPT = 1u << 8,
	RG_KEY_RESET = 1u << 9,
	RG_KEY_QUEUE_MAXLEN = 1u << 10,
	RG_KEY_CONTROL_GROUP = 1u << 11,
	RG_KEY_EXEMPT = 1u << 12,
	RG_KEY_LOG = 1u << 13,
	RG_KEY_QUEUE_RCVBUF = 1u << 14,
	RG_KEY_METRICS = 1u << 15,
	RG_KEY_USER = 1u << 16,
	RG_KEY_SECCOMP = 1u << 17,
	RG_KEY_REPEAT_INTERVAL = 1u << 18,
	RG_KEY_SAME_LINK = 1u << 19,
	RG_KEY_ADOPT = 1u << 20,
};

/*
 * C and E reached through one interface of the firewall, in different
 * subnets (several subnets on one bridge): whether E answers C through
 * the firewall depends on E's netmask, which the firewall cannot see.
 */
enum rg_same_link {
	RG_SAME_LINK_EXEMPT = 0,	/* trust E's netmask to be the firewall's prefix */
	RG_SAME_LINK_REFUSE,		/* refuse, reason same-link */
};

/* Where a TCP listener binds: "9153", "ADDR:PORT" or "[ADDR6]:PORT". */
struct rg_listen {
	struct rg_addr addr;
	uint16_t port;			/* 0: off */
};

struct rg_config {
	enum rg_mode mode;
	struct rg_expressway_e e[RG_MAX_E];
	size_t n_e;
	struct rg_prefix c[RG_MAX_C];	/* empty: any source counts as C */
	size_t n_c;
	struct rg_port_range ports[RG_MAX_PORTS];
	size_t n_ports;
	uint16_t queue;
	char events[PATH_MAX];
	char state[PATH_MAX];
	char control[PATH_MAX];
	char control_group[64];		/* "": root only */
	struct rg_listen metrics;	/* the Prometheus endpoint; off by default */
	unsigned int max_exemptions;	/* refuse ("limit") past this many */
	unsigned int repeat_interval;	/* seconds; 0: every flow's event written */
	unsigned int queue_maxlen;	/* packets the kernel holds for us */
	unsigned int queue_rcvbuf;	/* bytes; 0: sized to queue_maxlen */
	bool reset;			/* delete translated flows once exempted */
	enum rg_same_link same_link;
	bool adopt;			/* a pair's peer's marked flows (guard/adopt.h) */
	struct rg_static_exempt statics[RG_MAX_STATIC];
	size_t n_static;
	char static_file[PATH_MAX];	/* the file the exempt lines are in */
	enum rg_log_target log;
	/* The daemon's user once set up: "" for RG_DEFAULT_USER where it exists. */
	char user[64];
	unsigned int user_line;		/* where user = was read; 0: a flag */
	bool seccomp;			/* install the system call allow-list */
	unsigned int given;		/* enum rg_config_key bits */
	unsigned int lineno;		/* the parser's line, for exempt */
};

void rg_config_defaults(struct rg_config *c);
/*
 * Applies one setting. Repeatable keys (expressway-e, expressway-c, exempt) append;
 * "ports" replaces the list with the comma list it is given. On error
 * returns -1 and writes a message without location into err, e.g.
 * "invalid address '300.1.1.1' for expressway-e".
 */
int rg_config_set(struct rg_config *c, const char *key, const char *value,
		  char *err, size_t errlen);
/*
 * Parses a whole file's text. On error returns -1 with err as
 * "FILE:LINE: message".
 */
int rg_config_parse_text(struct rg_config *c, const char *text,
			 const char *filename, char *err, size_t errlen);
/* Settings given in over replace those of base, key by key. */
void rg_config_merge(struct rg_config *base, const struct rg_config *over);
/* Checks what only the whole can tell (expressway-e present, ...). */
int rg_config_validate(const struct rg_config *c, char *err, size_t errlen);
const char *rg_mode_name(enum rg_mode m);
const char *rg_log_target_name(enum rg_log_target t);
/* The exempt line for x, or NULL when x is no static exemption. */
const struct rg_static_exempt *rg_config_static(const struct rg_config *c,
						const struct rg_exemption *x);

#endif
