// SPDX-License-Identifier: MIT
/* Symbol aliases for the DWARF -> BTF converter. Libraries export one function under
 * several names (glibc: malloc, __libc_malloc, __malloc) while DWARF names it once; a
 * uprobe names the exported one. Each extra STT_FUNC symbol at a converted function's
 * entry gets a BTF FUNC of its own pointing at the same FUNC_PROTO. */
#include "types/dwarf_btf_int.h"
#include <bpf/btf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

int st_dwarf_note_func(struct dwarf_conv *c, Dwarf_Addr pc, const char *name, __u32 proto,
		    bool global)
{
	if (c->nfuncs == c->funcs_cap) {
		size_t cap = c->funcs_cap ? c->funcs_cap * 2 : 256;
		struct dwarf_func *f = realloc(c->funcs, cap * sizeof(*f));

		if (!f)
			return -1;
		c->funcs = f;
		c->funcs_cap = cap;
	}
	c->funcs[c->nfuncs++] = (struct dwarf_func){ pc, name, proto, global };
	return 0;
}

static int by_pc(const void *a, const void *b)
{
	const struct dwarf_func *x = a, *y = b;

	return x->pc < y->pc ? -1 : x->pc > y->pc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const struct dwarf_func *find_pc(const struct dwarf_conv *c, Dwarf_Addr pc)
{
	size_t lo = 0, hi = c->nfuncs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->funcs[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nfuncs && c->funcs[lo].pc == pc ? &c->funcs[lo] : NULL;
}

/* Names that must not borrow a prototype: versioned names, and compiler clones
 * (foo.isra.0, foo.cold) whose arguments differ from the source function's. */
static bool plain_name(const char *n)
{
	return *n && !strchr(n, '@') && !strchr(n, '.');
}

int st_dwarf_add_aliases(struct dwarf_conv *c, Dwfl_Module *mod, Dwarf_Addr bias)
{
	const char **names;
	size_t i, nnames;
	int nsyms = dwfl_module_getsymtab(mod), s, r = 0;

	if (nsyms <= 0 || !c->nfuncs)
		return 0;
	/* Names already present as FUNC, for a quick "is it new?" test. */
	names = malloc(c->nfuncs * sizeof(*names));
	if (!names)
		return st_err_set(c->err, 0, "out of memory");
	for (i = 0; i < c->nfuncs; i++)
		names[i] = c->funcs[i].name;
	nnames = c->nfuncs;
	qsort(names, nnames, sizeof(*names), by_name);
	qsort(c->funcs, c->nfuncs, sizeof(*c->funcs), by_pc);
	for (s = 1; s < nsyms && r >= 0; s++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *n = dwfl_module_getsym_info(mod, s, &sym, &addr, NULL, NULL, NULL);
		const struct dwarf_func *f;

		if (!n || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
		    !plain_name(n))
			continue;
		f = find_pc(c, addr - bias);
		if (!f || bsearch(&n, names, nnames, sizeof(*names), by_name))
			continue;
		r = btf__add_func(c->btf, n, GELF_ST_BIND(sym.st_info) == STB_LOCAL ?
				  BTF_FUNC_STATIC : BTF_FUNC_GLOBAL, (int)f->proto);
	}
	free(names);
	return r < 0 ? st_err_set(c->err, 0, "cannot add symbol alias FUNCs") : 0;
}
