/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_RDVLIST_H
#define RDV_DB_RDVLIST_H

/*
 * "Liste des RDV": the rdvs an agent may see (row-level security decides),
 * filtered, sorted by date (latest first, as the reference's export), paged,
 * counted; and the rows of the export (reference §5.2, 21 columns), fetched
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
const char *rdvlist_status_filter_name(enum rdvlist_status_filter s);
const char *rdvlist_status_filter_label(enum rdvlist_status_filter s); /* French */
int rdvlist_status_filter_parse(const char *s);                        /* -1 if unknown */
const char *rdvlist_scope_name(enum rdvlist_scope s);
const char *rdvlist_scope_label(enum rdvlist_scope s); /* French */
int rdvlist_scope_parse(const char *s);                /* -1 if unknown */

/* The filters as JSON (stored with an export). Caller frees. */
char *rdvlist_filters_json(const struct rdvlist_filters *f);

/* ------------------------------------------------------------ the list */

struct rdvlist_item {
	int id;
	rdv_time starts; /* territory wall clock */
	int duration_min;
	enum rdv_status status;
	char *motif, *service, *lieu, *agents, *usagers, *organisation;
};

struct rdvlist_page {
	struct rdvlist_item *items;
	int n;
	long total; /* rows matching the filters, all pages */
	int offset; /* of items[0] */
};

void rdvlist_page_free(struct rdvlist_page *p);

/*
 * One page of the list: limit rows from offset, with the total count.
 * today: the reference day of the status filters. Reply DB_REPLY_RDVLIST
 * with a struct rdvlist_page *.
 */
unsigned long db_send_rdvlist(struct db *db, const struct rdvlist_filters *f, rdv_date today,
                              int offset, int limit);

/* What the filters offer: the agents, motifs, services and lieux I see. */
struct rdvlist_choice {
	int id;
	char *label;
};
struct rdvlist_choices {
	struct rdvlist_choice *agents, *motifs, *services, *lieux;
	int nagents, nmotifs, nservices, nlieux;
};
void rdvlist_choices_free(struct rdvlist_choices *c);
/* Reply DB_REPLY_RDVLIST_CHOICES with a struct rdvlist_choices *. */
unsigned long db_send_rdvlist_choices(struct db *db);
/* Blocking form (command line: names in messages). Caller frees. */
struct rdvlist_choices *db_rdvlist_choices(struct db *db, struct db_error **err);

/* ------------------------------------------------------------ the export rows */

/*
 * One rdv as the export needs it (strings borrowed from the batch). Aggregates (agents, usagers,
 * birth dates, e-mails) arrive joined by ", "; the lieu already in its §5.2 wording; times in the
 * territory's wall clock.
 */
struct rdvlist_export_row {
	int id;
	rdv_time created, starts;
	const char *origin; /* rdv.created_by: agent, usager, prescripteur, file_attente */
	enum rdv_status status;
	const char *service, *motif, *context, *lieu, *agents, *usagers, *commune;
	bool minor;
	const char *notifications, *organisation, *birth_dates, *post_code, *created_by;
	const char *agent_emails;
};

struct rdvlist_cursor;

/*
 * Open the export of the filtered list: a REPEATABLE READ, READ ONLY
 * transaction on db (blocking; the command line's connection), the count
 * and the organisations concerned, then the first chunk's query; chunk rows
 * per query (0: 5,000). Caller closes it with
 * rdvlist_cursor_close().
 */
struct rdvlist_cursor *db_rdvlist_cursor_open(struct db *db, const struct rdvlist_filters *f,
                                              rdv_date today, int chunk, struct db_error **err);
long rdvlist_cursor_total(const struct rdvlist_cursor *c);
/* The distinct organisation ids of the rows (sorted). Borrowed. */
const int *rdvlist_cursor_organisations(const struct rdvlist_cursor *c, int *n);
/*
 * The next batch of at most max rows into *rows (borrowed; valid until the
 * next call). Returns the count, 0 at the end, -1 on error with *err set.
 */
int rdvlist_cursor_fetch(struct rdvlist_cursor *c, int max, const struct rdvlist_export_row **rows,
                         struct db_error **err);
/* Ends the transaction. */
void rdvlist_cursor_close(struct rdvlist_cursor *c);

#endif
