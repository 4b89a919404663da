#!/bin/sh
# SPDX-License-Identifier: MIT
# Booking through rdv.rdv_book (tests/slots/fixture.sql): the rdv, its
# agents, its participations and the family's profiles in one statement;
# the caller's rights decide; a slot already taken is SQLSTATE 23P01; and
# 20 desks booking one slot at the same moment from 20 connections end
# with exactly one rdv and 19 "Ce créneau vient d'être pris".
# Environment (from the harness): RDV, top_srcdir, top_builddir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

cluster_start
T=$CLUSTER_DIR
sql -f "$top_srcdir/tests/slots/fixture.sql" >/dev/null || { echo "Bail out! fixture"; exit 1; }

as_role() { # ROLE SQL
	psql -X -q -t -A -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -U "$1" -c "$2" 2>&1
}
book() { # ROLE ARGS (SQL)
	as_role "$1" "SELECT rdv.rdv_book($2)"
}

# Julie (basic) books Marc's 09:30 for Léa.
id=$(book slots_basic "10, 100, '2026-03-02 09:30', 30, '{2}', '{1}'")
is "$id" 101 "rdv_book returns the new rdv's id"
is "$(sql -c "SELECT organisation_id, motif_id, lieu_id,
		to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),
		to_char(ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), status, created_by,
		created_by_agent_id, agent_ids, users_count, overlap_acknowledged, context IS NULL
	FROM rdv.rdvs WHERE id = 101")" \
	"1|10|100|2026-03-02 08:30|2026-03-02 09:00|unknown|agent|1|{2}|1|f|t" \
	"the rdv: motif's organisation, local 09:30 stored as 08:30 UTC, author the caller"
is "$(sql -c "SELECT string_agg(rdv_id || ':' || agent_id, ' ') FROM rdv.rdv_agents WHERE rdv_id = 101")" \
	"101:2" "its agent"
is "$(sql -c "SELECT string_agg(rdv_id || ':' || usager_id || ':' || status, ' ') FROM rdv.participations
	WHERE rdv_id = 101")" "101:1:unknown" "its participation"

# R-32: the participants' families join the organisation.
profiles() {
	sql -c "SELECT string_agg(usager_id::text, ',' ORDER BY usager_id) FROM rdv.usager_profiles
		WHERE organisation_id = 1"
}
is "$(profiles)" "1,2,5" "R-32: Léa's child Zoé now belongs to MDS Grenoble"
book slots_basic "10, 100, '2026-03-02 14:00', 30, '{1}', '{5}'" >/dev/null
is "$(profiles)" "1,2,4,5,6" "R-32: booking Inès adds her responsible Karim and her brother Adam, not Lucie"

# The slot is gone from the search.
is "$("$RDV" slots --motif 10 --from 2026-03-02 --to 2026-03-02 --now 2026-03-01T12:00 --agent 2 --json \
	--db "dbname=rdv user=slots_basic")" \
	'{"slots": [{"starts_at": "2026-03-02T09:00", "ends_at": "2026-03-02T09:30", "agent": 2, "lieu": 100, "plage": 1}]}' \
	"the booked 09:30 is no longer offered"

# Taken, overlapping, acknowledged (a refused insert still uses up its id).
is "$(book slots_admin "10, 100, '2026-03-02 09:30', 30, '{2}', '{1}'")" "ERROR:  23P01" \
	"the same slot again: 23P01"
is "$(book slots_admin "10, 100, '2026-03-02 09:45', 30, '{2}', '{1}'")" "ERROR:  23P01" \
	"an overlapping slot: 23P01"
is "$(book slots_admin "10, 100, '2026-03-02 09:45', 30, '{2}', '{1}', true")" 105 \
	"an overlapping slot with the overlap acknowledged: booked"
is "$(book slots_admin "10, 100, '2026-03-02 10:00', 30, '{2}', '{1}'")" 106 \
	"back to back with the last one: booked"
is "$(sql -c "SELECT count(*) FROM rdv.rdvs")" 5 "no rdv left behind by the failures"

# Rights and arguments.
is "$(book slots_basic "20, 200, '2026-03-03 09:00', 30, '{6}', '{7}'")" "ERROR:  42501" \
	"a motif of another organisation: 42501"
is "$(book slots_basic "10, 100, '2026-03-03 09:00', 30, '{}', '{1}'")" "ERROR:  22023" \
	"no agent: 22023"
is "$(book slots_basic "10, 100, '2026-03-03 09:00', 30, '{2}', '{}'")" "ERROR:  22023" \
	"no usager for an individual motif: 22023"
is "$(book slots_basic "10, 200, '2026-03-03 09:00', 30, '{2}', '{1}'")" "ERROR:  22023" \
	"a lieu of another organisation: 22023"
is "$(book slots_basic "10, 100, '2026-03-03 09:00', 0, '{2}', '{1}'")" "ERROR:  22023" \
	"a zero duration: 22023"
is "$(book slots_basic "10, 100, '2026-03-03 09:00', 30, '{6}', '{1}'")" "ERROR:  42501" \
	"an agent she cannot see: 42501"
is "$(sql -c "SELECT count(*) FROM rdv.rdvs")" 5 "refused bookings leave nothing"

# 20 desks, 20 connections, one slot (Julie's 14:30), all at once; half of
# them through db_book(), half through db_send_book().
"$top_builddir/tests/slots/book_race" 20 "dbname=rdv user=slots_admin" 10 100 2026-03-02T14:30 30 1 7 \
	>"$T/race" 2>&1
is "$?" 0 "book_race: 20 desks ran"
is "$(grep -c '^ok ' "$T/race")" 1 "exactly one desk booked the slot"
is "$(grep -c "^err 23P01 Ce créneau vient d'être pris" "$T/race")" 19 \
	"the 19 others got 23P01, worded « Ce créneau vient d'être pris »"
grep -v -e '^ok ' -e '^err 23P01' "$T/race" | sed 's/^/#   /'
is "$(sql -c "SELECT count(*) FROM rdv.rdvs r JOIN rdv.rdv_agents ra ON ra.rdv_id = r.id
	WHERE ra.agent_id = 1 AND r.starts_at < '2026-03-02 15:00 Europe/Paris'
	  AND r.ends_at > '2026-03-02 14:30 Europe/Paris'")" 1 \
	"the database holds exactly one rdv at that time"
is "$(sql -c "SELECT count(*) FROM rdv.rdvs WHERE starts_at = '2026-03-02 14:30 Europe/Paris'")" 1 \
	"and no half-done booking"

done_testing
