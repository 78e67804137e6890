// SPDX-License-Identifier: MIT
/* C baseline of the Python binding benchmark: the same drain as python_bench.py, with a
 * C callback that only counts. surftrace: N getppid events of the producer buffered in
 * the instance, then timed through surftrace_poll. lbc: the same events through a perf
 * buffer (lbc_consume). Prints "surftrace N SECONDS" and "lbc N SECONDS".
 *   st_count PRODUCER N BPF_SOURCE_FILE */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "surftrace.h"
#include "liblbc.h"

static unsigned long long count;

static int st_cb(const struct surftrace_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	count++;
	return 0;
}

static void lbc_cb(void *ctx, const struct lbc_event *ev)
{
	(void)ctx;
	(void)ev;
	count++;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Starts the producer held on a pipe; returns its pid, *go the write end. */
static int spawn(const char *prod, const char *n, int *go)
{
	int p[2], pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		execl(prod, prod, n, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

int main(int argc, char **argv)
{
	struct surftrace_opts o = { .sz = sizeof(o), .buffer_kb = 65536 };
	struct surftrace_err err;
	struct surftrace *st;
	struct lbc *l;
	char expr[128], pidstr[32];
	int pid, go, status;
	double t;

	if (argc < 4)
		return 2;
	pid = spawn(argv[1], argv[2], &go);
	snprintf(expr, sizeof(expr), "e syscalls/sys_enter_getppid f:common_pid==%d", pid);
	st = surftrace_new(&o, &err);
	if (!st || surftrace_add(st, expr, &err) < 0 || surftrace_start(st, st_cb, NULL, &err)) {
		fprintf(stderr, "st_count: %s\n", err.msg);
		return 1;
	}
	if (write(go, "g", 1) != 1)
		return 1;
	waitpid(pid, &status, 0);
	t = now();
	while (surftrace_poll(st, &err) == 0 && count < (unsigned long long)atoll(argv[2])) {
		if (surftrace_wait(st, 100, &err) == 0)
			break;
	}
	printf("surftrace %llu %.6f lost %llu\n", count, now() - t, surftrace_lost(st));
	surftrace_free(st);

	count = 0;
	pid = spawn(argv[1], argv[2], &go);
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	l = lbc_new(NULL);
	if (!l || lbc_open_file(l, argv[3]) || lbc_set(l, "filter_pid", pidstr) || lbc_load(l) ||
	    lbc_on_event(l, NULL, lbc_cb, NULL) || lbc_attach(l)) {
		fprintf(stderr, "st_count: %s\n", l ? lbc_errmsg(l) : "oom");
		return 1;
	}
	if (write(go, "g", 1) != 1)
		return 1;
	t = now();
	while (count < (unsigned long long)atoll(argv[2])) {
		if (lbc_consume(l) == 0 && waitpid(pid, &status, WNOHANG) == pid) {
			lbc_consume(l);
			break;
		}
	}
	printf("lbc %llu %.6f lost %llu\n", count, now() - t, lbc_lost_events(l));
	lbc_free(l);
	return 0;
}
