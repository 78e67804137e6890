/* SPDX-License-Identifier: MIT */
/* The compiler: AST + types + arch -> probe specification. Pure: reads BTF and symbol
 * lists (files), never writes tracefs. The session stage turns a st_probe into tracefs
 * writes; the output stage uses st_probe_arg.conv to print values. */
#ifndef ST_COMPILE_COMPILE_H
#define ST_COMPILE_COMPILE_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

/* Name-prefix conversions of printed values and filter constants (README 2.4). */
enum st_conv {
	ST_CONV_NONE,
	ST_CONV_IP,    /* ip_   : u32 in network order <-> dotted quad */
	ST_CONV_B16,   /* b16_  : byte-swapped, decimal */
	ST_CONV_B32,
	ST_CONV_B64,
	ST_CONV_BX16,  /* B16_  : byte-swapped, hex */
	ST_CONV_BX32,
	ST_CONV_BX64,
};
enum st_conv st_conv_from_name(const char *varname);

struct st_probe_arg {
	char *name;        /* variable name as the user wrote it */
	char *fetch;       /* kernel fetch text, e.g. "+0xae0(%di)", "$retval", "$comm" */
	char *ktype;       /* kernel type: "string", "u32", "s32", "x64", "u8[6]", "b3@5/32" */
	enum st_conv conv;
};

struct st_probe {
	char type;         /* 'p' 'r' 'e' 'P' 'R' */
	int index;         /* position of the expression (0-based) */
	char *event;       /* dynamic probes: "p0", "r1"...; e: the event name (may be a glob) */
	char *group;       /* e: the event's system (may be a glob); else NULL (session group) */
	char *target;      /* p/r: "wake_up_new_task", "do_filp_open+121"
	                      P/R: "/usr/bin/bash:0x4f2a0" (binary:file offset) */
	char *func;        /* p/r/P/R: resolved function/symbol name without offset */
	char *binary;      /* P/R: absolute path */
	unsigned long long uoffset; /* P/R: file offset */
	struct st_probe_arg *args;
	size_t nargs;
	char *filter;      /* filter text as written to tracefs, or NULL */
	char *notice;      /* something the user should know about this translation (one
	                      line, e.g. which of several clones is traced), or NULL */
};

/* The line written to kprobe_events/uprobe_events, e.g.
 * "p:surftrace_42/p0 wake_up_new_task comm=+0xae0(%di):string" (group NULL: "p:p0 ...").
 * Built only after the strict checks of compile/kdef.h pass on every field and on the
 * text: NULL with err for anything else (and for 'e'). Caller frees. */
char *st_probe_definition(const struct st_probe *p, const char *group, struct st_err *err);

/* What `surftrace -S` shows as the translation: the definition without a group, or
 * "group/event" for 'e'. Caller frees. */
char *st_probe_show_fxpr(const struct st_probe *p);
void st_probe_free(struct st_probe *p);

struct st_arch;
/* "x86_64"/"x86"/"amd64", "aarch64"/"arm64"; NULL = the host's. NULL when unknown. */
const struct st_arch *st_arch_find(const char *name);
const char *st_arch_name(const struct st_arch *a);

struct st_translator_opts {
	const char *arch;      /* NULL = host */
	const char *btf_path;  /* NULL = running kernel BTF */
	const char *ksyms_path;/* NULL = running kernel's traceable list; "" = do not check */
	const char *tracefs;   /* the running kernel's tracefs (st_tracefs_find), read-only, for
	                          event formats and its README; NULL = no such checks (a
	                          translation for another kernel) */
	const char *vmlinux;   /* DWARF for arguments at func+off; NULL = the running kernel's
	                          debuginfo vmlinux where installed (not with btf_path) */
	const char *readme;    /* the target kernel's tracefs README (a hive entry's copy);
	                          NULL = the running kernel's when translating for it */
};

struct st_translator;
struct st_translator *st_translator_new(const struct st_translator_opts *opts,
					struct st_err *err);
void st_translator_free(struct st_translator *tr);

/* The translator's kernel types and traceable-function list (loaded on first use, owned by
 * the translator), so front ends such as the guide share them instead of loading copies.
 * ksyms is NULL when functions are not checked (--btf of another kernel). */
struct st_types;
struct st_ksyms;
struct st_types *st_translator_types(struct st_translator *tr, struct st_err *err);
struct st_ksyms *st_translator_ksyms(struct st_translator *tr);

/* Parse and compile one expression; index names the event (p<index>/r<index>).
 * Returns 0 with *out, or -1 with err (column into `line`). */
int st_translate(struct st_translator *tr, const char *line, int index,
		 struct st_probe **out, struct st_err *err);

#endif
