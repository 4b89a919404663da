/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_EDITOR_H
#define RDV_UI_EDITOR_H

/*
 * One skeleton for the editors (rdv, booking, plage, absence): the states
 * they go through and the keys every one of them takes the same way.
 *
 *   LOADING → EDIT → [CHECKING →] [WARNINGS →] SENDING → DONE (or closed)
 *                 ↖──── Échap ────┘       ↖── an error: back to EDIT
 *   CONFIRM (a yes/no question: delete, book) → SENDING
 *
 * A screen embeds a struct editor, keeps its own form and its requests,
 * and asks editor_key() first: what it answers tells the screen to send
 * (EDITOR_SEND), go back (EDITOR_BACK) or close (EDITOR_CLOSE). Warnings
 * are core/warning.h's, drawn by draw_warnings() (ui/draw.h).
 */

#include <stdbool.h>

#include "core/warning.h"
#include "ui/keys.h"

enum editor_state {
	EDITOR_LOADING,  /* what the form needs is on its way */
	EDITOR_EDIT,     /* the form has the keyboard (the screen's keys) */
	EDITOR_CHECKING, /* looking for warnings */
	EDITOR_WARNINGS, /* warnings shown: Entrée confirms them, Échap goes back */
	EDITOR_CONFIRM,  /* a yes/no question: Entrée sends, Échap goes back */
	EDITOR_SENDING,  /* the save (or delete) is on its way */
	EDITOR_DONE,     /* saved, the screen goes on with its own states */
};

struct editor {
	enum editor_state state;
	struct warnings warnings; /* EDITOR_WARNINGS */
	bool acknowledged;        /* the warnings were confirmed: the save says so */
};

enum editor_step {
	EDITOR_UNHANDLED, /* the screen's own key (EDITOR_EDIT, EDITOR_DONE) */
	EDITOR_STAY,      /* nothing to do */
	EDITOR_REDRAW,    /* the state changed */
	EDITOR_SEND,      /* confirmed: send now (state is EDITOR_SENDING) */
	EDITOR_BACK,      /* Échap on a question: the screen says where to (state is EDITOR_EDIT) */
	EDITOR_CLOSE,     /* close the screen */
};

void editor_init(struct editor *ed, enum editor_state first);
void editor_free(struct editor *ed);

/* The form goes to be checked: warnings forgotten, not acknowledged. */
void editor_check(struct editor *ed);
/*
 * The check's warnings (moved from *w). None: state EDITOR_SENDING and
 * true (send now). Some: state EDITOR_WARNINGS and false.
 */
bool editor_checked(struct editor *ed, struct warnings *w);
/*
 * A save refused with SQLSTATE 23P01 (the slot taken): the first time it
 * becomes a WARNING_SLOT_TAKEN warning to confirm (true); once confirmed,
 * false (the screen says the error).
 */
bool editor_slot_taken(struct editor *ed);
/* The save failed: back to the form. */
void editor_failed(struct editor *ed);

/* Échap/Entrée in LOADING, CHECKING, WARNINGS, CONFIRM, SENDING. */
enum editor_step editor_key(struct editor *ed, enum action action);

/*
 * What Échap, another screen or quitting would lose (screen.h INPUT_*):
 * edit is what the form asks for in EDITOR_EDIT, unsaved whether it has
 * changes.
 */
unsigned editor_input(const struct editor *ed, unsigned edit, bool unsaved);

/*
 * The part of the screen the state owns, from row y: "chargement…",
 * "vérification…", "enregistrement…" or the warnings with their prompt.
 * Returns true when it drew something (LOADING: the screen stops there).
 */
bool editor_draw(const struct editor *ed, int y);
/* The keys' hint under a form at row y, or "enregistrement…" while sending. */
void editor_draw_hint(const struct editor *ed, int y, const char *hint);
/*
 * What a step of editor_key() other than EDITOR_UNHANDLED and EDITOR_SEND
 * means for the screen (screen.h SCREEN_*): EDITOR_BACK closes it when
 * back_closes (a delete's question), else redraws.
 */
int editor_result(enum editor_step step, bool back_closes);

#endif
