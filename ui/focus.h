/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_FOCUS_H
#define RDV_UI_FOCUS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Where the focus is, for screen readers and braille displays, which follow
 * the terminal cursor. Each screen's draw function names its focused
 * element (the agenda cell, the selected row of a list, the selected choice
 * of a menu, the field of a form) with focus_set(); after drawing, the
 * application moves the terminal cursor there (hidden unless --accessible)
 * and, when the description changed since the last key, shows it on the
 * status line, so speech gets in words what colour and glyphs say.
 *
 * A text field being edited (draw_cursor_at) keeps its own cursor: the
 * caret's position wins over the field's start, the description stays.
 */

/*
 * The focused element starts at (y, x); description says what it is, in
 * French ("mardi 8 décembre, 09:30, Élodie Bézier, Premier accueil, à
 * venir"), or NULL to keep the one given before in this frame. The last
 * call of a frame wins. Copied.
 */
void focus_set(int y, int x, const char *description);
/* Set the description only (printf-like); the position stays. */
void focus_describe(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Describe the focus with the text drawn at (y, x) over width columns
 * (blanks collapsed, selection marks and box drawing left out): the
 * fallback for a list row that has no better words.
 */
void focus_describe_drawn(int y, int x, int width);

/* For the application: forget the last frame's focus (before drawing). */
void focus_frame_start(void);
/* The focus position of this frame; false when no screen named one. */
bool focus_position(int *y, int *x);
/*
 * The description of this frame's focus when it changed since the last key
 * (news to be read), else NULL; nothing is news before the first key (the
 * first screen is read whole). Borrowed until the next focus_* call.
 */
const char *focus_news(void);
/* The description of this frame's focus ("" when none). Borrowed. */
const char *focus_description(void);
/* A key was read: what is shown now is no longer news. */
void focus_key(void);

#endif
