// SPDX-License-Identifier: MIT
/* Status line drawing. readline tracks the cursor relatively, so we may draw below the
 * input as long as we put the cursor back exactly where readline left it (draw()). */
#include <stdio.h>
#include <string.h>
#include <readline/readline.h>
#include "status.h"

static struct {
	struct g_xlate *x;
	size_t plen;        /* visible prompt length (the prompt has no escapes) */
	bool on, drawn;
	int down;           /* rows from readline's cursor to the status line, last draw */
	size_t rows;        /* rows the input took, last draw */
} S;

static bool hscroll(void)
{
	const char *v = rl_variable_value("horizontal-scroll-mode");

	return v && !strcmp(v, "on");
}

static void draw(void)
{
	const char *text, *nl;
	int rows, cols, col, down, i, len;
	size_t cur, end;
	char line[1024];

	rl_get_screen_size(&rows, &cols);
	if (cols < 20) {
		rl_redisplay();
		return;
	}
	/* input growing by a row writes where the status line is: readline believes that
	 * row empty and would leave the status text after its own */
	cur = S.plen + (size_t)rl_end;
	if (S.drawn && !hscroll() && cur / (size_t)cols > S.rows)
		fprintf(rl_outstream, "\0337\033[%dB\r\033[K\0338", S.down);
	rl_redisplay();
	if (rl_end == 0) {
		snprintf(line, sizeof(line), "   Tab completes, Enter runs, :help lists commands");
	} else if (g_xlate_line(S.x, rl_line_buffer, &text, &col) == 0) {
		nl = strchr(text, '\n');
		len = nl ? (int)(nl - text) : (int)strlen(text);
		snprintf(line, sizeof(line), "   => %.*s%s%s", len, text, nl ? "  " : "",
			 nl ? nl + 1 : "");
	} else if (col > 0) {
		snprintf(line, sizeof(line), "   !! col %d: %s", col, text);
	} else {
		snprintf(line, sizeof(line), "   !! %s", text);
	}
	line[cols - 1 < (int)sizeof(line) ? cols - 1 : (int)sizeof(line) - 1] = '\0';
	/* rows from the cursor's row down to the input's last row (readline wraps long
	 * input unless it scrolls horizontally) */
	cur = S.plen + (size_t)rl_point;
	end = S.plen + (size_t)rl_end;
	down = hscroll() ? 1 : (int)(end / (size_t)cols - cur / (size_t)cols) + 1;
	/* IND (ESC D) moves down keeping the column and scrolls at the bottom: after going
	 * down and back up the rows exist, so the cursor can be saved and restored. */
	for (i = 0; i < down; i++)
		fputs("\033D", rl_outstream);
	fprintf(rl_outstream, "\033[%dA\0337\033[%dB\r\033[K%s\033[J\0338", down, down, line);
	fflush(rl_outstream);
	S.drawn = true;
	S.down = down;
	S.rows = hscroll() ? 0 : end / (size_t)cols;
}

void g_status_init(struct g_xlate *x, const char *prompt, bool enable)
{
	S.x = x;
	S.plen = strlen(prompt);
	S.on = enable;
	if (enable)
		rl_redisplay_function = draw;
}

void g_status_fresh_row(void)
{
	if (S.on) {
		fputs("\r\033[J", rl_outstream);
		fflush(rl_outstream);
	}
}

void g_status_clear(void)
{
	if (S.on && S.drawn) {
		fputs("\033[J", rl_outstream);
		fflush(rl_outstream);
	}
	S.drawn = false;
}

int g_status_print(FILE *f, struct g_xlate *x, const char *line)
{
	const char *text, *p;
	int col, rc = g_xlate_line(x, line, &text, &col);

	if (rc == 0) {
		for (p = text; *p;) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);

			fprintf(f, "   => %.*s\n", len, p);
			p += len + (nl ? 1 : 0);
		}
		return 0;
	}
	if (col > 0)
		fprintf(f, "   %s\n   %*s^\n", line, col - 1, "");
	fprintf(f, "   error%s%.0d: %s\n", col > 0 ? " at col " : "", col, text);
	return -1;
}
