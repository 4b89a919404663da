#!/bin/sh
# SPDX-License-Identifier: MIT
# The database path gives the scenario path's answer: every scenario of
# tests/unit/scenarios is loaded through the schema into a fresh database
# (tests/slots/load_scenario.py) and `rdv slots --motif …` run as the
# organisation's admin must print exactly the expected output file, byte
# for byte. Scenario data the parser refuses and the schema can hold is
# refused by the schema too.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

dir=$top_srcdir/tests/unit/scenarios
loader=$top_srcdir/tests/slots/load_scenario.py
cluster_start
T=$CLUSTER_DIR
sql -c "CREATE ROLE scenario_admin LOGIN IN ROLE rdv_agent" >/dev/null

# load NAME SCENARIO: a fresh database "sc_NAME" (a copy of the migrated
# one) holding the scenario; its search arguments in $T/NAME.args.
load() {
	createdb -T rdv "sc_$1" &&
		/usr/bin/python3 "$loader" "$2" scenario_admin "$T/$1.sql" "$T/$1.args" &&
		sql -d "sc_$1" -f "$T/$1.sql" >"$T/$1.log" 2>&1
}

for scenario in "$dir"/ex*.json "$dir"/nolieu.json; do
	name=$(basename "${scenario%.json}")
	if [ -f "$dir/$name.first.out" ]; then
		want=$dir/$name.first.out
		mode="--first --json"
	elif [ -f "$dir/$name.out" ]; then
		want=$dir/$name.out
		mode=--json
	else
		want=$dir/$name.txt
		mode=
	fi
	load "$name" "$scenario"
	ok $? "$name: loaded through the schema"
	# shellcheck disable=SC2046,SC2086 # one argument per line, no spaces
	"$RDV" slots $(cat "$T/$name.args") $mode --db "dbname=sc_$name user=scenario_admin" \
		>"$T/$name.out" 2>"$T/$name.err"
	is "$?" 0 "$name: rdv slots --motif exits 0"
	if cmp -s "$T/$name.out" "$want"; then
		ok 0 "$name: rdv slots $(tr '\n' ' ' <"$T/$name.args")$mode gives $(basename "$want")"
	else
		ok 1 "$name: rdv slots $(tr '\n' ' ' <"$T/$name.args")$mode gives $(basename "$want")"
		diff "$want" "$T/$name.out" | sed 's/^/#   /' | head -20
		sed 's/^/#   stderr: /' "$T/$name.err"
	fi
	is "$(cat "$T/$name.err")" "" "$name: nothing on stderr"
done

# The text form and --first through the database (ex1: its first slot).
"$RDV" slots $(cat "$T/ex1.args") --first --db "dbname=sc_ex1 user=scenario_admin" >"$T/ex1.first"
is "$(cat "$T/ex1.first")" "$(printf '2026-03-02T08:05\t2026-03-02T08:50\t3\t10\t1')" \
	"ex1: text --first through the database"

# Data the scenario parser refuses and the schema can hold: refused too.
load bad "$dir/bad-end-before-start.json"
is "$?" 3 "bad-end-before-start: the schema refuses the data (psql exit 3)"
like "$(cat "$T/bad.log")" 'violates check constraint "absences_check"' \
	"bad-end-before-start: by the absences' end-after-start check"

# An unknown motif is bad input: one line, exit 2.
"$RDV" slots --motif 999 --now 2026-03-02T08:00 --db "dbname=sc_ex1 user=scenario_admin" \
	>"$T/unknown.out" 2>"$T/unknown.err"
is "$?" 2 "unknown motif: exit 2"
is "$(cat "$T/unknown.err")" "rdv: --motif : motif 999 inconnu" "unknown motif: one line naming it"

# Without --now and --from, "now" is the database's clock in the territory
# and "from" its date: with a plage open all day every day, the first slot
# is the first 5-minute step from midnight at or after that clock.
sql -d sc_ex1 >/dev/null <<'EOF'
INSERT INTO rdv.plages_ouverture (id, organisation_id, agent_id, title, first_day, start_time,
                                  end_time, rrule)
VALUES (50, 1, 3, 'Toute la journée', '2026-01-05', '00:00', '24:00',
        'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU');
INSERT INTO rdv.plage_motifs VALUES (50, 7);
EOF
t0=$(sql -d sc_ex1 -c "SELECT to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI')")
first=$("$RDV" slots --motif 7 --first --db "dbname=sc_ex1 user=scenario_admin")
t1=$(sql -d sc_ex1 -c "SELECT to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI')")
start=$(printf '%s' "$first" | cut -f1 | tr T ' ')
is "$(sql -d sc_ex1 -c "SELECT '$start'::timestamp >= '$t0'::timestamp
	AND '$start'::timestamp < '$t1'::timestamp + interval '6 minutes'
	AND extract(minute FROM '$start'::timestamp)::int % 5 = 0")" t \
	"no --now: the first slot is the database's clock rounded up to 5 minutes ($start; $t0 .. $t1)"

done_testing
