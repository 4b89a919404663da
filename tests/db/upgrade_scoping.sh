#!/bin/sh
# SPDX-License-Identifier: MIT
# A database at 011 (the schema before issue 10's migrations), holding the
# demo, upgrades with `rdv db migrate`: the later migrations apply, the data
# survives, and the scoping rules of 013 hold on the upgraded data.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

CLUSTER_NO_MIGRATE=1 cluster_start
sql -c "CREATE SCHEMA rdv_meta;
        CREATE TABLE rdv_meta.migrations (version text PRIMARY KEY,
                                          applied_at timestamptz NOT NULL DEFAULT now())" >/dev/null
for f in "$top_srcdir"/db/migrations/0*.sql; do
	v=$(basename "$f" .sql)
	[ "$v" \> "011_zzz" ] && continue
	psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" >/dev/null 2>&1 ||
		{ echo "Bail out! $v failed"; exit 1; }
	sql -c "INSERT INTO rdv_meta.migrations (version) VALUES ('$v')" >/dev/null
done
psql -X -q -v ON_ERROR_STOP=1 --single-transaction \
	-c "SELECT set_config('rdv.seed_today', '2026-05-13', false)" \
	-f "$top_srcdir/db/seed/demo.sql" >/dev/null 2>&1 || { echo "Bail out! demo seed at 011 failed"; exit 1; }

counts() {
	sql -c "SELECT (SELECT count(*) FROM rdv.rdvs) || ' ' || (SELECT count(*) FROM rdv.usagers) || ' '
	               || (SELECT count(*) FROM rdv.usager_profiles) || ' ' || (SELECT count(*) FROM rdv.agent_roles)
	               || ' ' || (SELECT count(*) FROM rdv.agent_services) || ' ' || (SELECT count(*) FROM rdv.plage_motifs)
	               || ' ' || (SELECT count(*) FROM rdv.participations)"
}
before=$(counts)
out=$("$RDV" db migrate 2>&1)
ok $? "rdv db migrate upgrades a database at 011"
like "$out" "013_scoping" "… applying 013_scoping"
is "$(counts)" "$before" "… rdvs, usagers, profiles, roles, services, plage motifs and participations survive"
is "$(sql -c "SELECT count(*) FROM pg_constraint WHERE conname IN ('rdvs_motif_same_organisation',
              'rdvs_lieu_same_organisation', 'plages_lieu_same_organisation') AND convalidated")" "3" \
	"… the composite foreign keys hold on the existing data"
out=$("$RDV" db migrate 2>&1)
ok $? "a second rdv db migrate has nothing to do"

# The demo's shared agent (Léa: MDS basic, CCAS basic) and CCAS's admin.
res=$(psql -X -q -t -A -U claire -c "SELECT rdv.agent_save(a.id, o.id, a.first_name, a.last_name, a.email,
	'basic', '{1,2,3,4}') FROM rdv.agents a, rdv.organisations o
	WHERE a.db_role = 'lea' AND o.id = ANY (rdv.my_admin_organisation_ids())" 2>&1)
like "$res" "Services : l'agent travaille aussi dans une organisation que vous n'administrez pas" \
	"upgraded demo: CCAS's admin cannot change the services of Léa, who also works at the MDS"

done_testing
