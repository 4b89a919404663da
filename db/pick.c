/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/pick.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * Accent- and case-insensitive substring match on "first last" and "last
 * first", a prefix match on the e-mail, and the digits of the phone. The
 * text is a parameter and strpos() takes it literally: no pattern syntax.
 */
static const char find_sql[] =
    "SELECT u.id, u.first_name || ' ' || upper(u.last_name),"
    "       to_char(u.birth_date, 'DD/MM/YYYY'), u.email, u.phone_number"
    "  FROM rdv.usagers u"
    " WHERE u.deleted_at IS NULL AND ("
    "       strpos(public.unaccent(lower(u.first_name || ' ' || u.last_name)),"
    "              public.unaccent(lower($1))) > 0"
    "    OR strpos(public.unaccent(lower(u.last_name || ' ' || u.first_name)),"
    "              public.unaccent(lower($1))) > 0"
    "    OR (position('@' in $1) > 0 AND strpos(lower(u.email), lower($1)) = 1)"
    "    OR (length($2) >= 4 AND strpos(regexp_replace(coalesce(u.phone_number, ''), '[^0-9]', '', 'g'), $2) > 0))"
    " ORDER BY u.last_name, u.first_name, u.id"
    " LIMIT 20";

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
	/* The digits of the text, to match phone numbers typed with spaces. */
	char *digits = xcalloc(strlen(text) + 1, 1);
	size_t n = 0;
	for (const char *p = text; *p; p++)
		if (*p >= '0' && *p <= '9')
			digits[n++] = *p;
	/* +33 6… and 06… are the same number: compare from the national digits. */
	const char *d = digits;
	if (strncmp(text, "+33", 3) == 0 && n > 2)
		d = digits + 1, digits[1] = '0';
	const char *params[] = {text, d};
	unsigned long t = db_request_queue(db, DB_REPLY_USAGERS, find_sql, 2, params, find_parse,
					   NULL, NULL);
	free(digits);
	return t;
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
	return db_request_queue(db, DB_REPLY_CREATED, create_sql, 7, params, create_parse, NULL, NULL);
}
