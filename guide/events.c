// SPDX-License-Identifier: MIT
/* Event names come from the events/ directory tree, fields from each event's format file. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include "events.h"

static int add_dir(const char *dir, const char *before, const char *prefix, bool groups,
		   struct g_cands *out)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	char text[512];
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR || strncmp(de->d_name, prefix, plen))
			continue;
		snprintf(text, sizeof(text), "%s%s%s", before, de->d_name, groups ? "/" : "");
		g_cands_add(out, text, NULL, groups);
	}
	closedir(d);
	return 0;
}

int g_add_events(const char *tracefs, const char *prefix, struct g_cands *out)
{
	const char *slash = strchr(prefix, '/');
	char dir[512], group[256];

	if (!tracefs)
		return -1;
	if (!slash) {
		snprintf(dir, sizeof(dir), "%s/events", tracefs);
		return add_dir(dir, "", prefix, true, out);
	}
	snprintf(group, sizeof(group), "%.*s/", (int)(slash - prefix), prefix);
	snprintf(dir, sizeof(dir), "%s/events/%.*s", tracefs, (int)(slash - prefix), prefix);
	return add_dir(dir, group, slash + 1, false, out);
}

/* "field:unsigned int prev_pid;" -> name "prev_pid", decl "unsigned int prev_pid". */
static int field_of(const char *line, char *decl, size_t dn, char *name, size_t nn)
{
	const char *f = strstr(line, "field:"), *end, *e;
	const char *b;

	if (!f)
		return -1;
	f += 6;
	end = strchr(f, ';');
	if (!end)
		return -1;
	snprintf(decl, dn, "%.*s", (int)(end - f), f);
	e = memchr(f, '[', (size_t)(end - f));
	if (!e)
		e = end;
	b = e;
	while (b > f && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
		b--;
	snprintf(name, nn, "%.*s", (int)(e - b), b);
	return name[0] ? 0 : -1;
}

int g_add_event_fields(const char *tracefs, const char *event, const char *prefix,
		       struct g_cands *out)
{
	char path[512], line[512], decl[256], name[128];
	size_t plen = strlen(prefix);
	FILE *f;

	if (!tracefs || strpbrk(event, "*?["))
		return -1;
	snprintf(path, sizeof(path), "%s/events/%s/format", tracefs, event);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!field_of(line, decl, sizeof(decl), name, sizeof(name)) &&
		    !strncmp(name, prefix, plen))
			g_cands_add(out, name, decl, false);
	fclose(f);
	return 0;
}
