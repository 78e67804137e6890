// SPDX-License-Identifier: MIT
/* DWARF -> BTF: open the binary through libdwfl (which applies the relocations of ET_REL
 * objects such as .ko and .o files and finds /usr/lib/debug files by build id), walk every
 * unit, plan ids for its types and functions, write them, then btf__dedup the whole. */
#include "types/usym.h"
#include "types/dwarf_btf_int.h"
#include "types/dwarf_loc.h"
#include <bpf/btf.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int queue_push(struct dwarf_conv *c, Dwarf_Die *die)
{
	if (c->qlen == c->qcap) {
		size_t cap = c->qcap ? c->qcap * 2 : 1024;
		Dwarf_Die *q;

		/* Drop what was already written before growing: the queue only holds the
		 * current unit's backlog. */
		if (c->qhead) {
			memmove(c->queue, c->queue + c->qhead, (c->qlen - c->qhead) * sizeof(*q));
			c->qlen -= c->qhead;
			c->qhead = 0;
		}
		if (c->qlen == c->qcap) {
			q = realloc(c->queue, cap * sizeof(*q));
			if (!q)
				return -1;
			c->queue = q;
			c->qcap = cap;
		}
	}
	c->queue[c->qlen++] = *die;
	return 0;
}

/* Map key of a DIE: its section offset, with the top bit set for type units, whose DWARF 4
 * .debug_types offsets may equal .debug_info offsets. */
static __u64 die_key(Dwarf_Die *die)
{
	uint8_t unit_type = 0;

	dwarf_cu_info(die->cu, NULL, &unit_type, NULL, NULL, NULL, NULL, NULL);
	return dwarf_dieoffset(die) | (unit_type == DW_UT_type ? 1ULL << 62 : 0);
}

/* The BTF id of the type a DIE describes (0 = void, also for DIEs BTF cannot express).
 * Plans and queues the DIE when it has no id yet. Returns 0 or -1 on allocation failure. */
static int st_dwarf_plan(struct dwarf_conv *c, Dwarf_Die *die, __u32 *id)
{
	Dwarf_Attribute sig;
	Dwarf_Die def;
	__u64 off;
	unsigned n;

	/* A stub standing for a type-unit type (-fdebug-types-section): use the definition. */
	if (dwarf_attr(die, DW_AT_signature, &sig) && dwarf_formref_die(&sig, &def))
		die = &def;
	off = die_key(die);

	if (!st_dwarf_idmap_get(&c->map, off, id))
		return 0;
	n = st_dwarf_ids_needed(die);
	if (n == 0) {
		/* An alias (e.g. _Atomic T is T for tracing): resolve to its target. */
		int tag = dwarf_tag(die);

		*id = 0;
		if ((tag == DW_TAG_atomic_type || tag == DW_TAG_immutable_type) &&
		    st_dwarf_plan_type_of(c, die, id))
			return -1;
		return st_dwarf_idmap_put(&c->map, off, *id);
	}
	*id = c->next_id;
	c->next_id += n;
	if (st_dwarf_idmap_put(&c->map, off, *id) || queue_push(c, die))
		return st_err_set(c->err, 0, "out of memory converting DWARF");
	return 0;
}

int st_dwarf_plan_type_of(struct dwarf_conv *c, Dwarf_Die *die, __u32 *id)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	*id = 0;
	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return 0;
	return st_dwarf_plan(c, &t, id);
}

static bool is_type_tag(int tag)
{
	switch (tag) {
	case DW_TAG_base_type: case DW_TAG_pointer_type: case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_typedef: case DW_TAG_structure_type:
	case DW_TAG_class_type: case DW_TAG_union_type: case DW_TAG_enumeration_type:
	case DW_TAG_array_type: case DW_TAG_subroutine_type:
		return true;
	}
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A function with a body or at least a name of its own: not a mere declaration. For a
 * kernel image, as pahole makes the kernel's BTF: only a function with a symbol of exactly
 * its name, so compiler clones (foo.constprop.0) and inlined-only functions get no
 * prototype their code may not keep. */
static bool is_function(const struct dwarf_conv *c, Dwarf_Die *die)
{
	const char *name;

	if (dwarf_tag(die) != DW_TAG_subprogram || dwarf_hasattr(die, DW_AT_declaration) ||
	    !(name = dwarf_diename(die)))
		return false;
	return !c->kernel || bsearch(&name, c->fsyms, c->nfsyms, sizeof(*c->fsyms), by_name);
}

/* Kernel mode: the names of the image's function symbols, sorted. */
static int collect_fsyms(struct dwarf_conv *c, Dwfl_Module *mod)
{
	int nsyms = dwfl_module_getsymtab(mod), s;

	if (nsyms <= 0)
		return 0;
	c->fsyms = malloc((size_t)nsyms * sizeof(*c->fsyms));
	if (!c->fsyms)
		return st_err_set(c->err, 0, "out of memory");
	for (s = 1; s < nsyms; s++) {
		GElf_Sym sym;
		const char *n = dwfl_module_getsym(mod, s, &sym, NULL);

		if (n && GELF_ST_TYPE(sym.st_info) == STT_FUNC && sym.st_shndx != SHN_UNDEF)
			c->fsyms[c->nfsyms++] = n;
	}
	qsort(c->fsyms, c->nfsyms, sizeof(*c->fsyms), by_name);
	return 0;
}

/* Plan the types and functions declared in a scope. Namespaces nest (C++); function
 * bodies and lexical blocks may declare local types, which pahole keeps too. */
static int plan_scope(struct dwarf_conv *c, Dwarf_Die *scope, int depth)
{
	Dwarf_Die d;
	__u32 id;
	int r;

	if (depth > 64 || dwarf_child(scope, &d))
		return 0;
	do {
		int tag = dwarf_tag(&d);

		if (is_type_tag(tag) || is_function(c, &d)) {
			if (st_dwarf_plan(c, &d, &id))
				return -1;
		}
		if (tag == DW_TAG_namespace || tag == DW_TAG_module || tag == DW_TAG_subprogram ||
		    tag == DW_TAG_lexical_block) {
			if (plan_scope(c, &d, depth + 1))
				return -1;
		}
	} while ((r = dwarf_siblingof(&d, &d)) == 0);
	return r < 0 ? st_err_set(c->err, 0, "bad DWARF: %s", dwarf_errmsg(-1)) : 0;
}

/* Write everything planned so far (writing may plan more; the loop takes those too). */
static int drain(struct dwarf_conv *c)
{
	while (c->qhead < c->qlen) {
		Dwarf_Die die = c->queue[c->qhead++];
		__u32 id, cnt;

		if (st_dwarf_idmap_get(&c->map, die_key(&die), &id))
			return st_err_set(c->err, 0, "internal: queued DIE without id");
		cnt = btf__type_cnt(c->btf);
		if (cnt != id)
			return st_err_set(c->err, 0, "internal: DIE 0x%llx planned as id %u, next is %u",
					  (unsigned long long)dwarf_dieoffset(&die), id, cnt);
		if (st_dwarf_emit(c, &die, id))
			return -1;
	}
	c->qhead = c->qlen = 0;
	return 0;
}

static int convert_all(struct dwarf_conv *c, Dwarf *dw)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	uint8_t unit_type;
	Dwarf_Half version;
	int r;

	while ((r = dwarf_get_units(dw, cu, &cu, &version, &unit_type, &cudie, &subdie)) == 0) {
		if (plan_scope(c, &cudie, 0) || drain(c))
			return -1;
		/* Forget this unit's ids: almost all references stay inside a unit, and a rare
		 * DW_FORM_ref_addr into an earlier unit just plans that DIE again; btf__dedup
		 * merges the copies. This keeps the map at one unit's size (a vmlinux has
		 * millions of type DIEs in total). */
		st_dwarf_idmap_free(&c->map);
	}
	if (r < 0)
		return st_err_set(c->err, 0, "bad DWARF unit: %s", dwarf_errmsg(-1));
	return 0;
}

/* The unit holding the code of symbol `func`: the symbol's address, then the unit whose
 * ranges cover it. Returns 0 and *cudie, or -1. */
static int find_func_unit(Dwfl_Module *mod, const char *func, Dwarf_Die *cudie)
{
	GElf_Addr addr;
	Dwarf_Addr bias;
	Dwarf_Die *cu;

	if (st_dwfl_func_addr(mod, func, &addr))
		return -1;
	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (!cu)
		return -1;
	*cudie = *cu;
	return 0;
}

static int convert_some(struct dwarf_conv *c, Dwfl_Module *mod, Dwarf *dw, const char *func)
{
	Dwarf_Die cudie;

	if (!func || find_func_unit(mod, func, &cudie))
		return convert_all(c, dw);
	return plan_scope(c, &cudie, 0) || drain(c) ? -1 : 0;
}

static bool elf_big_endian(Dwfl_Module *mod)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	const char *ident = elf ? elf_getident(elf, NULL) : NULL;

	return ident && ident[EI_DATA] == ELFDATA2MSB;
}

static struct btf *convert_module(Dwfl_Module *mod, const char *path, const char *func,
				  bool kernel, const struct btf *base, struct st_err *err)
{
	struct dwarf_conv c = { .err = err, .kernel = kernel };
	Dwarf_Addr bias;
	Dwarf *dw = dwfl_module_getdwarf(mod, &bias);
	int r;

	if (!dw) {
		st_err_set(err, 0, "%s has no DWARF debug info (build with -g or install its -dbg package)", path);
		return NULL;
	}
	c.big_endian = elf_big_endian(mod);
	c.btf = base ? btf__new_empty_split((struct btf *)base) : btf__new_empty();
	if (!c.btf) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	/* pahole's name for the array index type, so both tools' output read alike. */
	r = btf__add_int(c.btf, "__ARRAY_SIZE_TYPE__", 4, 0);
	c.index_id = r > 0 ? (__u32)r : 0;
	c.next_id = btf__type_cnt(c.btf);
	if (r >= 0 && kernel)
		r = collect_fsyms(&c, mod);
	r = r < 0 ? st_err_set(err, 0, "out of memory") : convert_some(&c, mod, dw, func);
	/* Exported aliases are a library matter; the kernel's BTF has none. */
	if (!r && !kernel)
		r = st_dwarf_add_aliases(&c, mod, bias);
	free(c.queue);
	free(c.fsyms);
	free(c.funcs);
	st_dwarf_idmap_free(&c.map);
	if (!r && (r = btf__dedup(c.btf, NULL)))
		st_err_set(err, 0, "BTF dedup failed: %s", strerror(-r));
	if (r) {
		btf__free(c.btf);
		return NULL;
	}
	return c.btf;
}

static struct btf *dwarf_to_btf(const char *path, const char *func, bool kernel,
				 const struct btf *base, char *dwarf_file, size_t n,
				 struct st_err *err)
{
	Dwfl_Module *mod;
	Dwfl *dwfl = st_dwfl_open_offline(path, &mod, err);
	struct btf *btf;

	if (!dwfl)
		return NULL;
	btf = convert_module(mod, path, func, kernel, base, err);
	if (btf && dwarf_file) {
		const char *mainfile = NULL, *debugfile = NULL;

		dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, &debugfile);
		if (!debugfile)
			debugfile = mainfile ? mainfile : path;
		if ((size_t)snprintf(dwarf_file, n, "%s", debugfile) >= n) {
			st_err_set(err, 0, "debug file name too long");
			btf__free(btf);
			btf = NULL;
		}
	}
	dwfl_end(dwfl);
	return btf;
}

struct btf *st_dwarf_to_btf(const char *path, struct st_err *err)
{
	return dwarf_to_btf(path, NULL, false, NULL, NULL, 0, err);
}

struct btf *st_dwarf_to_btf_kernel(const char *path, struct st_err *err)
{
	return dwarf_to_btf(path, NULL, true, NULL, NULL, 0, err);
}

struct btf *st_dwarf_to_btf_func(const char *path, const char *func, struct st_err *err)
{
	return dwarf_to_btf(path, func, false, NULL, NULL, 0, err);
}

struct btf *st_dwarf_to_btf_from(const char *path, const char *func, char *dwarf_file,
				 size_t n, struct st_err *err)
{
	return dwarf_to_btf(path, func, false, NULL, dwarf_file, n, err);
}

struct btf *st_dwarf_to_btf_module(const char *path, const struct btf *base, struct st_err *err)
{
	return dwarf_to_btf(path, NULL, true, base, NULL, 0, err);
}
