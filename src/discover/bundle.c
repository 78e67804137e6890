/* Bundle files: writing, strict reading, and picking the entry for a kernel. */
#include "discover/bundle.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "compile/compile.h"
#include "compile/kdef.h"
#include "util/sha256.h"
#include "types/types.h"

static void hex_digest(const void *data, size_t n, char hex[65])
{
	uint8_t d[32];

	st_sha256(data, n, d);
	st_sha256_hex(d, hex);
}

#define MAGIC "surftrace-bundle 1\n"
#define MAX_BUNDLE (16u << 20)
#define MAX_PROBES 256
#define MAX_ARGS 128

struct st_bundle *st_bundle_new(void)
{
	return calloc(1, sizeof(struct st_bundle));
}

static void entry_free(struct st_bundle_entry *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (e->exprs)
			free(e->exprs[i]);
		if (e->probes)
			st_probe_free(e->probes[i]);
	}
	free(e->exprs);
	free(e->probes);
	free(e->release);
	free(e->arch);
	free(e->identity);
}

void st_bundle_free(struct st_bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		entry_free(&b->v[i]);
	free(b->v);
	free(b);
}

int st_bundle_add(struct st_bundle *b, const char *release, const char *arch,
		  const char *identity, char *const *exprs, struct st_probe **probes, size_t n,
		  struct st_err *err)
{
	struct st_bundle_entry *v = realloc(b->v, (b->n + 1) * sizeof(*v)), *e;
	size_t i;

	if (!v)
		return st_err_set(err, 0, "out of memory");
	b->v = v;
	e = &b->v[b->n];
	memset(e, 0, sizeof(*e));
	e->release = strdup(release);
	e->arch = strdup(arch);
	e->identity = strdup(identity);
	e->exprs = calloc(n ? n : 1, sizeof(*e->exprs));
	e->probes = probes;
	e->n = n;
	b->n++;
	if (!e->release || !e->arch || !e->identity || !e->exprs)
		return st_err_set(err, 0, "out of memory");
	for (i = 0; i < n; i++)
		if (!(e->exprs[i] = strdup(exprs[i])))
			return st_err_set(err, 0, "out of memory");
	return 0;
}

/* ------------------------------------------------------------------ writing */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static void write_entry(FILE *f, const struct st_bundle_entry *e)
{
	size_t i, j;

	fprintf(f, "kernel %s %s %s %zu\n", e->release, e->arch, e->identity, e->n);
	for (i = 0; i < e->n; i++) {
		const struct st_probe *p = e->probes[i];

		fprintf(f, "expr %s\n", e->exprs[i]);
		fprintf(f, "probe %d %c %s %s %s %s %s %llu %zu\n", p->index, p->type,
			or_dash(p->event), or_dash(p->group), or_dash(p->func), or_dash(p->target),
			or_dash(p->binary), p->uoffset, p->nargs);
		for (j = 0; j < p->nargs; j++)
			fprintf(f, "arg %s %s %s %d\n", p->args[j].name, p->args[j].fetch,
				or_dash(p->args[j].ktype), (int)p->args[j].conv);
		if (p->filter)
			fprintf(f, "filter %s\n", p->filter);
	}
	fprintf(f, "end\n");
}

int st_bundle_save(const struct st_bundle *b, const char *path, struct st_err *err)
{
	char *text = NULL, hex[65], *tmp = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);
	int rc = -1;

	if (!f)
		return st_err_set(err, 0, "out of memory");
	fputs(MAGIC, f);
	for (i = 0; i < b->n; i++)
		write_entry(f, &b->v[i]);
	if (fclose(f) || !text)
		return st_err_set(err, 0, "out of memory");
	hex_digest(text, len, hex);
	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		tmp = NULL;
		st_err_set(err, 0, "out of memory");
		goto out;
	}
	f = fopen(tmp, "w");
	if (!f) {
		st_err_set(err, 0, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	fwrite(text, 1, len, f);
	fprintf(f, "sha256 %s\n", hex);
	if (fclose(f)) {
		st_err_set(err, 0, "cannot write '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path)) {
		st_err_set(err, 0, "cannot create '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ reading */

struct reader {
	char *text;           /* copy, split into lines in place */
	char *pos;
	int lineno;
	struct st_err *err;
};

/* Next line (without '\n'), NULL at the end. */
static char *next_line(struct reader *r)
{
	char *l = r->pos, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = '\0';
		r->pos = nl + 1;
	} else {
		r->pos = NULL;
	}
	r->lineno++;
	return l;
}

static int bad(struct reader *r, const char *what)
{
	return st_err_set(r->err, 0, "damaged bundle: line %d: %s", r->lineno, what);
}

/* Split "tag f1 f2 ..." on single spaces into exactly n fields after the tag. Fields
 * may not be empty (a double space is damage). */
static int fields(struct reader *r, char *line, const char *tag, char **out, int n)
{
	size_t tl = strlen(tag);
	char *p;
	int i;

	if (strncmp(line, tag, tl) || line[tl] != ' ')
		return bad(r, tag);
	p = line + tl + 1;
	for (i = 0; i < n; i++) {
		char *sp = strchr(p, ' ');

		if (!*p || sp == p)
			return bad(r, "empty field");
		out[i] = p;
		if (i < n - 1) {
			if (!sp)
				return bad(r, "too few fields");
			*sp = '\0';
			p = sp + 1;
		} else if (sp) {
			return bad(r, "too many fields");
		}
	}
	return 0;
}

/* Strict unsigned decimal. */
static int num(struct reader *r, const char *s, unsigned long long max,
	       unsigned long long *out)
{
	char *e;

	if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]))
		return bad(r, "bad number");
	errno = 0;
	*out = strtoull(s, &e, 10);
	if (*e || errno || *out > max)
		return bad(r, "number out of range");
	return 0;
}

/* Token fields of the key line: printable, no blanks (already split), limited length. */
static int word(struct reader *r, const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 255)
		return bad(r, "bad field length");
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return bad(r, "bad character");
	return 0;
}

static char *dup_field(const char *s)
{
	return strcmp(s, "-") ? strdup(s) : NULL;
}

static int read_probe(struct reader *r, char *line, struct st_probe **out)
{
	char *f[9], *a[4], *l;
	unsigned long long idx, uoff, nargs, conv;
	struct st_probe *p;
	size_t i;

	if (fields(r, line, "probe", f, 9) || num(r, f[0], 999, &idx) ||
	    num(r, f[7], ~0ULL, &uoff) || num(r, f[8], MAX_ARGS, &nargs))
		return -1;
	if (strlen(f[1]) != 1 || !strchr("prePR", f[1][0]))
		return bad(r, "bad probe type");
	for (i = 2; i < 7; i++)
		if (word(r, f[i]))
			return -1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return bad(r, "out of memory");
	*out = p;
	p->type = f[1][0];
	p->index = (int)idx;
	p->uoffset = uoff;
	p->event = dup_field(f[2]);
	p->group = dup_field(f[3]);
	p->func = dup_field(f[4]);
	p->target = dup_field(f[5]);
	p->binary = dup_field(f[6]);
	if (!p->event || (p->type == 'e' ? !p->group : !p->target))
		return bad(r, "probe lacks its event or target");
	p->args = calloc(nargs ? nargs : 1, sizeof(*p->args));
	if (!p->args)
		return bad(r, "out of memory");
	for (i = 0; i < nargs; i++) {
		l = next_line(r);
		if (!l || fields(r, l, "arg", a, 4) || word(r, a[0]) || word(r, a[1]) ||
		    word(r, a[2]) || num(r, a[3], ST_CONV_BX64, &conv))
			return l ? -1 : bad(r, "missing arg line");
		p->args[i].name = strdup(a[0]);
		p->args[i].fetch = strdup(a[1]);
		p->args[i].ktype = dup_field(a[2]);
		p->args[i].conv = (enum st_conv)conv;
		p->nargs++;
		if (!p->args[i].name || !p->args[i].fetch)
			return bad(r, "out of memory");
	}
	/* optional filter line */
	if (r->pos && !strncmp(r->pos, "filter ", 7)) {
		l = next_line(r);
		p->filter = strdup(l + 7);
		if (!p->filter)
			return bad(r, "out of memory");
	}
	return 0;
}

static int read_entry(struct reader *r, char *line, struct st_bundle *b)
{
	char *k[4], *l;
	unsigned long long n;
	struct st_probe **probes;
	char **exprs;
	size_t i;
	int rc = -1;

	if (fields(r, line, "kernel", k, 4) || word(r, k[0]) || word(r, k[1]) || word(r, k[2]) ||
	    num(r, k[3], MAX_PROBES, &n))
		return -1;
	probes = calloc(n ? n : 1, sizeof(*probes));
	exprs = calloc(n ? n : 1, sizeof(*exprs));
	if (!probes || !exprs) {
		free(probes);
		free(exprs);
		return bad(r, "out of memory");
	}
	for (i = 0; i < n; i++) {
		struct st_err verr = { 0 };

		l = next_line(r);
		if (!l || strncmp(l, "expr ", 5)) {
			bad(r, "expected an expr line");
			goto out;
		}
		exprs[i] = l + 5;
		for (char *c = exprs[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				bad(r, "control character in expression");
				goto out;
			}
		l = next_line(r);
		if (!l) {
			bad(r, "expected a probe line");
			goto out;
		}
		if (read_probe(r, l, &probes[i]))
			goto out;
		if (probes[i]->index != (int)i) {
			bad(r, "probe index out of order");
			goto out;
		}
		/* The group a run will use is surftrace_<pid>: validate with a stand-in of
		 * the same shape. */
		if (st_kdef_check_probe(probes[i], "surftrace_1", &verr)) {
			st_err_set(r->err, 0, "refusing bundle: line %d: %s", r->lineno, verr.msg);
			goto out;
		}
	}
	l = next_line(r);
	if (!l || strcmp(l, "end")) {
		bad(r, "expected 'end'");
		goto out;
	}
	rc = st_bundle_add(b, k[0], k[1], k[2], exprs, probes, n, r->err);
	probes = NULL;
out:
	if (probes) {
		for (i = 0; i < n; i++)
			st_probe_free(probes[i]);
		free(probes);
	}
	free(exprs);
	return rc;
}

struct st_bundle *st_bundle_parse(const char *text, size_t len, struct st_err *err)
{
	struct reader r = { .err = err };
	const char *last;
	char hex[65], *l;
	struct st_bundle *b;
	size_t body;

	/* The digest line is the last line: "sha256 <64 hex>\n". */
	if (len < sizeof(MAGIC) || len > MAX_BUNDLE || text[len - 1] != '\n' ||
	    memchr(text, '\0', len)) {
		st_err_set(err, 0, "not a surftrace bundle (or truncated)");
		return NULL;
	}
	if (memcmp(text, MAGIC, strlen(MAGIC))) {
		st_err_set(err, 0, "not a surftrace bundle (bad header)");
		return NULL;
	}
	last = text + len - 1;
	while (last > text && last[-1] != '\n')
		last--;
	body = (size_t)(last - text);
	if (len - body != 7 + 64 + 1 || strncmp(last, "sha256 ", 7)) {
		st_err_set(err, 0, "damaged bundle: no checksum line at the end");
		return NULL;
	}
	hex_digest(text, body, hex);
	if (memcmp(hex, last + 7, 64)) {
		st_err_set(err, 0, "damaged bundle: checksum mismatch (file changed or truncated)");
		return NULL;
	}
	r.text = strndup(text + strlen(MAGIC), body - strlen(MAGIC));
	b = st_bundle_new();
	if (!r.text || !b) {
		free(r.text);
		free(b);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	r.pos = r.text;
	r.lineno = 1;
	while ((l = next_line(&r))) {
		if (read_entry(&r, l, b)) {
			st_bundle_free(b);
			free(r.text);
			return NULL;
		}
	}
	free(r.text);
	if (!b->n) {
		st_bundle_free(b);
		st_err_set(err, 0, "bundle holds no kernel");
		return NULL;
	}
	return b;
}

struct st_bundle *st_bundle_load(const char *path, struct st_err *err)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	struct st_bundle *b;

	if (!f) {
		st_err_set(err, 0, "cannot open bundle '%s': %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_BUNDLE + 1);
	if (!buf) {
		fclose(f);
		st_err_set(err, 0, "out of memory");
		return NULL;
	}
	while ((n = fread(buf + len, 1, MAX_BUNDLE + 1 - len, f)) > 0 && len <= MAX_BUNDLE)
		len += n;
	fclose(f);
	b = st_bundle_parse(buf, len, err);
	free(buf);
	return b;
}

/* ------------------------------------------------------------------ selecting */

int st_kernel_id_running(struct st_kernel_id *k, struct st_err *err)
{
	const struct st_arch *a;
	struct st_types *t;
	struct utsname u;

	memset(k, 0, sizeof(*k));
	if (uname(&u))
		return st_err_set(err, 0, "uname: %s", strerror(errno));
	snprintf(k->release, sizeof(k->release), "%s", u.release);
	a = st_arch_find(u.machine);
	snprintf(k->arch, sizeof(k->arch), "%s", a ? st_arch_name(a) : u.machine);
	t = st_types_open(NULL, NULL);
	if (t) {
		snprintf(k->identity, sizeof(k->identity), "%s", st_types_identity(t));
		st_types_free(t);
	}
	return 0;
}

const struct st_bundle_entry *st_bundle_select(const struct st_bundle *b,
					       const struct st_kernel_id *k, struct st_err *err)
{
	char have[400] = "";
	size_t i, used = 0;
	bool same_release = false;

	for (i = 0; i < b->n; i++) {
		const struct st_bundle_entry *e = &b->v[i];

		if (strcmp(e->arch, k->arch))
			continue;
		if (k->identity[0] && !strcmp(e->identity, k->identity))
			return e;
		if (!strcmp(e->release, k->release)) {
			if (!k->identity[0])
				return e;   /* no BTF here: the release is all we can match */
			same_release = true;
		}
	}
	for (i = 0; i < b->n && used < sizeof(have) - 1; i++) {
		int w = snprintf(have + used, sizeof(have) - used, "%s%s %s (BTF %s)",
				 i ? ", " : "", b->v[i].release, b->v[i].arch, b->v[i].identity);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	st_err_set(err, 0, "the bundle has no entry for this kernel (%s %s, BTF %s)%s; it has: %s",
		   k->release, k->arch, k->identity[0] ? k->identity : "none",
		   same_release ? " -- same release but different BTF, refusing" : "", have);
	return NULL;
}
