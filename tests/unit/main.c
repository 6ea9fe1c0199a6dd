// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "unit.h"

int unit_add_suite(const char *name, const struct unit_test *tests)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	if (!s)
		return -1;
	for (; tests->name; tests++)
		if (!CU_add_test(s, tests->name, tests->fn))
			return -1;
	return 0;
}

static int (*const registrars[])(void) = {
	register_remedy_tests,
	register_observe_rule_tests,
	register_reset_rule_tests,
	register_exempt_rule_tests,
	register_packet_flow_tests,
	register_exemption_tests,
	register_state_tests,
	register_strbuf_tests,
	register_errmsg_tests,
	register_json_tests,
	register_cli_tests,
	register_caps_tests,
	register_doctor_report_tests,
	register_addr_tests,
	register_config_tests,
	register_community_id_tests,
	register_event_tests,
	register_json_read_tests,
	register_report_tests,
	register_report_html_tests,
	register_classify_tests,
	register_ct_parse_tests,
	register_ct_many_tests,
	register_pkt_parse_tests,
	register_queue_msg_tests,
	register_stats_tests,
	register_finding_tests,
	register_ctl_request_tests,
	register_statics_tests,
	register_log_format_tests,
	register_metrics_tests,
	register_http_request_tests,
	register_route_cache_tests,
	register_seccomp_filter_tests,
	register_ring_tests,
	register_repeat_tests,
	register_watchdog_tests,
	register_syn_pair_tests,
	register_adopt_tests,
	register_ct_mark_filter_tests,
};

int main(int argc, char *argv[])
{
	unsigned int run, failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (i = 0; i < sizeof(registrars) / sizeof(registrars[0]); i++) {
		if (registrars[i]() < 0) {
			fprintf(stderr, "unit: cannot register tests: %s\n",
				CU_get_error_msg());
			CU_cleanup_registry();
			return 2;
		}
	}
	CU_basic_set_mode(argc > 1 && !strcmp(argv[1], "-v") ?
			  CU_BRM_VERBOSE : CU_BRM_NORMAL);
	CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	/* A line tests/run.sh reads to add these to the suite's total. */
	printf("\nunit: %u passed, %u failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
