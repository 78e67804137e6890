// SPDX-License-Identifier: MIT
/* User addresses -> "symbol+0xoff" with libdwfl: a task's modules are reported (and their
 * ELF files opened) when its first stack is seen, while it still runs, so the names can be
 * printed after it exited. */
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aggregate/usyms.h"

#define NTASKS 64

struct task {
	int pid;
	Dwfl *dwfl;
	unsigned long long used;
};

struct st_usyms {
	struct task t[NTASKS];
	unsigned long long clock;
};

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

struct st_usyms *st_usyms_new(void)
{
	return calloc(1, sizeof(struct st_usyms));
}

void st_usyms_free(struct st_usyms *u)
{
	int i;

	for (i = 0; u && i < NTASKS; i++)
		if (u->t[i].dwfl)
			dwfl_end(u->t[i].dwfl);
	free(u);
}

static int open_elf(Dwfl_Module *m, void **ud, const char *name, Dwarf_Addr start, void *arg)
{
	Dwarf_Addr bias;

	(void)ud;
	(void)name;
	(void)start;
	(void)arg;
	dwfl_module_getelf(m, &bias);
	return DWARF_CB_OK;
}

static struct task *find(struct st_usyms *u, int pid)
{
	int i;

	for (i = 0; i < NTASKS; i++)
		if (u->t[i].dwfl && u->t[i].pid == pid) {
			u->t[i].used = ++u->clock;
			return &u->t[i];
		}
	return NULL;
}

void st_usyms_prepare(struct st_usyms *u, int pid)
{
	struct task *t, *victim = &u->t[0];
	Dwfl *d;
	int i;

	if (!u || pid <= 0 || find(u, pid))
		return;
	for (i = 0; i < NTASKS; i++) {
		if (!u->t[i].dwfl) {
			victim = &u->t[i];
			break;
		}
		if (u->t[i].used < victim->used)
			victim = &u->t[i];
	}
	d = dwfl_begin(&callbacks);
	if (!d)
		return;
	if (dwfl_linux_proc_report(d, pid) != 0 || dwfl_report_end(d, NULL, NULL) != 0) {
		dwfl_end(d);
		return;
	}
	dwfl_getmodules(d, open_elf, NULL, 0);
	t = victim;
	if (t->dwfl)
		dwfl_end(t->dwfl);
	t->pid = pid;
	t->dwfl = d;
	t->used = ++u->clock;
}

void st_usyms_name(struct st_usyms *u, int pid, unsigned long long pc, bool return_addr,
		   bool with_off, char *buf, size_t n)
{
	struct task *t = u ? find(u, pid) : NULL;
	/* a return address points after its call: look up the call itself */
	Dwarf_Addr look = return_addr && pc ? pc - 1 : pc, start;
	Dwfl_Module *m = t ? dwfl_addrmodule(t->dwfl, look) : NULL;
	const char *name = NULL, *mod;
	GElf_Off off = 0;
	GElf_Sym sym;

	if (m)
		name = dwfl_module_addrinfo(m, look, &off, &sym, NULL, NULL, NULL);
	if (name) {
		if (with_off)
			snprintf(buf, n, "%s+0x%llx", name, (unsigned long long)(off + (look != pc)));
		else
			snprintf(buf, n, "%s", name);
		return;
	}
	if (m && (mod = dwfl_module_info(m, NULL, &start, NULL, NULL, NULL, NULL, NULL))) {
		const char *base = strrchr(mod, '/');

		snprintf(buf, n, "%s+0x%llx", base ? base + 1 : mod,
			 (unsigned long long)(pc - start));
		return;
	}
	snprintf(buf, n, "0x%llx", pc);
}
