/* SPDX-License-Identifier: MIT */
/* tracefs access for the session: find (or mount) the tracefs root, build every path
 * through one helper, and write control files so that a failure carries the kernel's own
 * reason from error_log. Nothing here changes global tracing state by itself. */
#ifndef ST_SESSION_TRACEFS_H
#define ST_SESSION_TRACEFS_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_tracefs {
	char root[256];      /* "/sys/kernel/tracing" */
};

/* The one place that knows where tracefs is: /sys/kernel/tracing, else the debugfs one of
 * kernels before 4.1, when its events are readable; NULL otherwise. Mounts nothing (the
 * pure stages are handed this; a session's st_tracefs_open mounts). */
const char *st_tracefs_find(void);

/* root NULL: /sys/kernel/tracing (mounted if needed), else /sys/kernel/debug/tracing.
 * A given root is used as is (tests point it elsewhere). */
int st_tracefs_open(struct st_tracefs *t, const char *root, struct st_err *err);

/* The one path builder: root + "/" + printf(fmt). Returns 0, or -1 when it does not fit. */
int st_tracefs_path(const struct st_tracefs *t, char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Write `text` to root/rel (append: O_APPEND, as probe lists need). On failure err says
 * "<rel>: <kernel error_log reason or strerror>", looking at the error_log of `instance`
 * (NULL = none) and of the top level; nothing is cleared. Returns 0 or -errno. */
int st_tracefs_write(const struct st_tracefs *t, const char *rel, const char *text,
		     bool append, const char *instance, struct st_err *err);

/* Whole file root/rel into a heap string (NUL-terminated). NULL with errno on failure. */
char *st_tracefs_read(const struct st_tracefs *t, const char *rel);

/* True when root/rel exists. */
bool st_tracefs_exists(const struct st_tracefs *t, const char *rel);

/* Who asks for a per-CPU ring buffer, for st_buffer_kb. */
enum st_buffer_use {
	ST_BUF_TRACE,       /* events printed as they come (surftrace, bundles, the API) */
	ST_BUF_AGGREGATE,   /* exact answers need every event: bursts while maps print */
	ST_BUF_GRAPH,       /* function_graph: an entry and an exit line per call */
	ST_BUF_PRINTK,      /* lbc's bpf_trace_printk instance */
};
/* The one decision of a per-CPU buffer size (buffer_size_kb): the user's (--buffer-kb)
 * when given (> 0), else the size for that use; 0 = leave the kernel's default. */
long st_buffer_kb(long user_kb, enum st_buffer_use use);

/* The kernel's reason for the last failed command `cmd` in an error_log text: the message
 * of the newest entry whose "Command:" equals cmd (whitespace-normalized). Copies it to
 * out and returns true when found. Pure, for unit tests. */
bool st_error_log_reason(const char *log, const char *cmd, char *out, size_t n);

#endif
