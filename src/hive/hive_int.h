/* SPDX-License-Identifier: MIT */
/* Inside the hive stage: package reading (hive_pkg.c) and entry writing (hive_add.c). */
#ifndef ST_HIVE_HIVE_INT_H
#define ST_HIVE_HIVE_INT_H
#include <stddef.h>
#include "hive/hive.h"

/* Extract the kernel image (vmlinux with DWARF: usr/lib/debug/boot/vmlinux-R,
 * usr/lib/debug/lib/modules/R/vmlinux, boot/vmlinux-R...) from a package or archive into
 * a new file under tmpdir. *kind is set to "deb", "rpm" or "archive"; release to what
 * the path inside the package says ("" when it does not). 0 or -1 with err. */
int st_hive_pkg_extract(const char *pkg, const char *tmpdir, char *image, size_t n,
			char *release, size_t rn, const char **kind,
			const struct st_hive_progress *p, struct st_err *err);

/* Release named by a kernel image's path inside a package: "vmlinux-R[.debug]" or
 * ".../lib/modules/R/vmlinux[.debug]". 1 (and out, maybe "") when name is such a path,
 * 0 when it is not a kernel image's name. */
int st_hive_image_name(const char *name, char *out, size_t n);

#endif
