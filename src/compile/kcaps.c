// SPDX-License-Identifier: MIT
/* Fetch-syntax capabilities from a tracefs README. The README's "fetcharg" and "type"
 * lines are the kernel's own statement of what its parser takes; features are looked up
 * as the exact spellings those lines use. */
#include "compile/kcaps.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile/compile.h"
#include "util/file.h"

static const struct {
	const char *needle;    /* as the README spells it */
	const char *what;      /* for the refusal */
} caps[ST_KCAP_COUNT] = {
	[ST_KCAP_KPROBE] = { "place: [<module>:]<symbol>", "kprobes (kprobe_events)" },
	[ST_KCAP_USTRING] = { "ustring", "the 'ustring' type (user-space strings)" },
	[ST_KCAP_SYMSTR] = { "symstr", "the 'symstr' type" },
	[ST_KCAP_ARRAY] = { "<type>\\[<array-size>\\]", "array fetches (<type>[<size>])" },
	[ST_KCAP_BITFIELD] = { "b<bit-width>@<bit-offset>/<container-size>", "bitfield types" },
	[ST_KCAP_XTYPES] = { "x8/16/32/64", "hexadecimal types (x8..x64)" },
	[ST_KCAP_CHAR] = { " char,", "the 'char' type" },
	[ST_KCAP_ARGN] = { "$arg<N>", "$arg<N> fetches" },
	[ST_KCAP_RET_ARGN] = { "return probes support: $retval, $arg<N>", "$arg<N> in return probes" },
	[ST_KCAP_UDEREF] = { "+|-[u]<offset>(<fetcharg>)", "user-space dereferences (+u<offset>)" },
	[ST_KCAP_RETURN] = { "[+<offset>]%return", "<symbol>%return places" },
	[ST_KCAP_IMM] = { "\\imm-value", "immediate values" },
};

void st_kcaps_parse(const char *readme, struct st_kcaps *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	if (!readme)
		return;
	c->known = true;
	for (i = 0; i < ST_KCAP_COUNT; i++)
		c->has[i] = strstr(readme, caps[i].needle) != NULL;
}

void st_kcaps_read(const char *path, struct st_kcaps *c)
{
	char *text = path ? st_slurp(path) : NULL;

	st_kcaps_parse(text, c);
	free(text);
}

/* The capabilities one fetch argument needs, as a bit set. */
static unsigned arg_needs(const struct st_probe *p, const struct st_probe_arg *a)
{
	const char *t = a->ktype ? a->ktype : "", *f = a->fetch ? a->fetch : "", *s;
	unsigned need = 0;
	size_t l = strlen(t);

	if (!strcmp(t, "ustring"))
		need |= 1u << ST_KCAP_USTRING;
	if (!strcmp(t, "symstr"))
		need |= 1u << ST_KCAP_SYMSTR;
	if (!strcmp(t, "char"))
		need |= 1u << ST_KCAP_CHAR;
	if (l && t[l - 1] == ']')
		need |= 1u << ST_KCAP_ARRAY;
	if (t[0] == 'b' && strchr(t, '@'))
		need |= 1u << ST_KCAP_BITFIELD;
	if (t[0] == 'x')
		need |= 1u << ST_KCAP_XTYPES;
	if (strstr(f, "$arg"))
		need |= 1u << (p->type == 'r' ? ST_KCAP_RET_ARGN : ST_KCAP_ARGN);
	for (s = f; (s = strpbrk(s, "+-")); s++)
		if (s[1] == 'u' && s[2] >= '0' && s[2] <= '9')
			need |= 1u << ST_KCAP_UDEREF;
	if (strchr(f, '\\'))
		need |= 1u << ST_KCAP_IMM;
	return need;
}

int st_kcaps_check(const struct st_kcaps *c, const struct st_probe *p, int *arg,
		   struct st_err *err)
{
	size_t i;
	int k;

	*arg = -1;
	if (!c || !c->known || (p->type != 'p' && p->type != 'r' && p->type != 'P' &&
				 p->type != 'R'))
		return 0;
	if (p->target && strstr(p->target, "%return") && !c->has[ST_KCAP_RETURN])
		return st_err_set(err, 0, "this kernel does not accept %s: its tracefs README "
				  "lists no %%return; use 'r FUNC'", caps[ST_KCAP_RETURN].what);
	for (i = 0; i < p->nargs; i++) {
		unsigned need = arg_needs(p, &p->args[i]);

		for (k = 0; k < ST_KCAP_COUNT; k++) {
			if (!(need & (1u << k)) || c->has[k])
				continue;
			*arg = (int)i;
			return st_err_set(err, 0, "'%s' needs %s, which this kernel's tracefs README "
					  "does not list (fetch '%s:%s'); %s", p->args[i].name,
					  caps[k].what, p->args[i].fetch, p->args[i].ktype,
					  k == ST_KCAP_USTRING ? "read it as a kernel string with "
					  "!(char *) or drop it" :
					  k == ST_KCAP_XTYPES ? "print it as a number with U" :
					  k == ST_KCAP_ARRAY ? "index one element ([i])" :
					  "read a wider field and filter on it");
		}
	}
	return 0;
}
