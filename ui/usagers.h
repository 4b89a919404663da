/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_USAGERS_H
#define RDV_UI_USAGERS_H

/*
 * Search as you type for usagers, the one search of the program: the Usagers
 * screen, the two columns of "Fusionner deux usagers" and the usager picker
 * of a booking or an rdv (ui/pick.c) embed it. A text field, the hits below
 * it. Each change of the text sends a query (db_send_usager_search); while
 * one is in flight the latest text waits and goes when it returns, and only
 * the reply to the latest text is shown, so typing never blocks and never
 * shows stale hits.
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
	int min_len;                  /* shorter texts are not searched (1 by default) */
	void *owner;                  /* the screen that owns its requests; set after init */
};

void usager_finder_init(struct usager_finder *f, const char *label, int limit);
void usager_finder_free(struct usager_finder *f);
/* Send the current text again (after a save or a merge). */
void usager_finder_refresh(struct usager_finder *f, struct app *app);
/* Replace the text (and search it). */
void usager_finder_set_text(struct usager_finder *f, struct app *app, const char *text);
/* Back to an empty text and no hits; a reply in flight is ignored. */
void usager_finder_clear(struct usager_finder *f);
/* A key: text editing or moving in the hits. True when used. */
bool usager_finder_key(struct usager_finder *f, struct app *app, enum action a, wint_t ch,
		       bool is_code);
/* Any key to the text field (Entrée and Échap included); a changed text is searched. */
enum form_result usager_finder_edit(struct usager_finder *f, struct app *app, wint_t ch,
				    bool is_code);
/* True while the hits do not answer the text typed yet (a query in flight). */
bool usager_finder_searching(const struct usager_finder *f);
/* True when the text is too short to be searched. */
bool usager_finder_too_short(const struct usager_finder *f);
/* The selected hit, or NULL. Borrowed until the next reply. */
const struct db_usager_hit *usager_finder_selected(const struct usager_finder *f);
/* The text typed, borrowed: valid until the next key or usager_finder_set_text(). */
const char *usager_finder_text(const struct usager_finder *f);
/* Draw the field (with the cursor when focused) on one row. */
void usager_finder_draw_field(struct usager_finder *f, int y, int x, int width, bool focused);
/* Draw the hits; returns rows used. */
int usager_finder_draw_hits(struct usager_finder *f, int y, int x, int width, int height,
			    bool focused);

/* "Élodie BÉZIER" of a hit. The caller frees the returned string. */
char *usager_hit_name(const struct db_usager_hit *h);

/* Arguments of app_push() for the usager screens (the screen frees them). */
struct usager_screen_arg {
	int id;      /* record: the usager (0: a new one); merge: side A */
	int other;   /* merge: side B (0: none) */
	char *name;  /* record of a new usager: "First Last" typed in the search */
};
/* Returned argument: owned by app_push's screen (freed by its close), else by the caller. */
struct usager_screen_arg *usager_screen_arg_new(int id, int other, const char *name);
void usager_screen_arg_free(struct usager_screen_arg *a);

#endif
