/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/rdvlist.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/* ------------------------------------------------------------ filter names */

static const struct {
	const char *name, *label;
} status_filters[RDVLIST_STATUS_FILTER_COUNT] = {
    [RDVLIST_STATUS_ANY] = {"", "Tous les statuts"},
    [RDVLIST_STATUS_SEEN] = {"seen", "Rendez-vous honoré"},
    [RDVLIST_STATUS_EXCUSED] = {"excused", "Annulé (excusé)"},
    [RDVLIST_STATUS_REVOKED] = {"revoked", "Annulé (par le service)"},
    [RDVLIST_STATUS_NOSHOW] = {"noshow", "Absence non excusée"},
    [RDVLIST_STATUS_UNKNOWN_PAST] = {"unknown_past", "À renseigner"},
    [RDVLIST_STATUS_UNKNOWN_FUTURE] = {"unknown_future", "À venir (dont aujourd'hui)"},
};

static const struct {
	const char *name, *label;
} scopes[RDVLIST_SCOPE_COUNT] = {
    [RDVLIST_SCOPE_ALL] = {"all", "Tous les rendez-vous que je vois"},
    [RDVLIST_SCOPE_SERVICES] = {"services", "Rendez-vous de mon service"},
    [RDVLIST_SCOPE_ASSIGNED] = {"assigned", "Rendez-vous où je suis assigné"},
};

const char *
db_rdvlist_status_filter_name(enum rdvlist_status_filter s)
{
	return s < RDVLIST_STATUS_FILTER_COUNT ? status_filters[s].name : "";
}

const char *
db_rdvlist_status_filter_label(enum rdvlist_status_filter s)
{
	return s < RDVLIST_STATUS_FILTER_COUNT ? status_filters[s].label : "";
}

int
db_rdvlist_status_filter_parse(const char *s)
{
	for (int i = 1; i < RDVLIST_STATUS_FILTER_COUNT; i++)
		if (strcmp(s, status_filters[i].name) == 0)
			return i;
	return -1;
}

const char *
db_rdvlist_scope_name(enum rdvlist_scope s)
{
	return s < RDVLIST_SCOPE_COUNT ? scopes[s].name : "all";
}

const char *
db_rdvlist_scope_label(enum rdvlist_scope s)
{
	return s < RDVLIST_SCOPE_COUNT ? scopes[s].label : "";
}

int
db_rdvlist_scope_parse(const char *s)
{
	for (int i = 0; i < RDVLIST_SCOPE_COUNT; i++)
		if (strcmp(s, scopes[i].name) == 0)
			return i;
	return -1;
}

char *
db_rdvlist_filters_json(const struct rdvlist_filters *f)
{
	char from[16] = "null", to[16] = "null", d[11];
	if (f->have_from)
		snprintf(from, sizeof from, "\"%s\"", cal_format_date(f->from, d));
	if (f->have_to)
		snprintf(to, sizeof to, "\"%s\"", cal_format_date(f->to, d));
	/* Only numbers and fixed names: nothing here needs escaping. */
	return xasprintf(
	    "{\"agent_id\": %d, \"motif_id\": %d, \"service_id\": %d, \"lieu_id\": %d, "
	    "\"status\": \"%s\", \"from\": %s, \"to\": %s, \"scope\": \"%s\"}",
	    f->agent_id, f->motif_id, f->service_id, f->lieu_id,
	    db_rdvlist_status_filter_name(f->status), from, to, db_rdvlist_scope_name(f->scope));
}

/* ------------------------------------------------------------ SQL */

/*
 * The filtered rdvs, parameters $1..$9: agent, motif, service, lieu (0 =
 * any), status filter name ('' = any), first and last local day (NULL =
 * open), scope name, today. Row-level security on rdvs decides what an
 * agent sees at all. The local day is the territory's (per row); the UTC
 * bounds around it (offsets lie within -12 h … +14 h) only let the planner
 * use the starts_at index.
 */
#define RDVLIST_FROM_WHERE                                                                         \
	"  FROM rdv.rdvs r"                                                                        \
	"  JOIN rdv.motifs m ON m.id = r.motif_id"                                                 \
	"  JOIN rdv.organisations o ON o.id = r.organisation_id"                                   \
	"  JOIN rdv.territories t ON t.id = o.territory_id"                                        \
	" WHERE ($1::int = 0 OR r.agent_ids @> ARRAY[$1::int])"                                    \
	"   AND ($2::int = 0 OR r.motif_id = $2::int)"                                             \
	"   AND ($3::int = 0 OR m.service_id = $3::int)"                                           \
	"   AND ($4::int = 0 OR r.lieu_id = $4::int)"                                              \
	"   AND CASE $5::text WHEN '' THEN true"                                                   \
	"       WHEN 'unknown_past' THEN r.status = 'unknown'"                                     \
	"            AND (r.starts_at AT TIME ZONE t.time_zone)::date < $9::date"                  \
	"       WHEN 'unknown_future' THEN r.status = 'unknown'"                                   \
	"            AND (r.starts_at AT TIME ZONE t.time_zone)::date >= $9::date"                 \
	"       ELSE r.status::text = $5::text END"                                                \
	"   AND ($6::date IS NULL OR ((r.starts_at AT TIME ZONE t.time_zone)::date >= $6::date"    \
	"        AND r.starts_at >= ($6::date::timestamp AT TIME ZONE 'UTC') - interval '14 "      \
	"hours'))"                                                                                 \
	"   AND ($7::date IS NULL OR ((r.starts_at AT TIME ZONE t.time_zone)::date <= $7::date"    \
	"        AND r.starts_at < (($7::date + 1)::timestamp AT TIME ZONE 'UTC')"                 \
	"                          + interval '12 hours'))"                                        \
	"   AND CASE $8::text"                                                                     \
	"       WHEN 'services' THEN m.service_id = ANY ((SELECT "                                 \
	"rdv.my_service_ids())::integer[])"                                                        \
	"       WHEN 'assigned' THEN r.agent_ids @> ARRAY[(SELECT rdv.current_agent_id())]"        \
	"       ELSE true END"

#define RDVLIST_NPARAMS 9

/*
 * One page of the list, latest first. The agents' names come from
 * rdv.rdv_agent_names() (014_lists.sql): row-level security on agents would
 * hide a colleague of another service (a secretary) on an rdv the agent does
 * see, and the function names every agent of the rdvs the caller may see.
 */
static const char list_sql[] =
    "WITH page AS ("
    "  SELECT r.id, r.starts_at, r.ends_at, r.status, r.lieu_id, r.name, m.name AS motif,"
    "         m.service_id, m.location_type, o.name AS org, t.time_zone AS tz,"
    "         count(*) OVER () AS total" RDVLIST_FROM_WHERE
    "   ORDER BY r.starts_at DESC, r.id DESC"
    "   LIMIT $10::int OFFSET $11::int)"
    "SELECT p.id AS id, to_char(p.starts_at AT TIME ZONE p.tz, 'YYYY-MM-DD\"T\"HH24:MI') AS starts,"
    "       (extract(epoch FROM p.ends_at - p.starts_at) / 60)::int AS duration,"
    "       p.status::text AS status, p.motif AS motif,"
    "       coalesce((SELECT s.name FROM rdv.services s WHERE s.id = p.service_id), '') AS service,"
    "       CASE p.location_type"
    "            WHEN 'public_office' THEN coalesce((SELECT l.name FROM rdv.lieux l"
    "                                                 WHERE l.id = p.lieu_id), '')"
    "            WHEN 'home' THEN 'À domicile' WHEN 'phone' THEN 'Par téléphone'"
    "            ELSE 'Visioconférence' END AS lieu,"
    "       coalesce(an.names, '') AS agents,"
    "       coalesce((SELECT string_agg(u.first_name || ' ' || u.last_name, ', ' ORDER BY pa.id)"
    "                   FROM rdv.participations pa JOIN rdv.usagers u ON u.id = pa.usager_id"
    "                  WHERE pa.rdv_id = p.id), coalesce(p.name, '')) AS usagers,"
    "       p.org AS organisation, p.total AS total"
    "  FROM page p"
    "  LEFT JOIN rdv.rdv_agent_names(ARRAY(SELECT id FROM page)) an ON an.rdv_id = p.id"
    " ORDER BY p.starts_at DESC, p.id DESC";

/* Its result: the count, the organisations' ids joined by ",". */
enum { COUNT_TOTAL, COUNT_ORGS };
static const char count_sql[] =
    "SELECT count(*), coalesce(array_to_string(array_agg(DISTINCT r.organisation_id"
    "                                                    ORDER BY r.organisation_id), ','), "
    "'')" RDVLIST_FROM_WHERE;

/*
 * The fields of the columns of reference §5.2, one row per rdv, latest
 * first, read by name (their aliases): id, created, origin (rdvs.created_by),
 * starts, status, service, motif, context, lieu, agents, usagers, commune,
 * minor, notifications, organisation, birth_dates, post_code, created_by
 * (the author), agent_emails; and next_key (below). The
 * notification targets of the usagers are the usagers themselves, or their
 * responsible for a relative; "créé par" comes from rdv.rdv_authors()
 * (007_exports.sql), which reads the creation audit entries of the rdvs I
 * may see. "résultat des notifications" comes from the receipts of the
 * messages to usagers (017_usager_notify.sql, readable like their rdv):
 * empty without receipt, "Échec" when one failed, else "Traité" (reference
 * §5.2 column 16).
 *
 * The rows come in chunks (keyset on starts_at, id: $10, $11; $12 rows),
 * each chunk's query sent before the previous chunk is written out, so that
 * the server computes the next one while the client zips or lays out this
 * one. next_key carries starts_at, the key of the next chunk.
 *
 * The agents' names and e-mails come from rdv.rdv_agent_names()
 * (014_lists.sql), which names every agent of the rdvs the caller may see,
 * including colleagues row-level security on agents hides from them.
 *
 * Set-based: agents and participants are aggregated for all selected rdvs
 * at once and joined by hash, not looked up rdv by rdv (a per-row lateral
 * query re-checks row-level security on every lookup, 80 s for 100,000
 * rdvs against 3 s this way).
 */
static const char export_sql[] =
    "WITH sel AS MATERIALIZED ("
    "  SELECT r.id, r.created_at, r.starts_at, r.created_by, r.status, r.context, r.lieu_id,"
    "         r.agent_ids, m.name AS motif, m.service_id, m.location_type, o.name AS org,"
    "         t.time_zone AS tz" RDVLIST_FROM_WHERE
    "     AND ($10::timestamptz IS NULL OR (r.starts_at, r.id) < ($10::timestamptz, $11::int))"
    "   ORDER BY r.starts_at DESC, r.id DESC LIMIT $12::int),"
    " ag AS (SELECT * FROM rdv.rdv_agent_names(ARRAY(SELECT id FROM sel))),"
    " pt AS ("
    "  SELECT p.rdv_id, p.id, u.first_name || ' ' || u.last_name AS name, u.birth_date,"
    "         CASE WHEN resp.id IS NULL THEN u.city_name ELSE resp.city_name END AS city_name,"
    "         CASE WHEN resp.id IS NULL THEN u.address ELSE resp.address END AS address,"
    "         CASE WHEN resp.id IS NULL THEN u.post_code ELSE resp.post_code END AS post_code"
    "    FROM sel s JOIN rdv.participations p ON p.rdv_id = s.id"
    "    JOIN rdv.usagers u ON u.id = p.usager_id"
    "    LEFT JOIN rdv.usagers resp ON resp.id = u.responsible_id),"
    " pu AS ("
    "  SELECT pt.rdv_id, string_agg(pt.name, ', ' ORDER BY pt.id) AS names,"
    "         string_agg(to_char(pt.birth_date, 'DD/MM/YYYY'), ', ' ORDER BY pt.id) AS birth_dates,"
    "         bool_or(pt.birth_date > $9::date - interval '18 years') AS minor,"
    "         (array_agg(pt.city_name ORDER BY pt.id)"
    "              FILTER (WHERE coalesce(pt.city_name, '') <> ''))[1] AS commune,"
    "         (array_agg(pt.address ORDER BY pt.id)"
    "              FILTER (WHERE coalesce(pt.address, '') <> ''))[1] AS address,"
    "         (array_agg(pt.post_code || ' ' || pt.city_name ORDER BY pt.id)"
    "              FILTER (WHERE coalesce(pt.post_code, '') <> ''"
    "                        AND coalesce(pt.city_name, '') <> ''))[1] AS home"
    "    FROM pt GROUP BY pt.rdv_id)"
    "SELECT s.id AS id,"
    "       to_char(s.created_at AT TIME ZONE s.tz, 'YYYY-MM-DD\"T\"HH24:MI') AS created,"
    "       s.created_by::text AS origin,"
    "       to_char(s.starts_at AT TIME ZONE s.tz, 'YYYY-MM-DD\"T\"HH24:MI') AS starts,"
    "       s.status::text AS status, coalesce(sv.name, '') AS service, s.motif AS motif,"
    "       coalesce(s.context, '') AS context,"
    "       CASE s.location_type"
    "            WHEN 'public_office' THEN CASE WHEN l.id IS NULL THEN ''"
    "                 ELSE l.name || ' (' || l.address || ')'"
    "                      || CASE WHEN l.availability = 'single_use' THEN ' (Ponctuel)' ELSE '' "
    "END"
    "                 END"
    "            WHEN 'home' THEN CASE WHEN pu.home IS NULL THEN 'À domicile'"
    "                                  ELSE 'À domicile (' || pu.home || ')' END"
    "            WHEN 'phone' THEN 'Par téléphone'"
    "            ELSE '' END AS lieu,"
    "       coalesce(ag.names, '') AS agents, coalesce(pu.names, '') AS usagers,"
    "       coalesce(pu.commune, '') AS commune, coalesce(pu.minor, false) AS minor,"
    "       coalesce((SELECT CASE WHEN bool_or(n.result = 'failed') THEN 'Échec' ELSE 'Traité' END"
    "                   FROM rdv.notification_receipts n WHERE n.rdv_id = s.id"
    "                 HAVING count(*) > 0), '') AS notifications, s.org AS organisation,"
    "       coalesce(pu.birth_dates, '') AS birth_dates,"
    "       coalesce(substring(pu.address FROM '.*([0-9]{5})'), '') AS post_code,"
    "       coalesce(au.author, '') AS created_by, coalesce(ag.emails, '') AS agent_emails,"
    "       s.starts_at::text AS next_key"
    "  FROM sel s"
    "  LEFT JOIN rdv.services sv ON sv.id = s.service_id"
    "  LEFT JOIN rdv.lieux l ON l.id = s.lieu_id"
    "  LEFT JOIN ag ON ag.rdv_id = s.id"
    "  LEFT JOIN pu ON pu.rdv_id = s.id"
    "  LEFT JOIN rdv.rdv_authors(ARRAY(SELECT id FROM sel)) au ON au.rdv_id = s.id"
    " ORDER BY s.starts_at DESC, s.id DESC";

/* Parameter texts of the filters; today is the reference day of the status filters. */
struct filter_params {
	char agent[16], motif[16], service[16], lieu[16], from[11], to[11], today[11];
	const char *values[RDVLIST_NPARAMS + 2];
};

static void
filter_params_fill(struct filter_params *p, const struct rdvlist_filters *f, rdv_date today)
{
	snprintf(p->agent, sizeof p->agent, "%d", f->agent_id);
	snprintf(p->motif, sizeof p->motif, "%d", f->motif_id);
	snprintf(p->service, sizeof p->service, "%d", f->service_id);
	snprintf(p->lieu, sizeof p->lieu, "%d", f->lieu_id);
	cal_format_date(f->from, p->from);
	cal_format_date(f->to, p->to);
	cal_format_date(today, p->today);
	p->values[0] = p->agent;
	p->values[1] = p->motif;
	p->values[2] = p->service;
	p->values[3] = p->lieu;
	p->values[4] = db_rdvlist_status_filter_name(f->status);
	p->values[5] = f->have_from ? p->from : NULL;
	p->values[6] = f->have_to ? p->to : NULL;
	p->values[7] = db_rdvlist_scope_name(f->scope);
	p->values[8] = p->today;
}

static rdv_time
field_time(const char *v)
{
	rdv_time t = 0;
	cal_parse_datetime(v, &t);
	return t;
}

static enum rdv_status
field_status(const char *v)
{
	int st = rdv_status_parse(v);
	return st < 0 ? RDV_UNKNOWN : (enum rdv_status)st;
}

/*
 * The column of each name in res (-1 for a NULL name), once per result.
 * false with *err when the query has no such column.
 */
static bool
fields_find(const PGresult *res, const struct rdvlist_fields *f, int *cols, struct db_error **err)
{
	for (int j = 0; j < f->n; j++) {
		cols[j] = f->names[j] ? PQfnumber(res, f->names[j]) : -1;
		if (f->names[j] && cols[j] < 0) {
			if (err)
				*err = db_error_new("42703", "colonne « %s » absente du résultat",
				                    f->names[j]);
			return false;
		}
	}
	return true;
}

/* The column of name in res, which the query always produces. */
static int
col(const PGresult *res, const char *name)
{
	return PQfnumber(res, name);
}

/* ------------------------------------------------------------ the list */

void
db_rdvlist_page_free(struct rdvlist_page *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->n; i++) {
		for (int j = 0; p->items[i].fields && j < p->nfields; j++)
			free(p->items[i].fields[j]);
		free(p->items[i].fields);
	}
	free(p->items);
	free(p);
}

/* What a page request carries to its parser: where the page starts, the fields wanted. */
struct list_ctx {
	int offset;
	struct rdvlist_fields fields; /* names copied */
};

static void
list_ctx_free(void *data)
{
	struct list_ctx *c = data;
	for (int j = 0; j < c->fields.n; j++)
		free((char *)c->fields.names[j]);
	free((void *)c->fields.names);
	free(c);
}

static void *
list_parse(PGresult *res, void *vctx, struct db_error **err)
{
	const struct list_ctx *ctx = vctx;
	int nf = ctx->fields.n;
	int *cols = xcalloc((size_t)nf + 1, sizeof *cols);
	if (!fields_find(res, &ctx->fields, cols, err)) {
		free(cols);
		return NULL;
	}
	int c_id = col(res, "id"), c_starts = col(res, "starts"), c_dur = col(res, "duration"),
	    c_status = col(res, "status"), c_total = col(res, "total");
	struct rdvlist_page *p = xcalloc(1, sizeof *p);
	p->offset = ctx->offset;
	p->nfields = nf;
	p->n = PQntuples(res);
	p->items = xcalloc((size_t)p->n + 1, sizeof *p->items);
	for (int i = 0; i < p->n; i++) {
		struct rdvlist_item *it = &p->items[i];
		it->id = atoi(PQgetvalue(res, i, c_id));
		it->starts = field_time(PQgetvalue(res, i, c_starts));
		it->duration_min = atoi(PQgetvalue(res, i, c_dur));
		it->status = field_status(PQgetvalue(res, i, c_status));
		it->fields = xcalloc((size_t)nf + 1, sizeof *it->fields);
		for (int j = 0; j < nf; j++)
			it->fields[j] = cols[j] < 0 ? NULL : xstrdup(PQgetvalue(res, i, cols[j]));
		if (i == 0)
			p->total = atol(PQgetvalue(res, i, c_total));
	}
	free(cols);
	return p;
}

unsigned long
db_send_rdvlist(struct db *db, const struct rdvlist_filters *f, rdv_date today, int offset,
                int limit, const struct rdvlist_fields *fields)
{
	struct filter_params p;
	filter_params_fill(&p, f, today);
	char lim[16], off[16];
	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(off, sizeof off, "%d", offset);
	p.values[9] = lim;
	p.values[10] = off;
	struct list_ctx *ctx = xcalloc(1, sizeof *ctx);
	ctx->offset = offset;
	ctx->fields.n = fields->n;
	const char **names = xcalloc((size_t)fields->n + 1, sizeof *names);
	for (int j = 0; j < fields->n; j++)
		names[j] = fields->names[j] ? xstrdup(fields->names[j]) : NULL;
	ctx->fields.names = names;
	return db_request_queue(db, (db_free_fn)db_rdvlist_page_free, list_sql, RDVLIST_NPARAMS + 2, p.values,
	                        list_parse, ctx, list_ctx_free);
}

/* ------------------------------------------------------------ filter choices */

/*
 * Everything the filters offer, as this agent sees it (row-level security
 * on each table). Motifs carry their organisation's name when the agent
 * belongs to several, since names repeat from one to the other.
 */
/* Its result: a kind (a, m, s, l), the id, the label, then two sort keys. */
enum { CHOICE_KIND, CHOICE_ID, CHOICE_LABEL };
static const char choices_sql[] =
    "SELECT 'a', a.id, btrim(coalesce(a.first_name, '') || ' ' || a.last_name), a.last_name,"
    "       coalesce(a.first_name, '')"
    "  FROM rdv.agents a WHERE a.deleted_at IS NULL"
    " UNION ALL "
    "SELECT 'm', m.id, CASE WHEN (SELECT count(*) FROM rdv.organisations) > 1"
    "                       THEN m.name || ' (' || o.name || ')' ELSE m.name END, m.name, o.name"
    "  FROM rdv.motifs m JOIN rdv.organisations o ON o.id = m.organisation_id"
    " UNION ALL "
    "SELECT 's', s.id, s.name, s.name, ''"
    "  FROM rdv.services s WHERE EXISTS (SELECT 1 FROM rdv.motifs m WHERE m.service_id = s.id)"
    " UNION ALL "
    "SELECT 'l', l.id, l.name, l.name, ''"
    "  FROM rdv.lieux l"
    " ORDER BY 1, 4, 5, 2";

static void
choices_free_list(struct rdvlist_choice *c, int n)
{
	for (int i = 0; i < n; i++)
		free(c[i].label);
	free(c);
}

void
db_rdvlist_choices_free(struct rdvlist_choices *c)
{
	if (c == NULL)
		return;
	choices_free_list(c->agents, c->nagents);
	choices_free_list(c->motifs, c->nmotifs);
	choices_free_list(c->services, c->nservices);
	choices_free_list(c->lieux, c->nlieux);
	free(c);
}

static void *
choices_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct rdvlist_choices *c = xcalloc(1, sizeof *c);
	int n = PQntuples(res);
	c->agents = xcalloc((size_t)n + 1, sizeof *c->agents);
	c->motifs = xcalloc((size_t)n + 1, sizeof *c->motifs);
	c->services = xcalloc((size_t)n + 1, sizeof *c->services);
	c->lieux = xcalloc((size_t)n + 1, sizeof *c->lieux);
	for (int i = 0; i < n; i++) {
		struct rdvlist_choice *to;
		switch (PQgetvalue(res, i, CHOICE_KIND)[0]) {
		case 'a':
			to = &c->agents[c->nagents++];
			break;
		case 'm':
			to = &c->motifs[c->nmotifs++];
			break;
		case 's':
			to = &c->services[c->nservices++];
			break;
		default:
			to = &c->lieux[c->nlieux++];
			break;
		}
		to->id = atoi(PQgetvalue(res, i, CHOICE_ID));
		to->label = xstrdup(PQgetvalue(res, i, CHOICE_LABEL));
	}
	return c;
}

unsigned long
db_send_rdvlist_choices(struct db *db)
{
	return db_request_queue(db, (db_free_fn)db_rdvlist_choices_free, choices_sql, 0, NULL, choices_parse,
	                        NULL, NULL);
}

struct rdvlist_choices *
db_rdvlist_choices(struct db *db, struct db_error **err)
{
	PGresult *res = db_exec(db, choices_sql, 0, NULL, err);
	if (res == NULL)
		return NULL;
	struct rdvlist_choices *c = choices_parse(res, NULL, err);
	PQclear(res);
	return c;
}

/* ------------------------------------------------------------ the export cursor */

struct rdvlist_cursor {
	struct db *db;
	bool in_transaction;
	long total;
	int *orgs;
	int norgs;
	struct filter_params params;
	char key_time[64], key_id[16], limit[16];
	int chunk;
	bool sent;       /* a chunk's query is in flight */
	bool done;       /* the last chunk arrived */
	PGresult *batch; /* the rows handed out last */
	int offset;      /* of the next row to hand out in batch */
	const struct rdvlist_fields *fields;
	int *cols;        /* of each field in batch */
	const char **out; /* the fields handed out */
	int cap;          /* rows out can hold */
};

#define EXPORT_CHUNK 5000

/* Send the query of the chunk after the key (none: the first). */
static bool
cursor_send(struct rdvlist_cursor *c, struct db_error **err)
{
	const char *values[RDVLIST_NPARAMS + 3];
	memcpy(values, c->params.values, RDVLIST_NPARAMS * sizeof *values);
	values[RDVLIST_NPARAMS] = c->key_time[0] ? c->key_time : NULL;
	values[RDVLIST_NPARAMS + 1] = c->key_time[0] ? c->key_id : NULL;
	values[RDVLIST_NPARAMS + 2] = c->limit;
	if (!PQsendQueryParams(db_pgconn(c->db), export_sql, RDVLIST_NPARAMS + 3, NULL, values,
	                       NULL, NULL, 0)) {
		if (err)
			*err = db_error_new("08006", "envoi impossible : %s",
			                    PQerrorMessage(db_pgconn(c->db)));
		return false;
	}
	c->sent = true;
	return true;
}

/* Wait for the chunk in flight. */
static PGresult *
cursor_receive(struct rdvlist_cursor *c, struct db_error **err)
{
	PGresult *res, *last = NULL;
	while ((res = PQgetResult(db_pgconn(c->db))) != NULL) {
		PQclear(last);
		last = res;
	}
	c->sent = false;
	if (last == NULL || PQresultStatus(last) != PGRES_TUPLES_OK) {
		if (err)
			*err = last ? db_error_from_result(last)
			            : db_error_new("08006", "connexion perdue");
		PQclear(last);
		return NULL;
	}
	return last;
}

struct rdvlist_cursor *
db_rdvlist_cursor_open(struct db *db, const struct rdvlist_filters *f, rdv_date today, int chunk,
                       const struct rdvlist_fields *fields, struct db_error **err)
{
	struct rdvlist_cursor *c = xcalloc(1, sizeof *c);
	c->db = db;
	c->fields = fields;
	c->cols = xcalloc((size_t)fields->n + 1, sizeof *c->cols);
	/* One snapshot for the count and every chunk: the file is consistent. */
	if (!db_exec_simple(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err)) {
		free(c->cols);
		free(c);
		return NULL;
	}
	c->in_transaction = true;
	/*
	 * Row-level security's helper functions make the planner's costs huge,
	 * which switches JIT compilation on: 0.8 s of compiling for a query
	 * that runs in 3 s without it.
	 */
	if (!db_exec_simple(db, "SET LOCAL jit = off", err)) {
		db_rdvlist_cursor_close(c);
		return NULL;
	}
	filter_params_fill(&c->params, f, today);
	PGresult *res = db_exec(db, count_sql, RDVLIST_NPARAMS, c->params.values, err);
	if (res == NULL) {
		db_rdvlist_cursor_close(c);
		return NULL;
	}
	c->total = atol(PQgetvalue(res, 0, COUNT_TOTAL));
	const char *orgs = PQgetvalue(res, 0, COUNT_ORGS);
	c->orgs = xcalloc(strlen(orgs) / 2 + 2, sizeof *c->orgs);
	for (const char *s = orgs; *s;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		c->orgs[c->norgs++] = (int)v;
		s = *end == ',' ? end + 1 : end;
	}
	PQclear(res);
	c->chunk = chunk > 0 ? chunk : EXPORT_CHUNK;
	snprintf(c->limit, sizeof c->limit, "%d", c->chunk);
	if (!cursor_send(c, err)) {
		db_rdvlist_cursor_close(c);
		return NULL;
	}
	return c;
}

long
db_rdvlist_cursor_total(const struct rdvlist_cursor *c)
{
	return c->total;
}

const int *
db_rdvlist_cursor_organisations(const struct rdvlist_cursor *c, int *n)
{
	*n = c->norgs;
	return c->orgs;
}

/* Take the chunk in flight as the batch to hand out, and ask for the next one if this one is full.
 */
static int
cursor_next_batch(struct rdvlist_cursor *c, struct db_error **err)
{
	PQclear(c->batch);
	c->batch = NULL;
	c->offset = 0;
	if (!c->sent)
		return 0;
	PGresult *res = cursor_receive(c, err);
	if (res == NULL)
		return -1;
	c->batch = res;
	if (!fields_find(res, c->fields, c->cols, err))
		return -1;
	int n = PQntuples(res);
	if (n == c->chunk) {
		int key = col(res, "next_key"), id = col(res, "id");
		snprintf(c->key_time, sizeof c->key_time, "%s", PQgetvalue(res, n - 1, key));
		snprintf(c->key_id, sizeof c->key_id, "%s", PQgetvalue(res, n - 1, id));
		if (!cursor_send(c, err))
			return -1;
	}
	return n;
}

int
db_rdvlist_cursor_fetch(struct rdvlist_cursor *c, int max, const char *const **fields,
                     struct db_error **err)
{
	if (max <= 0)
		max = 1;
	if (c->batch == NULL || c->offset >= PQntuples(c->batch)) {
		/* The next chunk is computed by the server while this one is written. */
		int got = cursor_next_batch(c, err);
		if (got <= 0)
			return got;
	}
	PGresult *res = c->batch;
	int n = PQntuples(res) - c->offset, nf = c->fields->n;
	if (n > max)
		n = max;
	if (n > c->cap) {
		c->cap = n;
		c->out = xreallocarray(c->out, (size_t)n * (size_t)nf + 1, sizeof *c->out);
	}
	for (int k = 0; k < n; k++)
		for (int j = 0; j < nf; j++)
			c->out[k * nf + j] =
			    c->cols[j] < 0 ? NULL : PQgetvalue(res, c->offset + k, c->cols[j]);
	c->offset += n;
	*fields = c->out;
	return n;
}

void
db_rdvlist_cursor_close(struct rdvlist_cursor *c)
{
	if (c == NULL)
		return;
	if (c->sent) {
		PGresult *res;
		while ((res = PQgetResult(db_pgconn(c->db))) != NULL)
			PQclear(res);
	}
	PQclear(c->batch);
	if (c->in_transaction)
		db_exec_simple(c->db, "ROLLBACK", NULL);
	free(c->out);
	free(c->cols);
	free(c->orgs);
	free(c);
}
