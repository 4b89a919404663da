#!/bin/sh
# SPDX-License-Identifier: MIT
# Slot search at département scale: `rdv db seed scale` (1,000 agents in 20
# organisations, 5,000 plages, 220,000 rdvs, 120,000 usagers) on a throwaway
# cluster, then searches with varied motifs, dates and agents (the admin of
# every organisation, and basic agents): next availability (26 weeks) and
# one week of slots. Prints p50 and p95 beside the floor, the same statement
# with its rows fetched and nothing computed:
#
#   rdv slots (CLI)      the real binary, one process and one connection per
#                        search; its floor is a new connection + the
#                        statement (bench/slots_bench cold);
#   one connection       the data-access layer on a connection kept open, as
#                        the UI does (bench/slots_bench warm: statement,
#                        rows, parse and core); its floor is the statement
#                        alone on the same connection.
#
# Environment (from `make bench`): RDV, top_srcdir, top_builddir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
: "${RDV:=$top_builddir/rdv}"
BENCH=$top_builddir/bench/slots_bench
TODAY=2026-05-13
NOW=${TODAY}T10:00

# shellcheck source=../tests/lib/cluster.sh
. "$top_srcdir/tests/lib/cluster.sh"

cluster_start
T=$CLUSTER_DIR
t0=$(date +%s)
"$RDV" db seed scale --today "$TODAY" >"$T/seed.log" 2>&1 || {
	echo "rdv db seed scale a échoué : $(tail -3 "$T/seed.log")"; exit 1; }
# A production database is vacuumed by autovacuum; start from that state.
sql -c "VACUUM (ANALYZE)" >/dev/null
t1=$(date +%s)

# Login roles for the admin of every organisation (the seed gives logins to
# every 100th agent only, all of them in the first organisation).
sql >/dev/null <<'EOF'
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT ar.agent_id, ar.organisation_id FROM rdv.agent_roles ar
             JOIN rdv.agents a ON a.id = ar.agent_id
             WHERE ar.access_level = 'admin' AND a.db_role IS NULL
             ORDER BY ar.organisation_id LOOP
        EXECUTE format('CREATE ROLE %I LOGIN IN ROLE rdv_agent', 'bench_admin_' || r.organisation_id);
        UPDATE rdv.agents SET db_role = 'bench_admin_' || r.organisation_id WHERE id = r.agent_id;
    END LOOP;
END $$;
EOF

# The searches: per organisation, its admin on the two motifs with the most
# plages, at dates 0, 3, 9 and 17 weeks ahead (two of them per motif); and
# the seed's basic logins (all in the first organisation) on its motifs. One line per
# search: ROLE MOTIF FROM FROM+6.
sql -F ' ' >"$T/searches" <<EOF
WITH mp AS (
    SELECT m.organisation_id AS org, m.id AS motif, count(*) AS n,
           row_number() OVER (PARTITION BY m.organisation_id ORDER BY count(*) DESC, m.id) AS k
    FROM rdv.motifs m JOIN rdv.plage_motifs pm ON pm.motif_id = m.id
    GROUP BY m.organisation_id, m.id
), adm AS (
    SELECT ar.organisation_id AS org, a.db_role
    FROM rdv.agent_roles ar JOIN rdv.agents a ON a.id = ar.agent_id
    WHERE ar.access_level = 'admin' AND a.db_role IS NOT NULL
), basic AS (
    SELECT a.db_role, ar.organisation_id AS org, (row_number() OVER (ORDER BY a.id))::int AS b
    FROM rdv.agents a JOIN rdv.agent_roles ar ON ar.agent_id = a.id AND ar.access_level = 'basic'
    WHERE a.db_role LIKE 'scale\_agent\_%'
)
SELECT adm.db_role, mp.motif, date '$TODAY' + 7 * w.weeks, date '$TODAY' + 7 * w.weeks + 6
FROM mp JOIN adm ON adm.org = mp.org,
     LATERAL (VALUES (0), (3), (9), (17)) w(weeks)
WHERE mp.k <= 2 AND (w.weeks + mp.org + mp.k) % 2 = 0
UNION ALL
SELECT basic.db_role, mp.motif, date '$TODAY' + 7 * ((basic.b * 5) % 18),
       date '$TODAY' + 7 * ((basic.b * 5) % 18) + 6
FROM basic JOIN mp ON mp.org = basic.org AND mp.k <= 2
ORDER BY 1, 2, 3;
EOF
[ $? -eq 0 ] || exit 1
n=$(wc -l <"$T/searches")
[ "$n" -ge 50 ] || { echo "seulement $n recherches"; exit 1; }
awk -v now="$NOW" '{ print $1, $2, $3, "-", 1, now }' "$T/searches" >"$T/first.in"
awk -v now="$NOW" '{ print $1, $2, $3, $4, 0, now }' "$T/searches" >"$T/week.in"

# p50 and p95 (nearest rank) of column $2 of file $1.
pct() {
	awk -v c="$2" '$c != "-" { print $c }' "$1" | sort -n | awk '
		{ v[NR] = $1 }
		END { if (NR == 0) { print "- -"; exit }
		      i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
		      i95 = int(NR * 0.95); if (i95 < NR * 0.95) i95++
		      printf "%.1f %.1f\n", v[i50], v[i95] }'
}

# The real binary, one process per search; milliseconds on stdout.
run_cli() {
	while read -r role motif from to first now; do
		set -- --motif "$motif" --from "$from" --now "$now" --json --db "dbname=rdv user=$role"
		[ "$to" != - ] && set -- "$@" --to "$to"
		[ "$first" = 1 ] && set -- "$@" --first
		s=$(date +%s%N)
		"$RDV" slots "$@" >/dev/null || { echo "rdv slots $* a échoué" >&2; exit 1; }
		e=$(date +%s%N)
		echo "$(( (e - s) / 1000 ))" | awk '{ printf "%.3f\n", $1 / 1000 }'
	done
}

for kind in first week; do
	in=$T/$kind.in
	# Warm: one pass to open and warm every role's connection, then the
	# measured pass.
	cat "$in" "$in" | "$BENCH" warm "dbname=rdv" >"$T/$kind.warm.all" || exit 1
	tail -n "$n" "$T/$kind.warm.all" >"$T/$kind.warm"
	"$BENCH" cold "dbname=rdv" <"$in" >"$T/$kind.cold" || exit 1
	run_cli <"$in" >"$T/$kind.cli" || exit 1
done
t2=$(date +%s)

row() { # LABEL E2E_FILE E2E_COL FLOOR_FILE FLOOR_COL
	set -- "$1" $(pct "$2" "$3") $(pct "$4" "$5")
	ratio=$(awk -v a="$2" -v b="$4" 'BEGIN { printf "%.2f", a / b }')
	printf '| %-44s | %6s | %6s | %9s | %9s | %5s |\n' "$1" "$2" "$3" "$4" "$5" "$ratio"
}

echo "Slot search, scale seed (today $TODAY), $n searches per figure; times in ms"
echo "(seed + vacuum $((t1 - t0)) s, searches $((t2 - t1)) s)"
echo
printf '| %-44s | %6s | %6s | %9s | %9s | %5s |\n' figure p50 p95 "floor p50" "floor p95" ratio
echo '|----------------------------------------------|--------|--------|-----------|-----------|-------|'
row "next availability, one connection (UI)" "$T/first.warm" 1 "$T/first.warm" 2
row "next availability, rdv slots (CLI)" "$T/first.cli" 1 "$T/first.cold" 2
row "one week of slots, one connection (UI)" "$T/week.warm" 1 "$T/week.warm" 2
row "one week of slots, rdv slots (CLI)" "$T/week.cli" 1 "$T/week.cold" 2
echo
echo "ratio = p50 / floor p50. Floor: the same statement, rows fetched and dropped"
echo "(UI rows: on the same open connection; CLI rows: a new connection each time)."
awk '{ r += $4; s += $3 } END { printf "rows fetched per search: %.0f (next availability)", r / NR }' "$T/first.warm"
awk '{ r += $4; s += $3 } END { printf ", %.0f (one week, %.0f slots on average)\n", r / NR, s / NR }' "$T/week.warm"
