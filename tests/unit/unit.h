/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_UNIT_H
#define RG_UNIT_H

#include <CUnit/CUnit.h>

/* Each test_*.c registers its suite; main.c calls them all. */
int register_strbuf_tests(void);
int register_errmsg_tests(void);
int register_json_tests(void);
int register_cli_tests(void);
int register_caps_tests(void);
int register_doctor_report_tests(void);
int register_addr_tests(void);
int register_config_tests(void);
int register_community_id_tests(void);
int register_event_tests(void);
int register_json_read_tests(void);
int register_report_tests(void);
int register_report_html_tests(void);
int register_classify_tests(void);
int register_ct_parse_tests(void);
int register_ct_many_tests(void);
int register_pkt_parse_tests(void);
int register_queue_msg_tests(void);
int register_stats_tests(void);
int register_finding_tests(void);
int register_observe_rule_tests(void);
int register_reset_rule_tests(void);
int register_exempt_rule_tests(void);
int register_packet_flow_tests(void);
int register_exemption_tests(void);
int register_state_tests(void);
int register_remedy_tests(void);
int register_ctl_request_tests(void);
int register_statics_tests(void);
int register_log_format_tests(void);
int register_metrics_tests(void);
int register_http_request_tests(void);
int register_route_cache_tests(void);
int register_seccomp_filter_tests(void);
int register_ring_tests(void);
int register_repeat_tests(void);
int register_watchdog_tests(void);
int register_syn_pair_tests(void);
int register_adopt_tests(void);
int register_ct_mark_filter_tests(void);

/* Adds a suite and its tests; returns -1 on a CUnit registry error. */
struct unit_test {
	const char *name;
	void (*fn)(void);
};
int unit_add_suite(const char *name, const struct unit_test *tests);

#endif
