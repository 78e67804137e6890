/* SPDX-License-Identifier: MIT */
/* Command-line front end: main.c parses options into st_cli_opts and dispatches to one
 * cmd_*.c file per command. */
#ifndef ST_CLI_CLI_H
#define ST_CLI_CLI_H
#include <stdbool.h>
#include <stdio.h>

struct st_cli_opts {
	const char *arch;        /* -a */
	const char *btf;         /* --btf (first one; bundles take all of btfs[]) */
	const char *btfs[16];    /* every --btf given, for --bundle-out */
	int nbtfs;
	const char *kernel;      /* --kernel RELEASE (a GLOB with --bundle-out): hive entries */
	char kernel_btf[4096];   /* the hive's BTF file for --kernel (then also in btf) */
	char kernel_readme[4096];/* its tracefs README when the hive recorded one, else "" */
	const char *file;        /* -f */
	const char *output;      /* -o FILE: write a shell script */
	const char *vmlinux;     /* -v */
	const char *bundle_in;   /* --bundle FILE */
	const char *bundle_out;  /* --bundle-out FILE */
	const char *line;        /* --line FILE:LINE */
	bool show;               /* -S */
	bool json;               /* --json */
	bool stack;              /* -s */
	bool quiet;              /* -q */
	bool list_only;          /* --list (with --bundle) */
	double timeout;          /* -t SECONDS, 0 = none */
	long count;              /* -n COUNT, 0 = unlimited */
	long buffer_kb;          /* --buffer-kb, 0 = kernel default */
	/* answers (cmd_agg.c): --count/--hist/--lhist/--sum/--min/--max/--avg in order */
	struct st_cli_agg {
		int kind;                /* enum st_agg_kind */
		const char *arg;         /* KEYS for --count, FIELD[,MIN,MAX,STEP] otherwise */
	} aggs[16];
	int naggs;
	const char *by;          /* --by KEYS */
	long top;                /* --top N, 0 = all */
	double interval;         /* -i SECONDS, 0 = print at the end only */
	bool latency;            /* --latency START END */
	const char *match;       /* --match KEYS (latency; default pid) */
	bool folded;             /* --folded */
	const char *svg;         /* --svg FILE */
	int *pids;               /* -p PID[,PID...] */
	int npids;
	bool follow;             /* --follow: and their children */
	const char *command;     /* -c 'CMD ARGS' */
	const char *record;      /* -w FILE */
	bool tee;                /* --tee: with -w, print live too */
	unsigned long *cpus;     /* --cpu LIST */
	size_t ncpus;
	const char *engine;      /* --engine auto|user|kernel (NULL = auto) */
	char **exprs;            /* expressions (argv and -f lines) */
	int nexprs;
	struct st_cli_src *srcs; /* where each came from (nexprs entries) */
};

/* Each returns the process exit status: 0 ok, 1 runtime failure, 2 bad input. */
int st_cmd_show(const struct st_cli_opts *o);                 /* -S           cmd_show.c */
int st_cmd_run(const struct st_cli_opts *o);                  /* live trace   cmd_run.c  */
int st_cmd_cleanup(const struct st_cli_opts *o);              /* --cleanup    cmd_run.c  */
int st_cmd_list(const struct st_cli_opts *o, const char *pat, bool verbose); /* -l/-L cmd_list.c */
int st_cmd_struct(const struct st_cli_opts *o, const char *name);  /* --struct cmd_struct.c */
int st_cmd_disasm(const struct st_cli_opts *o, const char *func);  /* -F       cmd_disasm.c */
int st_cmd_bundle(const struct st_cli_opts *o);               /* --bundle(-out) cmd_bundle.c */
int st_cmd_guide(const struct st_cli_opts *o);                /* -i           guide/ */
int st_cmd_btfgen(int argc, char **argv);                     /* btfgen       cmd_btfgen.c */
int st_cmd_report(int argc, char **argv);                     /* report FILE  cmd_report.c */
int st_cmd_graph(int argc, char **argv);                      /* graph        cmd_graph.c */
int st_cmd_hive(int argc, char **argv);                       /* hive         cmd_hive.c   */

/* Answers instead of event lines (cmd_agg.c): true when any aggregation option is set. */
bool st_cli_aggregating(const struct st_cli_opts *o);
bool st_cli_agg_needs_stack(const struct st_cli_opts *o);
bool st_cli_agg_needs_ustack(const struct st_cli_opts *o);
struct surftrace;
/* Run the started-to-be session st (expressions added) and print the aggregates. */
struct st_cli_child;
int st_cmd_aggregate(struct surftrace *st, const struct st_cli_opts *o,
		     struct st_cli_child *child);
/* Stop the run as a signal would (async-signal-safe; from the -p watcher's thread). */
void st_cli_request_stop(void);
/* -p (pidwatch.c): stop the run once every one of these processes has exited. start: 0, or
 * -1 (out of memory, no thread); stop: ends the watcher, safe to call when none runs. */
int st_cli_pidwatch_start(const int *pids, size_t n);
void st_cli_pidwatch_stop(void);

/* Shared by the live commands (cmd_run.c): signals ask st to stop, -t arms SIGALRM. */
void st_cli_catch_signals(struct surftrace *st);
void st_cli_arm_timeout(double seconds);
struct surftrace_err;
void st_cli_print_err(const struct surftrace_err *e);
/* The live run's frame, one for tracing and aggregating (cmd_run.c). live_start: signals
 * (and -c's exit) stop st, st starts with cb: 0, or 1 after saying why. live_go, once
 * everything counts: -c's command released, -t armed, -p watched. live_halt: -p's watch
 * and -t ended. */
struct surftrace_event;
int st_cli_live_start(struct surftrace *st, struct st_cli_child *child,
		      int (*cb)(const struct surftrace_event *ev, void *ctx), void *ctx);
void st_cli_live_go(const struct st_cli_opts *o, struct st_cli_child *child);
void st_cli_live_halt(void);

/* The one live run (cmd_run.c), for expressions and for --bundle FILE: open makes the
 * handle from the prepared options (stdout stream, scope, line buffering) with everything
 * queued, or returns NULL with *rc the exit status after saying why; then the run traces,
 * aggregates or writes -o's script, and removes everything. Returns the exit status. */
struct surftrace_opts;
typedef struct surftrace *(*st_cli_open_fn)(const struct surftrace_opts *so, void *ctx,
					    int *rc);
int st_cli_run(const struct st_cli_opts *o, st_cli_open_fn open, void *ctx);
/* Flush every line (a terminal) or per burst when the reader runs dry (pipes, files). */
bool st_cli_line_buffered(FILE *f);

/* Print one translated probe the way -S does (text or --json); used by -S and bundles. */
struct st_probe;
void st_cli_show_probe(const struct st_probe *p, bool json);

/* -c CMD (child.c): forked and held before setup, released when every probe is live. */
struct st_cli_child {
	int pid;                 /* -1 when none */
	int go_fd, ex_fd;        /* release pipe, exec-error pipe */
	bool done;               /* reaped: status is valid */
	int status;              /* exit code, or 128 + signal, as a shell reports it */
	char name[256];
};
/* Split CMD into words (no shell), fork it held; out_to_err sends its stdout to stderr
 * (--json: stdout is records only). 0, or an exit status after one line. */
int st_cli_child_fork(const char *cmd, bool out_to_err, struct st_cli_child *c);
/* Let it exec. 0, or -1 (one line said why) when the exec failed. */
int st_cli_child_release(struct st_cli_child *c);
/* Every live mode (printed or aggregated) right after its start line (c may be NULL): let
 * it exec. Its end, a failed exec too, stops the run through SIGCHLD, caught since before
 * (st_cli_live_start): no stop request here, a second one means "tear down now"
 * and would cut the final drain. */
void st_cli_child_go(struct st_cli_child *c);
/* Setup failed: kill and reap the held child. */
void st_cli_child_abort(struct st_cli_child *c);
/* Reaped already or now (no wait)? */
bool st_cli_child_exited(struct st_cli_child *c);
/* Wait for it; its status. */
int st_cli_child_wait(struct st_cli_child *c);

/* Errors like a compiler (errors.c): position, then the expression with a caret under
 * the column; FILE:LINE:COL: for expressions read with -f; JSON objects on stderr with
 * --json. st_cli_errors_init says where each expression came from (srcs may be NULL). */
struct st_cli_src {
	const char *file;        /* -f FILE ("<stdin>" for -f -); NULL = command line */
	int line;                /* 1-based line in the file */
	int coloff;              /* bytes before the expression on that line */
};
void st_cli_errors_init(bool json, bool quiet, const char *const *exprs,
			const struct st_cli_src *srcs, int n);
struct st_err;
/* An error at err->col of expression `index` (expr NULL: the registered text). */
void st_cli_expr_error(int index, const char *expr, const struct st_err *err);
/* A note about expression `index` (a setup message: -q silences it). */
void st_cli_expr_notice(int index, const char *msg);
/* "surftrace: error: MSG" (or a JSON object). */
void st_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "surftrace: MSG; see 'surftrace --help'" (or a JSON object); returns 2. */
int st_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
