// SPDX-License-Identifier: MIT
/* The output stage. Conversions are checked against the C library's own byte-order and
 * address functions; formatting of real events against values this test caused: a uprobe
 * on a function of this very binary, called with known arguments, and a fork whose child
 * pid the test knows. Live parts need root and tracefs (skipped otherwise); every probe,
 * group and instance created here is removed on every path. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <event-parse.h>
#include "output/output.h"
#include "read/read.h"

#define TRACEFS "/sys/kernel/tracing"

/* ---- conversions: fixed values vs. independent arithmetic ---- */

static void test_conv_ip(void **state)
{
	(void)state;
	const char *addrs[] = { "127.0.0.1", "10.1.2.3", "192.168.255.254", "0.0.0.0" };
	for (size_t i = 0; i < 4; i++) {
		struct in_addr a;
		assert_int_equal(inet_pton(AF_INET, addrs[i], &a), 1);
		unsigned int raw;          /* the u32 the kernel fetched from network order */
		memcpy(&raw, &a, 4);
		char buf[32], ref[INET_ADDRSTRLEN];
		assert_true(st_conv_format(ST_CONV_IP, raw, 4, buf, sizeof(buf)));
		assert_non_null(inet_ntop(AF_INET, &a, ref, sizeof(ref)));
		assert_string_equal(buf, ref);
		/* also when the fetch slot is wider (u64) */
		assert_true(st_conv_format(ST_CONV_IP, raw, 8, buf, sizeof(buf)));
		assert_string_equal(buf, ref);
	}
}

static void test_conv_swaps(void **state)
{
	(void)state;
	char buf[32], ref[32];
	unsigned short ports[] = { 80, 443, 8080, 65535, 1 };
	for (size_t i = 0; i < 5; i++) {
		unsigned short be = htons(ports[i]);
		assert_true(st_conv_format(ST_CONV_B16, be, 2, buf, sizeof(buf)));
		snprintf(ref, sizeof(ref), "%u", ports[i]);
		assert_string_equal(buf, ref);
		assert_true(st_conv_format(ST_CONV_BX16, be, 2, buf, sizeof(buf)));
		snprintf(ref, sizeof(ref), "0x%x", ports[i]);
		assert_string_equal(buf, ref);
	}
	unsigned int v32 = 0x12345678u;
	assert_true(st_conv_format(ST_CONV_B32, htonl(v32), 4, buf, sizeof(buf)));
	snprintf(ref, sizeof(ref), "%u", v32);
	assert_string_equal(buf, ref);
	assert_true(st_conv_format(ST_CONV_BX32, htonl(v32), 4, buf, sizeof(buf)));
	assert_string_equal(buf, "0x12345678");
	unsigned long long v64 = 0x0102030405060708ULL, be64;
	unsigned char bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };  /* big-endian image of v64 */
	memcpy(&be64, bytes, 8);
	assert_true(st_conv_format(ST_CONV_B64, be64, 8, buf, sizeof(buf)));
	snprintf(ref, sizeof(ref), "%llu", v64);
	assert_string_equal(buf, ref);
	assert_true(st_conv_format(ST_CONV_BX64, be64, 8, buf, sizeof(buf)));
	assert_string_equal(buf, "0x102030405060708");
}

static void test_conv_refuses(void **state)
{
	(void)state;
	char buf[32] = "untouched";
	/* narrower than the conversion, or a value that does not fit: printed raw */
	assert_false(st_conv_format(ST_CONV_IP, 1, 2, buf, sizeof(buf)));
	assert_false(st_conv_format(ST_CONV_B16, 0x10000, 4, buf, sizeof(buf)));
	assert_false(st_conv_format(ST_CONV_B32, 1, 1, buf, sizeof(buf)));
	assert_false(st_conv_format(ST_CONV_NONE, 1, 8, buf, sizeof(buf)));
	assert_string_equal(buf, "untouched");
}

static void test_conv_names(void **state)
{
	(void)state;
	assert_int_equal(st_conv_from_name("ip_src"), ST_CONV_IP);
	assert_int_equal(st_conv_from_name("b16_port"), ST_CONV_B16);
	assert_int_equal(st_conv_from_name("b32_x"), ST_CONV_B32);
	assert_int_equal(st_conv_from_name("b64_x"), ST_CONV_B64);
	assert_int_equal(st_conv_from_name("B16_x"), ST_CONV_BX16);
	assert_int_equal(st_conv_from_name("B32_x"), ST_CONV_BX32);
	assert_int_equal(st_conv_from_name("B64_x"), ST_CONV_BX64);
	assert_int_equal(st_conv_from_name("ip"), ST_CONV_NONE);
	assert_int_equal(st_conv_from_name("comm"), ST_CONV_NONE);
	assert_int_equal(st_conv_from_name("b8_x"), ST_CONV_NONE);
	assert_int_equal(st_conv_from_name(NULL), ST_CONV_NONE);
}

/* ---- offline: kprobe/kretprobe shapes from hand-made formats, records and kallsyms ---- */

static const char KP_FMT[] =
	"name: p0\nID: 3000\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] comm;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:u32 ip_src;\toffset:20;\tsize:4;\tsigned:0;\n"
	"\tfield:u16 b16_port;\toffset:24;\tsize:2;\tsigned:0;\n"
	"\tfield:s32 dfd;\toffset:26;\tsize:4;\tsigned:1;\n"
	"\tfield:u64 fn;\toffset:35;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"(%lx) comm=\\\"%s\\\" ip_src=%u b16_port=%u dfd=%d fn=%pS\", REC->__probe_ip, "
	"__get_str(comm), REC->ip_src, REC->b16_port, REC->dfd, REC->fn\n";
static const char KR_FMT[] =
	"name: r1\nID: 3001\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:unsigned long __probe_func;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long __probe_ret_ip;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 filp;\toffset:24;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"(%lx <- %lx) filp=0x%Lx\", REC->__probe_func, REC->__probe_ret_ip, REC->filp\n";
static const char KSYMS[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81100000 T wake_up_new_task\n"
	"ffffffff81100280 t next_fn\n"
	"ffffffff81200000 T kernel_clone\n"
	"ffffffff812003e0 T after_clone\n"
	"ffffffff81300000 D some_data\n"
	"ffffffff81400000 T the_end\n";

static void put16(unsigned char *d, int off, unsigned short v) { memcpy(d + off, &v, 2); }
static void put32(unsigned char *d, int off, unsigned int v) { memcpy(d + off, &v, 4); }
static void put64(unsigned char *d, int off, unsigned long long v) { memcpy(d + off, &v, 8); }

/* Renders one hand-made record of event `fmt` through st_output. */
static char *render_fake(const char *fmt, unsigned char *data, int size, int id,
			 enum st_output_mode mode, const unsigned long long *stack, int nstack)
{
	char kpath[] = "/tmp/st_test_ksyms_XXXXXX";
	int kfd = mkstemp(kpath);
	assert_true(kfd >= 0);
	assert_int_equal(write(kfd, KSYMS, strlen(KSYMS)), (ssize_t)strlen(KSYMS));
	close(kfd);
	struct tep_handle *tep = tep_alloc();
	tep_set_long_size(tep, 8);
	struct tep_event *tev = NULL;
	assert_int_equal(tep_parse_format(tep, &tev, fmt, strlen(fmt), "surftrace_42"), 0);
	struct tep_record rec = { .ts = 2375809655123ULL, .data = data, .size = size, .cpu = 1 };
	struct st_event ev = {
		.cpu = 1, .ts = rec.ts, .pid = 2392, .comm = "bash", .flags = "d.h1",
		.system = "surftrace_42", .name = tev->name, .id = id, .tep = tep, .tev = tev,
		.rec = &rec, .stack = stack, .nstack = nstack,
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct st_err err = { 0 };
	struct st_output_opts oo = { .mode = mode, .out = f, .group = "surftrace_42",
				     .kallsyms = kpath };
	struct st_output *o = st_output_new(&oo, &err);
	assert_non_null(o);
	assert_int_equal(st_output_event(o, &ev), 0);
	st_output_free(o);
	fclose(f);
	tep_free(tep);
	unlink(kpath);
	return buf;
}

static int fake_kprobe(unsigned char *d)
{
	memset(d, 0, 64);
	put16(d, 0, 3000);
	put32(d, 4, 2392);
	put64(d, 8, 0xffffffff81100000ULL);            /* wake_up_new_task+0 */
	put32(d, 16, (5u << 16) | 30);                   /* comm: 5 bytes at 30 */
	struct in_addr a;
	inet_pton(AF_INET, "10.0.0.1", &a);
	memcpy(d + 20, &a, 4);                           /* network order, as fetched */
	put16(d, 24, htons(8080));
	put32(d, 26, (unsigned int)-100);                /* AT_FDCWD */
	memcpy(d + 30, "bash", 5);
	/* a :symbol fetch, after_clone+0x8; its size runs to the_end (some_data is not text) */
	put64(d, 35, 0xffffffff812003e8ULL);
	return 43;
}

static void test_kprobe_text(void **state)
{
	(void)state;
	unsigned char d[64];
	int n = fake_kprobe(d);
	unsigned long long stack[] = { 0xffffffff81200010ULL, 0xffffffff81100290ULL };
	char *s = render_fake(KP_FMT, d, n, 3000, ST_OUT_TEXT, stack, 2);
	assert_string_equal(s,
		"            bash-2392    [001] d.h1  2375.809655: p0: (wake_up_new_task+0x0/0x280)"
		" comm=\"bash\" ip_src=10.0.0.1 b16_port=8080 dfd=-100"
		" fn=after_clone+0x8/0x1ffc20\n"
		"  => kernel_clone+0x10/0x3e0\n"
		"  => next_fn+0x10/0xffd80\n");
	free(s);
}

static void test_kprobe_json(void **state)
{
	(void)state;
	unsigned char d[64];
	int n = fake_kprobe(d);
	unsigned long long stack[] = { 0xffffffff81200010ULL };
	char *s = render_fake(KP_FMT, d, n, 3000, ST_OUT_JSON, stack, 1);
	assert_string_equal(s,
		"{\"v\":1,\"time\":2375.809655,\"cpu\":1,\"pid\":2392,\"comm\":\"bash\",\"event\":\"p0\","
		"\"args\":{\"comm\":\"bash\",\"ip_src\":\"10.0.0.1\",\"b16_port\":8080,\"dfd\":-100,"
		"\"fn\":\"after_clone+0x8/0x1ffc20\"},"
		"\"stack\":[\"kernel_clone+0x10/0x3e0\"]}\n");
	free(s);
}

static void test_kretprobe_text(void **state)
{
	(void)state;
	unsigned char d[32] = { 0 };
	put16(d, 0, 3001);
	put32(d, 4, 2392);
	put64(d, 8, 0xffffffff81100000ULL);   /* func: wake_up_new_task */
	put64(d, 16, 0xffffffff81200153ULL);  /* return address: kernel_clone+0x153 */
	put64(d, 24, 0xffff888012345678ULL);
	char *s = render_fake(KR_FMT, d, 32, 3001, ST_OUT_TEXT, NULL, 0);
	assert_string_equal(s,
		"            bash-2392    [001] d.h1  2375.809655: r1: (kernel_clone+0x153/0x3e0 <- "
		"wake_up_new_task) filp=0xffff888012345678\n");
	free(s);
}

static void test_bad_record_never_aborts(void **state)
{
	(void)state;
	/* the string's data_loc points past the record: printed as a fault, not a crash */
	unsigned char d[64];
	fake_kprobe(d);
	put32(d, 16, (5u << 16) | 60);
	char *s = render_fake(KP_FMT, d, 43, 3000, ST_OUT_TEXT, NULL, 0);
	assert_non_null(strstr(s, " comm=(fault) ip_src=10.0.0.1 "));
	free(s);
	/* an address no symbol covers prints as hex */
	fake_kprobe(d);
	put64(d, 8, 0xffffffff80000000ULL);
	s = render_fake(KP_FMT, d, 43, 3000, ST_OUT_TEXT, NULL, 0);
	assert_non_null(strstr(s, "p0: (0xffffffff80000000) comm="));
	free(s);
}

/* ---- live: a uprobe on a function of this binary ---- */

static char inst[256], group[64];
static bool probe_made;
static struct st_reader *cur_r;
static struct st_output *cur_o;

__attribute__((noinline, used)) int st_test_target(unsigned long a, int b, unsigned int ip,
						    const char *s)
{
	__asm__ volatile("" ::: "memory");
	return (int)(a + (unsigned long)b + ip + (s ? (unsigned char)s[0] : 0));
}

static int wr(const char *path, const char *text, bool append)
{
	int fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int wri(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", inst, rel);
	return wr(path, text, false);
}

/* File offset of st_test_target in /proc/self/exe, from the loaded program headers. */
static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	unsigned long *io = data;     /* in: address, out: file offset */
	if (info->dlpi_name && info->dlpi_name[0])
		return 0;             /* the main program only */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		unsigned long lo = info->dlpi_addr + p->p_vaddr;
		if (p->p_type == PT_LOAD && io[0] >= lo && io[0] < lo + p->p_memsz) {
			io[1] = io[0] - lo + p->p_offset;
			return 1;
		}
	}
	return 0;
}

/* Leftovers of an earlier run of this test that died (a crash skips the teardown):
 * instances st_test_out_<pid> and uprobe groups st_outtest_<pid> of dead pids. */
static void sweep_dead(void)
{
	DIR *d = opendir(TRACEFS "/instances");
	struct dirent *de;
	int pid;
	while (d && (de = readdir(d))) {
		char p[512];
		if (sscanf(de->d_name, "st_test_out_%d", &pid) == 1 && kill(pid, 0) && errno == ESRCH) {
			snprintf(p, sizeof(p), TRACEFS "/instances/%s", de->d_name);
			rmdir(p);
		}
	}
	if (d)
		closedir(d);
	FILE *f = fopen(TRACEFS "/uprobe_events", "r");
	char line[1024], cmd[700], path[512];
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*c:st_outtest_%d/", &pid) == 1 && kill(pid, 0) && errno == ESRCH) {
			snprintf(path, sizeof(path), TRACEFS "/instances/st_test_out_%d", pid);
			snprintf(cmd, sizeof(cmd), "%s/events/st_outtest_%d/p0/enable", path, pid);
			wr(cmd, "0", false);
			rmdir(path);
			snprintf(cmd, sizeof(cmd), "-:st_outtest_%d/p0", pid);
			wr(TRACEFS "/uprobe_events", cmd, true);
		}
	}
	if (f)
		fclose(f);
}

static int setup_live(void **state)
{
	(void)state;
	if (geteuid() != 0 || access(TRACEFS "/uprobe_events", W_OK))
		return 0;
	sweep_dead();
	/* Valgrind runs the code on its own JIT: the uprobe's int3 would kill it. */
	const char *pre = getenv("LD_PRELOAD");
	bool valgrind = pre && strstr(pre, "vgpreload");
	snprintf(group, sizeof(group), "st_outtest_%d", getpid());
	snprintf(inst, sizeof(inst), TRACEFS "/instances/st_test_out_%d", getpid());
	if (mkdir(inst, 0755))
		inst[0] = '\0';
	unsigned long io[2] = { (unsigned long)&st_test_target, 0 };
	if (valgrind || dl_iterate_phdr(phdr_cb, io) != 1)
		return 0;
	char exe[256], def[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	snprintf(def, sizeof(def),
		 "p:%s/p0 %s:0x%lx a=%%di:x64 b=%%si:s32 ip_x=%%dx:u32 s=+0(%%cx):string",
		 group, exe, io[1]);
	if (wr(TRACEFS "/uprobe_events", def, true))
		return 0;
	probe_made = true;
	return 0;
}

static int teardown_live(void **state)
{
	(void)state;
	st_output_free(cur_o);
	st_reader_free(cur_r);
	cur_o = NULL;
	cur_r = NULL;
	if (inst[0]) {
		char rel[128];
		snprintf(rel, sizeof(rel), "events/%s/p0/enable", group);
		wri(rel, "0");
		wri("events/sched/sched_process_fork/enable", "0");
		wri("options/stacktrace", "0");
		wri("events/syscalls/sys_enter_openat/enable", "0");
		wri("events/syscalls/sys_exit_openat/enable", "0");
		rmdir(inst);
	}
	if (probe_made) {
		char def[128];
		snprintf(def, sizeof(def), "-:%s/p0", group);
		wr(TRACEFS "/uprobe_events", def, true);
	}
	return 0;
}

/* A reader on the test instance for one event (freed by drain_to_string or teardown). */
static void open_reader(const char *sys, const char *name, bool stacks)
{
	struct st_err err = { 0 };
	struct st_reader_opts ro = { .instance_dir = inst, .stacks = stacks };
	cur_r = st_reader_new(&ro, &err);
	if (!cur_r)
		fail_msg("reader: %s", err.msg);
	if (st_reader_add_event(cur_r, sys, name, &err) != 1)
		fail_msg("add: %s", err.msg);
}

static char *drain_to_string(enum st_output_mode mode, const struct st_probe *const *probes,
			     size_t np)
{
	struct st_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct st_output_opts oo = { .mode = mode, .out = f, .probes = probes, .nprobes = np,
				     .group = group };
	cur_o = st_output_new(&oo, &err);
	assert_non_null(cur_o);
	assert_int_equal(st_reader_drain(cur_r, st_output_cb, cur_o, &err), 0);
	st_output_free(cur_o);
	cur_o = NULL;
	fclose(f);
	st_reader_free(cur_r);
	cur_r = NULL;
	if (getenv("ST_TEST_SHOW"))
		fputs(buf, stderr);
	return buf;
}

/* The kernel's own rendering of the newest buffered event: the last line of the
 * instance's (non-consuming) trace file. */
static char kline[4096];
static void kernel_last_line(void)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/trace", inst);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	kline[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			snprintf(kline, sizeof(kline), "%s", line);
	fclose(f);
	assert_true(kline[0] != '\0');
}

/* From the timestamp on ("  754.258562: p0: ..."), the text after the flags column. */
static const char *after_flags(const char *line)
{
	const char *p = strstr(line, "] ");
	assert_non_null(p);
	p += 2;
	p += strcspn(p, " ");     /* skip the flags */
	return p + strspn(p, " ");
}

static void fire_uprobe(void)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "events/%s/p0/enable", group);
	assert_int_equal(wri("trace", ""), 0);
	assert_int_equal(wri(rel, "1"), 0);
	struct in_addr a;
	inet_pton(AF_INET, "10.20.30.40", &a);
	unsigned int raw;
	memcpy(&raw, &a, 4);
	st_test_target(0xdeadbeefUL, -42, raw, "hello \"world\"");
	assert_int_equal(wri(rel, "0"), 0);
}

static void test_uprobe_text(void **state)
{
	(void)state;
	if (!inst[0] || !probe_made)
		skip();
	open_reader(group, "p0", false);
	fire_uprobe();
	kernel_last_line();
	char *s = drain_to_string(ST_OUT_TEXT, NULL, 0);
	/* same timestamp, event and location as the kernel printed; same first 4 flags */
	const char *k = after_flags(kline), *o = after_flags(s);
	size_t upto = (size_t)(strstr(k, " ip_x=") - k);
	assert_int_equal(strncmp(k, o, upto), 0);
	assert_int_equal(strncmp(strstr(kline, "] ") + 2, strstr(s, "] ") + 2, 4), 0);
	char expect[256];
	snprintf(expect, sizeof(expect), "-%-7d [", getpid());
	assert_non_null(strstr(s, expect));
	/* "p0: (0x<addr>) a=0xdeadbeef b=-42 ip_x=10.20.30.40 s="hello \"world\""" */
	assert_non_null(strstr(s, ": p0: (0x"));
	assert_non_null(strstr(s, ") a=0xdeadbeef b=-42 ip_x=10.20.30.40 s=\"hello \"world\"\"\n"));
	assert_int_equal(strchr(s, '\n')[1], '\0');   /* exactly one line */
	free(s);
}

static void test_uprobe_json(void **state)
{
	(void)state;
	if (!inst[0] || !probe_made)
		skip();
	open_reader(group, "p0", false);
	fire_uprobe();
	char *s = drain_to_string(ST_OUT_JSON, NULL, 0);
	char expect[256];
	snprintf(expect, sizeof(expect), "\"pid\":%d,\"comm\":\"", getpid());
	assert_non_null(strstr(s, expect));
	assert_non_null(strstr(s, "\"event\":\"p0\",\"args\":{\"a\":\"0xdeadbeef\",\"b\":-42,"
			       "\"ip_x\":\"10.20.30.40\",\"s\":\"hello \\\"world\\\"\"}}\n"));
	assert_int_equal(strncmp(s, "{\"v\":1,\"time\":", 14), 0);
	free(s);
}

static void test_probe_conv_overrides_name(void **state)
{
	(void)state;
	if (!inst[0] || !probe_made)
		skip();
	/* The compiler's conv (B32 on "b") wins over the name; "b" holds -42 = 0xffffffd6. */
	struct st_probe_arg args[] = { { .name = "b", .conv = ST_CONV_BX32 } };
	struct st_probe p = { .type = 'P', .event = "p0", .args = args, .nargs = 1 };
	const struct st_probe *pp[] = { &p };
	open_reader(group, "p0", false);
	fire_uprobe();
	char *s = drain_to_string(ST_OUT_TEXT, pp, 1);
	char ref[32];
	snprintf(ref, sizeof(ref), " b=0x%x ", __builtin_bswap32((unsigned int)-42));
	assert_non_null(strstr(s, ref));
	free(s);
}

static void fork_once(pid_t *kid)
{
	char f[64];
	snprintf(f, sizeof(f), "parent_pid == %d", getpid());
	assert_int_equal(wri("trace", ""), 0);
	assert_int_equal(wri("events/sched/sched_process_fork/filter", f), 0);
	assert_int_equal(wri("events/sched/sched_process_fork/enable", "1"), 0);
	*kid = fork();
	if (*kid == 0)
		_exit(0);
	int st;
	waitpid(*kid, &st, 0);
	assert_int_equal(wri("events/sched/sched_process_fork/enable", "0"), 0);
}

static void test_event_text_and_json(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	pid_t kid;
	open_reader("sched", "sched_process_fork", false);
	fork_once(&kid);
	kernel_last_line();
	char *s = drain_to_string(ST_OUT_TEXT, NULL, 0);
	/* identical to the kernel's line from the timestamp on */
	assert_string_equal(after_flags(s), after_flags(kline));
	char ref[128];
	/* the kernel's own print fmt: "... child_pid=%d" */
	snprintf(ref, sizeof(ref), " child_pid=%d\n", kid);
	assert_non_null(strstr(s, ref));
	assert_non_null(strstr(s, ": sched_process_fork: comm="));
	free(s);

	open_reader("sched", "sched_process_fork", false);
	fork_once(&kid);
	s = drain_to_string(ST_OUT_JSON, NULL, 0);
	snprintf(ref, sizeof(ref), "\"child_pid\":%d", kid);
	assert_non_null(strstr(s, ref));
	snprintf(ref, sizeof(ref), "\"parent_pid\":%d", getpid());
	assert_non_null(strstr(s, ref));
	free(s);
}

static void test_syscall_text(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	struct st_err err = { 0 };
	struct st_reader_opts ro = { .instance_dir = inst };
	cur_r = st_reader_new(&ro, &err);
	assert_non_null(cur_r);
	assert_int_equal(st_reader_add_event(cur_r, "syscalls", "sys_e*_openat", &err), 2);
	char f[64];
	snprintf(f, sizeof(f), "common_pid == %d", getpid());
	assert_int_equal(wri("trace", ""), 0);
	assert_int_equal(wri("events/syscalls/sys_enter_openat/filter", f), 0);
	assert_int_equal(wri("events/syscalls/sys_exit_openat/filter", f), 0);
	assert_int_equal(wri("events/syscalls/sys_enter_openat/enable", "1"), 0);
	assert_int_equal(wri("events/syscalls/sys_exit_openat/enable", "1"), 0);
	int fd = open("/dev/null", O_RDONLY);
	int bad = open("/nonexistent/st_test", O_RDONLY);   /* a negative return too */
	wri("events/syscalls/sys_enter_openat/enable", "0");
	wri("events/syscalls/sys_exit_openat/enable", "0");
	close(fd);
	assert_int_equal(bad, -1);
	char path[512], ktext[8192];
	snprintf(path, sizeof(path), "%s/trace", inst);
	FILE *kf = fopen(path, "r");
	assert_non_null(kf);
	size_t kn = fread(ktext, 1, sizeof(ktext) - 1, kf);
	ktext[kn] = '\0';
	fclose(kf);
	char *s = drain_to_string(ST_OUT_TEXT, NULL, 0);
	assert_non_null(strstr(s, "sys_openat -> 0xfffffffffffffffe\n"));  /* -ENOENT */
	/* every line of ours, from the timestamp on, is a line the kernel printed */
	int lines = 0;
	for (char *l = s; *l; lines++) {
		char *nl = strchr(l, '\n');
		assert_non_null(nl);
		*nl = '\0';
		const char *tail = after_flags(l);
		char *hit = strstr(ktext, tail);
		assert_non_null(hit);
		assert_int_equal(hit[strlen(tail)], '\n');
		l = nl + 1;
	}
	assert_true(lines >= 4);   /* ours, plus the opens of the test's own tracefs writes */

	free(s);
}

/* The " => frame" lines of a text, joined with '|' (leading blanks dropped). */
static void frames_of(const char *text, char *out, size_t n)
{
	out[0] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *q = p + strspn(p, " \t");
		if (strncmp(q, "=> ", 3))
			continue;
		q += 3;
		size_t len = strcspn(q, "\n"), room = n - strlen(out) - 2;
		strncat(out, q, len < room ? len : room);
		strcat(out, "|");
	}
}

static void test_stack_frames(void **state)
{
	(void)state;
	if (!inst[0])
		skip();
	pid_t kid;
	open_reader("sched", "sched_process_fork", true);
	/* the kernel prints "sym+off/size" frames too with sym-offset: our oracle */
	assert_int_equal(wri("options/sym-offset", "1"), 0);
	assert_int_equal(wri("options/stacktrace", "1"), 0);
	fork_once(&kid);
	wri("options/stacktrace", "0");
	char path[512], ktext[16384];
	snprintf(path, sizeof(path), "%s/trace", inst);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t kn = fread(ktext, 1, sizeof(ktext) - 1, f);
	ktext[kn] = '\0';
	fclose(f);
	wri("options/sym-offset", "0");
	char *s = drain_to_string(ST_OUT_TEXT, NULL, 0);
	char kf[4096], of[4096];
	frames_of(ktext, kf, sizeof(kf));
	frames_of(s, of, sizeof(of));
	assert_non_null(strstr(of, "kernel_clone+0x"));  /* the fork path */
	assert_string_equal(of, kf);
	free(s);
}

/* ---- a negative value in a signed field that the print fmt shows symbolically ---- */

/* A fake instance directory holding this kernel's own formats of rpm/rpm_status and
 * sched/sched_switch, its header_page, and one ring-buffer page with records made here:
 * rpm_status with status -1 (RPM_INVALID; int, signed:1, shown by __print_symbolic), then
 * with status 0 (RPM_ACTIVE), and sched_switch with prev_state -1 (long, signed:1, shown
 * by __print_flags). The reader drains the page from per_cpu/cpu0/trace_pipe_raw like a
 * real one. */
static const struct { const char *sys, *name; long long v; } NEG_REC[] = {
	{ "rpm", "rpm_status", -1 }, { "rpm", "rpm_status", 0 }, { "sched", "sched_switch", -1 },
};

static char *copy_format(const char *dir, const char *sys, const char *name)
{
	char src[512], dst[512], *text = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *in, *out;

	snprintf(src, sizeof(src), TRACEFS "/events/%s/%s/format", sys, name);
	snprintf(dst, sizeof(dst), "%s/events/%s", dir, sys);
	mkdir(dst, 0755);
	snprintf(dst, sizeof(dst), "%s/events/%s/%s", dir, sys, name);
	mkdir(dst, 0755);
	strcat(dst, "/format");
	if (!(in = fopen(src, "r")))
		return NULL;
	n = getdelim(&text, &cap, '\0', in);
	fclose(in);
	out = fopen(dst, "w");
	assert_non_null(out);
	assert_true(n > 0 && fwrite(text, 1, (size_t)n, out) == (size_t)n);
	fclose(out);
	return text;
}

static int neg_field(struct tep_event *ev, const char *name)
{
	struct tep_format_field *f = tep_find_any_field(ev, name);

	assert_non_null(f);
	return f->offset;
}

/* The record of event ev with value v at rec (rpm_status's status, sched_switch's
 * prev_state). Returns its length. */
static int neg_record(struct tep_event *ev, long long v, unsigned char *rec)
{
	memset(rec, 0, 128);
	put16(rec, neg_field(ev, "common_type"), (unsigned short)ev->id);
	put32(rec, neg_field(ev, "common_pid"), 4242);
	if (!strcmp(ev->name, "rpm_status")) {
		int name = neg_field(ev, "name"), data = 16;

		put32(rec, name, (12u << 16) | (unsigned)data);   /* __data_loc: len << 16 | off */
		memcpy(rec + data, "st-fake-dev", 12);
		put32(rec, neg_field(ev, "status"), (unsigned int)v);
		return data + 12;
	}
	memcpy(rec + neg_field(ev, "prev_comm"), "st-neg", 7);
	put32(rec, neg_field(ev, "prev_pid"), 4242);
	put32(rec, neg_field(ev, "prev_prio"), 120);
	put64(rec, neg_field(ev, "prev_state"), (unsigned long long)v);
	memcpy(rec + neg_field(ev, "next_comm"), "swapper/0", 10);
	put32(rec, neg_field(ev, "next_prio"), 120);
	return neg_field(ev, "next_prio") + 4;
}

static char neg_dir[64];

/* Removes the fake directory on every path (an assertion jumps out of the test). */
static int neg_teardown(void **state)
{
	char cmd[128];

	(void)state;
	st_reader_free(cur_r);
	cur_r = NULL;
	if (neg_dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", neg_dir);
		if (system(cmd))
			fprintf(stderr, "# cannot remove %s\n", neg_dir);
		neg_dir[0] = '\0';
	}
	return 0;
}

static void test_negative_symbolic_field(void **state)
{
	(void)state;
	char *dir = strcpy(neg_dir, "/tmp/st_test_neg_XXXXXX"), path[600];
	size_t psz = (size_t)sysconf(_SC_PAGESIZE), used = 16;
	unsigned char *page = calloc(1, psz), rec[128];
	struct tep_handle *tep = tep_alloc();
	struct st_err err = { 0 };
	struct st_reader_opts ro = { .instance_dir = dir, .wake_percent = -1 };
	FILE *f;

	if (access(TRACEFS "/events/rpm/rpm_status/format", R_OK) ||
	    access(TRACEFS "/events/sched/sched_switch/format", R_OK)) {
		free(page);
		tep_free(tep);
		skip();
	}
	if (!mkdtemp(dir)) {
		neg_dir[0] = '\0';
		fail_msg("mkdtemp: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/events", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/per_cpu", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/per_cpu/cpu0", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "cp " TRACEFS "/events/header_page %s/events/", dir);
	assert_int_equal(system(path), 0);
	put64(page, 0, 1000000000ULL);                    /* the page's timestamp */
	for (size_t i = 0; i < sizeof(NEG_REC) / sizeof(NEG_REC[0]); i++) {
		struct tep_event *ev = tep_find_event_by_name(tep, NEG_REC[i].sys, NEG_REC[i].name);
		int len;

		if (!ev) {
			char *text = copy_format(dir, NEG_REC[i].sys, NEG_REC[i].name);

			assert_non_null(text);
			assert_int_equal(tep_parse_format(tep, &ev, text, strlen(text),
							  NEG_REC[i].sys), 0);
			free(text);
		}
		len = (neg_record(ev, NEG_REC[i].v, rec) + 3) & ~3;
		assert_true(len <= 112);                 /* the length fits type_len */
		put32(page, (int)used, (1000u << 5) | (unsigned)(len / 4));
		memcpy(page + used + 4, rec, (size_t)len);
		used += 4 + (size_t)len;
	}
	put64(page, 8, used - 16);                        /* commit: the data's length */
	snprintf(path, sizeof(path), "%s/per_cpu/cpu0/trace_pipe_raw", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(page, 1, psz, f), psz);
	fclose(f);
	free(page);
	tep_free(tep);

	char *out[2];
	for (int m = 0; m < 2; m++) {
		cur_r = st_reader_new(&ro, &err);
		if (!cur_r)
			fail_msg("reader: %s", err.msg);
		assert_int_equal(st_reader_add_event(cur_r, "rpm", "rpm_status", &err), 1);
		assert_int_equal(st_reader_add_event(cur_r, "sched", "sched_switch", &err), 1);
		out[m] = drain_to_string(m ? ST_OUT_JSON : ST_OUT_TEXT, NULL, 0);
	}
	/* text: the kernel's print fmt, its symbol for -1 and the flags of (-1 & 0xff), '+' */
	assert_non_null(strstr(out[0], "rpm_status: st-fake-dev status=RPM_INVALID\n"));
	assert_non_null(strstr(out[0], "rpm_status: st-fake-dev status=RPM_ACTIVE\n"));
	assert_non_null(strstr(out[0], "prev_state=S|D|T|t|X|Z|P|I+ ==> next_comm=swapper/0"));
	/* JSON: the C values */
	assert_non_null(strstr(out[1], "\"status\":-1}"));
	assert_non_null(strstr(out[1], "\"status\":0}"));
	assert_non_null(strstr(out[1], "\"prev_state\":-1,"));
	assert_null(strstr(out[1], "4294967295"));
	assert_null(strstr(out[1], "18446744073709551615"));
	free(out[0]);
	free(out[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv_ip),
		cmocka_unit_test(test_conv_swaps),
		cmocka_unit_test(test_conv_refuses),
		cmocka_unit_test(test_conv_names),
		cmocka_unit_test(test_kprobe_text),
		cmocka_unit_test(test_kprobe_json),
		cmocka_unit_test(test_kretprobe_text),
		cmocka_unit_test(test_bad_record_never_aborts),
		cmocka_unit_test(test_uprobe_text),
		cmocka_unit_test(test_uprobe_json),
		cmocka_unit_test(test_probe_conv_overrides_name),
		cmocka_unit_test(test_event_text_and_json),
		cmocka_unit_test(test_stack_frames),
		cmocka_unit_test(test_syscall_text),
		cmocka_unit_test_teardown(test_negative_symbolic_field, neg_teardown),
	};
	return cmocka_run_group_tests(tests, setup_live, teardown_live);
}
