/* SPDX-License-Identifier: MIT */
/* pahole-style struct/union layouts from BTF for `surftrace --struct NAME[.member...]`:
 * (comments shown as (* *) here)
 *	unsigned int	__state;	(*    24     4 *)
 *	unsigned int	in_execve:1;	(*  1484:0     4 *)   (byte offset:bit in byte, size)
 * Anonymous structs/unions are expanded in place. A path ("task_struct.se") expands that
 * member's type; offsets then stay relative to the start of the outer struct, so the
 * numbers are the ones a fetch argument uses. Following a pointer member
 * ("task_struct.mm") starts a new base at the pointee. */
#ifndef ST_DISCOVER_LAYOUT_H
#define ST_DISCOVER_LAYOUT_H
#include <stdbool.h>
#include <stdio.h>
#include "util/err.h"

struct btf;

/* spec: "task_struct", "struct file", "union bpf_attr", "atomic_t" (typedef), or a
 * dotted path from one of those; a glob ("task_*") prints the matching type names
 * instead (with json: {"v":1,"kind":"struct"|"union"|"typedef","name":..} per line).
 * Returns 0, or -1 with err (unknown names get a "did you mean" suggestion).
 * json: one object instead (docs/JSON.md): {"v":1,"kind":"struct","name":..,"typedef":..,
 * "size":..,"members":[{"name","decl","offset","size"[,"bit_offset","bit_size"]} or
 * anonymous {"name","kind","offset","size","members":[..]}]}; a path adds "spec", "object",
 * "offset" ("via_pointer" when it followed one), a leaf path has "member":{..} instead. */
int st_layout_print(FILE *out, const struct btf *btf, const char *spec, bool json,
		    struct st_err *err);

#endif
