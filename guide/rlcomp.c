// SPDX-License-Identifier: MIT
/* readline picks the word to replace with its own break characters; our engine knows the
 * real word start (ctx.c). The two are reconciled per candidate: the candidate keeps the
 * text between the two starts, so "foo.isra.0" and "sched/..." complete whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include "rlcomp.h"

static struct {
	struct g_src *src;
	struct g_cands c;
	int gstart, rstart;   /* engine's and readline's word starts */
	size_t next;
} C;

static char *adapt(const char *text)
{
	char *out;

	if (C.rstart >= C.gstart)
		return strdup(text + (C.rstart - C.gstart));
	if (asprintf(&out, "%.*s%s", C.gstart - C.rstart, rl_line_buffer + C.rstart, text) < 0)
		return NULL;
	return out;
}

static char *generator(const char *text, int state)
{
	(void)text;
	if (!state)
		C.next = 0;
	if (C.next < C.c.n)
		return adapt(C.c.v[C.next++].text);
	return NULL;
}

static char **attempt(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	g_complete(C.src, rl_line_buffer, rl_point, &C.c, &C.gstart);
	C.rstart = start;
	if (C.c.files) {
		rl_attempted_completion_over = 0;   /* readline's file name completion */
		return NULL;
	}
	if (C.gstart > rl_point || C.rstart > rl_point || !C.c.n)
		return NULL;
	/* the engine filtered already: rl_completion_matches must not filter again */
	rl_completion_suppress_append = C.c.n == 1 && C.c.v[0].noappend;
	return rl_completion_matches(text, generator);
}

/* The list under the input: every candidate with its note (type, module), one a line. */
static void show(char **matches, int num, int maxlen)
{
	size_t i, w = 0, limit = 40;

	if (C.c.files) {
		rl_display_match_list(matches, num, maxlen);
		rl_forced_update_display();
		return;
	}
	for (i = 0; i < C.c.n; i++)
		if (strlen(C.c.v[i].text) > w)
			w = strlen(C.c.v[i].text);
	rl_crlf();
	fputs("\033[J", rl_outstream);
	for (i = 0; i < C.c.n && i < limit; i++)
		fprintf(rl_outstream, "  %-*s  %s\n", (int)w, C.c.v[i].text,
			C.c.v[i].note ? C.c.v[i].note : "");
	if (C.c.n > limit)
		fprintf(rl_outstream, "  ... %zu more: type more letters\n", C.c.n - limit);
	rl_forced_update_display();
}

void g_rlcomp_init(struct g_src *src)
{
	C.src = src;
	/* '$', '%' and '@' begin values: they stay in the word */
	rl_completer_word_break_characters = (char *)" \t\n=>.:&|()!<";
	rl_completer_quote_characters = NULL;
	rl_attempted_completion_function = attempt;
	rl_completion_display_matches_hook = show;
	/* list the candidates at once when Tab cannot add a character (no second Tab) */
	rl_variable_bind("show-all-if-ambiguous", "on");
}

void g_rlcomp_done(void)
{
	g_cands_clear(&C.c);
}
