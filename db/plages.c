/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/plages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"
#include "db/rdvs.h"

/*
 * Motifs the agent may use in plages (rdv.plage_motif_ids), the enabled
 * lieux of the organisation and the agent's name, in one round trip.
 */
static const char options_sql[] =
    "SELECT 'motif', m.id, m.name, m.location_type::text, m.default_duration_in_min::text"
    "  FROM rdv.motifs m WHERE m.id = ANY (rdv.plage_motif_ids($1::int, $2::int))"
    " UNION ALL "
    "SELECT 'lieu', l.id, l.name, l.address, NULL FROM rdv.lieux l"
    " WHERE l.organisation_id = $2::int AND l.availability = 'enabled'"
    " UNION ALL "
    "SELECT 'agent', a.id, btrim(coalesce(a.first_name, '') || ' ' || upper(a.last_name)), NULL, "
    "NULL"
    "  FROM rdv.agents a WHERE a.id = $1::int"
    " ORDER BY 1, 3, 2";

static const char plage_load_sql[] =
    "SELECT p.id, p.agent_id, p.organisation_id, coalesce(p.lieu_id, 0), p.title, p.first_day,"
    "       extract(epoch FROM p.start_time)::int / 60, extract(epoch FROM p.end_time)::int / 60,"
    "       coalesce(p.rrule, ''),"
    "       coalesce((SELECT string_agg(pm.motif_id::text, ',' ORDER BY pm.motif_id)"
    "                   FROM rdv.plage_motifs pm WHERE pm.plage_id = p.id), '')"
    "  FROM rdv.plages_ouverture p WHERE p.id = $1::int";

/* A row a warning (w_kind not NULL), or one row with the saved id. */
static const char plage_save_sql[] =
    "SELECT coalesce(saved_id, 0), w_kind, w_day, w_title,"
    "       extract(epoch FROM w_start)::int / 60, extract(epoch FROM w_end)::int / 60,"
    "       w_motif, w_duration, w_length"
    "  FROM rdv.plage_store($1::int, $2::int, $3::int, $4::int,"
    " $5, $6::date, $7::time, $8::time, $9, $10::int[], $11::boolean, $12::date)";

static const char plage_delete_sql[] = "DELETE FROM rdv.plages_ouverture WHERE id = $1::int";

static const char absence_load_sql[] =
    "SELECT a.id, a.agent_id, a.title, a.first_day,"
    "       extract(epoch FROM a.start_time)::int / 60, a.end_day,"
    "       extract(epoch FROM a.end_time)::int / 60, coalesce(a.rrule, '')"
    "  FROM rdv.absences a WHERE a.id = $1::int";

static const char absence_save_sql[] =
    "SELECT rdv.absence_save($1::int, $2::int, $3, $4::date, $5::time, $6::date, $7::time, $8)";

static const char absence_delete_sql[] = "DELETE FROM rdv.absences WHERE id = $1::int";

/* The visible conflicts, then a row with the count of all of them. */
static const char absence_conflicts_sql[] =
    "SELECT c.rdv_id, to_char(c.starts_at AT TIME ZONE $2, 'YYYY-MM-DD\"T\"HH24:MI'), c.motif,"
    "       c.usagers, 'rdv'"
    "  FROM rdv.absence_conflicts($1::int, $2) c"
    " UNION ALL "
    "SELECT rdv.absence_conflict_count($1::int, $2), NULL, NULL, NULL, 'total'";

/* "09:30" for minutes of the day (24:00 allowed). */
static void
hhmm(int minute, char buf[8])
{
	unsigned m = minute < 0 ? 0 : minute > CAL_MIN_PER_DAY ? CAL_MIN_PER_DAY : (unsigned)minute;
	snprintf(buf, 8, "%02u:%02u", (m / 60) % 100, m % 60);
}

static rdv_date
value_date(PGresult *res, int row, int col)
{
	rdv_date d = 0;
	cal_parse_date(PQgetvalue(res, row, col), &d);
	return d;
}

/* ------------------------------------------------------------ options */

void
db_plage_options_free(struct db_plage_options *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->nmotifs; i++) {
		free(o->motifs[i].name);
		free(o->motifs[i].location_type);
	}
	for (size_t i = 0; i < o->nlieux; i++) {
		free(o->lieux[i].name);
		free(o->lieux[i].address);
	}
	free(o->motifs);
	free(o->lieux);
	free(o->agent_name);
	free(o);
}

static void *
options_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int n = PQntuples(res);
	struct db_plage_options *o = xcalloc(1, sizeof *o);
	o->motifs = xcalloc((size_t)n + 1, sizeof *o->motifs);
	o->lieux = xcalloc((size_t)n + 1, sizeof *o->lieux);
	for (int r = 0; r < n; r++) {
		const char *kind = PQgetvalue(res, r, 0);
		int id = atoi(PQgetvalue(res, r, 1));
		if (strcmp(kind, "motif") == 0) {
			struct db_plage_motif *m = &o->motifs[o->nmotifs++];
			m->id = id;
			m->name = xstrdup(PQgetvalue(res, r, 2));
			m->location_type = xstrdup(PQgetvalue(res, r, 3));
			m->duration_min = atoi(PQgetvalue(res, r, 4));
		} else if (strcmp(kind, "lieu") == 0) {
			struct db_plage_lieu *l = &o->lieux[o->nlieux++];
			l->id = id;
			l->name = xstrdup(PQgetvalue(res, r, 2));
			l->address = xstrdup(PQgetvalue(res, r, 3));
		} else if (o->agent_name == NULL) {
			o->agent_name = xstrdup(PQgetvalue(res, r, 2));
		}
	}
	if (o->agent_name == NULL)
		o->agent_name = xstrdup("");
	return o;
}

unsigned long
db_send_plage_options(struct db *db, const struct db_session *s, int agent_id)
{
	char agent[16], org[16];
	snprintf(agent, sizeof agent, "%d", agent_id);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {agent, org};
	return db_request_queue(db, (db_free_fn)db_plage_options_free, options_sql, 2, params, options_parse,
	                        NULL, NULL);
}

/* ------------------------------------------------------------ plages */

void
db_plage_free(struct db_plage *p)
{
	if (p == NULL)
		return;
	free(p->title);
	free(p->rrule);
	free(p->motif_ids);
	free(p);
}

static void *
plage_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) == 0) {
		*err = db_error_new("42501", "plage introuvable");
		return NULL;
	}
	struct db_plage *p = xcalloc(1, sizeof *p);
	p->id = atoi(PQgetvalue(res, 0, 0));
	p->agent_id = atoi(PQgetvalue(res, 0, 1));
	p->organisation_id = atoi(PQgetvalue(res, 0, 2));
	p->lieu_id = atoi(PQgetvalue(res, 0, 3));
	p->title = xstrdup(PQgetvalue(res, 0, 4));
	p->first_day = value_date(res, 0, 5);
	p->start = atoi(PQgetvalue(res, 0, 6));
	p->end = atoi(PQgetvalue(res, 0, 7));
	p->rrule = xstrdup(PQgetvalue(res, 0, 8));
	p->motif_ids = db_ids_parse(PQgetvalue(res, 0, 9), &p->nmotifs);
	return p;
}

unsigned long
db_send_plage_load(struct db *db, int plage_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", plage_id);
	const char *params[] = {id};
	return db_request_queue(db, (db_free_fn)db_plage_free, plage_load_sql, 1, params, plage_parse, NULL,
	                        NULL);
}

void
db_plage_saved_free(struct db_plage_saved *r)
{
	if (r == NULL)
		return;
	warnings_clear(&r->warnings);
	free(r);
}

enum { SAVED_ID, SAVED_KIND, SAVED_DAY, SAVED_TITLE, SAVED_START, SAVED_END, SAVED_MOTIF, SAVED_DURATION, SAVED_LENGTH };

/* One row of rdv.plage_store's warnings as a core warning. */
static struct warning
saved_warning(PGresult *res, int i)
{
	const char *kind = PQgetvalue(res, i, SAVED_KIND);
	bool overlap = strcmp(kind, "plage_overlap") == 0;
	struct warning w;
	if (overlap) {
		w = warning_new(WARNING_PLAGE_OVERLAP, PQgetisnull(res, i, SAVED_TITLE) ? NULL
		                                                 : PQgetvalue(res, i, SAVED_TITLE));
		cal_parse_date(PQgetvalue(res, i, SAVED_DAY), &w.day);
		w.start = atoi(PQgetvalue(res, i, SAVED_START));
		w.end = atoi(PQgetvalue(res, i, SAVED_END));
	} else {
		w = warning_new(WARNING_MOTIF_TOO_LONG, PQgetvalue(res, i, SAVED_MOTIF));
		w.minutes = atoi(PQgetvalue(res, i, SAVED_DURATION));
		w.length = atoi(PQgetvalue(res, i, SAVED_LENGTH));
	}
	return w;
}

static void *
saved_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int n = PQntuples(res);
	struct db_plage_saved *r = xcalloc(1, sizeof *r);
	for (int i = 0; i < n; i++) {
		if (!PQgetisnull(res, i, SAVED_KIND))
			warnings_add(&r->warnings, saved_warning(res, i));
		else
			r->id = atoi(PQgetvalue(res, i, SAVED_ID));
	}
	return r;
}

unsigned long
db_send_plage_save(struct db *db, const struct db_session *s, const struct db_plage_save *p)
{
	char id[16], agent[16], org[16], lieu[16], day[11], start[8], end[8], today[11];
	snprintf(id, sizeof id, "%d", p->plage_id);
	snprintf(agent, sizeof agent, "%d", p->agent_id);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	snprintf(lieu, sizeof lieu, "%d", p->lieu_id);
	cal_format_date(p->first_day, day);
	cal_format_date(p->today, today);
	hhmm(p->start, start);
	hhmm(p->end, end);
	char *motifs = db_ids_format(p->motif_ids, p->nmotifs);
	const char *params[] = {id,
	                        agent,
	                        org,
	                        lieu,
	                        p->title,
	                        day,
	                        start,
	                        end,
	                        p->rrule && *p->rrule ? p->rrule : NULL,
	                        motifs,
	                        p->acknowledge ? "true" : "false",
	                        today};
	unsigned long t = db_request_queue(db, (db_free_fn)db_plage_saved_free, plage_save_sql, 12, params,
	                                   saved_parse, NULL, NULL);
	free(motifs);
	return t;
}

unsigned long
db_send_plage_delete(struct db *db, int plage_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", plage_id);
	const char *params[] = {id};
	return db_request_queue(db, free, plage_delete_sql, 1, params, db_rows_parse, NULL,
	                        NULL);
}

/* ------------------------------------------------------------ absences */

void
db_absence_free(struct db_absence *a)
{
	if (a == NULL)
		return;
	free(a->title);
	free(a->rrule);
	free(a);
}

static void *
absence_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) == 0) {
		*err = db_error_new("42501", "indisponibilité introuvable");
		return NULL;
	}
	struct db_absence *a = xcalloc(1, sizeof *a);
	a->id = atoi(PQgetvalue(res, 0, 0));
	a->agent_id = atoi(PQgetvalue(res, 0, 1));
	a->title = xstrdup(PQgetvalue(res, 0, 2));
	a->first_day = value_date(res, 0, 3);
	a->start = atoi(PQgetvalue(res, 0, 4));
	a->end_day = value_date(res, 0, 5);
	a->end = atoi(PQgetvalue(res, 0, 6));
	a->rrule = xstrdup(PQgetvalue(res, 0, 7));
	return a;
}

unsigned long
db_send_absence_load(struct db *db, int absence_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", absence_id);
	const char *params[] = {id};
	return db_request_queue(db, (db_free_fn)db_absence_free, absence_load_sql, 1, params, absence_parse,
	                        NULL, NULL);
}

static void *
id_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *id = xmalloc(sizeof *id);
	*id = PQntuples(res) > 0 ? atoi(PQgetvalue(res, 0, 0)) : 0;
	return id;
}

unsigned long
db_send_absence_save(struct db *db, const struct db_absence *a)
{
	char id[16], agent[16], first[11], last[11], start[8], end[8];
	snprintf(id, sizeof id, "%d", a->id);
	snprintf(agent, sizeof agent, "%d", a->agent_id);
	cal_format_date(a->first_day, first);
	cal_format_date(a->end_day, last);
	hhmm(a->start, start);
	hhmm(a->end, end);
	const char *params[] = {id,    agent, a->title, first,
	                        start, last,  end,      a->rrule && *a->rrule ? a->rrule : NULL};
	return db_request_queue(db, free, absence_save_sql, 8, params, id_parse, NULL,
	                        NULL);
}

unsigned long
db_send_absence_delete(struct db *db, int absence_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", absence_id);
	const char *params[] = {id};
	return db_request_queue(db, free, absence_delete_sql, 1, params, db_rows_parse, NULL,
	                        NULL);
}

void
db_absence_conflicts_free(struct db_absence_conflicts *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		db_rdv_brief_clear(&c->items[i]);
	free(c->items);
	free(c);
}

static void *
conflicts_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int rows = PQntuples(res), total = 0;
	struct db_absence_conflicts *c = xcalloc(1, sizeof *c);
	c->items = xcalloc((size_t)rows + 1, sizeof *c->items);
	for (int r = 0; r < rows; r++) {
		if (strcmp(PQgetvalue(res, r, 4), "total") == 0) {
			total = atoi(PQgetvalue(res, r, 0));
			continue;
		}
		db_rdv_brief_read(&c->items[c->n++], res, r);
	}
	c->hidden = total > (int)c->n ? total - (int)c->n : 0;
	return c;
}

unsigned long
db_send_absence_conflicts(struct db *db, const struct db_session *s, int absence_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", absence_id);
	const char *params[] = {id, s->time_zone};
	return db_request_queue(db, (db_free_fn)db_absence_conflicts_free, absence_conflicts_sql, 2, params,
	                        conflicts_parse, NULL, NULL);
}
