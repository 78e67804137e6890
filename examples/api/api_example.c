// SPDX-License-Identifier: MIT
/* libsurftrace example: trace the expressions given on the command line, print each
 * event as surftrace would, and at the end how many events each expression produced.
 * Optionally sums one numeric field (-f NAME), read through surftrace_event_num().
 *
 *   api_example [-t SECONDS] [-f FIELD] EXPR...
 *   api_example -t 5 -f a 'P ./target:st_target a=%0'
 *
 * Needs root. Ctrl-C stops; tracefs is left exactly as it was. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include <surftrace.h>

#define MAX_EXPRS 64

struct tally {
	unsigned long long count[MAX_EXPRS];
	const char *field;
	long long sum;
};

static struct surftrace *g_st;

static void on_signal(int sig)
{
	(void)sig;
	surftrace_request_stop(g_st);  /* async-signal-safe: only sets a flag */
}

static int on_event(const struct surftrace_event *ev, void *ctx)
{
	struct tally *t = ctx;
	unsigned long long v;
	const char *line = surftrace_event_format(ev, false);

	if (line)
		printf("%s\n", line);
	if (ev->expr >= 0 && ev->expr < MAX_EXPRS)
		t->count[ev->expr]++;
	if (t->field && surftrace_event_num(ev, t->field, &v) == 0)
		t->sum += (long long)v;
	return 0;  /* non-zero would stop the run */
}

static void stop_after(double seconds)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(int argc, char **argv)
{
	struct surftrace_opts opts = { .sz = sizeof(opts) };
	struct surftrace_err err = { 0 };
	struct tally t = { { 0 }, NULL, 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	double seconds = 0;
	int c, i, n = 0, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);  /* a live tool: every event as it comes */
	while ((c = getopt(argc, argv, "t:f:")) != -1) {
		if (c == 't')
			seconds = atof(optarg);
		else if (c == 'f')
			t.field = optarg;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: %s [-t SECONDS] [-f FIELD] EXPR...\n", argv[0]);
		return 2;
	}
	g_st = surftrace_new(&opts, &err);
	if (!g_st) {
		fprintf(stderr, "error: %s\n", err.msg);
		return 1;
	}
	for (i = optind; i < argc && n < MAX_EXPRS; i++, n++) {
		if (surftrace_add(g_st, argv[i], &err) < 0) {
			fprintf(stderr, "error in '%s' at column %d: %s\n", argv[i], err.col, err.msg);
			surftrace_free(g_st);
			return 2;
		}
	}
	/* Handlers first: a signal during setup then just ends the run early. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (surftrace_start(g_st, on_event, &t, &err) < 0) {
		fprintf(stderr, "error: %s\n", err.msg);
		surftrace_free(g_st);
		return 1;
	}
	fprintf(stderr, "tracing as %s\n", surftrace_name(g_st));
	if (seconds > 0)
		stop_after(seconds);
	if (surftrace_run(g_st, &err) < 0) {
		fprintf(stderr, "error: %s\n", err.msg);
		rc = 1;
	}
	surftrace_print_lost(g_st, stderr);
	for (i = 0; i < n; i++)
		printf("# expression %d: %llu events\n", i + 1, t.count[i]);
	if (t.field)
		printf("# sum of %s: %lld\n", t.field, t.sum);
	surftrace_free(g_st);  /* removes the instance and the probes */
	return rc;
}
