// SPDX-License-Identifier: GPL-2.0-or-later
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

const char *const rg_refuse_reasons[RG_REFUSE_N] = {
	[RG_REFUSE_NOT_C] = "not-expressway-c",
	[RG_REFUSE_ROUTE] = "route-unknown",
	[RG_REFUSE_SAME_SEGMENT] = "same-segment",
	[RG_REFUSE_LIMIT] = "limit",
	[RG_REFUSE_INEFFECTIVE] = "exemption-ineffective",
	[RG_REFUSE_SAME_LINK] = "same-link",
	[RG_REFUSE_OTHER] = "other",
};

void rg_counters_refused(struct rg_counters *c, const char *reason)
{
	unsigned int i;

	for (i = 0; i < RG_REFUSE_OTHER; i++)
		if (reason && !strcmp(reason, rg_refuse_reasons[i]))
			break;
	c->refused++;
	c->refused_by[i]++;
}

void rg_status_init(struct rg_status *s)
{
	memset(s, 0, sizeof(*s));
}

void rg_status_free(struct rg_status *s)
{
	unsigned int i;

	for (i = 0; i < s->n_findings; i++)
		free(s->findings[i].event_json);
	s->n_findings = 0;
}

/* Takes entry i out, keeping the order; its text is handed back. */
static char *take(struct rg_status *s, unsigned int i)
{
	char *text = s->findings[i].event_json;

	memmove(&s->findings[i], &s->findings[i + 1],
		(s->n_findings - i - 1) * sizeof(s->findings[0]));
	s->n_findings--;
	return text;
}

/*
 * Called for every event: the text of the entry that goes (the same C's
 * older finding, or the oldest one) is reused, so a C that keeps
 * reporting costs no allocation once its text is as long as it gets.
 */
int rg_status_remember(struct rg_status *s, const struct rg_addr *c,
		       const char *json)
{
	size_t len = strlen(json);
	char *text = NULL, *grown;
	unsigned int i;

	/* Kept in order of their latest finding, so the first is the C
	 * heard from longest ago: a C that keeps reporting is never the one
	 * evicted. */
	for (i = 0; i < s->n_findings; i++)
		if (rg_addr_equal(&s->findings[i].c, c))
			break;
	if (i < s->n_findings)
		text = take(s, i);
	else if (s->n_findings == RG_MAX_FINDINGS)
		text = take(s, 0);
	grown = realloc(text, len + 1);
	if (!grown) {
		free(text);
		return -1;
	}
	memcpy(grown, json, len + 1);
	s->findings[s->n_findings].c = *c;
	s->findings[s->n_findings].event_json = grown;
	s->n_findings++;
	return 0;
}

static void counters_json(struct rg_json *j, const struct rg_counters *c)
{
	rg_json_obj_begin(j, "counters");
	rg_json_int(j, "packets_queued", (int64_t)c->packets_queued);
	rg_json_int(j, "packets_unparsed", (int64_t)c->packets_unparsed);
	rg_json_int(j, "flows_classified", (int64_t)c->flows_classified);
	rg_json_int(j, "translated_found", (int64_t)c->translated_found);
	rg_json_int(j, "refused", (int64_t)c->refused);
	rg_json_int(j, "lookup_failures", (int64_t)c->lookup_failures);
	rg_json_int(j, "lookup_overruns", (int64_t)c->lookup_overruns);
	rg_json_int(j, "queue_drops", (int64_t)c->queue_drops);
	rg_json_int(j, "queue_user_drops", (int64_t)c->queue_user_drops);
	rg_json_int(j, "queue_overflow", (int64_t)c->queue_overflow);
	rg_json_int(j, "enobufs", (int64_t)c->enobufs);
	rg_json_int(j, "scan_flows", (int64_t)c->scan_flows);
	rg_json_int(j, "exempted", (int64_t)c->exempted);
	rg_json_int(j, "verified", (int64_t)c->verified);
	rg_json_int(j, "resets", (int64_t)c->resets);
	rg_json_int(j, "reinstated", (int64_t)c->reinstated);
	rg_json_int(j, "events_dropped", (int64_t)c->events_dropped);
	rg_json_int(j, "log_dropped", (int64_t)c->log_dropped);
	rg_json_int(j, "state_writes", (int64_t)c->state_writes);
	rg_json_int(j, "state_write_failures", (int64_t)c->state_write_failures);
	rg_json_int(j, "ct_events", (int64_t)c->ct_events);
	rg_json_int(j, "adopted", (int64_t)c->adopted);
	rg_json_int(j, "adopt_refused", (int64_t)c->adopt_refused);
	rg_json_int(j, "ct_events_overruns", (int64_t)c->ct_events_overruns);
	rg_json_obj_end(j);
}

static void exemptions_json(struct rg_json *j, const struct rg_state *st)
{
	char c[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN];
	size_t i;

	rg_json_arr_begin(j, "exemptions");
	for (i = 0; i < st->n; i++) {
		const struct rg_state_entry *x = &st->v[i];

		rg_addr_format(&x->x.c, c, sizeof(c));
		rg_addr_format(&x->x.e_internal, e, sizeof(e));
		rg_json_obj_begin(j, NULL);
		rg_json_str(j, "c", c);
		rg_json_str(j, "e_internal", e);
		rg_json_str(j, "proto", rg_proto_name(x->x.proto));
		rg_json_int(j, "port", x->x.port);
		rg_json_str(j, "added", x->added);
		rg_json_str(j, "why", x->why);
		rg_json_bool(j, "verified", x->verified);
		rg_json_bool(j, "static", x->is_static);
		rg_json_obj_end(j);
	}
	rg_json_arr_end(j);
}

void rg_status_json(const struct rg_status *s, const struct timespec *now,
		    struct rg_strbuf *out)
{
	struct rg_json j;
	unsigned int i;

	rg_json_init(&j, out);
	rg_json_obj_begin(&j, NULL);
	rg_json_str(&j, "mode", s->mode);
	rg_json_int(&j, "pid", s->pid);
	rg_json_int(&j, "uptime_s", (int64_t)(now->tv_sec - s->started.tv_sec));
	rg_json_str(&j, "queue_path", s->queue_path);
	rg_json_str(&j, "ct_path", s->ct_path);
	rg_json_int(&j, "queue", s->queue);
	counters_json(&j, &s->counters);
	if (s->has_time_to_fix)
		rg_json_int(&j, "last_time_to_fix_ms", s->last_time_to_fix_ms);
	if (s->state)
		exemptions_json(&j, s->state);
	rg_json_arr_begin(&j, "last_findings");
	for (i = 0; i < s->n_findings; i++)
		rg_json_raw(&j, NULL, s->findings[i].event_json);
	rg_json_arr_end(&j);
	rg_json_obj_end(&j);
	rg_strbuf_add(out, "\n");
}

static void exemptions_text(const struct rg_state *st, struct rg_strbuf *out)
{
	char el[RG_EXEMPT_ELEMENT_LEN];
	size_t i;

	rg_strbuf_addf(out, "exemptions (%zu):\n", st->n);
	for (i = 0; i < st->n; i++) {
		rg_exemption_element(&st->v[i].x, el, sizeof(el));
		rg_strbuf_addf(out, "  %s  %sadded %s, %s; %s\n", el,
			       st->v[i].is_static ? "static, " : "", st->v[i].added,
			       st->v[i].verified ? "verified" : "not verified yet",
			       st->v[i].why);
	}
}

void rg_status_text(const struct rg_status *s, const struct timespec *now,
		    struct rg_strbuf *out)
{
	const struct rg_counters *c = &s->counters;
	unsigned int i;

	rg_strbuf_addf(out, "reflguard %s, pid %ld, up %llds\n", s->mode, s->pid,
		       (long long)(now->tv_sec - s->started.tv_sec));
	rg_strbuf_addf(out, "kernel path: queue %u via %s, conntrack by %s\n",
		       s->queue, s->queue_path, s->ct_path);
	rg_strbuf_addf(out, "packets queued %llu (unparsed %llu), flows classified %llu\n",
		       (unsigned long long)c->packets_queued,
		       (unsigned long long)c->packets_unparsed,
		       (unsigned long long)c->flows_classified);
	rg_strbuf_addf(out, "translated found %llu, refused %llu, lookup failures %llu\n",
		       (unsigned long long)c->translated_found,
		       (unsigned long long)c->refused,
		       (unsigned long long)c->lookup_failures);
	rg_strbuf_addf(out, "queue drops %llu (undeliverable %llu), overflow let through %llu, ENOBUFS %llu\n",
		       (unsigned long long)c->queue_drops,
		       (unsigned long long)c->queue_user_drops,
		       (unsigned long long)c->queue_overflow,
		       (unsigned long long)c->enobufs);
	if (c->events_dropped || c->log_dropped)
		rg_strbuf_addf(out, "output stalled: events dropped %llu, log lines dropped %llu\n",
			       (unsigned long long)c->events_dropped,
			       (unsigned long long)c->log_dropped);
	if (c->ct_events || c->ct_events_overruns)
		rg_strbuf_addf(out, "firewall pair: adopted %llu, refused %llu, of %llu marked entries (overruns %llu)\n",
			       (unsigned long long)c->adopted,
			       (unsigned long long)c->adopt_refused,
			       (unsigned long long)c->ct_events,
			       (unsigned long long)c->ct_events_overruns);
	if (s->has_time_to_fix)
		rg_strbuf_addf(out, "last time to fix: %lld ms from the first translated SYN\n",
			       s->last_time_to_fix_ms);
	if (s->state)
		exemptions_text(s->state, out);
	rg_strbuf_addf(out, "last findings (%u Expressway-C):\n", s->n_findings);
	for (i = 0; i < s->n_findings; i++)
		rg_strbuf_addf(out, "  %s\n", s->findings[i].event_json);
}
