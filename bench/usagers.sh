#!/bin/sh
# SPDX-License-Identifier: MIT
# Usagers at département scale: `rdv db seed scale` (120,000 usagers in 20
# organisations at scale 1; USAGERS_BENCH_SCALE to change it) on a
# throwaway cluster, then
#
#   search as you type   rdv.usager_search() as an organisation's admin, one
#                        statement per keystroke of names (with a typo),
#                        a phone number and a birth date, as the Usagers
#                        screen sends them: p50/p95 per keystroke (pgbench,
#                        one connection kept open, like the client). Floor:
#                        the same rows fetched by id, nothing searched;
#   merge                rdv.usager_merge() of a usager with 1,000
#                        participations (all moved, 10 of them deduplicated)
#                        into another, rolled back after each run: p50/p95.
#                        Floors: the same participations moved by a bare
#                        UPDATE (its triggers firing: audit and counts),
#                        and the physical one, the same UPDATE with every
#                        trigger off (session_replication_role = replica,
#                        as the superuser).
#
# USAGERS_BENCH_SEARCH=0 skips the search figures (to measure the merge alone).
#
# Environment (from `make bench`): RDV, top_srcdir, top_builddir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
: "${RDV:=$top_builddir/rdv}"
: "${USAGERS_BENCH_SCALE:=1}"
: "${USAGERS_BENCH_RUNS:=40}"
: "${USAGERS_BENCH_SEARCH:=1}"
TODAY=2026-05-13
PGBENCH=$PG_BINDIR/pgbench
[ -x "$PGBENCH" ] || PGBENCH=$(command -v pgbench)

# shellcheck source=../tests/lib/cluster.sh
. "$top_srcdir/tests/lib/cluster.sh"

cluster_start
T=$CLUSTER_DIR
t0=$(date +%s)
"$RDV" db seed scale --today "$TODAY" --scale "$USAGERS_BENCH_SCALE" >"$T/seed.log" 2>&1 || {
	echo "rdv db seed scale a échoué : $(tail -3 "$T/seed.log")"; exit 1; }
sql -c "VACUUM (ANALYZE)" >/dev/null
t1=$(date +%s)

# The admin of the first organisation logs in as bench_usagers.
org=$(sql -c "SELECT min(id) FROM rdv.organisations")
sql >/dev/null <<EOF
CREATE ROLE bench_usagers LOGIN IN ROLE rdv_agent;
UPDATE rdv.agents SET db_role = 'bench_usagers'
WHERE id = (SELECT agent_id FROM rdv.agent_roles WHERE organisation_id = $org AND access_level = 'admin'
            ORDER BY agent_id LIMIT 1);
EOF
n_usagers=$(sql -c "SELECT count(*) FROM rdv.usagers")
n_visible=$(sql -c "SET SESSION AUTHORIZATION bench_usagers; SELECT count(*) FROM rdv.usagers")

# A phone number and a birth date of a usager the admin sees.
phone=$(sql -c "SELECT phone_number FROM rdv.usagers u JOIN rdv.usager_profiles p ON p.usager_id = u.id
                WHERE p.organisation_id = $org AND phone_number IS NOT NULL ORDER BY u.id LIMIT 1")
birth=$(sql -c "SELECT to_char(birth_date, 'DD/MM/YYYY') FROM rdv.usagers u JOIN rdv.usager_profiles p ON p.usager_id = u.id
                WHERE p.organisation_id = $org ORDER BY u.id LIMIT 1")

# percentile FILE P: the P-th percentile (nearest rank) of the 3rd column (µs) of pgbench logs, in ms.
percentile() {
	sort -n -k3,3 "$1" | awk -v p="$2" '{ v[NR] = $3 } END {
		if (NR == 0) { print "-"; exit }
		i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		printf "%.2f", v[i] / 1000 }'
}

# run NAME SQL [ROLE]: pgbench as ROLE (bench_usagers), USAGERS_BENCH_RUNS transactions;
# prints "p50 p95".
run() {
	printf '%s\n' "$2" >"$T/script.sql"
	rm -f "$T"/pgbench_log.*
	(cd "$T" && "$PGBENCH" -n -U "${3:-bench_usagers}" -d rdv -f script.sql -t "$USAGERS_BENCH_RUNS" -l \
		>"$T/pgbench.out" 2>&1) || { echo "pgbench a échoué : $(tail -3 "$T/pgbench.out")" >&2; return 1; }
	cat "$T"/pgbench_log.* >"$T/lat"
	echo "$(percentile "$T/lat" 50) $(percentile "$T/lat" 95)"
}

sq() { printf '%s' "$1" | sed "s/'/''/g"; }

echo "données : $n_usagers usagers ($n_visible visibles par l'agent), chargées en $((t1 - t0)) s"
echo
if [ "$USAGERS_BENCH_SEARCH" != 0 ]; then
echo "Recherche au fil de la frappe (ms par frappe, 1 connexion ouverte, $USAGERS_BENCH_RUNS essais)"
printf '%-22s %6s %8s %8s %10s %10s\n' "texte tapé" "lignes" "p50" "p95" "plancher50" "plancher95"
all="$T/all_lat"
: >"$all"
for word in "Lefèvre" "jean franc" "Gerrard" "$phone" "$birth"; do
	# One character at a time (grep -o . splits UTF-8 characters, not bytes).
	printf '%s\n' "$word" | grep -o . >"$T/chars"
	prefix=
	while IFS= read -r c <&3; do
		prefix="$prefix$c"
		case "$word" in
		"$phone"|"$birth") [ "$(printf '%s' "$prefix" | wc -c)" -lt 2 ] && continue ;;
		esac
		q=$(sq "$prefix")
		set -- $(run search "SELECT * FROM rdv.usager_search('$q', 50);") || exit 1
		p50=$1 p95=$2
		cat "$T/lat" >>"$all"
		ids=$(sql -c "SET SESSION AUTHORIZATION bench_usagers;
		              SELECT coalesce(string_agg(id::text, ','), '') FROM rdv.usager_search('$q', 50)")
		rows=$(printf '%s' "$ids" | tr ',' '\n' | grep -c .)
		set -- $(run floor "SELECT * FROM rdv.usagers WHERE id = ANY ('{$ids}'::int[]);") || exit 1
		printf '%-22s %6s %8s %8s %10s %10s\n' "$prefix" "$rows" "$p50" "$p95" "$1" "$2"
	done 3<"$T/chars"
done
echo "toutes frappes : p50 $(percentile "$all" 50) ms, p95 $(percentile "$all" 95) ms ($(wc -l <"$all") requêtes)"
fi

# The merge: A (1,000 participations in rdvs of the organisation) into B (10
# participations, all in rdvs where A is too: deduplicated).
sql >/dev/null <<EOF
INSERT INTO rdv.usagers (id, first_name, last_name, email, birth_date)
VALUES (999001, 'Fusion', 'Source', NULL, '1980-01-01'), (999002, 'Fusion', 'Cible', 'fusion.cible@example.com', '1980-01-01');
INSERT INTO rdv.usager_profiles (organisation_id, usager_id) VALUES ($org, 999001), ($org, 999002);
ALTER TABLE rdv.participations DISABLE TRIGGER USER;
INSERT INTO rdv.participations (rdv_id, usager_id, status)
SELECT id, 999001, 'seen' FROM rdv.rdvs WHERE organisation_id = $org ORDER BY id LIMIT 1000;
INSERT INTO rdv.participations (rdv_id, usager_id, status)
SELECT id, 999002, 'seen' FROM rdv.rdvs WHERE organisation_id = $org ORDER BY id LIMIT 10;
ALTER TABLE rdv.participations ENABLE TRIGGER USER;
ANALYZE rdv.participations;
EOF
echo
echo "Fusion d'un usager de $(sql -c "SELECT count(*) FROM rdv.participations WHERE usager_id = 999001") participations (annulée après chaque essai)"
set -- $(run merge "BEGIN;
SELECT rdv.usager_merge(999001, 999002, '{\"email\": 2}', $org);
ROLLBACK;") || exit 1
m50=$1 m95=$2
set -- $(run floor "BEGIN;
UPDATE rdv.participations SET usager_id = 999002 WHERE usager_id = 999001
  AND rdv_id NOT IN (SELECT rdv_id FROM rdv.participations WHERE usager_id = 999002);
ROLLBACK;" postgres) || exit 1
f50=$1 f95=$2
set -- $(run floor "BEGIN;
SET LOCAL session_replication_role = replica;
UPDATE rdv.participations SET usager_id = 999002 WHERE usager_id = 999001
  AND rdv_id NOT IN (SELECT rdv_id FROM rdv.participations WHERE usager_id = 999002);
ROLLBACK;" postgres) || exit 1
printf '%-34s %8s %8s\n' "" "p50" "p95"
printf '%-34s %8s %8s\n' "rdv.usager_merge" "$m50" "$m95"
printf '%-34s %8s %8s\n' "plancher (UPDATE nu, déclencheurs)" "$f50" "$f95"
printf '%-34s %8s %8s\n' "plancher physique (sans déclencheur)" "$1" "$2"
