// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "metrics.h"
#include "unit.h"

static void test_hist_observe(void)
{
	struct rg_hist h;

	memset(&h, 0, sizeof(h));
	rg_hist_observe(&h, 0);
	rg_hist_observe(&h, 10000);		/* on a bound: that bucket */
	rg_hist_observe(&h, 10001);
	rg_hist_observe(&h, 1000000000);
	rg_hist_observe(&h, 1000000001);	/* only +Inf */
	CU_ASSERT_EQUAL(h.bucket[0], 2);
	CU_ASSERT_EQUAL(h.bucket[1], 1);
	CU_ASSERT_EQUAL(h.bucket[RG_HIST_BOUNDS - 1], 1);
	CU_ASSERT_EQUAL(h.bucket[RG_HIST_BOUNDS], 1);
	CU_ASSERT_EQUAL(h.count, 5);
	CU_ASSERT_EQUAL(h.sum_ns, 2000020002ULL);
}

/* Each word events carry has its own count; anything else is "other". */
static void test_refused_by_reason(void)
{
	struct rg_counters c;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < RG_REFUSE_OTHER; i++)
		rg_counters_refused(&c, rg_refuse_reasons[i]);
	rg_counters_refused(&c, "limit");
	rg_counters_refused(&c, NULL);
	rg_counters_refused(&c, "limitless");
	CU_ASSERT_EQUAL(c.refused, RG_REFUSE_OTHER + 3);
	for (i = 0; i < RG_REFUSE_OTHER; i++)
		CU_ASSERT_EQUAL(c.refused_by[i], i == RG_REFUSE_LIMIT ? 2 : 1);
	CU_ASSERT_EQUAL(c.refused_by[RG_REFUSE_OTHER], 2);
	CU_ASSERT_STRING_EQUAL(rg_refuse_reasons[RG_REFUSE_SAME_SEGMENT], "same-segment");
}

static void test_label_escaping(void)
{
	struct rg_strbuf out;

	rg_strbuf_init(&out);
	rg_metrics_label(&out, "a\\b\"c\nd");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out), "a\\\\b\\\"c\\nd");
	rg_strbuf_reset(&out);
	rg_metrics_label(&out, NULL);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out), "");
	rg_strbuf_free(&out);
}

/* A known snapshot, and every line of the text it must give. */
static const char expected[] =
	"# HELP reflguard_build_info Always 1; the labels say which reflguard and which kernel paths.\n"
	"# TYPE reflguard_build_info gauge\n"
	"reflguard_build_info{version=\"0.1.0-\\\"x\\\"\",queue_path=\"inet-prerouting\",ct_path=\"attached\"} 1\n"
	"# HELP reflguard_mode 1 for the mode in force.\n"
	"# TYPE reflguard_mode gauge\n"
	"reflguard_mode{mode=\"dry-run\"} 0\n"
	"reflguard_mode{mode=\"remediate\"} 1\n"
	"# HELP reflguard_start_time_seconds Start time of the daemon since the Unix epoch.\n"
	"# TYPE reflguard_start_time_seconds gauge\n"
	"reflguard_start_time_seconds 1700000000\n"
	"# HELP reflguard_exemptions Exemptions installed now (remediate mode).\n"
	"# TYPE reflguard_exemptions gauge\n"
	"reflguard_exemptions 0\n"
	"# HELP reflguard_last_time_to_fix_seconds From the first translated SYN to the first clean connection, last time.\n"
	"# TYPE reflguard_last_time_to_fix_seconds gauge\n"
	"reflguard_last_time_to_fix_seconds 1.042\n"
	"# HELP reflguard_packets_queued_total Packets the kernel queued to reflguard.\n"
	"# TYPE reflguard_packets_queued_total counter\n"
	"reflguard_packets_queued_total 7\n"
	"# HELP reflguard_packets_unparsed_total Queued packets that could not be parsed.\n"
	"# TYPE reflguard_packets_unparsed_total counter\n"
	"reflguard_packets_unparsed_total 0\n"
	"# HELP reflguard_flows_classified_total Hairpinned traversal flows classified.\n"
	"# TYPE reflguard_flows_classified_total counter\n"
	"reflguard_flows_classified_total 5\n"
	"# HELP reflguard_translated_found_total Classified flows whose source the firewall translated.\n"
	"# TYPE reflguard_translated_found_total counter\n"
	"reflguard_translated_found_total 3\n"
	"# HELP reflguard_lookup_failures_total Queued packets whose conntrack entry could not be found.\n"
	"# TYPE reflguard_lookup_failures_total counter\n"
	"reflguard_lookup_failures_total 0\n"
	"# HELP reflguard_lookup_overruns_total Batched conntrack lookups whose answers overran the socket (ENOBUFS), then asked one at a time.\n"
	"# TYPE reflguard_lookup_overruns_total counter\n"
	"reflguard_lookup_overruns_total 0\n"
	"# HELP reflguard_queue_drops_total Packets the kernel dropped from the queue (procfs).\n"
	"# TYPE reflguard_queue_drops_total counter\n"
	"reflguard_queue_drops_total 0\n"
	"# HELP reflguard_queue_user_drops_total Packets the kernel could not deliver to reflguard (procfs).\n"
	"# TYPE reflguard_queue_user_drops_total counter\n"
	"reflguard_queue_user_drops_total 0\n"
	"# HELP reflguard_queue_overflow_total Matched packets let through unqueued because the queue was full.\n"
	"# TYPE reflguard_queue_overflow_total counter\n"
	"reflguard_queue_overflow_total 0\n"
	"# HELP reflguard_enobufs_total Queue socket overruns (ENOBUFS).\n"
	"# TYPE reflguard_enobufs_total counter\n"
	"reflguard_enobufs_total 0\n"
	"# HELP reflguard_scan_flows_total Conntrack entries read by start-up and resync scans.\n"
	"# TYPE reflguard_scan_flows_total counter\n"
	"reflguard_scan_flows_total 0\n"
	"# HELP reflguard_exemptions_added_total Exemptions installed.\n"
	"# TYPE reflguard_exemptions_added_total counter\n"
	"reflguard_exemptions_added_total 2\n"
	"# HELP reflguard_exemptions_removed_total Exemptions removed as ineffective.\n"
	"# TYPE reflguard_exemptions_removed_total counter\n"
	"reflguard_exemptions_removed_total 1\n"
	"# HELP reflguard_exemptions_verified_total Exemptions proved by a clean connection.\n"
	"# TYPE reflguard_exemptions_verified_total counter\n"
	"reflguard_exemptions_verified_total 0\n"
	"# HELP reflguard_resets_total Translated connections reset so that they reconnect exempted.\n"
	"# TYPE reflguard_resets_total counter\n"
	"reflguard_resets_total 0\n"
	"# HELP reflguard_reinstated_total Times reflguard's objects were put back after someone removed them.\n"
	"# TYPE reflguard_reinstated_total counter\n"
	"reflguard_reinstated_total 0\n"
	"# HELP reflguard_events_dropped_total Events lines dropped because their output did not keep up (the flows are counted).\n"
	"# TYPE reflguard_events_dropped_total counter\n"
	"reflguard_events_dropped_total 9\n"
	"# HELP reflguard_log_dropped_total Log lines dropped because the log output did not keep up.\n"
	"# TYPE reflguard_log_dropped_total counter\n"
	"reflguard_log_dropped_total 0\n"
	"# HELP reflguard_state_writes_total State file writes (made beside the loop, coalesced).\n"
	"# TYPE reflguard_state_writes_total counter\n"
	"reflguard_state_writes_total 0\n"
	"# HELP reflguard_state_write_failures_total State file writes that failed (retried).\n"
	"# TYPE reflguard_state_write_failures_total counter\n"
	"reflguard_state_write_failures_total 0\n"
	"# HELP reflguard_ct_events_total Marked conntrack entries announced to reflguard (the kernel filters the rest).\n"
	"# TYPE reflguard_ct_events_total counter\n"
	"reflguard_ct_events_total 0\n"
	"# HELP reflguard_adopted_total Exemptions adopted from a firewall pair's peer (marked conntrack entries).\n"
	"# TYPE reflguard_adopted_total counter\n"
	"reflguard_adopted_total 0\n"
	"# HELP reflguard_adopt_refused_total Marked conntrack entries of a pair's peer this node would not exempt.\n"
	"# TYPE reflguard_adopt_refused_total counter\n"
	"reflguard_adopt_refused_total 0\n"
	"# HELP reflguard_ct_events_overruns_total Conntrack event socket overruns (ENOBUFS), answered by a resync.\n"
	"# TYPE reflguard_ct_events_overruns_total counter\n"
	"reflguard_ct_events_overruns_total 0\n"
	"# HELP reflguard_refused_total Translated flows not exempted, by reason.\n"
	"# TYPE reflguard_refused_total counter\n"
	"reflguard_refused_total{reason=\"not-expressway-c\"} 0\n"
	"reflguard_refused_total{reason=\"route-unknown\"} 0\n"
	"reflguard_refused_total{reason=\"same-segment\"} 0\n"
	"reflguard_refused_total{reason=\"limit\"} 1\n"
	"reflguard_refused_total{reason=\"exemption-ineffective\"} 0\n"
	"reflguard_refused_total{reason=\"same-link\"} 0\n"
	"reflguard_refused_total{reason=\"other\"} 1\n"
	"# HELP reflguard_handling_seconds Time from a queued packet's arrival to its handling done.\n"
	"# TYPE reflguard_handling_seconds histogram\n"
	"reflguard_handling_seconds_bucket{le=\"1e-05\"} 1\n"
	"reflguard_handling_seconds_bucket{le=\"2.5e-05\"} 1\n"
	"reflguard_handling_seconds_bucket{le=\"5e-05\"} 2\n"
	"reflguard_handling_seconds_bucket{le=\"0.0001\"} 2\n"
	"reflguard_handling_seconds_bucket{le=\"0.00025\"} 2\n"
	"reflguard_handling_seconds_bucket{le=\"0.0005\"} 2\n"
	"reflguard_handling_seconds_bucket{le=\"0.001\"} 2\n"
	"reflguard_handling_seconds_bucket{le=\"0.0025\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"0.005\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"0.01\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"0.025\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"0.05\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"0.1\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"0.25\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"1\"} 3\n"
	"reflguard_handling_seconds_bucket{le=\"+Inf\"} 4\n"
	"reflguard_handling_seconds_sum 2.002045000\n"
	"reflguard_handling_seconds_count 4\n";

static void snapshot(struct rg_status *s, struct rg_hist *h, struct rg_state *st)
{
	rg_status_init(s);
	memset(h, 0, sizeof(*h));
	rg_state_init(st);
	s->mode = "remediate";
	s->queue_path = "inet-prerouting";
	s->ct_path = "attached";
	s->state = st;
	s->has_time_to_fix = true;
	s->last_time_to_fix_ms = 1042;
	s->counters.packets_queued = 7;
	s->counters.flows_classified = 5;
	s->counters.translated_found = 3;
	s->counters.exempted = 2;
	s->counters.unexempted = 1;
	s->counters.events_dropped = 9;
	rg_counters_refused(&s->counters, "limit");
	rg_counters_refused(&s->counters, "a-new-word");
	rg_hist_observe(h, 5000);
	rg_hist_observe(h, 40000);
	rg_hist_observe(h, 2000000);
	rg_hist_observe(h, 2000000000);
}

static void test_format_exact(void)
{
	struct rg_metrics_info info = { "0.1.0-\"x\"", 1700000000 };
	struct rg_strbuf out;
	struct rg_status s;
	struct rg_state st;
	struct rg_hist h;

	snapshot(&s, &h, &st);
	CU_ASSERT_EQUAL(s.counters.refused, 2);
	rg_strbuf_init(&out);
	rg_metrics_format(&s, &h, &info, &out);
	CU_ASSERT_FALSE(rg_strbuf_failed(&out));
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out), expected);
	rg_strbuf_free(&out);
	rg_status_free(&s);
	rg_state_free(&st);
}

/* Dry-run: no time to fix yet, the exemptions gauge reads 0. */
static void test_format_dry_run(void)
{
	struct rg_metrics_info info = { "v", 0 };
	struct rg_strbuf out;
	struct rg_status s;
	struct rg_hist h;

	rg_status_init(&s);
	memset(&h, 0, sizeof(h));
	s.mode = "dry-run";
	rg_strbuf_init(&out);
	rg_metrics_format(&s, &h, &info, &out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "reflguard_mode{mode=\"dry-run\"} 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "\nreflguard_exemptions 0\n"));
	CU_ASSERT_PTR_NULL(strstr(out.data, "time_to_fix"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "queue_path=\"\",ct_path=\"\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "reflguard_handling_seconds_bucket{le=\"+Inf\"} 0\n"
				       "reflguard_handling_seconds_sum 0.000000000\n"));
	rg_strbuf_free(&out);
}

static const struct unit_test tests[] = {
	{ "histogram: a bound is in its bucket, beyond is +Inf", test_hist_observe },
	{ "refusals counted by reason, unknown words as other", test_refused_by_reason },
	{ "label values escape \\, \" and newline", test_label_escaping },
	{ "exact text of a known snapshot, buckets cumulative", test_format_exact },
	{ "dry-run snapshot", test_format_dry_run },
	{ NULL, NULL }
};

int register_metrics_tests(void)
{
	return unit_add_suite("metrics", tests);
}
