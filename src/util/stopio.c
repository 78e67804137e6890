// SPDX-License-Identifier: MIT
/* The stop-aware output FILE (see stopio.h). While running, writing waits for the reader
 * as long as it takes (back pressure is normal), but in pieces that cannot block
 * (PIPE_BUF after POLLOUT, 100 ms poll steps), so the level and, once stopping, the
 * deadline are checked between pieces. Regular files and devices like /dev/null never
 * block: written directly. */
#include "util/stopio.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include "util/clock.h"
#include <unistd.h>

struct st_stopio {
	int fd;
	const volatile sig_atomic_t *level;
	int drain_ms;
	bool may_block;             /* a pipe, socket or terminal */
	long long deadline;         /* ms, CLOCK_MONOTONIC; 0 = no stop seen yet */
	int err;
	unsigned long long dropped;
	FILE *f;
};

static long long now_ms(void)
{
	return st_mono_ns() / 1000000;
}

/* 1 = go on, 0 = give up (level 2, or the drain bound has passed). */
static int may_go_on(struct st_stopio *s)
{
	if (!s->level || !*s->level)
		return 1;
	if (*s->level >= 2)
		return 0;
	if (!s->deadline)
		s->deadline = now_ms() + s->drain_ms;
	return now_ms() < s->deadline;
}

/* fopencookie(3): a write hook returns the bytes written, 0 on error (never a negative
 * value: glibc would take it for a count), with errno set. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	struct st_stopio *s = cookie;
	size_t done = 0;

	if (s->err) {
		s->dropped += n;
		errno = s->err;
		return 0;
	}
	while (done < n) {
		size_t chunk = n - done;
		ssize_t w;

		if (!may_go_on(s)) {
			s->err = ECANCELED;
			s->dropped += n - done;
			errno = ECANCELED;
			return 0;
		}
		if (s->may_block) {
			struct pollfd p = { .fd = s->fd, .events = POLLOUT };
			int r = poll(&p, 1, 100);

			if (r < 0 && errno != EINTR) {
				s->err = errno;
				return 0;
			}
			if (r <= 0)
				continue;
			/* POLLOUT on a pipe promises room for PIPE_BUF bytes: a piece that size
			 * cannot block, so no stop can be missed inside write(2). */
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		w = write(s->fd, buf + done, chunk);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			s->err = errno;
			s->dropped += n - done;
			return 0;
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

struct st_stopio *st_stopio_new(int fd, const volatile sig_atomic_t *level, int drain_ms)
{
	cookie_io_functions_t io = { .write = cookie_write };
	struct st_stopio *s = calloc(1, sizeof(*s));
	struct stat st;

	if (!s)
		return NULL;
	s->fd = fd;
	s->level = level;
	s->drain_ms = drain_ms > 0 ? drain_ms : ST_STOPIO_DRAIN_MS;
	s->may_block = fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) ||
					   (S_ISCHR(st.st_mode) && !isatty(fd)));
	s->f = fopencookie(s, "w", io);
	if (!s->f) {
		free(s);
		return NULL;
	}
	return s;
}

FILE *st_stopio_file(struct st_stopio *s) { return s->f; }
int st_stopio_error(const struct st_stopio *s) { return s->err; }
unsigned long long st_stopio_dropped(const struct st_stopio *s) { return s->dropped; }

int st_stopio_close(struct st_stopio *s)
{
	int err;

	if (!s)
		return 0;
	fclose(s->f);
	err = s->err;
	free(s);
	return err;
}

bool st_stopio_guard_std_fds(void)
{
	bool out_closed = false;
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(1);
		out_closed |= fd == STDOUT_FILENO;
	}
	return out_closed;
}

int st_stopio_stdout_error(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	return errno ? errno : EIO;
}
