// SPDX-License-Identifier: MIT
/* -l/-L group/event: trace events from available_events, formats from events/G/E/format. */
#include <stdlib.h>
#include <string.h>
#include "discover/glob.h"
#include "discover/list.h"
#include "session/tracefs.h"
#include "types/evformat.h"
#include "util/file.h"
#include "util/json.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The event's own fields (common_* are in every event and say nothing new), printed as
 * "\t<C declaration>;\t(* offset:N size:N signed:N *)" with real comment markers, or as
 * a JSON array. */
static void print_fields(FILE *out, const struct st_tracefs *t, const char *group,
			 const char *event, bool json)
{
	struct st_evfield *v;
	char ge[512];
	int n, i, k = 0;

	if (st_pathf(ge, sizeof(ge), "%s/%s", group, event))
		return;
	n = st_evformat_fields(t->root, ge, &v);
	if (n < 0) {
		if (!json)
			fprintf(out, "\t/* format not readable */\n");
		return;
	}
	if (json)
		fputs(",\"fields\":[", out);
	for (i = 0; i < n; i++) {
		if (v[i].common)
			continue;
		if (json) {
			fputs(k++ ? ",{\"name\":" : "{\"name\":", out);
			st_json_str(out, v[i].name);
			fputs(",\"decl\":", out);
			st_json_str(out, v[i].decl);
			fprintf(out, ",\"offset\":%d,\"size\":%d,\"signed\":%s}", v[i].offset,
				v[i].size, v[i].is_signed ? "true" : "false");
			continue;
		}
		fprintf(out, "\t%s;\t/* offset:%d size:%d signed:%d */\n", v[i].decl,
			v[i].offset, v[i].size, v[i].is_signed);
	}
	if (json)
		fputs("]", out);
	st_evfields_free(v, n);
}

long st_list_events(FILE *out, const struct st_tracefs *t, const char *pattern,
		    bool fields, bool json, struct st_err *err)
{
	char *gpat = strdup(pattern), *epat, *text, *line, *save = NULL;
	char **hits = NULL;
	size_t n = 0, cap = 0, i;
	long count = 0;

	if (!gpat)
		return st_err_set(err, 0, "out of memory");
	epat = strchr(gpat, '/');
	if (epat)
		*epat++ = '\0';
	else
		epat = gpat + strlen(gpat);   /* "group" alone: all its events */
	text = st_tracefs_read(t, "available_events");
	if (!text) {
		free(gpat);
		return st_err_set(err, 0, "cannot read %s/available_events (need root?)", t->root);
	}
	/* available_events lines are "group:event". */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		if (!st_glob_match(*gpat ? gpat : "*", line) ||
		    !st_glob_match(*epat ? epat : "*", colon + 1))
			continue;
		*colon = '/';
		if (n == cap) {
			char **nh = realloc(hits, (cap = cap ? cap * 2 : 64) * sizeof(*nh));

			if (!nh)
				break;
			hits = nh;
		}
		hits[n++] = line;
	}
	qsort(hits, n, sizeof(*hits), cmp_str);
	for (i = 0; i < n; i++) {
		if (json) {
			fprintf(out, "{\"v\":%d,\"kind\":\"event\",\"name\":", ST_JSON_V);
			st_json_str(out, hits[i]);
		} else {
			fprintf(out, "%s\n", hits[i]);
		}
		if (fields) {
			char *slash = strchr(hits[i], '/');

			*slash = '\0';
			print_fields(out, t, hits[i], slash + 1, json);
			*slash = '/';
		}
		if (json)
			fputs("}\n", out);
		count++;
	}
	free(hits);
	free(text);
	free(gpat);
	return count;
}
