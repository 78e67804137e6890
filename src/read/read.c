// SPDX-License-Identifier: MIT
/* The reader's main loop: per-CPU trace_pipe_raw, one sub-buffer per read(2), decoded in
 * place with kbuffer and handed to the callback on the caller's thread. poll(2) over all
 * CPUs: the kernel wakes us per CPU (buffer_percent 0 = on any data), each wake-up drains a
 * bounded number of pages per CPU so no CPU starves the others. While batching, the pages
 * come from the read-ahead thread (ahead.c) instead of the files. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event-parse.h>
#include <kbuffer.h>
#include "read/read_int.h"
#include "util/clock.h"

#define PAGES_PER_WAKE 64      /* per CPU, before looking at the other CPUs again */
#define PEND_MAX_NS 20000000LL /* a stack-waiting event older than this is flushed */

/* A common field of the record, host byte order (live buffers are the host's). */
static unsigned long long common_u(const void *data, int size, struct st_common_at a)
{
	const unsigned char *p = (const unsigned char *)data + a.off;

	if (a.off < 0 || a.off + a.size > size)
		return 0;
	switch (a.size) {
	case 1: return *p;
	case 2: { unsigned short v; memcpy(&v, p, 2); return v; }
	case 4: { unsigned int v; memcpy(&v, p, 4); return v; }
	case 8: { unsigned long long v; memcpy(&v, p, 8); return v; }
	default: return 0;
	}
}

static struct st_common_at common_at(struct tep_event *tev, const char *name)
{
	struct tep_format_field *f = tep_find_common_field(tev, name);
	struct st_common_at a = { -1, 0 };

	if (f && (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)) {
		a.off = f->offset;
		a.size = f->size;
	}
	return a;
}

/* The record's type id: from the common field's place once known, else (the first
 * record) through libtraceevent, whose event's format then gives every common place. */
static int record_type(struct st_reader *r, void *data, int size)
{
	if (r->common_std && size >= 8) {
		unsigned short t;

		memcpy(&t, data, 2);
		return t;
	}
	if (r->common_known)
		return (int)common_u(data, size, r->c_type);
	struct tep_record rec = { .data = data, .size = size };
	int type = r->nbyid ? tep_data_type(r->tep, &rec) : -1;
	struct st_revent *re = st_reader_event(r, type);

	if (!re)
		return type;
	struct tep_event *tev = re->tev;
	r->c_type = common_at(tev, "common_type");
	r->c_flags = common_at(tev, "common_flags");
	r->c_preempt = common_at(tev, "common_preempt_count");
	r->c_pid = common_at(tev, "common_pid");
	r->common_known = r->c_type.off >= 0 && r->c_pid.off >= 0;
	/* the layout every kernel since 2.6.31 has (and no other one): u16 type, u8 flags,
	 * u8 preempt count, int pid, at 0, 2, 3, 4 */
	r->common_std = r->c_type.off == 0 && r->c_type.size == 2 && r->c_flags.off == 2 &&
			r->c_flags.size == 1 && r->c_preempt.off == 3 && r->c_preempt.size == 1 &&
			r->c_pid.off == 4 && r->c_pid.size == 4;
	return type;
}

static int emit_both(struct st_reader *r, struct st_rcpu *c, void *data, int size,
		     unsigned long long ts, const unsigned long long *stack, int nstack,
		     const unsigned long long *ustack, int nustack, st_reader_cb cb, void *ctx)
{
	struct tep_record rec = {
		.ts = ts, .size = size, .record_size = size, .data = data,
		.cpu = c->cpu, .ref_count = 1, .locked = 1,
	};
	int type = record_type(r, data, size);
	struct st_revent *re = st_reader_event(r, type);
	if (!re || re->is_stack) {
		r->unknown++;
		return 0;
	}
	struct tep_event *tev = re->tev;
	/* every field set one by one: a zeroing initializer of this size is a rep stos,
	 * whose start costs more than the rest of this function */
	struct st_event ev;
	ev.cpu = c->cpu;
	ev.ts = ts;
	ev.system = tev->system;
	ev.name = tev->name;
	ev.id = type;
	ev.tep = r->tep;
	ev.tev = tev;
	ev.rec = &rec;
	ev.stack = nstack ? stack : NULL;
	ev.nstack = nstack;
	ev.ustack = nustack ? ustack : NULL;
	ev.nustack = nustack;
	unsigned int flags, preempt;
	if (r->common_std && size >= 8) {
		const unsigned char *d = data;

		memcpy(&ev.pid, d + 4, 4);
		flags = d[2];
		preempt = d[3];
	} else if (r->common_known) {
		ev.pid = (int)common_u(data, size, r->c_pid);
		flags = (unsigned int)common_u(data, size, r->c_flags);
		preempt = (unsigned int)common_u(data, size, r->c_preempt);
	} else {        /* a format without the usual common fields */
		ev.pid = tep_data_pid(r->tep, &rec);
		flags = (unsigned int)tep_data_flags(r->tep, &rec);
		preempt = (unsigned int)tep_data_preempt_count(r->tep, &rec);
	}
	ev.comm = st_comms_get(r->comms, ev.pid);
	/* the flags column, remembered for the last (flags, preempt) pair: it rarely changes */
	unsigned int key = ((flags & 0xff) | (preempt & 0xff) << 8) + 1;
	if (key != r->lat_key) {
		st_lat_flags((key - 1) & 0xff, (key - 1) >> 8, r->lat_str);
		r->lat_key = key;
	}
	memcpy(ev.flags, r->lat_str, sizeof(ev.flags));
	ev.lost_before = c->lost_pending;
	if (c->lost_pending > 0)
		c->lost_marked += (unsigned long long)c->lost_pending;
	c->lost_pending = 0;
	r->delivered++;
	return cb(&ev, ctx);
}

static int emit(struct st_reader *r, struct st_rcpu *c, void *data, int size,
		unsigned long long ts, const unsigned long long *stack, int nstack,
		st_reader_cb cb, void *ctx)
{
	return emit_both(r, c, data, size, ts, stack, nstack, NULL, 0, cb, ctx);
}

static int flush_pend(struct st_reader *r, struct st_rcpu *c, st_reader_cb cb, void *ctx)
{
	if (!c->has_pend)
		return 0;
	c->has_pend = false;
	/* with both stacks, a kernel stack may have come without its user stack */
	return emit(r, c, c->pend, c->pend_size, c->pend_ts, c->nk ? c->kstk : NULL, c->nk,
		    cb, ctx);
}

/* The user stack record: its caller[] up to the first 0 (older kernels end with
 * ULONG_MAX). */
static int ustack_of(struct st_reader *r, const char *data, int size, unsigned long long *out)
{
	int n = 0;
	while (n < r->ustack_max &&
	       r->ustack_caller_off + (n + 1) * (int)sizeof(unsigned long long) <= size) {
		unsigned long long v;
		memcpy(&v, data + r->ustack_caller_off + n * (int)sizeof(v), sizeof(v));
		if (!v || v == ~0ULL)
			break;
		out[n++] = v;
	}
	return n;
}

static int stack_of(struct st_reader *r, const char *data, int size)
{
	int n;
	if (size < r->stack_caller_off || size < r->stack_size_off + 4)
		return 0;
	memcpy(&n, data + r->stack_size_off, sizeof(n));
	int room = (size - r->stack_caller_off) / (int)sizeof(unsigned long long);
	if (n > room)
		n = room;
	if (n > r->stackcap)
		n = r->stackcap;
	if (n < 0)
		n = 0;
	memcpy(r->stackbuf, data + r->stack_caller_off, (size_t)n * sizeof(unsigned long long));
	/* Older kernels end the array with ULONG_MAX. */
	while (n > 0 && (r->stackbuf[n - 1] == ~0ULL || r->stackbuf[n - 1] == 0))
		n--;
	return n;
}

static int on_record(struct st_reader *r, struct st_rcpu *c, void *data, int size,
		     unsigned long long ts, st_reader_cb cb, void *ctx)
{
	if (!r->stacks && !r->ustacks)
		return emit(r, c, data, size, ts, NULL, 0, cb, ctx);
	int type = record_type(r, data, size);
	if (r->stacks && type == r->stack_id) {
		if (!c->has_pend)
			return 0;  /* its event was not ours (or already flushed) */
		int n = stack_of(r, data, size);
		if (r->ustacks) {
			/* the user stack record comes next: keep this one until then */
			memcpy(c->kstk, r->stackbuf, (size_t)n * sizeof(*c->kstk));
			c->nk = n;
			return 0;
		}
		c->has_pend = false;
		return emit(r, c, c->pend, c->pend_size, c->pend_ts, r->stackbuf, n, cb, ctx);
	}
	if (r->ustacks && type == r->ustack_id) {
		if (!c->has_pend)
			return 0;
		int nu = ustack_of(r, data, size, c->ustk);
		c->has_pend = false;
		return emit_both(r, c, c->pend, c->pend_size, c->pend_ts, c->nk ? c->kstk : NULL,
				 c->nk, c->ustk, nu, cb, ctx);
	}
	/* A stop asked by the callback here still keeps this record (it is delivered next
	 * time: nothing read is dropped). */
	int rc = flush_pend(r, c, cb, ctx);
	/* Keep a copy: the stack record may come with the next page. */
	if ((size_t)size > r->subbuf)
		size = (int)r->subbuf;
	memcpy(c->pend, data, (size_t)size);
	c->nk = 0;
	c->pend_size = size;
	c->pend_ts = ts;
	c->pend_at.tv_sec = 0;
	c->pend_at.tv_nsec = 0;
	c->has_pend = true;
	long long t = st_mono_ns();
	c->pend_at.tv_sec = t / 1000000000LL;
	c->pend_at.tv_nsec = t % 1000000000LL;
	return rc;
}

/* Load CPU c's next sub-buffer and stand on its first record. 1 = a record is there,
 * 0 = nothing more for now (c->done on EAGAIN) or this round's page budget is spent,
 * -1 = read error. */
static int load_page(struct st_reader *r, struct st_rcpu *c, bool to_tail,
		     struct st_err *err)
{
	if (c->tail) {
		/* batching: this CPU reached the writer; the rest comes with the next wake-up */
		c->done = true;
		return 0;
	}
	while (c->pages_left > 0) {
		void *pg = c->page;
		size_t len;
		ssize_t n;

		c->pages_left--;
		/* what the read-ahead thread queued comes first (older than what the file
		 * has); while it runs, only it reads the file */
		const void *ahead = r->ahead ? st_ahead_take(r, c, &len) : NULL;
		if (ahead) {
			pg = (void *)ahead;
			n = (ssize_t)len;
		} else if (st_ahead_running(r)) {
			int cpu, e = st_ahead_error(r, &cpu);

			if (e)
				return st_err_set(err, 0, "cpu%d trace_pipe_raw: %s", cpu,
						  strerror(e));
			c->done = true;
			return 0;
		} else {
			n = read(c->fd, pg, r->subbuf);
		}
		if ((n < 0 && (errno == EAGAIN || errno == EINTR)) || n == 0) {
			c->done = true;
			return 0;
		}
		if (n < 0)
			return st_err_set(err, 0, "cpu%d trace_pipe_raw: %s", c->cpu,
					  strerror(errno));
		if (r->on_page)
			r->on_page(r->page_ctx, c->cpu, pg, (size_t)n);
		r->pages_read++;
		if (kbuffer_load_subbuffer(c->kb, pg) < 0)
			continue;
		/* a page the kernel cut short: the writer is on it (or it holds one big record) */
		if ((size_t)kbuffer_subbuffer_size(c->kb) < r->subbuf / 2)
			c->tail = to_tail;
		else if (++r->full_pages - r->round_full >= ST_READ_BATCH_PAGES && r->in_run &&
			 r->auto_wake && !r->batching) {
			/* whole pages in one wake-up: the writer got ahead of a reader that wakes
			 * per event (the rate window would come too late: the buffer of a CPU at
			 * full rate lasts about as long). Batch now, and the read-ahead thread
			 * reads the rest of this round already: the callback may be slow. */
			st_reader_batch(r, true);
			if (r->batching)
				st_ahead_start(r);
		}
		int missed = kbuffer_missed_events(c->kb);
		if (missed > 0) {
			c->missed += (unsigned long long)missed;
			c->lost_pending = (c->lost_pending > 0 ? c->lost_pending : 0) + missed;
		} else if (missed < 0) {
			/* the page says "some", without a count: the CPU's stats tell how many
			 * were lost since the last marker (one read per lossy page) */
			unsigned long long s = st_rcpu_stats_lost(r, c), had;

			c->missed_unknown = true;
			s = s > c->base_overrun ? s - c->base_overrun : 0;
			had = c->lost_marked + (c->lost_pending > 0 ? (unsigned long long)c->lost_pending : 0);
			if (s > had)
				c->lost_pending = (c->lost_pending > 0 ? c->lost_pending : 0) +
						  (long long)(s - had);
			else if (!c->lost_pending)
				c->lost_pending = -1;
		}
		c->cur = kbuffer_read_event(c->kb, &c->cur_ts);
		if (c->cur)
			return 1;
	}
	return 0;
}

/* Up to `pages` sub-buffers from each CPU (all CPUs when only_ready is false, else those
 * poll marked), delivered merged by timestamp across CPUs, as trace_pipe would order
 * them. 0 = went on, 1 = the callback asked to stop, -1 = read error. */
static int read_round(struct st_reader *r, int pages, bool only_ready, bool to_tail,
		      st_reader_cb cb, void *ctx, struct st_err *err)
{
	int live = 0;
	bool resume = r->resume;
	r->resume = false;
	r->round_full = r->full_pages;
	for (int i = 0; i < r->ncpus; i++) {
		struct st_rcpu *c = &r->cpus[i];
		if (resume && c->cur) {
			/* the rest of a page a stopping callback left: it goes first */
			c->done = false;
			c->pages_left = pages;
			live++;
			continue;
		}
		c->cur = NULL;
		c->tail = false;
		if (only_ready && !(r->pfds[i].revents & (POLLIN | POLLRDNORM)))
			continue;
		c->done = false;
		c->pages_left = pages;
		int k = load_page(r, c, to_tail, err);
		if (k < 0)
			return -1;
		live += k;
	}
	while (live) {
		struct st_rcpu *m = NULL;
		for (int i = 0; i < r->ncpus; i++) {
			struct st_rcpu *c = &r->cpus[i];
			if (c->cur && (!m || c->cur_ts < m->cur_ts))
				m = c;
		}
		int esize = kbuffer_event_size(m->kb);
		r->records++;
		r->rec_bytes += (unsigned long long)esize;
		int stop = on_record(r, m, m->cur, esize, m->cur_ts, cb, ctx);
		m->cur = kbuffer_next_event(m->kb, &m->cur_ts);
		if (stop) {
			/* Nothing read is dropped: what the CPUs stand on comes next time. */
			r->resume = true;
			return 1;
		}
		if (!m->cur) {
			int k = load_page(r, m, to_tail, err);
			if (k < 0)
				return -1;
			live -= !k;
		}
	}
	return 0;
}

static int flush_all_pend(struct st_reader *r, long long older_than, st_reader_cb cb,
			  void *ctx)
{
	long long now = older_than ? st_mono_ns() : 0;
	for (int i = 0; i < r->ncpus; i++) {
		struct st_rcpu *c = &r->cpus[i];
		if (!c->has_pend)
			continue;
		long long at = c->pend_at.tv_sec * 1000000000LL + c->pend_at.tv_nsec;
		if (older_than && now - at < older_than)
			continue;
		int rc = flush_pend(r, c, cb, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

static void idle(struct st_reader *r, void *ctx)
{
	if (r->on_idle && r->delivered != r->idle_mark)
		r->on_idle(ctx);
	r->idle_mark = r->delivered;
}

/* Everything buffered now; when bounded (after a stop), at most ST_READ_DRAIN_MS and
 * ST_READ_DRAIN_BYTES, and nothing more once the stop level reaches 2. */
static int drain(struct st_reader *r, bool bounded, st_reader_cb cb, void *ctx,
		 struct st_err *err)
{
	/* the read-ahead thread ends: this thread reads the files itself now, after what
	 * was read ahead; a drain ends the run's loop, so no thread starts again in it */
	st_ahead_stop(r);
	r->in_run = false;
	long long until = bounded ? st_mono_ns() + ST_READ_DRAIN_MS * 1000000LL : 0;
	unsigned long long max_pages = r->pages_read + ST_READ_DRAIN_BYTES / r->subbuf;
	for (;;) {
		bool more = false;
		if (bounded && ((r->stop && *r->stop >= 2) || st_mono_ns() > until ||
				r->pages_read >= max_pages)) {
			r->drain_cut = true;
			return 0;
		}
		int rc = read_round(r, PAGES_PER_WAKE, false, false, cb, ctx, err);
		if (rc)
			return rc;
		for (int i = 0; i < r->ncpus; i++)
			more |= !r->cpus[i].done;
		if (!more)
			break;
	}
	int rc = flush_all_pend(r, 0, cb, ctx);
	if (!rc)
		idle(r, ctx);
	return rc;
}

int st_reader_drain(struct st_reader *r, st_reader_cb cb, void *ctx, struct st_err *err)
{
	return drain(r, r->stop && *r->stop, cb, ctx, err);
}

bool st_reader_drain_cut(const struct st_reader *r)
{
	return r->drain_cut;
}

int st_reader_wait(struct st_reader *r, int timeout_ms, struct st_err *err)
{
	int n = poll(r->pfds, (nfds_t)r->ncpus, timeout_ms);
	if (n < 0)
		return st_err_set(err, 0, "%s", errno == EINTR ? "interrupted" : strerror(errno));
	return n > 0;
}

int st_reader_run(struct st_reader *r, st_reader_cb cb, void *ctx, struct st_err *err)
{
	return st_reader_run_until(r, 0, cb, ctx, err);
}

/* The nap while batching: ST_READ_BATCH_NAP_MS, or a quarter of the time a CPU's buffer
 * lasts at bps (all CPUs' rate: the worst case of one), when shorter. The wake-up at the
 * mark can come late (the kernel checks it when the writer enters a new page, and the
 * reader must still get a CPU): at full rate a buffer lasts 20-30 ms, less than the nap. */
int st_reader_nap_for(const struct st_reader *r, unsigned long long bps)
{
	unsigned long long ms;

	if (!r->buf_bytes || !bps)
		return ST_READ_BATCH_NAP_MS;
	ms = r->buf_bytes * 1000 / bps / 4;
	return ms < ST_READ_BATCH_NAP_MIN_MS ? ST_READ_BATCH_NAP_MIN_MS :
	       ms > ST_READ_BATCH_NAP_MS ? ST_READ_BATCH_NAP_MS : (int)ms;
}

/* ST_READ_WAKE_AUTO: at the end of each rate window, set the mark by the rate seen. */
static void follow_rate(struct st_reader *r)
{
	long long now = st_mono_ns(), dt = now - r->win_start;

	if (!r->win_start || dt < 0) {
		r->win_start = now;
		r->win_records = r->records;
		r->win_bytes = r->rec_bytes;
		return;
	}
	if (dt < ST_READ_BATCH_WINDOW_MS * 1000000LL)
		return;
	/* records and bytes (with their 4-byte headers) per second over the window */
	unsigned long long nrec = r->records - r->win_records;
	unsigned long long rate = nrec * 1000000000ULL / (unsigned long long)dt;
	unsigned long long bps = (r->rec_bytes - r->win_bytes + 4 * nrec) * 1000000000ULL /
				 (unsigned long long)dt;
	r->win_start = now;
	r->win_records = r->records;
	r->win_bytes = r->rec_bytes;
	if (!r->batching && rate >= ST_READ_BATCH_RATE)
		st_reader_batch(r, true);
	else if (r->batching && rate < ST_READ_BATCH_RATE / 4)
		st_reader_batch(r, false);
	r->nap_ms = st_reader_nap_for(r, bps);
}

static int run_loop(struct st_reader *r, long long deadline_ns, st_reader_cb cb, void *ctx,
		    struct st_err *err)
{
	for (;;) {
		if (r->stop && *r->stop) {
			if (r->on_stop)
				r->on_stop(ctx);
			return drain(r, true, cb, ctx, err);
		}
		/* while batching the read-ahead thread reads the files (and naps); this one
		 * waits for its pages */
		if (r->batching && !st_ahead_running(r))
			st_ahead_start(r);
		bool ahead = st_ahead_running(r);
		int wait_ms = r->idle_ms;
		if (r->batching && !ahead && wait_ms > r->nap_ms)
			wait_ms = r->nap_ms;
		if (deadline_ns) {
			long long left = deadline_ns - st_mono_ns();
			if (left <= 0) {
				/* the interval ends: what is buffered below the wake-up mark too */
				int rc = st_reader_drain(r, cb, ctx, err);
				return rc ? rc : 2;
			}
			if (left / 1000000 < wait_ms)
				wait_ms = (int)((left + 999999) / 1000000);
		}
		st_comms_new_round(r->comms);
		/* Nothing ready right now? Then flush, and only then sleep. */
		int n = ahead ? st_ahead_queued(r) : poll(r->pfds, (nfds_t)r->ncpus, 0);
		if (n == 0) {
			idle(r, ctx);
			n = ahead ? st_ahead_wait(r, wait_ms) :
			    poll(r->pfds, (nfds_t)r->ncpus, wait_ms);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return st_err_set(err, 0, "poll: %s", strerror(errno));
		/* Below a wake-up mark nothing wakes us: read every CPU once per idle nap, so
		 * an event waits at most the nap. A batching round reads every CPU (one at the
		 * mark wakes us; the others' records keep the merge in time order) up to the
		 * writer's page, not after it. */
		int rc = n ? read_round(r, PAGES_PER_WAKE, !r->batching, r->batching && !ahead, cb,
				       ctx, err) :
			 r->wake_percent > 0 && !ahead ?
			 read_round(r, PAGES_PER_WAKE, false, r->batching, cb, ctx, err) : 0;
		if (!rc && (r->stacks || r->ustacks))
			rc = flush_all_pend(r, n ? PEND_MAX_NS : 0, cb, ctx);
		if (rc)
			return rc;
		if (r->auto_wake)
			follow_rate(r);
	}
}

int st_reader_run_until(struct st_reader *r, long long deadline_ns, st_reader_cb cb,
			void *ctx, struct st_err *err)
{
	r->in_run = true;
	int rc = run_loop(r, deadline_ns, cb, ctx, err);
	r->in_run = false;

	st_ahead_stop(r);   /* the read-ahead thread lives only while the loop runs */
	return rc;
}
