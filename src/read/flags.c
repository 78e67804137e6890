// SPDX-License-Identifier: MIT
/* ftrace's latency flags column, computed as the kernel's trace_print_lat_fmt does, so
 * lines look like the running kernel's trace_pipe (which is what the original printed):
 * irqs-off, need-resched, hard/soft irq, preempt depth and, since Linux 5.13, the
 * migrate-disable depth (the upper nibble of common_preempt_count). */
#include "read/read_int.h"
#include <stdio.h>
#include <sys/utsname.h>

/* kernel/trace/trace.h, enum trace_flag_type (6.x values) */
#define F_IRQS_OFF         0x01
#define F_NEED_RESCHED_LAZY 0x02
#define F_NEED_RESCHED     0x04
#define F_HARDIRQ          0x08
#define F_SOFTIRQ          0x10
#define F_PREEMPT_RESCHED  0x20
#define F_NMI              0x40
#define F_BH_OFF           0x80

static char resched_char(unsigned int f)
{
	switch (f & (F_NEED_RESCHED | F_NEED_RESCHED_LAZY | F_PREEMPT_RESCHED)) {
	case F_NEED_RESCHED | F_NEED_RESCHED_LAZY | F_PREEMPT_RESCHED: return 'B';
	case F_NEED_RESCHED | F_PREEMPT_RESCHED: return 'N';
	case F_NEED_RESCHED_LAZY | F_PREEMPT_RESCHED: return 'L';
	case F_NEED_RESCHED | F_NEED_RESCHED_LAZY: return 'b';
	case F_NEED_RESCHED: return 'n';
	case F_PREEMPT_RESCHED: return 'p';
	case F_NEED_RESCHED_LAZY: return 'l';
	default: return '.';
	}
}

/* Whether this kernel prints the fifth (migrate-disable) column: 5.13 and later. */
static bool has_migrate_column(void)
{
	static int cached = -1;
	struct utsname u;
	int major = 0, minor = 0;

	if (cached < 0) {
		cached = !uname(&u) && sscanf(u.release, "%d.%d", &major, &minor) == 2 &&
			 (major > 5 || (major == 5 && minor >= 13));
	}
	return cached;
}

void st_lat_flags(unsigned int f, unsigned int preempt, char out[8])
{
	bool nmi = f & F_NMI, hard = f & F_HARDIRQ, soft = f & F_SOFTIRQ;
	bool irqoff = f & F_IRQS_OFF, bhoff = f & F_BH_OFF;

	out[0] = irqoff && bhoff ? 'D' : irqoff ? 'd' : bhoff ? 'b' : '.';
	out[1] = resched_char(f);
	out[2] = nmi && hard ? 'Z' : nmi ? 'z' : hard && soft ? 'H' : hard ? 'h' : soft ? 's' : '.';
	out[3] = (preempt & 0xf) ? "0123456789abcdef"[preempt & 0xf] : '.';
	out[4] = '\0';
	if (has_migrate_column()) {
		out[4] = (preempt >> 4 & 0xf) ? "0123456789abcdef"[preempt >> 4 & 0xf] : '.';
		out[5] = '\0';
	}
}
