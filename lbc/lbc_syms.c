// SPDX-License-Identifier: MIT
/* Symbolization: kernel addresses through the kallsyms table (types/kallsyms.c), user
 * addresses through /proc/PID/maps and the mapped file's ELF .symtab/.dynsym (libelf). */
#include "lbc_int.h"
#include "types/kallsyms.h"
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct usym { uint64_t addr, size; char *name; };
struct uelf {
	char *path;
	struct usym *syms;
	size_t n;
	struct { uint64_t off, vaddr, filesz; } load[16];
	int nload;
};
struct umap { uint64_t start, end, off; char *path; };
struct lbc_usyms {
	int pid;
	struct umap *maps;
	size_t nmaps;
	struct uelf *elfs;
	size_t nelfs;
};

const char *lbc_sym_kernel(struct lbc *l, uint64_t addr, char *buf, size_t n)
{
	unsigned long long start, size;
	const char *name;

	if (!l->ksyms_tried) {
		l->ksyms_tried = true;
		l->ksyms = st_kallsyms_read(NULL, false, NULL);
	}
	if (l->ksyms && st_kallsyms_addr(l->ksyms, addr, &name, &start, &size))
		snprintf(buf, n, "%s+0x%llx", name, (unsigned long long)addr - start);
	else
		snprintf(buf, n, "0x%llx", (unsigned long long)addr);
	return buf;
}

static int cmp_usym(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_elf(struct uelf *u)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t i, nph, cap = 0;
	Elf *e;
	int fd = open(u->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || !gelf_getehdr(e, &eh) || elf_getphdrnum(e, &nph))
		goto out;
	for (i = 0; i < nph && u->nload < 16; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD) {
			u->load[u->nload].off = ph.p_offset;
			u->load[u->nload].vaddr = ph.p_vaddr;
			u->load[u->nload].filesz = ph.p_filesz;
			u->nload++;
		}
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t k, cnt;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			continue;
		cnt = sh.sh_size / sh.sh_entsize;
		for (k = 0; k < cnt; k++) {
			GElf_Sym s;
			const char *nm;

			if (!gelf_getsym(d, (int)k, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
			    !s.st_value)
				continue;
			nm = elf_strptr(e, sh.sh_link, s.st_name);
			if (!nm || !*nm)
				continue;
			if (u->n == cap) {
				void *nn = realloc(u->syms, (cap = cap ? cap * 2 : 256) * sizeof(*u->syms));
				if (!nn)
					goto out;
				u->syms = nn;
			}
			u->syms[u->n++] = (struct usym){ s.st_value, s.st_size, strdup(nm) };
		}
	}
	qsort(u->syms, u->n, sizeof(*u->syms), cmp_usym);
out:
	if (e)
		elf_end(e);
	close(fd);
}

static void free_maps(struct lbc_usyms *us)
{
	size_t i;

	for (i = 0; i < us->nmaps; i++)
		free(us->maps[i].path);
	free(us->maps);
	us->maps = NULL;
	us->nmaps = 0;
}

static void load_maps(struct lbc_usyms *us, int pid)
{
	char path[64], line[PATH_MAX + 128];
	size_t cap = 0;
	FILE *f;

	free_maps(us);
	us->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, off;
		char perm[8], file[PATH_MAX];

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095s", &s, &e, perm, &off, file) != 5 ||
		    perm[2] != 'x' || file[0] != '/')
			continue;
		if (us->nmaps == cap) {
			void *n = realloc(us->maps, (cap = cap ? cap * 2 : 32) * sizeof(*us->maps));
			if (!n)
				break;
			us->maps = n;
		}
		us->maps[us->nmaps++] = (struct umap){ s, e, off, strdup(file) };
	}
	fclose(f);
}

static struct uelf *get_elf(struct lbc_usyms *us, const char *path)
{
	struct uelf *n;
	size_t i;

	for (i = 0; i < us->nelfs; i++)
		if (!strcmp(us->elfs[i].path, path))
			return &us->elfs[i];
	n = realloc(us->elfs, (us->nelfs + 1) * sizeof(*n));
	if (!n)
		return NULL;
	us->elfs = n;
	n = &us->elfs[us->nelfs++];
	memset(n, 0, sizeof(*n));
	n->path = strdup(path);
	load_elf(n);
	return n;
}

const char *lbc_sym_user(struct lbc *l, int pid, uint64_t addr, char *buf, size_t n)
{
	struct lbc_usyms *us = l->usyms;
	const char *base;
	size_t i;

	snprintf(buf, n, "0x%llx", (unsigned long long)addr);
	if (!us) {
		us = l->usyms = calloc(1, sizeof(*us));
		if (!us)
			return buf;
		us->pid = -1;
	}
	if (pid <= 0)
		return buf;
	if (us->pid != pid)
		load_maps(us, pid);
	for (i = 0; i < us->nmaps; i++) {
		struct umap *m = &us->maps[i];
		struct uelf *e;
		uint64_t foff, va = 0;
		size_t lo = 0, hi, k;
		int j, found = 0;

		if (addr < m->start || addr >= m->end)
			continue;
		base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
		e = get_elf(us, m->path);
		foff = addr - m->start + m->off;
		for (j = 0; e && j < e->nload; j++) {
			if (foff >= e->load[j].off && foff < e->load[j].off + e->load[j].filesz) {
				va = foff - e->load[j].off + e->load[j].vaddr;
				found = 1;
				break;
			}
		}
		snprintf(buf, n, "0x%llx (%s)", (unsigned long long)(found ? va : foff), base);
		if (!found || !e->n)
			return buf;
		hi = e->n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (e->syms[mid].addr <= va)
				lo = mid + 1;
			else
				hi = mid;
		}
		k = lo;
		if (k && (!e->syms[k - 1].size || va < e->syms[k - 1].addr + e->syms[k - 1].size))
			snprintf(buf, n, "%s+0x%llx (%s)", e->syms[k - 1].name,
				 (unsigned long long)(va - e->syms[k - 1].addr), base);
		return buf;
	}
	return buf;
}

void lbc_syms_free(struct lbc *l)
{
	struct lbc_usyms *us = l->usyms;
	size_t i, k;

	st_kallsyms_free(l->ksyms);
	l->ksyms = NULL;
	l->ksyms_tried = false;
	if (!us)
		return;
	free_maps(us);
	for (i = 0; i < us->nelfs; i++) {
		for (k = 0; k < us->elfs[i].n; k++)
			free(us->elfs[i].syms[k].name);
		free(us->elfs[i].syms);
		free(us->elfs[i].path);
	}
	free(us->elfs);
	free(us);
	l->usyms = NULL;
}
