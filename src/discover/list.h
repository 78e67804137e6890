/* SPDX-License-Identifier: MIT */
/* Discovery listings behind `surftrace -l/-L PATTERN`. Each prints matches to `out`, one
 * per line, sorted, and returns how many matched (0 = none), or -1 with err.
 * json: one JSON object per line instead (schema in docs/JSON.md):
 *   {"v":1,"kind":"function","name":"vfs_read","proto":"ssize_t vfs_read(...)","module":"x"}
 *   {"v":1,"kind":"event","name":"sched/sched_switch","fields":[{"name":..,"decl":..,
 *    "offset":..,"size":..,"signed":..}]}
 *   {"v":1,"kind":"symbol","binary":"/usr/bin/x","name":"main","proto":"int main(...)"}
 * ("proto" with protos/-L when known, "module" for module functions, "fields" with -L). */
#ifndef ST_DISCOVER_LIST_H
#define ST_DISCOVER_LIST_H
#include <stdbool.h>
#include <stdio.h>
#include "util/err.h"

struct st_ksyms;
struct st_types;
struct st_tracefs;

/* Traceable kernel functions from `k` matching the glob: "name" or "name [module]".
 * protos: the C prototype from BTF instead of the bare name (types may be NULL when
 * protos is false). */
long st_list_kfuncs(FILE *out, const struct st_ksyms *k, struct st_types *types,
		    const char *glob, bool protos, bool json, struct st_err *err);

/* Functions described by a BTF file (--btf for another kernel: its BTF_KIND_FUNCs are the
 * function list, since the running kernel's list does not apply), and by the modules' split
 * BTF beside it (a hive entry's kmod/: "name [module]"). */
long st_list_btf_funcs(FILE *out, struct st_types *types, const char *glob, bool protos,
		       bool json, struct st_err *err);

/* Trace events "group/event" (globs in both parts; a missing part means "*"); fields:
 * the event's format fields (without the common_ ones) under each name. */
long st_list_events(FILE *out, const struct st_tracefs *t, const char *pattern,
		    bool fields, bool json, struct st_err *err);

/* Function symbols of a user binary (path, $PATH command or library name) matching the
 * glob; protos: prototypes from the binary's DWARF where it has any. */
long st_list_usyms(FILE *out, const char *binary, const char *glob, bool protos,
		   bool json, struct st_err *err);

#endif
