/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_WARNING_H
#define RDV_CORE_WARNING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"

/*
 * What an agent should know before saving an rdv or a plage (reference
 * warnings, never refusals, except where a path says so). One
 * typed model for every path: the rdv form, booking from "Trouver un RDV"
 * and the plage editor. A warning is data (kind, severity, parameters);
 * its French sentence is built here, in warning_text(), and nowhere else.
 *
 * Adding a kind: an enumerator below, its sentence in warning_text() and
 * its default severity in warning_new() (src/core/warning.c), a case in
 * tests/unit/t_warning.c; then whoever detects it (src/core/agenda.c for
 * an agent's week, db/plages.c for what rdv.plage_store returns, a
 * SQLSTATE in the screens through warning_slot_taken()).
 */

enum warning_kind {
	WARNING_PAST,            /* the rdv starts before now */
	WARNING_HOLIDAY,         /* text: the holiday's name */
	WARNING_ABSENCE,         /* text: the absence's title; start, end */
	WARNING_RDV_OVERLAP,     /* another rdv of the agent; start, end; text: usagers or NULL (other organisation) */
	WARNING_OUTSIDE_PLAGE,   /* no plage d'ouverture around the rdv */
	WARNING_SLOT_TAKEN,      /* SQLSTATE 23P01: the agent's slot was taken meanwhile (or by an rdv one cannot see) */
	WARNING_PLAGE_OVERLAP,   /* another plage of the agent; text: its title (NULL: another organisation); start, end; day */
	WARNING_MOTIF_TOO_LONG,  /* text: the motif; minutes: its duration; length: the plage's */
};

enum warning_severity {
	WARNING_CONFIRM, /* shown; "Confirmer en ignorant les avertissements" goes on */
	WARNING_REFUSE,  /* this path cannot go on (booking a slot taken meanwhile) */
};

struct warning {
	enum warning_kind kind;
	enum warning_severity severity;
	char *text;          /* a name or title, see the kinds; NULL when none */
	int start, end;      /* minutes of the day */
	rdv_date day;        /* 0 when none */
	int minutes, length; /* WARNING_MOTIF_TOO_LONG */
};

struct warnings {
	struct warning *items;
	size_t n;
};

/* A warning of a kind with its default severity; text is copied (NULL allowed). */
struct warning warning_new(enum warning_kind kind, const char *text);
/* The French sentence. Caller frees. */
char *warning_text(const struct warning *w);
/* The sentence a 23P01 (exclusion constraint on the agents' times) is shown with. */
struct warning warning_slot_taken(void);

/* Add (takes w's text); a warning equal to one already there is dropped. */
void warnings_add(struct warnings *l, struct warning w);
/* Move every warning of from into l (deduplicated); from is left empty. */
void warnings_merge(struct warnings *l, struct warnings *from);
void warnings_clear(struct warnings *l);
/* The first warning of severity WARNING_REFUSE, or NULL. */
const struct warning *warnings_refusal(const struct warnings *l);
/*
 * For a slot offered as free ("Trouver un RDV"): an overlap with another rdv
 * means it was taken meanwhile; it becomes WARNING_SLOT_TAKEN, refused.
 */
void warnings_for_free_slot(struct warnings *l);

#endif
