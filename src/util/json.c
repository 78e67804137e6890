// SPDX-License-Identifier: MIT
#include "util/json.h"

size_t st_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;       /* continuation byte, 0xc0/0xc1 (overlong), 0xf5.. */
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void st_json_escape(st_json_put_fn put, void *ctx, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0, i = 0, len;

	put(ctx, "\"", 1);
	while (s && i < n && p[i]) {
		unsigned char c = p[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		const char *e = esc;
		size_t elen = 6;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
			i++;
			run++;
			continue;
		}
		/* (a well-formed sequence holds no NUL: it cannot run past the string) */
		if (c >= 0x80 && (len = st_utf8_len(p + i, n - i)) > 0) {
			i += len;
			run += len;
			continue;
		}
		if (run)
			put(ctx, (const char *)p + i - run, run);
		run = 0;
		switch (c) {
		case '"': e = "\\\""; elen = 2; break;
		case '\\': e = "\\\\"; elen = 2; break;
		case '\n': e = "\\n"; elen = 2; break;
		case '\t': e = "\\t"; elen = 2; break;
		case '\r': e = "\\r"; elen = 2; break;
		default: break;     /* other controls, DEL, invalid UTF-8 bytes: \u00XX */
		}
		put(ctx, e, elen);
		i++;
	}
	if (run)
		put(ctx, (const char *)p + i - run, run);
	put(ctx, "\"", 1);
}

static void put_file(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}

void st_json_strn(FILE *f, const char *s, size_t n)
{
	st_json_escape(put_file, f, s, n);
}

void st_json_str(FILE *f, const char *s)
{
	st_json_escape(put_file, f, s, (size_t)-1);
}
