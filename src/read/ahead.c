// SPDX-License-Identifier: MIT
/* Reading ahead while batching: a thread of the reader's own drains every CPU's
 * trace_pipe_raw into pages in memory (at most ST_READ_AHEAD_BYTES), and the reading loop
 * decodes those pages instead of reading the files itself. A consumer that falls behind
 * for a while (formatting JSON, a write that waits on the page cache or a pipe, a Python
 * callback) then lets the backlog grow here rather than in the kernel's buffer, which at a
 * CPU's full rate lasts 20-30 ms before it loses events. The thread does what the loop
 * did while batching: sleeps until a CPU's buffer reaches the wake-up mark or the nap ends,
 * and reads each CPU up to the writer's page. A page is read once (into its node) and
 * decoded in place there; nodes are reused from a free list and freed when the thread
 * stops, so memory follows the backlog, not the run's length. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <kbuffer.h>
#include "read/read_int.h"
#include "util/clock.h"

struct st_apage {
	struct st_apage *next;
	size_t len;                       /* what read(2) returned */
	unsigned long long data[];        /* one sub-buffer */
};

struct st_aqueue {
	struct st_apage *head, *tail;     /* oldest first */
	struct st_apage *held;            /* the page the loop decodes now (taken last) */
};

struct st_ahead {
	pthread_t thread;
	bool running;                     /* the thread exists (set and read by the loop) */
	bool failed;                      /* it could not start: read in place from now on */
	int nap0;                         /* the nap it starts with (the loop's, at the start) */
	atomic_bool quit;
	int kick_fd;                      /* the loop -> the thread: quit */
	int ready_fd;                     /* the thread -> the loop: pages queued */
	struct pollfd *pfds;              /* every CPU's file, then kick_fd */
	struct kbuffer *kb;               /* the thread's: a page's committed size */
	pthread_mutex_t lock;             /* queues, free list and counts */
	struct st_aqueue *q;              /* per CPU, as r->cpus */
	struct st_aqueue *pass;           /* the thread's: pages of the pass being read */
	struct st_apage *free_list;
	size_t nodes, max_nodes;          /* allocated, and the bound */
	atomic_int err;                   /* a read error the thread stopped on (errno) */
	int err_cpu;                      /* its CPU (written before err) */
};

/* A node to read into: a free one, or a new one while under the bound; NULL = full. */
static struct st_apage *node_get(struct st_reader *r, struct st_ahead *a)
{
	struct st_apage *p;

	pthread_mutex_lock(&a->lock);
	p = a->free_list;
	if (p)
		a->free_list = p->next;
	else if (a->nodes < a->max_nodes && (p = malloc(sizeof(*p) + r->subbuf)))
		a->nodes++;
	pthread_mutex_unlock(&a->lock);
	return p;
}

static void node_put_locked(struct st_ahead *a, struct st_apage *p)
{
	if (!p)
		return;
	if (a->running) {
		p->next = a->free_list;
		a->free_list = p;
	} else {                          /* the thread is gone: give the memory back */
		free(p);
		a->nodes--;
	}
}

/* The pass's pages (chains per CPU, oldest first) join the queues at once, so the loop
 * sees whole passes: a round never decodes one CPU's newer pages while another CPU's
 * older ones are still being read. */
static void publish(struct st_reader *r, struct st_ahead *a, struct st_aqueue *pass)
{
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < r->ncpus; i++) {
		if (!pass[i].head)
			continue;
		if (a->q[i].tail)
			a->q[i].tail->next = pass[i].head;
		else
			a->q[i].head = pass[i].head;
		a->q[i].tail = pass[i].tail;
		pass[i].head = pass[i].tail = NULL;
	}
	pthread_mutex_unlock(&a->lock);
}

/* One pass over the CPUs: each read until nothing is left, the writer's page (cut short)
 * was read, or the bound is reached; then published. Returns pages read; *bytes += their
 * committed bytes; *full when the bound stopped it; -1 on a read error (a->err). */
static int read_pass(struct st_reader *r, struct st_ahead *a, unsigned long long *bytes,
		     bool *full)
{
	struct st_aqueue *pass = a->pass;
	int got = 0, rc = 0;

	*full = false;
	for (int i = 0; i < r->ncpus && !*full && !rc; i++) {
		for (;;) {
			struct st_apage *p = node_get(r, a);
			ssize_t n;
			int size;

			if (!p) {
				*full = true;
				break;
			}
			n = read(r->cpus[i].fd, p->data, r->subbuf);
			if (n <= 0) {
				int e = errno;

				pthread_mutex_lock(&a->lock);
				node_put_locked(a, p);
				pthread_mutex_unlock(&a->lock);
				if (n < 0 && e != EAGAIN && e != EINTR) {
					a->err_cpu = r->cpus[i].cpu;
					atomic_store(&a->err, e);
					rc = -1;
				}
				break;
			}
			p->len = (size_t)n;
			p->next = NULL;
			if (pass[i].tail)
				pass[i].tail->next = p;
			else
				pass[i].head = p;
			pass[i].tail = p;
			got++;
			size = kbuffer_load_subbuffer(a->kb, p->data) < 0 ? 0 :
			       kbuffer_subbuffer_size(a->kb);
			*bytes += (unsigned long long)size;
			if ((size_t)size < r->subbuf / 2)
				break;    /* the writer's page: the rest comes with the next wake-up */
		}
	}
	if (got)
		publish(r, a, pass);
	return rc ? rc : got;
}

static void *ahead_thread(void *arg)
{
	struct st_reader *r = arg;
	struct st_ahead *a = r->ahead;
	long long win_start = st_mono_ns();
	unsigned long long win_bytes = 0;
	int nap = a->nap0;
	bool full = false;

	st_reader_nice_down((int)gettid(), r->batch_nice);   /* as the loop's while batching */
	while (!atomic_load(&a->quit)) {
		/* At the bound only the consumer can make room: the CPUs' files would be ready
		 * at once, so wait the shortest nap for it instead. */
		if (full)
			poll(a->pfds + r->ncpus, 1, ST_READ_BATCH_NAP_MIN_MS);
		else
			poll(a->pfds, (nfds_t)r->ncpus + 1, nap);
		if (atomic_load(&a->quit))
			break;
		int got = read_pass(r, a, &win_bytes, &full);
		if (got) {       /* pages, or an error: the loop looks */
			unsigned long long one = 1;

			if (write(a->ready_fd, &one, sizeof(one)) < 0) { /* saturated: still set */ }
		}
		if (got < 0)
			break;
		long long now = st_mono_ns(), dt = now - win_start;
		if (dt >= ST_READ_BATCH_WINDOW_MS * 1000000LL) {
			nap = st_reader_nap_for(r, win_bytes * 1000000000ULL / (unsigned long long)dt);
			win_start = now;
			win_bytes = 0;
		}
	}
	return NULL;
}

static int ahead_new(struct st_reader *r)
{
	struct st_ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return -1;
	r->ahead = a;
	a->kick_fd = a->ready_fd = -1;
	pthread_mutex_init(&a->lock, NULL);
	a->q = calloc((size_t)r->ncpus, sizeof(*a->q));
	a->pass = calloc((size_t)r->ncpus, sizeof(*a->pass));
	a->pfds = calloc((size_t)r->ncpus + 1, sizeof(*a->pfds));
	a->kb = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
	a->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	a->ready_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!a->q || !a->pass || !a->pfds || !a->kb || a->kick_fd < 0 || a->ready_fd < 0)
		return -1;
	for (int i = 0; i < r->ncpus; i++) {
		a->pfds[i].fd = r->cpus[i].fd;
		a->pfds[i].events = POLLIN;
	}
	a->pfds[r->ncpus].fd = a->kick_fd;
	a->pfds[r->ncpus].events = POLLIN;
	a->max_nodes = ST_READ_AHEAD_BYTES / r->subbuf;
	if (a->max_nodes < 4 * (size_t)r->ncpus)
		a->max_nodes = 4 * (size_t)r->ncpus;
	return 0;
}

int st_ahead_start(struct st_reader *r)
{
	struct st_ahead *a = r->ahead;
	sigset_t all, old;
	int rc;

	if (a && (a->running || a->failed))
		return a->running ? 0 : -1;
	if (!a && ahead_new(r) < 0) {
		if (r->ahead)
			r->ahead->failed = true;
		return -1;
	}
	a = r->ahead;
	atomic_store(&a->quit, false);
	atomic_store(&a->err, 0);
	a->nap0 = r->nap_ms > 0 ? r->nap_ms : ST_READ_BATCH_NAP_MS;
	a->running = true;
	/* Signals stay with the caller's thread (a stop flag set from a handler). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, ahead_thread, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		a->running = false;
		a->failed = true;
		return -1;
	}
	return 0;
}

void st_ahead_stop(struct st_reader *r)
{
	struct st_ahead *a = r->ahead;
	unsigned long long one = 1;

	if (!a || !a->running)
		return;
	atomic_store(&a->quit, true);
	if (write(a->kick_fd, &one, sizeof(one)) < 0) { /* the flag is set: it ends at its nap */ }
	pthread_join(a->thread, NULL);
	if (read(a->kick_fd, &one, sizeof(one)) < 0) { /* nothing was left to clear */ }
	pthread_mutex_lock(&a->lock);
	a->running = false;
	while (a->free_list) {
		struct st_apage *p = a->free_list;

		a->free_list = p->next;
		free(p);
		a->nodes--;
	}
	pthread_mutex_unlock(&a->lock);
}

bool st_ahead_running(const struct st_reader *r)
{
	return r->ahead && r->ahead->running;
}

const void *st_ahead_take(struct st_reader *r, struct st_rcpu *c, size_t *len)
{
	struct st_ahead *a = r->ahead;
	struct st_aqueue *q;
	struct st_apage *p;

	if (!a)
		return NULL;
	q = &a->q[c - r->cpus];
	pthread_mutex_lock(&a->lock);
	node_put_locked(a, q->held);
	q->held = p = q->head;
	if (p) {
		q->head = p->next;
		if (!q->head)
			q->tail = NULL;
	}
	pthread_mutex_unlock(&a->lock);
	if (!p)
		return NULL;
	*len = p->len;
	return p->data;
}

bool st_ahead_queued(struct st_reader *r)
{
	struct st_ahead *a = r->ahead;
	bool any;

	if (!a)
		return false;
	any = false;
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < r->ncpus && !any; i++)
		any = a->q[i].head != NULL;
	pthread_mutex_unlock(&a->lock);
	return any;
}

int st_ahead_wait(struct st_reader *r, int timeout_ms)
{
	struct pollfd p = { .fd = r->ahead->ready_fd, .events = POLLIN };
	unsigned long long v;
	int n = poll(&p, 1, timeout_ms);

	if (n > 0 && read(p.fd, &v, sizeof(v)) < 0) { /* another read cleared it */ }
	return n;
}

int st_ahead_error(const struct st_reader *r, int *cpu)
{
	int e = r->ahead ? atomic_load(&r->ahead->err) : 0;

	if (e)
		*cpu = r->ahead->err_cpu;
	return e;
}

void st_ahead_free(struct st_reader *r)
{
	struct st_ahead *a = r->ahead;

	if (!a)
		return;
	st_ahead_stop(r);
	for (int i = 0; a->q && i < r->ncpus; i++) {
		struct st_apage *p = a->q[i].head, *next;

		for (; p; p = next) {
			next = p->next;
			free(p);
		}
		free(a->q[i].held);
	}
	free(a->q);
	free(a->pass);
	free(a->pfds);
	if (a->kb)
		kbuffer_free(a->kb);
	if (a->kick_fd >= 0)
		close(a->kick_fd);
	if (a->ready_fd >= 0)
		close(a->ready_fd);
	pthread_mutex_destroy(&a->lock);
	free(a);
	r->ahead = NULL;
}
