/* SPDX-License-Identifier: MIT */
/* `surftrace hive add`: one source (package, vmlinux, BTF file) becomes one hive entry
 * (types/hive.h has the layout and the index). */
#ifndef ST_HIVE_HIVE_H
#define ST_HIVE_HIVE_H
#include "types/hive.h"

/* ---- adding (hive_add.c) ---- */

struct st_hive_progress {
	/* phase: "hash", "read" (bytes of the source), "extract" (bytes of the image),
	 * "convert", "write", "modules" (bytes of the package while its modules are taken);
	 * total 0 when unknown. Called often: keep it cheap. */
	void (*fn)(void *ctx, const char *phase, unsigned long long done,
		   unsigned long long total);
	/* Once per module taken out of a package (may be NULL): rc ST_HIVE_ADDED,
	 * ST_HIVE_SKIPPED (already in the hive) or -1 with msg (the other modules go on). */
	void (*module)(void *ctx, const char *name, int rc, const char *msg);
	void *ctx;
};

struct st_hive_add_opts {
	const char *release;  /* when the source does not say (raw BTF), or to override */
	const char *distro;   /* NULL: from the banner/release, else the package kind */
	const char *arch;     /* raw BTF only (others say it in their ELF header); NULL: host */
	bool dwarf;           /* convert DWARF even when the image carries .BTF */
	const char *readme;   /* that kernel's tracefs README; NULL: the running kernel's when
	                         the entry is the running kernel (same release and arch) */
	const char *modules;  /* packages: also the modules whose name matches one of these
	                         comma-separated globs ("*": all), each as split BTF over the
	                         kernel's entry; NULL: none (the pass ends at the image) */
	struct st_hive_progress progress;
};

enum st_hive_added { ST_HIVE_ADDED = 0, ST_HIVE_SKIPPED = 1 };

/* SOURCE: a Debian -dbg .deb, an RPM kernel-debuginfo package (or any archive libarchive
 * reads), a vmlinux with DWARF or .BTF, a raw BTF file, or a module (.ko). Fills *out
 * (the kernel's entry). Returns ST_HIVE_ADDED, ST_HIVE_SKIPPED (the kernel is already
 * there: same build id, or same source sha256; a package's modules asked for are still
 * added), or -1 with err. A module that fails is reported through progress.module and
 * does not fail the kernel. */
int st_hive_add(const char *dir, const char *source, const struct st_hive_add_opts *o,
		struct st_hive_entry *out, struct st_err *err);

#endif
