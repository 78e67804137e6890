// SPDX-License-Identifier: MIT
/* Opening the reader: the instance's CPUs and their trace_pipe_raw files, the tep handle
 * and its header formats, and the loss counters the kernel keeps per CPU. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <event-parse.h>
#include <kbuffer.h>
#include "read/read_int.h"
#include "util/file.h"

int st_reader_set_mark(struct st_reader *r, int percent)
{
	char path[PATH_MAX], v[16];
	int fd, n, rc = -1;

	st_pathf(path, PATH_MAX, "%s/buffer_percent", r->dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = snprintf(v, sizeof(v), "%d", percent);
	if (write(fd, v, (size_t)n) == n)
		rc = 0;
	close(fd);
	return rc;
}

int st_reader_nice_down(int tid, int nice)
{
	int cur;

	if (!nice)
		return INT_MIN;
	errno = 0;
	cur = getpriority(PRIO_PROCESS, (id_t)tid);
	if (errno || nice >= cur || setpriority(PRIO_PROCESS, (id_t)tid, nice))
		return INT_MIN;
	return cur;
}

/* The reading thread's nice while batching: batch_nice when lower than its own and
 * permitted; its own comes back at the end (the read-ahead thread's ends with that thread).
 * Not real-time: a SCHED_FIFO reader wakes on the CPU it ran on last and preempts the
 * traced task there even when another CPU is idle; measured, it slowed a lone traced
 * program more than nice -20 did. */
static void raise_prio(struct st_reader *r)
{
	int tid = (int)gettid(), was;

	if (r->prio_tid || (was = st_reader_nice_down(tid, r->batch_nice)) == INT_MIN)
		return;
	r->own_nice = was;
	r->prio_tid = tid;
}

static void restore_prio(struct st_reader *r)
{
	if (!r->prio_tid)
		return;
	setpriority(PRIO_PROCESS, (id_t)r->prio_tid, r->own_nice);
	r->prio_tid = 0;
}

void st_reader_batch(struct st_reader *r, bool on)
{
	if (on && !r->batching) {
		if (st_reader_set_mark(r, ST_READ_BATCH_PERCENT))
			return;
		r->batching = true;
		r->wake_percent = ST_READ_BATCH_PERCENT;
		raise_prio(r);
	} else if (!on && r->batching) {
		st_ahead_stop(r);
		st_reader_set_mark(r, 0);
		r->batching = false;
		r->wake_percent = 0;
	}
	if (!on)
		restore_prio(r);
}

static int cpu_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The CPUs the instance has buffers for (per_cpu/cpuN), sorted. */
static int list_cpus(const char *dir, int **out)
{
	char path[PATH_MAX];
	st_pathf(path, PATH_MAX, "%s/per_cpu", dir);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0, cap = 0, *v = NULL;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		if (strncmp(de->d_name, "cpu", 3))
			continue;
		long c = strtol(de->d_name + 3, &end, 10);
		if (end == de->d_name + 3 || *end)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			int *nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -1;
			}
			v = nv;
		}
		v[n++] = (int)c;
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), cpu_cmp);
	*out = v;
	return n;
}

static long read_long_file(const char *path, long dflt)
{
	char *s = st_read_file(path, NULL);
	if (!s)
		return dflt;
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s)
		v = dflt;
	free(s);
	return v;
}

/* overrun + dropped events in a stats text (NUL-terminated). */
static unsigned long long stats_lost(const char *s)
{
	unsigned long long sum = 0;
	const char *keys[] = { "\noverrun:", "\ndropped events:" };
	/* Prefix a newline so the first line matches like the others. */
	for (size_t k = 0; k < 2; k++) {
		const char *p = strstr(s, keys[k]);
		if (!p && !strncmp(s, keys[k] + 1, strlen(keys[k] + 1)))
			p = s - 1;
		if (p)
			sum += strtoull(p + strlen(keys[k]), NULL, 10);
	}
	return sum;
}

/* overrun + dropped events of one CPU, from per_cpu/cpuN/stats. */
unsigned long long st_cpu_stats_lost(const struct st_reader *r, int cpu)
{
	char path[PATH_MAX];
	st_pathf(path, PATH_MAX, "%s/per_cpu/cpu%d/stats", r->dir, cpu);
	char *s = st_read_file(path, NULL);
	unsigned long long sum = s ? stats_lost(s) : 0;

	free(s);
	return sum;
}

unsigned long long st_rcpu_stats_lost(const struct st_reader *r, struct st_rcpu *c)
{
	char buf[1024];
	ssize_t n;

	if (c->stats_fd < 0) {
		char path[PATH_MAX];

		st_pathf(path, PATH_MAX, "%s/per_cpu/cpu%d/stats", r->dir, c->cpu);
		c->stats_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (c->stats_fd < 0)
			return st_cpu_stats_lost(r, c->cpu);
	}
	/* the kernel writes the whole text anew for each read at offset 0 */
	n = pread(c->stats_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0 || (size_t)n == sizeof(buf) - 1)
		return st_cpu_stats_lost(r, c->cpu);
	buf[n] = '\0';
	return stats_lost(buf);
}

static void set_root(struct st_reader *r, const struct st_reader_opts *o)
{
	if (o->tracefs_root) {
		snprintf(r->root, sizeof(r->root), "%s", o->tracefs_root);
		return;
	}
	snprintf(r->root, sizeof(r->root), "%s", r->dir);
	char *p = strstr(r->root, "/instances/");
	if (p)
		*p = '\0';
}

static int open_cpus(struct st_reader *r, struct st_err *err)
{
	int *ids = NULL;
	int n = list_cpus(r->dir, &ids);
	if (n <= 0)
		return st_err_set(err, 0, "%s/per_cpu: no CPU buffers", r->dir);
	if (r->want_cpus) {
		int k = 0;

		for (int i = 0; i < n; i++)
			for (size_t j = 0; j < r->nwant_cpus; j++)
				if (r->want_cpus[j] == (unsigned long)ids[i]) {
					ids[k++] = ids[i];
					break;
				}
		if (k < (int)r->nwant_cpus) {
			free(ids);
			return st_err_set(err, 0, "--cpu names a CPU this machine does not have");
		}
		n = k;
	}
	r->cpus = calloc((size_t)n, sizeof(*r->cpus));
	r->pfds = calloc((size_t)n, sizeof(*r->pfds));
	if (!r->cpus || !r->pfds) {
		free(ids);
		return st_err_set(err, 0, "out of memory");
	}
	r->ncpus = n;
	for (int i = 0; i < n; i++)
		r->cpus[i].fd = r->cpus[i].stats_fd = -1;
	for (int i = 0; i < n; i++) {
		struct st_rcpu *c = &r->cpus[i];
		char path[PATH_MAX];
		c->cpu = ids[i];
		st_pathf(path, PATH_MAX, "%s/per_cpu/cpu%d/trace_pipe_raw", r->dir, c->cpu);
		c->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (c->fd < 0) {
			int e = errno;
			free(ids);
			return st_err_set(err, 0, "%s: %s", path, strerror(e));
		}
		c->kb = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
		c->page = malloc(r->subbuf);
		if (r->stacks || r->ustacks)
			c->pend = malloc(r->subbuf);
		if ((r->stacks && r->ustacks) && !c->kstk)
			c->kstk = malloc(r->subbuf);
		if (!c->kb || !c->page || ((r->stacks || r->ustacks) && !c->pend) ||
		    (r->stacks && r->ustacks && !c->kstk)) {
			free(ids);
			return st_err_set(err, 0, "out of memory");
		}
		c->base_overrun = st_cpu_stats_lost(r, c->cpu);
		r->pfds[i].fd = c->fd;
		r->pfds[i].events = POLLIN;
	}
	free(ids);
	return 0;
}

static int setup_tep(struct st_reader *r, struct st_err *err)
{
	r->tep = tep_alloc();
	if (!r->tep)
		return st_err_set(err, 0, "out of memory");
	tep_set_long_size(r->tep, (int)sizeof(long));
	tep_set_page_size(r->tep, (int)r->subbuf);
	enum tep_endian e = tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN;
	tep_set_file_bigendian(r->tep, e);
	tep_set_local_bigendian(r->tep, e);
	char path[PATH_MAX];
	size_t len;
	st_pathf(path, PATH_MAX, "%s/events/header_page", r->root);
	char *hp = st_read_file(path, &len);
	if (hp) {
		tep_parse_header_page(r->tep, hp, len, (int)sizeof(long));
		free(hp);
	}
	return 0;
}

static int load_ftrace_format(struct st_reader *r, const char *name, struct st_err *err)
{
	char path[PATH_MAX];
	st_pathf(path, PATH_MAX, "%s/events/ftrace/%s/format", r->dir, name);
	if (access(path, R_OK))
		st_pathf(path, PATH_MAX, "%s/events/ftrace/%s/format", r->root, name);
	return st_reader_load_format(r, "ftrace", name, path, err);
}

static int load_stack_format(struct st_reader *r, struct st_err *err)
{
	if (r->ustacks && load_ftrace_format(r, "user_stack", err))
		return -1;
	if (!r->stacks)
		return 0;
	if (load_ftrace_format(r, "kernel_stack", err))
		return -1;
	r->stackcap = (int)(r->subbuf / sizeof(unsigned long long));
	r->stackbuf = malloc(r->subbuf);
	return r->stackbuf ? 0 : st_err_set(err, 0, "out of memory");
}

struct st_reader *st_reader_new(const struct st_reader_opts *o, struct st_err *err)
{
	if (!o || !o->instance_dir) {
		st_err_set(err, 0, "reader: no instance directory");
		return NULL;
	}
	struct st_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", o->instance_dir);
	set_root(r, o);
	r->stacks = o->stacks;
	r->ustacks = o->ustacks;
	r->ustack_id = -1;
	r->want_cpus = o->cpus;
	r->nwant_cpus = o->ncpus;
	r->stop = o->stop;
	r->on_idle = o->on_idle;
	r->on_page = o->on_page;
	r->page_ctx = o->page_ctx;
	r->on_stop = o->on_stop;
	r->idle_ms = o->idle_ms > 0 ? o->idle_ms : 100;
	r->nap_ms = ST_READ_BATCH_NAP_MS;
	r->wake_percent = o->wake_percent;
	r->batch_nice = o->batch_nice;
	r->stack_id = -1;
	char path[PATH_MAX];
	st_pathf(path, PATH_MAX, "%s/buffer_subbuf_size_kb", r->dir);
	long kb = read_long_file(path, 0);
	r->subbuf = kb > 0 ? (size_t)kb * 1024 : (size_t)sysconf(_SC_PAGESIZE);
	if (setup_tep(r, err) || open_cpus(r, err) ||
	    ((r->stacks || r->ustacks) && load_stack_format(r, err)))
		goto fail;
	r->comms = st_comms_new(r->root);
	if (!r->comms) {
		st_err_set(err, 0, "out of memory");
		goto fail;
	}
	/* Our own instance's wake-up threshold: without it poll waits for a half-full buffer
	 * and the first event shows up late. */
	r->auto_wake = o->wake_percent == ST_READ_WAKE_AUTO;
	if (r->auto_wake) {
		r->wake_percent = 0;
		/* a CPU's buffer, for the nap while batching (nap_for); 0 = unknown */
		st_pathf(path, PATH_MAX, "%s/buffer_size_kb", r->dir);
		kb = read_long_file(path, 0);
		r->buf_bytes = kb > 0 ? (unsigned long long)kb * 1024 : 0;
	}
	if (r->wake_percent >= 0)
		st_reader_set_mark(r, r->wake_percent);
	r->batching = r->wake_percent > 0;   /* a fixed mark batches too */
	return r;
fail:
	st_reader_free(r);
	return NULL;
}

void st_reader_free(struct st_reader *r)
{
	if (!r)
		return;
	if (r->prio_tid)
		st_reader_batch(r, false);   /* the thread's own priority back */
	st_ahead_free(r);
	for (int i = 0; i < r->ncpus; i++) {
		struct st_rcpu *c = &r->cpus[i];
		if (c->fd >= 0)
			close(c->fd);
		if (c->stats_fd >= 0)
			close(c->stats_fd);
		if (c->kb)
			kbuffer_free(c->kb);
		free(c->page);
		free(c->pend);
		free(c->kstk);
	}
	free(r->cpus);
	free(r->pfds);
	free(r->byid);
	st_reader_lazy_free(r);
	free(r->stackbuf);
	st_comms_free(r->comms);
	if (r->tep)
		tep_free(r->tep);
	free(r);
}

int st_reader_each_comm(const struct st_reader *r,
			int (*fn)(int pid, const char *comm, void *ctx), void *ctx)
{
	return st_comms_each(r->comms, fn, ctx);
}

struct tep_handle *st_reader_tep(const struct st_reader *r)
{
	return r->tep;
}

int st_reader_ncpus(const struct st_reader *r)
{
	return r->ncpus;
}

void st_reader_note_comm(struct st_reader *r, int pid, const char *comm)
{
	st_comms_set(r->comms, pid, comm);
}

size_t st_reader_page_size(const struct st_reader *r)
{
	return r->subbuf;
}

int st_reader_cpu_at(const struct st_reader *r, int i)
{
	return i >= 0 && i < r->ncpus ? r->cpus[i].cpu : -1;
}

unsigned long long st_reader_lost(struct st_reader *r, int cpu)
{
	for (int i = 0; i < r->ncpus; i++) {
		struct st_rcpu *c = &r->cpus[i];
		if (c->cpu != cpu)
			continue;
		unsigned long long s = st_cpu_stats_lost(r, cpu);
		s = s > c->base_overrun ? s - c->base_overrun : 0;
		return s > c->missed ? s : c->missed;
	}
	return 0;
}

unsigned long long st_reader_delivered(const struct st_reader *r)
{
	return r->delivered;
}

unsigned long long st_reader_unknown(const struct st_reader *r)
{
	return r->unknown;
}
