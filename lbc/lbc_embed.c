// SPDX-License-Identifier: MIT
/* lbc.h built into the library, so an installed lbc needs no header on disk: it writes the
 * text next to the generated vmlinux.h in its cache. LBC_H_PATH comes from lbc/lbc.mk. */
#include "lbc_int.h"

#ifndef LBC_H_PATH
#define LBC_H_PATH "lbc/lbc.h"
#endif

__asm__(".section .rodata\n"
	".global lbc_h_text\n"
	".type lbc_h_text, @object\n"
	"lbc_h_text:\n"
	".incbin \"" LBC_H_PATH "\"\n"
	".byte 0\n"
	"lbc_h_end:\n"
	".global lbc_h_len\n"
	".type lbc_h_len, @object\n"
	".balign 4\n"
	"lbc_h_len:\n"
	".long lbc_h_end - lbc_h_text - 1\n"
	".previous\n");
