/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/usagers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/* ------------------------------------------------------------ helpers */

static char *
dup_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

static int
int_or_zero(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : atoi(PQgetvalue(res, row, col));
}

static bool
date_or_none(PGresult *res, int row, int col, rdv_date *out)
{
	return !PQgetisnull(res, row, col) && cal_parse_date(PQgetvalue(res, row, col), out);
}

/* ------------------------------------------------------------ search */

static const char search_sql[] =
    "SELECT id, first_name, last_name, birth_name, birth_date, email, phone_number, city_name,"
    "       responsible_id, matched"
    "  FROM rdv.usager_search($1, $2::int)";

/* The columns of search_sql, in order. */
enum {
	SEARCH_ID,
	SEARCH_FIRST_NAME,
	SEARCH_LAST_NAME,
	SEARCH_BIRTH_NAME,
	SEARCH_BIRTH_DATE,
	SEARCH_EMAIL,
	SEARCH_PHONE,
	SEARCH_CITY,
	SEARCH_RESPONSIBLE_ID,
	SEARCH_MATCHED,
};

void
db_usager_hits_free(struct db_usager_hits *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++) {
		struct db_usager_hit *it = &h->items[i];
		free(it->first_name);
		free(it->last_name);
		free(it->birth_name);
		free(it->email);
		free(it->phone);
		free(it->city);
		free(it->matched);
	}
	free(h->items);
	free(h);
}

static void *
search_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_usager_hits *h = xcalloc(1, sizeof *h);
	h->n = (size_t)PQntuples(res);
	h->items = xcalloc(h->n ? h->n : 1, sizeof *h->items);
	for (size_t i = 0; i < h->n; i++) {
		struct db_usager_hit *it = &h->items[i];
		int r = (int)i;
		it->id = int_or_zero(res, r, SEARCH_ID);
		it->first_name = dup_or_null(res, r, SEARCH_FIRST_NAME);
		it->last_name = dup_or_null(res, r, SEARCH_LAST_NAME);
		it->birth_name = dup_or_null(res, r, SEARCH_BIRTH_NAME);
		it->have_birth_date = date_or_none(res, r, SEARCH_BIRTH_DATE, &it->birth_date);
		it->email = dup_or_null(res, r, SEARCH_EMAIL);
		it->phone = dup_or_null(res, r, SEARCH_PHONE);
		it->city = dup_or_null(res, r, SEARCH_CITY);
		it->responsible_id = int_or_zero(res, r, SEARCH_RESPONSIBLE_ID);
		it->matched = dup_or_null(res, r, SEARCH_MATCHED);
	}
	return h;
}

unsigned long
db_send_usager_search(struct db *db, const char *text, int limit)
{
	char lim[16];
	snprintf(lim, sizeof lim, "%d", limit);
	const char *params[] = {text ? text : "", lim};
	return db_request_queue(db, (db_free_fn)db_usager_hits_free, search_sql, 2, params, search_parse,
				NULL, NULL);
}

/* ------------------------------------------------------------ record */

/*
 * One statement: the usager ('u'), their relatives ('r') and their rdvs
 * ('p'), all under row-level security: an rdv the agent may not see is not
 * in the history, nor in the statistics. The agents of an rdv come from
 * rdv.rdv_agent_names() (014_lists.sql), so that a colleague of another
 * service (a secretary) is named too. Times in the territory's wall
 * clock ($2).
 */
static const char record_sql[] =
    "SELECT 'u', u.id::text, u.first_name, u.last_name, u.birth_name, u.birth_date::text, u.email,"
    "       u.phone_number, u.phone_number_formatted, u.address, u.post_code, u.city_name, u.notes,"
    "       u.responsible_id::text,"
    "       (SELECT r.first_name || ' ' || upper(r.last_name) FROM rdv.usagers r"
    "         WHERE r.id = u.responsible_id),"
    "       (SELECT count(*) FROM rdv.usagers c WHERE c.responsible_id = u.id)::text,"
    "       (SELECT string_agg(o.name, ', ' ORDER BY o.name) FROM rdv.usager_profiles p"
    "          JOIN rdv.organisations o ON o.id = p.organisation_id WHERE p.usager_id = u.id)"
    "  FROM rdv.usagers u WHERE u.id = $1::int AND u.deleted_at IS NULL"
    " UNION ALL "
    "SELECT 'r', c.id::text, c.first_name, c.last_name, NULL, c.birth_date::text, NULL, NULL,"
    "       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    "  FROM rdv.usagers c WHERE c.responsible_id = $1::int AND c.deleted_at IS NULL"
    " UNION ALL "
    "SELECT 'p', r.id::text, to_char(r.starts_at AT TIME ZONE $2, 'YYYY-MM-DD\"T\"HH24:MI'),"
    "       (extract(epoch FROM r.ends_at - r.starts_at)::int / 60)::text,"
    "       m.name,"
    "       (SELECT an.names FROM rdv.rdv_agent_names(ARRAY[r.id]) an),"
    "       l.name, o.name, pa.status::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    "  FROM rdv.participations pa JOIN rdv.rdvs r ON r.id = pa.rdv_id"
    "  JOIN rdv.organisations o ON o.id = r.organisation_id"
    "  LEFT JOIN rdv.motifs m ON m.id = r.motif_id"
    "  LEFT JOIN rdv.lieux l ON l.id = r.lieu_id"
    " WHERE pa.usager_id = $1::int";

/* The columns of record_sql: the kind, then by kind ('u', 'r', 'p'). */
enum {
	REC_KIND,
	REC_U_ID = 1,
	REC_U_FIRST_NAME,
	REC_U_LAST_NAME,
	REC_U_BIRTH_NAME,
	REC_U_BIRTH_DATE,
	REC_U_EMAIL,
	REC_U_PHONE,
	REC_U_PHONE_E164,
	REC_U_ADDRESS,
	REC_U_POST_CODE,
	REC_U_CITY,
	REC_U_NOTES,
	REC_U_RESPONSIBLE_ID,
	REC_U_RESPONSIBLE_NAME,
	REC_U_NRELATIVES,
	REC_U_ORGANISATIONS,
	REC_R_ID = 1,
	REC_R_FIRST_NAME,
	REC_R_LAST_NAME,
	REC_R_BIRTH_DATE = 5,
	REC_P_RDV_ID = 1,
	REC_P_START,
	REC_P_DURATION,
	REC_P_MOTIF,
	REC_P_AGENTS,
	REC_P_LIEU,
	REC_P_ORGANISATION,
	REC_P_STATUS,
};

void
db_usager_record_free(struct db_usager_record *r)
{
	if (r == NULL)
		return;
	usager_free(r->usager);
	for (size_t i = 0; i < r->nrelatives; i++)
		free(r->relatives[i].name);
	free(r->relatives);
	for (size_t i = 0; i < r->nrdvs; i++) {
		free(r->rdvs[i].motif);
		free(r->rdvs[i].agents);
		free(r->rdvs[i].lieu);
		free(r->rdvs[i].organisation);
	}
	free(r->rdvs);
	free(r->organisations);
	free(r);
}

static int
rdv_cmp(const void *pa, const void *pb)
{
	const struct db_usager_rdv *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->rdv_id - b->rdv_id;
}

/* "Léo BÉZIER" from first and last names. Caller frees. */
static char *
person_name(const char *first, const char *last)
{
	struct usager tmp = {.first_name = (char *)first, .last_name = (char *)last};
	return usager_display_name(&tmp);
}

static void *
record_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	struct db_usager_record *rec = xcalloc(1, sizeof *rec);
	int n = PQntuples(res);
	rec->relatives = xcalloc((size_t)n + 1, sizeof *rec->relatives);
	rec->rdvs = xcalloc((size_t)n + 1, sizeof *rec->rdvs);
	for (int i = 0; i < n; i++) {
		const char *kind = PQgetvalue(res, i, REC_KIND);
		if (kind[0] == 'u') {
			struct usager *u = usager_new();
			u->id = int_or_zero(res, i, REC_U_ID);
			u->first_name = dup_or_null(res, i, REC_U_FIRST_NAME);
			u->last_name = dup_or_null(res, i, REC_U_LAST_NAME);
			u->birth_name = dup_or_null(res, i, REC_U_BIRTH_NAME);
			u->have_birth_date = date_or_none(res, i, REC_U_BIRTH_DATE, &u->birth_date);
			u->email = dup_or_null(res, i, REC_U_EMAIL);
			u->phone = dup_or_null(res, i, REC_U_PHONE);
			u->phone_e164 = dup_or_null(res, i, REC_U_PHONE_E164);
			u->address = dup_or_null(res, i, REC_U_ADDRESS);
			u->post_code = dup_or_null(res, i, REC_U_POST_CODE);
			u->city_name = dup_or_null(res, i, REC_U_CITY);
			u->notes = dup_or_null(res, i, REC_U_NOTES);
			u->responsible_id = int_or_zero(res, i, REC_U_RESPONSIBLE_ID);
			u->responsible_name = dup_or_null(res, i, REC_U_RESPONSIBLE_NAME);
			u->nrelatives = int_or_zero(res, i, REC_U_NRELATIVES);
			rec->organisations = dup_or_null(res, i, REC_U_ORGANISATIONS);
			usager_free(rec->usager);
			rec->usager = u;
		} else if (kind[0] == 'r') {
			struct db_usager_relative *r = &rec->relatives[rec->nrelatives++];
			r->id = int_or_zero(res, i, REC_R_ID);
			r->name = person_name(PQgetvalue(res, i, REC_R_FIRST_NAME),
					      PQgetvalue(res, i, REC_R_LAST_NAME));
			r->have_birth_date = date_or_none(res, i, REC_R_BIRTH_DATE, &r->birth_date);
		} else {
			struct db_usager_rdv *r = &rec->rdvs[rec->nrdvs++];
			r->rdv_id = int_or_zero(res, i, REC_P_RDV_ID);
			cal_parse_datetime(PQgetvalue(res, i, REC_P_START), &r->start);
			r->duration_min = int_or_zero(res, i, REC_P_DURATION);
			r->motif = dup_or_null(res, i, REC_P_MOTIF);
			r->agents = dup_or_null(res, i, REC_P_AGENTS);
			r->lieu = dup_or_null(res, i, REC_P_LIEU);
			r->organisation = dup_or_null(res, i, REC_P_ORGANISATION);
			int st = rdv_status_parse(PQgetvalue(res, i, REC_P_STATUS));
			r->status = st < 0 ? RDV_UNKNOWN : (enum rdv_status)st;
		}
	}
	if (rec->usager == NULL) {
		*err = db_error_new("42501", "cet usager n'existe plus ou n'est pas visible "
					     "dans vos organisations");
		db_usager_record_free(rec);
		return NULL;
	}
	if (rec->nrdvs > 1)
		qsort(rec->rdvs, rec->nrdvs, sizeof *rec->rdvs, rdv_cmp);
	return rec;
}

unsigned long
db_send_usager_load(struct db *db, const struct db_session *s, int usager_id)
{
	char id[16];
	snprintf(id, sizeof id, "%d", usager_id);
	const char *params[] = {id, s->time_zone ? s->time_zone : "Europe/Paris"};
	return db_request_queue(db, (db_free_fn)db_usager_record_free, record_sql, 2, params, record_parse,
				NULL, NULL);
}

/* ------------------------------------------------------------ duplicates */

static const char dups_sql[] =
    "SELECT d.usager_a, d.usager_b, d.reasons,"
    "       a.first_name, a.last_name, a.birth_date::text,"
    "       b.first_name, b.last_name, b.birth_date::text"
    "  FROM rdv.usager_duplicates(nullif($1::int, 0), $2::int) WITH ORDINALITY d"
    "  JOIN rdv.usagers a ON a.id = d.usager_a"
    "  JOIN rdv.usagers b ON b.id = d.usager_b"
    " ORDER BY d.ordinality";

/* The columns of dups_sql (and of matches_sql): side A, side B. */
enum {
	DUP_ID_A,
	DUP_ID_B,
	DUP_REASONS,
	DUP_A_FIRST_NAME,
	DUP_A_LAST_NAME,
	DUP_A_BIRTH_DATE,
	DUP_B_FIRST_NAME,
	DUP_B_LAST_NAME,
	DUP_B_BIRTH_DATE,
	DUP_SIDE_COLS = DUP_B_FIRST_NAME - DUP_A_FIRST_NAME,
};

void
db_usager_dups_free(struct db_usager_dups *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].name[0]);
		free(d->items[i].name[1]);
		free(d->items[i].reasons);
	}
	free(d->items);
	free(d);
}

static void *
dups_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_usager_dups *d = xcalloc(1, sizeof *d);
	d->n = (size_t)PQntuples(res);
	d->items = xcalloc(d->n ? d->n : 1, sizeof *d->items);
	for (size_t i = 0; i < d->n; i++) {
		struct db_usager_dup *it = &d->items[i];
		int r = (int)i;
		for (int side = 0; side < 2; side++) {
			it->id[side] = int_or_zero(res, r, DUP_ID_A + side);
			it->name[side] = person_name(PQgetvalue(res, r, DUP_A_FIRST_NAME + DUP_SIDE_COLS * side),
						     PQgetvalue(res, r, DUP_A_LAST_NAME + DUP_SIDE_COLS * side));
			it->have_birth_date[side] = date_or_none(res, r, DUP_A_BIRTH_DATE + DUP_SIDE_COLS * side, &it->birth_date[side]);
		}
		it->reasons = dup_or_null(res, r, DUP_REASONS);
	}
	return d;
}

unsigned long
db_send_usager_duplicates(struct db *db, int for_usager, int limit)
{
	char id[16], lim[16];
	snprintf(id, sizeof id, "%d", for_usager);
	snprintf(lim, sizeof lim, "%d", limit);
	const char *params[] = {id, lim};
	return db_request_queue(db, (db_free_fn)db_usager_dups_free, dups_sql, 2, params, dups_parse, NULL,
				NULL);
}

/*
 * Usagers matching one about to be created (reference R-30): same first
 * and last names (folded: case, accents, punctuation) and birth date, same
 * phone number (E.164), or same e-mail. Under row-level security: only
 * usagers the agent may see are named. Same columns as dups_sql, side 0
 * empty. $1 first name, $2 last name, $3 birth date, $4 phone, $5 e-mail,
 * $6 the usager being edited (0: none), $7 rows.
 */
static const char matches_sql[] =
    "SELECT 0, u.id, concat_ws(' · ',"
    "         CASE WHEN u.birth_date = $3::date AND rdv.text_fold(u.first_name || ' ' || u.last_name)"
    "                   = rdv.text_fold($1::text || ' ' || $2::text) THEN 'mêmes nom, prénom et date de naissance' END,"
    "         CASE WHEN u.phone_number_formatted = rdv.phone_e164($4::text) THEN 'même téléphone' END,"
    "         CASE WHEN lower(u.email) = lower(btrim($5::text)) THEN 'même e-mail' END),"
    "       '', '', NULL, u.first_name, u.last_name, u.birth_date::text"
    "  FROM rdv.usagers u"
    " WHERE u.deleted_at IS NULL AND u.id <> $6::int"
    "   AND ((u.birth_date = $3::date"
    "         AND rdv.text_fold(u.first_name || ' ' || u.last_name) = rdv.text_fold($1::text || ' ' || $2::text))"
    "        OR u.phone_number_formatted = rdv.phone_e164($4::text)"
    "        OR lower(u.email) = lower(btrim($5::text)))"
    " ORDER BY u.last_name, u.first_name, u.id"
    " LIMIT $7::int";

unsigned long
db_send_usager_matches(struct db *db, const struct usager *u, int limit)
{
	char id[16], lim[16], birth[11];
	snprintf(id, sizeof id, "%d", u->id);
	snprintf(lim, sizeof lim, "%d", limit);
	const char *params[] = {u->first_name ? u->first_name : "",
				u->last_name ? u->last_name : "",
				u->have_birth_date ? cal_format_date(u->birth_date, birth) : NULL,
				u->phone && *u->phone ? u->phone : NULL,
				u->email && *u->email ? u->email : NULL,
				id,
				lim};
	return db_request_queue(db, (db_free_fn)db_usager_dups_free, matches_sql, 7, params, dups_parse,
				NULL, NULL);
}

/* ------------------------------------------------------------ save */

static const char save_sql[] =
    "SELECT rdv.usager_save(nullif($1::int, 0), $2::int, $3, $4, $5, $6::date, $7, $8, $9, $10,"
    "                       $11, $12)";

static void *
int_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		*err = db_error_new("XX000", "réponse inattendue du serveur");
		return NULL;
	}
	int *id = xmalloc(sizeof *id);
	*id = atoi(PQgetvalue(res, 0, 0));
	return id;
}

unsigned long
db_send_usager_save(struct db *db, const struct db_session *s, const struct usager *u)
{
	char id[16], org[16], birth[11];
	snprintf(id, sizeof id, "%d", u->id);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	if (u->have_birth_date)
		cal_format_date(u->birth_date, birth);
	const char *params[] = {id,
				org,
				u->first_name,
				u->last_name,
				u->birth_name,
				u->have_birth_date ? birth : NULL,
				u->email,
				u->phone,
				u->address,
				u->post_code,
				u->city_name,
				u->notes};
	return db_request_queue(db, free, save_sql, 12, params, int_parse, NULL,
				NULL);
}

/* ------------------------------------------------------------ merge */

static const char merge_sql[] = "SELECT rdv.usager_merge($1::int, $2::int, $3::jsonb, $4::int)";

struct merge_ctx {
	int a, b;
};

static void *
merge_parse(PGresult *res, void *vctx, struct db_error **err)
{
	struct merge_ctx *ctx = vctx;
	int *survivor = int_parse(res, NULL, err);
	if (survivor == NULL)
		return NULL;
	struct db_usager_merged *m = xmalloc(sizeof *m);
	m->survivor = *survivor;
	m->removed = *survivor == ctx->a ? ctx->b : ctx->a;
	free(survivor);
	return m;
}

unsigned long
db_send_usager_merge(struct db *db, const struct db_session *s, int a, int b,
		     const char *choices_json)
{
	char sa[16], sb[16], org[16];
	snprintf(sa, sizeof sa, "%d", a);
	snprintf(sb, sizeof sb, "%d", b);
	snprintf(org, sizeof org, "%d", s->organisation_id);
	const char *params[] = {sa, sb, choices_json ? choices_json : "{}", org};
	struct merge_ctx *ctx = xmalloc(sizeof *ctx);
	ctx->a = a;
	ctx->b = b;
	return db_request_queue(db, free, merge_sql, 4, params, merge_parse, ctx,
				free);
}
