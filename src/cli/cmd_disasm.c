// SPDX-License-Identifier: MIT
/* -F FUNC [-v VMLINUX] [--line FILE:LINE]: code from the vmlinux given with -v, else
 * from the running kernel through /proc/kcore and /proc/kallsyms, else from the running
 * kernel's vmlinux where distributions install it (debug packages, /boot).
 * -F BIN:SYM: code of a user program or library, BIN found as for a uprobe (P BIN:SYM),
 * so the offsets printed are the ones P BIN:SYM+off takes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "discover/disasm.h"
#include "discover/kimage.h"
#include "types/dwarf_loc.h"
#include "types/usym.h"
#include "util/err.h"

static struct st_kimage *open_image(const struct st_cli_opts *o, struct st_err *err)
{
	struct st_kimage *k;
	char path[512];
	const char *vm;

	if (o->vmlinux)
		return st_kimage_open_file(o->vmlinux, err);
	k = st_kimage_open_kcore(NULL, NULL, err);
	if (k || !(vm = st_kernel_vmlinux(path, sizeof(path), false)))
		return k;
	if (!o->quiet)
		fprintf(stderr, "surftrace: no usable /proc/kcore, using %s\n", vm);
	return st_kimage_open_file(vm, err);
}

/* BIN:SYM without -v: the image is BIN (resolved like a uprobe's), *func the symbol. */
static struct st_kimage *open_user(const char *spec, char **bin, const char **func,
				   struct st_err *err)
{
	const char *colon = strrchr(spec, ':');
	char path[PATH_MAX];

	*bin = strndup(spec, (size_t)(colon - spec));
	if (!*bin) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	*func = colon + 1;
	if (!**bin || !**func) {
		st_err_set(err, 0, "-F '%s': expected BIN:SYMBOL", spec);
		return NULL;
	}
	if (st_usym_find_binary(*bin, path, sizeof(path), err))
		return NULL;
	return st_kimage_open_file(path, err);
}

int st_cmd_disasm(const struct st_cli_opts *o, const char *func)
{
	struct st_err err = { 0 };
	struct st_kimage *k;
	char *bin = NULL;
	long n = 0;

	if (func && strchr(func, ':') && !o->vmlinux)
		k = open_user(func, &bin, &func, &err);
	else
		k = open_image(o, &err);
	free(bin);
	if (!k) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		return 1;
	}
	/* --line needs DWARF: say so before printing anything */
	if (o->line && !st_kimage_dwarf(k))
		n = st_err_set(&err, 0, "--line needs DWARF line information, which %s lacks: pass "
			       "a vmlinux with debug info (-v), e.g. from the -dbg package",
			       o->vmlinux ? o->vmlinux : "the running kernel's image");
	if (func && n >= 0)
		n = st_disasm_func(stdout, k, func, &err);
	if (n >= 0 && o->line)
		n = st_disasm_srcline(stdout, k, o->line, &err);
	st_kimage_free(k);
	if (fflush(stdout) && n >= 0)
		n = st_err_set(&err, 0, "cannot write the listing");
	if (n < 0) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		return 2;
	}
	return 0;
}
