// SPDX-License-Identifier: MIT
/* Test workload for the lbc suites: waits until GOFILE exists (so lbc can attach first),
 * then forks N children that exit at once, printing each child's pid: the test's own
 * record of the events it caused. Before each fork it calls lbc_forker_tick(i), a uprobe
 * target for the user-stack and ring-buffer tests.
 * With ENDFILE it stays alive until ENDFILE exists, so its user stacks can still be
 * symbolized through /proc/PID/maps after the events were read.
 *   forker N GOFILE [ENDFILE] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) int lbc_forker_tick(int i)
{
	__asm__ volatile("" : : "r"(i) : "memory");   /* keep the call and its argument */
	return i;
}

int main(int argc, char **argv)
{
	int n, i;

	if (argc < 3)
		return 2;
	n = atoi(argv[1]);
	while (access(argv[2], F_OK))
		usleep(10000);
	for (i = 0; i < n; i++) {
		pid_t p;

		lbc_forker_tick(i);
		p = fork();
		if (p == 0)
			_exit(0);
		if (p < 0)
			return 1;
		printf("%d\n", (int)p);
		waitpid(p, NULL, 0);
	}
	fflush(stdout);
	while (argc > 3 && access(argv[3], F_OK))
		usleep(10000);
	return 0;
}
