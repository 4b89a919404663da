/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

#include "core/holidays.h"
#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * The agent is found from the role the session authenticated as, or in
 * pooled mode from the session token the transaction presented
 * (rdv.current_agent_id(), evaluated once): the client never asks "who are
 * you" in a table (DESIGN §4). Intervenant roles cannot log in, so only
 * basic and admin memberships count.
 */
static const char session_sql[] =
    "SELECT a.id, coalesce(a.first_name, ''), upper(a.last_name), o.id, o.name, r.access_level,"
    "       EXISTS (SELECT 1 FROM rdv.agent_services s JOIN rdv.services v ON v.id = s.service_id"
    "               WHERE s.agent_id = a.id AND v.name = 'Secrétariat'),"
    "       t.time_zone, t.holiday_zone, o.open_on_whit_monday, o.open_on_holidays,"
    "       a.display_saturdays, a.display_cancelled_rdv, a.theme"
    "  FROM rdv.agents a"
    "  JOIN rdv.agent_roles r ON r.agent_id = a.id AND r.access_level <> 'intervenant'"
    "  JOIN rdv.organisations o ON o.id = r.organisation_id"
    "  JOIN rdv.territories t ON t.id = o.territory_id"
    " WHERE a.id = (SELECT rdv.current_agent_id()) AND a.deleted_at IS NULL"
    " ORDER BY (o.id = $1::int) DESC, o.name, o.id"
    " LIMIT 1";

/* The columns of session_sql, in order. */
enum {
	SESSION_AGENT_ID,
	SESSION_FIRST_NAME,
	SESSION_LAST_NAME,
	SESSION_ORG_ID,
	SESSION_ORG_NAME,
	SESSION_ACCESS_LEVEL,
	SESSION_SECRETARIAT,
	SESSION_TIME_ZONE,
	SESSION_HOLIDAY_ZONE,
	SESSION_OPEN_ON_WHIT_MONDAY,
	SESSION_OPEN_ON_HOLIDAYS,
	SESSION_DISPLAY_SATURDAYS,
	SESSION_DISPLAY_CANCELLED_RDV,
	SESSION_THEME,
};

struct db_session *
db_session_load(struct db *db, int organisation_id, struct db_error **err)
{
	char org[16];
	snprintf(org, sizeof org, "%d", organisation_id);
	const char *params[] = {org};
	PGresult *res = db_exec(db, session_sql, 1, params, err);
	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0) {
		if (err)
			*err = db_error_new("28000",
					    "le rôle « %s » n'est associé à aucun agent actif",
					    db_role(db));
		PQclear(res);
		return NULL;
	}
	struct db_session *s = xcalloc(1, sizeof *s);
	s->agent_id = atoi(PQgetvalue(res, 0, SESSION_AGENT_ID));
	s->first_name = xstrdup(PQgetvalue(res, 0, SESSION_FIRST_NAME));
	s->last_name = xstrdup(PQgetvalue(res, 0, SESSION_LAST_NAME));
	s->organisation_id = atoi(PQgetvalue(res, 0, SESSION_ORG_ID));
	s->organisation_name = xstrdup(PQgetvalue(res, 0, SESSION_ORG_NAME));
	s->access_level = xstrdup(PQgetvalue(res, 0, SESSION_ACCESS_LEVEL));
	s->secretariat = strcmp(PQgetvalue(res, 0, SESSION_SECRETARIAT), "t") == 0;
	s->time_zone = xstrdup(PQgetvalue(res, 0, SESSION_TIME_ZONE));
	s->holiday_zone = holiday_zone_find(PQgetvalue(res, 0, SESSION_HOLIDAY_ZONE));
	if (s->holiday_zone < 0)
		s->holiday_zone = 0;
	s->open_on_whit_monday = strcmp(PQgetvalue(res, 0, SESSION_OPEN_ON_WHIT_MONDAY), "t") == 0;
	s->open_on_holidays = strcmp(PQgetvalue(res, 0, SESSION_OPEN_ON_HOLIDAYS), "t") == 0;
	s->display_saturdays = strcmp(PQgetvalue(res, 0, SESSION_DISPLAY_SATURDAYS), "t") == 0;
	s->display_cancelled_rdv = strcmp(PQgetvalue(res, 0, SESSION_DISPLAY_CANCELLED_RDV), "t") == 0;
	s->theme = PQgetisnull(res, 0, SESSION_THEME) ? NULL : xstrdup(PQgetvalue(res, 0, SESSION_THEME));
	PQclear(res);
	return s;
}

void
db_session_free(struct db_session *s)
{
	if (s == NULL)
		return;
	free(s->first_name);
	free(s->last_name);
	free(s->organisation_name);
	free(s->access_level);
	free(s->time_zone);
	free(s->theme);
	free(s);
}
