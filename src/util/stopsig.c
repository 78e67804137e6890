// SPDX-License-Identifier: MIT
/* The stop-signal table (see stopsig.h). */
#include "util/stopsig.h"
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static volatile sig_atomic_t *stop_level;
static void (*stop_hook)(void);

/* Signals that normally mean a bug in this process: only a kill(2) from outside is a
 * stop request; a real fault goes back to whoever handled it before (or the default). */
static const int fault_sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS };
static struct sigaction fault_old[sizeof(fault_sigs) / sizeof(fault_sigs[0])];
static bool faults_caught;

static const int async_sigs[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU,
	SIGXFSZ, SIGVTALRM, SIGPROF,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
#ifdef SIGPWR
	SIGPWR,
#endif
	SIGIO,
};

static void on_stop(int sig)
{
	(void)sig;
	if (stop_level)
		st_stopsig_raise(stop_level);
	if (stop_hook)
		stop_hook();
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	size_t i;

	(void)uc;
	if (si && si->si_code <= 0) {      /* SI_USER, SI_QUEUE, SI_TKILL: sent, not a fault */
		on_stop(sig);
		return;
	}
	/* A real fault: the previous handler (or the default) gets it when the faulting
	 * instruction runs again. */
	for (i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		if (fault_sigs[i] == sig)
			sigaction(sig, &fault_old[i], NULL);
}

void st_stopsig_install(volatile sig_atomic_t *level, void (*on_signal)(void))
{
	struct sigaction sa, old;
	size_t i;
	int s;

	stop_level = level;
	stop_hook = on_signal;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* One handler at a time: the level counts signals, not races. */
	for (i = 0; i < sizeof(async_sigs) / sizeof(async_sigs[0]); i++)
		sigaddset(&sa.sa_mask, async_sigs[i]);
	for (s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(&sa.sa_mask, s);
	sa.sa_handler = on_stop;
	for (i = 0; i < sizeof(async_sigs) / sizeof(async_sigs[0]); i++) {
		if (async_sigs[i] == SIGHUP && !sigaction(SIGHUP, NULL, &old) &&
		    old.sa_handler == SIG_IGN)
			continue;   /* nohup: the user asked to outlive the terminal */
		sigaction(async_sigs[i], &sa, NULL);
	}
	for (s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaction(s, &sa, NULL);
	if (faults_caught)
		return;     /* fault_old must keep what was there before us */
	faults_caught = true;
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	for (i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		sigaction(fault_sigs[i], &sa, &fault_old[i]);
}
