// SPDX-License-Identifier: MIT
#include "discover/glob.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Next class character at *pp, honouring '\' escapes; advances *pp. */
static char class_char(const char **pp)
{
	const char *p = *pp;

	if (*p == '\\' && p[1])
		p++;
	*pp = p + 1;
	return *p;
}

/* One bracket expression at *pp (just after '['), known to be terminated by ']';
 * advances *pp past the ']'. A ']' right after '[' or '[!' is a literal member. */
static bool match_class(const char **pp, char c)
{
	const char *p = *pp;
	bool neg = false, hit = false, first = true;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	while (first || *p != ']') {
		char lo = class_char(&p), hi = lo;

		first = false;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			hi = class_char(&p);
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	*pp = p + 1;
	return hit != neg;
}

/* Iterative matcher with one backtrack point for the last '*': linear in practice for the
 * patterns people type (foo*, *bar*, tcp_*_rcv). */
bool st_glob_match(const char *pat, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			if (!*pat)
				return true;
			star_p = pat;
			star_s = s;
			continue;
		}
		if (*s) {
			const char *next = pat + 1;
			bool m;

			switch (*pat) {
			case '\0':
				m = false;
				break;
			case '?':
				m = true;
				break;
			case '[': {
				const char *q = pat + 1, *scan = q;

				/* Find whether the class is terminated before using it. */
				if (*scan == '!' || *scan == '^')
					scan++;
				if (*scan == ']')
					scan++;
				while (*scan && *scan != ']')
					scan += (*scan == '\\' && scan[1]) ? 2 : 1;
				if (*scan) {
					m = match_class(&q, *s);
					next = q;
				} else {
					m = *s == '[';
				}
				break;
			}
			case '\\':
				if (pat[1]) {
					m = pat[1] == *s;
					next = pat + 2;
					break;
				}
				/* a trailing backslash matches itself */
				__attribute__((fallthrough));
			default:
				m = *pat == *s;
			}
			if (m) {
				pat = next;
				s++;
				continue;
			}
		} else if (!*pat) {
			return true;
		}
		if (!star_p || !*star_s)
			return false;
		pat = star_p;
		s = ++star_s;
	}
}

bool st_glob_has_meta(const char *pat)
{
	for (; *pat; pat++)
		if (*pat == '*' || *pat == '?' || *pat == '[' || *pat == '\\')
			return true;
	return false;
}

struct st_glob {
	const char *pat;      /* the general matcher's input when not simple */
	bool simple;
	bool lead_star, trail_star;
	size_t nseg;
	char **seg;           /* literal pieces between stars */
	size_t *len;
};

struct st_glob *st_glob_new(const char *pat)
{
	struct st_glob *g = calloc(1, sizeof(*g));
	const char *p, *q;
	size_t n = 0;

	if (!g)
		return NULL;
	g->pat = pat;
	g->simple = !strpbrk(pat, "?[\\");
	if (!g->simple)
		return g;
	for (p = pat; *p; p++)
		n += *p == '*';
	g->seg = calloc(n + 1, sizeof(*g->seg));
	g->len = calloc(n + 1, sizeof(*g->len));
	if (!g->seg || !g->len) {
		g->simple = false;
		return g;
	}
	g->lead_star = pat[0] == '*';
	g->trail_star = *pat && pat[strlen(pat) - 1] == '*';
	for (p = pat; *p; p = *q ? q + 1 : q) {
		q = strchrnul(p, '*');
		if (q > p) {
			g->seg[g->nseg] = strndup(p, (size_t)(q - p));
			g->len[g->nseg] = (size_t)(q - p);
			if (!g->seg[g->nseg]) {
				g->simple = false;
				return g;
			}
			g->nseg++;
		}
	}
	return g;
}

/* Literal pieces in order: the first anchored at the start unless the pattern starts
 * with '*', the last anchored at the end unless it ends with '*', the others found
 * leftmost (leftmost is always safe when only '*' separates them). */
static bool simple_match(const struct st_glob *g, const char *s)
{
	size_t i = 0, n = g->nseg, slen;

	if (!n)
		return g->lead_star || !*s;
	if (!g->lead_star) {
		if (strncmp(s, g->seg[0], g->len[0]))
			return false;
		s += g->len[0];
		i = 1;
		if (n == 1)
			return g->trail_star || !*s;
	}
	for (; i + 1 < n || (i < n && g->trail_star); i++) {
		const char *hit = strstr(s, g->seg[i]);

		if (!hit)
			return false;
		s = hit + g->len[i];
	}
	if (i == n)
		return true;                /* ended with '*' */
	slen = strlen(s);
	return slen >= g->len[i] && !strcmp(s + slen - g->len[i], g->seg[i]);
}

bool st_glob_test(const struct st_glob *g, const char *s)
{
	return g->simple ? simple_match(g, s) : st_glob_match(g->pat, s);
}

void st_glob_free(struct st_glob *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nseg; i++)
		free(g->seg[i]);
	free(g->seg);
	free(g->len);
	free(g);
}
