/* SPDX-License-Identifier: MIT */
/* What one kernel's dynamic-event parser accepts, read from that kernel's tracefs README
 * (the running kernel's, or the copy a hive entry recorded), never guessed from its version
 * number: ustring, symstr, array fetches, bitfields, hex types, $argN, +u dereferences,
 * %return, immediates. A probe using syntax the README does not list is refused. */
#ifndef ST_COMPILE_KCAPS_H
#define ST_COMPILE_KCAPS_H
#include <stdbool.h>
#include <stddef.h>
#include "util/err.h"

struct st_probe;

enum st_kcap {
	ST_KCAP_KPROBE,     /* kprobe_events: "place: [<module>:]<symbol>..." */
	ST_KCAP_USTRING,    /* type ustring */
	ST_KCAP_SYMSTR,     /* type symstr */
	ST_KCAP_ARRAY,      /* <type>[<array-size>] */
	ST_KCAP_BITFIELD,   /* b<bit-width>@<bit-offset>/<container-size> */
	ST_KCAP_XTYPES,     /* x8/16/32/64 */
	ST_KCAP_CHAR,       /* type char */
	ST_KCAP_ARGN,       /* $arg<N> */
	ST_KCAP_RET_ARGN,   /* $arg<N> in return probes */
	ST_KCAP_UDEREF,     /* +u<offset>(...) */
	ST_KCAP_RETURN,     /* <symbol>%return in kprobe places */
	ST_KCAP_IMM,        /* \imm-value */
	ST_KCAP_COUNT
};

struct st_kcaps {
	bool known;                 /* false: no README read; everything is allowed */
	bool has[ST_KCAP_COUNT];
};

/* From the README's text. */
void st_kcaps_parse(const char *readme, struct st_kcaps *c);
/* From a README file; an unreadable file leaves c->known false. */
void st_kcaps_read(const char *path, struct st_kcaps *c);

/* 0, or -1 with one line naming the syntax this kernel lacks; *arg is the index of the
 * offending argument, or -1 when it is the probe itself. (Whether the kernel has kprobes
 * at all is the session's business: -S shows kprobes on any kernel.) */
int st_kcaps_check(const struct st_kcaps *c, const struct st_probe *p, int *arg,
		   struct st_err *err);

#endif
