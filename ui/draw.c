/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/draw.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/xmalloc.h"
#include "ui/theme.h"

/* Decode sanitised UTF-8 into wide characters fitting in width columns. */
static wchar_t *
fit_wide(const char *utf8, int width, int *used, int *count)
{
	char *clean = text_sanitize(utf8);
	size_t bytes = text_fit(clean, width, used);
	wchar_t *w = xcalloc(bytes + 1, sizeof *w);
	int n = 0;
	unsigned cp;
	for (size_t i = 0; i < bytes;) {
		int len = text_decode(clean + i, &cp);
		if (len <= 0)
			break;
		w[n++] = theme_glyph((wchar_t)cp);
		i += (size_t)len;
	}
	w[n] = L'\0';
	*count = n;
	free(clean);
	return w;
}

int
draw_text(int y, int x, int width, int attr, const char *utf8)
{
	if (width <= 0)
		return 0;
	int used, count;
	wchar_t *w = fit_wide(utf8 ? utf8 : "", width, &used, &count);
	attrset(attr);
	mvaddnwstr(y, x, w, count);
	attrset(A_NORMAL);
	free(w);
	return used;
}

void
draw_fill(int y, int x, int width, int attr, wchar_t ch)
{
	if (width <= 0)
		return;
	wchar_t cell[2] = {theme_glyph(ch), L'\0'};
	cchar_t cc;
	setcchar(&cc, cell, (attr_t)(attr & ~A_COLOR), (short)PAIR_NUMBER(attr), NULL);
	mvhline_set(y, x, &cc, width);
}

void
draw_text_pad(int y, int x, int width, int attr, const char *utf8)
{
	int used = draw_text(y, x, width, attr, utf8);
	draw_fill(y, x + used, width - used, attr, L' ');
}

void
draw_text_right(int y, int x, int width, int attr, const char *utf8)
{
	char *clean = text_sanitize(utf8);
	int w = text_width(clean);
	free(clean);
	if (w > width)
		w = width;
	draw_text(y, x + width - w, w, attr, utf8);
}

void
draw_text_center(int y, int x, int width, int attr, const char *utf8)
{
	char *clean = text_sanitize(utf8);
	int w = text_width(clean);
	free(clean);
	if (w > width)
		w = width;
	draw_text(y, x + (width - w) / 2, w, attr, utf8);
}

static int cursor_y = -1, cursor_x = -1;

void
draw_cursor_at(int y, int x)
{
	cursor_y = y;
	cursor_x = x;
}

bool
draw_cursor_take(int *y, int *x)
{
	if (cursor_y < 0)
		return false;
	*y = cursor_y;
	*x = cursor_x;
	cursor_y = cursor_x = -1;
	return true;
}
