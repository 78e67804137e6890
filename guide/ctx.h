/* SPDX-License-Identifier: MIT */
/* Where the cursor is in a partly typed expression line, for Tab completion.
 * Pure text scanning: the full parser rejects half-typed lines, completion must not. */
#ifndef ST_GUIDE_CTX_H
#define ST_GUIDE_CTX_H
#include <stdbool.h>

enum g_kind {
	G_NONE,     /* nothing to offer here */
	G_TYPE,     /* the line type letter */
	G_FUNC,     /* p/r target: kernel function */
	G_EVENT,    /* e target: group/event */
	G_UBIN,     /* P/R target before ':': a binary */
	G_USYM,     /* P/R target after ':': a symbol of `binary` */
	G_ARGNAME,  /* start of an argument: name= or f: */
	G_VALUE,    /* the base of a value: %N $name $retval $comm ... */
	G_MEMBER,   /* a member name after -> or . */
	G_CTYPE,    /* a type name inside !( ) or @( ) */
	G_FVAR,     /* a variable in the f: filter */
};

enum g_base { GB_NONE, GB_ARGN, GB_REG, GB_ARGNAME, GB_RETVAL, GB_SYMBOL, GB_OTHER };

#define G_MAXACC 16
#define G_MAXARGS 32

struct g_acc {
	char kind;            /* '>' for ->, '.' for ., '[' for [i] */
	char member[64];
};

struct g_ctx {
	enum g_kind kind;
	int start;            /* byte offset of the word being completed */
	char type;            /* line type letter, 0 when not typed yet */
	char func[128];       /* p/r: function; P/R: symbol (without +off) */
	char binary[256];     /* P/R: binary as written */
	char event[128];      /* e: group/event as written */
	/* G_MEMBER: the value's cast, base and accessors before the member being typed */
	char cast[128];       /* type text inside !( ) or @( ), "" when none */
	enum g_base base;
	long num;             /* GB_ARGN */
	char name[64];        /* GB_ARGNAME / GB_SYMBOL / GB_REG */
	struct g_acc acc[G_MAXACC];
	int nacc;
	/* G_CTYPE: the keyword before the word ("struct", "union", "enum") or "" */
	char ctype_kw[8];
	/* G_FVAR: argument names defined earlier in the line */
	char argnames[G_MAXARGS][64];
	int nargnames;
};

/* Scan line[0..point) and fill *c. Always succeeds (kind G_NONE when unsure). */
void g_ctx_scan(const char *line, int point, struct g_ctx *c);

#endif
