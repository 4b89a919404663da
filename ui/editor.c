/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/editor.h"

#include <curses.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/screen.h"
#include "ui/theme.h"

void
editor_init(struct editor *ed, enum editor_state first)
{
	memset(ed, 0, sizeof *ed);
	ed->state = first;
}

void
editor_free(struct editor *ed)
{
	warnings_clear(&ed->warnings);
}

void
editor_check(struct editor *ed)
{
	warnings_clear(&ed->warnings);
	ed->acknowledged = false;
	ed->state = EDITOR_CHECKING;
}

bool
editor_checked(struct editor *ed, struct warnings *w)
{
	warnings_clear(&ed->warnings);
	warnings_merge(&ed->warnings, w);
	ed->state = ed->warnings.n ? EDITOR_WARNINGS : EDITOR_SENDING;
	return ed->warnings.n == 0;
}

bool
editor_slot_taken(struct editor *ed)
{
	if (ed->acknowledged)
		return false;
	warnings_clear(&ed->warnings);
	warnings_add(&ed->warnings, warning_slot_taken());
	ed->state = EDITOR_WARNINGS;
	return true;
}

void
editor_failed(struct editor *ed)
{
	ed->state = EDITOR_EDIT;
}

enum editor_step
editor_key(struct editor *ed, enum action action)
{
	switch (ed->state) {
	case EDITOR_LOADING:
		return action == ACT_CANCEL ? EDITOR_CLOSE : EDITOR_STAY;
	case EDITOR_WARNINGS:
		if (action == ACT_SELECT) {
			ed->acknowledged = true;
			ed->state = EDITOR_SENDING;
			return EDITOR_SEND;
		}
		if (action == ACT_CANCEL) {
			ed->state = EDITOR_EDIT;
			return EDITOR_REDRAW;
		}
		return EDITOR_STAY;
	case EDITOR_CONFIRM:
		if (action == ACT_SELECT) {
			ed->state = EDITOR_SENDING;
			return EDITOR_SEND;
		}
		if (action == ACT_CANCEL) {
			ed->state = EDITOR_EDIT;
			return EDITOR_BACK;
		}
		return EDITOR_STAY;
	case EDITOR_CHECKING:
	case EDITOR_SENDING:
		return EDITOR_STAY;
	case EDITOR_EDIT:
	case EDITOR_DONE:
		break;
	}
	return EDITOR_UNHANDLED;
}

unsigned
editor_input(const struct editor *ed, unsigned edit, bool unsaved)
{
	unsigned u = unsaved ? INPUT_UNSAVED : 0;
	switch (ed->state) {
	case EDITOR_EDIT:
		return edit | u;
	case EDITOR_CHECKING:
	case EDITOR_WARNINGS:
		return u | INPUT_ESC_KEEPS;
	case EDITOR_SENDING:
		return u;
	default:
		return INPUT_NONE;
	}
}

bool
editor_draw(const struct editor *ed, int y)
{
	switch (ed->state) {
	case EDITOR_LOADING:
		draw_loading(y);
		return true;
	case EDITOR_CHECKING:
		draw_busy(y, "vérification…");
		return true;
	case EDITOR_SENDING:
		draw_busy(y, "enregistrement…");
		return true;
	case EDITOR_WARNINGS:
		draw_warnings(y, LINES - 3, &ed->warnings);
		return true;
	default:
		return false;
	}
}

void
editor_draw_hint(const struct editor *ed, int y, const char *hint)
{
	draw_text(y, 2, COLS - 4, theme_attr(SLOT_GRID),
		  ed->state == EDITOR_SENDING ? "enregistrement…" : hint);
}

int
editor_result(enum editor_step step, bool back_closes)
{
	switch (step) {
	case EDITOR_STAY:
	case EDITOR_UNHANDLED:
		return SCREEN_NONE;
	case EDITOR_CLOSE:
		return SCREEN_CLOSE;
	case EDITOR_BACK:
		return back_closes ? SCREEN_CLOSE : SCREEN_REDRAW;
	default:
		return SCREEN_REDRAW;
	}
}
