/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/list.h"

#include <curses.h>

#include "ui/focus.h"

void
list_set_count(struct list *l, int count)
{
	l->count = count;
	if (count == 0) {
		l->selected = -1;
		l->top = 0;
		return;
	}
	if (l->selected < 0)
		l->selected = 0;
	if (l->selected >= count)
		l->selected = count - 1;
	if (l->top > l->selected)
		l->top = l->selected;
}

static void
list_select(struct list *l, int i)
{
	if (l->count == 0)
		return;
	if (i < 0)
		i = 0;
	if (i >= l->count)
		i = l->count - 1;
	l->selected = i;
}

bool
list_key(struct list *l, enum action action, int ch, bool is_code)
{
	int page = l->height > 1 ? l->height - 1 : 1;
	if (is_code && ch == KEY_HOME) {
		list_select(l, 0);
		return true;
	}
	if (is_code && ch == KEY_END) {
		list_select(l, l->count - 1);
		return true;
	}
	switch (action) {
	case ACT_SLOT_PREV:
		list_select(l, l->selected - 1);
		return true;
	case ACT_SLOT_NEXT:
		list_select(l, l->selected + 1);
		return true;
	case ACT_WEEK_PREV:
		list_select(l, l->selected - page);
		return true;
	case ACT_WEEK_NEXT:
		list_select(l, l->selected + page);
		return true;
	default:
		return false;
	}
}

void
list_draw(struct list *l, int y, int x, int width, int height, list_row_fn row, void *ctx)
{
	l->height = height;
	if (l->selected >= 0) {
		if (l->selected < l->top)
			l->top = l->selected;
		if (l->selected >= l->top + height)
			l->top = l->selected - height + 1;
	}
	if (l->top < 0)
		l->top = 0;
	for (int r = 0; r < height && l->top + r < l->count; r++) {
		bool selected = l->top + r == l->selected;
		/* The selected row is the focus; its row function may describe it (focus_describe). */
		if (selected)
			focus_set(y + r, x, "");
		row(ctx, l->top + r, y + r, x, width, selected);
		/* A row that gave no words of its own is read as drawn. */
		if (selected && focus_description()[0] == '\0')
			focus_describe_drawn(y + r, x, width);
	}
}
