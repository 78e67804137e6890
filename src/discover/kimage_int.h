/* SPDX-License-Identifier: MIT */
/* Internals shared by the kimage sources (ELF file, kcore, kallsyms decoders). */
#ifndef ST_DISCOVER_KIMAGE_INT_H
#define ST_DISCOVER_KIMAGE_INT_H
#include <libelf.h>
#include "discover/kimage.h"

struct st_kseg {
	uint64_t vaddr, memsz, off, filesz;
};

struct st_kimage {
	int fd;
	const unsigned char *map;     /* whole file (vmlinux) or NULL (kcore: pread) */
	size_t maplen;
	Elf *elf;
	struct st_kseg *segs;
	size_t nsegs;
	struct st_kfunc *funcs;       /* sorted by address */
	size_t nfuncs;
	struct st_kfunc **by_name;    /* sorted by name */
	char *names;                  /* storage for the names */
	size_t names_len, names_cap;
	const char *symsource;
	Dwarf *dw;
	bool dw_tried;
};

/* Append a function (name copied); sizes are fixed up once all are in (kimage.c, before
 * the open functions return). */
int st_kimage_add(struct st_kimage *k, const char *name, uint64_t addr, uint64_t size);

/* Decode the kallsyms tables inside a vmlinux image: calls st_kimage_add for every text
 * symbol. Returns 0, or -1 with err when the tables are not found. */
int st_kallsyms_from_image(struct st_kimage *k, struct st_err *err);

#endif
