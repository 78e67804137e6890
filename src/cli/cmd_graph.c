// SPDX-License-Identifier: MIT
/* surftrace graph FUNC [--depth N] [-p PID] [-t SECONDS] [--svg FILE]: surfGraph, the
 * call tree under FUNC from the function_graph tracer, with call counts and durations;
 * --svg writes a flame chart of the calls (time on x). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aggregate/flame.h"
#include "cli/cli.h"
#include "graph/graph.h"
#include "util/numarg.h"

static const char graph_usage[] =
"usage: surftrace graph FUNC [--depth N] [-p PID] [-t SECONDS] [--svg FILE]\n"
"The call tree under kernel function FUNC from the function_graph tracer: every callee\n"
"with its number of calls and total/average/max duration. Ends at -t or Ctrl-C.\n"
"  --depth N     levels of callees below FUNC (default: all)\n"
"  -p PID        only calls made by task PID\n"
"  -t SECONDS    stop after SECONDS\n"
"  --svg FILE    also write an interactive flame chart of the calls (time on x)\n"
"  -q            no start line\n"
"example: surftrace graph vfs_read --depth 3 -t 5\n";

static volatile sig_atomic_t graph_stop;

static void on_signal(int sig)
{
	(void)sig;
	graph_stop = 1;
}

static void print_node(const struct st_graph_node *n, int depth)
{
	int i;

	if (n->name)
		printf("%*s%-*s calls %-8llu total %12.3f us  avg %10.3f us  max %10.3f us\n",
		       depth * 2, "", 40 - depth * 2 > 8 ? 40 - depth * 2 : 8, n->name, n->calls,
		       (double)n->total_ns / 1e3,
		       n->calls ? (double)n->total_ns / 1e3 / (double)n->calls : 0.0,
		       (double)n->max_ns / 1e3);
	for (i = 0; i < n->nkids; i++)
		print_node(n->kids[i], n->name ? depth + 1 : depth);
}

static int write_chart(struct st_graph *g, const char *path, const char *func, bool quiet)
{
	struct st_flame_opts fo = { .unit = "ns" };
	char title[200];
	double span;
	int n, rc;
	const struct st_flame_rect *r = st_graph_rects(g, &n, &span);
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "surftrace: cannot write '%s': %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(title, sizeof(title), "surfGraph: %s (flame chart, time on x)", func);
	fo.title = title;
	rc = st_flame_svg_rects(f, r, n, span, &fo);
	if (fclose(f) || rc) {
		fprintf(stderr, "surftrace: cannot write '%s': %s\n", path, strerror(errno));
		return 1;
	}
	if (!quiet)
		fprintf(stderr, "surftrace: wrote %s (%d calls)\n", path, n);
	return 0;
}

int st_cmd_graph(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "depth", required_argument, NULL, 'd' }, { "svg", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct st_graph_opts go = { .stop = &graph_stop };
	const char *svg = NULL, *why;
	struct st_err err = { 0 };
	struct sigaction sa;
	bool quiet = false, runtime;
	double timeout = 0;
	unsigned long v;
	struct st_graph *g;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hp:t:q", opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(graph_usage, stdout); return 0;
		case 'd':
			if (st_numarg_ulong(optarg, 1, 100, &v, &why)) {
				fprintf(stderr, "surftrace graph: --depth '%s': %s (1..100)\n", optarg, why);
				return 2;
			}
			go.depth = (int)v;
			break;
		case 'p':
			if (st_numarg_ulong(optarg, 1, INT_MAX, &v, &why)) {
				fprintf(stderr, "surftrace graph: -p '%s': %s (a process id)\n", optarg, why);
				return 2;
			}
			go.pid = (int)v;
			break;
		case 't':
			if (st_numarg_seconds(optarg, 366.0 * 86400, &timeout, &why)) {
				fprintf(stderr, "surftrace graph: -t '%s': %s (seconds)\n", optarg, why);
				return 2;
			}
			break;
		case 'g': svg = optarg; break;
		case 'q': quiet = true; break;
		default:
			fputs(graph_usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "surftrace graph: %s; see 'surftrace graph --help'\n",
			optind >= argc ? "which function? (surftrace graph FUNC)" :
			"one function only");
		return 2;
	}
	go.func = argv[optind];
	if (strspn(go.func, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") !=
	    strlen(go.func)) {
		fprintf(stderr, "surftrace graph: '%s' is not a function name\n", go.func);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	g = st_graph_new(&go, &runtime, &err);
	if (!g) {
		fprintf(stderr, "surftrace graph: %s\n", err.msg);
		return runtime ? 1 : 2;
	}
	if (!quiet)
		fprintf(stderr, "Graphing %s in %s... Hit Ctrl-C to end.\n", go.func,
			st_graph_where(g));
	if (timeout > 0)
		st_cli_arm_timeout(timeout);
	if (st_graph_run(g, &err) < 0) {
		fprintf(stderr, "surftrace graph: %s\n", err.msg);
		rc = 1;
	}
	st_cli_arm_timeout(0);
	if (st_graph_lost(g))
		fprintf(stderr, "surftrace graph: lost %llu records (calls may be missing)\n",
			st_graph_lost(g));
	if (st_graph_stop(g, &err) < 0) {
		fprintf(stderr, "surftrace graph: cleanup: %s\n", err.msg);
		rc = 1;
	}
	print_node(st_graph_tree(g), 0);
	if (svg && write_chart(g, svg, go.func, quiet))
		rc = 1;
	st_graph_free(g);
	return rc;
}
