/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_INTERNAL_H
#define RDV_DB_INTERNAL_H

/* Shared between the data-access layer's files; never included outside db/. */

#include <libpq-fe.h>

#include "db/db.h"

/*
 * Turn a finished result into a reply's data; on failure return NULL and
 * set *err. ctx is the request's private data.
 */
typedef void *(*db_parse_fn)(PGresult *res, void *ctx, struct db_error **err);

/*
 * Queue a parameterised statement; ctx is freed with ctx_free afterwards;
 * what parse returns is the reply's data, freed with free_data unless taken.
 */
unsigned long db_request_queue(struct db *db, db_free_fn free_data, const char *sql,
			       int nparams, const char *const *params, db_parse_fn parse,
			       void *ctx, void (*ctx_free)(void *));

/* Blocking helpers for start-up and the command line. */
PGresult *db_exec(struct db *db, const char *sql, int nparams, const char *const *params,
		  struct db_error **err);
bool db_exec_simple(struct db *db, const char *sql, struct db_error **err);

/* An error from a failed result (SQLSTATE kept). Caller frees. */
struct db_error *db_error_from_result(const PGresult *res);

PGconn *db_pgconn(struct db *db);

/* One row of a list of rdvs (db/rdvs.h): id, local start, motif, usagers. */
struct db_rdv_brief;
void db_rdv_brief_read(struct db_rdv_brief *b, const PGresult *res, int row);
/* The rows a statement affected (or returned) as an int * reply data (db/rdvs.c). */
void *db_rows_parse(PGresult *res, void *ctx, struct db_error **err);

/* "3,7" (array_to_string) → {3, 7}; *n gets the count. Caller frees. */
int *db_ids_parse(const char *text, int *n);
/* {3, 7} → "{3,7}", an array literal for an int[] parameter. Caller frees. */
char *db_ids_format(const int *ids, int n);

#endif
