// SPDX-License-Identifier: MIT
/* Capstone disassembly of one function from a st_kimage, with libdw source lines. */
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/capstone_dl.h"
#include <elfutils/libdw.h>
#include "discover/disasm.h"
#include "discover/kimage.h"
#include "discover/kimage_int.h"

/* Largest function we agree to read in one piece (the biggest kernel functions are a
 * few hundred KB; a bogus size from a symbol gap must not make us read megabytes). */
#define MAX_FUNC_BYTES (4u << 20)

static int open_capstone(struct st_kimage *k, csh *h)
{
	int machine = EM_X86_64;
	GElf_Ehdr eh;

	if (k->elf && gelf_getehdr(k->elf, &eh))
		machine = eh.e_machine;
#if defined(__aarch64__)
	if (!k->elf)
		machine = EM_AARCH64;
#endif
	if (st_cs_open_elf(machine, h))
		return -1;
	if (machine != EM_AARCH64)
		st_cs_option(*h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);   /* as objdump prints it */
	/* Undecodable bytes (data in text, newer opcodes) become ".byte": the listing goes
	 * on instead of stopping half way. */
	st_cs_option(*h, CS_OPT_SKIPDATA, CS_OPT_ON);
	return 0;
}

/* Source file:line of addr, or NULL. */
static const char *src_of(Dwarf *dw, uint64_t addr, int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *l;

	if (!dw || !dwarf_addrdie(dw, addr, &cu) || !(l = dwarf_getsrc_die(&cu, addr)) ||
	    dwarf_lineno(l, line))
		return NULL;
	return dwarf_linesrc(l, NULL, NULL);
}

/* " <sym+off>" after a direct branch target, as objdump prints it. */
static void print_target(FILE *out, const struct st_kimage *k, const char *ops)
{
	const struct st_kfunc *f;
	uint64_t a;
	char *end;

	if (strncmp(ops, "0x", 2))
		return;
	a = strtoull(ops, &end, 16);
	if (*end || !(f = st_kimage_func_at(k, a)))
		return;
	if (a == f->addr)
		fprintf(out, " <%s>", f->name);
	else
		fprintf(out, " <%s+%" PRIu64 ">", f->name, a - f->addr);
}

long st_disasm_func(FILE *out, struct st_kimage *k, const char *func, struct st_err *err)
{
	const struct st_kfunc *f = st_kimage_func(k, func);
	const char *last_src = NULL;
	int last_line = -1;
	unsigned char *code;
	const uint8_t *p;
	size_t left;
	uint64_t addr;
	cs_insn *insn;
	long n = 0;
	Dwarf *dw;
	csh h;

	if (!f)
		return st_err_set(err, 0, "no function '%s' in the image's symbols (%s)",
				  func, st_kimage_symsource(k));
	if (!f->size || f->size > MAX_FUNC_BYTES)
		return st_err_set(err, 0, "size of '%s' is unknown", f->name);
	code = malloc(f->size);
	if (!code)
		return st_err_set(err, 0, "out of memory");
	if (st_kimage_read(k, f->addr, code, f->size)) {
		free(code);
		return st_err_set(err, 0, "the code of '%s' (0x%" PRIx64 ", %" PRIu64
				  " bytes) is not in the image", f->name, f->addr, f->size);
	}
	if (open_capstone(k, &h)) {
		free(code);
		return st_err_set(err, 0, "capstone cannot disassemble this architecture");
	}
	dw = st_kimage_dwarf(k);
	insn = st_cs_malloc(h);
	fprintf(out, "%s: 0x%" PRIx64 ", %" PRIu64 " bytes (symbols: %s%s)\n", f->name, f->addr,
		f->size, st_kimage_symsource(k), dw ? ", lines: DWARF" : "");
	p = code;
	left = f->size;
	addr = f->addr;
	while (insn && st_cs_disasm_iter(h, &p, &left, &addr, insn)) {
		int line;
		const char *src = src_of(dw, insn->address, &line);

		if (src && (line != last_line || !last_src || strcmp(src, last_src))) {
			fprintf(out, "\t; %s:%d\n", src, line);
			last_src = src;
			last_line = line;
		}
		fprintf(out, "%s+%" PRIu64 "\t%" PRIx64 ":\t%s%s%s", f->name,
			insn->address - f->addr, insn->address, insn->mnemonic,
			insn->op_str[0] ? "\t" : "", insn->op_str);
		if (insn->mnemonic[0] == 'j' || !strncmp(insn->mnemonic, "call", 4) ||
		    !strcmp(insn->mnemonic, "b") || !strcmp(insn->mnemonic, "bl"))
			print_target(out, k, insn->op_str[0] == '#' ? insn->op_str + 1
								     : insn->op_str);
		fputc('\n', out);
		n++;
	}
	if (insn)
		st_cs_free(insn, 1);
	st_cs_close(&h);
	free(code);
	return n;
}

struct hit {
	uint64_t addr;
	int line;
	const char *src;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

long st_disasm_srcline(FILE *out, struct st_kimage *k, const char *file_line,
		       struct st_err *err)
{
	Dwarf *dw = st_kimage_dwarf(k);
	const char *colon = strrchr(file_line, ':');
	Dwarf_Line **srcs = NULL;
	size_t nsrcs = 0, i, nh = 0;
	struct hit *hits;
	char *file, *end;
	long line, printed = 0;

	if (!colon || colon == file_line)
		return st_err_set(err, 0, "--line wants FILE:LINE, not '%s'", file_line);
	line = strtol(colon + 1, &end, 10);
	if (*end || line <= 0)
		return st_err_set(err, 0, "--line wants FILE:LINE, not '%s'", file_line);
	if (!dw)
		return st_err_set(err, 0, "--line needs DWARF line information: pass a vmlinux "
				  "with debug info (-v), e.g. from the -dbg package");
	file = strndup(file_line, (size_t)(colon - file_line));
	if (!file)
		return st_err_set(err, 0, "out of memory");
	/* libdw matches a relative name against the end of each file's path. */
	if (dwarf_getsrc_file(dw, file, (int)line, 0, &srcs, &nsrcs) || !nsrcs) {
		st_err_set(err, 0, "no code for %s:%ld in the debug info", file, line);
		free(file);
		free(srcs);
		return -1;
	}
	hits = calloc(nsrcs, sizeof(*hits));
	for (i = 0; hits && i < nsrcs; i++) {
		Dwarf_Addr a;
		int ln;

		if (dwarf_lineaddr(srcs[i], &a) || dwarf_lineno(srcs[i], &ln))
			continue;
		hits[nh++] = (struct hit){ a, ln, dwarf_linesrc(srcs[i], NULL, NULL) };
	}
	if (hits)
		qsort(hits, nh, sizeof(*hits), cmp_hit);
	for (i = 0; i < nh; i++) {
		const struct st_kfunc *f = st_kimage_func_at(k, hits[i].addr);

		if (i && hits[i].addr == hits[i - 1].addr)
			continue;
		if (f)
			fprintf(out, "%s+%" PRIu64, f->name, hits[i].addr - f->addr);
		else
			fprintf(out, "?");
		fprintf(out, "\t%" PRIx64 "\t%s:%d\n", hits[i].addr,
			hits[i].src ? hits[i].src : file, hits[i].line);
		printed++;
	}
	free(hits);
	free(srcs);
	free(file);
	return printed;
}
