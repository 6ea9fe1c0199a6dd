// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reflguard exempt list|add|del|flush: exemptions by hand. A running
 * remediating daemon makes add, del and flush itself (one writer of the
 * state file); without one they are made here, under the daemon lock: the
 * kernel first and the state file after it, so the file never claims what
 * the kernel refused.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>

#include "classify.h"
#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "control.h"
#include "ct.h"
#include "ctl_client.h"
#include "ctl_request.h"
#include "errmsg.h"
#include "event.h"
#include "exempt.h"
#include "exempt_op.h"
#include "exemption.h"
#include "json.h"
#include "nft_text.h"
#include "privs.h"
#include "json_read.h"
#include "lock.h"
#include "plural.h"
#include "probe.h"
#include "route.h"
#include "state_file.h"
#include "statics.h"
#include "strbuf.h"
#include "usage.h"

const char exempt_usage[] =
	"Usage: reflguard exempt list [--json | --nft]\n"
	"       reflguard exempt add C_ADDR E_INTERNAL PROTO/PORT [--force]\n"
	"       reflguard exempt del C_ADDR E_INTERNAL PROTO/PORT\n"
	"       reflguard exempt flush\n"
	"   common options: [-c FILE] [--state FILE] [--control PATH]\n"
	"\n"
	"Lists or changes the exemptions (C . E internal . proto . port) in the\n"
	"kernel and the state file together; a running daemon reloads them.\n"
	"'add' makes the daemon's safety checks first: C outside the subnet\n"
	"through which the firewall reaches E (same-segment, and same-link when\n"
	"they share an interface and same-link = refuse), C inside expressway-c\n"
	"when the configuration names any, and max-exemptions; --force skips them.\n"
	"E named by its public address (never seen after destination NAT) is\n"
	"refused with exit 2, naming the internal one when known.\n"
	"The configuration's 'exempt =' lines are static: listed as such, kept\n"
	"by 'flush', and refused by 'del' (exit 2): remove the line instead.\n"
	"\n"
	"  -c, --config FILE  configuration (state, control, expressway-c, max-exemptions)\n"
	"  --state FILE       state file (default " RG_DEFAULT_STATE ")\n"
	"  --control PATH     the daemon's control socket (default " RG_DEFAULT_CONTROL ")\n"
	"  --force            add without the safety checks\n"
	"  --json             list as {\"exemptions\": [...]}\n"
	"  --nft              list as an nftables file for 'nft -f' on a firewall\n"
	"                     without reflguard (its tables are replaced)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 done, 1 refused or not found, 2 bad input.\n";

struct exempt_cmd {
	struct rg_config cfg;
	const char *action;
	char **words;
	int nwords;
	bool force, json, nft;
	struct rg_nl nl;
	struct rg_state state;
	struct rg_lock lock;		/* held while changing without a daemon */
};

static int parse(struct exempt_cmd *x, int argc, char *argv[])
{
	const char *config = NULL;
	struct rg_config over;
	const struct rg_opt opts[] = {
		{ "config", 'c', RG_OPT_STRING, .to.str = &config },
		{ "state", 0, RG_OPT_KEY, .to.over = &over },
		{ "control", 0, RG_OPT_KEY, .to.over = &over },
		{ "force", 0, RG_OPT_FLAG, .to.flag = &x->force },
		{ "json", 0, RG_OPT_FLAG, .to.flag = &x->json },
		{ "nft", 0, RG_OPT_FLAG, .to.flag = &x->nft },
		{ 0 }
	};
	int ret;

	rg_config_defaults(&over);
	ret = rg_cmdline_opts("exempt", exempt_usage, 0, opts, argc, argv);
	if (ret != RG_CMDLINE_OK)
		return ret;
	if (optind >= argc)
		return rg_usage_error("exempt", "missing action: list, add, del or flush");
	x->action = argv[optind];
	x->words = argv + optind + 1;
	x->nwords = argc - optind - 1;
	if (rg_cmdline_file_and_flags("exempt", config, &over, &x->cfg) < 0)
		return -1;
	if (x->json && x->nft)
		return rg_usage_error("exempt", "--json and --nft: choose one");
	return 0;
}

static int want_words(struct exempt_cmd *x, int n)
{
	if (x->nwords == n)
		return 0;
	if (x->nwords < n)
		return rg_usage_error("exempt", "'%s' needs C_ADDR E_INTERNAL PROTO/PORT", x->action);
	return rg_usage_error("exempt", "unexpected argument '%s'", x->words[n]);
}

/* The state file, with the configuration's exempt lines as its statics. */
static int load_state(struct exempt_cmd *x)
{
	char err[RG_ERR_LEN], ts[RG_STATE_TS_LEN];

	if (rg_state_file_load(x->cfg.state, &x->state, err, sizeof(err)) < 0) {
		fprintf(stderr, "reflguard exempt: %s\n", err);
		return -1;
	}
	rg_exempt_op_stamp(ts, sizeof(ts));
	if (rg_statics_apply(&x->state, &x->cfg, ts) < 0) {
		fprintf(stderr, "reflguard exempt: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Tells a running daemon; no daemon is fine. */
static void notify_daemon(const struct exempt_cmd *x)
{
	struct rg_strbuf reply;

	rg_strbuf_init(&reply);
	rg_control_request(x->cfg.control, "reload-state", &reply, 1000);
	rg_strbuf_free(&reply);
}

static int save_state(struct exempt_cmd *x)
{
	if (rg_state_file_save(x->cfg.state, &x->state) == 0) {
		/* The daemon's user reads it next, not root. */
		if (rg_privs_match_dir_owner(x->cfg.state) < 0)
			fprintf(stderr, "reflguard exempt: warning: %s stays root's, the daemon's user may not read it: %s\n",
				x->cfg.state, strerror(errno));
		notify_daemon(x);
		return 0;
	}
	fprintf(stderr, "reflguard exempt: cannot write %s: %s\n", x->cfg.state,
		strerror(errno));
	return -1;
}

/* Long enough for a flush of a million exemptions. */
#define DAEMON_TIMEOUT_MS 30000

/*
 * No daemon answered: none may start, nor run unseen (on another control
 * socket), while the change is made here. -1 after printing.
 */
static int hold_lock(struct exempt_cmd *x)
{
	if (rg_lock_acquire(&x->lock) == 0)
		return 0;
	if (errno == EADDRINUSE)
		fprintf(stderr, "reflguard exempt: a reflguard (pid %ld) is running but does not answer on %s (its -c FILE or --control?); nothing changed\n",
			(long)x->lock.holder, x->cfg.control);
	else
		fprintf(stderr, "reflguard exempt: cannot take the daemon lock %s: %s; nothing changed\n",
			x->lock.path, strerror(errno));
	return -1;
}

/* Who made a change: via_daemon's answer. */
enum via {
	VIA_SAID = -2,		/* the daemon could not be asked, or refused: said */
	VIA_FAILED = -1,	/* the daemon could not, errno says why */
	VIA_HERE = 0,		/* no remediating daemon: the change is made here */
	VIA_DAEMON = 1,		/* the daemon did it */
};

/*
 * A running remediating daemon makes the change itself: the state file
 * then has one writer, and a daemon's own write can never undo a change
 * made here (a flush lost that way brought an exemption back into the
 * daemon's state while the kernel no longer had it). A daemon reached that
 * then fails (drops us, times out) is never taken for no daemon: it may
 * hold the change.
 */
static enum via via_daemon(struct exempt_cmd *x, const struct rg_ctl_exempt *r,
		      size_t *removed)
{
	char line[RG_CTL_REQ_MAX + 1];
	const struct rg_jdoc_field *f;
	enum rg_ctl_client_result res;
	struct rg_strbuf reply;
	struct rg_jdoc d;
	const char *why;
	bool ok = false, parsed;
	enum via ret = VIA_SAID;

	if (rg_ctl_request_format_exempt(r, line, sizeof(line)) < 0)
		return hold_lock(x) < 0 ? VIA_SAID : VIA_HERE;
	rg_strbuf_init(&reply);
	res = rg_ctl_client_ask("exempt", x->cfg.control, line, &reply, DAEMON_TIMEOUT_MS);
	if (res != RG_CTL_ANSWERED) {
		if (res == RG_CTL_NO_DAEMON)
			ret = hold_lock(x) < 0 ? VIA_SAID : VIA_HERE;
		goto out;
	}
	parsed = rg_json_read_parse(&d, rg_strbuf_str(&reply), reply.len) == 0;
	if (!parsed || rg_json_read_bool(&d, "ok", &ok) < 0) {
		why = parsed ? rg_json_read_str(&d, "error") : NULL;
		/* A dry-run daemon keeps no state: the change is made here. */
		if (why && !strcmp(why, "not remediating"))
			ret = VIA_HERE;
		else
			fprintf(stderr, "reflguard exempt: the daemon on %s refused: %s\n",
				x->cfg.control, why ? why : "unexpected answer");
		goto out;
	}
	ret = VIA_DAEMON;
	if (ok && (f = rg_json_read_get(&d, "removed")) && f->type == RG_JDOC_NUMBER)
		*removed = (size_t)strtoull(f->str, NULL, 10);
	if (!ok) {
		f = rg_json_read_get(&d, "errno");
		errno = f && f->type == RG_JDOC_NUMBER ? atoi(f->str) : EIO;
		ret = VIA_FAILED;
	}
out:
	rg_strbuf_free(&reply);
	return ret;
}

/* The daemon's refusals, by hand: returns the reason, or NULL. */
static const char *unsafe(const struct exempt_cmd *x, const struct rg_exemption *e)
{
	struct rg_segments seg;
	const char *assumes;
	struct rg_nl rt;
	size_t i;

	if (x->cfg.n_c) {
		for (i = 0; i < x->cfg.n_c; i++)
			if (rg_addr_prefix_contains(&x->cfg.c[i], &e->c))
				break;
		if (i == x->cfg.n_c)
			return "not-expressway-c";
	}
	if (rg_state_dynamic(&x->state) >= x->cfg.max_exemptions &&
	    !rg_state_find(&x->state, e))
		return "limit";
	if (rg_nlsock_open(&rt, NETLINK_ROUTE) < 0)
		return "route-unknown";
	rg_route_segments(&rt, &e->c, &e->e_internal, &seg);
	rg_nlsock_close(&rt);
	return rg_classify_segment(&x->cfg, &e->c, &seg, &assumes);
}

/* What conntrack says of an address C dials: the internal one it is
 * translated to, when some entry was sent to it and answered by another. */
struct dnat_find {
	struct rg_addr pub, internal;
	bool found;
};

static int dnat_cb(const struct rg_flow *f, void *data)
{
	struct dnat_find *d = data;

	if (d->found || !rg_addr_equal(&f->orig.dst, &d->pub) ||
	    rg_addr_equal(&f->reply.src, &d->pub))
		return 0;
	d->internal = f->reply.src;
	d->found = true;
	return 0;
}

/* a is a configured expressway-e's public address; *internal its
 * internal one if configured. */
static bool configured_pub(const struct exempt_cmd *x, const struct rg_addr *a,
			   struct rg_addr *internal)
{
	size_t i;

	for (i = 0; i < x->cfg.n_e; i++) {
		if (!rg_addr_equal(&x->cfg.e[i].pub, a))
			continue;
		if (x->cfg.e[i].has_internal)
			*internal = x->cfg.e[i].internal;
		return true;
	}
	return false;
}

/*
 * Whether e names E by an address C dials (its public one), which
 * postrouting never sees, so the exemption could never match: from the
 * configuration's expressway-e, else from conntrack. *internal is E's
 * internal address when known (family 0 otherwise).
 */
static bool public_e(const struct exempt_cmd *x, const struct rg_exemption *e,
		     struct rg_addr *internal)
{
	struct dnat_find d = { .pub = e->e_internal, .found = false };
	struct rg_nl ct;
	bool pub;

	memset(internal, 0, sizeof(*internal));
	pub = configured_pub(x, &e->e_internal, internal);
	if (internal->family || rg_nlsock_open(&ct, NETLINK_NETFILTER) < 0)
		return pub;
	rg_ct_dump_dst(&ct, &d.pub, 1, dnat_cb, &d, NULL);
	rg_nlsock_close(&ct);
	if (d.found)
		*internal = d.internal;
	return pub || d.found;
}

/* Refuses (exit 2) an exemption for E's public address, naming E's. */
static int check_public(const struct exempt_cmd *x, const struct rg_exemption *e)
{
	char pub[INET6_ADDRSTRLEN], in[INET6_ADDRSTRLEN];
	struct rg_addr internal;

	if (x->force || !public_e(x, e, &internal))
		return 0;
	rg_addr_format(&e->e_internal, pub, sizeof(pub));
	if (internal.family) {
		rg_addr_format(&internal, in, sizeof(in));
		fprintf(stderr, "reflguard exempt add: '%s' is Expressway-E's public address, which the exemption never sees (it matches after destination NAT): use its internal address %s (--force to add it anyway)\n",
			pub, in);
	} else {
		fprintf(stderr, "reflguard exempt add: '%s' is Expressway-E's public address, which the exemption never sees (it matches after destination NAT): use its internal address (--force to add it anyway)\n",
			pub);
	}
	return -1;
}

static int parse_exemption(struct exempt_cmd *x, struct rg_exemption *e)
{
	char err[RG_ERR_LEN];

	if (want_words(x, 3) < 0)
		return -1;
	if (rg_exemption_parse(x->words[0], x->words[1], x->words[2], e, err,
			       sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "reflguard exempt %s: %s\n", x->action, err);
	return -1;
}

/* Names the exempt line that owns e; -1 when no line does. */
static int static_line(const struct exempt_cmd *x, const struct rg_exemption *e,
		       const char *action, const char *what)
{
	const struct rg_static_exempt *st = rg_config_static(&x->cfg, e);
	char origin[PATH_MAX + 16], el[RG_EXEMPT_ELEMENT_LEN];

	if (!st)
		return -1;
	rg_statics_origin(&x->cfg, st, origin, sizeof(origin));
	rg_exemption_element(e, el, sizeof(el));
	fprintf(!strcmp(action, "add") ? stdout : stderr,
		"reflguard exempt %s: %s %s: %s\n", action, what, origin, el);
	return 0;
}

static int do_add(struct exempt_cmd *x)
{
	char el[RG_EXEMPT_ELEMENT_LEN], why_s[RG_STATE_WHY_LEN];
	struct rg_ctl_exempt r;
	struct rg_exemption e;
	const char *why;
	size_t unused = 0;
	enum via by;

	if (parse_exemption(x, &e) < 0 || load_state(x) < 0 ||
	    check_public(x, &e) < 0)
		return RG_EXIT_USAGE;
	rg_exemption_element(&e, el, sizeof(el));
	if (static_line(x, &e, "add", "already exempted by the exempt line") == 0)
		return RG_EXIT_OK;
	if (!x->force && (why = unsafe(x, &e))) {
		fprintf(stderr, "reflguard exempt add: refused (%s): %s%s\n", why, el,
			!strcmp(why, "same-segment") ?
			": C is in the subnet through which the firewall reaches E: without the translation E would answer C directly" :
			!strcmp(why, "same-link") ?
			": C and E share an interface of the firewall and same-link = refuse" : "");
		return RG_EXIT_FAIL;
	}
	r = (struct rg_ctl_exempt){ .op = RG_CTL_X_ADD, .x = e, .force = x->force };
	by = via_daemon(x, &r, &unused);
	if (by != VIA_HERE) {
		if (by == VIA_SAID)
			return RG_EXIT_FAIL;
		if (by == VIA_FAILED) {
			fprintf(stderr, "reflguard exempt add: %s: %s\n", el, rg_errmsg_errno(errno));
			return RG_EXIT_FAIL;
		}
		printf("exempted %s\n", el);
		return RG_EXIT_OK;
	}
	rg_exempt_op_why_manual(x->force, why_s, sizeof(why_s));
	if (rg_exempt_op_add(&x->nl, &x->state, &e, why_s) < 0) {
		fprintf(stderr, "reflguard exempt add: %s: %s\n", el, rg_errmsg_errno(errno));
		return RG_EXIT_FAIL;
	}
	if (save_state(x) < 0) {
		/* Kernel and file change together or not at all. */
		rg_exempt_change(&x->nl, &e, false);
		return RG_EXIT_FAIL;
	}
	printf("exempted %s\n", el);
	return RG_EXIT_OK;
}

static int do_del(struct exempt_cmd *x)
{
	char el[RG_EXEMPT_ELEMENT_LEN];
	struct rg_ctl_exempt r = { .op = RG_CTL_X_DEL };
	struct rg_exemption e;
	size_t unused = 0;
	enum via by;
	int ret;

	if (parse_exemption(x, &e) < 0 || load_state(x) < 0)
		return RG_EXIT_USAGE;
	/* Configuration management owns it: the line goes, then a reload. */
	if (static_line(x, &e, "del", "refused: static, from the exempt line") == 0)
		return RG_EXIT_USAGE;
	rg_exemption_element(&e, el, sizeof(el));
	r.x = e;
	by = via_daemon(x, &r, &unused);
	if (by == VIA_SAID)
		return RG_EXIT_FAIL;
	if (by == VIA_FAILED && errno == ENOENT) {
		fprintf(stderr, "reflguard exempt del: no exemption %s\n", el);
		return RG_EXIT_FAIL;
	}
	if (by != VIA_HERE) {
		if (by == VIA_FAILED) {
			fprintf(stderr, "reflguard exempt del: %s: %s\n", el, rg_errmsg_errno(errno));
			return RG_EXIT_FAIL;
		}
		printf("removed %s\n", el);
		return RG_EXIT_OK;
	}
	ret = rg_exempt_op_del(&x->nl, &x->state, &e);
	if (ret < 0 && errno == ENOENT) {
		fprintf(stderr, "reflguard exempt del: no exemption %s\n", el);
		return RG_EXIT_FAIL;
	}
	if (ret < 0) {
		fprintf(stderr, "reflguard exempt del: %s: %s\n", el, rg_errmsg_errno(errno));
		return RG_EXIT_FAIL;
	}
	if (ret > 0 && save_state(x) < 0)
		return RG_EXIT_FAIL;
	printf("removed %s\n", el);
	return RG_EXIT_OK;
}

static void print_flushed(const struct exempt_cmd *x, size_t removed)
{
	if (x->cfg.n_static)
		printf("removed %zu %s; kept %zu static (exempt %s in %s)\n",
		       removed, rg_plural(removed, "exemption", "exemptions"),
		       x->cfg.n_static, rg_plural(x->cfg.n_static, "line", "lines"),
		       x->cfg.static_file);
	else
		printf("removed %zu %s\n", removed,
		       rg_plural(removed, "exemption", "exemptions"));
}

/* The exempt lines stay: the kernel is left holding exactly them. */
static int do_flush(struct exempt_cmd *x)
{
	struct rg_ctl_exempt r = { .op = RG_CTL_X_FLUSH };
	size_t removed = 0;
	enum via by;

	if (want_words(x, 0) < 0 || load_state(x) < 0)
		return RG_EXIT_USAGE;
	by = via_daemon(x, &r, &removed);
	if (by != VIA_HERE) {
		if (by == VIA_SAID)
			return RG_EXIT_FAIL;
		if (by == VIA_FAILED) {
			fprintf(stderr, "reflguard exempt flush: %s\n", rg_errmsg_errno(errno));
			return RG_EXIT_FAIL;
		}
		print_flushed(x, removed);
		return RG_EXIT_OK;
	}
	if (rg_exempt_op_flush(&x->nl, &x->state, &x->cfg, &removed) < 0) {
		fprintf(stderr, "reflguard exempt flush: %s\n", rg_errmsg_errno(errno));
		return RG_EXIT_FAIL;
	}
	if (save_state(x) < 0)
		return RG_EXIT_FAIL;
	print_flushed(x, removed);
	return RG_EXIT_OK;
}

/* What the kernel holds, indexed, to mark each listed exemption. */
struct kernel_list {
	struct rg_state s;
	bool failed;
};

static void collect(const struct rg_exemption *e, void *data)
{
	struct kernel_list *k = data;
	struct rg_state_entry en;

	memset(&en, 0, sizeof(en));
	en.x = *e;
	/* One the state could not hold (EINVAL) is not reflguard's. */
	if (rg_state_put(&k->s, &en) < 0 && errno != EINVAL)
		k->failed = true;
}

static void list_one(struct rg_json *j, struct rg_strbuf *text, bool json,
		     const struct rg_exemption *e, const struct rg_state_entry *st,
		     bool in_kernel)
{
	char c[INET6_ADDRSTRLEN], ei[INET6_ADDRSTRLEN], el[RG_EXEMPT_ELEMENT_LEN];

	if (!json) {
		rg_exemption_element(e, el, sizeof(el));
		const char *note = in_kernel ? (st ? "" : "  (kernel only)") :
				   "  (state only: not in the kernel)";

		rg_strbuf_addf(text, "%-40s %-28s %-8s %s%s\n", el,
			       st ? st->added : "-",
			       st && st->verified ? "yes" : "no",
			       st ? rg_state_kind(st) : "learnt", note);
		return;
	}
	rg_addr_format(&e->c, c, sizeof(c));
	rg_addr_format(&e->e_internal, ei, sizeof(ei));
	rg_json_obj_begin(j, NULL);
	rg_json_str(j, "c", c);
	rg_json_str(j, "e_internal", ei);
	rg_json_str(j, "proto", rg_addr_proto_name(e->proto));
	rg_json_int(j, "port", e->port);
	if (st)
		rg_json_str(j, "added", st->added);
	else
		rg_json_null(j, "added");
	rg_json_bool(j, "verified", st && st->verified);
	rg_json_str(j, "why", st ? st->why : "");
	rg_json_bool(j, "in_kernel", in_kernel);
	rg_json_bool(j, "in_state", st != NULL);
	rg_json_bool(j, "static", st && st->is_static);
	rg_json_str(j, "kind", st ? rg_state_kind(st) : "learnt");
	rg_json_obj_end(j);
}

/* Everything listed: the state (with the exempt lines) and the kernel. */
static int list_nft(const struct exempt_cmd *x, const struct kernel_list *k,
		    struct rg_strbuf *out)
{
	struct rg_exemption *all = calloc(x->state.n + k->s.n + 1, sizeof(*all));
	size_t i, n = 0;

	if (!all)
		return -1;
	for (i = 0; i < x->state.n; i++)
		all[n++] = x->state.v[i].x;
	for (i = 0; i < k->s.n; i++)
		if (!rg_state_find(&x->state, &k->s.v[i].x))
			all[n++] = k->s.v[i].x;
	rg_nft_text_fragment(all, n, out);
	free(all);
	return 0;
}

static int do_list(struct exempt_cmd *x)
{
	struct kernel_list k = { .failed = false };
	struct rg_strbuf out;
	struct rg_json j;
	size_t i;
	int ret = RG_EXIT_FAIL;

	if (want_words(x, 0) < 0 || load_state(x) < 0)
		return RG_EXIT_USAGE;
	rg_state_init(&k.s);
	if (rg_exempt_dump(&x->nl, collect, &k) < 0 || k.failed) {
		fprintf(stderr, "reflguard exempt list: %s\n", rg_errmsg_errno(errno));
		goto out_free;
	}
	rg_strbuf_init(&out);
	rg_json_init(&j, &out);
	if (x->nft && list_nft(x, &k, &out) < 0) {
		fprintf(stderr, "reflguard exempt list: %s\n", strerror(ENOMEM));
		rg_strbuf_free(&out);
		goto out_free;
	}
	if (x->json) {
		rg_json_obj_begin(&j, NULL);
		rg_json_arr_begin(&j, "exemptions");
	} else if (!x->nft) {
		rg_strbuf_addf(&out, "%-40s %-28s %-8s %s\n", "C . E_INTERNAL . PROTO . PORT",
			       "ADDED", "VERIFIED", "KIND");
	}
	for (i = 0; i < x->state.n && !x->nft; i++)
		list_one(&j, &out, x->json, &x->state.v[i].x, &x->state.v[i],
			 rg_state_find(&k.s, &x->state.v[i].x) != NULL);
	for (i = 0; i < k.s.n && !x->nft; i++)
		if (!rg_state_find(&x->state, &k.s.v[i].x))
			list_one(&j, &out, x->json, &k.s.v[i].x, NULL, true);
	if (x->json) {
		rg_json_arr_end(&j);
		rg_json_obj_end(&j);
		rg_strbuf_add(&out, "\n");
	}
	fputs(rg_strbuf_str(&out), stdout);
	rg_strbuf_free(&out);
	ret = RG_EXIT_OK;
out_free:
	rg_state_free(&k.s);
	return ret;
}

int exempt_main(int argc, char *argv[])
{
	struct exempt_cmd x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.lock.fd = -1;
	rg_state_init(&x.state);
	ret = parse(&x, argc, argv);
	if (ret)
		return ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
	/* Before the lock and the state file, whose refusals would not say why. */
	if (rg_probe_net_admin().state == RG_CAP_NO) {
		fprintf(stderr, "reflguard exempt: %s\n", RG_ERRMSG_PRIVILEGE);
		return RG_EXIT_FAIL;
	}
	if (rg_nlsock_open(&x.nl, NETLINK_NETFILTER) < 0) {
		fprintf(stderr, "reflguard exempt: netlink: %s\n", rg_errmsg_errno(errno));
		return RG_EXIT_FAIL;
	}
	if (!strcmp(x.action, "list"))
		ret = do_list(&x);
	else if (!strcmp(x.action, "add"))
		ret = do_add(&x);
	else if (!strcmp(x.action, "del"))
		ret = do_del(&x);
	else if (!strcmp(x.action, "flush"))
		ret = do_flush(&x);
	else {
		rg_usage_error("exempt", "unknown action '%s' (list, add, del or flush)", x.action);
		ret = RG_EXIT_USAGE;
	}
	rg_lock_release(&x.lock);
	rg_nlsock_close(&x.nl);
	rg_state_free(&x.state);
	return ret;
}
