/* SPDX-License-Identifier: MIT */
/* Internals of the reader shared by its files (not a public header). */
#ifndef ST_READ_INT_H
#define ST_READ_INT_H
#include <limits.h>
#include <stdbool.h>
#include <time.h>
#include "read/read.h"

struct kbuffer;

/* pid -> comm cache, filled from saved_cmdlines and /proc (comm.c). */
struct st_comms;
struct st_comms *st_comms_new(const char *tracefs_root);
void st_comms_free(struct st_comms *c);
/* Never NULL. May re-read saved_cmdlines at most once per st_comms_new_round. */
const char *st_comms_get(struct st_comms *c, int pid);
void st_comms_new_round(struct st_comms *c);
/* What the kernel said pid is called from now on (a task/task_rename or task_newtask
 * event): taken like a fresh /proc read. */
void st_comms_set(struct st_comms *c, int pid, const char *comm);
/* fn for every pid the table names (not "<...>"), until fn returns non-zero (returned). */
int st_comms_each(const struct st_comms *c, int (*fn)(int pid, const char *comm, void *ctx),
		  void *ctx);

/* ftrace's latency flags ("d.h1", "d.h1." since 5.13) from common_flags and
 * common_preempt_count (flags.c). */
void st_lat_flags(unsigned int flags, unsigned int preempt, char out[8]);

/* One loaded event: what the reader needs per type id. */
struct st_revent {
	struct tep_event *tev;
	bool is_stack;            /* ftrace/kernel_stack or ftrace/user_stack */
	bool not_ours;            /* no added event has this id (known once every id is read) */
};

/* An event a glob matched whose format is read only when its first record comes
 * (formats.c): id files are read then (each once) until the record's id is found. */
struct st_rlazy {
	char *sys, *name;
	int id;                   /* -1 until read, -2 unreadable */
	int ord;                  /* place in its system directory's listing */
};

struct st_rcpu {
	int cpu;
	int fd;
	int stats_fd;             /* per_cpu/cpuN/stats, opened on the first lossy page */
	struct kbuffer *kb;
	char *page;               /* one sub-buffer */
	/* stacks: the event waiting for the kernel_stack record that follows it */
	char *pend;               /* copy of its data (sub-buffer sized) */
	int pend_size;
	unsigned long long pend_ts;
	struct timespec pend_at;
	bool has_pend;
	unsigned long long *kstk; /* with both stacks: the kernel one, kept until the user one */
	int nk;
	unsigned long long ustk[64];
	bool done;                /* EAGAIN in the current drain */
	bool tail;                /* batching: this round reached a partial page */
	void *cur;                /* the record the merge stands on, NULL = none loaded */
	unsigned long long cur_ts;
	int pages_left;           /* page budget of this round */
	unsigned long long missed;
	bool missed_unknown;
	long long lost_pending;  /* missed before the next delivered event (-1: uncounted) */
	unsigned long long lost_marked;  /* of those, counted into markers so far */
	unsigned long long base_overrun;
};

struct st_reader {
	char dir[PATH_MAX];
	char root[PATH_MAX];
	struct tep_handle *tep;
	int ncpus;
	struct st_rcpu *cpus;
	struct pollfd *pfds;
	size_t subbuf;
	bool stacks, ustacks;
	int ustack_id;            /* -1 until loaded */
	int ustack_caller_off, ustack_max;
	const unsigned long *want_cpus;  /* --cpu: only these (borrowed during open) */
	size_t nwant_cpus;
	bool resume;                     /* a callback stopped mid-page: the CPUs' cur records
					  * are still to be delivered by the next round */
	volatile sig_atomic_t *stop;
	int idle_ms;
	int wake_percent;        /* > 0: a wake-up mark; what sits below it is read on idle */
	bool auto_wake;          /* ST_READ_WAKE_AUTO: the mark follows the rate */
	bool batching;           /* auto_wake and the rate is high: the mark is set */
	int batch_nice;          /* the nice while batching (0 = leave it) */
	int own_nice;            /* the thread's nice before, while raised */
	int prio_tid;            /* the thread raised, 0 = none */
	unsigned long long records;      /* records read (every type) */
	unsigned long long win_records;  /* records at the start of the rate window */
	unsigned long long rec_bytes, win_bytes;  /* their bytes: all, at the window's start */
	unsigned long long buf_bytes;    /* a CPU's buffer (auto_wake); 0 = unknown */
	int nap_ms;                      /* the nap while batching (nap_for) */
	long long win_start;             /* its CLOCK_MONOTONIC ns; 0 = not started */
	struct st_comms *comms;
	struct st_revent *byid;   /* indexed by type id */
	int nbyid;
	struct st_rlazy *lazy;    /* matched events not loaded yet */
	int nlazy, lazycap;
	bool lazy_ordered;        /* sorted by directory order (on the first lookup) */
	int stack_id;             /* -1 until loaded */
	int stack_size_off, stack_caller_off;
	unsigned long long *stackbuf;
	int stackcap;
	unsigned long long delivered, unknown;
	unsigned long long idle_mark;   /* delivered at the last on_idle call */
	void (*on_idle)(void *ctx);
	void (*on_page)(void *page_ctx, int cpu, const void *page, size_t size);
	void *page_ctx;
	void (*on_stop)(void *ctx);
	unsigned long long pages_read;
	unsigned long long full_pages;   /* of those, pages the writer had left (not cut short) */
	unsigned long long round_full;   /* full_pages when the current round began */
	bool in_run;                     /* inside st_reader_run_until's loop, before its
					  * drain: batching and its read-ahead thread may start
					  * mid-round */
	/* The common fields' places, the same in every event of a tracefs: taken from the
	 * first record's format, then read straight from the record (no lookup per event). */
	struct st_common_at { int off, size; } c_type, c_flags, c_preempt, c_pid;
	bool common_known;
	bool common_std;          /* and at the usual places: read without common_u */
	unsigned int lat_key;     /* flags | preempt << 8 of lat_str, + 1 (0 = none yet) */
	char lat_str[8];
	bool at_tail;             /* watermark mode: stop a CPU at its first partial page */
	struct st_ahead *ahead;   /* the read-ahead thread while batching (ahead.c); NULL = none yet */
	bool drain_cut;           /* the drain after a stop hit its time or size bound */
};

/* formats.c: register one event format file with the reader. */
int st_reader_load_format(struct st_reader *r, const char *sys, const char *name,
			  const char *path, struct st_err *err);
/* formats.c: make ev's __print_symbolic tables match what libtraceevent reads from a
 * signed field narrower than 8 bytes (zero-extended): { -1, "RPM_INVALID" } of an int
 * field becomes { 0xffffffff, .. }, so the text shows the kernel's symbol, not
 * 0xffffffff. Every tep event is passed through it once its format is parsed. */
void st_tep_sign_symbols(struct tep_event *ev);

/* The event of type id, its format loaded on its first record; NULL when none of the
 * added events has that id. */
struct st_revent *st_reader_resolve(struct st_reader *r, int id);
static inline struct st_revent *st_reader_event(struct st_reader *r, int id)
{
	if (id >= 0 && id < r->nbyid && r->byid[id].tev)
		return &r->byid[id];
	if (id < 0 || (id < r->nbyid && r->byid[id].not_ours))
		return NULL;
	return st_reader_resolve(r, id);
}
/* Frees the lazy list (open.c's st_reader_free). */
void st_reader_lazy_free(struct st_reader *r);
/* Write the instance's buffer_percent (the wake-up mark); -1 when it cannot (older kernels:
 * poll still works, waking on any data). */
int st_reader_set_mark(struct st_reader *r, int percent);
/* Thread tid's nice lowered to nice (when lower and permitted): its nice before, else
 * INT_MIN (nothing changed; also for nice 0). */
int st_reader_nice_down(int tid, int nice);
/* Batching on or off: the mark, and the thread's priority (opts.batch_nice). */
void st_reader_batch(struct st_reader *r, bool on);

/* read.c: the nap while batching for a rate of bps bytes per second (all CPUs). */
int st_reader_nap_for(const struct st_reader *r, unsigned long long bps);

/* ahead.c: while batching, a thread reads every CPU's pages ahead into memory (at most
 * ST_READ_AHEAD_BYTES) and the loop decodes them from there. Only the loop's thread calls
 * these. start: 0, or -1 (read in place: it could not start, then or before). stop: the
 * thread ends; what it read stays queued, taken before the files are read again. */
int st_ahead_start(struct st_reader *r);
void st_ahead_stop(struct st_reader *r);
bool st_ahead_running(const struct st_reader *r);
/* CPU c's oldest page read ahead, valid until the next take for c: its bytes (*len), or
 * NULL when none is queued. */
const void *st_ahead_take(struct st_reader *r, struct st_rcpu *c, size_t *len);
bool st_ahead_queued(struct st_reader *r);
/* Sleep until the thread queued pages (or timeout_ms): poll's return. */
int st_ahead_wait(struct st_reader *r, int timeout_ms);
/* The errno of a read error the thread stopped on (its CPU in *cpu), else 0. */
int st_ahead_error(const struct st_reader *r, int *cpu);
/* Stops the thread and frees every page (st_reader_free). */
void st_ahead_free(struct st_reader *r);

/* overrun + dropped events of one CPU so far, from per_cpu/cpuN/stats. */
unsigned long long st_cpu_stats_lost(const struct st_reader *r, int cpu);
/* The same for a CPU the reader reads, through a file kept open (a lossy page asks for it:
 * one pread instead of an open, a read and a close). */
unsigned long long st_rcpu_stats_lost(const struct st_reader *r, struct st_rcpu *c);

#endif
