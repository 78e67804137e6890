/* SPDX-License-Identifier: MIT */
/* libsurftrace: trace kernel functions, user functions and trace events from one-line
 * C-like expressions, the library the surftrace command itself is built on.
 *
 *   struct surftrace_err err;
 *   struct surftrace *st = surftrace_new(NULL, &err);
 *   surftrace_add(st, "P /bin/bash:readline", &err);
 *   surftrace_start(st, on_event, ctx, &err);   // probes live from here
 *   surftrace_run(st, &err);                    // until surftrace_request_stop()
 *   surftrace_free(st);                         // tracefs is as it was before
 *
 * Every run owns one ftrace instance and one event group named surftrace_<pid>; nothing
 * global is changed and everything is removed on stop/free. Functions return 0 (or a
 * count) on success and -1 with *err filled on failure; err may be NULL. */
#ifndef SURFTRACE_H
#define SURFTRACE_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct surftrace_err {
	int expr;        /* 0-based expression index the error belongs to, -1 = none */
	int col;         /* 1-based column in that expression, 0 = none */
	bool runtime;    /* true: the system refused (kernel, permissions); false: bad input */
	char msg[512];   /* one line, includes the kernel's error_log reason when there is one */
};

/* Messages the library has for a user (a cleanup that failed at surftrace_free) go
 * through one process-wide callback, as libbpf_set_print: the default prints WARN and INFO
 * to stderr; NULL silences. Returns the previous callback. */
enum surftrace_print_level { SURFTRACE_WARN, SURFTRACE_INFO, SURFTRACE_DEBUG };
typedef int (*surftrace_print_fn_t)(enum surftrace_print_level level, const char *fmt,
				    va_list ap);
surftrace_print_fn_t surftrace_set_print(surftrace_print_fn_t fn);

/* The lost-events line ("surftrace: lost N events (cpu0: N, ..)") ends with "; ADVICE"
 * when set: the caller names its own way to enlarge the buffer (the CLI its --buffer-kb,
 * a binding its option). NULL (default) = no advice. Process-wide; the text is copied. */
void surftrace_set_lost_advice(const char *advice);

struct surftrace_opts {
	size_t sz;              /* sizeof(struct surftrace_opts): lets the struct grow */
	const char *btf;        /* types from this BTF file; NULL = the running kernel */
	const char *arch;       /* "x86_64"/"aarch64"; NULL = host */
	const char *tracefs;    /* tracefs root; NULL = find (and mount) it */
	bool stack;             /* record a kernel stack with every event */
	long buffer_kb;         /* per-CPU buffer of the instance; 0 = kernel default */
	FILE *print;            /* print every event here (text or JSON lines); NULL = no */
	bool json;              /* JSON lines instead of the original's text lines */
	long max_events;        /* stop after this many events; 0 = no limit */
	bool no_sweep;          /* skip removing dead runs' leftovers at start */
	bool line_buffered;     /* flush `print` after every event (a terminal, a pipe) */
	double timeout;         /* surftrace_write_script only: stop after SECONDS; a live
	                           caller arms its own timer and calls request_stop */
	const char *vmlinux;    /* debuginfo vmlinux for arguments at func+off (DWARF location
	                           lists); NULL = the installed one of the running kernel */
	bool ustack;            /* record the user stack (frame pointers, up to 8 frames) with
	                           every event: surftrace_event.ustack */
	bool kernel_comm;       /* p/r/P/R also fetch the task's comm in the kernel (an
	                           argument named __comm) and surftrace_event.comm is that:
	                           exact even for tasks that exited before being read; with
	                           trace events, task_newtask/task_rename name the tasks
	                           (enabled in the run's instance, not delivered) */
	/* Scoping (perf's -p and --cpu). pids: record only events of these processes (all
	 * their threads); follow: and of every task they fork after start. cpus: record and
	 * read only these CPUs. NULL/0 = everything. Arrays are copied at surftrace_new. */
	/* -w: record the raw ring-buffer pages into this trace.dat file (trace-cmd's format,
	 * written through libtracecmd at stop, with the expressions for surftrace_report).
	 * Usually with print = NULL: nothing is formatted while tracing. */
	const char *record;
	const int *pids;
	size_t npids;
	bool follow;
	const unsigned long *cpus;
	size_t ncpus;
	/* Also record this process's own threads. Default: never (set_event_notrace_pid), so
	 * a reader's own syscalls make no events; a binding whose user traces itself (its
	 * own function calls, its own syscalls) turns this on. */
	bool trace_self;
	/* While the reader batches (events at 20,000/s or more), run the reading thread at
	 * this nice value (e.g. -20; needs CAP_SYS_NICE or RLIMIT_NICE) so that a wake-up at
	 * the buffer's mark is served before the buffer fills; the old value comes back when
	 * the rate drops. 0 = never change it. The surftrace CLI sets -20 when run as root. */
	int reader_nice;
};

/* One decoded event; valid only during the callback. */
struct surftrace_event {
	double time;            /* seconds, ring-buffer clock */
	int cpu;
	int pid;
	const char *comm;
	const char *system;     /* "surftrace_<pid>" for p/r/P/R, else the event's system */
	const char *event;      /* "p0", "r1", "sched_switch" */
	int expr;               /* index of the expression it came from, -1 = unknown */
	const unsigned long long *stack;  /* kernel return addresses with opts.stack */
	int nstack;
	const void *priv;       /* library internal */
	unsigned long long ts_ns; /* the ring-buffer clock in ns (time without rounding) */
	const unsigned long long *ustack; /* user addresses, innermost first, opts.ustack */
	int nustack;
};

typedef int (*surftrace_event_fn)(const struct surftrace_event *ev, void *ctx);

struct surftrace;

/* Open the types (BTF) for translation. Touches no tracefs. */
struct surftrace *surftrace_new(const struct surftrace_opts *opts, struct surftrace_err *err);

/* Translate one expression ('p FUNC ...', 'r', 'e GROUP/EVENT', 'P BIN:SYM', 'R') and
 * queue it. Returns its index. Nothing is written to tracefs until surftrace_start. */
int surftrace_add(struct surftrace *st, const char *expr, struct surftrace_err *err);

/* Sweep dead runs' leftovers, create the instance, define, filter and enable every
 * queued expression, then switch tracing on. cb (may be NULL) sees every event; return
 * non-zero from it to stop. On failure nothing is left in tracefs. */
int surftrace_start(struct surftrace *st, surftrace_event_fn cb, void *ctx,
		    struct surftrace_err *err);

/* Deliver events until surftrace_request_stop(), the callback or max_events stops it.
 * Returns 0 (stopped), -1 on a read error. */
int surftrace_run(struct surftrace *st, struct surftrace_err *err);

/* surftrace_run for at most SECONDS: returns 1 when the time is up (call again to go
 * on: an interval), 0 when stopped, -1 on a read error. */
int surftrace_run_for(struct surftrace *st, double seconds, struct surftrace_err *err);

/* Deliver what is buffered now, without waiting. Returns 0, 1 when a stop was asked. */
int surftrace_poll(struct surftrace *st, struct surftrace_err *err);

/* Sleep until events are buffered (then deliver them with surftrace_poll) or timeout_ms
 * passes (-1: no limit). Returns 1 (ready), 0 (timeout), -1 with err (EINTR: a signal
 * arrived; err->msg says so). Lets a caller wait without holding its own locks. */
int surftrace_wait(struct surftrace *st, int timeout_ms, struct surftrace_err *err);

/* Async-signal-safe: makes surftrace_run return after draining. */
void surftrace_request_stop(struct surftrace *st);

/* Events delivered so far, and events the kernel dropped (buffer full). */
unsigned long long surftrace_delivered(const struct surftrace *st);
unsigned long long surftrace_lost(struct surftrace *st);
/* Write "surftrace: lost N events (cpu0: ..)" to f when any were lost; with opts.json the
 * printed stream also gets one {"v":1,"lost":N,"cpu":C} record per CPU that lost events. */
void surftrace_print_lost(struct surftrace *st, FILE *f);

/* Stop reading and remove everything from tracefs (disable, instance, probes).
 * Idempotent. */
int surftrace_stop(struct surftrace *st, struct surftrace_err *err);
/* Stop (errors to stderr) and free. NULL is fine. */
void surftrace_free(struct surftrace *st);

/* Events enabled by a started run (an 'e' glob counts each event it matched). */
size_t surftrace_nevents(const struct surftrace *st);

/* Event i (< surftrace_nevents) of a started run: its system ("surftrace_<pid>" for
 * p/r/P/R) and name, and the expression it came from. 0, or -1 when there is none. */
int surftrace_event_info(const struct surftrace *st, size_t i, const char **system,
			 const char **event, int *expr);
/* The started run's instance directory ("/sys/kernel/tracing/instances/surftrace_<pid>"),
 * where an in-kernel consumer (hist triggers) attaches to its events. NULL before start. */
const char *surftrace_instance_dir(const struct surftrace *st);

/* A note on how expression idx (surftrace_add's return) was translated, e.g. which of
 * several compiler clones of a function is traced; NULL when there is nothing to say. */
const char *surftrace_notice(const struct surftrace *st, int idx);

/* What `surftrace -S --json` shows for the queued expression idx. Strings stay valid
 * until surftrace_free. -1 when idx is not queued. */
#define SURFTRACE_JSON_V 1      /* the "v" every JSON record (and -S --json) carries */
struct surftrace_translation {
	char type;               /* 'p' 'r' 'e' 'P' 'R' */
	const char *fxpr;        /* the definition ("p:p0 do_filp_open ..."), "group/event" */
	const char *filter;      /* "" when none */
};
int surftrace_translation(struct surftrace *st, int idx, struct surftrace_translation *out);

/* Instance and group name of a started run: "surftrace_<pid>". */
const char *surftrace_name(const struct surftrace *st);

/* The queued expressions as a standalone shell script (setup, read the instance's
 * trace_pipe, trap-based teardown) that works without surftrace installed. */
int surftrace_write_script(struct surftrace *st, FILE *f, struct surftrace_err *err);

/* Remove what dead surftrace runs left behind; cb (may be NULL) is told each removed
 * "instance"/"probe" by name. Returns the number removed or -1. */
int surftrace_cleanup(const char *tracefs,
		      void (*cb)(const char *kind, const char *name, void *ctx), void *ctx,
		      struct surftrace_err *err);

/* Print a recording made with opts.record as the live run would have printed it (text
 * or JSON lines, with the name-prefix conversions of its expressions) to out; when events
 * were lost, the JSON stream gets {"v":1,"lost":N,"cpu":C} records and lost_summary (may
 * be NULL) the "surftrace: lost ..." line. Returns 0 or -1 with err. */
int surftrace_report(const char *path, FILE *out, bool json, FILE *lost_summary,
		     struct surftrace_err *err);

/* Event fields by name (probe arguments, or a trace event's format fields, and the
 * common_* fields), as recorded by the kernel, without name-prefix conversions.
 * Signed fields are sign-extended: (long long)*val is the C value. -1 when there is no
 * such numeric field. */
int surftrace_event_num(const struct surftrace_event *ev, const char *name,
			unsigned long long *val);
/* A string field (char arrays, __data_loc strings); NULL when not a string field. */
const char *surftrace_event_str(const struct surftrace_event *ev, const char *name,
				char *buf, size_t n);
/* The event's arguments as typed values, exactly what --json prints for them: probe
 * arguments (p/r/P/R) or a trace event's own fields (no common_*), in order, with the
 * name-prefix conversions applied (ip_ and B16_ as text, b16_ as a number). */
enum surftrace_value_type {
	SURFTRACE_VALUE_NONE,    /* not in the record (a fault) */
	SURFTRACE_VALUE_INT,     /* .i: signed integer (the C value) */
	SURFTRACE_VALUE_UINT,    /* .u: unsigned, hex fetches, chars, b16_ */
	SURFTRACE_VALUE_STR,     /* .str/.len: a string field's bytes (not NUL-terminated) */
	SURFTRACE_VALUE_TEXT,    /* .str/.len: converted text ("127.0.0.1", "0x3500", symbols) */
	SURFTRACE_VALUE_ARRAY,   /* .n elements of .elem bytes at .data (host order), .sign,
				    .hex */
	SURFTRACE_VALUE_HEX,     /* .u: a hex fetch (X) or pointer; JSON shows "0x..." */
};
struct surftrace_value {
	const char *name;
	enum surftrace_value_type type;
	long long i;
	unsigned long long u;
	const char *str;
	size_t len;
	const void *data;
	int n, elem;
	bool sign, hex;
};
int surftrace_event_nfields(const struct surftrace_event *ev);
/* The i-th argument; -1 when out of range. Pointers stay valid during the callback (TEXT:
 * until the next call). */
int surftrace_event_field(const struct surftrace_event *ev, int i, struct surftrace_value *v);
/* Stack frame i of ev (opts.stack) symbolized as the stack lines show it
 * ("func+0x12/0x40", else "0x..."). NULL when out of range. */
const char *surftrace_event_frame(const struct surftrace_event *ev, int i, char *buf,
				  size_t n);

/* The event as surftrace prints it (text line or JSON object, no newline); valid until
 * the next call. NULL on failure. */
const char *surftrace_event_format(const struct surftrace_event *ev, bool json);

#ifdef __cplusplus
}
#endif
#endif
