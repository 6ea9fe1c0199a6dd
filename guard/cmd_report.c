// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "report.h"
#include "strbuf.h"

const char report_usage[] =
	"Usage: reflguard report [--json] EVENTS_FILE\n"
	"\n"
	"Summarises an events file written by 'reflguard run' for the firewall's\n"
	"owner, per Expressway-C: which Expressway-E it reaches, the address E\n"
	"saw, first and last seen, how many flows were translated, what was\n"
	"refused and why, and the recommended fix. EVENTS_FILE '-' reads the\n"
	"standard input. Lines that are not reflguard events are counted and\n"
	"skipped.\n"
	"\n"
	"  --json      print one JSON object instead of the text\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0 no translated flow in the file, 1 some flows were\n"
	"translated, 2 bad usage or an unreadable file.\n";

/* Returns 0 to go on, 1 when help was shown, -1 on bad usage. */
static int parse_args(int argc, char *argv[], bool *json, const char **file)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char word[8];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = true;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return 1;
		default:
			fprintf(stderr, "reflguard report: unknown option '%s' (see 'reflguard help report')\n",
				rg_cli_bad_option(argv, optind, optopt, word, sizeof(word)));
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "reflguard report: missing EVENTS_FILE (see 'reflguard help report')\n");
		return -1;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "reflguard report: unexpected argument '%s' (see 'reflguard help report')\n",
			argv[optind + 1]);
		return -1;
	}
	*file = argv[optind];
	return 0;
}

static int feed_file(FILE *f, const char *name, struct rg_report *r)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = -1;

	for (;;) {
		/* getline() leaves errno alone at the end of the file. */
		errno = 0;
		n = getline(&line, &cap, f);
		if (n < 0)
			break;
		rg_report_feed(r, line, (size_t)n);
	}
	if (ferror(f) || errno) {
		fprintf(stderr, "reflguard report: cannot read '%s': %s\n",
			name, strerror(errno ? errno : EIO));
		goto out;
	}
	ret = 0;
out:
	free(line);
	return ret;
}

static int read_events(const char *name, struct rg_report *r)
{
	bool std = !strcmp(name, "-");
	FILE *f = std ? stdin : fopen(name, "r");
	int ret;

	if (!f) {
		fprintf(stderr, "reflguard report: cannot open '%s': %s\n",
			name, strerror(errno));
		return -1;
	}
	ret = feed_file(f, name, r);
	if (!std)
		fclose(f);
	return ret;
}

int report_main(int argc, char *argv[])
{
	const char *file = NULL;
	struct rg_report r;
	struct rg_strbuf out;
	bool json = false;
	int ret;

	ret = parse_args(argc, argv, &json, &file);
	if (ret)
		return ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
	rg_report_init(&r);
	rg_strbuf_init(&out);
	ret = RG_EXIT_USAGE;
	if (read_events(file, &r))
		goto out;
	if (json)
		rg_report_json(&r, &out);
	else
		rg_report_text(&r, &out);
	if (rg_strbuf_failed(&out)) {
		fprintf(stderr, "reflguard report: out of memory\n");
		goto out;
	}
	fputs(rg_strbuf_str(&out), stdout);
	ret = r.translated ? RG_EXIT_FAIL : RG_EXIT_OK;
out:
	rg_strbuf_free(&out);
	rg_report_free(&r);
	return ret;
}
