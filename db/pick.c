/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/pick.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * The usagers menu's search (006_usagers.sql): names without accents and
 * with a typo, e-mail prefix, phone (06… and +33… alike), birth date; only
 * the usagers the agent may see. One implementation serves both screens.
 */
static const char find_sql[] =
    "SELECT s.id, s.first_name || ' ' || upper(s.last_name), to_char(s.birth_date, 'DD/MM/YYYY'),"
    "       s.email, s.phone_number"
    "  FROM rdv.usager_search($1, 20) s";

static const char create_sql[] =
    "SELECT rdv.usager_create($1::int, $2, $3, $4, $5::date, $6, $7)";

void
db_usager_list_free(struct db_usager_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].birth_date);
		free(l->items[i].email);
		free(l->items[i].phone);
	}
	free(l->items);
	free(l);
}

static char *
dup_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

static void *
find_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_usager_list *l = xcalloc(1, sizeof *l);
	l->n = (size_t)PQntuples(res);
	l->items = xcalloc(l->n + 1, sizeof *l->items);
	for (size_t i = 0; i < l->n; i++) {
		int r = (int)i;
		l->items[i].id = atoi(PQgetvalue(res, r, 0));
		l->items[i].name = xstrdup(PQgetvalue(res, r, 1));
		l->items[i].birth_date = dup_or_null(res, r, 2);
		l->items[i].email = dup_or_null(res, r, 3);
		l->items[i].phone = dup_or_null(res, r, 4);
	}
	return l;
}

unsigned long
db_send_usager_find(struct db *db, const char *text)
{
	const char *params[] = {text};
	return db_request_queue(db, (db_free_fn)db_usager_list_free, find_sql, 1, params, find_parse, NULL, NULL);
}

static void *
create_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *id = xmalloc(sizeof *id);
	*id = atoi(PQgetvalue(res, 0, 0));
	return id;
}

unsigned long
db_send_usager_create(struct db *db, const struct db_session *s, const struct db_usager_new *u)
{
	char org[16];
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {org, u->first_name, u->last_name, u->birth_name, u->birth_date,
				u->email, u->phone};
	return db_request_queue(db, free, create_sql, 7, params, create_parse, NULL, NULL);
}
