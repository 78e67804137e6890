/* SPDX-License-Identifier: MIT */
/* Strict validation of probe definitions: the kprobe_events/uprobe_events definition
 * grammar, fetch arguments, types and filters, accepting only what surftrace itself
 * produces. Every definition passes here: st_probe_definition() (live runs, -o scripts,
 * -S) builds it only through these checks, and the bundle loader checks each probe with
 * st_kdef_check_probe(). A line that passes cannot carry a second command (newline, '#',
 * '-:' removal of someone else's probe) or anything but our own group's event. */
#ifndef ST_DISCOVER_KDEF_H
#define ST_DISCOVER_KDEF_H
#include "util/err.h"

struct st_probe;

/* "p:GROUP/EVENT TARGET [NAME=FETCH[:TYPE]]..." (or "r:"), for kprobes
 * (TARGET = SYM[+OFF]) and uprobes (TARGET = /abs/path:0xOFF). group: the only group
 * allowed (NULL: a definition without "GROUP/"). Returns 0 or -1 with err. */
int st_kdef_check_definition(const char *def, const char *group, struct st_err *err);

/* One fetch argument ("+0x10(%di)", "$retval", "@jiffies+8") and one type ("u32",
 * "string", "b3@5/32", "u8[6]"). */
int st_kdef_check_fetch(const char *fetch, struct st_err *err);
int st_kdef_check_type(const char *type, struct st_err *err);

/* A filter expression: identifiers, numbers, quoted strings without control
 * characters, comparison and logic operators, parentheses. */
int st_kdef_check_filter(const char *filter, struct st_err *err);

/* A uprobe binary path (after resolution): absolute, printable ASCII without blanks, '#',
 * '\' or a ".." component. The error names the path, escaped, and why. */
int st_kdef_check_path(const char *path, struct st_err *err);

/* The fields of a probe a definition is built from: event names, arguments, binary. */
int st_kdef_check_fields(const struct st_probe *p, struct st_err *err);

/* Every field of a probe (filter included), then its definition as written to tracefs
 * for `group` (bundles, with a stand-in of the run's group). */
int st_kdef_check_probe(const struct st_probe *p, const char *group, struct st_err *err);

#endif
