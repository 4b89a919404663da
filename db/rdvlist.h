/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_RDVLIST_H
#define RDV_DB_RDVLIST_H

/*
 * "Liste des RDV": the rdvs an agent may see (row-level security decides),
 * filtered, sorted by date (latest first, as the reference's export), paged,
 * counted; and the rows of the export (reference §5.2), fetched
 * in chunks within one read-only snapshot, the next chunk computed by the
 * server while the caller writes the current one.
 *
 * Every "day" in a filter is the territory's calendar day of the rdv's
 * start, never the UTC date (reference §9.1 item 1).
 */

#include <stdbool.h>
#include <stddef.h>

#include "core/caltime.h"
#include "core/status.h"
#include "db/db.h"

/* Status filter values (reference §5.1). */
enum rdvlist_status_filter {
	RDVLIST_STATUS_ANY,
	RDVLIST_STATUS_SEEN,
	RDVLIST_STATUS_EXCUSED,
	RDVLIST_STATUS_REVOKED,
	RDVLIST_STATUS_NOSHOW,
	RDVLIST_STATUS_UNKNOWN_PAST,   /* "À renseigner": unknown, day before today */
	RDVLIST_STATUS_UNKNOWN_FUTURE, /* unknown, today or later */
	RDVLIST_STATUS_FILTER_COUNT
};

enum rdvlist_scope {
	RDVLIST_SCOPE_ALL,      /* everything I may see */
	RDVLIST_SCOPE_SERVICES, /* "rendez-vous de mon service" */
	RDVLIST_SCOPE_ASSIGNED, /* "rendez-vous où je suis assigné" */
	RDVLIST_SCOPE_COUNT
};

/* 0 means "any" for the ids; the period bounds are inclusive local days. */
struct rdvlist_filters {
	int agent_id, motif_id, service_id, lieu_id;
	enum rdvlist_status_filter status;
	bool have_from, have_to;
	rdv_date from, to;
	enum rdvlist_scope scope;
};

/* Machine names ("seen", "unknown_past", …; "services", "assigned"). Borrowed. */
const char *db_rdvlist_status_filter_name(enum rdvlist_status_filter s);
const char *db_rdvlist_status_filter_label(enum rdvlist_status_filter s); /* French */
int db_rdvlist_status_filter_parse(const char *s);                        /* -1 if unknown */
const char *db_rdvlist_scope_name(enum rdvlist_scope s);
const char *db_rdvlist_scope_label(enum rdvlist_scope s); /* French */
int db_rdvlist_scope_parse(const char *s);                /* -1 if unknown */

/* The filters as JSON (stored with an export). Caller frees. */
char *db_rdvlist_filters_json(const struct rdvlist_filters *f);

/* ------------------------------------------------------------ fields by name */

/*
 * The list and the export hand their rows out as text fields chosen by
 * name: the caller names the result columns it reads (the SQL aliases of
 * db/rdvlist.c: "starts", "motif", "usagers"…; a NULL name gives a NULL
 * field), each name is looked up once per result, and a name the query
 * does not produce is an error. src/export/rdvexport.c's column table says
 * which field each column of the list and of the export reads.
 */
struct rdvlist_fields {
	const char *const *names;
	int n;
};

/* ------------------------------------------------------------ the list */

struct rdvlist_item {
	int id;
	rdv_time starts; /* territory wall clock */
	int duration_min;
	enum rdv_status status;
	char **fields; /* the fields asked for, in that order (owned by the page) */
};

struct rdvlist_page {
	struct rdvlist_item *items;
	int n;
	int nfields; /* of each item */
	long total;  /* rows matching the filters, all pages */
	int offset;  /* of items[0] */
};

void db_rdvlist_page_free(struct rdvlist_page *p);

/*
 * One page of the list: limit rows from offset, with the total count and
 * the fields named (copied: the caller's names need not outlive the call).
 * today: the reference day of the status filters. The reply's data is
 * a struct rdvlist_page *.
 */
unsigned long db_send_rdvlist(struct db *db, const struct rdvlist_filters *f, rdv_date today,
                              int offset, int limit, const struct rdvlist_fields *fields);

/* What the filters offer: the agents, motifs, services and lieux I see. */
struct rdvlist_choice {
	int id;
	char *label;
};
struct rdvlist_choices {
	struct rdvlist_choice *agents, *motifs, *services, *lieux;
	int nagents, nmotifs, nservices, nlieux;
};
void db_rdvlist_choices_free(struct rdvlist_choices *c);
/* The reply's data is a struct rdvlist_choices *. */
unsigned long db_send_rdvlist_choices(struct db *db);
/* Blocking form (command line: names in messages). Caller frees. */
struct rdvlist_choices *db_rdvlist_choices(struct db *db, struct db_error **err);

/* ------------------------------------------------------------ the export rows */

/*
 * The rows of the export, one per rdv, latest first: the fields the caller
 * names (see struct rdvlist_fields; the export query's aliases are listed
 * beside it in db/rdvlist.c). Aggregates (agents, usagers, birth dates,
 * e-mails) arrive joined by ", ", the lieu in its §5.2 wording, times as
 * "YYYY-MM-DDTHH:MM" in the territory's wall clock.
 */
struct rdvlist_cursor;

/*
 * Open the export of the filtered list: a REPEATABLE READ, READ ONLY
 * transaction on db (blocking; the command line's connection), the count
 * and the organisations concerned, then the first chunk's query; chunk rows
 * per query (0: 5,000). fields is borrowed until the cursor is closed.
 * Caller closes it with db_rdvlist_cursor_close().
 */
struct rdvlist_cursor *db_rdvlist_cursor_open(struct db *db, const struct rdvlist_filters *f,
                                              rdv_date today, int chunk,
                                              const struct rdvlist_fields *fields,
                                              struct db_error **err);
long db_rdvlist_cursor_total(const struct rdvlist_cursor *c);
/* The distinct organisation ids of the rows (sorted). Borrowed. */
const int *db_rdvlist_cursor_organisations(const struct rdvlist_cursor *c, int *n);
/*
 * The next batch of at most max rows: row k's fields are
 * (*fields)[k * nfields + j], in the order named (borrowed; valid until the
 * next call). Returns the count, 0 at the end, -1 on error with *err set.
 */
int db_rdvlist_cursor_fetch(struct rdvlist_cursor *c, int max, const char *const **fields,
                         struct db_error **err);
/* Ends the transaction. */
void db_rdvlist_cursor_close(struct rdvlist_cursor *c);

#endif
