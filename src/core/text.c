/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/text.h"

#include <stdarg.h>
#include <stdlib.h>

#include <string.h>
#include <wchar.h>

#include "core/xmalloc.h"

int
text_decode(const char *str, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	int len;
	unsigned min;
	if (c == 0)
		return 0;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return len;
}

/* Characters a terminal may interpret, or that reorder what follows. */
static bool
is_dangerous(unsigned cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

bool
text_has_controls(const char *s)
{
	unsigned cp;
	int n;
	if (s == NULL)
		return false;
	while ((n = text_decode(s, &cp)) != 0) {
		if (n < 0 || is_dangerous(cp))
			return true;
		s += n;
	}
	return false;
}

char *
text_sanitize(const char *s)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	if (s == NULL)
		return xstrdup("");
	size_t len = strlen(s);
	char *out = xmalloc(len * 3 + 1), *o = out;
	unsigned cp;
	int n;
	while (*s != '\0') {
		n = text_decode(s, &cp);
		if (n < 0) {
			memcpy(o, replacement, 3);
			o += 3;
			s++;
			continue;
		}
		if (cp == '\t' || cp == '\n' || cp == '\r') {
			*o++ = ' ';
		} else if (is_dangerous(cp)) {
			memcpy(o, replacement, 3);
			o += 3;
		} else {
			memcpy(o, s, (size_t)n);
			o += n;
		}
		s += n;
	}
	*o = '\0';
	return out;
}

void
text_fputs(const char *s, FILE *f)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	if (s == NULL)
		return;
	unsigned cp;
	int n;
	while (*s != '\0') {
		n = text_decode(s, &cp);
		if (n < 0) {
			fputs(replacement, f);
			s++;
			continue;
		}
		if (cp != '\n' && cp != '\t' && is_dangerous(cp))
			fputs(replacement, f);
		else
			fwrite(s, 1, (size_t)n, f);
		s += n;
	}
}

void
text_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	text_fputs(s, f);
	free(s);
}

static int
char_width(unsigned cp)
{
	int w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1; /* unknown to the locale: the terminal will most likely use one column */
	return w;
}

int
text_width(const char *s)
{
	int w = 0;
	unsigned cp;
	int n;
	while (s != NULL && (n = text_decode(s, &cp)) != 0) {
		if (n < 0) {
			w++;
			s++;
			continue;
		}
		w += char_width(cp);
		s += n;
	}
	return w;
}

size_t
text_fit(const char *s, int cols, int *width)
{
	const char *start = s;
	int w = 0;
	unsigned cp;
	int n;
	while (s != NULL && (n = text_decode(s, &cp)) != 0) {
		int cw = n < 0 ? 1 : char_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		s += n < 0 ? 1 : n;
	}
	if (width)
		*width = w;
	return s ? (size_t)(s - start) : 0;
}
