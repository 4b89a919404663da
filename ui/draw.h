/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_DRAW_H
#define RDV_UI_DRAW_H

#include <stdbool.h>
#include <wchar.h>

/*
 * Drawing helpers over stdscr. Every string goes through text_sanitize():
 * text from the database is data and never reaches the terminal as
 * control sequences.
 */

/* Draw UTF-8 text at (y, x) clipped to width columns; returns the columns used. */
int draw_text(int y, int x, int width, int attr, const char *utf8);
/* Same, padding with spaces to exactly width columns. */
void draw_text_pad(int y, int x, int width, int attr, const char *utf8);
/* Right-aligned within width. */
void draw_text_right(int y, int x, int width, int attr, const char *utf8);
/* Centred within width. */
void draw_text_center(int y, int x, int width, int attr, const char *utf8);
/* Repeat one character width times. */
void draw_fill(int y, int x, int width, int attr, wchar_t ch);

/*
 * Where the terminal cursor should rest after this frame (a text field being
 * edited); app_draw() places it last and hides it when nobody asked.
 */
void draw_cursor_at(int y, int x);
/* Take the wanted position (false when none) and forget it. */
bool draw_cursor_take(int *y, int *x);

#endif
