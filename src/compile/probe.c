// SPDX-License-Identifier: MIT
/* The probe specification: definition text, the name-prefix conversion an argument asks
 * for (src/output/convert.c applies it), and freeing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compile/compile.h"
#include "compile/kdef.h"

enum st_conv st_conv_from_name(const char *varname)
{
	static const struct { const char *pfx; enum st_conv c; } tab[] = {
		{ "ip_", ST_CONV_IP },
		{ "b16_", ST_CONV_B16 }, { "b32_", ST_CONV_B32 }, { "b64_", ST_CONV_B64 },
		{ "B16_", ST_CONV_BX16 }, { "B32_", ST_CONV_BX32 }, { "B64_", ST_CONV_BX64 },
	};
	if (!varname)
		return ST_CONV_NONE;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strncmp(varname, tab[i].pfx, strlen(tab[i].pfx)))
			return tab[i].c;
	return ST_CONV_NONE;
}

static char *build_definition(const struct st_probe *p, const char *group)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "%c:", (p->type == 'r' || p->type == 'R') ? 'r' : 'p');
	if (group)
		fprintf(f, "%s/", group);
	fprintf(f, "%s %s", p->event, p->target);
	for (i = 0; i < p->nargs; i++) {
		fprintf(f, " %s=%s", p->args[i].name, p->args[i].fetch);
		if (p->args[i].ktype)
			fprintf(f, ":%s", p->args[i].ktype);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The one place a definition is made: what is not exactly what surftrace produces
 * (a path with a newline, a hostile argument) never leaves this function. */
char *st_probe_definition(const struct st_probe *p, const char *group, struct st_err *err)
{
	char *def;

	if (p->type == 'e') {
		st_err_set(err, 0, "a trace event has no definition");
		return NULL;
	}
	if (st_kdef_check_fields(p, err))
		return NULL;
	def = build_definition(p, group);
	if (!def) {
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	if (st_kdef_check_definition(def, group, err)) {
		free(def);
		return NULL;
	}
	return def;
}

char *st_probe_show_fxpr(const struct st_probe *p)
{
	char *s = NULL;

	if (p->type != 'e')
		return st_probe_definition(p, NULL, NULL);
	if (asprintf(&s, "%s/%s", p->group ? p->group : "", p->event ? p->event : "") < 0)
		return NULL;
	return s;
}

void st_probe_free(struct st_probe *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nargs; i++) {
		free(p->args[i].name);
		free(p->args[i].fetch);
		free(p->args[i].ktype);
	}
	free(p->args);
	free(p->event);
	free(p->group);
	free(p->target);
	free(p->func);
	free(p->binary);
	free(p->filter);
	free(p->notice);
	free(p);
}
