/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_RDVS_H
#define RDV_DB_RDVS_H

/* Editing one rdv from the agenda: load, save (move), status, delete. */

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/status.h"
#include "db/db.h"

struct db_rdv {
	int id;
	int motif_id;
	char *motif_name;
	int lieu_id;              /* 0: none */
	rdv_time starts_at;       /* local */
	int duration_min;
	enum rdv_status status;
	int *agent_ids;
	int nagents;
	int *usager_ids;
	char **usager_names;
	int nusagers;
	char *context;
	enum rdv_status allowed[RDV_STATUS_COUNT]; /* statuses the agent may choose now */
	int nallowed;
};

void db_rdv_free(struct db_rdv *r);

/* The reply's data is a struct db_rdv. */
unsigned long db_send_rdv_load(struct db *db, const struct db_session *s, int rdv_id);

/*
 * One path to save an rdv, new or edited. rdv_id 0 books a new one in one
 * transaction (rdv.rdv_book: the rdv, its agents, its participations; the
 * start is in the motif's territory zone); otherwise rdv.rdv_save moves or
 * edits it (the start is in the session's zone). An agent's time taken
 * meanwhile fails with SQLSTATE 23P01 unless acknowledge_overlap
 * ("Confirmer en ignorant les avertissements"): core/warning.h's
 * WARNING_SLOT_TAKEN.
 */
struct db_rdv_save {
	int rdv_id;               /* 0: book a new rdv */
	int motif_id;             /* a new rdv's; an edit keeps its motif */
	int lieu_id;              /* 0: none */
	rdv_time starts_at;       /* local wall-clock */
	int duration_min;
	const int *agent_ids;     /* borrowed, at least one */
	int nagents;
	const int *usager_ids;    /* borrowed, at least one for an individual motif */
	int nusagers;
	bool acknowledge_overlap;
	const char *context;      /* NULL: none */
};

/*
 * The reply's data is an int * (the rdv's id), for a new rdv as for an edit.
 * s may be NULL for a new rdv.
 */
unsigned long db_send_rdv_save(struct db *db, const struct db_session *s,
			       const struct db_rdv_save *r);
/* Blocking form of booking (rdv_id 0); the new rdv's id, or 0 with *err. */
int db_rdv_book(struct db *db, const struct db_rdv_save *r, struct db_error **err);
unsigned long db_send_rdv_status(struct db *db, int rdv_id, enum rdv_status st);
/* Hard delete (admins only: row-level security); the reply's data is an int * (rows deleted). */
unsigned long db_send_rdv_delete(struct db *db, int rdv_id);

/* A line of a list of rdvs. */
struct db_rdv_brief {
	int id;
	rdv_time starts_at;       /* local */
	char *motif;
	char *usagers;            /* names joined with ", " */
};

struct db_rdv_briefs {
	struct db_rdv_brief *items;
	size_t n;
};

void db_rdv_briefs_free(struct db_rdv_briefs *l);
/* Free what one brief holds (not the brief itself). */
void db_rdv_brief_clear(struct db_rdv_brief *b);

/*
 * The viewer's past rdvs still "unknown" before today ("à renseigner"),
 * oldest first. The reply's data is a struct db_rdv_briefs.
 */
unsigned long db_send_to_fill(struct db *db, const struct db_session *s, rdv_date today);

#endif
