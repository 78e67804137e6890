// SPDX-License-Identifier: MIT
/* A small stand-in for a kernel image, built by the hive tests with gcc -g: a
 * linux_banner naming RELEASE, a GNU build-id note (-Wl,--build-id), structs with
 * bitfields, nesting and arrays, and functions with prototypes. */
#ifndef RELEASE
#define RELEASE "6.1.0-99-fake"
#endif
#ifndef DISTRO
#define DISTRO "Debian 6.1.999-1"
#endif

struct list_head {
	struct list_head *next, *prev;
};

struct fake_mm {
	int mm_users;
	unsigned long start_brk, brk;
};

struct fake_task {
	int pid;
	unsigned int flags : 3, mode : 5;
	char comm[16];
	struct list_head tasks;
	struct fake_task *parent;
	struct fake_mm *mm;
	union {
		long long start;
		unsigned char bytes[8];
	} u;
	short prio[3];
};

const char linux_banner[] = "Linux version " RELEASE " (builder@example.org) (gcc) #1 SMP " DISTRO "\n";

int fake_wake(struct fake_task *p, int flags)
{
	return p->pid + flags;
}

long fake_open(int dfd, const char *name, struct fake_task *t)
{
	return dfd + (long)name[0] + t->u.start;
}

int main(void)
{
	struct fake_task t = { 0 };

	return fake_wake(&t, 0) + (int)fake_open(0, "x", &t) + linux_banner[0];
}
