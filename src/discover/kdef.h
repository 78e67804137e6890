/* Strict validation of probe definitions from an untrusted source (a bundle file run as
 * root): the kprobe_events/uprobe_events definition grammar, fetch arguments, types and
 * filters, accepting only what surftrace itself produces. A line that passes cannot
 * carry a second command (newline, '-:' removal of someone else's probe) or anything
 * but our own group's event. */
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

/* Every field of a translated probe, then its definition as written to tracefs for
 * `group`. */
int st_kdef_check_probe(const struct st_probe *p, const char *group, struct st_err *err);

#endif
