/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/choices.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * One statement, four kinds of rows. Motifs: not deleted, of the viewed
 * organisation; agents: those with a basic or admin role in it (intervenants
 * too: they have agendas), not deleted; lieux: enabled ones.
 */
static const char choices_sql[] =
    "SELECT 'service', s.id, s.name, NULL, NULL, NULL, NULL, NULL, NULL"
    "  FROM rdv.services s"
    " WHERE s.name <> 'Secrétariat'"
    "   AND EXISTS (SELECT 1 FROM rdv.motifs m WHERE m.service_id = s.id"
    "               AND m.organisation_id = $1 AND m.deleted_at IS NULL"
    "               AND m.id = ANY ((SELECT rdv.my_motif_ids())::int[]))"
    " UNION ALL "
    "SELECT 'motif', m.id, m.name, m.service_id::text, m.location_type::text,"
    "       m.default_duration_in_min::text, m.collectif::text, m.color, NULL"
    "  FROM rdv.motifs m WHERE m.organisation_id = $1 AND m.deleted_at IS NULL"
    "   AND m.id = ANY ((SELECT rdv.my_motif_ids())::int[])"
    " UNION ALL "
    "SELECT 'agent', a.id, upper(a.last_name) || coalesce(' ' || a.first_name, ''),"
    "       coalesce(left(a.first_name, 1) || '. ', '') || upper(a.last_name), NULL, NULL, NULL, NULL,"
    "       (SELECT string_agg(x.service_id::text, ',') FROM rdv.agent_services x"
    "         WHERE x.agent_id = a.id)"
    "  FROM rdv.agents a JOIN rdv.agent_roles r ON r.agent_id = a.id AND r.organisation_id = $1"
    " WHERE a.deleted_at IS NULL"
    " UNION ALL "
    "SELECT 'lieu', l.id, l.name, l.address, NULL, NULL, NULL, NULL, NULL"
    "  FROM rdv.lieux l WHERE l.organisation_id = $1 AND l.availability = 'enabled'"
    " ORDER BY 1, 3, 2";

/* The columns of choices_sql, in order: DETAIL is a motif's service id, an
 * agent's short name or a lieu's address. */
enum {
	CHOICE_KIND,
	CHOICE_ID,
	CHOICE_NAME,
	CHOICE_DETAIL,
	CHOICE_LOCATION_TYPE,
	CHOICE_DURATION,
	CHOICE_COLLECTIF,
	CHOICE_COLOR,
	CHOICE_SERVICE_IDS,
};

void
db_choices_free(struct db_choices *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nservices; i++)
		free(c->services[i].name);
	for (size_t i = 0; i < c->nmotifs; i++) {
		free(c->motifs[i].name);
		free(c->motifs[i].location_type);
		free(c->motifs[i].color);
	}
	for (size_t i = 0; i < c->nagents; i++) {
		free(c->agents[i].name);
		free(c->agents[i].short_name);
		free(c->agents[i].service_ids);
	}
	for (size_t i = 0; i < c->nlieux; i++) {
		free(c->lieux[i].name);
		free(c->lieux[i].address);
	}
	free(c->services);
	free(c->motifs);
	free(c->agents);
	free(c->lieux);
	free(c);
}

const char *
db_location_type_label(const char *t)
{
	if (t == NULL)
		return "";
	if (strcmp(t, "phone") == 0)
		return "Par téléphone";
	if (strcmp(t, "home") == 0)
		return "À domicile";
	if (strcmp(t, "visio") == 0)
		return "Par visioconférence";
	return "Sur place";
}

static char *
dup_field(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

static const char *
value_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static void *
choices_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_choices *c = xcalloc(1, sizeof *c);
	int rows = PQntuples(res);
	c->services = xcalloc((size_t)rows + 1, sizeof *c->services);
	c->motifs = xcalloc((size_t)rows + 1, sizeof *c->motifs);
	c->agents = xcalloc((size_t)rows + 1, sizeof *c->agents);
	c->lieux = xcalloc((size_t)rows + 1, sizeof *c->lieux);
	for (int i = 0; i < rows; i++) {
		const char *kind = PQgetvalue(res, i, CHOICE_KIND);
		int id = atoi(PQgetvalue(res, i, CHOICE_ID));
		if (strcmp(kind, "service") == 0) {
			c->services[c->nservices].id = id;
			c->services[c->nservices++].name = dup_field(res, i, CHOICE_NAME);
		} else if (strcmp(kind, "motif") == 0) {
			struct db_choice_motif *m = &c->motifs[c->nmotifs++];
			m->id = id;
			m->name = dup_field(res, i, CHOICE_NAME);
			m->service_id = atoi(PQgetvalue(res, i, CHOICE_DETAIL));
			m->location_type = dup_field(res, i, CHOICE_LOCATION_TYPE);
			m->duration_min = atoi(PQgetvalue(res, i, CHOICE_DURATION));
			m->collectif = strcmp(PQgetvalue(res, i, CHOICE_COLLECTIF), "true") == 0;
			m->color = dup_field(res, i, CHOICE_COLOR);
		} else if (strcmp(kind, "agent") == 0) {
			struct db_choice_agent *a = &c->agents[c->nagents++];
			a->id = id;
			a->name = dup_field(res, i, CHOICE_NAME);
			a->short_name = dup_field(res, i, CHOICE_DETAIL);
			a->service_ids = db_ids_parse(value_or_null(res, i, CHOICE_SERVICE_IDS),
						      &a->nservices);
		} else if (strcmp(kind, "lieu") == 0) {
			c->lieux[c->nlieux].id = id;
			c->lieux[c->nlieux].name = dup_field(res, i, CHOICE_NAME);
			c->lieux[c->nlieux++].address = dup_field(res, i, CHOICE_DETAIL);
		}
	}
	return c;
}

unsigned long
db_send_choices(struct db *db, const struct db_session *s)
{
	char org[16];
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {org};
	return db_request_queue(db, (db_free_fn)db_choices_free, choices_sql, 1, params, choices_parse, NULL,
				NULL);
}
