/* Placeholder until btfgen lands (issue 7). */
#include <stdio.h>
#include "cli/cli.h"
int st_cmd_btfgen(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "surftrace: btfgen not built yet\n"); return 1; }
