// SPDX-License-Identifier: MIT
/* Bench driver for the reader + output stages without the CLI: creates a private ftrace
 * instance, enables one trace event (optional filter), reads it with st_reader and
 * writes text or JSON with st_output to a file until SIGINT/SIGTERM, -t SECONDS or
 * -n COUNT, then prints "delivered=N lost=N" on stderr and removes the instance.
 *   st_readbench -e syscalls/sys_enter_getppid [-f FILTER] [-o FILE] [-j] [-s]
 *                [-t SECS] [-n COUNT] [-b BUFFER_KB] [-r READY_FILE] [-w PERCENT] [-N]
 * -w: a fixed wake-up mark (buffer_percent; default: surftrace's, ST_READ_WAKE_AUTO);
 * -N: keep the nice value (default: -20 while batching when root, as surftrace).
 * cpu_ns_per_event on stderr is the reader's user+sys CPU time per delivered event.
 * READY_FILE is created once the event is enabled (benches wait for it).
 *   st_readbench -I DIR -e SYS/NAME [-o FILE] [-j]
 * replays a recorded instance instead (bench/reader_cost.sh makes one: per_cpu/cpuN/
 * trace_pipe_raw holding raw pages, the event's format, header_page, saved_cmdlines):
 * everything is read and written once, nothing is created, for instruction counts under
 * valgrind --tool=callgrind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output/output.h"
#include "read/read.h"

static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }

static char inst[256];

static int wr(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", inst, rel);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

struct ctx {
	struct st_output *out;
	long max, n;
};

static int cb(const struct st_event *ev, void *p)
{
	struct ctx *c = p;
	if (st_output_event(c->out, ev))
		return 1;
	return c->max > 0 && ++c->n >= c->max;
}

/* The reader has nothing more right now: let the lines out. */
static void idle_flush(void *p)
{
	struct ctx *c = p;
	st_output_flush(c->out);
}

/* -I: one pass over a recorded instance directory. */
static int replay_dir(const char *dir, const char *sys, const char *name, bool json, FILE *f)
{
	struct st_err err = { 0 };
	struct st_reader_opts ro = { .instance_dir = dir, .wake_percent = -1 };
	struct st_reader *r = st_reader_new(&ro, &err);
	struct st_output *so = NULL;
	int rc = 1;

	if (!r || st_reader_add_event(r, sys, name, &err) < 1)   /* a glob may match many */
		goto out;
	struct st_output_opts oo = { .mode = json ? ST_OUT_JSON : ST_OUT_TEXT, .out = f };
	so = st_output_new(&oo, &err);
	if (!so)
		goto out;
	struct ctx c = { .out = so };
	rc = st_reader_drain(r, cb, &c, &err) < 0;
	st_output_flush(so);
	fprintf(stderr, "delivered=%llu unknown=%llu\n", st_reader_delivered(r),
		st_reader_unknown(r));
out:
	if (rc && err.msg[0])
		fprintf(stderr, "st_readbench: %s\n", err.msg);
	st_output_free(so);
	st_reader_free(r);
	if (f != stdout)
		fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	const char *ev = "syscalls/sys_enter_getppid", *filter = NULL, *outp = NULL;
	const char *ready = NULL, *replay = NULL;
	bool json = false, stacks = false;
	double secs = 0;
	long count = 0, bufkb = 0;
#ifndef ST_READ_WAKE_AUTO   /* an older tree's reader (bench/reader_cost.sh COST_BEFORE) */
#define ST_READ_WAKE_AUTO 0
#define NO_BATCH_NICE
#endif
	int wake = ST_READ_WAKE_AUTO;
	bool keep_nice = false;
	int o;
	while ((o = getopt(argc, argv, "e:f:o:jst:n:b:r:w:I:N")) != -1) {
		switch (o) {
		case 'e': ev = optarg; break;
		case 'f': filter = optarg; break;
		case 'o': outp = optarg; break;
		case 'j': json = true; break;
		case 's': stacks = true; break;
		case 't': secs = atof(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'b': bufkb = atol(optarg); break;
		case 'r': ready = optarg; break;
		case 'w': wake = atoi(optarg); break;
		case 'I': replay = optarg; break;
		case 'N': keep_nice = true; break;
		default:
			fprintf(stderr, "usage: %s [-e SYS/NAME] [-f FILTER] [-o FILE] [-j] [-s] "
				"[-t SECS] [-n COUNT] [-b KB] [-r READY_FILE] [-w WAKE_PERCENT] [-N]\n", argv[0]);
			return 2;
		}
	}
	char sys[128], name[128];
	if (sscanf(ev, "%127[^/]/%127s", sys, name) != 2) {
		fprintf(stderr, "st_readbench: -e wants SYSTEM/EVENT\n");
		return 2;
	}
	FILE *out = outp ? fopen(outp, "w") : stdout;
	if (!out) {
		perror(outp);
		return 1;
	}
	if (replay)
		return replay_dir(replay, sys, name, json, out);
	struct sigaction sa = { .sa_handler = on_sig };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	snprintf(inst, sizeof(inst), "/sys/kernel/tracing/instances/st_bench_%d", getpid());
	if (mkdir(inst, 0755)) {
		perror(inst);
		return 1;
	}
	int rc = 1;
	char rel[512], num[32];
	struct st_err err = { 0 };
	struct st_reader *r = NULL;
	struct st_output *so = NULL;
	snprintf(num, sizeof(num), "%ld", bufkb);
	if (bufkb > 0 && wr("buffer_size_kb", num))
		fprintf(stderr, "st_readbench: buffer_size_kb: %s\n", strerror(errno));
	struct st_reader_opts ro = { .instance_dir = inst, .stacks = stacks, .stop = &stop,
				     .on_idle = idle_flush, .wake_percent = wake,
#ifndef NO_BATCH_NICE
				     /* as surftrace as root: nice -20 while batching (-N: never) */
				     .batch_nice = keep_nice || geteuid() ? 0 : -20,
#endif
	};
	r = st_reader_new(&ro, &err);
	if (!r || st_reader_add_event(r, sys, name, &err) != 1)
		goto out;
	struct st_output_opts oo = { .mode = json ? ST_OUT_JSON : ST_OUT_TEXT, .out = out };
	so = st_output_new(&oo, &err);
	if (!so)
		goto out;
	snprintf(rel, sizeof(rel), "events/%s/%s/filter", sys, name);
	if (filter && wr(rel, filter)) {
		snprintf(err.msg, sizeof(err.msg), "filter rejected: %s", filter);
		goto out;
	}
	if (stacks)
		wr("options/stacktrace", "1");
	snprintf(rel, sizeof(rel), "events/%s/%s/enable", sys, name);
	if (wr(rel, "1")) {
		snprintf(err.msg, sizeof(err.msg), "cannot enable %s", ev);
		goto out;
	}
	if (ready)
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (secs > 0)
		alarm((unsigned)(secs + 0.999));
	struct ctx c = { .out = so, .max = count };
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	rc = st_reader_run(r, cb, &c, &err) < 0;
	getrusage(RUSAGE_SELF, &ru1);
	wr(rel, "0");
	st_output_flush(so);
	unsigned long long lost = 0;
	for (int i = 0; i < st_reader_ncpus(r); i++)
		lost += st_reader_lost(r, i);
	double cpu = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
			      ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1e9 +
		     (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
			      ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) * 1e3;
	unsigned long long nd = st_reader_delivered(r);
	fprintf(stderr, "delivered=%llu lost=%llu unknown=%llu cpu_ns_per_event=%.0f\n", nd, lost,
		st_reader_unknown(r), nd ? cpu / (double)nd : 0.0);
	st_output_lost_summary(stderr, r);
out:
	if (rc && err.msg[0])
		fprintf(stderr, "st_readbench: %s\n", err.msg);
	st_output_free(so);
	st_reader_free(r);
	wr("options/stacktrace", "0");
	if (rmdir(inst))
		fprintf(stderr, "st_readbench: rmdir %s: %s\n", inst, strerror(errno));
	if (outp)
		fclose(out);
	return rc;
}
