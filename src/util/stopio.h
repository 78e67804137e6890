/* SPDX-License-Identifier: MIT */
/* Writing to stdout without letting it decide when a run may stop. A reader that reads
 * slowly or never must not keep a stopped run (and its probes) alive: writes wait with
 * poll(2) in short steps and give up once a stop has been asked for longer than the drain
 * bound, or at once on a second stop. */
#ifndef ST_UTIL_STOPIO_H
#define ST_UTIL_STOPIO_H
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#define ST_STOPIO_DRAIN_MS 2000   /* after a stop, how long output may still take */

struct st_stopio;

/* A FILE writing to fd (not closed by fclose) that watches *level (st_stopsig levels: 0
 * running, 1 stopping, 2 now). While running, it waits for the reader as long as needed.
 * From the first write after level 1 it allows drain_ms more (0 = ST_STOPIO_DRAIN_MS),
 * then, or at level 2, drops what is left and fails every later write with ECANCELED.
 * Write errors (ENOSPC, EBADF, EPIPE...) fail with their errno. NULL on ENOMEM. */
struct st_stopio *st_stopio_new(int fd, const volatile sig_atomic_t *level, int drain_ms);
FILE *st_stopio_file(struct st_stopio *s);
/* errno of the first failed write (ECANCELED when the drain was cut short), 0 if none. */
int st_stopio_error(const struct st_stopio *s);
/* Bytes dropped because the drain was cut short. */
unsigned long long st_stopio_dropped(const struct st_stopio *s);
/* fclose()s the FILE (flushing within the same bounds) and frees; returns the error as
 * st_stopio_error would. */
int st_stopio_close(struct st_stopio *s);

/* A closed stdin, stdout or stderr would be handed out by the next open(): a tracefs or
 * BPF file would then receive what is printed. Puts /dev/null in each closed slot and
 * returns whether stdout was closed (so the caller can refuse to run). Call first. */
bool st_stopio_guard_std_fds(void);

/* Flushes stdout (stdio): 0 when everything written to it arrived, else the errno
 * (EIO when unknown). */
int st_stopio_stdout_error(void);

#endif
