// SPDX-License-Identifier: MIT
/* The translated probe line shown while typing. The translator is made on first use
 * (parsing BTF takes a moment) and the last answer is cached: readline redraws often. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guide.h"
#include "compile/compile.h"
#include "session/tracefs.h"

struct g_xlate {
	struct st_translator_opts o;
	struct st_translator *tr;
	bool tried;
	char err_new[512];      /* why the translator could not be made */
	char *last_line;
	char *text;
	int rc, col;
};

struct g_xlate *g_xlate_new(const char *btf, const char *arch, const char *vmlinux)
{
	struct g_xlate *x = calloc(1, sizeof(*x));

	if (x) {
		x->o.btf_path = btf;
		x->o.arch = arch;
		x->o.vmlinux = vmlinux;
		x->o.tracefs = btf ? NULL : st_tracefs_find();
	}
	return x;
}

void g_xlate_free(struct g_xlate *x)
{
	if (!x)
		return;
	if (x->tr)
		st_translator_free(x->tr);
	free(x->last_line);
	free(x->text);
	free(x);
}

struct st_translator *g_xlate_translator(struct g_xlate *x)
{
	struct st_err err = { 0 };

	if (x->tried)
		return x->tr;
	x->tried = true;
	x->tr = st_translator_new(&x->o, &err);
	if (!x->tr)
		snprintf(x->err_new, sizeof(x->err_new), "%s", err.msg);
	return x->tr;
}

static char *probe_text(const struct st_probe *p)
{
	char *def = p->type == 'e' ? NULL : st_probe_definition(p, NULL, NULL);
	char *out = NULL;
	char head[512];

	if (p->type == 'e')
		snprintf(head, sizeof(head), "e %s/%s", p->group, p->event);
	if (asprintf(&out, "%s%s%s%s%s", def ? def : head, p->filter ? "\nfilter: " : "",
		     p->filter ? p->filter : "", p->notice ? "\nnote: " : "",
		     p->notice ? p->notice : "") < 0)
		out = NULL;
	free(def);
	return out;
}

int g_xlate_line(struct g_xlate *x, const char *line, const char **text, int *col)
{
	struct st_translator *tr;
	struct st_probe *p = NULL;
	struct st_err err = { 0 };

	if (x->last_line && !strcmp(x->last_line, line))
		goto out;
	free(x->last_line);
	free(x->text);
	x->last_line = strdup(line);
	x->text = NULL;
	tr = g_xlate_translator(x);
	if (!tr) {
		x->rc = -1;
		x->col = 0;
		x->text = strdup(x->err_new);
	} else if (st_translate(tr, line, 0, &p, &err)) {
		x->rc = -1;
		x->col = err.col;
		x->text = strdup(err.msg);
	} else {
		x->rc = 0;
		x->col = 0;
		x->text = probe_text(p);
		st_probe_free(p);
	}
out:
	*text = x->text ? x->text : "out of memory";
	*col = x->col;
	return x->text ? x->rc : -1;
}
