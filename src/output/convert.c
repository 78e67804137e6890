// SPDX-License-Identifier: MIT
/* Name-prefix conversions (README 2.4): the prefix of a variable's name says how its value
 * is shown: the values printed. Which prefix asks for which conversion is the compiler's
 * (st_conv_from_name, src/compile/probe.c). */
#include <stdio.h>
#include <string.h>
#include "compile/compile.h"
#include "output/output.h"

/* Width in bytes each conversion expects; 0 for none. */
static int conv_width(enum st_conv c)
{
	switch (c) {
	case ST_CONV_IP: case ST_CONV_B32: case ST_CONV_BX32: return 4;
	case ST_CONV_B16: case ST_CONV_BX16: return 2;
	case ST_CONV_B64: case ST_CONV_BX64: return 8;
	default: return 0;
	}
}

static unsigned long long swap_bytes(unsigned long long v, int width)
{
	switch (width) {
	case 2: return __builtin_bswap16((unsigned short)v);
	case 4: return __builtin_bswap32((unsigned int)v);
	default: return __builtin_bswap64(v);
	}
}

bool st_conv_format(enum st_conv c, unsigned long long v, int size, char *buf, size_t n)
{
	int w = conv_width(c);
	/* A field narrower than the conversion cannot hold it; a wider one can if the value
	 * fits (the kernel may fetch a be16 into a u32 slot). */
	if (!w || size < w || (w < 8 && (v >> (w * 8))))
		return false;
	if (c == ST_CONV_IP) {
		/* Network order in memory: the first byte is the most significant octet. On a
		 * little-endian host the loaded u32 holds it in its low byte. */
		unsigned char b[4];
		unsigned int u = (unsigned int)v;
		memcpy(b, &u, 4);
		snprintf(buf, n, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
		return true;
	}
	unsigned long long s = swap_bytes(v, w);
	if (c == ST_CONV_BX16 || c == ST_CONV_BX32 || c == ST_CONV_BX64)
		snprintf(buf, n, "0x%llx", s);
	else
		snprintf(buf, n, "%llu", s);
	return true;
}
