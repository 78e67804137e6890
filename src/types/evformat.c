// SPDX-License-Identifier: MIT
/* Event fields through libtraceevent (evformat.h). */
#include "types/evformat.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event-parse.h>
#include "util/file.h"

/* The declaration as the format file writes it ("field:" up to ';' of the idx-th field
 * line: libtraceevent's fields come in the file's order). libtraceevent keeps only the
 * type with its spacing normalized ("const void* ip" becomes "const void *"), and an
 * array's brackets on the type: the file's text is kept when it names this field. */
static char *decl_of(const char *text, int idx, const struct tep_format_field *f)
{
	const char *p = text, *end, *br;
	size_t nl = strlen(f->name);
	char *d = NULL;

	while ((p = strstr(p, "field:")) && idx-- > 0)
		p += 6;
	if (p && (end = strchr(p += 6, ';')) && !memchr(p, '\n', (size_t)(end - p))) {
		const char *e = memchr(p, '[', (size_t)(end - p));

		if (!e || !strncmp(p, "__data_loc", 10) || !strncmp(p, "__rel_loc", 9))
			e = end;
		if ((size_t)(e - p) >= nl && !strncmp(e - nl, f->name, nl))
			return strndup(p, (size_t)(end - p));
	}
	br = strchr(f->type, '[');
	if (br && strncmp(f->type, "__data_loc", 10) && strncmp(f->type, "__rel_loc", 9))
		return asprintf(&d, "%.*s %s%s", (int)(br - f->type), f->type, f->name, br) < 0 ?
			NULL : d;
	return asprintf(&d, "%s %s", f->type, f->name) < 0 ? NULL : d;
}

static int add_fields(const char *text, struct tep_format_field **v, bool common,
		      struct st_evfield *out, int n)
{
	int i;

	for (i = 0; v && v[i]; i++, n++) {
		out[n].name = strdup(v[i]->name);
		out[n].decl = decl_of(text, n, v[i]);
		out[n].offset = v[i]->offset;
		out[n].size = v[i]->size;
		out[n].is_signed = v[i]->flags & TEP_FIELD_IS_SIGNED;
		out[n].common = common;
		if (!out[n].name || !out[n].decl)
			return -1;          /* the caller frees what was filled */
	}
	return n;
}

static int count(struct tep_format_field **v)
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

int st_evformat_fields(const char *tracefs, const char *event, struct st_evfield **out)
{
	struct tep_format_field **common = NULL, **own = NULL;
	struct tep_event *ev = NULL;
	struct tep_handle *tep = NULL;
	struct st_evfield *v = NULL;
	const char *slash = strchr(event, '/');
	char path[4096], group[256], *text, *pf;
	int n = -1, e = ENOMEM;

	*out = NULL;
	if (!slash || (size_t)(slash - event) >= sizeof(group) ||
	    snprintf(path, sizeof(path), "%s/events/%s/format", tracefs, event) >=
		    (int)sizeof(path))
		return errno = EINVAL, -1;
	snprintf(group, sizeof(group), "%.*s", (int)(slash - event), event);
	text = st_read_file(path, NULL);
	if (!text)
		return -1;
	/* Only the fields are wanted: the print fmt is left out, so one libtraceevent
	 * cannot parse does not cost the event its fields. (A field the print fmt shows
	 * through __print_flags/__print_symbolic keeps its signed bit either way:
	 * tests/unit/test_read.c checks the reader's tep over every format.) */
	pf = strstr(text, "\nprint fmt:");
	if (pf && strlen(pf) >= sizeof("\nprint fmt: \"\"\n"))
		strcpy(pf, "\nprint fmt: \"\"\n");
	tep = tep_alloc();
	if (!tep)
		goto out;
	if (tep_parse_format(tep, &ev, text, strlen(text), group) || !ev) {
		e = EINVAL;
		goto out;
	}
	common = tep_event_common_fields(ev);
	own = tep_event_fields(ev);
	v = calloc((size_t)(count(common) + count(own)) + 1, sizeof(*v));
	if (!v || (n = add_fields(text, common, true, v, 0)) < 0 ||
	    (n = add_fields(text, own, false, v, n)) < 0) {
		st_evfields_free(v, count(common) + count(own));
		v = NULL;
		n = -1;
		goto out;
	}
	*out = v;
out:
	free(common);
	free(own);
	free(text);
	tep_free(tep);
	if (n < 0)
		errno = e;
	return n;
}

void st_evfields_free(struct st_evfield *f, int n)
{
	int i;

	for (i = 0; f && i < n; i++) {
		free(f[i].name);
		free(f[i].decl);
	}
	free(f);
}
