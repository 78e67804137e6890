/* SPDX-License-Identifier: MIT */
/* The live status line under the input: the translation of what is typed so far, or the
 * error with its column. Redrawn by readline's redisplay hook on every change. */
#ifndef ST_GUIDE_STATUS_H
#define ST_GUIDE_STATUS_H
#include <stdbool.h>
#include <stdio.h>
#include "guide.h"

/* Install the redisplay hook (only on a terminal: it uses VT100 cursor movement). */
void g_status_init(struct g_xlate *x, const char *prompt, bool enable);
/* Clear the status line left under a line readline has just accepted. */
void g_status_clear(void);
/* Start the next prompt on a clean row: a status line drawn under an earlier input may
 * still be where it goes (after Ctrl-C, a resize, a clear-screen). */
void g_status_fresh_row(void);
/* Print the full translation (or error with a caret) of line to f. Returns 0 when the
 * line translates. */
int g_status_print(FILE *f, struct g_xlate *x, const char *line);

#endif
