// SPDX-License-Identifier: MIT
/* Start-to-first-event and peak memory of a tracing command:
 *   first_event [-w SECONDS] MATCH -- COMMAND [ARGS...]
 * runs COMMAND with stdout and stderr on a pipe, and reports the time from just before
 * fork to the first output line containing MATCH, then stops the command (SIGINT, then
 * SIGKILL after 5 s) and reports its peak RSS from wait4(2):
 *   first_ms=12.3 maxrss_kb=4567 status=0
 * Something must be producing matching events meanwhile (the bench runs getppid_loop). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	double wait_s = 10;
	int a = 1;
	if (a + 1 < argc && !strcmp(argv[a], "-w")) {
		wait_s = atof(argv[a + 1]);
		a += 2;
	}
	if (a + 2 >= argc || strcmp(argv[a + 1], "--")) {
		fprintf(stderr, "usage: first_event [-w SECONDS] MATCH -- COMMAND [ARGS...]\n");
		return 2;
	}
	const char *match = argv[a];
	char **cmd = argv + a + 2;
	int p[2];
	if (pipe(p))
		return 1;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(p[1]);
	char buf[65536];
	size_t have = 0;
	double first = -1;
	while (first < 0 && now_ms() - t0 < wait_s * 1000) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		if (poll(&pf, 1, 100) <= 0)
			continue;
		ssize_t n = read(p[0], buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		char *nl;
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			if (strstr(buf, match)) {
				first = now_ms() - t0;
				break;
			}
			size_t rest = have - (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, rest);
			have = rest;
			buf[have] = '\0';
		}
		if (have == sizeof(buf) - 1)
			have = 0;  /* one huge line: drop it */
	}
	kill(pid, SIGINT);
	int st = 0;
	struct rusage ru = { 0 };
	double tk = now_ms();
	for (;;) {
		/* keep draining so the command never blocks on a full pipe while stopping */
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		if (poll(&pf, 1, 50) > 0 && read(p[0], buf, sizeof(buf)) <= 0)
			pf.fd = -1;
		pid_t w = wait4(pid, &st, WNOHANG, &ru);
		if (w == pid)
			break;
		if (now_ms() - tk > 5000) {
			kill(pid, SIGKILL);
			wait4(pid, &st, 0, &ru);
			break;
		}
	}
	printf("first_ms=%.1f maxrss_kb=%ld status=%d\n", first, ru.ru_maxrss,
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return first < 0;
}
