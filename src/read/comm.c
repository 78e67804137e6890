// SPDX-License-Identifier: MIT
/* pid -> comm for the "task-pid" column. A pid is resolved when first seen and again after
 * a second: from /proc/<pid>/comm while the task lives (pids are recycled, so what
 * saved_cmdlines held before this run may name an older task), else from saved_cmdlines
 * re-read after the events (the kernel records a traced task's comm at its next switch),
 * else the name it had when last resolved (it exited while its events were being read),
 * else "<...>" as ftrace prints it. A small fixed table: no allocation per event.
 * saved_cmdlines (thousands of lines after a busy while) is kept apart, sorted by pid, and
 * only the pids asked for move into the table: loading it whole into the table evicted
 * the very task being looked up. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "read/read_int.h"
#include "util/file.h"

#define NSLOTS 4096           /* power of two */
#define PROBE 8

struct slot {
	int pid;                  /* 0 = empty (pid 0 is handled before the table) */
	long sec;                 /* when it was resolved (monotonic seconds) */
	char comm[16];
};

struct saved {
	int pid;
	char comm[16];
};

struct st_comms {
	char path[PATH_MAX];      /* saved_cmdlines */
	bool reloaded;            /* already re-read in this round */
	struct saved *saved;      /* its last reading, sorted by pid */
	size_t nsaved, capsaved;
	long now;                 /* monotonic seconds at the start of the round */
	struct slot slots[NSLOTS];
};

static long mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long)ts.tv_sec;
}

static struct slot *find_slot(struct st_comms *c, int pid, bool insert)
{
	unsigned int h = ((unsigned int)pid * 2654435761u) & (NSLOTS - 1);
	for (int i = 0; i < PROBE; i++) {
		struct slot *s = &c->slots[(h + i) & (NSLOTS - 1)];
		if (s->pid == pid || (insert && s->pid == 0))
			return s;
	}
	/* Full neighbourhood: evict the home slot (a later miss just looks it up again). */
	return insert ? &c->slots[h] : NULL;
}

static void put(struct st_comms *c, int pid, const char *comm, size_t len)
{
	struct slot *s = find_slot(c, pid, true);
	if (len >= sizeof(s->comm))
		len = sizeof(s->comm) - 1;
	s->pid = pid;
	s->sec = c->now;
	memcpy(s->comm, comm, len);
	s->comm[len] = '\0';
}

static int by_pid(const void *a, const void *b)
{
	int x = ((const struct saved *)a)->pid, y = ((const struct saved *)b)->pid;

	return (x > y) - (x < y);
}

static void add_saved(struct st_comms *c, int pid, const char *comm)
{
	if (c->nsaved == c->capsaved) {
		size_t cap = c->capsaved ? 2 * c->capsaved : 256;
		struct saved *n = realloc(c->saved, cap * sizeof(*n));
		if (!n)
			return;   /* a name less, never a wrong one */
		c->saved = n;
		c->capsaved = cap;
	}
	struct saved *e = &c->saved[c->nsaved++];
	e->pid = pid;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
}

static void load_saved(struct st_comms *c)
{
	char *buf = st_read_file(c->path, NULL);
	c->nsaved = 0;
	if (!buf)
		return;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *end;
		long pid = strtol(line, &end, 10);
		if (end == line || *end != ' ' || pid <= 0 || pid > INT_MAX)
			continue;
		add_saved(c, (int)pid, end + 1);
	}
	free(buf);
	qsort(c->saved, c->nsaved, sizeof(*c->saved), by_pid);
}

static bool from_saved(struct st_comms *c, int pid)
{
	struct saved key = { .pid = pid };
	const struct saved *e = c->nsaved ? bsearch(&key, c->saved, c->nsaved, sizeof(key), by_pid)
					  : NULL;
	if (!e)
		return false;
	put(c, pid, e->comm, strlen(e->comm));
	return true;
}

struct st_comms *st_comms_new(const char *root)
{
	struct st_comms *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	st_pathf(c->path, PATH_MAX, "%s/saved_cmdlines", root);
	c->now = mono_sec();
	return c;
}

void st_comms_free(struct st_comms *c)
{
	if (c)
		free(c->saved);
	free(c);
}

void st_comms_set(struct st_comms *c, int pid, const char *comm)
{
	if (pid > 0 && comm && *comm)
		put(c, pid, comm, strnlen(comm, 15));
}

void st_comms_new_round(struct st_comms *c)
{
	c->reloaded = false;
	c->now = mono_sec();
}

static bool from_proc(struct st_comms *c, int pid)
{
	char path[64], buf[32];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	if (buf[n - 1] == '\n')
		n--;
	put(c, pid, buf, (size_t)n);
	return true;
}

const char *st_comms_get(struct st_comms *c, int pid)
{
	if (pid == 0)
		return "<idle>";
	struct slot *s = find_slot(c, pid, false);
	if (s && c->now - s->sec < 1)
		return s->comm;
	/* What it was called when last resolved: a task that has exited since (its events
	 * still being read) keeps that name rather than becoming "<...>". */
	char last[sizeof(s->comm)] = "";
	if (s)
		memcpy(last, s->comm, sizeof(last));
	if (from_proc(c, pid))
		return find_slot(c, pid, false)->comm;
	if (!c->reloaded) {
		c->reloaded = true;
		load_saved(c);
	}
	if (from_saved(c, pid))
		return find_slot(c, pid, false)->comm;
	if (last[0] && strcmp(last, "<...>"))
		put(c, pid, last, strlen(last));
	else
		put(c, pid, "<...>", 5);  /* the task is gone and unrecorded: as ftrace prints it */
	s = find_slot(c, pid, false);
	return s ? s->comm : "<...>";
}

int st_comms_each(const struct st_comms *c, int (*fn)(int pid, const char *comm, void *ctx),
		  void *ctx)
{
	for (size_t i = 0; i < NSLOTS; i++) {
		const struct slot *s = &c->slots[i];
		int rc;

		if (s->pid > 0 && strcmp(s->comm, "<...>") && (rc = fn(s->pid, s->comm, ctx)))
			return rc;
	}
	return 0;
}
