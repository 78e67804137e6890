// SPDX-License-Identifier: MIT
/* A stand-in for a kernel module, built by the hive tests with gcc -g -c (a relocatable
 * object, as a .ko is): .modinfo naming the module and the kernel it was built for, its own
 * struct that embeds a type of the kernel's (struct list_head), and a function. */
#ifndef RELEASE
#define RELEASE "6.1.0-99-fake"
#endif

struct list_head {
	struct list_head *next, *prev;
};

struct fakemod_dev {
	long id;
	struct list_head node;
	char label[12];
	unsigned int queues;
};

static const char modinfo[] __attribute__((section(".modinfo"), used)) =
	"name=fakemod\0vermagic=" RELEASE " SMP preempt mod_unload modversions ";

int fakemod_xmit(struct fakemod_dev *dev, int len)
{
	return (int)dev->queues + len;
}
