/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"
#include "db/sql_files.h"

/*
 * Migrations are the embedded files "migrations/NNN_name.sql", applied in
 * name order, each in one transaction together with its row in
 * rdv_meta.migrations. An advisory lock keeps two concurrent `rdv db migrate`
 * from applying the same file twice.
 *
 * After each migration, in its transaction, "hooks/after_migration.sql"
 * hands every object of the schema rdv to the non-superuser role rdv_owner
 * and takes EXECUTE on functions and TEMP on the database from PUBLIC, so
 * that no migration can forget it (SECURITY.md).
 */

static const char meta_sql[] =
    "CREATE SCHEMA IF NOT EXISTS rdv_meta;"
    "CREATE TABLE IF NOT EXISTS rdv_meta.migrations ("
    " version text PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";

static bool
is_migration(const struct sql_file *f)
{
	return strncmp(f->name, "migrations/", 11) == 0;
}

/* "migrations/001_schema.sql" -> "001_schema". Caller frees. */
static char *
migration_version(const char *name)
{
	const char *base = name + 11;
	const char *dot = strrchr(base, '.');
	return xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

static bool
migration_applied(struct db *db, const char *version, bool *applied, struct db_error **err)
{
	const char *params[] = {version};
	PGresult *res = db_exec(db, "SELECT 1 FROM rdv_meta.migrations WHERE version = $1", 1,
				params, err);
	if (res == NULL)
		return false;
	*applied = PQntuples(res) > 0;
	PQclear(res);
	return true;
}

static const char *
after_migration_hook(void)
{
	for (const struct sql_file *f = sql_files; f->name; f++)
		if (strcmp(f->name, "hooks/after_migration.sql") == 0)
			return f->text;
	abort(); /* embedded at build time: cannot be missing */
}

static bool
migration_apply(struct db *db, const struct sql_file *f, const char *version,
		struct db_error **err)
{
	const char *params[] = {version};
	if (!db_exec_simple(db, "BEGIN", err))
		return false;
	PGresult *res = NULL;
	bool ok = db_exec_simple(db, f->text, err) &&
		  db_exec_simple(db, after_migration_hook(), err) &&
		  (res = db_exec(db, "INSERT INTO rdv_meta.migrations (version) VALUES ($1)", 1,
				 params, err)) != NULL;
	PQclear(res);
	if (ok)
		return db_exec_simple(db, "COMMIT", err);
	db_exec_simple(db, "ROLLBACK", NULL);
	return false;
}

bool
db_migrate(struct db *db, FILE *log, struct db_error **err)
{
	if (!db_exec_simple(db, "SELECT pg_advisory_lock(7236001)", err))
		return false;
	bool ok = db_exec_simple(db, meta_sql, err);
	int applied_now = 0;
	for (const struct sql_file *f = sql_files; ok && f->name; f++) {
		if (!is_migration(f))
			continue;
		char *version = migration_version(f->name);
		bool applied = false;
		ok = migration_applied(db, version, &applied, err);
		if (ok && !applied) {
			ok = migration_apply(db, f, version, err);
			if (ok) {
				applied_now++;
				if (log)
					fprintf(log, "appliquée : %s\n", version);
			} else if (err && *err) {
				/* Name the file: the server's message alone does not say where. */
				struct db_error *e = *err;
				*err = db_error_new(e->sqlstate, "%s : %s", version, e->message);
				db_error_free(e);
			}
		}
		free(version);
	}
	db_exec_simple(db, "SELECT pg_advisory_unlock(7236001)", NULL);
	if (ok && log && applied_now == 0)
		fprintf(log, "schéma à jour\n");
	return ok;
}

bool
db_migrations_status(struct db *db, FILE *out, int *pending, struct db_error **err)
{
	int n_pending = 0;
	bool have_meta = false;
	PGresult *res = db_exec(db, "SELECT to_regclass('rdv_meta.migrations') IS NOT NULL", 0,
				NULL, err);
	if (res == NULL)
		return false;
	have_meta = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	for (const struct sql_file *f = sql_files; f->name; f++) {
		if (!is_migration(f))
			continue;
		char *version = migration_version(f->name);
		bool applied = false;
		if (have_meta && !migration_applied(db, version, &applied, err)) {
			free(version);
			return false;
		}
		if (!applied)
			n_pending++;
		fprintf(out, "%s\t%s\n", applied ? "appliquée" : "en attente", version);
		free(version);
	}
	if (pending)
		*pending = n_pending;
	return true;
}

bool
db_create_database(struct db *db, const char *name, struct db_error **err)
{
	/* Utility statements take no parameters: quote the identifier instead. */
	char *ident = PQescapeIdentifier(db_pgconn(db), name, strlen(name));
	if (ident == NULL) {
		if (err)
			*err = db_error_new("42602", "nom de base invalide");
		return false;
	}
	char *sql = xasprintf("CREATE DATABASE %s", ident);
	PQfreemem(ident);
	bool ok = db_exec_simple(db, sql, err);
	free(sql);
	return ok;
}

const char *const *
db_seed_names(void)
{
	static const char *names[16];
	static bool done;
	if (!done) {
		size_t n = 0;
		for (const struct sql_file *f = sql_files; f->name && n < 15; f++) {
			if (strncmp(f->name, "seed/", 5) == 0)
				names[n++] = f->name + 5;
		}
		names[n] = NULL;
		done = true;
	}
	return names;
}

bool
db_seed(struct db *db, const char *name, const char *today, double scale, struct db_error **err)
{
	char *path = xasprintf("seed/%s.sql", name);
	const struct sql_file *file = NULL;
	for (const struct sql_file *f = sql_files; f->name; f++)
		if (strcmp(f->name, path) == 0)
			file = f;
	free(path);
	if (file == NULL) {
		if (err)
			*err = db_error_new("22023", "jeu de données inconnu « %s »", name);
		return false;
	}
	char scale_text[32];
	snprintf(scale_text, sizeof scale_text, "%g", scale);
	const char *params[] = {today, scale_text};
	if (!db_exec_simple(db, "BEGIN", err))
		return false;
	PGresult *res = db_exec(db,
				"SELECT set_config('rdv.seed_today', $1, true),"
				" set_config('rdv.seed_scale', $2, true)",
				2, params, err);
	bool ok = res != NULL && db_exec_simple(db, file->text, err);
	PQclear(res);
	if (ok)
		return db_exec_simple(db, "COMMIT", err);
	db_exec_simple(db, "ROLLBACK", NULL);
	return false;
}
