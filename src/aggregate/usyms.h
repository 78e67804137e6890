/* SPDX-License-Identifier: MIT */
/* Names for user stack frames (ustack keys): libdwfl over /proc/PID/maps. */
#ifndef ST_AGGREGATE_USYMS_H
#define ST_AGGREGATE_USYMS_H
#include <stdbool.h>
#include <stddef.h>

struct st_usyms;
struct st_usyms *st_usyms_new(void);
void st_usyms_free(struct st_usyms *u);
/* Remember task pid's modules now (cheap when already known; the last 64 tasks kept). */
void st_usyms_prepare(struct st_usyms *u, int pid);
/* "sym+0xoff" (with_off) or "sym"; "module+0xoff" without a symbol, else "0x...".
 * return_addr: pc is a return address (every frame but the innermost). */
void st_usyms_name(struct st_usyms *u, int pid, unsigned long long pc, bool return_addr,
		   bool with_off, char *buf, size_t n);

#endif
