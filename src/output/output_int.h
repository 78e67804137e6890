/* SPDX-License-Identifier: MIT */
/* Internals of the output stage (not a public header). */
#ifndef ST_OUTPUT_INT_H
#define ST_OUTPUT_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <trace-seq.h>
#include "output/output.h"
#include "util/numfmt.h"   /* st_fmt_u, st_fmt_hex, st_fmt_2, st_fmt_6 */

struct tep_format_field;

/* A line being built: one fixed buffer per st_output, so printing allocates nothing. */
struct st_sb {
	char *p;
	size_t len, cap;
	bool trunc;               /* something did not fit (the line is cut, never overrun) */
};
void st_sb_put_slow(struct st_sb *b, const char *s, size_t n);
/* Append n bytes (cut and marked when they do not fit). Inline: most pieces of a line are
 * a few bytes, where a call to memcpy costs more than the copy (up to 4 bytes; beyond,
 * libc's memcpy beats a loop of bytes). */
static inline void st_sb_put(struct st_sb *b, const char *s, size_t n)
{
	if (n > b->cap - b->len) {
		st_sb_put_slow(b, s, n);
		return;
	}
	char *d = b->p + b->len;
	b->len += n;
	if (n > 4) {
		memcpy(d, s, n);
		return;
	}
	while (n--)
		*d++ = *s++;
}
/* Room for n more bytes at the end of b: where to write them (then add what was written
 * to b->len), or NULL when they do not fit (take the checked calls instead). */
static inline char *st_sb_room(struct st_sb *b, size_t n)
{
	return n <= b->cap - b->len ? b->p + b->len : NULL;
}
void st_sb_puts(struct st_sb *b, const char *s);
void st_sb_printf(struct st_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v in decimal, at least `width` wide, padded with `pad` (' ' or '0') on the left, or
 * with spaces on the right when `left`. The fast path of every line header. */
void st_sb_u(struct st_sb *b, unsigned long long v, int width, char pad, bool left);
/* s right-aligned in `width` (<= 16) columns. */
void st_sb_pad_str(struct st_sb *b, const char *s, int width);
/* s (n bytes, stops at NUL) as a JSON string literal with quotes. */
void st_sb_json_str(struct st_sb *b, const char *s, size_t n);

/* Append "sym+0xoff/0xsize" (with_off) or "sym", else "0x<addr>" (ksym.c). */
void st_addrsyms_put(struct st_addrsyms *s, struct st_sb *b, unsigned long long addr,
		     bool with_off);

/* How one argument prints, from the kernel's print fmt of the event (arg_value.c). */
enum st_kind { K_UNSIGNED, K_SIGNED, K_HEX, K_STRING, K_CHAR, K_SYMBOL };

struct st_oarg {
	struct tep_format_field *f;
	enum st_kind kind;        /* of the element, for arrays */
	int elem;                 /* element size in bytes (arrays: size / elem entries) */
	bool array;
	enum st_conv conv;
};

/* What the output knows about one event type, built at its first record. */
struct st_oevent {
	bool built;
	bool dynamic;             /* kprobe/uprobe style: __probe_ip or __probe_func */
	char ptype;               /* 'p' 'r' 'P' 'R' when known from the probes, else 0 */
	char syscall;             /* 'e' sys_enter_*, 'x' sys_exit_* of "syscalls", else 0 */
	struct tep_format_field *ip, *func, *retip;
	/* syscalls: "sys_NAME" as ftrace prints it, the fields that are not __syscall_nr
	 * (enter) or the "ret" field (exit) */
	char *sysname;
	size_t sysname_len;
	struct tep_format_field **sysargs, *sysret;
	int nsysargs;
	struct st_oarg *args;
	int nargs;
	/* --json: the constant parts, escaped once: ',"event":"NAME","args":{' and each
	 * argument's '"name":' (probe arguments, else every format field), in print order */
	char *jhead;
	size_t jhead_len;
	struct st_ojkey {
		char *s;
		size_t len;
		/* format fields (not probe arguments): how the value reads (st_field_oarg) */
		struct st_oarg a;
		bool plain;
	} *jkeys;
	int njkeys;
};
/* Build oe's JSON parts (jhead, jkeys) for tev; -1 out of memory. */
int st_oevent_build_json(struct st_oevent *oe, struct tep_event *tev);

int st_oevent_build(struct st_oevent *oe, struct tep_event *tev,
		    const struct st_probe *probe);
void st_oevent_clear(struct st_oevent *oe);

struct st_output;
/* Append the value of a to b as ftrace prints it (JSON goes through st_oarg_value and
 * st_value_put_json). `out` symbolizes K_SYMBOL values (kernel ":symbol" fetches). */
void st_oarg_put(struct st_output *out, struct st_sb *b, const struct st_oarg *a,
		 struct tep_handle *tep, const void *data, int size);
/* Typed values (st_output_field): a probe argument, or any format field (e events). */
void st_oarg_value(struct st_output *out, const struct st_oarg *a, struct tep_handle *tep,
		   const void *data, int size, struct st_value *v);
void st_field_value(struct tep_format_field *f, struct tep_handle *tep, const void *data,
		    int size, struct st_value *v);
/* st_field_value in two steps, the first done once per field: how f reads (false: a
 * dynamic array that is not a string, read as bytes), then its value in a record. */
bool st_field_oarg(struct tep_format_field *f, struct st_oarg *a);
void st_field_value_as(const struct st_oarg *a, bool plain, struct tep_handle *tep,
		       const void *data, int size, struct st_value *v);
/* The field's value as JSON (st_field_value_as + st_value_put_json; a plain number goes
 * straight from the record). v: scratch. */
void st_field_put_json(struct st_sb *b, const struct st_oarg *a, bool plain,
		       struct tep_handle *tep, const void *data, int size, struct st_value *v);
/* v as a JSON value (what --json prints for an argument). */
void st_value_put_json(struct st_sb *b, struct tep_handle *tep, const struct st_value *v);

/* The output object, shared by output.c (entry points, buffering) and event_line.c (lines). */
struct st_output {
	enum st_output_mode mode;
	FILE *out;
	bool linebuf;
	const struct st_probe *const *probes;
	size_t nprobes;
	char group[128];
	char kallsyms[256];
	struct st_addrsyms *syms;        /* created on first use */
	struct st_oevent *byid;
	int nbyid;
	struct trace_seq seq;
	struct tep_handle *resolver_tep; /* tep we installed our symbol resolver on */
	struct st_sb sb;
	char *blk;                       /* lines waiting for one big fwrite */
	size_t blen;
	bool failed;                     /* the stream failed: stop writing */
	int err;                         /* its errno */
	struct st_value val;             /* scratch value of the JSON writer */
	unsigned long long *lost_said;   /* per CPU: losses already reported inline */
	int nlost_said;
	struct st_head *heads;           /* per pid slot (event_line.c), made on first use */
	unsigned long long sec_v;        /* the last seconds printed, as sec_s (sec_n bytes) */
	char sec_s[24];
	int sec_n;                       /* 0 = none yet */
};

/* Append one event to out->sb: text line (with stack frames) or JSON object + '\n'. */
void st_put_text(struct st_output *out, const struct st_oevent *oe, const struct st_event *ev);
void st_put_json(struct st_output *out, const struct st_oevent *oe, const struct st_event *ev);
/* The address symbolizer, created on first use. */
struct st_addrsyms *st_output_syms(struct st_output *out);

#endif
