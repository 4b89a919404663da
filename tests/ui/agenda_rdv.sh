#!/bin/sh
# Rdvs in the agenda: status (R-03), the list of rdvs to fill in, edit and
# move (time, then agent), and deletion: refused to a basic agent, done by
# an admin after confirmation.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
JULIEN=$(q "SELECT id FROM rdv.agents WHERE db_role = 'julien'")
CAMILLE=$(q "SELECT id FROM rdv.agents WHERE db_role = 'camille'")
# Julien's Tuesday 09:00 rdv (Jean-François Lefèvre), still "à renseigner".
RDV_ID=$(q "SELECT id FROM rdv.rdvs WHERE agent_ids = ARRAY[$JULIEN]
             AND starts_at = '2026-05-12 09:00'::timestamp AT TIME ZONE 'Europe/Paris'")
is "$(q "SELECT status FROM rdv.rdvs WHERE id = $RDV_ID")" "unknown" "Tuesday 09:00 is still unknown"
TO_FILL=$(q "SELECT count(*) FROM rdv.rdvs WHERE agent_ids @> ARRAY[$JULIEN] AND status = 'unknown'
              AND starts_at < '2026-05-13'::timestamp AT TIME ZONE 'Europe/Paris'")

tmux_start 120 40 "$RDV tui --db 'host=$PGHOST port=$PGPORT dbname=rdv user=julien' --now 2026-05-13T10:00"
tmux_wait "$TO_FILL rendez-vous à renseigner (u)" 15
ok $? "the status line counts $TO_FILL rdvs to fill in"

# Deletion is refused to a basic agent (cursor on Tuesday 09:00: up three 20-minute rows).
tmux_keys h k k k x
tmux_wait "Suppression réservée aux administrateurs." 5
ok $? "Julien (basic) is told only admins delete"
is "$(q "SELECT count(*) FROM rdv.rdvs WHERE id = $RDV_ID")" "1" "the rdv is still there"

# The list of rdvs to fill in: set the status of the Tuesday one from there.
tmux_keys u
tmux_wait "sans statut" 5
ok $? "u lists the rdvs to fill in"
row=$(tmux_screen | grep -n "mar. 12/05/2026 09:00" | cut -d: -f1)
first=$(tmux_screen | grep -n "^  [a-z]*\. [0-9][0-9]/" | head -1 | cut -d: -f1)
ok $([ -n "$row" ]; echo $?) "Tuesday 12/05 09:00 is in the list"
i=$first
while [ "$i" -lt "$row" ]; do tmux_keys Down; i=$((i + 1)); done
tmux_keys Enter
tmux_wait "Statut actuel : À renseigner" 5
ok $? "Entrée opens its status: à renseigner"
screen=$(tmux_screen)
like "$screen" "mardi 12/05/2026 à 09h00" "the status screen names the rdv"
like "$screen" "Absence non excusée" "a past rdv may be a no-show"
unlike "$screen" "Supprimer définitivement" "a basic agent is not offered deletion"
tmux_keys Enter
tmux_wait "Statut enregistré." 5
ok $? "the first choice, honoured, is recorded"
is "$(q "SELECT r.status || ' ' || string_agg(p.status::text, ',') FROM rdv.rdvs r
          JOIN rdv.participations p ON p.rdv_id = r.id WHERE r.id = $RDV_ID GROUP BY r.status")" \
	"seen seen" "the rdv and its participation are 'seen' (R-04)"
tmux_wait "$((TO_FILL - 1)) rendez-vous passé" 5
ok $? "the list follows: one fewer to fill in"
tmux_keys Escape
tmux_wait "$((TO_FILL - 1)) rendez-vous à renseigner (u)" 5
ok $? "and so does the status line"

# Edit: move Tuesday's rdv (20 minutes) to 11:30; the cursor is still on it.
is "$(q "SELECT (extract(epoch FROM ends_at - starts_at) / 60)::int FROM rdv.rdvs WHERE id = $RDV_ID")" \
	"20" "it lasts 20 minutes"
tmux_keys e
tmux_wait "Modifier le rendez-vous" 5
tmux_wait "Motif *" 5
like "$(tmux_screen)" "12/05/2026" "the form holds the rdv's date"
tmux_keys Down C-u
tmux_text "11:30"
tmux_keys Enter
tmux_wait "Le rendez-vous commence dans le passé." 5
ok $? "moving it to yesterday 11:30 warns it is in the past"
tmux_keys Enter
tmux_wait "Rendez-vous modifié." 5
ok $? "confirmed, the rdv is moved to 11:30"
is "$(q "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI')
               || '-' || to_char(ends_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM rdv.rdvs WHERE id = $RDV_ID")" \
	"11:30-11:50" "the database has it at 11:30-11:50, its duration kept"
tmux_wait "11:30 ✓ Jean-François" 5
ok $? "the agenda shows it at 11:30"

# Move it to another agent: Camille, through the Agent field.
tmux_keys j j j j j j j e
tmux_wait "Motif *" 5
tmux_keys Down Down Down Down d Enter
tmux_wait "Confirmer en ignorant les avertissements" 5
ok $? "moving it to Camille, outside her plages, is a warning"
tmux_keys Enter
tmux_wait "Rendez-vous modifié." 5
ok $? "confirmed"
is "$(q "SELECT agent_ids FROM rdv.rdvs WHERE id = $RDV_ID")" "{$CAMILLE}" "the rdv is now Camille's"
tmux_wait_gone "11:30 ✓ Jean-François" 5
ok $? "it leaves Julien's agenda"

tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"

# Camille (admin) deletes her now-own rdv after confirming.
TMUX_SESSION=admin
tmux_start 120 40 "$RDV tui --db 'host=$PGHOST port=$PGPORT dbname=rdv user=camille' --now 2026-05-13T10:00"
tmux_wait "● connecté" 15
tmux_keys h k k k j j j j j j j
tmux_wait "11:30 ✓ Jean-François" 5
ok $? "Camille sees the rdv at 11:30 on Tuesday"
tmux_keys Delete
tmux_wait "Supprimer définitivement ce rendez-vous ?" 5
ok $? "Suppr asks for confirmation"
tmux_keys Enter
tmux_wait "Rendez-vous supprimé." 5
ok $? "confirmed, it is deleted"
is "$(q "SELECT count(*) FROM rdv.rdvs WHERE id = $RDV_ID")" "0" "the database no longer has it"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
