/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * One statement per agenda load: plages, absences and rdvs of the agents
 * that touch the days, as one row set. Row-level security decides what
 * comes back; items of another organisation are flagged so the UI greys
 * them, and the busy times of rdvs the viewer may not read come without
 * details. Rdv times arrive already in the territory's wall clock.
 */
static const char agenda_sql[] =
    "SELECT 'plage', p.id, p.agent_id, p.first_day, "
    "       extract(epoch FROM p.start_time)::int / 60, p.first_day,"
    "       extract(epoch FROM p.end_time)::int / 60, p.rrule, p.title, l.name, NULL, NULL,"
    "       p.organisation_id <> $4, coalesce(p.lieu_id, 0)"
    "  FROM rdv.plages_ouverture p LEFT JOIN rdv.lieux l ON l.id = p.lieu_id"
    " WHERE p.agent_id = ANY ($1::int[])"
    "   AND daterange(p.first_day, p.last_day, '[]') && daterange($2::date, $3::date, '[]')"
    " UNION ALL "
    "SELECT 'absence', a.id, a.agent_id, a.first_day,"
    "       extract(epoch FROM a.start_time)::int / 60, a.end_day,"
    "       extract(epoch FROM a.end_time)::int / 60, a.rrule, a.title, NULL, NULL, NULL, false, 0"
    "  FROM rdv.absences a"
    " WHERE a.agent_id = ANY ($1::int[])"
    "   AND daterange(a.first_day, a.last_day, '[]') && daterange($2::date - 31, $3::date, '[]')"
    " UNION ALL "
    "SELECT 'rdv', r.id, ra.agent_id, (r.starts_at AT TIME ZONE $5)::date,"
    "       extract(epoch FROM (r.starts_at AT TIME ZONE $5)::time)::int / 60,"
    "       (r.ends_at AT TIME ZONE $5)::date,"
    "       extract(epoch FROM (r.ends_at AT TIME ZONE $5)::time)::int / 60,"
    "       NULL,"
    "       coalesce((SELECT string_agg(u.first_name || ' ' || upper(u.last_name), ', '"
    "                                   ORDER BY u.last_name, u.first_name)"
    "                   FROM rdv.participations pa JOIN rdv.usagers u ON u.id = pa.usager_id"
    "                  WHERE pa.rdv_id = r.id), coalesce(r.name, '')),"
    "       m.name, m.color, r.status::text, r.organisation_id <> $4, coalesce(r.lieu_id, 0)"
    "  FROM rdv.rdvs r JOIN rdv.rdv_agents ra ON ra.rdv_id = r.id"
    "  JOIN rdv.motifs m ON m.id = r.motif_id"
    " WHERE ra.agent_id = ANY ($1::int[])"
    "   AND r.starts_at < (($3::date + 1)::timestamp AT TIME ZONE $5)"
    "   AND r.ends_at > ($2::date::timestamp AT TIME ZONE $5)"
    " UNION ALL "
    /*
     * Busy times the viewer may not read (another organisation's rdvs),
     * without details: the database lends them through slots_busy.
     */
    "SELECT 'busy', 0, b.agent_id, (b.starts_at AT TIME ZONE $5)::date,"
    "       extract(epoch FROM (b.starts_at AT TIME ZONE $5)::time)::int / 60,"
    "       (b.ends_at AT TIME ZONE $5)::date,"
    "       extract(epoch FROM (b.ends_at AT TIME ZONE $5)::time)::int / 60,"
    "       NULL, NULL, NULL, NULL, 'unknown', true, 0"
    "  FROM rdv.slots_busy($1::int[], $2::date, $3::date, $5) b"
    " WHERE b.kind = 'rdv'"
    "   AND NOT EXISTS (SELECT 1 FROM rdv.rdvs v JOIN rdv.rdv_agents va ON va.rdv_id = v.id"
    "                    WHERE va.agent_id = b.agent_id AND v.starts_at = b.starts_at"
    "                      AND v.ends_at = b.ends_at)"
    " UNION ALL "
    /* The viewer's past rdvs still to fill in, in the same round trip. */
    /* rdv.to_fill_count() (migration 018) reaches them through the agent_ids index. */
    "SELECT 'to_fill', rdv.to_fill_count($6::date, $5), 0, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL,"
    "       NULL, false, 0";

/* The columns of agenda_sql, in order (minutes from midnight for START/END_MIN). */
enum {
	AG_KIND,
	AG_ID,
	AG_AGENT,
	AG_FIRST_DAY,
	AG_START_MIN,
	AG_END_DAY,
	AG_END_MIN,
	AG_RRULE,
	AG_TITLE,
	AG_DETAIL,
	AG_COLOR,
	AG_STATUS,
	AG_OTHER_ORG,
	AG_LIEU,
};

struct agenda_ctx {
	rdv_date from;
	int ndays;
	int holiday_zone;
	bool open_on_whit_monday, open_on_holidays;
};

static int
field_int(PGresult *res, int row, int col)
{
	return atoi(PQgetvalue(res, row, col));
}

static const char *
field_str(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static rdv_date
field_date(PGresult *res, int row, int col)
{
	rdv_date d = 0;
	cal_parse_date(PQgetvalue(res, row, col), &d);
	return d;
}

static void *
agenda_parse(PGresult *res, void *vctx, struct db_error **err)
{
	struct agenda_ctx *ctx = vctx;
	struct agenda *a = agenda_new(ctx->from, ctx->ndays);
	agenda_add_holidays(a, ctx->holiday_zone, ctx->open_on_whit_monday, ctx->open_on_holidays);
	for (int i = 0; i < PQntuples(res); i++) {
		const char *kind = PQgetvalue(res, i, AG_KIND);
		int id = field_int(res, i, AG_ID), agent = field_int(res, i, AG_AGENT);
		if (strcmp(kind, "to_fill") == 0) {
			a->to_fill = id;
			continue;
		}
		rdv_date d0 = field_date(res, i, AG_FIRST_DAY), d1 = field_date(res, i, AG_END_DAY);
		int s = field_int(res, i, AG_START_MIN), e = field_int(res, i, AG_END_MIN);
		const char *title = field_str(res, i, AG_TITLE), *detail = field_str(res, i, AG_DETAIL);
		bool other = strcmp(PQgetvalue(res, i, AG_OTHER_ORG), "t") == 0;
		int lieu = field_int(res, i, AG_LIEU);
		if (strcmp(kind, "rdv") == 0 || strcmp(kind, "busy") == 0) {
			size_t n = agenda_add_span(a, AGENDA_RDV, id, agent, cal_time(d0, s),
						   cal_time(d1, e), title, detail,
						   field_str(res, i, AG_COLOR));
			int st = rdv_status_parse(field_str(res, i, AG_STATUS));
			for (size_t k = a->n - n; k < a->n; k++) {
				a->items[k].status = st < 0 ? RDV_UNKNOWN : (enum rdv_status)st;
				a->items[k].other_org = other;
				a->items[k].lieu_id = lieu;
			}
			continue;
		}
		size_t before = a->n;
		char *rule_err = NULL;
		if (!agenda_add_recurring(a, strcmp(kind, "plage") == 0 ? AGENDA_PLAGE : AGENDA_ABSENCE,
					  id, agent, d0, s, d1, e, field_str(res, i, AG_RRULE), title, detail,
					  &rule_err)) {
			/* The database checks rules on write: a bad one here is a bug. */
			*err = db_error_new("XX000", "%s %d : règle de récurrence invalide (%s)", kind,
					    id, rule_err);
			free(rule_err);
			agenda_free(a);
			return NULL;
		}
		for (size_t k = before; k < a->n; k++) {
			a->items[k].other_org = other;
			a->items[k].lieu_id = lieu;
		}
	}
	agenda_sort(a);
	return a;
}

unsigned long
db_send_agenda(struct db *db, const struct db_session *s, const int *agent_ids, int nagents,
	       rdv_date from, int ndays, rdv_date today)
{
	char *ids = db_ids_format(agent_ids, nagents);
	char d0[11], d1[11], org[16], td[11];
	cal_format_date(today, td);
	cal_format_date(from, d0);
	cal_format_date(from + ndays - 1, d1);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {ids, d0, d1, org, s->time_zone, td};
	struct agenda_ctx *ctx = xcalloc(1, sizeof *ctx);
	ctx->from = from;
	ctx->ndays = ndays;
	ctx->holiday_zone = s->holiday_zone;
	ctx->open_on_whit_monday = s->open_on_whit_monday;
	ctx->open_on_holidays = s->open_on_holidays;
	unsigned long t = db_request_queue(db, (db_free_fn)agenda_free, agenda_sql, 6, params, agenda_parse,
					   ctx, free);
	free(ids);
	return t;
}
