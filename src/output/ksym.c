// SPDX-License-Identifier: MIT
/* Kernel address -> symbol for kprobe locations and stack frames, through the kallsyms
 * table (types/kallsyms.c), read only when an address must be printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/output_int.h"
#include "types/kallsyms.h"

struct st_addrsyms {
	char path[256];
	bool loaded;
	struct st_kallsyms *t;   /* NULL when unreadable */
};

struct st_addrsyms *st_addrsyms_new(const char *path)
{
	struct st_addrsyms *s = calloc(1, sizeof(*s));
	if (s)
		snprintf(s->path, sizeof(s->path), "%s", path ? path : "/proc/kallsyms");
	return s;
}

void st_addrsyms_free(struct st_addrsyms *s)
{
	if (!s)
		return;
	st_kallsyms_free(s->t);
	free(s);
}

bool st_addrsyms_find(struct st_addrsyms *s, unsigned long long addr, const char **name,
		      unsigned long long *start, unsigned long long *size)
{
	if (!s->loaded) {
		s->loaded = true;
		s->t = st_kallsyms_read(s->path, false, NULL);
	}
	/* past the last symbol (size 0): not text we know */
	return s->t && st_kallsyms_addr(s->t, addr, name, start, size) && *size;
}

void st_addrsyms_put(struct st_addrsyms *s, struct st_sb *b, unsigned long long addr,
		     bool with_off)
{
	const char *name;
	unsigned long long start, size;
	if (!s || !st_addrsyms_find(s, addr, &name, &start, &size)) {
		st_sb_printf(b, "0x%llx", addr);
		return;
	}
	if (with_off)
		st_sb_printf(b, "%s+0x%llx/0x%llx", name, addr - start, size);
	else
		st_sb_puts(b, name);
}
