// SPDX-License-Identifier: MIT
/* Kernel code sources for -F: a vmlinux file (mmap + libelf) or /proc/kcore (pread). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elfutils/libdw.h>
#include "discover/kimage_int.h"
#include "types/kallsyms.h"
#include "types/ksyms.h"

int st_kimage_add(struct st_kimage *k, const char *name, uint64_t addr, uint64_t size)
{
	struct st_kfunc *f;

	if (k->nfuncs == k->names_cap) {
		size_t cap = k->names_cap ? k->names_cap * 2 : 4096;

		f = realloc(k->funcs, cap * sizeof(*f));
		if (!f)
			return -1;
		k->funcs = f;
		k->names_cap = cap;
	}
	f = &k->funcs[k->nfuncs];
	f->name = strdup(name);
	if (!f->name)
		return -1;
	f->addr = addr;
	f->size = size;
	k->nfuncs++;
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct st_kfunc *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct st_kfunc *const *)a)->name, (*(struct st_kfunc *const *)b)->name);
}

/* The loaded image made ready: sorted, missing sizes filled from the next symbol, the name
 * index built. k, or NULL (k freed) when out of memory. */
static struct st_kimage *kimage_index(struct st_kimage *k, struct st_err *err)
{
	size_t i, j;

	qsort(k->funcs, k->nfuncs, sizeof(*k->funcs), cmp_addr);
	/* Sources without sizes (kallsyms): a function ends where the next one starts. */
	for (i = 0; i < k->nfuncs; i++) {
		if (k->funcs[i].size)
			continue;
		for (j = i + 1; j < k->nfuncs && k->funcs[j].addr == k->funcs[i].addr; j++)
			;
		if (j < k->nfuncs)
			k->funcs[i].size = k->funcs[j].addr - k->funcs[i].addr;
	}
	k->by_name = malloc((k->nfuncs ? k->nfuncs : 1) * sizeof(*k->by_name));
	if (!k->by_name) {
		st_err_set(err, 0, "out of memory");
		st_kimage_free(k);
		return NULL;
	}
	for (i = 0; i < k->nfuncs; i++)
		k->by_name[i] = &k->funcs[i];
	qsort(k->by_name, k->nfuncs, sizeof(*k->by_name), cmp_name);
	return k;
}

static int load_segments(struct st_kimage *k, struct st_err *err)
{
	size_t n, i;

	if (elf_getphdrnum(k->elf, &n))
		return st_err_set(err, 0, "not an ELF file with program headers");
	k->segs = calloc(n ? n : 1, sizeof(*k->segs));
	if (!k->segs)
		return st_err_set(err, 0, "out of memory");
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(k->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		k->segs[k->nsegs++] = (struct st_kseg){ ph.p_vaddr, ph.p_memsz, ph.p_offset,
							ph.p_filesz };
	}
	return 0;
}

/* Function symbols with sizes from the symbol table of type `type`: .symtab (a vmlinux
 * built with symbols, test ELFs, unstripped programs) or .dynsym (stripped programs and
 * libraries: their exported functions). */
static int load_symtab(struct st_kimage *k, Elf64_Word type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(k->elf, scn))) {
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		n = sh.sh_size / sh.sh_entsize;
		for (i = 1; d && i < n; i++) {
			GElf_Sym s;
			const char *nm;

			if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
			    s.st_shndx == SHN_UNDEF || !s.st_value)
				continue;
			nm = elf_strptr(k->elf, sh.sh_link, s.st_name);
			if (nm && *nm && st_kimage_add(k, nm, s.st_value, s.st_size))
				return -1;
		}
	}
	return 0;
}

struct st_kimage *st_kimage_open_file(const char *path, struct st_err *err)
{
	struct st_kimage *k = calloc(1, sizeof(*k));
	struct stat st;

	if (!k)
		return NULL;
	k->fd = -1;
	elf_version(EV_CURRENT);
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0 || fstat(k->fd, &st)) {
		st_err_set(err, 0, "cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	k->maplen = (size_t)st.st_size;
	k->map = mmap(NULL, k->maplen, PROT_READ, MAP_PRIVATE, k->fd, 0);
	if (k->map == MAP_FAILED) {
		k->map = NULL;
		st_err_set(err, 0, "cannot map %s: %s", path, strerror(errno));
		goto fail;
	}
	k->elf = elf_memory((char *)k->map, k->maplen);
	if (!k->elf || elf_kind(k->elf) != ELF_K_ELF || gelf_getclass(k->elf) != ELFCLASS64) {
		st_err_set(err, 0, "%s is not a 64-bit ELF file (a vmlinuz must be "
			   "decompressed to vmlinux first)", path);
		goto fail;
	}
	if (load_segments(k, err))
		goto fail;
	if (load_symtab(k, SHT_SYMTAB)) {
		st_err_set(err, 0, "out of memory");
		goto fail;
	}
	k->symsource = "symtab";
	if (!k->nfuncs && elf_kind(k->elf) == ELF_K_ELF) {
		GElf_Ehdr eh = { 0 };

		/* a stripped user program or library (ET_DYN): its exported functions */
		if (gelf_getehdr(k->elf, &eh) && eh.e_type == ET_DYN && load_symtab(k, SHT_DYNSYM)) {
			st_err_set(err, 0, "out of memory");
			goto fail;
		}
		if (k->nfuncs)
			k->symsource = "dynsym";
		else if (eh.e_type == ET_DYN) {
			st_err_set(err, 0, "%s has no function symbols (stripped: neither .symtab "
				   "nor exported functions in .dynsym)", path);
			goto fail;
		}
	}
	if (!k->nfuncs) {
		if (st_kallsyms_from_image(k, err)) {
			st_err_set(err, 0, "%s has no symbol table and no kallsyms tables "
				   "were found in it", path);
			goto fail;
		}
		k->symsource = "kallsyms-in-image";
	}
	return kimage_index(k, err);
fail:
	st_kimage_free(k);
	return NULL;
}

/* kcore is an ELF core file whose PT_LOADs map kernel virtual addresses; its size is
 * not meaningful, so the headers are read with pread rather than through libelf. */
static int kcore_segments(struct st_kimage *k, struct st_err *err)
{
	Elf64_Ehdr eh;
	size_t i;

	if (pread(k->fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return st_err_set(err, 0, "kcore is not a 64-bit ELF core file");
	k->segs = calloc(eh.e_phnum ? eh.e_phnum : 1, sizeof(*k->segs));
	if (!k->segs)
		return st_err_set(err, 0, "out of memory");
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread(k->fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			return st_err_set(err, 0, "short read of kcore program headers");
		if (ph.p_type == PT_LOAD)
			k->segs[k->nsegs++] = (struct st_kseg){ ph.p_vaddr, ph.p_memsz,
								ph.p_offset, ph.p_filesz };
	}
	return 0;
}

/* Text symbols (t T) of a kallsyms file, through the kallsyms table. */
static int kallsyms_file(struct st_kimage *k, const char *path, struct st_err *err)
{
	struct st_kallsyms *t = st_kallsyms_read(path, false, err);
	size_t i, n;

	if (!t)
		return -1;
	if (st_kallsyms_hidden(t)) {
		st_kallsyms_free(t);
		return st_err_set(err, 0, "%s shows no addresses (kptr_restrict; need root)",
				  path);
	}
	n = st_kallsyms_count(t);
	for (i = 0; i < n; i++) {
		const struct st_ktext *s = st_kallsyms_at(t, i);

		if ((s->type == 't' || s->type == 'T') && st_kimage_add(k, s->name, s->addr, 0)) {
			st_kallsyms_free(t);
			return st_err_set(err, 0, "out of memory");
		}
	}
	st_kallsyms_free(t);
	return 0;
}

struct st_kimage *st_kimage_open_kcore(const char *kcore, const char *kallsyms,
				       struct st_err *err)
{
	struct st_kimage *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->fd = -1;
	kcore = kcore ? kcore : "/proc/kcore";
	k->fd = open(kcore, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0) {
		st_err_set(err, 0, "cannot open %s: %s%s", kcore, strerror(errno),
			   errno == ENOENT ? " (kernel without CONFIG_PROC_KCORE: pass -v VMLINUX)"
					   : "");
		goto fail;
	}
	if (kcore_segments(k, err) || kallsyms_file(k, kallsyms ? kallsyms : "/proc/kallsyms",
						    err))
		goto fail;
	k->symsource = "kallsyms";
	return kimage_index(k, err);
fail:
	st_kimage_free(k);
	return NULL;
}

void st_kimage_free(struct st_kimage *k)
{
	size_t i;

	if (!k)
		return;
	if (k->dw)
		dwarf_end(k->dw);
	if (k->elf)
		elf_end(k->elf);
	if (k->map)
		munmap((void *)k->map, k->maplen);
	if (k->fd >= 0)
		close(k->fd);
	for (i = 0; i < k->nfuncs; i++)
		free((char *)k->funcs[i].name);
	free(k->funcs);
	free(k->by_name);
	free(k->segs);
	free(k);
}

static const struct st_kfunc *by_name_exact(const struct st_kimage *k, const char *name,
					    size_t *pos)
{
	size_t lo = 0, hi = k->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < k->nfuncs && !strcmp(k->by_name[lo]->name, name) ? k->by_name[lo] : NULL;
}

const struct st_kfunc *st_kimage_func(const struct st_kimage *k, const char *name)
{
	const struct st_kfunc *f;
	size_t pos, len = strlen(name);
	char base[256];

	f = by_name_exact(k, name, &pos);
	if (f)
		return f;
	/* "foo" may only exist as "foo.isra.0" / "foo.constprop.0" / "foo.cold". */
	for (; pos < k->nfuncs && !strncmp(k->by_name[pos]->name, name, len); pos++) {
		const char *cand = k->by_name[pos]->name;

		if (cand[len] == '.' && !strcmp(st_ksym_base(cand, base, sizeof(base)), name) &&
		    !strstr(cand, ".cold"))
			return k->by_name[pos];
	}
	return NULL;
}

const struct st_kfunc *st_kimage_func_at(const struct st_kimage *k, uint64_t addr)
{
	size_t lo = 0, hi = k->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->funcs[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* Several names may share an address: prefer the last one before addr that
	 * covers it (the ordering puts aliases side by side). */
	lo--;
	if (addr - k->funcs[lo].addr < (k->funcs[lo].size ? k->funcs[lo].size : 1))
		return &k->funcs[lo];
	return NULL;
}

size_t st_kimage_nfuncs(const struct st_kimage *k)
{
	return k->nfuncs;
}

const char *st_kimage_symsource(const struct st_kimage *k)
{
	return k->symsource;
}

int st_kimage_read(const struct st_kimage *k, uint64_t addr, void *buf, size_t n)
{
	size_t i;

	for (i = 0; i < k->nsegs; i++) {
		const struct st_kseg *s = &k->segs[i];

		if (addr < s->vaddr || addr - s->vaddr > s->filesz ||
		    n > s->filesz - (addr - s->vaddr))
			continue;
		if (k->map) {
			if (s->off + (addr - s->vaddr) + n > k->maplen)
				return -1;
			memcpy(buf, k->map + s->off + (addr - s->vaddr), n);
			return 0;
		}
		return pread(k->fd, buf, n, (off_t)(s->off + (addr - s->vaddr))) == (ssize_t)n
			? 0 : -1;
	}
	return -1;
}

Dwarf *st_kimage_dwarf(struct st_kimage *k)
{
	if (!k->dw_tried && k->elf) {
		k->dw_tried = true;
		k->dw = dwarf_begin_elf(k->elf, DWARF_C_READ, NULL);
	}
	return k->dw;
}
