/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "ui/draw.h"
#include "ui/focus.h"
#include "ui/screen.h"
#include "ui/theme.h"

/* The key help, generated from the action table: nothing here is written twice. */

struct help {
	int scroll;
};

/*
 * What the glyphs drawn by the screens mean: they carry the meaning that
 * colour carries too (monochrome themes, colour-blind agents).
 */
static const struct {
	const char *glyph, *meaning;
} legend[] = {
    {"•", "rendez-vous à venir"},
    {"?", "rendez-vous passé, à renseigner (statut inconnu)"},
    {"✓", "rendez-vous honoré"},
    {"✗", "rendez-vous annulé (excusé, ou par le service)"},
    {"!", "absence non excusée de l'usager"},
    {"◆", "aujourd'hui, dans l'en-tête des jours"},
    {"✱", "jour férié (son nom suit)"},
    {"░", "jour férié chômé : agenda fermé (ou reste d'un export)"},
    {"·", "plage d'ouverture (thème sans couleurs)"},
    {"╱", "indisponibilité de l'agent"},
    {"~", "usager trouvé par une orthographe proche"},
};

#define NLEGEND ((int)(sizeof legend / sizeof legend[0]))


/* One line of the help: a group title, an action, or a legend entry. */
struct help_line {
	bool title;
	const char *key, *text;
};

/* The lines of the help, in order; returns how many (at most max). */
static int
help_lines(struct help_line *out, int max)
{
	int n = 0;
	const char *group = NULL;
	for (int a = 1; a < ACT_COUNT; a++) {
		const struct action_info *info = keys_action((enum action)a);
		if (group == NULL || strcmp(group, info->group) != 0) {
			if (group != NULL && n < max)
				out[n++] = (struct help_line){.text = ""};
			group = info->group;
			if (n < max)
				out[n++] = (struct help_line){.title = true, .text = group};
		}
		if (n < max)
			out[n++] = (struct help_line){.key = keys_label((enum action)a), .text = info->help};
	}
	if (n < max)
		out[n++] = (struct help_line){.text = ""};
	if (n < max)
		out[n++] = (struct help_line){.title = true, .text = "Dans un formulaire"};
	int nfield;
	const struct key_help *field = keys_field_help(&nfield);
	for (int i = 0; i < nfield && n < max; i++)
		out[n++] = (struct help_line){.key = field[i].keys, .text = field[i].help};
	if (n < max)
		out[n++] = (struct help_line){.text = ""};
	if (n < max)
		out[n++] = (struct help_line){.title = true, .text = "Légende des symboles"};
	for (int i = 0; i < NLEGEND && n < max; i++)
		out[n++] = (struct help_line){.key = legend[i].glyph, .text = legend[i].meaning};
	return n;
}

#define MAX_LINES (2 * ACT_COUNT + NLEGEND + KEYS_FIELD_HELP_MAX + 12)

/* Rows for the lines: between the title (row 0, then a blank) and the status line. */
static int
help_rows(void)
{
	return LINES - 3 > 1 ? LINES - 3 : 1;
}

/* The furthest the help scrolls: its last line at the bottom, never past it. */
static int
help_max_scroll(void)
{
	struct help_line lines[MAX_LINES];
	int n = help_lines(lines, MAX_LINES);
	return n > help_rows() ? n - help_rows() : 0;
}

static const enum action help_hints[] = {ACT_SLOT_NEXT, ACT_WEEK_NEXT, ACT_CANCEL, ACT_NONE};
static const enum action help_keymap[] = {ACT_HELP, KEYMAP_LIST, ACT_NONE};

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
	/* The window may have shrunk since the last key. */
	if (h->scroll > help_max_scroll())
		h->scroll = help_max_scroll();
	draw_fill(0, 0, COLS, theme_attr(SLOT_TITLE), L' ');
	draw_text(0, 0, COLS, theme_attr(SLOT_TITLE), " Aide · touches (Échap ou q pour revenir)");
	struct help_line lines[MAX_LINES];
	int n = help_lines(lines, MAX_LINES);
	for (int i = h->scroll, y = 2; i < n && y < 2 + help_rows(); i++, y++) {
		if (lines[i].title) {
			draw_text(y, 2, COLS - 4, theme_attr(SLOT_HEADER), lines[i].text);
		} else if (lines[i].key) {
			draw_text(y, 4, 18, theme_attr(SLOT_HELP_KEY), lines[i].key);
			draw_text(y, 24, COLS - 26, theme_attr(SLOT_NORMAL), lines[i].text);
		}
		/* The reading position (screen readers): the top line, which ↓ and ↑ move. */
		if (i == h->scroll) {
			focus_set(y, lines[i].title ? 2 : 4, NULL);
			if (lines[i].title)
				focus_describe("%s", lines[i].text);
			else if (lines[i].key)
				focus_describe("%s : %s", lines[i].key, lines[i].text);
		}
	}
	if (h->scroll < help_max_scroll())
		draw_text_right(LINES - 2, 0, COLS - 2, theme_attr(SLOT_GRID), "↓ suite");
}

static int
help_key(void *state, struct app *app, enum action action, wint_t ch, bool is_code)
{
	struct help *h = state;
	(void)app;
	(void)ch;
	(void)is_code;
	int max = help_max_scroll();
	switch (action) {
	case ACT_SLOT_NEXT:
		h->scroll = h->scroll < max ? h->scroll + 1 : max;
		return SCREEN_REDRAW;
	case ACT_SLOT_PREV:
		h->scroll = h->scroll > 0 ? h->scroll - 1 : 0;
		return SCREEN_REDRAW;
	case ACT_WEEK_NEXT:
		h->scroll = h->scroll + help_rows() < max ? h->scroll + help_rows() : max;
		return SCREEN_REDRAW;
	case ACT_WEEK_PREV:
		h->scroll = h->scroll > help_rows() ? h->scroll - help_rows() : 0;
		return SCREEN_REDRAW;
	case ACT_HELP:
		/* ? again closes it; q and Échap close it too (a dialog, ui/app.c). */
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
    .keymap = help_keymap,
    .dialog = true,
};
