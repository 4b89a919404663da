/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_USAGERS_H
#define RDV_UI_USAGERS_H

/*
 * Search as you type for usagers, shared by the Usagers screen and the two
 * columns of "Fusionner deux usagers": a text field, the hits below it.
 * Each change of the text sends a query; while one is in flight the latest
 * text waits and goes when it returns, and only the reply to the latest
 * text is shown, so typing never blocks and never shows stale hits.
 */

#include <stdbool.h>
#include <wchar.h>

#include "db/usagers.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"

struct usager_finder {
	struct form *form;            /* one text field */
	struct db_usager_hits *hits;  /* answer to `shown`, or NULL */
	struct list list;
	unsigned long ticket;         /* request in flight, 0 when none */
	char *sent;                   /* its text */
	char *shown;                  /* the text the hits answer */
	int limit;
	void *owner;                  /* the screen that owns its requests; set after init */
};

void usager_finder_init(struct usager_finder *f, const char *label, int limit);
void usager_finder_free(struct usager_finder *f);
/* Send the current text again (after a save or a merge). */
void usager_finder_refresh(struct usager_finder *f, struct app *app);
/* Replace the text (and search it). */
void usager_finder_set_text(struct usager_finder *f, struct app *app, const char *text);
/* A key: text editing or moving in the hits. True when used. */
bool usager_finder_key(struct usager_finder *f, struct app *app, enum action a, wint_t ch,
		       bool is_code);
/* The selected hit, or NULL. Borrowed until the next reply. */
const struct db_usager_hit *usager_finder_selected(const struct usager_finder *f);
const char *usager_finder_text(const struct usager_finder *f);
/* Draw the field (with the cursor when focused) on one row. */
void usager_finder_draw_field(struct usager_finder *f, int y, int x, int width, bool focused);
/* Draw the hits; returns rows used. */
int usager_finder_draw_hits(struct usager_finder *f, int y, int x, int width, int height,
			    bool focused);

/* "Élodie BÉZIER" of a hit. Caller frees. */
char *usager_hit_name(const struct db_usager_hit *h);

/* Arguments of app_push() for the usager screens (the screen frees them). */
struct usager_screen_arg {
	int id;      /* record: the usager (0: a new one); merge: side A */
	int other;   /* merge: side B (0: none) */
	char *name;  /* record of a new usager: "First Last" typed in the search */
};
struct usager_screen_arg *usager_screen_arg_new(int id, int other, const char *name);
void usager_screen_arg_free(struct usager_screen_arg *a);

#endif
