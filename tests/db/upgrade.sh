#!/bin/sh
# SPDX-License-Identifier: MIT
# Upgrade of a database made before 012_hardening: migrations 001 to 011
# applied with psql as the previous binary did (no ownership hook, the
# superuser owning everything), the demo data loaded, then `rdv db migrate`.
# The data survive row for row, a demo agent reads what she read before, and
# the catalog invariants (tests/db/invariants.sql) hold afterwards.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

[ -x "${RDV:-}" ] || { echo "1..0 # SKIP rdv not built"; exit 77; }
[ -n "$PG_BINDIR" ] || { echo "1..0 # SKIP no PostgreSQL"; exit 77; }

CLUSTER_NO_MIGRATE=1 cluster_start
sql -c "CREATE SCHEMA rdv_meta; CREATE TABLE rdv_meta.migrations (version text PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now())" >/dev/null
for f in "$top_srcdir"/db/migrations/0*.sql; do
	v=$(basename "$f" .sql)
	[ "$v" \< 012 ] || continue
	psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" \
		-c "INSERT INTO rdv_meta.migrations (version) VALUES ('$v')" >>"$CLUSTER_DIR/migrate.log" 2>&1 || {
		echo "Bail out! migration $v failed: $(tail -3 "$CLUSTER_DIR/migrate.log")"; exit 1; }
done
"$RDV" db seed demo --today 2026-05-13 >"$CLUSTER_DIR/seed.log" 2>&1 || {
	echo "Bail out! demo seed failed: $(tail -3 "$CLUSTER_DIR/seed.log")"; exit 1; }

counts="SELECT string_agg(format('%s=%s', c.relname,
	(xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM rdv.%I', c.relname), false, true, '')))[1]),
	' ' ORDER BY c.relname)
	FROM pg_class c WHERE c.relnamespace = 'rdv'::regnamespace AND c.relkind = 'r'"
# Later migrations may add tables: compare the tables that existed before.
tables=$(sql -c "SELECT string_agg(relname, ',') FROM pg_class WHERE relnamespace = 'rdv'::regnamespace AND relkind = 'r'")
counts="$counts AND c.relname = ANY (string_to_array('$tables', ','))"
before=$(sql -c "$counts")
is "$(sql -c "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'rdv'")" postgres \
	"before: the schema belongs to the superuser (the previous state)"
agent=$(sql -c "SELECT db_role FROM rdv.agents a WHERE db_role IS NOT NULL AND deleted_at IS NULL
	AND EXISTS (SELECT 1 FROM rdv.agent_roles r WHERE r.agent_id = a.id AND r.access_level = 'basic')
	ORDER BY id LIMIT 1")
seen="SELECT (SELECT count(*) FROM rdv.rdvs) || ' ' || (SELECT count(*) FROM rdv.usagers) || ' '
	|| (SELECT count(*) FROM rdv.plages_ouverture) || ' ' || (SELECT count(*) FROM rdv.usager_search('ma'))"
seen_before=$(psql -X -q -t -A -U "$agent" -c "$seen" 2>&1)
outbox_before=$(sql -c "SELECT count(*) FROM rdv.notification_outbox")

out=$("$RDV" db migrate 2>&1)
is "$?" 0 "rdv db migrate upgrades the previous schema"
like "$out" "appliquée : 012_hardening" "… applying 012_hardening (and the migrations after it)"
is "$(sql -c "$counts")" "$before" "every table keeps every row"
is "$(psql -X -q -t -A -U "$agent" -c "$seen" 2>&1)" "$seen_before" \
	"a demo agent ($agent) sees the same rdvs, usagers, plages and search results"
is "$(printf '%s\n' "$seen_before" | grep -c '^[1-9][0-9]* [1-9][0-9]* [0-9]* [0-9]*$')" 1 \
	"… who did see rdvs and usagers before ($seen_before)"
is "$(sql -f "$top_srcdir/tests/db/invariants.sql")" "" "the catalog invariants hold after the upgrade"
is "$(sql -c "SELECT count(*) FROM pg_constraint WHERE conname LIKE '%\_no\_controls' AND convalidated")" 7 \
	"the control-character checks are validated on the demo data"
is "$(psql -X -q -t -A -v VERBOSITY=sqlstate -U "$agent" -c 'CREATE TEMP TABLE t (i int)' 2>&1)" "ERROR:  42501" \
	"the demo agent may no longer create temporary tables"
is "$(sql -c "SELECT count(*) FROM rdv.notification_outbox")" "$outbox_before" "the outbox is untouched"
is "$("$RDV" db migrate 2>&1)" "schéma à jour" "a second migrate has nothing to do"

done_testing
