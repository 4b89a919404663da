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

/* The reply is DB_REPLY_RDV with a struct db_rdv. */
unsigned long db_send_rdv_load(struct db *db, const struct db_session *s, int rdv_id);

struct db_rdv_save {
	int rdv_id;
	int lieu_id;
	rdv_time starts_at;       /* local wall-clock */
	int duration_min;
	const int *agent_ids;
	int nagents;
	const int *usager_ids;
	int nusagers;
	bool acknowledge_overlap;
	const char *context;
};

/* The reply is DB_REPLY_DONE (data: int * rows affected). */
unsigned long db_send_rdv_save(struct db *db, const struct db_session *s,
			       const struct db_rdv_save *r);
unsigned long db_send_rdv_status(struct db *db, int rdv_id, enum rdv_status st);
/* Hard delete (admins only: row-level security); DB_REPLY_DONE with the rows deleted. */
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
 * oldest first. The reply is DB_REPLY_RDV_LIST with a struct db_rdv_briefs.
 */
unsigned long db_send_to_fill(struct db *db, const struct db_session *s, rdv_date today);

#endif
