// SPDX-License-Identifier: MIT
/* -l / -L PATTERN: which listing a pattern asks for is decided by its shape:
 * "BINARY:GLOB" -> a binary's symbols, "GROUP/EVENT" -> trace events, else kernel
 * functions (from --btf's BTF when given, since the running kernel's list is another
 * kernel's then). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "discover/list.h"
#include "session/tracefs.h"
#include "types/ksyms.h"
#include "types/types.h"
#include "util/err.h"

static long list_binary(const char *pat, bool verbose, bool json, struct st_err *err)
{
	char *bin = strdup(pat), *colon;
	long n;

	if (!bin)
		return st_err_set(err, 0, "out of memory");
	colon = strrchr(bin, ':');
	*colon = '\0';
	n = st_list_usyms(stdout, bin, *(colon + 1) ? colon + 1 : "*", verbose, json, err);
	free(bin);
	return n;
}

static long list_events(const char *pat, bool verbose, bool json, struct st_err *err)
{
	struct st_tracefs t;

	if (st_tracefs_open(&t, NULL, err))
		return -1;
	return st_list_events(stdout, &t, pat, verbose, json, err);
}

static long list_funcs(const struct st_cli_opts *o, const char *pat, bool verbose,
		       struct st_err *err)
{
	struct st_types *types = NULL;
	struct st_ksyms *k = NULL;
	long n = -1;

	if (verbose || o->btf) {
		types = st_types_open(o->btf, err);
		if (!types)
			return -1;
	}
	if (o->btf) {
		n = st_list_btf_funcs(stdout, types, pat, verbose, o->json, err);
	} else {
		k = st_ksyms_load(NULL, st_tracefs_find(), err);
		if (k)
			n = st_list_kfuncs(stdout, k, types, pat, verbose, o->json, err);
	}
	st_ksyms_free(k);
	st_types_free(types);
	return n;
}

int st_cmd_list(const struct st_cli_opts *o, const char *pat, bool verbose)
{
	struct st_err err = { 0 };
	const char *what;
	long n;

	if (strchr(pat, ':')) {
		what = "symbol";
		n = list_binary(pat, verbose, o->json, &err);
		/* "sched:sched_switch" is ftrace's own spelling of an event: when no binary
		 * of that name exists, read it as group/event. */
		if (n < 0 && !strchr(pat, '/') && strchr(pat, ':') == strrchr(pat, ':')) {
			char *ev = strdup(pat);
			struct st_err e2 = { 0 };
			long m;

			if (ev) {
				*strchr(ev, ':') = '/';
				m = list_events(ev, verbose, o->json, &e2);
				if (m > 0) {
					n = m;
					what = "event";
				}
				free(ev);
			}
		}
	} else if (strchr(pat, '/')) {
		what = "event";
		n = list_events(pat, verbose, o->json, &err);
	} else {
		what = "function";
		n = list_funcs(o, pat, verbose, &err);
	}
	if (fflush(stdout) != 0 && n >= 0)
		n = st_err_set(&err, 0, "cannot write the listing");
	if (n < 0) {
		st_cli_error("%s", err.msg);
		return 1;
	}
	if (n == 0) {
		fprintf(stderr, "surftrace: no %s matches '%s'\n", what, pat);
		return 1;
	}
	return 0;
}
