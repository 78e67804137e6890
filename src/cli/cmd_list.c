/* Placeholder until discovery lands (issue 7). */
#include <stdio.h>
#include "cli/cli.h"
int st_cmd_list(const struct st_cli_opts *o, const char *pat, bool verbose) { (void)o; (void)pat; (void)verbose; fprintf(stderr, "surftrace: -l not built yet\n"); return 1; }
int st_cmd_struct(const struct st_cli_opts *o, const char *name) { (void)o; (void)name; fprintf(stderr, "surftrace: --struct not built yet\n"); return 1; }
int st_cmd_disasm(const struct st_cli_opts *o, const char *func) { (void)o; (void)func; fprintf(stderr, "surftrace: -F not built yet\n"); return 1; }
int st_cmd_bundle(const struct st_cli_opts *o) { (void)o; fprintf(stderr, "surftrace: bundles not built yet\n"); return 1; }
