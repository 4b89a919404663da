#!/bin/sh
# SPDX-License-Identifier: MIT
# Who sees which slots (tests/slots/fixture.sql): a basic agent's
# `rdv slots --motif` offers only the plages of her services (hers and her
# confrères'), the admin all of the organisation's; an rdv of an agent in
# another organisation, which the caller cannot read, still blocks the
# slot; rdv.slots_busy hands out nothing about agents the caller may not see.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

cluster_start
sql -f "$top_srcdir/tests/slots/fixture.sql" >/dev/null || { echo "Bail out! fixture"; exit 1; }

as_role() { # ROLE SQL
	psql -X -q -t -A -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -U "$1" -c "$2" 2>&1
}
search() { # ROLE [ARGS...]
	role=$1
	shift
	"$RDV" slots --motif 10 --from 2026-03-02 --to 2026-03-02 --now 2026-03-01T12:00 --json \
		--db "dbname=rdv user=$role" "$@" 2>&1
}
s() { # START AGENT PLAGE
	printf '{"starts_at": "2026-03-02T%s", "ends_at": "2026-03-02T%s", "agent": %s, "lieu": 100, "plage": %s}' \
		"$1" "$(echo "$1" | awk -F: '{ m = $1 * 60 + $2 + 30; printf "%02d:%02d", m / 60, m % 60 }')" "$2" "$3"
}

# The basic agent: her plage and her confrères' (agents 2 and 4), not the
# PMI agent's; agent 4's 09:00 is taken by his rdv in the other organisation.
is "$(search slots_basic)" \
	"{\"slots\": [$(s 09:00 2 1), $(s 09:30 2 1), $(s 09:30 4 3), $(s 14:00 1 4), $(s 14:30 1 4)]}" \
	"basic agent: plages of her services only; the other organisation's rdv blocks 09:00"
is "$(as_role slots_basic "SELECT count(*) FROM rdv.rdvs WHERE organisation_id = 2")" 0 \
	"basic agent: the blocking rdv is invisible to her"
is "$(as_role slots_basic "SELECT count(*) FROM rdv.plages_ouverture WHERE id = 2")" 0 \
	"basic agent: the PMI agent's plage is invisible to her"

# The admin: every plage of the organisation, in the spec's order (start,
# then the plage's created_at).
is "$(search slots_admin)" \
	"{\"slots\": [$(s 09:00 2 1), $(s 09:00 3 2), $(s 09:30 2 1), $(s 09:30 3 2), $(s 09:30 4 3), $(s 14:00 1 4), $(s 14:30 1 4)]}" \
	"admin: every plage of the organisation"

# Filters through the database: one agent, and the text form.
is "$(search slots_basic --agent 4)" "{\"slots\": [$(s 09:30 4 3)]}" "basic agent: --agent 4"
is "$(search slots_basic --agent 3)" '{"slots": []}' "basic agent: --agent 3 (not hers to see): nothing"
is "$(search slots_basic --lieu 200)" '{"slots": []}' "basic agent: another lieu: nothing"
is "$("$RDV" slots --motif 10 --from 2026-03-02 --to 2026-03-02 --now 2026-03-01T12:00 --first \
	--db "dbname=rdv user=slots_basic")" "$(printf '2026-03-02T09:00\t2026-03-02T09:30\t2\t100\t1')" \
	"basic agent: next availability, text"

# A motif of another organisation is unknown to her: bad input.
out=$("$RDV" slots --motif 20 --now 2026-03-01T12:00 --db "dbname=rdv user=slots_basic" 2>&1)
is "$?/$out" "2/rdv: --motif : motif 20 inconnu" "basic agent: another organisation's motif is unknown"

# rdv.slots_busy: times and short names only, for visible agents only.
is "$(as_role slots_basic "SELECT agent_id, kind, to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'),
		to_char(ends_at AT TIME ZONE 'Europe/Paris', 'HH24:MI'), name
	FROM rdv.slots_busy('{3,4}', '2026-03-02', '2026-03-02', 'Europe/Paris') ORDER BY 1, 2")" \
	"$(printf '4|agent|||P. MARTIN\n4|rdv|09:00|09:30|')" \
	"slots_busy: agent 3 (not visible to her) left out; agent 4's rdv as a time"
is "$(as_role slots_other "SELECT agent_id, kind FROM rdv.slots_busy('{1,2,4}', '2026-03-02', '2026-03-02',
		'Europe/Paris') ORDER BY 1, 2")" "$(printf '4|agent\n4|rdv')" \
	"slots_busy: an agent of the other organisation gets only the agents she may see"
is "$(as_role slots_basic "SELECT count(*) FROM rdv.slots_busy('{4}', '2026-03-03', '2026-03-08', 'Europe/Paris')
	WHERE kind = 'rdv'")" 0 "slots_busy: only the days asked"
is "$(as_role slots_basic "SELECT string_agg(a, ',' ORDER BY n) FROM unnest((SELECT proargnames FROM pg_proc
	WHERE proname = 'slots_busy')) WITH ORDINALITY t(a, n) WHERE n > 4")" \
	"agent_id,kind,starts_at,ends_at,first_day,start_time,end_day,end_time,rrule,name" \
	"slots_busy: no rdv id, title, motif or usager among its columns"
sql -c "CREATE ROLE slots_nobody LOGIN; GRANT USAGE ON SCHEMA rdv TO slots_nobody" >/dev/null
like "$(as_role slots_nobody "SELECT count(*) FROM rdv.slots_busy('{4}', '2026-03-02', '2026-03-02', 'Europe/Paris')")" \
	"42501" "slots_busy: not executable outside rdv_agent"

# A cancelled rdv frees the time again.
sql -c "UPDATE rdv.rdvs SET status = 'excused' WHERE id = 1" >/dev/null
is "$(search slots_basic --agent 4)" "{\"slots\": [$(s 09:00 4 3), $(s 09:30 4 3)]}" \
	"the other organisation's rdv, excused, frees 09:00"

done_testing
