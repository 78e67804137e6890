// SPDX-License-Identifier: MIT
/* The /proc/kcore path of -F, on a synthetic kcore (an ELF core file whose PT_LOAD maps
 * kernel addresses) and a synthetic kallsyms written by the test: function sizes from
 * the next symbol, suffix resolution, address lookup, reads inside/outside the segment,
 * and the zeroed-addresses (kptr_restrict) refusal. */
#include <elf.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "discover/kimage.h"

#define BASE 0xffffffff81000000ULL

static char dir[] = "/tmp/st_kimage_test.XXXXXX";
static char kcore[600], ksyms[600], zsyms[600];

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static int setup(void **state)
{
	unsigned char img[0x1000 + 0x200];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	const char *syms = "ffffffff81000000 T func_a\n"
			   "ffffffff81000040 t func_b\n"
			   "ffffffff81000080 T func_c.isra.0\n"
			   "ffffffff81000100 D some_data\n"
			   "ffffffff81000180 T func_d\n"
			   "ffffffff81000200 T _etext\n";
	const char *zero = "0000000000000000 T func_a\n0000000000000000 T func_b\n";
	size_t i;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_offset = 0x1000;
	ph->p_vaddr = BASE;
	ph->p_filesz = ph->p_memsz = 0x200;
	for (i = 0; i < 0x200; i++)
		img[0x1000 + i] = (unsigned char)(i * 7 + 3);
	snprintf(kcore, sizeof(kcore), "%s/kcore", dir);
	snprintf(ksyms, sizeof(ksyms), "%s/kallsyms", dir);
	snprintf(zsyms, sizeof(zsyms), "%s/kallsyms0", dir);
	write_file(kcore, img, sizeof(img));
	write_file(ksyms, syms, strlen(syms));
	write_file(zsyms, zero, strlen(zero));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(kcore);
	unlink(ksyms);
	unlink(zsyms);
	rmdir(dir);
	return 0;
}

static void test_kcore(void **state)
{
	struct st_err err = { 0 };
	struct st_kimage *k = st_kimage_open_kcore(kcore, ksyms, &err);
	const struct st_kfunc *f;
	unsigned char buf[16];
	size_t i;

	(void)state;
	if (!k)
		fail_msg("open: %s", err.msg);
	assert_string_equal(st_kimage_symsource(k), "kallsyms");
	assert_int_equal(st_kimage_nfuncs(k), 5);          /* text symbols only */
	f = st_kimage_func(k, "func_a");
	assert_non_null(f);
	assert_true(f->addr == BASE && f->size == 0x40);
	f = st_kimage_func(k, "func_c");                    /* only exists with a suffix */
	assert_non_null(f);
	assert_string_equal(f->name, "func_c.isra.0");
	assert_true(f->size == 0x100);                      /* up to the next text symbol */
	f = st_kimage_func_at(k, BASE + 0x45);
	assert_non_null(f);
	assert_string_equal(f->name, "func_b");
	assert_null(st_kimage_func(k, "some_data"));
	assert_int_equal(st_kimage_read(k, BASE + 0x40, buf, sizeof(buf)), 0);
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], (unsigned char)((0x40 + i) * 7 + 3));
	assert_int_equal(st_kimage_read(k, BASE + 0x1f8, buf, sizeof(buf)), -1);
	assert_int_equal(st_kimage_read(k, BASE - 8, buf, 4), -1);
	assert_null(st_kimage_dwarf(k));
	st_kimage_free(k);
}

static void test_kptr_restrict(void **state)
{
	struct st_err err = { 0 };

	(void)state;
	assert_null(st_kimage_open_kcore(kcore, zsyms, &err));
	assert_non_null(strstr(err.msg, "kptr_restrict"));
	assert_null(st_kimage_open_kcore("/nonexistent/kcore", ksyms, &err));
	assert_non_null(strstr(err.msg, "-v VMLINUX"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kcore),
		cmocka_unit_test(test_kptr_restrict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
