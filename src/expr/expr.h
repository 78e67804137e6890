/* SPDX-License-Identifier: MIT */
/* Parser entry points: text -> st_line. Pure: no I/O, no global state. */
#ifndef ST_EXPR_EXPR_H
#define ST_EXPR_EXPR_H
#include "expr/ast.h"
#include "util/err.h"

/* Parse one expression line. On success returns 0 and *out owns a new tree.
 * On error returns -1, *out is NULL and err holds the message and column, e.g.
 * "unexpected ')' after 'comm'" at column 27. */
int st_parse_line(const char *text, struct st_line **out, struct st_err *err);

void st_line_free(struct st_line *line);

/* Split a file's text into expression lines: '#' comments (outside quotes) and blank
 * lines are dropped, surrounding whitespace trimmed. Returns the count, fills *lines
 * (array of heap strings, free each then the array), -1 on allocation failure. */
int st_split_lines(const char *text, char ***lines);
/* The same, and where each expression starts: 1-based line, 0-based byte offset in it
 * (*pos: malloc'ed, one per expression; free it). */
struct st_line_pos {
	int line;
	int col;
};
int st_split_lines_pos(const char *text, char ***lines, struct st_line_pos **pos);

#endif
