/* SPDX-License-Identifier: MIT */
/* One table of the signals that end a process by default, caught so that a run tears
 * down what it created instead of dying with it (surftrace, bundles, lbc). */
#ifndef ST_UTIL_STOPSIG_H
#define ST_UTIL_STOPSIG_H
#include <signal.h>

/* Catches every default-terminate signal: HUP INT QUIT TERM PIPE ALRM USR1 USR2 XCPU
 * XFSZ VTALRM PROF STKFLT PWR IO and the real-time signals; and ABRT SEGV BUS ILL FPE
 * TRAP SYS when another process sends them (a real fault keeps its previous handler).
 * Each signal raises *level by one, up to 2 (1 = stop and drain, 2 = tear down now),
 * then calls on_signal (may be NULL; it must be async-signal-safe). No SA_RESTART: a
 * blocked read, write or poll returns, so the level is seen. An inherited SIG_IGN for
 * SIGHUP stays (nohup). Call once, from the main thread. */
void st_stopsig_install(volatile sig_atomic_t *level, void (*on_signal)(void));

/* The level after n signals: what a handler does, for callers with their own flag. */
static inline void st_stopsig_raise(volatile sig_atomic_t *level)
{
	if (*level < 2)
		*level = *level + 1;
}

#endif
