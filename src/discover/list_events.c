// SPDX-License-Identifier: MIT
/* -l/-L group/event: trace events from available_events, formats from events/G/E/format. */
#include <stdlib.h>
#include <string.h>
#include "discover/glob.h"
#include "discover/list.h"
#include "session/tracefs.h"
#include "util/json.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The declared name in a format field ("char prev_comm[16]" -> "prev_comm"). */
static const char *field_name(const char *decl, size_t *len)
{
	const char *end = strchr(decl, '[');
	const char *p;

	if (!end)
		end = decl + strlen(decl);
	while (end > decl && end[-1] == ' ')
		end--;
	p = end;
	while (p > decl && p[-1] != ' ' && p[-1] != '*')
		p--;
	*len = (size_t)(end - p);
	return p;
}

/* The value after "key:" in a format line, up to ';', as an int (-1 when absent). */
static long format_value(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The event's own fields (common_* are in every event and say nothing new), printed as
 * "\t<C declaration>;\t(* offset:N size:N signed:N *)" with real comment markers. */
/* The event's own fields (not common_*): text lines under the name, or a JSON array. */
static void print_fields(FILE *out, const struct st_tracefs *t, const char *group,
			 const char *event, bool json)
{
	char rel[512], *text, *line, *save = NULL;
	int n = 0;

	if (snprintf(rel, sizeof(rel), "events/%s/%s/format", group, event) >= (int)sizeof(rel))
		return;
	text = st_tracefs_read(t, rel);
	if (!text) {
		if (!json)
			fprintf(out, "\t/* format not readable */\n");
		return;
	}
	if (json)
		fputs(",\"fields\":[", out);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *decl = strstr(line, "field:"), *semi;
		const char *name;
		size_t nlen;

		if (!decl || !(semi = strchr(decl, ';')))
			continue;
		decl += 6;
		*semi = '\0';
		name = field_name(decl, &nlen);
		if (nlen >= 7 && !strncmp(name, "common_", 7))
			continue;
		if (json) {
			fputs(n++ ? ",{\"name\":" : "{\"name\":", out);
			st_json_strn(out, name, nlen);
			fputs(",\"decl\":", out);
			st_json_str(out, decl);
			fprintf(out, ",\"offset\":%ld,\"size\":%ld,\"signed\":%s}",
				format_value(semi + 1, "offset:"), format_value(semi + 1, "size:"),
				format_value(semi + 1, "signed:") ? "true" : "false");
			continue;
		}
		fprintf(out, "\t%s;\t/* offset:%ld size:%ld signed:%ld */\n", decl,
			format_value(semi + 1, "offset:"), format_value(semi + 1, "size:"),
			format_value(semi + 1, "signed:"));
	}
	if (json)
		fputs("]", out);
	free(text);
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
