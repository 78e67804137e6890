// SPDX-License-Identifier: MIT
#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int st_err_set(struct st_err *err, int col, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->col = col;
	err->env = false;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Messages quote user text: keep them one line whatever that text holds. */
	for (char *p = err->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

const char *st_span_desc(const char *p, size_t len, char *buf, size_t n)
{
	size_t i, o = 0, max = n > 8 ? n - 8 : 0;

	if (n == 0)
		return "";
	buf[o++] = '\'';
	for (i = 0; i < len && o < max; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f) {
			buf[o++] = (char)ch;
		} else {
			if (o + 4 >= max)
				break;
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", ch);
		}
	}
	if (i < len && o + 3 < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

/* Damerau-free Levenshtein distance with one rolling row; words here are short. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[129], i, j, prev, d;

	if (la > 128 || lb > 128)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			prev = row[j];
			d = del < ins ? del : ins;
			row[j] = d < sub ? d : sub;
		}
	}
	return row[lb];
}

size_t st_suggest_n(const char *word, const char *const *cands, size_t n, const char **out,
		    size_t max)
{
	size_t dist[ST_SUGGEST_MAX], got = 0, i, j, limit, wl;

	if (!word || !*word || !max)
		return 0;
	if (max > ST_SUGGEST_MAX)
		max = ST_SUGGEST_MAX;
	/* Allow roughly one edit per three characters, at least one, at most four. */
	wl = strlen(word);
	limit = wl / 3 + 1;
	if (limit > 4)
		limit = 4;
	for (i = 0; i < n; i++) {
		size_t d, cl;

		if (!cands[i])
			continue;
		/* the distance is at least the difference in length */
		cl = strlen(cands[i]);
		if ((cl > wl ? cl - wl : wl - cl) > limit)
			continue;
		d = edit_distance(word, cands[i]);
		if (d > limit)
			continue;
		for (j = 0; j < got; j++)
			if (!strcmp(out[j], cands[i]))
				break;
		if (j < got)
			continue;   /* the same name twice (anonymous members, aliases) */
		/* insertion into the sorted top list; equal distances keep their order */
		for (j = got; j > 0 && dist[j - 1] > d; j--)
			;
		if (j >= max)
			continue;
		if (got < max)
			got++;
		memmove(&out[j + 1], &out[j], (got - 1 - j) * sizeof(*out));
		memmove(&dist[j + 1], &dist[j], (got - 1 - j) * sizeof(*dist));
		out[j] = cands[i];
		dist[j] = d;
	}
	return got;
}

const char *st_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best;

	return st_suggest_n(word, cands, n, &best, 1) ? best : NULL;
}

const char *st_suggest_list(const char *word, const char *const *cands, size_t n,
			    const char *quote, char *buf, size_t len)
{
	const char *best[3];
	size_t k = st_suggest_n(word, cands, n, best, 3), i, used = 0;

	if (!k)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < k && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s'%s%s'",
					 i == 0 ? "" : i + 1 == k ? " or " : ", ", quote, best[i]);
	return buf;
}
