// SPDX-License-Identifier: MIT
/* Bundle pieces that need no kernel: SHA-256 against the FIPS 180-4 example digests, the
 * strict definition/fetch/type/filter validator (what surftrace produces passes, injection
 * attempts fail), and a bundle written then read back field by field, with damage caught. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "compile/compile.h"
#include "discover/bundle.h"
#include "compile/kdef.h"
#include "types/usym.h"
#include "util/sha256.h"
#include <limits.h>

static void hexof(const void *data, size_t n, char hex[65])
{
	uint8_t d[32];

	st_sha256(data, n, d);
	st_sha256_hex(d, hex);
}

static void test_sha256_vectors(void **state)
{
	char hex[65], *million;

	(void)state;
	hexof("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hexof("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hexof("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	hexof(million, 1000000, hex);
	free(million);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void count_tick(void *ctx, unsigned long long done)
{
	*(unsigned long long *)ctx = done;
}

/* st_sha256_fd (libcrypto in this build) against the portable one-shot digest and the
 * FIPS one-million-'a' vector, on a file over two read chunks long. */
static void test_sha256_fd(void **state)
{
	char path[] = "/tmp/st_sha256_fd.XXXXXX", hex[65], want[65];
	size_t n = (2 << 20) + 1000037, i;
	unsigned char *data = malloc(n);
	unsigned long long size = 0, last = 0;
	uint8_t d[32];
	int fd = mkstemp(path);

	(void)state;
	assert_non_null(data);
	assert_true(fd >= 0);
	unlink(path);
	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	hexof(data, n, want);
	assert_int_equal(st_sha256_fd(fd, d, &size, count_tick, &last), 0);
	st_sha256_hex(d, hex);
	assert_string_equal(hex, want);
	assert_int_equal(size, n);
	assert_int_equal(last, n);
	assert_int_equal(ftruncate(fd, 0), 0);
	memset(data, 'a', 1000000);
	assert_int_equal(pwrite(fd, data, 1000000, 0), 1000000);
	assert_int_equal(st_sha256_fd(fd, d, NULL, NULL, NULL), 0);
	st_sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	close(fd);
	free(data);
	assert_int_equal(st_sha256_fd(-1, d, NULL, NULL, NULL), -1);
}

static void test_definitions(void **state)
{
	static const char *const good[] = {
		"p:surftrace_1/p0 wake_up_new_task comm=+0xae0(%di):string",
		"p:surftrace_1/p0 do_filp_open+121 pos=+0x70(%ax):x64",
		"r:surftrace_1/r1 do_filp_open pos=+0x70($retval):s64",
		"p:surftrace_1/p0 tcp_v4_rcv.isra.0 a=%di:u64 b=$stack3 c=$comm",
		"p:surftrace_1/p0 foo x=+0(+0x0(%si)):string y=@jiffies+8:u64 z=-8(%sp):b3@5/32",
		"p:surftrace_1/p3 /usr/bin/bash:0xc6c20 line=+0($retval):string",
		"p:surftrace_1/p0 /usr/lib/x86_64-linux-gnu/libc.so.6:0x98c30 mac=+0(%di):u8[6]",
		"p:surftrace_1/p0 f",
		"p:surftrace_1/p0 /tmp/a:b/prog:0x10 g=@+0x4010:u32",
		"p:surftrace_1/p0 /tmp/o'$(x);\"`%s`~!&|<>=,/t:0x10",
	};
	static const char *const bad[] = {
		"p:surftrace_1/p0 /tmp/q:0x10\np:evil/x /tmp/t:0x10",
		"p:surftrace_1/p0 /tmp/q:0x10 #/t:0x10",
		"p:surftrace_1/p0 /tmp/a\\b/t:0x10",
		"p:surftrace_1/p0 /tmp/a\240b/t:0x10",
		"p:surftrace_1/p0 /tmp/a\tb/t:0x10",
		"p:surftrace_1/p0 f g=@+x:u32",
		"p:surftrace_1/p0 f x=%di\n-:kprobes/other",
		"p:surftrace_1/p0 f x=%di -:kprobes/other",
		"-:surftrace_1/p0",
		"p:other_group/p0 f",
		"p:surftrace_1/p0 f x=%di:string;echo",
		"p:surftrace_1/p0 f x=+0(%di",
		"p:surftrace_1/p0 /tmp/../etc/passwd:0x10",
		"p:surftrace_1/p0 relative/path:0x10",
		"p:surftrace_1/p0 f x=%di:u8[9999]",
		"p:surftrace_1/p0 f x=%di:b40@0/32",
		"p:surftrace_1/p0 f  x=%di",
		"p:surftrace_1/p0 f x=%di ",
		"p:surftrace_1/p0 f x=\\\"str\"",
		"p:surftrace_1/../p0 f",
		"p:surftrace_1/p0 f x=$foo",
	};
	struct st_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (st_kdef_check_definition(good[i], "surftrace_1", &err))
			fail_msg("refused '%s': %s", good[i], err.msg);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!st_kdef_check_definition(bad[i], "surftrace_1", &err))
			fail_msg("accepted '%s'", bad[i]);
}

/* Every definition is built through the checks: a probe whose resolved binary path could
 * split the line, comment out its rest or be misread by a shell is never turned into text,
 * and the error names the path escaped, on one line. */
static void test_hostile_binary_paths(void **state)
{
	static const char *const hostile[] = {
		"/tmp/q:0x1129\np:evil/x /tmp/t:0x1129 #/t", "/tmp/a b/t", "/tmp/a\tb/t",
		"/tmp/a#b/t", "/tmp/a\\b/t", "/tmp/a\rb", "/tmp/a\x01" "b", "/tmp/a\x7f" "b",
		"/tmp/a\xff" "b", "/tmp/a\xa0" "b", "/tmp/caf\xc3\xa9", "relative/t", "/tmp/../etc/t", "",
	};
	struct st_probe p = { .type = 'P', .event = "p0", .uoffset = 0x10 };
	struct st_err err;
	char target[128], *def;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		snprintf(target, sizeof(target), "%s:0x10", hostile[i]);
		p.binary = (char *)hostile[i];
		p.target = target;
		memset(&err, 0, sizeof(err));
		if (!st_kdef_check_path(hostile[i], &err))
			fail_msg("path check accepted '%s'", hostile[i]);
		def = st_probe_definition(&p, "surftrace_1", &err);
		if (def)
			fail_msg("built '%s'", def);
		if (strchr(err.msg, '\n') || !strstr(err.msg, "binary path"))
			fail_msg("error for '%s' is not one line naming the path: %s", hostile[i],
				 err.msg);
	}
	p.binary = "/tmp/a:b/o'$;\"`~=,/t";
	p.target = "/tmp/a:b/o'$;\"`~=,/t:0x10";
	def = st_probe_definition(&p, "surftrace_1", &err);
	assert_non_null(def);
	assert_string_equal(def, "p:surftrace_1/p0 /tmp/a:b/o'$;\"`~=,/t:0x10");
	free(def);
}

static void test_filters(void **state)
{
	struct st_err err;

	(void)state;
	assert_int_equal(st_kdef_check_filter("comm==\"bash\"", &err), 0);
	assert_int_equal(st_kdef_check_filter("proto==1&&ip_src==16777343", &err), 0);
	assert_int_equal(st_kdef_check_filter("(a >= -100) || !(b & 0x10)", &err), 0);
	assert_int_equal(st_kdef_check_filter("filename~\"*/up\"", &err), 0);
	assert_int_equal(st_kdef_check_filter("comm==\"a\nb\"", &err), -1);
	assert_int_equal(st_kdef_check_filter("a==1;b", &err), -1);
	assert_int_equal(st_kdef_check_filter("a==\"x", &err), -1);
	assert_int_equal(st_kdef_check_filter("a==`id`", &err), -1);
}

static struct st_probe *mk_probe(int idx)
{
	struct st_probe *p = calloc(1, sizeof(*p));

	p->type = 'p';
	p->index = idx;
	p->event = strdup(idx ? "p1" : "p0");
	p->target = strdup("wake_up_new_task");
	p->func = strdup("wake_up_new_task");
	p->args = calloc(2, sizeof(*p->args));
	p->args[0] = (struct st_probe_arg){ strdup("comm"), strdup("+0xae0(%di)"),
					    strdup("string"), ST_CONV_NONE };
	p->args[1] = (struct st_probe_arg){ strdup("ip_src"), strdup("+0xc(%si)"), strdup("u32"),
					    ST_CONV_IP };
	p->nargs = 2;
	p->filter = strdup("comm==\"bash\" && ip_src==16777343");
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

static void test_roundtrip_and_damage(void **state)
{
	char path[] = "/tmp/st_bundle_test.XXXXXX", *text;
	char *exprs[2] = { "p wake_up_new_task comm=%0->comm", "p x" };
	struct st_probe **probes = calloc(2, sizeof(*probes));
	struct st_bundle *b = st_bundle_new(), *r;
	struct st_err err = { 0 };
	struct st_kernel_id k = { "6.1.0-56-cloud-amd64", "x86_64", "003eddba-aaaa" };
	size_t len;
	int fd;

	(void)state;
	probes[0] = mk_probe(0);
	probes[1] = mk_probe(1);
	assert_int_equal(st_bundle_add(b, "6.1.0-56-cloud-amd64", "x86_64", "003eddba-aaaa", exprs,
				       probes, 2, NULL, &err), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(st_bundle_save(b, path, &err), 0);
	r = st_bundle_load(path, &err);
	if (!r)
		fail_msg("load: %s", err.msg);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->v[0].release, "6.1.0-56-cloud-amd64");
	assert_string_equal(r->v[0].exprs[0], exprs[0]);
	assert_int_equal(r->v[0].n, 2);
	assert_string_equal(r->v[0].probes[1]->args[1].fetch, "+0xc(%si)");
	assert_int_equal(r->v[0].probes[1]->args[1].conv, ST_CONV_IP);
	assert_string_equal(r->v[0].probes[0]->filter, probes[0]->filter);
	/* selection: by identity, and the refusal names what the bundle has */
	assert_ptr_equal(st_bundle_select(r, &k, &err), &r->v[0]);
	strcpy(k.identity, "0054297e-bbbb");
	strcpy(k.release, "6.18.44");
	assert_null(st_bundle_select(r, &k, &err));
	assert_non_null(strstr(err.msg, "6.1.0-56-cloud-amd64"));
	k.identity[0] = '\0';              /* a kernel without BTF: release decides */
	strcpy(k.release, "6.1.0-56-cloud-amd64");
	assert_ptr_equal(st_bundle_select(r, &k, &err), &r->v[0]);
	st_bundle_free(r);

	text = slurp(path, &len);
	/* one flipped character anywhere: refused by the digest */
	text[len / 2] ^= 1;
	assert_null(st_bundle_parse(text, len, &err));
	assert_non_null(strstr(err.msg, "checksum"));
	text[len / 2] ^= 1;
	assert_non_null(r = st_bundle_parse(text, len, &err));
	st_bundle_free(r);
	/* truncated */
	assert_null(st_bundle_parse(text, len - 10, &err));
	free(text);
	unlink(path);
	st_bundle_free(b);
}

/* A uprobe records its binary's build: the identity (build id of this test program, as
 * readelf -n prints it) and the offset from its symbol survive a save and load; the check
 * passes on the same binary and refuses another build, naming the binary and both ids. */
static void test_uprobe_identity(void **state)
{
	char path[] = "/tmp/st_bundle_up.XXXXXX", exe[PATH_MAX], line[PATH_MAX + 64], want[128] = "";
	char *exprs[1] = { "P self:main" };
	struct st_probe **probes = calloc(1, sizeof(*probes)), *p;
	struct st_bundle *b = st_bundle_new(), *r;
	struct st_err err = { 0 };
	unsigned long long base;
	FILE *ro;
	int fd;

	(void)state;
	assert_non_null(realpath("/proc/self/exe", exe));
	snprintf(line, sizeof(line), "readelf -n '%s' | awk '/Build ID:/ { print $3 }'", exe);
	ro = popen(line, "r");
	assert_non_null(ro);
	assert_non_null(fgets(want + 9, sizeof(want) - 9, ro));
	pclose(ro);
	memcpy(want, "build-id:", 9);
	want[strcspn(want, "\n")] = 0;
	assert_int_equal(st_usym_offset(exe, "main", 0, 0, &base, &err), 0);
	p = probes[0] = calloc(1, sizeof(*p));
	p->type = 'P';
	p->event = strdup("p0");
	p->func = strdup("main");
	p->binary = strdup(exe);
	p->uoffset = base;
	assert_true(asprintf(&p->target, "%s:0x%llx", exe, base) > 0);
	p->args = calloc(1, sizeof(*p->args));
	assert_int_equal(st_bundle_add(b, "6.18", "x86_64", "id", exprs, probes, 1, NULL, &err), 0);
	assert_string_equal(b->v[0].ubin[0].identity, want);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(st_bundle_save(b, path, &err), 0);
	r = st_bundle_load(path, &err);
	if (!r)
		fail_msg("load: %s", err.msg);
	assert_string_equal(r->v[0].ubin[0].identity, want);
	assert_int_equal(r->v[0].ubin[0].symoff, 0);
	assert_int_equal(st_bundle_check_binaries(&r->v[0], &err), 0);
	/* another build of the same path */
	free(r->v[0].ubin[0].identity);
	r->v[0].ubin[0].identity = strdup("build-id:00112233");
	assert_int_equal(st_bundle_check_binaries(&r->v[0], &err), -1);
	if (!strstr(err.msg, exe) || !strstr(err.msg, "build-id:00112233") || !strstr(err.msg, want))
		fail_msg("error does not name the binary and both ids: %s", err.msg);
	st_bundle_free(r);
	unlink(path);
	st_bundle_free(b);
}

/* A format-1 file of one kernel with one expression whose probe lines are body, correctly
 * summed, parsed. */
static struct st_bundle *parse_summed(const char *body, struct st_err *err)
{
	char *text = NULL, hex[65];
	struct st_bundle *b;
	int n;

	n = asprintf(&text, "surftrace-bundle 1\nkernel 6.1 x86_64 id 1\nexpr p f\n%send\n", body);
	assert_true(n > 0);
	hexof(text, (size_t)n, hex);
	text = realloc(text, (size_t)n + 80);
	n += sprintf(text + n, "sha256 %s\n", hex);
	b = st_bundle_parse(text, (size_t)n, err);
	free(text);
	return b;
}

/* Format 1 (no identities) still loads kernel probes and refuses uprobes by saying so. */
static void test_format1(void **state)
{
	static const char *const bodies[] = {
		"probe 0 p p0 - f f - 0 0\n",
		"probe 0 P p0 - f /bin/true:0x10 /bin/true 16 0\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct st_err err = { 0 };
		struct st_bundle *b = parse_summed(bodies[i], &err);

		if (i == 0 && !b)
			fail_msg("format 1 kernel bundle refused: %s", err.msg);
		if (i == 1 && (b || !strstr(err.msg, "format 1") || !strstr(err.msg, "/bin/true")))
			fail_msg("format 1 uprobe bundle not refused clearly: %s", err.msg);
		st_bundle_free(b);
	}
}

/* A well-formed, correctly summed file whose probe is hostile: the validator refuses. */
static void test_hostile_but_summed(void **state)
{
	static const char *const bodies[] = {
		"probe 0 p p0 - f f - 0 1\narg x %di:string;id u32 0\n",
		"probe 0 p p0 - f f - 0 1\narg x +0(%di string 0\n",
		"probe 0 P p0 - f /tmp/../etc/shadow:0x10 /tmp/../etc/shadow 16 0\n",
		"probe 0 p p0/../x - f f - 0 0\n",
		"probe 0 e x sched/../.. - - - 0 0\n",
		"probe 0 p p0 - f f - 0 0\nfilter a==1;b\n",
		"probe 0 p p0 - f f - 0 1\narg x %di string 9\n",
		"probe 0 p p0 - f f - 0 2\narg x %di string 0\n",
		/* last: the benign control, which must be accepted (same wrapper) */
		"probe 0 p p0 - f f - 0 1\narg x %di u32 0\nfilter x==1\n",
	};
	size_t i, nb = sizeof(bodies) / sizeof(bodies[0]);

	(void)state;
	for (i = 0; i < nb; i++) {
		struct st_err err = { 0 };
		struct st_bundle *b = parse_summed(bodies[i], &err);

		if (i < nb - 1 && b)
			fail_msg("accepted hostile bundle %zu", i);
		if (i == nb - 1 && !b)
			fail_msg("refused the benign control: %s", err.msg);
		st_bundle_free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_fd),
		cmocka_unit_test(test_definitions),
		cmocka_unit_test(test_hostile_binary_paths),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_roundtrip_and_damage),
		cmocka_unit_test(test_hostile_but_summed),
		cmocka_unit_test(test_uprobe_identity),
		cmocka_unit_test(test_format1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
