/* SPDX-License-Identifier: MIT */
/* Inside the hive stage: package reading (hive_pkg.c) and entry writing (hive_add.c). */
#ifndef ST_HIVE_HIVE_INT_H
#define ST_HIVE_HIVE_INT_H
#include <stddef.h>
#include "hive/hive.h"

/* What one pass over a package hands over. Every file is a new ELF file under tmpdir that
 * the callee owns (it unlinks it). kind: "deb", "rpm" or "archive"; release: what the path
 * inside the package says ("" when it does not). Callbacks return 0 or -1 with err (the
 * pass stops). */
struct st_hive_pkg_sink {
	const char *tmpdir;
	const char *modules;  /* comma-separated globs over module names; NULL: no modules */
	bool skip_image;      /* the kernel is already in the hive: do not extract it */
	int (*image)(void *ctx, const char *path, const char *release, const char *kind,
		     struct st_err *err);
	int (*module)(void *ctx, const char *path, const char *name, struct st_err *err);
	void *ctx;
	const struct st_hive_progress *progress;
};

/* One pass over a package or archive: the kernel image (vmlinux with DWARF:
 * usr/lib/debug/boot/vmlinux-R, usr/lib/debug/lib/modules/R/vmlinux, boot/vmlinux-R...)
 * and the modules (NAME.ko, NAME.ko.debug) whose name matches s->modules, in the order the
 * package holds them. Without modules the pass ends at the image. 0 or -1 with err (also
 * when the package holds no image and s->skip_image is false). */
int st_hive_pkg_walk(const char *pkg, const struct st_hive_pkg_sink *s, struct st_err *err);

/* A module's name from its file name in a package ("nf-nat.ko.debug" -> "nf_nat", as the
 * kernel names it): 1 with out, 0 when name is not a module's file. */
int st_hive_module_name(const char *path, char *out, size_t n);

/* Release named by a kernel image's path inside a package: "vmlinux-R[.debug]" or
 * ".../lib/modules/R/vmlinux[.debug]". 1 (and out, maybe "") when name is such a path,
 * 0 when it is not a kernel image's name. */
int st_hive_image_name(const char *name, char *out, size_t n);

#endif
