// SPDX-License-Identifier: MIT
/* A stand-in for a kernel module, built by the hive tests with gcc -g -c (a relocatable
 * object, as a .ko is): .modinfo naming the module and the kernel it was built for, its own
 * struct that embeds a type of the kernel's (struct list_head), and a function. -DMODNAME=x
 * names it x (struct x_dev, x_xmit), -DLABEL_LEN=N moves its last member. */
#ifndef RELEASE
#define RELEASE "6.1.0-99-fake"
#endif
#ifndef MODNAME
#define MODNAME fakemod
#endif
#ifndef LABEL_LEN
#define LABEL_LEN 12
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(x) #x
#define STR(x) STR_(x)

struct list_head {
	struct list_head *next, *prev;
};

struct CAT(MODNAME, _dev) {
	long id;
	struct list_head node;
	char label[LABEL_LEN];
	unsigned int queues;
};

static const char modinfo[] __attribute__((section(".modinfo"), used)) =
	"name=" STR(MODNAME) "\0vermagic=" RELEASE " SMP preempt mod_unload modversions ";

int CAT(MODNAME, _xmit)(struct CAT(MODNAME, _dev) *dev, int len)
{
	return (int)dev->queues + len;
}

/* -DSHARED_ARG=TYPE: also fake_rx(TYPE, int), a name several modules define (the
 * index's same-named functions). */
#ifdef SHARED_ARG
int fake_rx(SHARED_ARG x, int n)
{
	return (int)sizeof(x) + n;
}
#endif
