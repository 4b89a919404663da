/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/pick.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

static const char create_sql[] =
    "SELECT rdv.usager_create($1::int, $2, $3, $4, $5::date, $6, $7)";

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
