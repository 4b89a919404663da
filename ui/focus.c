/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/focus.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DESC_SIZE 512

static int focus_y = -1, focus_x = -1;
static char desc[DESC_SIZE];
/* The description on screen when the last key was read. */
static char at_key[DESC_SIZE];
/* The description drawn by the last frame. */
static char shown[DESC_SIZE];
/* Nothing is news before the first key: the first screen is read whole. */
static bool keyed;

void
focus_set(int y, int x, const char *description)
{
	focus_y = y;
	focus_x = x;
	if (description)
		snprintf(desc, sizeof desc, "%s", description);
}

void
focus_describe(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
}

void
focus_frame_start(void)
{
	focus_y = focus_x = -1;
	desc[0] = '\0';
}

bool
focus_position(int *y, int *x)
{
	if (focus_y < 0 || focus_x < 0)
		return false;
	*y = focus_y;
	*x = focus_x;
	return true;
}

const char *
focus_news(void)
{
	snprintf(shown, sizeof shown, "%s", desc);
	if (!keyed || desc[0] == '\0' || strcmp(desc, at_key) == 0)
		return NULL;
	return desc;
}

const char *
focus_description(void)
{
	return desc;
}

void
focus_key(void)
{
	memcpy(at_key, shown, sizeof at_key);
	keyed = true;
}

/* Append code point c to buf (size bytes) as UTF-8; returns the new length. */
static size_t
put_utf8(char *buf, size_t len, size_t size, unsigned c)
{
	char tmp[4];
	size_t n;
	if (c < 0x80) {
		tmp[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		tmp[0] = (char)(0xC0 | c >> 6);
		tmp[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		tmp[0] = (char)(0xE0 | c >> 12);
		tmp[1] = (char)(0x80 | (c >> 6 & 0x3F));
		tmp[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		tmp[0] = (char)(0xF0 | c >> 18);
		tmp[1] = (char)(0x80 | (c >> 12 & 0x3F));
		tmp[2] = (char)(0x80 | (c >> 6 & 0x3F));
		tmp[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	if (len + n >= size)
		return len;
	memcpy(buf + len, tmp, n);
	return len + n;
}

void
focus_describe_drawn(int y, int x, int width)
{
	if (width <= 0 || y < 0 || x < 0)
		return;
	wchar_t line[DESC_SIZE];
	if (width >= DESC_SIZE)
		width = DESC_SIZE - 1;
	if (mvinnwstr(y, x, line, width) == ERR)
		return;
	/* Blanks collapsed, decoration (selection marks, box drawing) left out. */
	size_t len = 0;
	bool blank = true;
	for (int i = 0; line[i] != L'\0'; i++) {
		unsigned c = (unsigned)line[i];
		bool decoration = c == 0x25B8 || c == 0x25B6 || (c >= 0x2500 && c <= 0x259F);
		if (c == ' ' || decoration) {
			blank = true;
			continue;
		}
		if (blank && len > 0)
			len = put_utf8(desc, len, sizeof desc, ' ');
		blank = false;
		len = put_utf8(desc, len, sizeof desc, c);
	}
	desc[len] = '\0';
}
