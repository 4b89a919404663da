/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/* Everything the admin screens list, in one round trip: kind, id, then text columns. */
static const char load_sql[] =
    "SELECT 'service', s.id, s.name, s.short_name, NULL, NULL, NULL, NULL, NULL, NULL FROM "
    "rdv.services s"
    " UNION ALL "
    "SELECT 'motif', m.id, m.name, m.service_id::text, m.default_duration_in_min::text,"
    "       m.location_type::text, m.color, m.min_booking_delay_min::text,"
    "       m.max_booking_delay_min::text, m.bookable_by::text"
    "  FROM rdv.motifs m WHERE m.organisation_id = $1::int AND m.deleted_at IS NULL"
    " UNION ALL "
    "SELECT 'lieu', l.id, l.name, l.address, coalesce(l.phone_number, ''),"
    "       (l.availability = 'enabled')::text, NULL, NULL, NULL, NULL"
    "  FROM rdv.lieux l WHERE l.organisation_id = $1::int AND l.availability <> 'single_use'"
    " UNION ALL "
    "SELECT 'agent', a.id, upper(a.last_name), coalesce(a.first_name, ''), coalesce(a.email, ''),"
    "       coalesce(a.db_role::text, ''), r.access_level::text,"
    "       coalesce((SELECT string_agg(x.service_id::text, ',' ORDER BY x.service_id)"
    "                   FROM rdv.agent_services x WHERE x.agent_id = a.id), ''), NULL, NULL"
    "  FROM rdv.agents a JOIN rdv.agent_roles r ON r.agent_id = a.id AND r.organisation_id = "
    "$1::int"
    " WHERE a.deleted_at IS NULL"
    " ORDER BY 1, 3, 4, 2";

/* The columns of load_sql: kind and id, then by kind. */
enum {
	ADM_KIND,
	ADM_ID,
	ADM_SERVICE_NAME = 2,
	ADM_SERVICE_SHORT_NAME,
	ADM_MOTIF_NAME = 2,
	ADM_MOTIF_SERVICE_ID,
	ADM_MOTIF_DURATION,
	ADM_MOTIF_LOCATION_TYPE,
	ADM_MOTIF_COLOR,
	ADM_MOTIF_MIN_DELAY,
	ADM_MOTIF_MAX_DELAY,
	ADM_MOTIF_BOOKABLE_BY,
	ADM_LIEU_NAME = 2,
	ADM_LIEU_ADDRESS,
	ADM_LIEU_PHONE,
	ADM_LIEU_ENABLED,
	ADM_AGENT_LAST_NAME = 2,
	ADM_AGENT_FIRST_NAME,
	ADM_AGENT_EMAIL,
	ADM_AGENT_LOGIN,
	ADM_AGENT_ACCESS_LEVEL,
	ADM_AGENT_SERVICE_IDS,
};

static const char motif_save_sql[] =
    "SELECT rdv.motif_save($1::int, $2::int, $3::int, $4, $5::int, $6::rdv.location_type, $7,"
    " $8::int, $9::int, $10::rdv.bookable_by)";

static const char lieu_save_sql[] =
    "SELECT rdv.lieu_save($1::int, $2::int, $3, $4, $5, $6::boolean)";

static const char agent_create_sql[] =
    "SELECT rdv.agent_create($1::int, $2, $3, $4, $5, $6::rdv.access_level, $7::int[])";

static const char agent_save_sql[] =
    "SELECT rdv.agent_save($1::int, $2::int, $3, $4, $5, $6::rdv.access_level, $7::int[]), $1::int";

void
db_admin_free(struct db_admin *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nservices; i++) {
		free(a->services[i].name);
		free(a->services[i].short_name);
	}
	for (size_t i = 0; i < a->nmotifs; i++) {
		free(a->motifs[i].name);
		free(a->motifs[i].location_type);
		free(a->motifs[i].color);
		free(a->motifs[i].bookable_by);
	}
	for (size_t i = 0; i < a->nlieux; i++) {
		free(a->lieux[i].name);
		free(a->lieux[i].address);
		free(a->lieux[i].phone);
	}
	for (size_t i = 0; i < a->nagents; i++) {
		free(a->agents[i].first_name);
		free(a->agents[i].last_name);
		free(a->agents[i].email);
		free(a->agents[i].login);
		free(a->agents[i].access_level);
		free(a->agents[i].service_ids);
	}
	free(a->services);
	free(a->motifs);
	free(a->lieux);
	free(a->agents);
	free(a);
}

static void *
load_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	size_t n = (size_t)PQntuples(res);
	struct db_admin *a = xcalloc(1, sizeof *a);
	a->services = xcalloc(n + 1, sizeof *a->services);
	a->motifs = xcalloc(n + 1, sizeof *a->motifs);
	a->lieux = xcalloc(n + 1, sizeof *a->lieux);
	a->agents = xcalloc(n + 1, sizeof *a->agents);
	for (int r = 0; r < (int)n; r++) {
		const char *kind = PQgetvalue(res, r, ADM_KIND);
		int id = atoi(PQgetvalue(res, r, ADM_ID));
#define COL(c) PQgetvalue(res, r, (c))
		if (strcmp(kind, "service") == 0) {
			a->services[a->nservices++] =
			    (struct db_admin_service){id, xstrdup(COL(ADM_SERVICE_NAME)),
						      xstrdup(COL(ADM_SERVICE_SHORT_NAME))};
		} else if (strcmp(kind, "motif") == 0) {
			a->motifs[a->nmotifs++] = (struct db_admin_motif){
			    .id = id,
			    .name = xstrdup(COL(ADM_MOTIF_NAME)),
			    .service_id = atoi(COL(ADM_MOTIF_SERVICE_ID)),
			    .duration_min = atoi(COL(ADM_MOTIF_DURATION)),
			    .location_type = xstrdup(COL(ADM_MOTIF_LOCATION_TYPE)),
			    .color = xstrdup(COL(ADM_MOTIF_COLOR)),
			    .min_delay_min = atoi(COL(ADM_MOTIF_MIN_DELAY)),
			    .max_delay_min = atoi(COL(ADM_MOTIF_MAX_DELAY)),
			    .bookable_by = xstrdup(COL(ADM_MOTIF_BOOKABLE_BY)),
			};
		} else if (strcmp(kind, "lieu") == 0) {
			a->lieux[a->nlieux++] = (struct db_admin_lieu){
			    .id = id,
			    .name = xstrdup(COL(ADM_LIEU_NAME)),
			    .address = xstrdup(COL(ADM_LIEU_ADDRESS)),
			    .phone = xstrdup(COL(ADM_LIEU_PHONE)),
			    .enabled = strcmp(COL(ADM_LIEU_ENABLED), "true") == 0,
			};
		} else {
			struct db_admin_agent *g = &a->agents[a->nagents++];
			g->id = id;
			g->last_name = xstrdup(COL(ADM_AGENT_LAST_NAME));
			g->first_name = xstrdup(COL(ADM_AGENT_FIRST_NAME));
			g->email = xstrdup(COL(ADM_AGENT_EMAIL));
			g->login = xstrdup(COL(ADM_AGENT_LOGIN));
			g->access_level = xstrdup(COL(ADM_AGENT_ACCESS_LEVEL));
			g->service_ids = db_ids_parse(COL(ADM_AGENT_SERVICE_IDS), &g->nservices);
		}
#undef COL
	}
	return a;
}

unsigned long
db_send_admin_load(struct db *db, const struct db_session *s)
{
	char org[16];
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {org};
	return db_request_queue(db, (db_free_fn)db_admin_free, load_sql, 1, params, load_parse, NULL, NULL);
}

static void *
id_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *id = xmalloc(sizeof *id);
	int col = PQnfields(res) - 1;
	*id = PQntuples(res) > 0 && col >= 0 ? atoi(PQgetvalue(res, 0, col)) : 0;
	return id;
}

unsigned long
db_send_motif_save(struct db *db, const struct db_session *s, const struct db_admin_motif *m)
{
	char id[16], org[16], service[16], duration[16], min[16], max[16];
	snprintf(id, sizeof id, "%d", m->id);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	snprintf(service, sizeof service, "%d", m->service_id);
	snprintf(duration, sizeof duration, "%d", m->duration_min);
	snprintf(min, sizeof min, "%d", m->min_delay_min);
	snprintf(max, sizeof max, "%d", m->max_delay_min);
	const char *params[] = {id,       org, service, m->name,       duration, m->location_type,
	                        m->color, min, max,     m->bookable_by};
	return db_request_queue(db, free, motif_save_sql, 10, params, id_parse, NULL,
	                        NULL);
}

unsigned long
db_send_lieu_save(struct db *db, const struct db_session *s, const struct db_admin_lieu *l)
{
	char id[16], org[16];
	snprintf(id, sizeof id, "%d", l->id);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {id,         org,      l->name,
	                        l->address, l->phone, l->enabled ? "true" : "false"};
	return db_request_queue(db, free, lieu_save_sql, 6, params, id_parse, NULL,
	                        NULL);
}

unsigned long
db_send_agent_save(struct db *db, const struct db_session *s, const struct db_admin_agent *a)
{
	char id[16], org[16];
	snprintf(id, sizeof id, "%d", a->id);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	char *services = db_ids_format(a->service_ids, a->nservices);
	unsigned long t;
	if (a->id == 0) {
		const char *params[] = {org,      a->first_name,   a->last_name, a->email,
		                        a->login, a->access_level, services};
		t = db_request_queue(db, free, agent_create_sql, 7, params, id_parse,
		                     NULL, NULL);
	} else {
		const char *params[] = {
		    id, org, a->first_name, a->last_name, a->email, a->access_level, services};
		t = db_request_queue(db, free, agent_save_sql, 7, params, id_parse,
		                     NULL, NULL);
	}
	free(services);
	return t;
}
