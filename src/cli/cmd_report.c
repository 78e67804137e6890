// SPDX-License-Identifier: MIT
/* surftrace report FILE [--json] [-q]: a -w recording printed as the live run would have
 * printed it (same lines or JSON records, same name-prefix conversions). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "surftrace.h"
#include "cli/cli.h"

int st_cmd_report(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "json", no_argument, NULL, 'j' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct surftrace_err err = { 0 };
	bool json = false, quiet = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'q': quiet = true; break;
		case 'h':
			puts("usage: surftrace report FILE [--json] [-q]\n"
			     "Print a recording made with 'surftrace -w FILE ...' as the live run "
			     "would have.\n(trace-cmd report FILE and KernelShark open it too.)");
			return 0;
		default:
			return st_cli_usage_error("report: unknown option");
		}
	}
	st_cli_errors_init(json, quiet, NULL, NULL, 0);
	if (optind != argc - 1)
		return st_cli_usage_error("report needs one FILE (surftrace report FILE [--json])");
	if (surftrace_report(argv[optind], stdout, json, quiet ? NULL : stderr, &err) < 0) {
		st_cli_error("%s", err.msg);
		return 1;
	}
	if (fflush(stdout) != 0) {
		st_cli_error("cannot write the report");
		return 1;
	}
	return 0;
}
