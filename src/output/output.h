/* SPDX-License-Identifier: MIT */
/* The output stage: one line per decoded event to a FILE*, either the original's text shape
 *   "            bash-2392    [001] ....  2375.809655: p0: (wake_up_new_task+0x0/0x280) comm=\"bash\""
 * or one JSON object per line
 *   {"time":2375.809655,"cpu":1,"pid":2392,"comm":"bash","event":"p0","args":{"comm":"bash"}}
 * Dynamic probes (p/r/P/R) print their arguments with the name-prefix conversions of
 * st_probe_arg.conv (ip_, b16_, B16_ ...); trace events (e) print through the event's own
 * print fmt (text) or its format fields (JSON). Stacks print one symbolized frame per line
 * ("  => func+0x12/0x40") or as a "stack" array.
 * Lines are collected in a 256 KiB block and written with one fwrite: call st_output_flush
 * from the reader's on_idle hook (api.c's flush_idle) so that they reach the stream as
 * soon as the reader has nothing more to read (a tty is flushed per line anyway), and call
 * st_output_flush or st_output_free before the process exits. */
#ifndef ST_OUTPUT_OUTPUT_H
#define ST_OUTPUT_OUTPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "compile/compile.h"
#include "read/read.h"
#include "util/err.h"

enum st_output_mode { ST_OUT_TEXT, ST_OUT_JSON };

struct st_output_opts {
	enum st_output_mode mode;
	FILE *out;                       /* NULL = stdout */
	/* The run's probes (as translated), to know each event's arguments and conversions.
	 * Dynamic events are matched by event name ("p0") within `group`; 'e' probes by their
	 * group/event globs. May be empty: events then print from their formats. */
	const struct st_probe *const *probes;
	size_t nprobes;
	const char *group;               /* the session's event group, "surftrace_<pid>" */
	const char *kallsyms;            /* NULL = /proc/kallsyms (read lazily, when needed) */
	bool line_buffered;              /* flush after every event (a tty / a pipe to a human) */
};

struct st_output;
struct st_output *st_output_new(const struct st_output_opts *o, struct st_err *err);
/* Flushes, frees. The FILE itself stays open. */
void st_output_free(struct st_output *out);

/* Write one event. Never fails on odd values (printed raw); returns -1 only when the
 * stream fails (EPIPE...), with errno set. */
int st_output_event(struct st_output *out, const struct st_event *ev);
/* st_reader_cb adapter: ctx is the st_output. Stops the reader when writing fails. */
int st_output_cb(const struct st_event *ev, void *ctx);
int st_output_flush(struct st_output *out);
/* errno of the write that failed (the stream is then given up), 0 while all is well. */
int st_output_error(const struct st_output *out);

/* JSON mode: one {"v":1,"lost":N,"cpu":C} record per CPU that lost events, into the same
 * stream as the events (text mode writes nothing: the summary below says it). */
int st_output_lost_records(struct st_output *out, struct st_reader *r);
/* The same from counts (n CPUs: cpus[i] lost lost[i]), e.g. those stored in a recording. */
int st_output_lost_counts(struct st_output *out, const int *cpus,
			  const unsigned long long *lost, int n);
unsigned long long st_output_lost_counts_summary(FILE *f, const int *cpus,
						 const unsigned long long *lost, int n);

/* One argument of an event as a typed value, with the name-prefix conversions applied:
 * exactly what --json prints for it (ip_ and B16_ values as text, b16_ as a number). */
enum st_value_type {
	ST_VAL_NONE,     /* not in the record (a fault) */
	ST_VAL_INT,      /* .i: signed integer, sign-extended */
	ST_VAL_UINT,     /* .u: unsigned integer (also hex fetches, chars, byte-swapped b16_) */
	ST_VAL_STR,      /* .str/.len: bytes of a string field, inside the record */
	ST_VAL_TEXT,     /* .str/.len: a converted value ("127.0.0.1", "0x3500", "sym+0x4/0x80") */
	ST_VAL_ARRAY,    /* .n elements of .elem bytes at .data (host order), .sign, .hex */
	ST_VAL_HEX,      /* .u: a hex fetch or pointer (JSON: "0x..." text) */
};
struct st_value {
	const char *name;
	enum st_value_type type;
	long long i;
	unsigned long long u;
	const char *str;
	size_t len;
	const void *data;
	int n, elem;
	bool sign, hex, chr;   /* elements (ARRAY), or chr: a 'c' char (UINT) */
	char buf[512];   /* holds TEXT values */
};
/* The event's arguments (probe arguments, or a trace event's own fields without common_*):
 * how many, and the i-th one. Valid while the event is. -1 when i is out of range. */
int st_output_nfields(struct st_output *out, const struct st_event *ev);
int st_output_field(struct st_output *out, const struct st_event *ev, int i,
		    struct st_value *v);
/* Kernel address as the stack lines show it ("func+0x12/0x40", else "0x..."). */
const char *st_output_symbolize(struct st_output *out, unsigned long long addr, char *buf,
				size_t n);

/* "surftrace: lost 12 events (cpu0: 12, cpu1: 0)" when any were lost, to f (NULL: the
 * print callback, as a warning), ending with "; ADVICE" when st_output_set_lost_advice set
 * one; nothing otherwise. Returns the total. */
void st_output_set_lost_advice(const char *advice);
unsigned long long st_output_lost_summary(FILE *f, struct st_reader *r);

/* Kernel address -> symbol from /proc/kallsyms (path NULL), loaded on first use (ksym.c);
 * also what stack keys of aggregations print with. */
struct st_addrsyms;
struct st_addrsyms *st_addrsyms_new(const char *path);
void st_addrsyms_free(struct st_addrsyms *s);
/* Symbol containing addr: name, start and size (to the next symbol). False when unknown
 * (including kallsyms hidden by kptr_restrict). */
bool st_addrsyms_find(struct st_addrsyms *s, unsigned long long addr, const char **name,
		      unsigned long long *start, unsigned long long *size);

/* The value conversions, exposed for tests and the filter side:
 * writes the converted text of `v` (a raw field value of `size` bytes) into buf.
 * ST_CONV_IP: dotted quad of a network-order u32 ("127.0.0.1");
 * ST_CONV_B16/32/64: byte-swapped decimal; ST_CONV_BX16/32/64: byte-swapped "0x..." hex.
 * Returns false (buf untouched) when the conversion does not apply to that size. */
bool st_conv_format(enum st_conv c, unsigned long long v, int size, char *buf, size_t n);

#endif
