/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/theme.h"

/* The key help, generated from the action table: nothing here is written twice. */

struct help {
	int scroll;
};

static const enum action help_hints[] = {ACT_SLOT_NEXT, ACT_CANCEL, ACT_NONE};

static void *
help_open(struct app *app, void *arg)
{
	(void)app;
	(void)arg;
	return xcalloc(1, sizeof(struct help));
}

static void
help_close(void *state)
{
	free(state);
}

static void
help_draw(void *state, struct app *app)
{
	struct help *h = state;
	(void)app;
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE), " Aide · touches (Échap ou q pour revenir)");
	int y = 2 - h->scroll;
	const char *group = NULL;
	for (int a = 1; a < ACT_COUNT; a++) {
		const struct action_info *info = keys_action((enum action)a);
		if (group == NULL || strcmp(group, info->group) != 0) {
			if (group != NULL)
				y++;
			group = info->group;
			if (y >= 1 && y < LINES - 1)
				draw_text(y, 2, COLS - 4, theme_attr(SLOT_HEADER), group);
			y++;
		}
		if (y >= 1 && y < LINES - 1) {
			draw_text(y, 4, 18, theme_attr(SLOT_HELP_KEY), keys_label((enum action)a));
			draw_text(y, 24, COLS - 26, theme_attr(SLOT_NORMAL), info->help);
		}
		y++;
	}
}

static int
help_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct help *h = state;
	(void)app;
	(void)ch;
	(void)is_code;
	switch (action) {
	case ACT_SLOT_NEXT:
		h->scroll++;
		return SCREEN_REDRAW;
	case ACT_SLOT_PREV:
		if (h->scroll > 0)
			h->scroll--;
		return SCREEN_REDRAW;
	case ACT_CANCEL:
	case ACT_QUIT:
	case ACT_HELP:
		return SCREEN_CLOSE;
	default:
		return SCREEN_NONE;
	}
}

const struct screen_ops help_screen = {
    .name = "help",
    .open = help_open,
    .draw = help_draw,
    .key = help_key,
    .close = help_close,
    .hints = help_hints,
};
