// SPDX-License-Identifier: MIT
/* surftrace entry point: parse options, gather expressions, dispatch to a command. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdbool.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli/cli.h"
#include "surftrace.h"
#include "types/hive.h"
#include "expr/expr.h"
#include "util/err.h"
#include "util/file.h"
#include "util/numarg.h"
#include "util/stopio.h"
#include "version.h"

static const char usage_text[] =
"usage: surftrace [options] EXPR...\n"
"Trace kernel functions, user functions and trace events with C-like expressions.\n"
"\n"
"  EXPR            'p FUNC[+off] [name=[S|U|X]expr]... [f:filter]'   kprobe\n"
"                  'r FUNC ...'  kretprobe       'e group/event [f:filter]'  trace event\n"
"                  'P BIN:SYM[+off] ...'  uprobe (+off: an instruction start inside SYM)\n"
"                  'P BIN:0xADDR ...'  uprobe at a raw address (unchecked)\n"
"                  'R BIN:SYM ...'  uretprobe\n"
"  -S, --show      only show the translation (no root, nothing written)\n"
"      --json      JSON output (with -S: {type,fxpr,filter} per expression)\n"
"  -f FILE         read expressions from FILE, one per line ('#' comments; '-': stdin)\n"
"  -a ARCH         target architecture: x86_64 or aarch64 (default: host)\n"
"      --btf FILE  types from FILE (raw BTF or ELF with .BTF) instead of the running kernel\n"
"      --hive DIR  types of kernels without BTF from a hive (also SURFTRACE_HIVE=DIR)\n"
"      --no-btf-cache  convert a uprobe binary's DWARF afresh, without the cache by build\n"
"                  id (also SURFTRACE_BTF_CACHE=off; SURFTRACE_CACHE_DIR=DIR moves it)\n"
"      --kernel R  types of kernel R from the hive (-S, -l/-L, --struct; a glob for bundles)\n"
"  -s, --stack     print a kernel stack with every event\n"
"  -t SECONDS      stop after SECONDS\n"
"  -n COUNT        stop after COUNT events\n"
"  -o FILE         write an equivalent shell script to FILE instead of tracing\n"
"      --buffer-kb N   per-CPU buffer size of the trace instance\n"
"  -q, --quiet     no start line ('Tracing N probes...') and no setup messages\n"
"  -p PID[,PID]    only events of these processes (all threads); ends when they exit\n"
"      --follow    with -p: and of the tasks they fork from then on\n"
"  -c 'CMD ARGS'   run CMD once every probe is live, trace it and its children, stop\n"
"                  when it exits and exit with its status (runs as the caller)\n"
"      --cpu LIST  only these CPUs (e.g. 0-3,6)\n"
"  -w FILE         record the raw events into FILE (trace-cmd's trace.dat) instead of\n"
"                  printing them (--tee: print too); see 'surftrace report FILE'\n"
"  report FILE [--json]   print a -w recording as the live run would have\n"
"      --cleanup   remove probes and instances left behind by dead surftrace runs\n"
"  -l PATTERN      list traceable functions (glob), events (group/event), BIN:PATTERN symbols\n"
"  -L PATTERN      like -l with prototypes and event fields\n"
"      --struct NAME[.member]   print a struct layout\n"
"  -F FUNC         disassemble a kernel function (-v VMLINUX, --line FILE:LINE),\n"
"                  or BIN:SYM a user one (its offsets are the ones P BIN:SYM+off takes)\n"
"  -v, --vmlinux FILE  debuginfo vmlinux: -F's code, and DWARF for %N/$name at FUNC+off\n"
"  -i, --guide     interactive guide\n"
"  -V, --version   print the version and exit\n"
"answers (exact, from every event; printed at the end and every -i SECONDS, then cleared):\n"
"      --count KEYS        count events by KEYS: comm,pid,cpu,event,stack or fields\n"
"      --hist FIELD        power-of-two histogram    --lhist FIELD,MIN,MAX,STEP  linear\n"
"      --sum/--min/--max/--avg FIELD     per --by KEYS (all of them)\n"
"      --top N             only the N largest entries\n"
"  -i, --interval SECONDS  print and clear every SECONDS (--json: one object each)\n"
"      --latency START END histogram of the ns from START to END (--match KEYS: pid)\n"
"      --folded            folded stacks (with -s: 'root;..;leaf count')\n"
"      --svg FILE          an interactive SVG flame graph of the stacks\n"
"      --engine E          auto (the kernel's hist triggers where it has them, else\n"
"                          user space), user, kernel, or both (@NAME_kernel beside)\n"
"      --bundle-out FILE   translate EXPRs for this kernel and every --btf into FILE\n"
"      --bundle FILE       run the entry of FILE that matches this kernel (--list: list)\n"
"  graph FUNC [--depth N] [-p PID] [-t T] [--svg FILE]   call tree with durations\n"
"  btfgen VMLINUX_OR_KO -o FILE.btf   make a BTF file from DWARF debug info\n"
"  hive add|list|rm DIR ...            a local hive of many kernels' types (docs/HIVE.md)\n"
"\n"
"examples:\n"
"  surftrace 'p wake_up_new_task comm=%0->comm f:comm==\"bash\"'\n"
"  surftrace 'r do_filp_open pos=$retval->f_pos'\n"
"  surftrace 'e sched/sched_stat_wait f:delay>1000000'\n"
"  surftrace 'P /bin/bash:readline' 'R /bin/bash:readline line=!(char *)$retval'\n"
"  surftrace --count comm -t 5 'e syscalls/sys_enter_getppid'\n"
"  surftrace --latency 'P /bin/bash:readline' 'R /bin/bash:readline'\n"
"  surftrace graph vfs_read --depth 2 -t 3\n";

enum {
	OPT_JSON = 256, OPT_BTF, OPT_BUFKB, OPT_CLEANUP, OPT_STRUCT, OPT_LINE,
	OPT_BUNDLE, OPT_BUNDLE_OUT, OPT_LIST, OPT_HIVE, OPT_KERNEL,
	OPT_AGG_COUNT, OPT_AGG_HIST, OPT_AGG_LHIST, OPT_AGG_SUM, OPT_AGG_MIN, OPT_AGG_MAX,
	OPT_AGG_AVG, OPT_BY, OPT_TOP, OPT_INTERVAL, OPT_LATENCY, OPT_MATCH, OPT_FOLDED, OPT_SVG,
	OPT_FOLLOW, OPT_CPU, OPT_TEE,
	OPT_ENGINE, OPT_NO_BTF_CACHE,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "show", no_argument, NULL, 'S' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "hive", required_argument, NULL, OPT_HIVE },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "file", required_argument, NULL, 'f' },
	{ "arch", required_argument, NULL, 'a' },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "stack", no_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "buffer-kb", required_argument, NULL, OPT_BUFKB },
	{ "quiet", no_argument, NULL, 'q' },
	{ "cleanup", no_argument, NULL, OPT_CLEANUP },
	{ "struct", required_argument, NULL, OPT_STRUCT },
	{ "vmlinux", required_argument, NULL, 'v' },
	{ "func", required_argument, NULL, 'F' },
	{ "line", required_argument, NULL, OPT_LINE },
	{ "guide", no_argument, NULL, 'i' },
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "bundle-out", required_argument, NULL, OPT_BUNDLE_OUT },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "count", required_argument, NULL, OPT_AGG_COUNT },
	{ "hist", required_argument, NULL, OPT_AGG_HIST },
	{ "lhist", required_argument, NULL, OPT_AGG_LHIST },
	{ "sum", required_argument, NULL, OPT_AGG_SUM },
	{ "min", required_argument, NULL, OPT_AGG_MIN },
	{ "max", required_argument, NULL, OPT_AGG_MAX },
	{ "avg", required_argument, NULL, OPT_AGG_AVG },
	{ "by", required_argument, NULL, OPT_BY },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "latency", no_argument, NULL, OPT_LATENCY },
	{ "match", required_argument, NULL, OPT_MATCH },
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "pid", required_argument, NULL, 'p' },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "command", required_argument, NULL, 'c' },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "write", required_argument, NULL, 'w' },
	{ "tee", no_argument, NULL, OPT_TEE },
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "no-btf-cache", no_argument, NULL, OPT_NO_BTF_CACHE },
	{ NULL, 0, NULL, 0 },
};

static int bad_usage(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	return st_cli_usage_error("%s", msg);
}

static int bad_number(const char *opt, const char *arg, const char *why, const char *want)
{
	return st_cli_usage_error("%s '%s': %s (%s)", opt, arg, why, want);
}

/* The primary modes: at most one per run. -S and -o also qualify --bundle/--bundle-out. */
struct mode_pick {
	const char *name;
	int n;
	const char *first;
};

static void pick_mode(struct mode_pick *m, bool on, const char *name)
{
	if (!on)
		return;
	if (!m->n++)
		m->first = name;
	else if (m->n == 2)
		m->name = name;
}

/* Append the expressions of FILE (one per line) to the list, with where each starts. */
static int read_expr_file(const char *path, char ***list, struct st_cli_src **srcs, int *n,
			  char ***owned, int *nowned)
{
	bool in = !strcmp(path, "-");
	const char *label = in ? "<stdin>" : path;
	size_t nul_line = 0;
	char *text = in ? st_slurp_stream_at(stdin, &nul_line) : st_slurp_at(path, &nul_line);
	char **lines = NULL;
	struct st_line_pos *pos = NULL;
	int cnt, i;

	if (!text) {
		if (errno == EILSEQ)
			st_cli_usage_error("%s:%zu: a NUL byte: not an expression file (the rest "
					   "of the line and file would be lost)", label, nul_line);
		else
			st_cli_usage_error("cannot read '%s': %s", label, strerror(errno));
		return -1;
	}
	cnt = st_split_lines_pos(text, &lines, &pos);
	free(text);
	if (cnt < 0)
		return -1;
	*list = realloc(*list, (size_t)(*n + cnt + 1) * sizeof(**list));
	*srcs = realloc(*srcs, (size_t)(*n + cnt + 1) * sizeof(**srcs));
	*owned = realloc(*owned, (size_t)(*nowned + cnt + 1) * sizeof(**owned));
	if (!*list || !*srcs || !*owned)
		return -1;
	for (i = 0; i < cnt; i++) {
		(*srcs)[*n] = (struct st_cli_src){ label, pos[i].line, pos[i].col };
		(*list)[(*n)++] = lines[i];
		(*owned)[(*nowned)++] = lines[i];
	}
	free(lines);
	free(pos);
	return 0;
}

/* -p PID[,PID...]: processes that exist now. */
static int parse_pids(const char *arg, struct st_cli_opts *o)
{
	unsigned long *v;
	const char *why;
	size_t n, i;

	o->pids = NULL;
	o->npids = 0;
	if (st_numarg_list(arg, 4194304, 0, &v, &n, &why)) {
		bad_number("-p", arg, why, "process ids, e.g. 1234,5678");
		return -1;
	}
	o->pids = malloc(n * sizeof(*o->pids));
	for (i = 0; o->pids && i < n; i++) {
		if (!v[i] || (kill((pid_t)v[i], 0) < 0 && errno == ESRCH)) {
			st_cli_usage_error("-p: no process %lu", v[i]);
			free(v);
			return -1;
		}
		o->pids[o->npids++] = (int)v[i];
	}
	free(v);
	return o->pids ? 0 : -1;
}

/* The highest CPU number this machine can have. */
static unsigned long cpu_max(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned long)n - 1 : 0;
}

/* --json anywhere before "--": errors found while parsing options are JSON too. */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			return true;
	return false;
}

/* Output errors are errors: what went to stdout through stdio must have arrived (a
 * reader that went away, EPIPE, is how pipelines end). */
static int check_stdout(int rc)
{
	int e = st_stopio_stdout_error();

	if (!e || e == EPIPE)
		return rc;
	fprintf(stderr, "surftrace: error: cannot write to stdout: %s\n", strerror(e));
	return rc ? rc : 1;
}

int main(int argc, char **argv)
{
	/* static: what the options allocate stays reachable on every early exit */
	static struct st_cli_opts o;
	const char *list_pat = NULL, *struct_name = NULL, *disasm = NULL;
	bool list_verbose = false, cleanup = false, guide = false;
	char **exprs = NULL, **owned = NULL;
	struct st_cli_src *srcs = NULL;
	int nexprs = 0, nowned = 0, c, rc, i;
	struct mode_pick mode = { 0 };
	unsigned long num;
	const char *why;

	bool stdout_closed = st_stopio_guard_std_fds();

	/* every libbpf failure reaches the user as our own one-line error */
	libbpf_set_print(NULL);
	/* the library counts lost events; the CLI names its own remedy */
	surftrace_set_lost_advice("enlarge the buffer with --buffer-kb");
	if (argc > 1 && !strcmp(argv[1], "btfgen"))
		return check_stdout(st_cmd_btfgen(argc - 1, argv + 1));
	if (argc > 1 && !strcmp(argv[1], "report"))
		return check_stdout(st_cmd_report(argc - 1, argv + 1));
	if (argc > 1 && !strcmp(argv[1], "graph"))
		return check_stdout(st_cmd_graph(argc - 1, argv + 1));
	if (argc > 1 && !strcmp(argv[1], "hive"))
		return check_stdout(st_cmd_hive(argc - 1, argv + 1));
	st_cli_errors_init(wants_json(argc, argv), false, NULL, NULL, 0);

	while ((c = getopt_long(argc, argv, "hVSf:a:st:n:o:ql:L:v:F:ip:c:w:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': puts("surftrace " ST_VERSION); return 0;
		case 'S': o.show = true; break;
		case OPT_JSON: o.json = true; break;
		case 'f': o.file = optarg; break;
		case 'a': o.arch = optarg; break;
		case OPT_BTF:
			if (o.nbtfs >= (int)(sizeof(o.btfs) / sizeof(o.btfs[0])))
				return bad_usage("too many --btf files (%s)", optarg);
			if (!o.btf)
				o.btf = optarg;
			o.btfs[o.nbtfs++] = optarg;
			break;
		case OPT_HIVE:
			/* The types stage reads it (types/hive.h): one setting for every path. */
			setenv("SURFTRACE_HIVE", optarg, 1);
			break;
		case OPT_KERNEL: o.kernel = optarg; break;
		case 's': o.stack = true; break;
		case 't':
			/* setitimer takes the seconds as time_t: a year is plenty */
			if (st_numarg_seconds(optarg, 366.0 * 86400, &o.timeout, &why))
				return bad_number("-t", optarg, why, "seconds, e.g. 5 or 0.5, at most a year");
			break;
		case 'n':
			if (st_numarg_ulong(optarg, 1, LONG_MAX, &num, &why))
				return bad_number("-n", optarg, why, "a whole count of events");
			o.count = (long)num;
			break;
		case 'o': o.output = optarg; break;
		case OPT_BUFKB:
			/* buffer_size_kb is per CPU; beyond 1 TiB is a typo */
			if (st_numarg_ulong(optarg, 1, 1UL << 30, &num, &why))
				return bad_number("--buffer-kb", optarg, why, "KiB per CPU");
			o.buffer_kb = (long)num;
			break;
		case 'q': o.quiet = true; break;
		case OPT_CLEANUP: cleanup = true; break;
		case 'l': list_pat = optarg; break;
		case 'L': list_pat = optarg; list_verbose = true; break;
		case OPT_STRUCT: struct_name = optarg; break;
		case 'v': o.vmlinux = optarg; break;
		case 'F': disasm = optarg; break;
		case OPT_LINE: o.line = optarg; break;
		case 'i':
			/* -i SECONDS: the aggregation interval; -i alone: the guide */
			if (optind < argc &&
			    !st_numarg_seconds(argv[optind], 366.0 * 86400, &o.interval, &why)) {
				optind++;
			} else {
				guide = true;
			}
			break;
		case OPT_BUNDLE: o.bundle_in = optarg; break;
		case OPT_BUNDLE_OUT: o.bundle_out = optarg; break;
		case OPT_LIST: o.list_only = true; break;
		case OPT_AGG_COUNT: case OPT_AGG_HIST: case OPT_AGG_LHIST: case OPT_AGG_SUM:
		case OPT_AGG_MIN: case OPT_AGG_MAX: case OPT_AGG_AVG:
			if (o.naggs >= (int)(sizeof(o.aggs) / sizeof(o.aggs[0])))
				return bad_usage("too many aggregations (%s)", optarg);
			/* enum st_agg_kind follows the option order */
			o.aggs[o.naggs].kind = c - OPT_AGG_COUNT;
			o.aggs[o.naggs++].arg = optarg;
			break;
		case OPT_BY: o.by = optarg; break;
		case OPT_TOP:
			if (st_numarg_ulong(optarg, 1, LONG_MAX, &num, &why))
				return bad_number("--top", optarg, why, "a whole number of entries");
			o.top = (long)num;
			break;
		case OPT_INTERVAL:
			if (st_numarg_seconds(optarg, 366.0 * 86400, &o.interval, &why))
				return bad_number("--interval", optarg, why, "seconds, e.g. 1 or 0.5");
			break;
		case OPT_LATENCY: o.latency = true; break;
		case OPT_MATCH: o.match = optarg; break;
		case OPT_FOLDED: o.folded = true; break;
		case OPT_SVG: o.svg = optarg; break;
		case 'p':
			free(o.pids);
			if (parse_pids(optarg, &o))
				return 2;
			break;
		case OPT_FOLLOW: o.follow = true; break;
		case 'c': o.command = optarg; break;
		case 'w': o.record = optarg; break;
		case OPT_TEE: o.tee = true; break;
		/* The library reads it wherever a translator converts DWARF (run, -S, API). */
		case OPT_NO_BTF_CACHE: setenv("SURFTRACE_BTF_CACHE", "off", 1); break;
		case OPT_CPU:
			free(o.cpus);
			if (st_numarg_list(optarg, cpu_max(), 1, &o.cpus, &o.ncpus, &why))
				return bad_number("--cpu", optarg, why, "CPU numbers and ranges, e.g. 0-3,6");
			break;
		case OPT_ENGINE:
			if (strcmp(optarg, "auto") && strcmp(optarg, "user") && strcmp(optarg, "kernel") &&
			    strcmp(optarg, "both"))
				return bad_usage("--engine is auto, user, kernel or both, not '%s'", optarg);
			o.engine = optarg;
			break;
		default:
			fprintf(stderr, "see 'surftrace --help'\n");
			return 2;
		}
	}

	/* Modes that exclude each other: refuse instead of silently running one of them. */
	pick_mode(&mode, cleanup, "--cleanup");
	pick_mode(&mode, list_pat != NULL, list_verbose ? "-L" : "-l");
	pick_mode(&mode, struct_name != NULL, "--struct");
	pick_mode(&mode, disasm || o.line, disasm ? "-F" : "--line");
	pick_mode(&mode, guide && !st_cli_aggregating(&o), "-i");
	pick_mode(&mode, o.bundle_in || o.bundle_out, o.bundle_in ? "--bundle" : "--bundle-out");
	if (!o.bundle_in && !o.bundle_out) {
		pick_mode(&mode, o.show, "-S");
		pick_mode(&mode, o.output != NULL, "-o");
		pick_mode(&mode, st_cli_aggregating(&o), o.latency ? "--latency" :
			  o.naggs ? "aggregation (--count/--hist/...)" : o.svg ? "--svg" : "--folded");
	}
	if (mode.n > 1)
		return st_cli_usage_error("%s and %s cannot be used together; run them one at a "
					  "time", mode.first, mode.name);
	/* -p/-c/--cpu/--follow scope an aggregation or a bundle's run (the same live run,
	 * st_cli_run) as they scope a live trace */
	if (((o.npids || o.command || o.ncpus || o.follow) && mode.n &&
	     !(mode.n == 1 && (st_cli_aggregating(&o) || (o.bundle_in && !o.list_only)))) ||
	    (o.record && mode.n))
		return st_cli_usage_error("%s goes with a live trace: not with %s",
					  o.record ? "-w" : o.command ? "-c" : o.npids ? "-p" :
					  o.ncpus ? "--cpu" : "--follow", mode.first);
	if (o.tee && !o.record)
		return st_cli_usage_error("--tee goes with -w FILE");
	/* the script prints the kernel's own text lines: --json would be silently dropped */
	if (o.json && o.output)
		return st_cli_usage_error("--json does not reach the -o script (it prints the "
					  "kernel's text lines); run surftrace --json instead");
	if (o.follow && !o.npids)
		return st_cli_usage_error("--follow goes with -p PID (-c follows its command anyway)");
	if (o.list_only && !o.bundle_in)
		return bad_usage("--list goes with --bundle FILE%s", "");

	/* --kernel R: that kernel's BTF from the hive, as if given with --btf (bundles expand
	 * a glob themselves). */
	if (o.kernel && !o.bundle_out) {
		struct st_err err = { 0 };

		if (st_hive_resolve(o.btf, o.kernel, o.arch, o.kernel_btf, sizeof(o.kernel_btf),
				    &err)) {
			fprintf(stderr, "surftrace: error: %s\n", err.msg);
			return 1;
		}
		o.btf = o.kernel_btf;
		st_hive_readme_of(o.kernel_btf, o.kernel_readme, sizeof(o.kernel_readme));
	}

	exprs = calloc((size_t)argc + 1, sizeof(*exprs));
	srcs = calloc((size_t)argc + 1, sizeof(*srcs));
	if (!exprs || !srcs) {
		rc = 1;
		goto out;
	}
	for (i = optind; i < argc; i++)
		exprs[nexprs++] = argv[i];
	if (o.file && read_expr_file(o.file, &exprs, &srcs, &nexprs, &owned, &nowned)) {
		rc = 2;
		goto out;
	}
	o.exprs = exprs;
	o.nexprs = nexprs;
	o.srcs = srcs;
	st_cli_errors_init(o.json, o.quiet, (const char *const *)exprs, srcs, nexprs);

	if (stdout_closed && !o.output) {
		fprintf(stderr, "surftrace: error: stdout is closed (redirect it, e.g. "
			">/dev/null, or write a script with -o FILE)\n");
		rc = 1;
	} else if (cleanup)
		rc = st_cmd_cleanup(&o);
	else if (list_pat)
		rc = st_cmd_list(&o, list_pat, list_verbose);
	else if (struct_name)
		rc = st_cmd_struct(&o, struct_name);
	else if (disasm || o.line)
		rc = st_cmd_disasm(&o, disasm);
	else if (guide && !o.naggs && !o.latency && !o.folded && !o.svg)
		rc = st_cmd_guide(&o);
	else if (o.bundle_in || o.bundle_out)
		rc = st_cmd_bundle(&o);
	else if (!nexprs) {
		fputs(usage_text, stderr);
		rc = 2;
	} else if (o.show)
		rc = st_cmd_show(&o);
	else
		rc = st_cmd_run(&o);
out:
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(exprs);
	free(srcs);
	free(o.pids);
	free(o.cpus);
	return check_stdout(rc);
}
