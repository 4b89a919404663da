/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/exports.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * rdv.exports is readable and writable by its owner only (policy
 * exports_owner, 002_security): every statement here simply runs as the
 * agent and row-level security leaves out the others' exports. Ids are
 * compared as text so that a malformed id finds nothing instead of raising
 * a cast error.
 */

/* ------------------------------------------------------------ listing */

/* Its result, column by column. */
enum {
	LIST_ID,
	LIST_FORMAT,
	LIST_FILE_NAME,
	LIST_SUMMARY,
	LIST_STATUS,
	LIST_ROWS,
	LIST_SIZE,
	LIST_CREATED,
	LIST_EXPIRES,
	LIST_ERROR,
};
static const char list_sql[] =
    "SELECT e.id::text, e.format::text, e.file_name, coalesce(e.filters->>'summary', ''),"
    "       CASE WHEN e.expires_at <= now() THEN 'expired' ELSE e.status::text END,"
    "       coalesce(e.row_count, -1), coalesce(e.size_bytes, -1),"
    "       to_char(e.created_at AT TIME ZONE $1, 'DD/MM/YYYY HH24\"h\"MI'),"
    "       to_char(e.expires_at AT TIME ZONE $1, 'DD/MM/YYYY HH24\"h\"MI'),"
    "       e.error"
    "  FROM rdv.exports e"
    " WHERE e.agent_id = (SELECT rdv.current_agent_id())"
    " ORDER BY e.created_at DESC, e.id";

void
db_exports_free(struct db_exports *e)
{
	if (e == NULL)
		return;
	for (int i = 0; i < e->n; i++) {
		struct db_export *x = &e->items[i];
		free(x->id);
		free(x->format);
		free(x->file_name);
		free(x->summary);
		free(x->status);
		free(x->created);
		free(x->expires);
		free(x->error);
	}
	free(e->items);
	free(e);
}

static void *
list_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	struct db_exports *e = xcalloc(1, sizeof *e);
	e->n = PQntuples(res);
	e->items = xcalloc((size_t)e->n + 1, sizeof *e->items);
	for (int i = 0; i < e->n; i++) {
		struct db_export *x = &e->items[i];
		x->id = xstrdup(PQgetvalue(res, i, LIST_ID));
		x->format = xstrdup(PQgetvalue(res, i, LIST_FORMAT));
		x->file_name = xstrdup(PQgetvalue(res, i, LIST_FILE_NAME));
		x->summary = xstrdup(PQgetvalue(res, i, LIST_SUMMARY));
		x->status = xstrdup(PQgetvalue(res, i, LIST_STATUS));
		x->rows = atol(PQgetvalue(res, i, LIST_ROWS));
		x->size = atoll(PQgetvalue(res, i, LIST_SIZE));
		x->created = xstrdup(PQgetvalue(res, i, LIST_CREATED));
		x->expires = xstrdup(PQgetvalue(res, i, LIST_EXPIRES));
		x->error = PQgetisnull(res, i, LIST_ERROR)
		               ? NULL
		               : xstrdup(PQgetvalue(res, i, LIST_ERROR));
	}
	return e;
}

unsigned long
db_send_exports(struct db *db, const char *time_zone)
{
	const char *params[] = {time_zone};
	return db_request_queue(db, (db_free_fn)db_exports_free, list_sql, 1, params, list_parse, NULL, NULL);
}

struct db_exports *
db_exports_list(struct db *db, const char *time_zone, struct db_error **err)
{
	const char *params[] = {time_zone};
	PGresult *res = db_exec(db, list_sql, 1, params, err);
	if (res == NULL)
		return NULL;
	struct db_exports *e = list_parse(res, NULL, err);
	PQclear(res);
	return e;
}

/* ------------------------------------------------------------ content */

enum { CONTENT_FILE_NAME, CONTENT_DATA };
static const char content_sql[] =
    "SELECT e.file_name, e.content FROM rdv.exports e"
    " WHERE e.id::text = $1 AND e.status = 'available' AND e.expires_at > now()"
    "   AND e.content IS NOT NULL";

void
db_export_content_free(struct db_export_content *c)
{
	if (c == NULL)
		return;
	free(c->file_name);
	free(c->data);
	free(c);
}

static void *
content_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	if (PQntuples(res) != 1) {
		*err = db_error_new("P0002", "export introuvable, expiré ou pas encore prêt");
		return NULL;
	}
	size_t n = 0;
	unsigned char *raw =
	    PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, CONTENT_DATA), &n);
	if (raw == NULL) {
		*err = db_error_new("", "contenu de l'export illisible");
		return NULL;
	}
	struct db_export_content *c = xcalloc(1, sizeof *c);
	c->file_name = xstrdup(PQgetvalue(res, 0, CONTENT_FILE_NAME));
	c->data = xmalloc(n ? n : 1);
	memcpy(c->data, raw, n);
	c->size = n;
	PQfreemem(raw);
	return c;
}

unsigned long
db_send_export_content(struct db *db, const char *id)
{
	const char *params[] = {id};
	return db_request_queue(db, (db_free_fn)db_export_content_free, content_sql, 1, params, content_parse,
	                        NULL, NULL);
}

struct db_export_content *
db_export_content(struct db *db, const char *id, struct db_error **err)
{
	const char *params[] = {id};
	PGresult *res = db_exec(db, content_sql, 1, params, err);
	if (res == NULL)
		return NULL;
	struct db_export_content *c = content_parse(res, NULL, err);
	PQclear(res);
	return c;
}

/* ------------------------------------------------------------ deletion */

static void *
count_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	(void)err;
	int *n = xmalloc(sizeof *n);
	*n = atoi(PQcmdTuples(res));
	return n;
}

unsigned long
db_send_export_delete(struct db *db, const char *id)
{
	const char *params[] = {id};
	return db_request_queue(db, free, "DELETE FROM rdv.exports WHERE id::text = $1", 1,
	                        params, count_parse, NULL, NULL);
}

/* ------------------------------------------------------------ recording */

char *
db_export_create(struct db *db, const char *format, const char *file_name, const char *filters_json,
                 const char *summary, const int *org_ids, int norgs, struct db_error **err)
{
	char *orgs = db_ids_format(org_ids, norgs);
	const char *params[] = {format, file_name, filters_json, summary, orgs};
	PGresult *res = db_exec(
	    db,
	    "INSERT INTO rdv.exports (agent_id, format, file_name, filters, organisation_ids, "
	    "status)"
	    " VALUES ((SELECT rdv.current_agent_id()), $1::rdv.export_format, $2,"
	    "         $3::jsonb || jsonb_build_object('summary', $4::text), $5::int[], 'pending')"
	    " RETURNING id::text AS id",
	    5, params, err);
	free(orgs);
	if (res == NULL)
		return NULL;
	char *id = xstrdup(PQgetvalue(res, 0, PQfnumber(res, "id")));
	PQclear(res);
	return id;
}

bool
db_export_finish(struct db *db, const char *id, const char *file_name, const int *org_ids,
                 int norgs, const unsigned char *data, size_t size, long rows,
                 struct db_error **err)
{
	char nrows[24];
	snprintf(nrows, sizeof nrows, "%ld", rows);
	char *orgs = db_ids_format(org_ids, norgs);
	/* The file goes up as a binary parameter: no hex doubling of a few megabytes. */
	const char *values[] = {id, (const char *)data, nrows, file_name, orgs};
	int lengths[] = {0, (int)size, 0, 0, 0};
	int formats[] = {0, 1, 0, 0, 0};
	PGresult *res = PQexecParams(
	    db_pgconn(db),
	    "UPDATE rdv.exports SET content = $2::bytea, size_bytes = octet_length($2::bytea),"
	    "       row_count = $3::int, file_name = $4, organisation_ids = $5::int[],"
	    "       status = 'available', computed_at = now(), error = NULL"
	    " WHERE id::text = $1",
	    5, NULL, values, lengths, formats, 0);
	free(orgs);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdTuples(res), "1") == 0;
	if (!ok && err)
		*err = PQresultStatus(res) == PGRES_COMMAND_OK
		           ? db_error_new("P0002", "export %s introuvable", id)
		           : db_error_from_result(res);
	PQclear(res);
	return ok;
}

bool
db_export_fail(struct db *db, const char *id, const char *reason, struct db_error **err)
{
	const char *params[] = {id, reason};
	PGresult *res =
	    db_exec(db,
	            "UPDATE rdv.exports SET status = 'failed', error = $2, content = NULL,"
	            "       computed_at = now() WHERE id::text = $1",
	            2, params, err);
	if (res == NULL)
		return false;
	PQclear(res);
	return true;
}

/* ------------------------------------------------------------ the child's connection */

char *
db_export_conninfo(struct db *db)
{
	/* Pooled: the child connects as the agent itself; the token is not handed on. */
	if (db_pooled(db))
		return xstrdup(db_pool_direct_conninfo(db));
	PQconninfoOption *opts = PQconninfo(db_pgconn(db));
	char *s = xstrdup("");
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (o->val == NULL || *o->val == '\0' || strcmp(o->dispchar, "D") == 0)
			continue;
		/* key='value' with \ and ' escaped, as libpq parses it. */
		size_t n = strlen(o->val);
		char *v = xmalloc(2 * n + 1), *p = v;
		for (const char *c = o->val; *c; c++) {
			if (*c == '\\' || *c == '\'')
				*p++ = '\\';
			*p++ = *c;
		}
		*p = '\0';
		char *t = xasprintf("%s%s%s='%s'", s, *s ? " " : "", o->keyword, v);
		free(v);
		free(s);
		s = t;
	}
	PQconninfoFree(opts);
	return s;
}

/* ------------------------------------------------------------ Mon compte */

/*
 * One row of preferences ('p'), then my services ('s') and my organisations
 * with my access level ('o'), as one row set.
 */
enum {
	ACCOUNT_KIND,
	ACCOUNT_NAME,    /* 'p': rdv level; 's': service; 'o': organisation */
	ACCOUNT_LEVEL,   /* 'p': plage level; 'o': my access level */
	ACCOUNT_ABSENCE, /* 'p' only, as the following */
	ACCOUNT_SATURDAYS,
	ACCOUNT_CANCELLED,
	ACCOUNT_THEME,
};
static const char account_sql[] =
    "SELECT 'p', a.rdv_notifications_level::text, a.plage_ouverture_notification_level::text,"
    "       a.absence_notification_level::text, a.display_saturdays::text,"
    "       a.display_cancelled_rdv::text, a.theme"
    "  FROM rdv.agents a WHERE a.id = (SELECT rdv.current_agent_id())"
    " UNION ALL "
    "SELECT 's', s.name, NULL, NULL, NULL, NULL, NULL"
    "  FROM rdv.agent_services x JOIN rdv.services s ON s.id = x.service_id"
    " WHERE x.agent_id = (SELECT rdv.current_agent_id())"
    " UNION ALL "
    "SELECT 'o', o.name, r.access_level::text, NULL, NULL, NULL, NULL"
    "  FROM rdv.agent_roles r JOIN rdv.organisations o ON o.id = r.organisation_id"
    " WHERE r.agent_id = (SELECT rdv.current_agent_id()) AND r.access_level <> 'intervenant'"
    " ORDER BY 1, 2";

void
db_account_free(struct db_account *a)
{
	if (a == NULL)
		return;
	free(a->rdv_level);
	free(a->plage_level);
	free(a->absence_level);
	free(a->theme);
	for (int i = 0; i < a->nservices; i++)
		free(a->services[i]);
	free(a->services);
	for (int i = 0; i < a->norgs; i++) {
		free(a->orgs[i].name);
		free(a->orgs[i].access_level);
	}
	free(a->orgs);
	free(a);
}

static void *
account_parse(PGresult *res, void *ctx, struct db_error **err)
{
	(void)ctx;
	int n = PQntuples(res);
	struct db_account *a = xcalloc(1, sizeof *a);
	a->services = xcalloc((size_t)n + 1, sizeof *a->services);
	a->orgs = xcalloc((size_t)n + 1, sizeof *a->orgs);
	for (int i = 0; i < n; i++) {
		const char *kind = PQgetvalue(res, i, ACCOUNT_KIND);
		if (kind[0] == 'p') {
			a->rdv_level = xstrdup(PQgetvalue(res, i, ACCOUNT_NAME));
			a->plage_level = xstrdup(PQgetvalue(res, i, ACCOUNT_LEVEL));
			a->absence_level = xstrdup(PQgetvalue(res, i, ACCOUNT_ABSENCE));
			a->display_saturdays = PQgetvalue(res, i, ACCOUNT_SATURDAYS)[0] == 't';
			a->display_cancelled_rdv = PQgetvalue(res, i, ACCOUNT_CANCELLED)[0] == 't';
			a->theme = PQgetisnull(res, i, ACCOUNT_THEME)
			               ? NULL
			               : xstrdup(PQgetvalue(res, i, ACCOUNT_THEME));
		} else if (kind[0] == 's') {
			a->services[a->nservices++] = xstrdup(PQgetvalue(res, i, ACCOUNT_NAME));
		} else {
			a->orgs[a->norgs].name = xstrdup(PQgetvalue(res, i, ACCOUNT_NAME));
			a->orgs[a->norgs].access_level = xstrdup(PQgetvalue(res, i, ACCOUNT_LEVEL));
			a->norgs++;
		}
	}
	if (a->rdv_level == NULL) {
		*err = db_error_new("28000", "aucun agent actif pour ce rôle");
		db_account_free(a);
		return NULL;
	}
	return a;
}

unsigned long
db_send_account(struct db *db)
{
	return db_request_queue(db, (db_free_fn)db_account_free, account_sql, 0, NULL, account_parse, NULL,
	                        NULL);
}

unsigned long
db_send_account_save(struct db *db, const struct db_account *a)
{
	const char *params[] = {a->rdv_level,
	                        a->plage_level,
	                        a->absence_level,
	                        a->display_saturdays ? "true" : "false",
	                        a->display_cancelled_rdv ? "true" : "false",
	                        a->theme ? a->theme : ""};
	return db_request_queue(
	    db, free,
	    "UPDATE rdv.agents SET rdv_notifications_level = $1::rdv.rdv_notification_level,"
	    "       plage_ouverture_notification_level = $2::rdv.item_notification_level,"
	    "       absence_notification_level = $3::rdv.item_notification_level,"
	    "       display_saturdays = $4::boolean, display_cancelled_rdv = $5::boolean,"
	    "       theme = nullif($6, '')"
	    " WHERE id = (SELECT rdv.current_agent_id())",
	    6, params, count_parse, NULL, NULL);
}
