// SPDX-License-Identifier: MIT
/* -p PID...: the run ends when every process it scopes has exited, as perf record -p and
 * bpftrace -p end. A thread waits on one pidfd per process (readable once the process is
 * gone) and a wake-up pipe; when the last one is gone it asks the run to stop, exactly as
 * a signal would. Kernels without pidfd_open (before 5.3) keep running until Ctrl-C/-t. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "cli/cli.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static struct {
	struct pollfd *fds;          /* [0] the wake-up pipe, then one pidfd per process */
	size_t n;
	int wake[2];
	pthread_t thread;
	bool running;
} W = { .wake = { -1, -1 } };

static void *watch(void *arg)
{
	size_t i, left = W.n - 1;

	(void)arg;
	while (left) {
		if (poll(W.fds, W.n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (W.fds[0].revents)
			return NULL;                /* the run ended first */
		for (i = 1; i < W.n; i++)
			if (W.fds[i].fd >= 0 && W.fds[i].revents) {
				close(W.fds[i].fd);
				W.fds[i].fd = -1;   /* poll skips it from now on */
				left--;
			}
	}
	st_cli_request_stop();
	return NULL;
}

int st_cli_pidwatch_start(const int *pids, size_t n)
{
	size_t i, m = 1;

	if (!n)
		return 0;
	W.fds = calloc(n + 1, sizeof(*W.fds));
	if (!W.fds || pipe2(W.wake, O_CLOEXEC) < 0) {
		free(W.fds);
		W.fds = NULL;
		return -1;
	}
	W.fds[0] = (struct pollfd){ .fd = W.wake[0], .events = POLLIN };
	for (i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);

		if (fd >= 0) {
			fcntl(fd, F_SETFD, FD_CLOEXEC);
			W.fds[m++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		} else if (errno != ESRCH) {
			/* no pidfds here (ENOSYS): nothing to watch with, run until stopped */
			W.n = m;
			st_cli_pidwatch_stop();
			return 0;
		}
	}
	W.n = m;
	if (m == 1) {
		/* every process is already gone */
		st_cli_request_stop();
		st_cli_pidwatch_stop();
		return 0;
	}
	if (pthread_create(&W.thread, NULL, watch, NULL)) {
		st_cli_pidwatch_stop();
		return -1;
	}
	W.running = true;
	return 0;
}

void st_cli_pidwatch_stop(void)
{
	size_t i;

	if (W.running) {
		if (write(W.wake[1], "x", 1) < 0) {
			/* a pipe with room: cannot fail; the join below would wait */
		}
		pthread_join(W.thread, NULL);
		W.running = false;
	}
	for (i = 1; W.fds && i < W.n; i++)
		if (W.fds[i].fd >= 0)
			close(W.fds[i].fd);
	free(W.fds);
	W.fds = NULL;
	W.n = 0;
	for (i = 0; i < 2; i++)
		if (W.wake[i] >= 0) {
			close(W.wake[i]);
			W.wake[i] = -1;
		}
}
