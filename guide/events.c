// SPDX-License-Identifier: MIT
/* Event names come from the events/ directory tree, fields from each event's format file. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include "events.h"
#include "types/evformat.h"

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

int g_add_event_fields(const char *tracefs, const char *event, const char *prefix,
		       struct g_cands *out)
{
	size_t plen = strlen(prefix);
	struct st_evfield *f;
	int n, i;

	if (!tracefs || strpbrk(event, "*?["))
		return -1;
	n = st_evformat_fields(tracefs, event, &f);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (f[i].name[0] && !strncmp(f[i].name, prefix, plen))
			g_cands_add(out, f[i].name, f[i].decl, false);
	st_evfields_free(f, n);
	return 0;
}
