// SPDX-License-Identifier: GPL-2.0-or-later
#include "metrics.h"

#include <stddef.h>
#include <string.h>

/* From 10 µs, a queue callback that only accepts, to 1 s, a netlink round
 * trip stuck behind a busy kernel. */
const uint64_t rg_hist_bounds_ns[RG_HIST_BOUNDS] = {
	10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000, 25000000, 50000000,
	100000000, 250000000, 1000000000,
};

/* The same bounds as the le label shows them, in seconds. */
static const char *const bound_labels[RG_HIST_BOUNDS] = {
	"1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005",
	"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
	"0.1", "0.25", "1",
};

void rg_hist_observe(struct rg_hist *h, uint64_t ns)
{
	unsigned int i;

	for (i = 0; i < RG_HIST_BOUNDS && ns > rg_hist_bounds_ns[i]; i++)
		;
	h->bucket[i]++;
	h->count++;
	h->sum_ns += ns;
}

void rg_metrics_label(struct rg_strbuf *out, const char *value)
{
	const char *p;

	for (p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			rg_strbuf_add(out, "\\\\");
		else if (*p == '"')
			rg_strbuf_add(out, "\\\"");
		else if (*p == '\n')
			rg_strbuf_add(out, "\\n");
		else
			rg_strbuf_addn(out, p, 1);
	}
}

static void header(struct rg_strbuf *out, const char *name, const char *type,
		   const char *help)
{
	rg_strbuf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void value(struct rg_strbuf *out, const char *name, uint64_t v)
{
	rg_strbuf_addf(out, "%s %llu\n", name, (unsigned long long)v);
}

/* The counters a struct rg_counters holds one for one. */
static const struct {
	const char *name;
	size_t off;
	const char *help;
} counters[] = {
	{ "reflguard_packets_queued_total", offsetof(struct rg_counters, packets_queued),
	  "Packets the kernel queued to reflguard." },
	{ "reflguard_packets_unparsed_total", offsetof(struct rg_counters, packets_unparsed),
	  "Queued packets that could not be parsed." },
	{ "reflguard_flows_classified_total", offsetof(struct rg_counters, flows_classified),
	  "Hairpinned traversal flows classified." },
	{ "reflguard_translated_found_total", offsetof(struct rg_counters, translated_found),
	  "Classified flows whose source the firewall translated." },
	{ "reflguard_lookup_failures_total", offsetof(struct rg_counters, lookup_failures),
	  "Queued packets whose conntrack entry could not be found." },
	{ "reflguard_lookup_overruns_total", offsetof(struct rg_counters, lookup_overruns),
	  "Batched conntrack lookups whose answers overran the socket (ENOBUFS), then asked one at a time." },
	{ "reflguard_queue_drops_total", offsetof(struct rg_counters, queue_drops),
	  "Packets the kernel dropped from the queue (procfs)." },
	{ "reflguard_queue_user_drops_total", offsetof(struct rg_counters, queue_user_drops),
	  "Packets the kernel could not deliver to reflguard (procfs)." },
	{ "reflguard_queue_overflow_total", offsetof(struct rg_counters, queue_overflow),
	  "Matched packets let through unqueued because the queue was full." },
	{ "reflguard_enobufs_total", offsetof(struct rg_counters, enobufs),
	  "Queue socket overruns (ENOBUFS)." },
	{ "reflguard_scan_flows_total", offsetof(struct rg_counters, scan_flows),
	  "Conntrack entries read by start-up and resync scans." },
	{ "reflguard_exemptions_added_total", offsetof(struct rg_counters, exempted),
	  "Exemptions installed." },
	{ "reflguard_exemptions_removed_total", offsetof(struct rg_counters, unexempted),
	  "Exemptions removed as ineffective." },
	{ "reflguard_exemptions_verified_total", offsetof(struct rg_counters, verified),
	  "Exemptions proved by a clean connection." },
	{ "reflguard_resets_total", offsetof(struct rg_counters, resets),
	  "Translated connections reset so that they reconnect exempted." },
	{ "reflguard_reinstated_total", offsetof(struct rg_counters, reinstated),
	  "Times reflguard's objects were put back after someone removed them." },
	{ "reflguard_events_dropped_total", offsetof(struct rg_counters, events_dropped),
	  "Events lines dropped because their output did not keep up (the flows are counted)." },
	{ "reflguard_log_dropped_total", offsetof(struct rg_counters, log_dropped),
	  "Log lines dropped because the log output did not keep up." },
	{ "reflguard_state_writes_total", offsetof(struct rg_counters, state_writes),
	  "State file writes (made beside the loop, coalesced)." },
	{ "reflguard_state_write_failures_total",
	  offsetof(struct rg_counters, state_write_failures),
	  "State file writes that failed (retried)." },
	{ "reflguard_ct_events_total", offsetof(struct rg_counters, ct_events),
	  "Marked conntrack entries announced to reflguard (the kernel filters the rest)." },
	{ "reflguard_adopted_total", offsetof(struct rg_counters, adopted),
	  "Exemptions adopted from a firewall pair's peer (marked conntrack entries)." },
	{ "reflguard_adopt_refused_total", offsetof(struct rg_counters, adopt_refused),
	  "Marked conntrack entries of a pair's peer this node would not exempt." },
	{ "reflguard_ct_events_overruns_total", offsetof(struct rg_counters, ct_events_overruns),
	  "Conntrack event socket overruns (ENOBUFS), answered by a resync." },
};

static void counters_text(const struct rg_counters *c, struct rg_strbuf *out)
{
	size_t i;

	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		header(out, counters[i].name, "counter", counters[i].help);
		value(out, counters[i].name,
		      *(const uint64_t *)((const char *)c + counters[i].off));
	}
	header(out, "reflguard_refused_total", "counter",
	       "Translated flows not exempted, by reason.");
	for (i = 0; i < RG_REFUSE_N; i++)
		rg_strbuf_addf(out, "reflguard_refused_total{reason=\"%s\"} %llu\n",
			       rg_refuse_reasons[i],
			       (unsigned long long)c->refused_by[i]);
}

/* Buckets are cumulative in the format; the sum is exact, from ns. */
static void hist_text(const struct rg_hist *h, struct rg_strbuf *out)
{
	static const char name[] = "reflguard_handling_seconds";
	uint64_t cum = 0;
	unsigned int i;

	header(out, name, "histogram",
	       "Time from a queued packet's arrival to its handling done.");
	for (i = 0; i <= RG_HIST_BOUNDS; i++) {
		cum += h->bucket[i];
		rg_strbuf_addf(out, "%s_bucket{le=\"%s\"} %llu\n", name,
			       i < RG_HIST_BOUNDS ? bound_labels[i] : "+Inf",
			       (unsigned long long)cum);
	}
	rg_strbuf_addf(out, "%s_sum %llu.%09llu\n", name,
		       (unsigned long long)(h->sum_ns / 1000000000u),
		       (unsigned long long)(h->sum_ns % 1000000000u));
	value(out, "reflguard_handling_seconds_count", h->count);
}

static void info_text(const struct rg_status *s,
		      const struct rg_metrics_info *info, struct rg_strbuf *out)
{
	static const char *const modes[] = { "dry-run", "remediate" };
	unsigned int i;

	header(out, "reflguard_build_info", "gauge",
	       "Always 1; the labels say which reflguard and which kernel paths.");
	rg_strbuf_add(out, "reflguard_build_info{version=\"");
	rg_metrics_label(out, info->version);
	rg_strbuf_add(out, "\",queue_path=\"");
	rg_metrics_label(out, s->queue_path);
	rg_strbuf_add(out, "\",ct_path=\"");
	rg_metrics_label(out, s->ct_path);
	rg_strbuf_add(out, "\"} 1\n");
	header(out, "reflguard_mode", "gauge", "1 for the mode in force.");
	for (i = 0; i < 2; i++)
		rg_strbuf_addf(out, "reflguard_mode{mode=\"%s\"} %d\n", modes[i],
			       s->mode && !strcmp(s->mode, modes[i]));
	header(out, "reflguard_start_time_seconds", "gauge",
	       "Start time of the daemon since the Unix epoch.");
	rg_strbuf_addf(out, "reflguard_start_time_seconds %lld\n",
		       (long long)info->start_time_s);
	header(out, "reflguard_exemptions", "gauge",
	       "Exemptions installed now (remediate mode).");
	value(out, "reflguard_exemptions", s->state ? s->state->n : 0);
}

void rg_metrics_format(const struct rg_status *s, const struct rg_hist *h,
		       const struct rg_metrics_info *info, struct rg_strbuf *out)
{
	info_text(s, info, out);
	if (s->has_time_to_fix) {
		header(out, "reflguard_last_time_to_fix_seconds", "gauge",
		       "From the first translated SYN to the first clean connection, last time.");
		rg_strbuf_addf(out, "reflguard_last_time_to_fix_seconds %lld.%03lld\n",
			       s->last_time_to_fix_ms / 1000, s->last_time_to_fix_ms % 1000);
	}
	counters_text(&s->counters, out);
	hist_text(h, out);
}
