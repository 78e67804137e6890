/* SPDX-License-Identifier: MIT */
/* `surftrace hive add`: one source (package, vmlinux, BTF file) becomes one hive entry
 * (types/hive.h has the layout and the index). */
#ifndef ST_HIVE_HIVE_H
#define ST_HIVE_HIVE_H
#include "types/hive.h"

/* ---- adding (hive_add.c) ---- */

struct st_hive_progress {
	/* phase: "read" (bytes of the source), "extract" (bytes of the image), "convert",
	 * "write"; total 0 when unknown. Called often: keep it cheap. */
	void (*fn)(void *ctx, const char *phase, unsigned long long done,
		   unsigned long long total);
	void *ctx;
};

struct st_hive_add_opts {
	const char *release;  /* when the source does not say (raw BTF), or to override */
	const char *distro;   /* NULL: from the banner/release, else the package kind */
	const char *arch;     /* raw BTF only (others say it in their ELF header); NULL: host */
	bool dwarf;           /* convert DWARF even when the image carries .BTF */
	const char *readme;   /* that kernel's tracefs README; NULL: the running kernel's when
	                         the entry is the running kernel (same release and arch) */
	struct st_hive_progress progress;
};

enum st_hive_added { ST_HIVE_ADDED = 0, ST_HIVE_SKIPPED = 1 };

/* SOURCE: a Debian -dbg .deb, an RPM kernel-debuginfo package (or any archive libarchive
 * reads), a vmlinux with DWARF or .BTF, or a raw BTF file. Fills *out. Returns
 * ST_HIVE_ADDED, ST_HIVE_SKIPPED (already there: same build id, or same source sha256),
 * or -1 with err. */
int st_hive_add(const char *dir, const char *source, const struct st_hive_add_opts *o,
		struct st_hive_entry *out, struct st_err *err);

#endif
