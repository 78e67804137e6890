// SPDX-License-Identifier: MIT
/* surfguide: the interactive guide as its own program (the same as surftrace -i).
 * Expressions run with the surftrace binary found next to this one, else in $PATH;
 * SURFTRACE=path overrides. */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "guide.h"
#include "types/hive.h"
#include "version.h"

static const char usage[] =
	"usage: surfguide [-a ARCH] [--btf FILE | --kernel RELEASE] [--hive DIR] [-v VMLINUX]\n"
	"       [FILE.surf]\n"
	"       (--version: print the version; --hive or SURFTRACE_HIVE: types of kernels\n"
	"       without BTF, docs/HIVE.md; -v/--vmlinux: a debuginfo vmlinux whose DWARF\n"
	"       places %N/$name at FUNC+off)\n"
	"Interactive guide for surftrace expressions: Tab completion of functions, events,\n"
	"arguments and struct members, the translated probe line as you type, Enter runs.\n"
	"Type :help inside for the commands. Example:\n"
	"  surfguide probes.surf\n";

static const char *find_surftrace(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("SURFTRACE");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		snprintf(path, sizeof(path), "%s/surftrace", dirname(self));
		if (access(path, X_OK) == 0)
			return path;
	}
	return "surftrace";
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "btf", required_argument, NULL, 'B' },
		{ "vmlinux", required_argument, NULL, 'v' },
		{ "hive", required_argument, NULL, 'H' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct g_opts o = { .surftrace = find_surftrace() };
	const char *kernel = NULL;
	static char kbtf[4096];
	struct st_err err = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "a:hVv:", lo, NULL)) != -1) {
		switch (c) {
		case 'a': o.arch = optarg; break;
		case 'B': o.btf = optarg; break;
		case 'v': o.vmlinux = optarg; break;
		case 'H': setenv("SURFTRACE_HIVE", optarg, 1); break;
		case 'K': kernel = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': puts("surfguide " ST_VERSION); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (kernel) {
		if (st_hive_resolve(o.btf, kernel, o.arch, kbtf, sizeof(kbtf), &err)) {
			fprintf(stderr, "surfguide: error: %s\n", err.msg);
			return 1;
		}
		o.btf = kbtf;
	}
	if (optind < argc)
		o.load = argv[optind++];
	if (optind < argc) {
		fputs(usage, stderr);
		return 2;
	}
	return g_main(&o);
}
