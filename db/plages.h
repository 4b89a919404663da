/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_PLAGES_H
#define RDV_DB_PLAGES_H

/*
 * Plages d'ouverture and indisponibilités from the agenda: load, save,
 * delete, and what the editors offer. Saves are database functions
 * (migrations/008_agenda_admin.sql) running as the agent: row-level
 * security decides, and a plage with its motifs is one statement.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/warning.h"
#include "db/db.h"
#include "db/rdvs.h"

/* A motif an agent may put in their plages. */
struct db_plage_motif {
	int id;
	char *name;
	char *location_type; /* public_office, home, phone, visio */
	int duration_min;
};

struct db_plage_lieu {
	int id;
	char *name;
	char *address;
};

/* What the plage editor offers for an agent in the session's organisation. */
struct db_plage_options {
	char *agent_name; /* "Julien BERNARD", "" when unknown */
	struct db_plage_motif *motifs;
	size_t nmotifs;
	struct db_plage_lieu *lieux;
	size_t nlieux;
};

void db_plage_options_free(struct db_plage_options *o);
/* The reply's data is a struct db_plage_options. */
unsigned long db_send_plage_options(struct db *db, const struct db_session *s, int agent_id);

struct db_plage {
	int id;
	int agent_id;
	int organisation_id;
	int lieu_id; /* 0: none */
	char *title;
	rdv_date first_day;
	int start, end; /* minutes of the day */
	char *rrule;    /* "" when exceptional */
	int *motif_ids;
	int nmotifs;
};

void db_plage_free(struct db_plage *p);
/* The reply's data is a struct db_plage. */
unsigned long db_send_plage_load(struct db *db, int plage_id);

struct db_plage_save {
	int plage_id; /* 0: create in the session's organisation */
	int agent_id;
	int lieu_id; /* 0: none */
	const char *title;
	rdv_date first_day;
	int start, end;
	const char *rrule; /* NULL or "": exceptional */
	const int *motif_ids;
	int nmotifs;
	bool acknowledge; /* "Confirmer en ignorant les avertissements" */
	rdv_date today;   /* overlaps are looked for from this day on */
};

/*
 * Warnings (nothing saved) or the saved plage's id. The database says the
 * kinds and their parameters (rdv.plage_store, migration 019); the
 * sentences are core/warning.h's.
 */
struct db_plage_saved {
	int id; /* 0 when warnings came back */
	struct warnings warnings;
};

void db_plage_saved_free(struct db_plage_saved *r);
/* The reply's data is a struct db_plage_saved. */
unsigned long db_send_plage_save(struct db *db, const struct db_session *s,
                                 const struct db_plage_save *p);
/* Delete a plage with all its occurrences; the reply's data is an int * (rows deleted). */
unsigned long db_send_plage_delete(struct db *db, int plage_id);

struct db_absence {
	int id;
	int agent_id;
	char *title;
	rdv_date first_day, end_day;
	int start, end; /* minutes of first_day and of end_day */
	char *rrule;    /* "" when one-off */
};

void db_absence_free(struct db_absence *a);
/* The reply's data is a struct db_absence. */
unsigned long db_send_absence_load(struct db *db, int absence_id);

/* Create (id 0) or update; the reply's data is an int * (: the absence's id). */
unsigned long db_send_absence_save(struct db *db, const struct db_absence *a);
/*; the reply's data is an int * (rows deleted). */
unsigned long db_send_absence_delete(struct db *db, int absence_id);

/*
 * The non-cancelled rdvs the absence falls on, in the session's time zone:
 * those the agent may see, and how many others (another organisation's).
 */
struct db_absence_conflicts {
	struct db_rdv_brief *items; /* db/rdvs.h */
	size_t n;
	int hidden;
};

void db_absence_conflicts_free(struct db_absence_conflicts *c);
/* The reply's data is a struct db_absence_conflicts. */
unsigned long db_send_absence_conflicts(struct db *db, const struct db_session *s, int absence_id);

#endif
