/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_EXPORTS_H
#define RDV_DB_EXPORTS_H

/*
 * Stored exports (rdv.exports: readable by their owner only, row-level
 * security) and the agent's own settings shown in "Mon compte".
 */

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"

/* ------------------------------------------------------------ exports */

struct db_export {
	char *id;     /* uuid */
	char *format; /* "xlsx", "pdf" */
	char *file_name;
	char *summary;  /* the filters in French, as the title of the file said */
	char *status;   /* "pending", "available", "failed", "expired" */
	long rows;      /* -1 when unknown */
	long long size; /* bytes, -1 when unknown */
	char *created;  /* "13/05/2026 10h02", territory wall clock */
	char *expires;
	char *error; /* why it failed, or NULL */
};

struct db_exports {
	struct db_export *items;
	int n;
};
void db_exports_free(struct db_exports *e);

/* My exports, newest first; times in time_zone. The reply's data is that struct. */
unsigned long db_send_exports(struct db *db, const char *time_zone);
/* Blocking form. Caller frees. */
struct db_exports *db_exports_list(struct db *db, const char *time_zone, struct db_error **err);

struct db_export_content {
	char *file_name;
	unsigned char *data;
	size_t size;
};
void db_export_content_free(struct db_export_content *c);

/*
 * The file of one of my available exports. The reply carries it;
 * an export that is not mine, not ready or unknown is an error.
 */
unsigned long db_send_export_content(struct db *db, const char *id);
/* Blocking form. Caller frees. */
struct db_export_content *db_export_content(struct db *db, const char *id, struct db_error **err);

/* Delete one of my exports. The reply's data is int * (rows deleted). */
unsigned long db_send_export_delete(struct db *db, const char *id);

/*
 * Record a new export of mine, status "pending" (blocking, committed at
 * once so that "Mon compte" shows it while it runs). Returns its id; caller
 * frees.
 */
char *db_export_create(struct db *db, const char *format, const char *file_name,
                       const char *filters_json, const char *summary, const int *org_ids, int norgs,
                       struct db_error **err);
/*
 * Store the finished file, its final name and the organisations it covers,
 * and mark the export available.
 */
bool db_export_finish(struct db *db, const char *id, const char *file_name, const int *org_ids,
                      int norgs, const unsigned char *data, size_t size, long rows,
                      struct db_error **err);
/* Mark the export failed with a reason. */
bool db_export_fail(struct db *db, const char *id, const char *reason, struct db_error **err);

/*
 * The settings of db's connection as a conninfo string (password included
 * when there is one), for the child process that runs an export on its own
 * connection. Hand it over in the environment, never on a command line.
 * Caller frees.
 */
char *db_export_conninfo(struct db *db);

/* ------------------------------------------------------------ Mon compte */

struct db_account_org {
	char *name;
	char *access_level; /* "admin", "basic" */
};

struct db_account {
	char *rdv_level;     /* all, others, soon, none */
	char *plage_level;   /* all, none */
	char *absence_level; /* all, none */
	bool display_saturdays, display_cancelled_rdv;
	char *theme; /* NULL: the default */
	char **services;
	int nservices;
	struct db_account_org *orgs;
	int norgs;
};
void db_account_free(struct db_account *a);

/* My settings, services and organisations. The reply's data is that struct. */
unsigned long db_send_account(struct db *db);
/* Save my preferences. The reply's data is int * (rows updated). */
unsigned long db_send_account_save(struct db *db, const struct db_account *a);

#endif
