/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "notify/gsm7.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* The basic table beyond ASCII letters, digits and most punctuation. */
static const uint32_t gsm7_basic_extra[] = {
    0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x00D8, 0x00F8, 0x00C5,
    0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E,
    0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
    0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* ASCII characters missing from the basic table: in the extension (2 septets) or not at all. */
static int
ascii_septets(uint32_t c)
{
	switch (c) {
	case '^': case '{': case '}': case '\\': case '[': case ']': case '~': case '|':
		return 2;
	case '`':
		return 0;
	default:
		break;
	}
	if (c == '\n' || c == '\r')
		return 1;
	if (c < 0x20 || c == 0x7F)
		return 0;
	return 1;
}

/* Septets of one code point: 1, 2, or 0 when not representable. */
static int
char_septets(uint32_t c)
{
	if (c < 0x80)
		return ascii_septets(c);
	if (c == 0x20AC)
		return 2;
	for (size_t i = 0; i < sizeof gsm7_basic_extra / sizeof gsm7_basic_extra[0]; i++)
		if (gsm7_basic_extra[i] == c)
			return 1;
	return 0;
}

/* Decode one UTF-8 sequence; returns its length (1 for an invalid byte, c = U+FFFD). */
static size_t
utf8_next(const unsigned char *s, uint32_t *c)
{
	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (n == 0) {
		*c = 0xFFFD;
		return 1;
	}
	uint32_t v = s[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*c = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	*c = v;
	return n;
}

/* What a character GSM-7 lacks becomes (ASCII or GSM-7 UTF-8), or NULL. */
static const char *
replacement(uint32_t c)
{
	switch (c) {
	case 0x00C0: case 0x00C1: case 0x00C2: case 0x00C3: return "A";
	case 0x00E1: case 0x00E2: case 0x00E3: return "a";
	case 0x00C8: case 0x00CA: case 0x00CB: return "E";
	case 0x00EA: case 0x00EB: return "e";
	case 0x00CC: case 0x00CD: case 0x00CE: case 0x00CF: return "I";
	case 0x00ED: case 0x00EE: case 0x00EF: return "i";
	case 0x00D2: case 0x00D3: case 0x00D4: case 0x00D5: return "O";
	case 0x00F3: case 0x00F4: case 0x00F5: return "o";
	case 0x00D9: case 0x00DA: case 0x00DB: return "U";
	case 0x00FA: case 0x00FB: return "u";
	case 0x00E7: return "c";
	case 0x00FD: case 0x00FF: return "y";
	case 0x0178: case 0x00DD: return "Y";
	case 0x0152: return "OE";
	case 0x0153: return "oe";
	case 0x00A0: case 0x202F: case 0x2009: case 0x2007: case 0x2002: case 0x2003: return " ";
	case 0x2018: case 0x2019: case 0x02BC: case 0x00B4: case '`': return "'";
	case 0x201C: case 0x201D: case 0x00AB: case 0x00BB: return "\"";
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212: return "-";
	case 0x2026: return "...";
	case 0x00B0: return "o";
	default: return NULL;
	}
}

char *
gsm7_transliterate(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t cap = strlen((const char *)s) * 3 + 1, len = 0;
	char *out = xmalloc(cap);
	while (*s) {
		uint32_t c;
		size_t n = utf8_next(s, &c);
		const char *rep = NULL;
		char one[2] = "";
		if (char_septets(c) > 0) {
			memcpy(out + len, s, n);
			len += n;
		} else {
			rep = replacement(c);
			if (rep == NULL) {
				one[0] = (c < 0x20 || c == 0x7F) ? ' ' : '?';
				rep = one;
			}
			size_t k = strlen(rep);
			memcpy(out + len, rep, k);
			len += k;
		}
		s += n;
	}
	out[len] = '\0';
	return out;
}

size_t
gsm7_septets(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
	size_t total = 0;
	while (*s) {
		uint32_t c;
		s += utf8_next(s, &c);
		int k = char_septets(c);
		if (k == 0)
			return (size_t)-1;
		total += (size_t)k;
	}
	return total;
}
