/* SPDX-License-Identifier: MIT */
/* The syntax tree of one surftrace expression line. Produced by st_parse_line() (pure, no
 * I/O), consumed by the compiler. Every node keeps the 1-based column of its first
 * character in the source line so errors can point at it. All strings are heap-owned by
 * the tree and freed by st_line_free(). */
#ifndef ST_EXPR_AST_H
#define ST_EXPR_AST_H
#include <stdbool.h>
#include <stddef.h>

/* Line type letter as written by the user. */
enum st_line_type {
	ST_LINE_KPROBE = 'p',
	ST_LINE_KRETPROBE = 'r',
	ST_LINE_EVENT = 'e',
	ST_LINE_UPROBE = 'P',
	ST_LINE_URETPROBE = 'R',
};

enum st_base_kind {
	ST_BASE_ARGN,     /* %N          num = N */
	ST_BASE_REG,      /* %reg        name = "ax", "di", "x0", ... (without '%') */
	ST_BASE_ARGNAME,  /* $name       name = "pathname" (prototype argument name) */
	ST_BASE_SYMBOL,   /* @symbol     name = "jiffies", num = optional +/- offset */
	ST_BASE_ADDR,     /* @0xaddr     addr */
	ST_BASE_RETVAL,   /* $retval */
	ST_BASE_STACK,    /* $stack (num = -1) or $stackN (num = N) */
	ST_BASE_COMM,     /* $comm */
};

enum st_access_kind {
	ST_ACC_ARROW,     /* ->member */
	ST_ACC_DOT,       /* .member  */
	ST_ACC_INDEX,     /* [index]  */
};

struct st_access {
	enum st_access_kind kind;
	char *member;     /* ARROW/DOT */
	long index;       /* INDEX (may be negative: the compiler rejects it) */
	int col;          /* column of the '->', '.' or '[' */
	int name_col;     /* column of the member name / index value */
};

enum st_cast_kind {
	ST_CAST_NONE,
	ST_CAST_TYPE,     /* !(ctype)base  : reinterpret the base as ctype */
	ST_CAST_SKB,      /* @(struct hdr *)[l2|l3|l4]base : parse skb->data as hdr */
};

struct st_expr {
	enum st_cast_kind cast;
	char *cast_type;  /* text between the parentheses, whitespace-normalised:
	                     "u64", "struct file *", "struct iphdr *" */
	int cast_col;     /* column of '!' or '@' */
	int skb_layer;    /* 2, 3, 4, or 0 when not written (the compiler defaults to 3) */
	char *base_type;  /* SKB only: "struct sk_buff *" of @(hdr *)lN!(struct sk_buff *)base,
	                     which types an untyped base (a raw register, a symbol); or NULL */
	int base_type_col;/* column of that '!' */

	enum st_base_kind base;
	char *name;       /* REG, ARGNAME, SYMBOL */
	long num;         /* ARGN, STACK (N or -1), SYMBOL (+/- offset, 0 if none) */
	unsigned long long addr; /* ADDR */
	int base_col;

	struct st_access *acc;  /* member / index chain applied after the base */
	size_t nacc;
};

struct st_arg {
	char *name;       /* user's variable name (left of '=') */
	int name_col;
	char fmt;         /* 0 (unspecified), 'S', 'U' or 'X' */
	struct st_expr expr;
	int col;          /* column of the first character of the value */
};

/* Filter tokens (after "f:"): kept as a validated token list; the compiler rewrites
 * constants according to the variable they are compared with. */
enum st_ftok_kind {
	ST_FT_IDENT,      /* variable name: user arg, event field, common_* */
	ST_FT_NUMBER,     /* 123, 0x7f, -1 */
	ST_FT_STRING,     /* "text" (text holds the contents without quotes, unescaped) */
	ST_FT_IPADDR,     /* 127.0.0.1 (text as written) */
	ST_FT_CMP,        /* == != < <= > >= & ~ (text holds the operator) */
	ST_FT_AND,        /* && */
	ST_FT_OR,         /* || */
	ST_FT_NOT,        /* ! */
	ST_FT_LPAREN,
	ST_FT_RPAREN,
};

struct st_ftok {
	enum st_ftok_kind kind;
	char *text;
	int col;
};

struct st_filter {
	struct st_ftok *toks;
	size_t ntoks;
	int col;          /* column of the "f:" */
};

struct st_line {
	enum st_line_type type;
	int type_col;

	/* target: p/r: func (+off); e: group/event; P/R: binary:symbol (+off) or binary:0xaddr */
	char *func;       /* p/r: kernel function name;   P/R: symbol name (NULL if addr form) */
	char *binary;     /* P/R: binary as written (path, name in $PATH, or library name) */
	unsigned long long uaddr; /* P/R: binary:0xaddr form (virtual address), else 0 */
	char *group;      /* e */
	char *event;      /* e: may hold glob characters * ? [ */
	long off;         /* +off after the function/symbol, 0 if none */
	int target_col;

	struct st_arg *args;
	size_t nargs;

	bool has_filter;
	struct st_filter filter;
};

#endif
