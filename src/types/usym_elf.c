// SPDX-License-Identifier: MIT
/* Symbols of a user binary (libelf): uprobe file offsets and function lists. */
#include "types/usym.h"
#include "types/kident.h"
#include "util/capstone_dl.h"
#include "util/sha256.h"
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

struct elf_file {
	int fd;
	Elf *elf;
};

static int elf_file_open(struct elf_file *f, const char *path, struct st_err *err)
{
	elf_version(EV_CURRENT);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return st_err_set(err, 0, "cannot open '%s'", path);
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF) {
		if (f->elf)
			elf_end(f->elf);
		close(f->fd);
		return st_err_set(err, 0, "'%s' is not an ELF file", path);
	}
	return 0;
}

static void elf_file_close(struct elf_file *f)
{
	elf_end(f->elf);
	close(f->fd);
}

static Elf_Scn *find_symtab(Elf *elf, Elf64_Word type, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == type)
			return scn;
	return NULL;
}

static bool is_func(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);

	return (t == STT_FUNC || t == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF;
}

/* Compare a symbol name with the wanted one, ignoring a "@VERSION"/"@@VERSION" suffix on
 * either side (.symtab of libc spells some as "memcpy@GLIBC_2.2.5"). */
static bool name_eq(const char *have, const char *want)
{
	size_t lw = strcspn(want, "@"), lh = strcspn(have, "@");

	return lw == lh && !strncmp(have, want, lw);
}

/* Value of a defined symbol in one symbol table. Functions win over data symbols, and
 * global over local ones (a local static of the same name in another file is a worse
 * guess than the exported one). Returns 0 and *value, or -1. */
static int lookup_in(Elf *elf, Elf64_Word type, const char *sym, GElf_Addr *value,
		     GElf_Xword *size)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(elf, type, &sh);
	Elf_Data *data;
	size_t i, n;
	int best = 0;

	if (!scn || !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
		return -1;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		const char *nm;
		int rank;

		if (!gelf_getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		nm = elf_strptr(elf, sh.sh_link, s.st_name);
		if (!nm || !name_eq(nm, sym))
			continue;
		rank = (is_func(&s) ? 2 : 0) + (GELF_ST_BIND(s.st_info) != STB_LOCAL ? 1 : 0) + 1;
		if (rank > best) {
			best = rank;
			*value = s.st_value;
			*size = s.st_size;
		}
	}
	return best ? 0 : -1;
}

/* File offset of a virtual address: the PT_LOAD segment that maps it from the file. */
static int vaddr_to_off(Elf *elf, GElf_Addr v, unsigned long long *off, GElf_Xword *infile)
{
	size_t i, n;

	if (elf_getphdrnum(elf, &n))
		return -1;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (v >= ph.p_vaddr && v < ph.p_vaddr + ph.p_memsz) {
			*off = v - ph.p_vaddr + ph.p_offset;
			*infile = v - ph.p_vaddr < ph.p_filesz ? ph.p_filesz - (v - ph.p_vaddr) : 0;
			return 0;
		}
	}
	return -1;
}

/* Largest function we decode to check an offset (a bogus st_size must not make us read
 * a whole library). */
#define MAX_FUNC_BYTES (4u << 20)


/* off must be inside sym (st_size) and where an instruction starts, decoding from the
 * symbol's first byte: a uprobe in the middle of an instruction corrupts the traced
 * program (SIGSEGV, or silently wrong code). The error names the nearest valid offsets. */
static int check_boundary(struct elf_file *f, const char *sym, unsigned long long fo,
			  GElf_Xword size, GElf_Xword infile, long off, struct st_err *err)
{
	unsigned long long prev = 0, next = 0;
	const uint8_t *code;
	unsigned char *buf;
	size_t left;
	uint64_t addr = 0;
	cs_insn *insn;
	GElf_Ehdr eh;
	csh h;
	int rc = -1;

	if (off < 0)
		return st_err_set(err, 0, "%s%ld is before the start of %s", sym, off, sym);
	if (!size)
		return st_err_set(err, 0, "the size of %s is unknown (st_size 0), so %s+%ld cannot be "
				  "checked to be inside it", sym, sym, off);
	if ((unsigned long)off >= size)
		return st_err_set(err, 0, "%s+%ld is outside %s (%llu bytes: %s+0 to %s+%llu)"
				 , sym, off, sym, (unsigned long long)size, sym, sym,
				  (unsigned long long)size - 1);
	if (size > MAX_FUNC_BYTES || size > infile)
		return st_err_set(err, 0, "the code of %s (%llu bytes) cannot be read to check "
				  "%s+%ld", sym, (unsigned long long)size, sym, off);
	if (!gelf_getehdr(f->elf, &eh) || st_cs_open_elf(eh.e_machine, &h))
		return st_err_set(err, 0, "cannot check that %s+%ld starts an instruction: needs "
				  "capstone (libcapstone4) for this machine", sym, off);
	buf = malloc(size);
	insn = st_cs_malloc(h);
	if (!buf || !insn || pread(f->fd, buf, size, (off_t)fo) != (ssize_t)size) {
		st_err_set(err, 0, "cannot read the code of %s", sym);
		goto out;
	}
	code = buf;
	left = size;
	while (addr <= (uint64_t)off && st_cs_disasm_iter(h, &code, &left, &addr, insn)) {
		prev = insn->address;
		next = addr;
	}
	if (prev == (unsigned long long)off) {
		rc = 0;
	} else if (addr <= (uint64_t)off) {
		st_err_set(err, 0, "cannot decode %s past %s+%llu to check %s+%ld", sym,
			   sym, (unsigned long long)addr, sym, off);
	} else {
		st_err_set(err, 0, "%s+%ld is inside an instruction: the nearest instructions start "
			   "at %s+%llu and %s+%llu", sym, off, sym, prev, sym, next);
	}
out:
	if (insn)
		st_cs_free(insn, 1);
	st_cs_close(&h);
	free(buf);
	return rc;
}

int st_usym_offset(const char *path, const char *sym, unsigned long long vaddr, long off,
		   unsigned long long *file_off, struct st_err *err)
{
	struct elf_file f;
	GElf_Addr v = vaddr;
	GElf_Xword size = 0, infile = 0;
	unsigned long long fo;
	int ret = 0;

	if (elf_file_open(&f, path, err))
		return -1;
	if (sym && lookup_in(f.elf, SHT_SYMTAB, sym, &v, &size) &&
	    lookup_in(f.elf, SHT_DYNSYM, sym, &v, &size)) {
		ret = st_err_set(err, 0, "no symbol '%s' in %s", sym, path);
		goto out;
	}
	if (vaddr_to_off(f.elf, v, &fo, &infile)) {
		ret = st_err_set(err, 0, "address 0x%llx of '%s' is in no loadable segment of %s",
				 (unsigned long long)v, sym ? sym : "?", path);
		goto out;
	}
	if (sym && off && check_boundary(&f, sym, fo, size, infile, off, err)) {
		struct st_err e = *err;

		ret = st_err_set(err, 0, "%s; to probe that address anyway, name it raw: "
				 "BINARY:0x%llx", e.msg, (unsigned long long)(v + (GElf_Addr)off));
		goto out;
	}
	*file_off = fo + (unsigned long long)off;
out:
	elf_file_close(&f);
	return ret;
}

/* GNU build-id note of an ELF file: section notes, else PT_NOTE segments. */
static int elf_build_id(Elf *elf, char out[41])
{
	Elf_Scn *scn = NULL;
	size_t i, n;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE &&
		    (d = elf_getdata(scn, NULL)) && d->d_buf &&
		    !st_notes_build_id(d->d_buf, d->d_size, out))
			return 0;
	}
	if (elf_getphdrnum(elf, &n))
		return -1;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;
		Elf_Data *d;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_NOTE &&
		    (d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR)) &&
		    d->d_buf && !st_notes_build_id(d->d_buf, d->d_size, out))
			return 0;
	}
	return -1;
}

int st_usym_build_id(const char *path, char out[41], struct st_err *err)
{
	struct elf_file f;
	int ret = 0;

	if (elf_file_open(&f, path, err))
		return -1;
	if (elf_build_id(f.elf, out))
		ret = st_err_set(err, 0, "%s has no GNU build id", path);
	elf_file_close(&f);
	return ret;
}

int st_usym_identity(const char *path, char *out, size_t n, struct st_err *err)
{
	struct elf_file f;
	uint8_t d[32];
	char id[41] = "", hex[65];
	unsigned long long size = 0;
	int ret = 0;

	if (elf_file_open(&f, path, err))
		return -1;
	if (!elf_build_id(f.elf, id)) {
		if ((size_t)snprintf(out, n, "build-id:%s", id) >= n)
			ret = st_err_set(err, 0, "identity buffer too small");
		goto out;
	}
	/* No build id: the whole file's size and SHA-256. */
	if (st_sha256_fd(f.fd, d, &size, NULL, NULL)) {
		ret = st_err_set(err, 0, "cannot read '%s'", path);
		goto out;
	}
	st_sha256_hex(d, hex);
	if ((size_t)snprintf(out, n, "sha256:%llu:%s", size, hex) >= n)
		ret = st_err_set(err, 0, "identity buffer too small");
out:
	elf_file_close(&f);
	return ret;
}

/* A growable set of names; duplicates (a function in both tables) are removed at the end. */
struct name_list {
	char **v;
	size_t n, cap;
};

static int list_push(struct name_list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strndup(s, strcspn(s, "@"));
	return l->v[l->n] ? (int)l->n++ : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect(Elf *elf, Elf64_Word type, const char *glob, struct name_list *l)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(elf, type, &sh);
	Elf_Data *data;
	size_t i, n;

	if (!scn || !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
		return 0;
	n = sh.sh_size / sh.sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		const char *nm;

		if (!gelf_getsym(data, (int)i, &s) || !is_func(&s))
			continue;
		nm = elf_strptr(elf, sh.sh_link, s.st_name);
		if (!nm || !*nm || fnmatch(glob, nm, 0))
			continue;
		if (list_push(l, nm) < 0)
			return -1;
	}
	return 0;
}

static void list_free(struct name_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

int st_usym_list(const char *path, const char *glob, char ***names, struct st_err *err)
{
	struct name_list l = {0};
	struct elf_file f;
	size_t i, w;

	*names = NULL;
	if (elf_file_open(&f, path, err))
		return -1;
	if (!glob || !*glob)
		glob = "*";
	if (collect(f.elf, SHT_SYMTAB, glob, &l) || collect(f.elf, SHT_DYNSYM, glob, &l)) {
		elf_file_close(&f);
		list_free(&l);
		return st_err_set(err, 0, "out of memory listing %s", path);
	}
	elf_file_close(&f);
	if (!l.n) {
		free(l.v);
		return 0;
	}
	qsort(l.v, l.n, sizeof(*l.v), cmp_str);
	for (i = 1, w = 1; i < l.n; i++) {
		if (!strcmp(l.v[i], l.v[w - 1]))
			free(l.v[i]);
		else
			l.v[w++] = l.v[i];
	}
	*names = l.v;
	return (int)w;
}
