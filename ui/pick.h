/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_PICK_H
#define RDV_UI_PICK_H

#include <stdbool.h>
#include <wchar.h>

#include "db/db.h"
#include "db/pick.h"
#include "db/usagers.h"
#include "ui/form.h"
#include "ui/keys.h"
#include "ui/usagers.h"

/*
 * The usager picker: search as you type by name, e-mail or phone among the
 * usagers the agent may see (the usager finder of ui/usagers.h, from two
 * characters on), or create one inline (names required, e-mail, phone and
 * birth date checked). Screens embed it and forward keys, draws and replies
 * to it.
 */

struct app;

enum picker_result {
	PICKER_NONE,     /* the key was not for the picker */
	PICKER_CHANGED,  /* redraw */
	PICKER_PICKED,   /* picked_id / picked_name are set */
	PICKER_CANCEL,   /* Échap in the search */
};

struct usager_picker {
	bool creating;
	struct usager_finder finder;
	struct form *create;
	int c_first, c_last, c_birth_name, c_birth, c_email, c_phone;
	unsigned long create_ticket, match_ticket;
	/* Non-NULL: usagers the new one may duplicate, shown before creating. */
	struct db_usager_dups *matches;
	int picked_id;
	char *picked_name;
	/*
	 * The screen that embeds the picker: it owns the picker's requests
	 * (closing it cancels them), and on_picked runs when a usager created
	 * here comes back (picked_id / picked_name set). Set after picker_init().
	 */
	void *owner;
	int (*on_picked)(void *owner, struct app *app);
};

void picker_init(struct usager_picker *p);
void picker_free(struct usager_picker *p);
/* Back to an empty search (after a pick). */
void picker_reset(struct usager_picker *p);
enum picker_result picker_key(struct usager_picker *p, struct app *app, enum action action,
			      wint_t ch, bool is_code);
/* enum screen_input flags: the picker always has a text field; a new usager being typed is unsaved. */
unsigned picker_input(const struct usager_picker *p);
/* Draw from row y within the rectangle; returns rows used. */
int picker_draw(struct usager_picker *p, int y, int x, int width, int height);
/*
 * The warning shown before creating a usager like known ones, from row y;
 * the matches stop at row last_row. Returns the rows used.
 */
int usager_matches_draw(const struct db_usager_dups *m, int y, int x, int width, int last_row);

#endif
