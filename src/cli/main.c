/* surftrace entry point: parse options, gather expressions, dispatch to a command. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "expr/expr.h"
#include "util/err.h"
#include "util/file.h"

static const char usage_text[] =
"usage: surftrace [options] EXPR...\n"
"Trace kernel functions, user functions and trace events with C-like expressions.\n"
"\n"
"  EXPR            'p FUNC[+off] [name=[S|U|X]expr]... [f:filter]'   kprobe\n"
"                  'r FUNC ...'  kretprobe       'e group/event [f:filter]'  trace event\n"
"                  'P BIN:SYM ...'  uprobe       'R BIN:SYM ...'  uretprobe\n"
"  -S, --show      only show the translation (no root, nothing written)\n"
"      --json      JSON output (with -S: {type,fxpr,filter} per expression)\n"
"  -f FILE         read expressions from FILE, one per line ('#' comments)\n"
"  -a ARCH         target architecture: x86_64 or aarch64 (default: host)\n"
"      --btf FILE  types from FILE (raw BTF or ELF with .BTF) instead of the running kernel\n"
"  -s, --stack     print a kernel stack with every event\n"
"  -t SECONDS      stop after SECONDS\n"
"  -n COUNT        stop after COUNT events\n"
"  -o FILE         write an equivalent shell script to FILE instead of tracing\n"
"      --buffer-kb N   per-CPU buffer size of the trace instance\n"
"  -q, --quiet     no setup messages\n"
"      --cleanup   remove probes and instances left behind by dead surftrace runs\n"
"  -l PATTERN      list traceable functions (glob), events (group/event), BIN:PATTERN symbols\n"
"  -L PATTERN      like -l with prototypes and event fields\n"
"      --struct NAME[.member]   print a struct layout\n"
"  -F FUNC         disassemble a kernel function (-v VMLINUX, --line FILE:LINE)\n"
"  -i, --guide     interactive guide\n"
"      --bundle-out FILE   translate EXPRs for this kernel and every --btf into FILE\n"
"      --bundle FILE       run the entry of FILE that matches this kernel (--list: list)\n"
"  btfgen VMLINUX_OR_KO -o FILE.btf   make a BTF file from DWARF debug info\n"
"\n"
"examples:\n"
"  surftrace 'p wake_up_new_task comm=%0->comm f:comm==\"bash\"'\n"
"  surftrace 'r do_filp_open pos=$retval->f_pos'\n"
"  surftrace 'e sched/sched_stat_wait f:delay>1000000'\n"
"  surftrace 'P /bin/bash:readline' 'R /bin/bash:readline line=!(char *)$retval'\n";

enum {
	OPT_JSON = 256, OPT_BTF, OPT_BUFKB, OPT_CLEANUP, OPT_STRUCT, OPT_LINE,
	OPT_BUNDLE, OPT_BUNDLE_OUT, OPT_LIST,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "show", no_argument, NULL, 'S' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "file", required_argument, NULL, 'f' },
	{ "arch", required_argument, NULL, 'a' },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "stack", no_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 't' },
	{ "count", required_argument, NULL, 'n' },
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
	{ NULL, 0, NULL, 0 },
};

void st_cli_expr_error(int index, const char *expr, const struct st_err *err)
{
	(void)expr;
	if (err->col > 0)
		fprintf(stderr, "surftrace: error: expression %d, column %d: %s\n",
			index + 1, err->col, err->msg);
	else
		fprintf(stderr, "surftrace: error: expression %d: %s\n", index + 1, err->msg);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "surftrace: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; see 'surftrace --help'\n");
	return 2;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return (errno || end == s || *end || *out < 0) ? -1 : 0;
}

/* Append the expressions of FILE (one per line) to the list. */
static int read_expr_file(const char *path, char ***list, int *n, char ***owned, int *nowned)
{
	char *text = st_slurp(path), **lines = NULL;
	int cnt, i;

	if (!text) {
		fprintf(stderr, "surftrace: cannot open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	cnt = text ? st_split_lines(text, &lines) : -1;
	free(text);
	if (cnt < 0)
		return -1;
	*list = realloc(*list, (size_t)(*n + cnt + 1) * sizeof(**list));
	*owned = realloc(*owned, (size_t)(*nowned + cnt + 1) * sizeof(**owned));
	for (i = 0; i < cnt; i++) {
		(*list)[(*n)++] = lines[i];
		(*owned)[(*nowned)++] = lines[i];
	}
	free(lines);
	return 0;
}

int main(int argc, char **argv)
{
	struct st_cli_opts o = { 0 };
	const char *list_pat = NULL, *struct_name = NULL, *disasm = NULL;
	bool list_verbose = false, cleanup = false, guide = false;
	char **exprs = NULL, **owned = NULL;
	int nexprs = 0, nowned = 0, c, rc, i;
	double num;

	if (argc > 1 && !strcmp(argv[1], "btfgen"))
		return st_cmd_btfgen(argc - 1, argv + 1);

	while ((c = getopt_long(argc, argv, "hSf:a:st:n:o:ql:L:v:F:i", long_opts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage_text, stdout); return 0;
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
		case 's': o.stack = true; break;
		case 't':
			if (parse_number(optarg, &num) || num <= 0)
				return bad_usage("-t needs a positive number of seconds, not '%s'", optarg);
			o.timeout = num;
			break;
		case 'n':
			if (parse_number(optarg, &num) || num < 1 || num != (long)num)
				return bad_usage("-n needs a positive whole count, not '%s'", optarg);
			o.count = (long)num;
			break;
		case 'o': o.output = optarg; break;
		case OPT_BUFKB:
			if (parse_number(optarg, &num) || num < 1 || num != (long)num)
				return bad_usage("--buffer-kb needs a positive whole number, not '%s'", optarg);
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
		case 'i': guide = true; break;
		case OPT_BUNDLE: o.bundle_in = optarg; break;
		case OPT_BUNDLE_OUT: o.bundle_out = optarg; break;
		case OPT_LIST: o.list_only = true; break;
		default:
			fprintf(stderr, "see 'surftrace --help'\n");
			return 2;
		}
	}

	exprs = calloc((size_t)argc + 1, sizeof(*exprs));
	if (!exprs)
		return 1;
	for (i = optind; i < argc; i++)
		exprs[nexprs++] = argv[i];
	if (o.file && read_expr_file(o.file, &exprs, &nexprs, &owned, &nowned)) {
		rc = 2;
		goto out;
	}
	o.exprs = exprs;
	o.nexprs = nexprs;

	if (cleanup)
		rc = st_cmd_cleanup(&o);
	else if (list_pat)
		rc = st_cmd_list(&o, list_pat, list_verbose);
	else if (struct_name)
		rc = st_cmd_struct(&o, struct_name);
	else if (disasm || o.line)
		rc = st_cmd_disasm(&o, disasm);
	else if (guide)
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
	return rc;
}
