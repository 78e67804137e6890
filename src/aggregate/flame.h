/* SPDX-License-Identifier: MIT */
/* Self-contained interactive SVG flame graphs: no external script or font; every frame
 * carries a <title> (hover shows "name (N samples, P%)" in the browser and in the
 * details line), and an inline script offers Search (a regex; matches turn magenta and
 * the matched share is shown) and Reset.
 *   st_flame_svg: from folded stacks (merged by name, frames sorted: a flame graph)
 *   st_flame_svg_rects: from laid-out frames (x in any unit: a flame chart, time on x) */
#ifndef ST_AGGREGATE_FLAME_H
#define ST_AGGREGATE_FLAME_H
#include <stdio.h>
#include "aggregate/agg.h"

struct st_flame_opts {
	const char *title;     /* NULL = "Flame Graph" */
	const char *unit;      /* what values count: NULL = "samples" */
	int width;             /* pixels, 0 = 1200 */
};

struct st_flame_rect {
	double x, w;           /* in value units: [x, x + w) */
	int depth;             /* 0 = the bottom row */
	const char *name;
};

/* Returns 0, -1 on a write or memory error. */
int st_flame_svg(FILE *f, const struct st_folded *v, int n, const struct st_flame_opts *o);
int st_flame_svg_rects(FILE *f, const struct st_flame_rect *r, int n, double total,
		       const struct st_flame_opts *o);

#endif
