// SPDX-License-Identifier: MIT
/* surftrace hive add|list|rm: the local type hive (docs/HIVE.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "hive/hive.h"
#include "util/json.h"

static const char hive_usage[] =
"usage: surftrace hive add DIR SOURCE... [--release R] [--distro D] [--arch A] [--dwarf]\n"
"                          [--readme TRACEFS_README] [--modules GLOB[,GLOB...]]\n"
"       surftrace hive list DIR [--json]\n"
"       surftrace hive rm DIR RELEASE|BUILD-ID...\n"
"  SOURCE: a Debian -dbg .deb, an RPM kernel-debuginfo package, a vmlinux with DWARF or\n"
"  .BTF, or a raw BTF file (with --release). Entries already there (same build id or same\n"
"  source) are skipped. --dwarf makes BTF from DWARF even when the image has .BTF.\n"
"  --readme records that kernel's tracefs README (what fetch syntax it accepts); the\n"
"  running kernel's is recorded by itself. --modules also takes the modules whose name\n"
"  matches out of a package ('*': all; default none), each as split BTF over its kernel;\n"
"  a .ko given as SOURCE is added over its kernel's entry.\n"
"examples:\n"
"  surftrace hive add ~/hive linux-image-6.1.0-13-amd64-dbg_6.1.55-1_amd64.deb\n"
"  surftrace hive add ~/hive kernel-debuginfo-4.18.0-513.el8.x86_64.rpm --modules 'veth,nf_*'\n"
"  surftrace hive add ~/hive 5.10.btf --release 5.10.0-26-amd64\n"
"  SURFTRACE_HIVE=~/hive surftrace -S 'p do_filp_open n=$pathname->name'\n";

struct bar {
	const char *source;
	bool tty;
	time_t last;
	char phase[16];
	int pct;
	unsigned mods[3];   /* added, already there, failed */
};

static void on_progress(void *ctx, const char *phase, unsigned long long done,
			unsigned long long total)
{
	struct bar *b = ctx;
	int pct = total ? (int)(done * 100 / total) : -1, i;
	time_t now;

	if (!b->tty)
		return;
	if (pct == b->pct && !strcmp(phase, b->phase))
		return;
	now = time(NULL);
	if (!strcmp(phase, b->phase) && now == b->last && pct != 100)
		return;
	b->last = now;
	b->pct = pct;
	snprintf(b->phase, sizeof(b->phase), "%s", phase);
	fprintf(stderr, "\r\033[K%.40s: %-8s", b->source, phase);
	if (pct >= 0) {
		fputs(" [", stderr);
		for (i = 0; i < 30; i++)
			fputc(i < pct * 30 / 100 ? '#' : '.', stderr);
		fprintf(stderr, "] %3d%%", pct);
	}
	fflush(stderr);
}

static void on_module(void *ctx, const char *name, int rc, const char *msg)
{
	struct bar *b = ctx;

	b->mods[rc == ST_HIVE_ADDED ? 0 : rc == ST_HIVE_SKIPPED ? 1 : 2]++;
	if (rc >= 0)
		return;
	if (b->tty && b->phase[0])
		fputs("\r\033[K", stderr);
	fprintf(stderr, "surftrace: error: %s: module %s: %s\n", b->source, name, msg);
	b->phase[0] = '\0';
}

static int hive_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "release", required_argument, NULL, 'r' },
		{ "distro", required_argument, NULL, 'd' },
		{ "arch", required_argument, NULL, 'a' },
		{ "dwarf", no_argument, NULL, 'D' },
		{ "readme", required_argument, NULL, 'R' },
		{ "modules", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct st_hive_add_opts o = { 0 };
	int c, i, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:d:a:DR:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': o.release = optarg; break;
		case 'd': o.distro = optarg; break;
		case 'a': o.arch = optarg; break;
		case 'D': o.dwarf = true; break;
		case 'R': o.readme = optarg; break;
		case 'm': o.modules = optarg; break;
		case 'h': fputs(hive_usage, stdout); return 0;
		default: fputs(hive_usage, stderr); return 2;
		}
	}
	if (argc - optind < 2) {
		fputs(hive_usage, stderr);
		return 2;
	}
	for (i = optind + 1; i < argc; i++) {
		struct bar b = { .source = argv[i], .tty = isatty(2), .pct = -2 };
		struct st_hive_entry e;
		struct st_err err = { 0 };
		int r;

		o.progress.fn = on_progress;
		o.progress.module = on_module;
		o.progress.ctx = &b;
		r = st_hive_add(argv[optind], argv[i], &o, &e, &err);
		if (b.tty && b.phase[0])
			fputs("\r\033[K", stderr);
		if (r < 0) {
			fprintf(stderr, "surftrace: error: %s: %s\n", argv[i], err.msg);
			rc = 1;
			continue;
		}
		if (e.module[0]) {
			printf("added module %s for %s %s %s\n", e.module, e.release, e.arch,
			       e.distro);
			fflush(stdout);
			continue;
		}
		printf("%s %s %s %s %s (%s)\n", r == ST_HIVE_ADDED ? "added" : "skipped",
		       e.release, e.arch, e.distro, e.build_id[0] ? e.build_id : "-",
		       r == ST_HIVE_ADDED ? argv[i] : "already in the hive");
		if (o.modules && b.mods[0] + b.mods[1] + b.mods[2])
			printf("modules of %s %s %s: %u added, %u already in the hive, %u failed\n",
			       e.release, e.arch, e.distro, b.mods[0], b.mods[1], b.mods[2]);
		fflush(stdout);
		if (b.mods[2])
			rc = 1;
		if (o.modules && !b.mods[0] && !b.mods[1] && !b.mods[2] && !e.module[0] &&
		    e.package) {
			fprintf(stderr, "surftrace: error: %s: no module matches --modules '%s' "
				"(names as the kernel spells them, e.g. 'nf_nat', '*' for all)\n",
				argv[i], o.modules);
			rc = 1;
		}
	}
	return rc;
}

static int hive_list(int argc, char **argv)
{
	struct st_hive_entry *v;
	struct st_err err = { 0 };
	const char *dir = NULL;
	bool json = false;
	size_t n, i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--json"))
			json = true;
		else if (argv[a][0] != '-' && !dir)
			dir = argv[a];
		else {
			fputs(hive_usage, stderr);
			return 2;
		}
	}
	if (!dir) {
		fputs(hive_usage, stderr);
		return 2;
	}
	if (st_hive_load(dir, &v, &n, &err)) {
		fprintf(stderr, "surftrace: error: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		const struct st_hive_entry *e = &v[i];

		if (!json) {
			printf("%s %s %s %s\n", e->release, e->arch, e->distro,
			       e->build_id[0] ? e->build_id : "-");
			continue;
		}
		fputs("{\"release\":", stdout);
		st_json_str(stdout, e->release);
		fputs(",\"arch\":", stdout);
		st_json_str(stdout, e->arch);
		fputs(",\"distro\":", stdout);
		st_json_str(stdout, e->distro);
		fputs(",\"build_id\":", stdout);
		if (e->build_id[0])
			st_json_str(stdout, e->build_id);
		else
			fputs("null", stdout);
		fputs(",\"source\":", stdout);
		st_json_str(stdout, e->source);
		fputs(",\"sha256\":", stdout);
		st_json_str(stdout, e->sha256);
		fputs("}\n", stdout);
	}
	free(v);
	return 0;
}

static int hive_rm(int argc, char **argv)
{
	struct st_err err = { 0 };
	int i, n, rc = 0;

	if (argc < 3 || argv[1][0] == '-') {
		fputs(hive_usage, stderr);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		n = st_hive_rm(argv[1], argv[i], &err);
		if (n < 0) {
			fprintf(stderr, "surftrace: error: %s\n", err.msg);
			return 1;
		}
		if (!n) {
			fprintf(stderr, "surftrace: error: no entry with release or build id '%s' "
				"in %s (see 'surftrace hive list %s')\n", argv[i], argv[1], argv[1]);
			rc = 1;
			continue;
		}
		printf("removed %d entr%s for %s\n", n, n == 1 ? "y" : "ies", argv[i]);
	}
	return rc;
}

int st_cmd_hive(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return hive_add(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "list"))
		return hive_list(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "rm"))
		return hive_rm(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(hive_usage, stdout);
		return 0;
	}
	fprintf(stderr, "surftrace: hive needs a subcommand: add, list or rm\n%s", hive_usage);
	return 2;
}
