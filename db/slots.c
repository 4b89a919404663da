/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/slots.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/holidays.h"
#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * One statement loads everything a search reads (DESIGN §5): the motif with
 * its territory's zone and holiday options, the plages of the motif the
 * agent may read (row-level security) that can meet the window, the busy
 * times of their agents in every organisation through rdv.slots_busy (005_slots.sql), and the names
 * of those agents and lieux. Rows come tagged by kind in one shape:
 *
 *   kind  i1        i2     i3    i4             i5           i6       i7       s1     s2
 *   m     duration  min    max   now (local)    whit monday  holidays -        zone   holiday zone
 *   p     plage id  agent  lieu  first day      start        end      order    rrule  -
 *   r     -         agent  -     start (local)  end (local)  -        -        -      -
 *   x     -         agent  -     first day      start        end day  end      rrule  -
 *   a     agent id  -      -     -              -            -        -        name   -
 *           (from rdv.slots_busy, which applies the agents' visibility rule)
 *   l     lieu id   -      -     -              -            -        -        name   address
 *
 * A plage's motifs are not loaded: the statement only returns plages of
 * the motif, which is all the core's motif test (spec §3 rule 2) asks, and
 * a second read of plage_motifs would cost its row-level security again.
 *
 * Days are counted from 1970-01-01 and times in minutes (core/caltime.h), so
 * rdv instants arrive already in the territory's wall clock: starts rounded
 * down and ends up to the minute, so that a busy time never shrinks. A
 * plage's "order" is the rank of its created_at among the loaded plages:
 * the core only compares created_at, and the rank keeps the database's
 * full precision where minutes would tie.
 *
 * $1 motif, $2 lieu or NULL, $3 agent ids or NULL, $4 and $5 the window's
 * first and last local days.
 */
static const char slots_sql[] =
    "WITH m AS ("
    " SELECT mo.default_duration_in_min AS dur, mo.min_booking_delay_min AS dmin,"
    "        mo.max_booking_delay_min AS dmax, t.time_zone AS tz, t.holiday_zone AS hz,"
    "        o.open_on_whit_monday AS whit, o.open_on_holidays AS hol"
    "   FROM rdv.motifs mo"
    "   JOIN rdv.organisations o ON o.id = mo.organisation_id"
    "   JOIN rdv.territories t ON t.id = o.territory_id"
    "  WHERE mo.id = $1::int AND mo.deleted_at IS NULL"
    "), p AS MATERIALIZED ("
    " SELECT pl.id, pl.agent_id, pl.lieu_id, pl.first_day, pl.start_time, pl.end_time, pl.rrule,"
    "        dense_rank() OVER (ORDER BY pl.created_at) AS created_rank"
    "   FROM rdv.plages_ouverture pl"
    "   JOIN rdv.plage_motifs pm ON pm.plage_id = pl.id AND pm.motif_id = $1::int"
    "  WHERE ($2::int IS NULL OR pl.lieu_id = $2::int)"
    "    AND ($3::int[] IS NULL OR pl.agent_id = ANY ($3::int[]))"
    "    AND pl.first_day <= $5::date AND (pl.last_day IS NULL OR pl.last_day >= $4::date)"
    "    AND EXISTS (SELECT 1 FROM m)"
    ") "
    "SELECT 'm'::text, m.dur::bigint, m.dmin::bigint, m.dmax::bigint,"
    "       floor(extract(epoch FROM now() AT TIME ZONE m.tz) / 60)::bigint,"
    "       m.whit::int::bigint, m.hol::int::bigint, NULL::bigint, m.tz, m.hz"
    "  FROM m "
    "UNION ALL "
    "SELECT 'p', p.id, p.agent_id, p.lieu_id, p.first_day - date '1970-01-01',"
    "       ceil(date_part('epoch', p.start_time) / 60)::bigint,"
    "       floor(date_part('epoch', p.end_time) / 60)::bigint, p.created_rank, nullif(p.rrule, "
    "''),"
    "       NULL"
    "  FROM p "
    "UNION ALL "
    "SELECT CASE b.kind WHEN 'rdv' THEN 'r' WHEN 'absence' THEN 'x' ELSE 'a' END,"
    "       b.agent_id, b.agent_id, NULL,"
    "       CASE WHEN b.kind = 'rdv'"
    "            THEN floor(date_part('epoch', b.starts_at AT TIME ZONE m.tz) / 60)::bigint"
    "            ELSE b.first_day - date '1970-01-01' END,"
    "       CASE WHEN b.kind = 'rdv'"
    "            THEN ceil(date_part('epoch', b.ends_at AT TIME ZONE m.tz) / 60)::bigint"
    "            ELSE floor(date_part('epoch', b.start_time) / 60)::bigint END,"
    "       b.end_day - date '1970-01-01', ceil(date_part('epoch', b.end_time) / 60)::bigint,"
    "       coalesce(b.rrule, b.name), NULL"
    "  FROM m, rdv.slots_busy(ARRAY(SELECT DISTINCT p.agent_id FROM p), $4::date, $5::date, m.tz) "
    "b "
    "UNION ALL "
    "SELECT 'l', l.id, NULL, NULL, NULL, NULL, NULL, NULL, l.name, l.address"
    "  FROM rdv.lieux l WHERE l.id IN (SELECT p.lieu_id FROM p)";

enum { C_KIND, C_I1, C_I2, C_I3, C_I4, C_I5, C_I6, C_I7, C_S1, C_S2 };

/* A request as the parse step needs it, with its own copy of the agent ids. */
struct slots_ctx {
	struct db_slots_request req;
	int *agent_ids;
	rdv_date to; /* the window's last day, defaults applied */
};

static void
slots_ctx_free(void *v)
{
	struct slots_ctx *ctx = v;
	if (ctx == NULL)
		return;
	free(ctx->agent_ids);
	free(ctx);
}

/* Caller frees with slots_ctx_free(). */
static struct slots_ctx *
slots_ctx_new(const struct db_slots_request *req)
{
	struct slots_ctx *ctx = xcalloc(1, sizeof *ctx);
	ctx->req = *req;
	if (req->nagents > 0 && req->agent_ids) {
		ctx->agent_ids = xreallocarray(NULL, (size_t)req->nagents, sizeof *ctx->agent_ids);
		memcpy(ctx->agent_ids, req->agent_ids,
		       (size_t)req->nagents * sizeof *ctx->agent_ids);
	} else {
		ctx->req.nagents = 0;
	}
	ctx->req.agent_ids = ctx->agent_ids;
	/* No last day (to before from): the next-availability horizon. */
	ctx->to = req->to >= req->from ? req->to : req->from + SLOTS_DEFAULT_DAYS;
	return ctx;
}

/* The statement's parameters; strings live in the struct. */
struct slots_params {
	char motif[16], lieu[16], from[11], to[11];
	char *agents;
	const char *v[5];
};

static void
slots_params_fill(struct slots_params *p, const struct slots_ctx *ctx)
{
	snprintf(p->motif, sizeof p->motif, "%d", ctx->req.motif_id);
	snprintf(p->lieu, sizeof p->lieu, "%d", ctx->req.lieu_id);
	cal_format_date(ctx->req.from, p->from);
	cal_format_date(ctx->to, p->to);
	p->agents = ctx->req.nagents > 0 ? db_ids_format(ctx->agent_ids, ctx->req.nagents) : NULL;
	p->v[0] = p->motif;
	p->v[1] = ctx->req.lieu_id > 0 ? p->lieu : NULL;
	p->v[2] = p->agents;
	p->v[3] = p->from;
	p->v[4] = p->to;
}

static int64_t
field_i64(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static const char *
field_str(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int
compare_name(const void *pa, const void *pb)
{
	const struct db_slots_name *a = pa, *b = pb;
	return (a->id > b->id) - (a->id < b->id);
}

static void
names_push(struct db_slots_name **v, size_t *n, size_t *cap, int id, const char *name,
           const char *detail)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	struct db_slots_name *x = &(*v)[(*n)++];
	x->id = id;
	x->name = xstrdup(name ? name : "?");
	x->detail = detail ? xstrdup(detail) : NULL;
}

/* Add the plages, busy times and names of the rows to d and r. */
static void
slots_data_fill(struct slots_data *d, struct db_slots_result *r, const PGresult *res, int64_t motif)
{
	size_t cap_agents = 0, cap_lieux = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		char kind = PQgetvalue(res, i, C_KIND)[0];
		if (kind == 'p') {
			struct slots_plage p = {
			    .id = field_i64(res, i, C_I1),
			    .agent_id = field_i64(res, i, C_I2),
			    .has_lieu = !PQgetisnull(res, i, C_I3),
			    .lieu_id = field_i64(res, i, C_I3),
			    .first_day = (rdv_date)field_i64(res, i, C_I4),
			    .start = (int)field_i64(res, i, C_I5),
			    .end = (int)field_i64(res, i, C_I6),
			    .created_at = field_i64(res, i, C_I7),
			    .rrule = (char *)field_str(res, i, C_S1),
			};
			slots_data_add_plage(d, &p, &motif, 1);
		} else if (kind == 'r') {
			int64_t agent = field_i64(res, i, C_I2);
			struct slots_rdv v = {
			    .starts_at = field_i64(res, i, C_I4),
			    .ends_at = field_i64(res, i, C_I5),
			    .status = RDV_UNKNOWN,
			};
			slots_data_add_rdv(d, &v, &agent, 1);
		} else if (kind == 'x') {
			struct slots_absence a = {
			    .agent_id = field_i64(res, i, C_I2),
			    .first_day = (rdv_date)field_i64(res, i, C_I4),
			    .start = (int)field_i64(res, i, C_I5),
			    .end_day = (rdv_date)field_i64(res, i, C_I6),
			    .end = (int)field_i64(res, i, C_I7),
			    .rrule = (char *)field_str(res, i, C_S1),
			};
			slots_data_add_absence(d, &a);
		} else if (kind == 'a') {
			names_push(&r->agents, &r->nagents, &cap_agents,
			           (int)field_i64(res, i, C_I1), field_str(res, i, C_S1), NULL);
		} else if (kind == 'l') {
			names_push(&r->lieux, &r->nlieux, &cap_lieux, (int)field_i64(res, i, C_I1),
			           field_str(res, i, C_S1), field_str(res, i, C_S2));
		}
	}
	if (r->nagents > 1)
		qsort(r->agents, r->nagents, sizeof *r->agents, compare_name);
	if (r->nlieux > 1)
		qsort(r->lieux, r->nlieux, sizeof *r->lieux, compare_name);
}

/*
 * Rows -> slots: fill the core's structs and run the search. Used by both
 * forms (the blocking one calls it on its own result). Caller frees.
 */
static void *
slots_parse(PGresult *res, void *vctx, struct db_error **err)
{
	const struct slots_ctx *ctx = vctx;
	const struct db_slots_request *req = &ctx->req;
	int m = -1;
	for (int i = 0; i < PQntuples(res) && m < 0; i++)
		if (PQgetvalue(res, i, C_KIND)[0] == 'm')
			m = i;
	if (m < 0) {
		*err = db_error_new("P0002", "motif %d inconnu", req->motif_id);
		return NULL;
	}
	struct db_slots_result *r = xcalloc(1, sizeof *r);
	r->duration_min = (int)field_i64(res, m, C_I1);
	r->now = req->has_now ? req->now : field_i64(res, m, C_I4);
	r->time_zone = xstrdup(PQgetvalue(res, m, C_S1));

	struct slots_query q;
	slots_query_init(&q, r->now, req->from);
	q.side = req->side;
	q.motif.id = req->motif_id;
	q.motif.duration_min = r->duration_min;
	q.motif.min_delay_min = (int)field_i64(res, m, C_I2);
	q.motif.max_delay_min = (int)field_i64(res, m, C_I3);
	q.to = ctx->to;
	q.has_to = true;
	q.has_lieu = req->lieu_id > 0;
	q.lieu_id = req->lieu_id;
	int64_t *agents = NULL;
	if (req->nagents > 0) {
		agents = xreallocarray(NULL, (size_t)req->nagents, sizeof *agents);
		for (int i = 0; i < req->nagents; i++)
			agents[i] = req->agent_ids[i];
		q.filter_agents = true;
		q.agent_ids = agents;
		q.n_agent_ids = (size_t)req->nagents;
	}
	int zone = holiday_zone_find(PQgetvalue(res, m, C_S2));
	q.holiday_zone = zone < 0 ? 0 : zone;
	q.open_on_whit_monday = field_i64(res, m, C_I5) != 0;
	q.open_on_holidays = field_i64(res, m, C_I6) != 0;

	struct slots_data *d = slots_data_new();
	slots_data_fill(d, r, res, req->motif_id);
	char *core_err = NULL;
	bool ok;
	if (req->first) {
		struct slot s;
		bool found = false;
		ok = slots_first(d, &q, &s, &found, &core_err);
		if (ok && found) {
			r->slots = xmalloc(sizeof *r->slots);
			r->slots[0] = s;
			r->n = 1;
		}
	} else {
		ok = slots_search(d, &q, &r->slots, &r->n, &core_err);
	}
	slots_data_free(d);
	free(agents);
	if (!ok) {
		/* The database checks rules and times on write: this is a bug. */
		*err = db_error_new("XX000", "données de recherche invalides : %s",
		                    core_err ? core_err : "?");
		free(core_err);
		db_slots_result_free(r);
		return NULL;
	}
	return r;
}

void
db_slots_result_free(struct db_slots_result *r)
{
	if (r == NULL)
		return;
	free(r->slots);
	free(r->time_zone);
	for (size_t i = 0; i < r->nagents; i++) {
		free(r->agents[i].name);
		free(r->agents[i].detail);
	}
	for (size_t i = 0; i < r->nlieux; i++) {
		free(r->lieux[i].name);
		free(r->lieux[i].detail);
	}
	free(r->agents);
	free(r->lieux);
	free(r);
}

static const struct db_slots_name *
names_find(const struct db_slots_name *v, size_t n, int64_t id)
{
	if (id < INT_MIN || id > INT_MAX || n == 0)
		return NULL;
	struct db_slots_name key = {.id = (int)id};
	return bsearch(&key, v, n, sizeof *v, compare_name);
}

const char *
db_slots_agent_name(const struct db_slots_result *r, int64_t id)
{
	const struct db_slots_name *x = names_find(r->agents, r->nagents, id);
	return x ? x->name : "?";
}

const struct db_slots_name *
db_slots_lieu(const struct db_slots_result *r, int64_t id)
{
	return names_find(r->lieux, r->nlieux, id);
}

bool
db_slots_search(struct db *db, const struct db_slots_request *req, struct db_slots_result **out,
                struct db_error **err)
{
	*out = NULL;
	struct slots_ctx *ctx = slots_ctx_new(req);
	struct slots_params p;
	slots_params_fill(&p, ctx);
	PGresult *res = db_exec(db, slots_sql, 5, p.v, err);
	free(p.agents);
	if (res == NULL) {
		slots_ctx_free(ctx);
		return false;
	}
	struct db_error *e = NULL;
	*out = slots_parse(res, ctx, &e);
	PQclear(res);
	slots_ctx_free(ctx);
	if (*out == NULL) {
		if (err)
			*err = e;
		else
			db_error_free(e);
		return false;
	}
	return true;
}

long
db_slots_fetch(struct db *db, const struct db_slots_request *req, struct db_error **err)
{
	struct slots_ctx *ctx = slots_ctx_new(req);
	struct slots_params p;
	slots_params_fill(&p, ctx);
	PGresult *res = db_exec(db, slots_sql, 5, p.v, err);
	free(p.agents);
	slots_ctx_free(ctx);
	if (res == NULL)
		return -1;
	long n = PQntuples(res);
	PQclear(res);
	return n;
}

unsigned long
db_send_slots(struct db *db, const struct db_slots_request *req)
{
	struct slots_ctx *ctx = slots_ctx_new(req);
	struct slots_params p;
	slots_params_fill(&p, ctx);
	unsigned long t = db_request_queue(db, (db_free_fn)db_slots_result_free, slots_sql, 5, p.v, slots_parse, ctx,
	                                   slots_ctx_free);
	free(p.agents);
	return t;
}

bool
db_slots_now(struct db *db, int motif_id, rdv_time *now, struct db_error **err)
{
	char motif[16];
	snprintf(motif, sizeof motif, "%d", motif_id);
	const char *params[] = {motif};
	PGresult *res =
	    db_exec(db,
	            "SELECT floor(extract(epoch FROM now() AT TIME ZONE t.time_zone) / 60)::bigint"
	            "  FROM rdv.motifs mo"
	            "  JOIN rdv.organisations o ON o.id = mo.organisation_id"
	            "  JOIN rdv.territories t ON t.id = o.territory_id"
	            " WHERE mo.id = $1::int AND mo.deleted_at IS NULL",
	            1, params, err);
	if (res == NULL)
		return false;
	bool found = PQntuples(res) == 1;
	if (found)
		*now = field_i64(res, 0, 0);
	else if (err)
		*err = db_error_new("P0002", "motif %d inconnu", motif_id);
	PQclear(res);
	return found;
}
