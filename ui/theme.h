/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_THEME_H
#define RDV_UI_THEME_H

#include <stdbool.h>
#include <stdio.h>
#include <wchar.h>

#include "core/caltime.h"
#include "core/status.h"

/*
 * Semantic colour slots: screens name what a cell means, the theme says how
 * it looks. Each slot has a fallback for terminals without colour (and for
 * NO_COLOR) made of attributes only; meaning is also carried by glyphs, never
 * by colour alone.
 */
#define THEME_SLOTS(X)                                                               \
	X(NORMAL, "normal", "texte ordinaire")                                       \
	X(TITLE, "title", "barre de titre")                                          \
	X(HEADER, "header", "en-têtes des jours")                                   \
	X(TODAY, "agenda.today", "en-tête du jour courant")                          \
	X(GRID, "agenda.grid", "heures et lignes de la grille")                     \
	X(PLAGE, "agenda.plage", "plage d'ouverture")                                \
	X(ABSENCE, "agenda.absence", "indisponibilité")                              \
	X(HOLIDAY, "agenda.holiday", "jour férié")                                   \
	X(OTHER, "agenda.other", "élément d'une autre organisation")                 \
	X(RDV_UNKNOWN, "rdv.unknown", "rendez-vous à venir ou à renseigner")        \
	X(RDV_SEEN, "rdv.seen", "rendez-vous honoré")                               \
	X(RDV_EXCUSED, "rdv.excused", "rendez-vous annulé (excusé)")                \
	X(RDV_REVOKED, "rdv.revoked", "rendez-vous annulé (par le service)")        \
	X(RDV_NOSHOW, "rdv.noshow", "absence non excusée")                          \
	X(CURSOR, "cursor", "curseur")                                              \
	X(STATUS, "status-line", "ligne d'état")                                     \
	X(STATUS_ERROR, "status-error", "message d'erreur")                          \
	X(STATUS_OK, "status-ok", "connexion établie")                               \
	X(HELP_KEY, "help.key", "touches dans l'aide")                               \
	X(MERGE_SAME, "merge.same", "fusion : valeurs identiques")                   \
	X(MERGE_DIFF, "merge.diff", "fusion : valeurs différentes")

enum theme_slot {
#define X(id, name, help) SLOT_##id,
	THEME_SLOTS(X)
#undef X
	SLOT_COUNT
};

/*
 * Load a theme: a path (containing '/'), or a name looked up in
 * $XDG_CONFIG_HOME/rdv/themes, the installed themes, then the built-in
 * copies. NULL picks "default". On error returns false and sets *err (a
 * French message naming the line; caller frees); the current theme stays.
 * Call after initscr(); colours are degraded to what the terminal has, and
 * dropped under NO_COLOR.
 */
bool theme_load(const char *name_or_path, char **err);
/* Parse theme text (for tests and built-in themes). */
bool theme_parse(const char *text, const char *origin, char **err);
/* Curses attributes (colour pair included) for a slot. */
int theme_attr(enum theme_slot s);
/* Attributes for a motif colour "#rrggbb" as a background, with readable text. */
int theme_motif_attr(const char *hex, enum theme_slot fallback);
/* Whether colours are in use (false: attributes only). */
bool theme_has_colour(void);
/* Names of the built-in themes, NULL-terminated. */
const char *const *theme_builtin_names(void);

/*
 * A slot's colour as parsed by the last theme_parse()/theme_load(), for
 * checks such as contrast: is_default when it is the terminal's own colour;
 * otherwise index (0–255, or -1 for #rrggbb), the RGB value as written (an
 * index through the xterm palette) and the xterm-256 palette entry a
 * 256-colour terminal shows for it.
 */
struct theme_colour_info {
	bool is_default;
	int index;
	int rgb[3];
	int shown[3];
};
void theme_slot_colour(enum theme_slot s, bool background, struct theme_colour_info *out);

/*
 * The linear reading mode for screen readers and braille displays
 * (--accessible, "accessible = true"): no box-drawing decoration, one item
 * per line, the agenda's day as a list. theme_glyph() maps a box-drawing or
 * block character to plain ASCII (or a blank) in that mode, and returns any
 * other character unchanged; draw_fill() and draw_text() pass through it.
 */
void theme_set_accessible(bool on);
bool theme_accessible(void);
wchar_t theme_glyph(wchar_t ch);

/* Print the colour slots with their meaning (plain, or roff for the man page). */
void theme_print_slots(FILE *out, bool roff);

/* The colour slot of an rdv's status (the agenda, the lists). */
int theme_rdv_slot(enum rdv_status st);
/* A glyph per status, so that it reads without colour: ✓ ✗ ! and, not yet
 * told, ? for a past day, • otherwise. Static string. */
const char *theme_rdv_glyph(enum rdv_status st, rdv_date day, rdv_date today);

#endif
