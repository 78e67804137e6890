/* SPDX-License-Identifier: MIT */
/* The raw reader: drains every CPU's trace_pipe_raw of ONE ftrace instance and decodes the
 * ring-buffer pages with libtraceevent (kbuffer + tep). Whole sub-buffers are read per
 * read(2), records are decoded in place (no per-event allocation) and handed to a callback,
 * merged across CPUs by timestamp within each wake-up (up to 64 pages per CPU), so the
 * stream is in time order like trace_pipe's. With stacks on, the ftrace/kernel_stack record
 * that the kernel writes right after an event is attached to that event instead of being
 * delivered on its own. Records are delivered on the caller's thread; poll(2) sleeps between
 * wake-ups. While batching (see ST_READ_BATCH_*), a second thread of the reader's own reads
 * the CPUs' pages ahead into memory, at most ST_READ_AHEAD_BYTES, so a consumer that falls
 * behind for a while (slow output, a slow callback) does not make the kernel lose events. */
#ifndef ST_READ_READ_H
#define ST_READ_READ_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct tep_handle;
struct tep_event;
struct tep_record;

struct st_reader_opts {
	/* The instance directory, e.g. "/sys/kernel/tracing/instances/surftrace_1234".
	 * A tracefs root ("/sys/kernel/tracing") works too (the top-level buffer). */
	const char *instance_dir;
	/* The tracefs root holding saved_cmdlines; NULL = derived from instance_dir. */
	const char *tracefs_root;
	bool stacks;                    /* attach ftrace/kernel_stack records (-s) */
	bool ustacks;                   /* attach ftrace/user_stack records (userstacktrace) */
	/* Stop when *stop becomes non-zero (set it from a signal handler); what is already
	 * buffered in the kernel is drained and delivered first, for at most
	 * ST_READ_DRAIN_MS and ST_READ_DRAIN_BYTES; at 2 (a second signal) the drain ends at
	 * once. May be NULL. */
	volatile sig_atomic_t *stop;
	/* Called (with the run's ctx) once when the stop is first seen, before the drain:
	 * the moment to switch tracing off so the drain has an end. May be NULL. */
	void (*on_stop)(void *ctx);
	/* Wake-up latency vs. cost: the instance's buffer_percent is set to this value when
	 * >= 0 (0 = wake on any data); -1 leaves it as it is; ST_READ_WAKE_AUTO (what a live
	 * trace wants) wakes on any data while events are sparse and batches while they come
	 * fast (see ST_READ_BATCH_*). With a mark (> 0) what sits below it is read every
	 * idle_ms (ST_READ_BATCH_NAP_MS when batching), so no event waits longer. The reader
	 * writes only this file, and only inside the instance it was given. */
	int wake_percent;
	int idle_ms;                    /* poll timeout between stop-flag checks; 0 = 100 */
	/* While batching, the reading thread's nice value is this (when lower than its own;
	 * CAP_SYS_NICE); its own comes back when batching ends or the reader is freed.
	 * 0 = never change it. */
	int batch_nice;
	/* Called (with the ctx given to st_reader_run/drain) when everything buffered has
	 * been delivered and the reader is about to wait: the moment to flush output
	 * (st_output_flush). Only after at least one record was delivered. May be NULL. */
	void (*on_idle)(void *ctx);
	/* Every ring-buffer page as read from trace_pipe_raw, before decoding (-w records
	 * them raw): `size` bytes at `page`, a sub-buffer of st_reader_page_size bytes. */
	void (*on_page)(void *page_ctx, int cpu, const void *page, size_t size);
	void *page_ctx;
	/* Read only these CPUs' buffers (--cpu); NULL = every CPU of the instance. */
	const unsigned long *cpus;
	size_t ncpus;
};

/* Batching (ST_READ_WAKE_AUTO): once records come at ST_READ_BATCH_RATE per second or more
 * (over a window of ST_READ_BATCH_WINDOW_MS), buffer_percent becomes ST_READ_BATCH_PERCENT:
 * the kernel wakes the reader when a CPU's buffer is that full, and each wake-up reads whole
 * pages up to the first partial one instead of chasing the writer a few records at a time;
 * below the mark everything is read every ST_READ_BATCH_NAP_MS (or more often: every quarter
 * of the time a buffer lasts at the rate seen, at least ST_READ_BATCH_NAP_MIN_MS), which
 * bounds the delay of a lone event. Under a quarter of that rate the mark goes back to 0 (wake on any data).
 * ST_READ_BATCH_PAGES whole pages read in one wake-up start batching at once: the writer
 * is that far ahead of a reader waking per event (at a CPU's full rate the buffer lasts
 * about as long as the rate window). */
#define ST_READ_WAKE_AUTO (-2)
#define ST_READ_BATCH_RATE 20000
#define ST_READ_BATCH_WINDOW_MS 20
#define ST_READ_BATCH_PERCENT 10
#define ST_READ_BATCH_NAP_MS 50
#define ST_READ_BATCH_NAP_MIN_MS 2
#define ST_READ_BATCH_PAGES 2
/* Pages read ahead while batching and not yet delivered, at most (all CPUs). */
#define ST_READ_AHEAD_BYTES (32u << 20)

/* One decoded record, valid only during the callback (it points into the page). The reader
 * sets each field by name (read.c, emit_both): a new field must be set there too. */
struct st_event {
	int cpu;
	unsigned long long ts;          /* ring-buffer clock, ns (printed as sec.usec) */
	int pid;
	const char *comm;               /* saved_cmdlines / /proc, "<...>" when unknown */
	char flags[8];                  /* ftrace's latency flags as the kernel prints them:
					 * "d.h1" (before 5.13), "d.h1." */
	const char *system;             /* "syscalls", "surftrace_1234", ... */
	const char *name;               /* "sys_enter_getppid", "p0", ... */
	int id;                         /* the event's type id in this tracefs */
	struct tep_handle *tep;
	struct tep_event *tev;          /* format: tep_find_field(tev, "comm") ... */
	struct tep_record *rec;         /* rec->data / rec->size: the raw record */
	const unsigned long long *stack;/* kernel return addresses (with stacks), else NULL */
	int nstack;
	const unsigned long long *ustack;/* user addresses, innermost first (with ustacks) */
	int nustack;
	long long lost_before;          /* events this CPU lost just before this one (the
					 * page's missed count): 0 none, -1 some (no count) */
};

/* Return 0 to go on, non-zero to stop at once (e.g. -n COUNT reached; nothing more is
 * delivered). */
typedef int (*st_reader_cb)(const struct st_event *ev, void *ctx);

struct st_reader;

/* Opens the per-CPU trace_pipe_raw files and parses the instance's header formats.
 * NULL with err on failure. */
struct st_reader *st_reader_new(const struct st_reader_opts *o, struct st_err *err);
void st_reader_free(struct st_reader *r);

#define ST_READ_DRAIN_MS 2000
#define ST_READ_DRAIN_BYTES (64u << 20)

/* Whether the drain after a stop was cut short by its bounds or a second stop (events
 * may have stayed in the kernel's buffer unread). */
bool st_reader_drain_cut(const struct st_reader *r);

/* Load the format of every event system/name of the instance (fnmatch globs allowed in
 * both, e.g. "syscalls", "sys_enter_open*") so its records can be decoded. Records of
 * events that were not added are skipped (and counted). Returns the number of formats
 * loaded (0 = nothing matched: err says so, a negative value is an I/O error). */
int st_reader_add_event(struct st_reader *r, const char *system, const char *name,
			struct st_err *err);
/* The same for an event known to exist (the session enabled it): its format is read when
 * its first record comes (the reader's first event's at once: it gives the common fields),
 * so a run over hundreds of events reads only the formats of those that fire. Returns 1
 * (globs: as st_reader_add_event), or -1 with err. */
int st_reader_add_event_lazy(struct st_reader *r, const char *system, const char *name,
			     struct st_err *err);

/* Read and deliver until the stop flag, the callback's request, or an error.
 * Returns 0 (stopped by flag, drained), 1 (stopped by callback), -1 with err. */
int st_reader_run(struct st_reader *r, st_reader_cb cb, void *ctx, struct st_err *err);

/* st_reader_run that also returns 2 once CLOCK_MONOTONIC reaches deadline_ns (0 = never),
 * after draining and delivering everything buffered: the caller prints an interval and
 * calls again. */
int st_reader_run_until(struct st_reader *r, long long deadline_ns, st_reader_cb cb,
			void *ctx, struct st_err *err);

/* Read once whatever is buffered now, without waiting (tests, benches). Same returns. */
int st_reader_drain(struct st_reader *r, st_reader_cb cb, void *ctx, struct st_err *err);

/* Sleep until some CPU has data to read or timeout_ms passes (-1: no limit), delivering
 * nothing (follow with st_reader_drain). 1 = ready, 0 = timeout, -1 with err (a signal:
 * "interrupted"). For callers that must not be inside the reader while they wait. */
int st_reader_wait(struct st_reader *r, int timeout_ms, struct st_err *err);

struct tep_handle *st_reader_tep(const struct st_reader *r);
int st_reader_ncpus(const struct st_reader *r);
/* Size of one ring-buffer sub-buffer (what one read of trace_pipe_raw returns at most). */
size_t st_reader_page_size(const struct st_reader *r);
/* pid is called comm from now on (the kernel's task_newtask/task_rename events, read in
 * time order): the comm of its later events, even once it has exited. */
void st_reader_note_comm(struct st_reader *r, int pid, const char *comm);
/* fn for every task the reader has named lately (pid and the name its events were
 * printed with; at most a few thousand), until fn returns non-zero (returned). -w keeps
 * them with the recording, for tasks the kernel's saved_cmdlines lost. */
int st_reader_each_comm(const struct st_reader *r,
			int (*fn)(int pid, const char *comm, void *ctx), void *ctx);
/* The CPU number of the i-th buffer read (0 <= i < st_reader_ncpus). */
int st_reader_cpu_at(const struct st_reader *r, int i);

/* Events lost on `cpu`: the larger of the pages' missed-events counts and the kernel's
 * per_cpu/cpuN/stats (overrun + dropped events) since st_reader_new. Stats are re-read on
 * each call. */
unsigned long long st_reader_lost(struct st_reader *r, int cpu);
/* Records delivered so far, and records skipped because their event was not added. */
unsigned long long st_reader_delivered(const struct st_reader *r);
unsigned long long st_reader_unknown(const struct st_reader *r);

/* The events of a trace.dat file (surftrace -w, trace-cmd record), in time order, as the
 * live reader delivers them (tracedat.c). stacks: attach ftrace/kernel_stack records to
 * the event before them. run returns 0 (also when cb stopped it) or -1 with err. The
 * events' tep lives until close: free whatever borrowed it (an st_output) first. */
struct st_tracedat;
struct st_tracedat *st_tracedat_open(const char *path, struct st_err *err);
int st_tracedat_run(struct st_tracedat *td, bool stacks, st_reader_cb cb, void *ctx,
		    struct st_err *err);
void st_tracedat_close(struct st_tracedat *td);
/* pid is called comm where the file's saved cmdlines do not name it (what the live run
 * printed, kept by -w: the kernel's saved_cmdlines may have lost an exited task). */
void st_tracedat_name(struct st_tracedat *td, int pid, const char *comm);

#endif
