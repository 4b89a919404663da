/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/rdvs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/* Usager names are joined with U+001F, which no sanitised name contains. */
static const char load_sql[] =
    "SELECT r.id, r.motif_id, m.name, coalesce(r.lieu_id, 0),"
    "       to_char(r.starts_at AT TIME ZONE $2, 'YYYY-MM-DD\"T\"HH24:MI'),"
    "       (extract(epoch FROM r.ends_at - r.starts_at) / 60)::int, r.status::text,"
    "       array_to_string(r.agent_ids, ','), coalesce(r.context, ''),"
    "       (SELECT string_agg(u.id::text, ',' ORDER BY u.last_name, u.id)"
    "          FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id"
    "         WHERE p.rdv_id = r.id),"
    "       (SELECT string_agg(u.first_name || ' ' || upper(u.last_name), chr(31)"
    "                          ORDER BY u.last_name, u.id)"
    "          FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id"
    "         WHERE p.rdv_id = r.id),"
    "       array_to_string(rdv.rdv_allowed_statuses(r.id), ',')"
    "  FROM rdv.rdvs r JOIN rdv.motifs m ON m.id = r.motif_id"
    " WHERE r.id = $1";

/* Both take the same nine parameters (save_params); both return the rdv's id. */
static const char book_sql[] =
    "SELECT rdv.rdv_book($2::int, nullif($3::int, 0), $4::timestamp, $5::int, $6::int[], $7::int[],"
    "                    $8::boolean, $9::text) WHERE $1::int = 0";
static const char save_sql[] =
    "SELECT $1::int FROM rdv.rdv_save($1::int, $3::int, ($4::timestamp AT TIME ZONE $10), $5::int,"
    "                    $6::int[], $7::int[], $8::boolean, $9) WHERE $2::int >= 0";

static const char status_sql[] = "SELECT rdv.rdv_set_status($1::int, $2::rdv.rdv_status)";

static const char delete_sql[] = "DELETE FROM rdv.rdvs WHERE id = $1::int";

static const char to_fill_sql[] =
    "SELECT r.id, to_char(r.starts_at AT TIME ZONE $2, 'YYYY-MM-DD\"T\"HH24:MI'), m.name,"
    "       coalesce((SELECT string_agg(u.first_name || ' ' || upper(u.last_name), ', '"
    "                                   ORDER BY u.last_name, u.id)"
    "                   FROM rdv.participations p JOIN rdv.usagers u ON u.id = p.usager_id"
    "                  WHERE p.rdv_id = r.id), '')"
    "  FROM rdv.rdvs r JOIN rdv.motifs m ON m.id = r.motif_id"
    " WHERE r.agent_ids @> ARRAY[rdv.current_agent_id()] AND r.status = 'unknown'"
    "   AND r.starts_at < ($1::date::timestamp AT TIME ZONE $2)"
    " ORDER BY r.starts_at, r.id";

void
db_rdv_brief_clear(struct db_rdv_brief *b)
{
	free(b->motif);
	free(b->usagers);
	b->motif = b->usagers = NULL;
}

void
db_rdv_briefs_free(struct db_rdv_briefs *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		db_rdv_brief_clear(&l->items[i]);
	free(l->items);
	free(l);
}

/* Columns: id, local start "YYYY-MM-DDTHH:MI", motif, usagers. */
void
db_rdv_brief_read(struct db_rdv_brief *b, const PGresult *res, int row)
{
	b->id = atoi(PQgetvalue(res, row, 0));
	cal_parse_datetime(PQgetvalue(res, row, 1), &b->starts_at);
	b->motif = xstrdup(PQgetvalue(res, row, 2));
	b->usagers = xstrdup(PQgetvalue(res, row, 3));
}

static void *
briefs_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_rdv_briefs *l = xcalloc(1, sizeof *l);
	l->n = (size_t)PQntuples(res);
	l->items = xcalloc(l->n + 1, sizeof *l->items);
	for (size_t i = 0; i < l->n; i++)
		db_rdv_brief_read(&l->items[i], res, (int)i);
	return l;
}

unsigned long
db_send_to_fill(struct db *db, const struct db_session *s, rdv_date today)
{
	char day[11];
	cal_format_date(today, day);
	const char *params[] = {day, s->time_zone};
	return db_request_queue(db, (db_free_fn)db_rdv_briefs_free, to_fill_sql, 2, params, briefs_parse, NULL, NULL);
}

void
db_rdv_free(struct db_rdv *r)
{
	if (r == NULL)
		return;
	free(r->motif_name);
	free(r->agent_ids);
	free(r->usager_ids);
	for (int i = 0; i < r->nusagers; i++)
		free(r->usager_names[i]);
	free(r->usager_names);
	free(r->context);
	free(r);
}

static void *
load_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) == 0) {
		*err = db_error_new("42501", "rendez-vous introuvable");
		return NULL;
	}
	struct db_rdv *r = xcalloc(1, sizeof *r);
	r->id = atoi(PQgetvalue(res, 0, 0));
	r->motif_id = atoi(PQgetvalue(res, 0, 1));
	r->motif_name = xstrdup(PQgetvalue(res, 0, 2));
	r->lieu_id = atoi(PQgetvalue(res, 0, 3));
	cal_parse_datetime(PQgetvalue(res, 0, 4), &r->starts_at);
	r->duration_min = atoi(PQgetvalue(res, 0, 5));
	int st = rdv_status_parse(PQgetvalue(res, 0, 6));
	r->status = st < 0 ? RDV_UNKNOWN : (enum rdv_status)st;
	r->agent_ids = db_ids_parse(PQgetvalue(res, 0, 7), &r->nagents);
	r->context = xstrdup(PQgetvalue(res, 0, 8));
	r->usager_ids = db_ids_parse(PQgetvalue(res, 0, 9), &r->nusagers);
	r->usager_names = xcalloc((size_t)r->nusagers + 1, sizeof *r->usager_names);
	const char *names = PQgetvalue(res, 0, 10);
	for (int i = 0; i < r->nusagers; i++) {
		size_t len = strcspn(names, "\x1f");
		r->usager_names[i] = xstrndup(names, len);
		names += len + (names[len] != '\0');
	}
	const char *allowed = PQgetvalue(res, 0, 11);
	while (*allowed && r->nallowed < RDV_STATUS_COUNT) {
		size_t len = strcspn(allowed, ",");
		char *one = xstrndup(allowed, len);
		int a = rdv_status_parse(one);
		free(one);
		if (a >= 0)
			r->allowed[r->nallowed++] = (enum rdv_status)a;
		allowed += len + (allowed[len] == ',');
	}
	return r;
}

unsigned long
db_send_rdv_load(struct db *db, const struct db_session *s, int rdv_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", rdv_id);
	const char *params[] = {id, s->time_zone};
	return db_request_queue(db, (db_free_fn)db_rdv_free, load_sql, 2, params, load_parse, NULL, NULL);
}

void *
db_rows_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *rows = xmalloc(sizeof *rows);
	const char *tuples = PQcmdTuples(res);
	*rows = *tuples ? atoi(tuples) : PQntuples(res);
	return rows;
}

struct save_params {
	char id[16], motif[16], lieu[16], start[17], duration[16];
	char *agents, *usagers;
	const char *v[10];
};

static void
save_params_fill(struct save_params *p, const struct db_session *s, const struct db_rdv_save *r)
{
	snprintf(p->id, sizeof p->id, "%d", r->rdv_id);
	snprintf(p->motif, sizeof p->motif, "%d", r->motif_id);
	snprintf(p->lieu, sizeof p->lieu, "%d", r->lieu_id > 0 ? r->lieu_id : 0);
	cal_format_datetime(r->starts_at, p->start);
	p->start[10] = ' ';
	snprintf(p->duration, sizeof p->duration, "%d", r->duration_min);
	p->agents = db_ids_format(r->agent_ids, r->agent_ids ? r->nagents : 0);
	p->usagers = db_ids_format(r->usager_ids, r->usager_ids ? r->nusagers : 0);
	const char *v[] = {p->id,      p->motif,   p->lieu, p->start, p->duration, p->agents,
			   p->usagers, r->acknowledge_overlap ? "t" : "f", r->context,
			   s ? s->time_zone : NULL};
	memcpy(p->v, v, sizeof v);
}

static void
save_params_free(struct save_params *p)
{
	free(p->agents);
	free(p->usagers);
}

/* The rdv's id as a reply's data. Caller frees. */
static void *
id_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		*err = db_error_new("XX000", "réservation : réponse inattendue");
		return NULL;
	}
	int *id = xmalloc(sizeof *id);
	*id = atoi(PQgetvalue(res, 0, 0));
	return id;
}

unsigned long
db_send_rdv_save(struct db *db, const struct db_session *s, const struct db_rdv_save *r)
{
	struct save_params p;
	save_params_fill(&p, s, r);
	bool book = r->rdv_id == 0;
	unsigned long t = db_request_queue(db, free, book ? book_sql : save_sql,
					   book ? 9 : 10, p.v, id_parse, NULL, NULL);
	save_params_free(&p);
	return t;
}

int
db_rdv_book(struct db *db, const struct db_rdv_save *r, struct db_error **err)
{
	struct save_params p;
	save_params_fill(&p, NULL, r);
	PGresult *res = db_exec(db, book_sql, 9, p.v, err);
	save_params_free(&p);
	if (res == NULL)
		return 0;
	struct db_error *e = NULL;
	int *id = id_parse(res, NULL, &e);
	PQclear(res);
	if (id == NULL) {
		if (err)
			*err = e;
		else
			db_error_free(e);
		return 0;
	}
	int v = *id;
	free(id);
	return v;
}

unsigned long
db_send_rdv_status(struct db *db, int rdv_id, enum rdv_status st)
{
	char id[16];
	snprintf(id, sizeof id, "%d", rdv_id);
	const char *params[] = {id, rdv_status_name(st)};
	return db_request_queue(db, free, status_sql, 2, params, db_rows_parse, NULL, NULL);
}

unsigned long
db_send_rdv_delete(struct db *db, int rdv_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", rdv_id);
	const char *params[] = {id};
	return db_request_queue(db, free, delete_sql, 1, params, db_rows_parse, NULL, NULL);
}
