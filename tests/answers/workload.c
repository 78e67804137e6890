// SPDX-License-Identifier: MIT
/* Known-answer workload for the answers suite:
 *   workload loop N        getppid() N times
 *   workload values N      agg_value(v) for v = 1..N
 *   workload keys N        agg_value(v) for v = 1..N, each a distinct key (bench)
 *   workload sleep MS N    agg_sleep(MS) N times: each sleeps MS milliseconds
 *   workload stacks N      agg_leaf() N times through outer -> middle -> agg_leaf, then
 *                          lives 1 s more (user stacks are named from its live maps)
 * It waits for a line on stdin first when given "-w" as the first argument, so a
 * tracer can be attached before the work starts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

volatile long agg_sink;

__attribute__((noinline)) long agg_value(long v)
{
	agg_sink += v;
	__asm__ volatile("" ::: "memory");
	return v;
}

__attribute__((noinline)) int agg_sleep(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
	__asm__ volatile("" ::: "memory");
	return ms;
}

__attribute__((noinline)) long agg_leaf(long i)
{
	agg_sink ^= i;
	__asm__ volatile("" ::: "memory");
	return i;
}

__attribute__((noinline)) long agg_middle(long i)
{
	long r = agg_leaf(i);

	__asm__ volatile("" ::: "memory");
	return r + 1;
}

__attribute__((noinline)) long agg_outer(long i)
{
	long r = agg_middle(i);

	__asm__ volatile("" ::: "memory");
	return r + 1;
}

int main(int argc, char **argv)
{
	long i, n;
	char line[16];

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: workload [-w] loop|values|keys|sleep|stacks N [N] | spawn N PROG\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!strcmp(argv[1], "loop")) {
		for (i = 0; i < n; i++)
			getppid();
	} else if (!strcmp(argv[1], "values") || !strcmp(argv[1], "keys")) {
		for (i = 1; i <= n; i++)
			agg_value(i);
	} else if (!strcmp(argv[1], "sleep")) {
		long cnt = argc > 3 ? atol(argv[3]) : 1;

		for (i = 0; i < cnt; i++)
			agg_sleep((int)n);
	} else if (!strcmp(argv[1], "spawn") && argc > 3) {
		/* N short-lived tasks: fork + exec argv[3], one after the other */
		for (i = 0; i < n; i++) {
			pid_t c = fork();

			if (c == 0) {
				execv(argv[3], argv + 3);
				_exit(127);
			}
			if (c < 0 || waitpid(c, NULL, 0) < 0)
				return 1;
		}
	} else if (!strcmp(argv[1], "stacks")) {
		for (i = 0; i < n; i++)
			agg_outer(i);
		sleep(1);
	} else {
		return 2;
	}
	return 0;
}
