/* SPDX-License-Identifier: MIT */
/* Internal to the compiler: a value being built from an expression, and the steps that
 * turn base + member chain into a kernel fetch argument. */
#ifndef ST_COMPILE_VALUE_H
#define ST_COMPILE_VALUE_H
#include <stdbool.h>
#include <linux/types.h>
#include "expr/ast.h"
#include "util/err.h"

struct btf;
struct st_arch;
struct st_types;
struct st_dwarf_file;

enum st_loc {
	ST_LOC_RVALUE,  /* the value is `fetch` itself (a register, $retval, $stackN...) */
	ST_LOC_MEM,     /* the value is in memory at address(fetch) + off */
	ST_LOC_SYM,     /* the value is in memory at symbol `sym` + off (kernel @sym) */
	ST_LOC_ABS,     /* the value is in memory at absolute address abs + off */
	ST_LOC_REGS,    /* a struct held by value in regs[0] (bytes 0-7) and regs[1] (8-15);
	                   off is the byte within them */
};

struct st_val {
	enum st_loc loc;
	char fetch[768];     /* RVALUE: the value; MEM: an expression whose value is the address */
	char sym[160];
	unsigned long long abs;
	long off;            /* byte offset (MEM/SYM/ABS) */
	long ptr_add;        /* RVALUE pointers: bytes added before the next dereference (skb) */

	const struct btf *btf;  /* type: id plus nptr extra pointer levels; btf NULL = unknown */
	__u32 id;
	int nptr;

	int bit_size;        /* >0: a bitfield of this width ... */
	int bit_off;         /* ... starting this many bits after `off` */
	int xdata;           /* skb bytes after a header: unit width 1/2/4/8 until indexed,
	                        -1 for Sdata (a string); 0 otherwise */
	bool is_comm;        /* $comm */
	bool user;           /* points into user memory (ustring / +u) */
	char regs[2][16];    /* ST_LOC_REGS: "%di", "$retval", ... */
	int nregs;
};

/* Context the value steps need. */
struct st_vctx {
	struct st_types *types;
	const struct st_arch *arch;
	const struct btf *proto_btf;  /* function prototype, or NULL when unknown */
	__u32 proto_id;
	const char *func;             /* for messages */
	char line_type;               /* p r e P R */
	bool uprobe;
	bool syscall;                 /* char * arguments are user pointers */
	bool nodebug;                 /* a user binary without DWARF (base types only) */
	const char *binary;           /* P/R: the binary (for @symbol file offsets) */
	long off;                     /* the probe is at func+off (p/P); 0 = entry */
	struct st_dwarf_file *dwarf;  /* where arguments are at off, or NULL (see nodwarf) */
	const char *dwarf_func;       /* the function's symbol in that file */
	const char *nodwarf;          /* off && !dwarf: why, for the message */
	const char *disasm;           /* how to see the code: "surftrace -F foo" */
	const char *clone;            /* traced as a clone whose arguments may differ from the
	                                 prototype (foo.isra.0): %N/$name get a notice */
};

/* Resolve the base (and cast) of an expression into v. */
int st_val_base(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
		struct st_err *err);
/* Apply one ->m / .m / [i] step. */
int st_val_access(const struct st_vctx *c, const struct st_access *a, struct st_val *v,
		  struct st_err *err);
/* Apply the skb cast @(struct hdr *)lN to a base that is a struct sk_buff *. */
int st_val_skb(const struct st_vctx *c, const struct st_expr *e, struct st_val *v,
	       struct st_err *err);
/* Final fetch text and kernel type for v, with the user's S/U/X choice. */
int st_val_emit(const struct st_vctx *c, const struct st_val *v, char fmt, int col,
		char *fetch, size_t nfetch, char *ktype, size_t nktype, struct st_err *err);

/* The text that loads v's memory (MEM/SYM/ABS): "+0x10(%di)", "@jiffies+8", "@0x1000". */
void st_val_load_text(const struct st_val *v, char *buf, size_t n);

#endif
