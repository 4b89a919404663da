/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_LIST_H
#define RDV_UI_LIST_H

#include <stdbool.h>

#include "ui/keys.h"

/*
 * A scrolling, selectable list. It holds no rows: the screen draws each
 * visible row through a callback, from its own data.
 */
struct list {
	int count;     /* rows */
	int selected;  /* -1 when empty */
	int top;       /* first visible row */
	int height;    /* visible rows at the last draw */
};

typedef void (*list_row_fn)(void *ctx, int index, int y, int x, int width, bool selected);

/* Set the row count, keeping the selection in range. */
void list_set_count(struct list *l, int count);
/* Move with ↑ ↓ (slot-prev/next), PgPréc/PgSuiv (week-prev/next), Début, Fin; true when handled. */
bool list_key(struct list *l, enum action action, int ch, bool is_code);
void list_draw(struct list *l, int y, int x, int width, int height, list_row_fn row, void *ctx);

#endif
