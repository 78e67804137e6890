// SPDX-License-Identifier: MIT
/* SVG flame graphs and flame charts. Folded lines become rectangles the way flamegraph.pl
 * lays them out: lines sorted frame by frame, a frame stays open while consecutive lines
 * share it, its width is the sum of their counts. */
#include <stdlib.h>
#include <string.h>
#include "aggregate/flame.h"

#define ROW 16          /* pixels per frame row */
#define TOP 40          /* title and the Search button */
#define BOTTOM 28       /* the details line */
#define SIDE 10

struct stack {
	char **f;
	int n;
	unsigned long long cnt;
};

static int split(const char *line, struct stack *s)
{
	const char *p = line;
	int cap = 8;

	s->n = 0;
	s->f = malloc((size_t)cap * sizeof(*s->f));
	while (s->f && *p) {
		size_t len = strcspn(p, ";");

		if (s->n == cap) {
			char **nf = realloc(s->f, (size_t)(cap *= 2) * sizeof(*nf));

			if (!nf)
				return -1;
			s->f = nf;
		}
		if (!(s->f[s->n++] = strndup(p, len)))
			return -1;
		p += len;
		if (*p == ';')
			p++;
	}
	return s->f ? 0 : -1;
}

static int cmp_stack(const void *pa, const void *pb)
{
	const struct stack *a = pa, *b = pb;
	int i, c;

	for (i = 0; i < a->n && i < b->n; i++)
		if ((c = strcmp(a->f[i], b->f[i])))
			return c;
	return a->n - b->n;
}

static void free_stacks(struct stack *s, int n)
{
	int i, j;

	for (i = 0; s && i < n; i++) {
		for (j = 0; j < s[i].n; j++)
			free(s[i].f[j]);
		free(s[i].f);
	}
	free(s);
}

struct rects {
	struct st_flame_rect *v;
	int n, cap;
};

static int push(struct rects *r, double x, double w, int depth, const char *name)
{
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 64;
		struct st_flame_rect *nv = realloc(r->v, (size_t)cap * sizeof(*nv));

		if (!nv)
			return -1;
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->n++] = (struct st_flame_rect){ x, w, depth, name };
	return 0;
}

int st_flame_svg(FILE *f, const struct st_folded *v, int n, const struct st_flame_opts *o)
{
	struct stack *s = calloc((size_t)(n ? n : 1), sizeof(*s));
	struct rects r = { 0 };
	double *open_x = NULL;
	int i, d, maxd = 0, rc = -1;
	double x = 0;

	if (!s)
		return -1;
	for (i = 0; i < n; i++) {
		if (split(v[i].line, &s[i]))
			goto out;
		s[i].cnt = v[i].n;
		if (s[i].n > maxd)
			maxd = s[i].n;
	}
	qsort(s, (size_t)n, sizeof(*s), cmp_stack);
	open_x = calloc((size_t)maxd + 1, sizeof(*open_x));
	if (!open_x)
		goto out;
	/* A root frame spanning everything, like flamegraph.pl's "all". */
	for (i = 0; i <= n; i++) {
		int common = 0;
		const struct stack *prev = i ? &s[i - 1] : NULL, *cur = i < n ? &s[i] : NULL;

		while (prev && cur && common < prev->n && common < cur->n &&
		       !strcmp(prev->f[common], cur->f[common]))
			common++;
		for (d = prev ? prev->n - 1 : -1; d >= common; d--)
			if (push(&r, open_x[d], x - open_x[d], d + 1, prev->f[d]))
				goto out;
		for (d = common; cur && d < cur->n; d++)
			open_x[d] = x;
		if (cur)
			x += (double)cur->cnt;
	}
	if (push(&r, 0, x, 0, "all"))
		goto out;
	rc = st_flame_svg_rects(f, r.v, r.n, x, o);
out:
	free(r.v);
	free(open_x);
	free_stacks(s, n);
	return rc;
}

static void xml_text(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)s[i] >= 0x20)
				fputc(s[i], f);
		}
	}
}

/* A warm colour per name, stable across runs (flamegraph.pl's "hot" palette). */
static void colour(const char *name, int *r, int *g, int *b)
{
	unsigned int h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	*r = 205 + (int)(h % 50);
	*g = (int)((h >> 8) % 230);
	*b = (int)((h >> 16) % 55);
}

static const char script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"var details, matched, frames;\n"
"function init(evt) {\n"
"  details = document.getElementById('details').firstChild;\n"
"  matched = document.getElementById('matched').firstChild;\n"
"  frames = document.getElementsByClassName('f');\n"
"}\n"
"function t(g) { return g.getElementsByTagName('title')[0].textContent; }\n"
"function s(g) { details.nodeValue = t(g); }\n"
"function c() { details.nodeValue = ' '; }\n"
"function reset() {\n"
"  for (var i = 0; i < frames.length; i++) {\n"
"    var r = frames[i].getElementsByTagName('rect')[0];\n"
"    if (r.getAttribute('data-fill')) r.setAttribute('fill', r.getAttribute('data-fill'));\n"
"  }\n"
"  matched.nodeValue = ' ';\n"
"}\n"
"function search(re) {\n"
"  reset();\n"
"  var spans = [], total = 0;\n"
"  for (var i = 0; i < frames.length; i++) {\n"
"    var g = frames[i], r = g.getElementsByTagName('rect')[0];\n"
"    if (!re.test(g.getAttribute('data-name'))) continue;\n"
"    r.setAttribute('data-fill', r.getAttribute('fill'));\n"
"    r.setAttribute('fill', 'rgb(230,0,230)');\n"
"    spans.push([+r.getAttribute('x'), +r.getAttribute('x') + +r.getAttribute('width')]);\n"
"  }\n"
"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
"  var end = -1, all = +document.getElementById('span').getAttribute('width');\n"
"  for (var j = 0; j < spans.length; j++) {\n"
"    if (spans[j][0] >= end) { total += spans[j][1] - spans[j][0]; end = spans[j][1]; }\n"
"    else if (spans[j][1] > end) { total += spans[j][1] - end; end = spans[j][1]; }\n"
"  }\n"
"  matched.nodeValue = spans.length ? 'Matched: ' + (100 * total / all).toFixed(1) + '%' : 'no match';\n"
"}\n"
"function search_prompt() {\n"
"  var term = prompt('Search for (regular expression):', '');\n"
"  if (term) search(new RegExp(term)); else reset();\n"
"}\n"
"]]></script>\n";

int st_flame_svg_rects(FILE *f, const struct st_flame_rect *r, int n, double total,
		       const struct st_flame_opts *o)
{
	int width = o && o->width > 0 ? o->width : 1200, i, maxd = 0, height, red, grn, blu;
	const char *unit = o && o->unit ? o->unit : "samples";
	double scale;

	for (i = 0; i < n; i++)
		if (r[i].depth > maxd)
			maxd = r[i].depth;
	height = TOP + (maxd + 1) * ROW + BOTTOM;
	scale = total > 0 ? (double)(width - 2 * SIDE) / total : 0;
	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"onload=\"init(evt)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<style>text { font-family: Verdana, sans-serif; font-size: 12px; fill: #000; }"
		" .f:hover rect { stroke: #000; stroke-width: 0.5; cursor: pointer; }"
		" #search { cursor: pointer; }</style>\n",
		width, height, width, height);
	fputs(script, f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f4f1e8\"/>\n",
		width, height);
	fprintf(f, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" style=\"font-size:17px\">",
		width / 2);
	xml_text(f, o && o->title ? o->title : "Flame Graph", 200);
	fprintf(f, "</text>\n<text id=\"search\" x=\"%d\" y=\"24\" onclick=\"search_prompt()\">"
		"Search</text>\n", width - SIDE - 90);
	fprintf(f, "<text id=\"reset\" x=\"%d\" y=\"24\" onclick=\"reset()\" "
		"style=\"cursor:pointer\">Reset</text>\n", SIDE);
	fprintf(f, "<rect id=\"span\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"0\"/>\n",
		SIDE, TOP, total * scale);
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n", SIDE, height - 10);
	fprintf(f, "<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n", width - SIDE - 150,
		height - 10);
	for (i = 0; i < n; i++) {
		double x = SIDE + r[i].x * scale, w = r[i].w * scale;
		int y = TOP + (maxd - r[i].depth) * ROW;
		size_t fit = w > 12 ? (size_t)((w - 6) / 7) : 0, len = strlen(r[i].name);

		if (w < 0.1)
			continue;
		colour(r[i].name, &red, &grn, &blu);
		if (r[i].depth == 0 && !strcmp(r[i].name, "all"))
			red = 235, grn = 160, blu = 60;
		fputs("<g class=\"f\" onmouseover=\"s(this)\" onmouseout=\"c()\" data-name=\"", f);
		xml_text(f, r[i].name, 4096);
		fputs("\"><title>", f);
		xml_text(f, r[i].name, 4096);
		fprintf(f, " (%.15g %s, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			"height=\"%d\" rx=\"2\" fill=\"rgb(%d,%d,%d)\"/>", r[i].w, unit,
			total > 0 ? 100.0 * r[i].w / total : 0.0, x, y, w, ROW - 1, red, grn, blu);
		if (fit >= 3) {
			fprintf(f, "<text x=\"%.1f\" y=\"%d\">", x + 3, y + ROW - 4);
			xml_text(f, r[i].name, len > fit ? fit - 2 : fit);
			if (len > fit)
				fputs("..", f);
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}
