/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/draw.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/warning.h"
#include "core/xmalloc.h"
#include "ui/focus.h"
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

void
draw_title_bar(const char *title, const char *right)
{
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, right ? COLS / 2 : COLS, theme_attr(SLOT_TITLE), title);
	if (right)
		draw_text_right(0, COLS / 2, COLS - COLS / 2, theme_attr(SLOT_TITLE), right);
}

void
draw_busy(int y, const char *what)
{
	draw_text(y, 2, COLS - 4, A_BOLD, what);
}

void
draw_loading(int y)
{
	draw_busy(y, "chargement…");
}

int
draw_warnings(int y, int bottom, const struct warnings *w)
{
	int y0 = y;
	draw_text(y++, 2, COLS - 4, theme_attr(SLOT_STATUS_ERROR), " Avertissements ");
	for (size_t i = 0; i < w->n && y < bottom; i++) {
		char *text = warning_text(&w->items[i]);
		char *line = xasprintf("⚠ %s", text);
		draw_text(y++, 4, COLS - 6, A_BOLD, line);
		free(line);
		free(text);
	}
	draw_text(y + 1, 2, COLS - 4, theme_attr(SLOT_HEADER),
		  "Entrée : Confirmer en ignorant les avertissements · Échap : revenir au formulaire");
	/* The reader lands on the first warning and hears them all with the choice. */
	if (w->n > 0) {
		char *words = NULL;
		for (size_t i = 0; i < w->n; i++) {
			char *text = warning_text(&w->items[i]);
			char *more = xasprintf("%s%s%s", words ? words : "Avertissement : ", words ? " " : "", text);
			free(words);
			free(text);
			words = more;
		}
		char *all = xasprintf("%s Entrée : confirmer quand même · Échap : revenir au formulaire", words);
		focus_set(y0 + 1, 4, all);
		free(all);
		free(words);
	}
	return y + 2;
}

void
draw_yes_no(int y, const char *question)
{
	char *line = xasprintf(" %s Entrée : oui · Échap : non ", question);
	draw_text(y, 2, COLS - 4, theme_attr(SLOT_STATUS_ERROR), line);
	focus_set(y, 3, line + 1);
	free(line);
}
