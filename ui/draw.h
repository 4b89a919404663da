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
 * The pieces every screen draws the same way (ui/editor.h puts them
 * together for the editors). A title bar on row 0: " Agenda › Nouvelle
 * plage d'ouverture"; right, when not NULL, is right-aligned on its right
 * half (who is signed in, a week number).
 */
void draw_title_bar(const char *title, const char *right);
/* "chargement…" (or another activity: "enregistrement…") at row y, bold. */
void draw_busy(int y, const char *what);
void draw_loading(int y);

struct warnings;
/*
 * The " Avertissements " block from row y, one "⚠ sentence" a line down to
 * row bottom (excluded), then the confirmation prompt a line below; returns
 * the row after the prompt.
 */
int draw_warnings(int y, int bottom, const struct warnings *w);
/* A yes/no question, one wording: " Question ? Entrée : oui · Échap : non ". */
void draw_yes_no(int y, const char *question);

/*
 * Where the terminal cursor should rest after this frame (a text field being
 * edited); app_draw() places it last and hides it when nobody asked.
 */
void draw_cursor_at(int y, int x);
/* Take the wanted position (false when none) and forget it. */
bool draw_cursor_take(int *y, int *x);

#endif
