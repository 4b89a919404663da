/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_SLOTS_H
#define RDV_DB_SLOTS_H

/*
 * "Trouver un RDV" against the database: load what a search needs once
 * (plages of the motif the agent may read; busy times of their agents in
 * every organisation, without details), then run the scheduling core on it.
 * The same core code runs on scenario files: both paths give the same slots.
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/slots.h"
#include "db/db.h"

struct db_slots_request {
	int motif_id;
	int lieu_id;            /* 0: any lieu */
	const int *agent_ids;   /* borrowed; NULL/0: every agent with a plage */
	int nagents;
	rdv_date from, to;      /* inclusive local dates; to < from (e.g. 0): from + 181 days */
	bool first;             /* next availability over [from, from + 181 days] */
	bool has_now;           /* false: the database's now() in the territory's zone */
	rdv_time now;           /* local */
	enum slots_side side;
};

struct db_slots_name {
	int id;
	char *name;             /* agent: "J. BERNARD"; lieu: its name */
	char *detail;           /* lieu: its address; agent: NULL */
};

struct db_slots_result {
	struct slot *slots;     /* spec order; with first, at most one */
	size_t n;
	rdv_time now;           /* the local now the search used */
	char *time_zone;        /* the motif's territory zone */
	int duration_min;       /* the motif's duration */
	struct db_slots_name *agents, *lieux; /* names of what the slots mention */
	size_t nagents, nlieux;
};

void db_slots_result_free(struct db_slots_result *r);
/* Borrowed names; "?" when unknown. */
const char *db_slots_agent_name(const struct db_slots_result *r, int64_t id);
const struct db_slots_name *db_slots_lieu(const struct db_slots_result *r, int64_t id);

/* Blocking form (the command line). Caller frees *out. */
bool db_slots_search(struct db *db, const struct db_slots_request *req,
		     struct db_slots_result **out, struct db_error **err);

/*
 * The floor of a search, for benchmarks: the same statement with the same
 * parameters, its rows fetched and dropped (nothing parsed or computed).
 * Returns the number of rows, or -1 with *err.
 */
long db_slots_fetch(struct db *db, const struct db_slots_request *req, struct db_error **err);

/* Asynchronous form (the UI): the reply's data is a struct db_slots_result. */
unsigned long db_send_slots(struct db *db, const struct db_slots_request *req);

/*
 * The database's now() in the motif's territory, as a local wall-clock time
 * (the command line's default "now" and "from"). Blocking. False with *err
 * when the motif is unknown to the caller (SQLSTATE P0002).
 */
bool db_slots_now(struct db *db, int motif_id, rdv_time *now, struct db_error **err);

/* Booking a slot: db_send_rdv_save() with rdv_id 0 (db/rdvs.h), the one path. */

#endif
