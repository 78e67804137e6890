/* SPDX-License-Identifier: MIT */
/* -w FILE: recording a run in trace-cmd's trace.dat format, through libtracecmd, so that
 * `trace-cmd report FILE` and KernelShark open it, and `surftrace report FILE` prints it
 * as the live run would have.
 *
 * While tracing, the reader hands every raw ring-buffer page to st_recorder_page (no
 * formatting): pages go to one temporary file per CPU next to FILE. At the end, while the
 * run's probes still exist (their formats go into the file), st_recorder_finish writes
 * FILE: headers, event formats, kallsyms, printk formats, saved cmdlines, the surftrace
 * meta option (the expressions and their name-prefix conversions, see meta.c), and the
 * per-CPU data. The temporary files are removed in every case. */
#ifndef ST_RECORD_RECORD_H
#define ST_RECORD_RECORD_H
#include <stddef.h>
#include "util/err.h"

/* trace.dat option id of the surftrace meta text. Readers that do not know it (trace-cmd)
 * skip it. */
#define ST_RECORD_OPTION 0x5354   /* "ST" */

struct st_recorder;

/* Check that FILE can be created (it is, empty, until finish). */
struct st_recorder *st_recorder_new(const char *path, struct st_err *err);
/* One page of CPU cpu (size bytes, padded with zeros to page_size). Write errors are
 * remembered and reported by finish. Usable as st_reader_opts.on_page (ctx first). */
void st_recorder_page(void *rec, int cpu, const void *page, size_t size);
void st_recorder_set_page_size(struct st_recorder *r, size_t page_size);
/* Write FILE from the tracefs root's formats of the run's events ("system/event", n of
 * them; the ftrace events always) and the recorded pages, with `meta` (text) as the
 * surftrace option. Returns 0, or -1 with err. */
int st_recorder_finish(struct st_recorder *r, const char *tracefs_root,
		       const char *const *events, size_t nevents, const char *meta,
		       struct st_err *err);
/* Remove the temporary files (and FILE when finish never ran) and free. */
void st_recorder_free(struct st_recorder *r);

/* The surftrace meta option of a trace.dat written by st_recorder_finish: malloc'ed text
 * (NUL-terminated), or NULL with err (not a surftrace recording, unreadable). */
char *st_recorder_read_meta(const char *path, struct st_err *err);

#endif
