#!/bin/sh
# Indisponibilités from the week view (julien, demo of 2026-05-13, now
# Wednesday 13 May 10:00): an absence over rdvs lists exactly the rdvs it
# falls on, cancels none of them by itself, and lets the agent cancel them
# one by one; extending it lists the new ones; recurring absences; bad input
# kept as typed; deletion.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"

field() {
	tmux_keys C-a C-k
	tmux_text "$1"
}
# julien's rdvs of Tuesday 19 May: "HH:MM status" in time order.
tuesday() {
	sql -c "SELECT string_agg(to_char(starts_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') || ' ' || status, ', '
	                          ORDER BY starts_at)
	          FROM rdv.rdvs WHERE agent_ids @> '{3}'
	           AND (starts_at AT TIME ZONE 'Europe/Paris')::date = '2026-05-19'"
}

is "$(tuesday)" "10:30 unknown, 11:00 unknown, 11:30 unknown" "julien has three rdvs on Tuesday 19 May"

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "Semaine 20" 15
ok $? "the week of 13 May opens"
tmux_keys n
tmux_wait "Sébastien TRA" 5
ok $? "next week, with Tuesday's rdvs"
tmux_keys Left i
tmux_wait "Titre *" 5
ok $? "i opens a new indisponibilité"
screen=$(tmux_screen)
like "$screen" "Agent : Julien BERNARD" "for the cursor's agent"
like "$screen" "Du *          19/05/2026" "from the cursor's day"
like "$screen" "Début *       10:00" "and time"
like "$screen" "Au *          19/05/2026" "to the same day"
like "$screen" "Fin *         18:00" "until 18:00"
field "Formation"
tmux_keys Down Down Down Down
field "11:30"
tmux_keys Enter
tmux_wait "2 rendez-vous pendant cette indisponibilité." 5
ok $? "saved: the rdvs it falls on are listed"
screen=$(tmux_screen)
like "$screen" "Ils ne sont pas annulés automatiquement : annulez-les un par un." "and not cancelled automatically"
like "$screen" "mar. 19/05/2026 10:30 · Suivi social · Sébastien TRAORÉ" "the 10:30 rdv"
like "$screen" "mar. 19/05/2026 11:00 · Entretien téléphonique · Loïc FERRAND" "the 11:00 rdv"
unlike "$screen" "Karim BLANC" "not the 11:30 one, which starts when the absence ends"
like "$screen" "Indisponibilité enregistrée : 2 rendez-vous concernés." "the status line says so"
is "$(sql -c "SELECT title, first_day, start_time, end_day, end_time, coalesce(rrule, 'NULL') FROM rdv.absences WHERE agent_id = 3 AND title = 'Formation'")" \
	"Formation|2026-05-19|10:00:00|2026-05-19|11:30:00|NULL" "the absence is stored"
is "$(tuesday)" "10:30 unknown, 11:00 unknown, 11:30 unknown" "no rdv was cancelled"

tmux_keys Down Enter
tmux_wait "Annuler ce rendez-vous (par le service) ?" 5
ok $? "Entrée on the second rdv asks to cancel it"
tmux_keys Enter
tmux_wait "Rendez-vous annulé (par le service)." 5
ok $? "cancelled"
tmux_wait "1 rendez-vous pendant cette indisponibilité." 5
ok $? "the list now holds one rdv"
screen=$(tmux_screen)
like "$screen" "mar. 19/05/2026 10:30 · Suivi social · Sébastien TRAORÉ" "the 10:30 one"
unlike "$screen" "Loïc FERRAND" "not the cancelled one"
is "$(tuesday)" "10:30 unknown, 11:00 revoked, 11:30 unknown" "only the chosen rdv is cancelled (by the service)"
tmux_keys Escape
tmux_wait "│ Formation" 5
ok $? "Échap: back to the week, the absence drawn"

# Extending it: the rdvs it now meets are listed.
tmux_keys e
tmux_wait "Titre *       Formation" 5
ok $? "e on the absence opens it"
tmux_keys Down Down Down Down
field "12:00"
tmux_keys Enter
tmux_wait "2 rendez-vous pendant cette indisponibilité." 5
ok $? "extended to 12:00"
screen=$(tmux_screen)
like "$screen" "mar. 19/05/2026 10:30 · Suivi social · Sébastien TRAORÉ" "still the 10:30 rdv"
like "$screen" "mar. 19/05/2026 11:30 · Entretien téléphonique · Karim BLANC" "and now the 11:30 one"
is "$(sql -c "SELECT end_time FROM rdv.absences WHERE agent_id = 3 AND title = 'Formation'")" "12:00:00" "the new end is stored"
tmux_keys Escape
tmux_wait "│ Formation" 5

# Bad input: a multi-day absence cannot recur; the form keeps what was typed.
tmux_keys Right Right Right i
tmux_wait "Titre *" 5
like "$(tmux_screen)" "Du *          22/05/2026" "i on Friday 22 May"
field "Temps partiel"
tmux_keys Down Down
field "14:00"
tmux_keys Down
field "23/05/2026"
tmux_keys Down
field "15:00"
tmux_keys Down Right
tmux_keys Enter
tmux_wait "Répétition : une indisponibilité sur plusieurs jours ne peut pas se répéter" 5
ok $? "a multi-day absence cannot recur: French message"
screen=$(tmux_screen)
like "$screen" "Titre *       Temps partiel" "the title is kept"
like "$screen" "Au *          23/05/2026" "the end day is kept"
tmux_keys Up Up
field "22/05/2026"
tmux_wait "→ toutes les semaines le vendredi" 5
ok $? "a single day: the recurrence reads in French"
tmux_keys Enter
tmux_wait "Indisponibilité enregistrée." 5
ok $? "a weekly absence without rdvs is saved at once"
is "$(sql -c "SELECT first_day, start_time, end_day, end_time, rrule FROM rdv.absences WHERE agent_id = 3 AND title = 'Temps partiel'")" \
	"2026-05-22|14:00:00|2026-05-22|15:00:00|FREQ=WEEKLY;BYDAY=FR" "stored with its RRULE"
tmux_keys n
tmux_wait "│ Temps partiel" 5
ok $? "it repeats the next Friday"

# Deletion.
tmux_keys p Left Left Left
tmux_wait "│ Formation" 5
tmux_keys x
tmux_wait "Supprimer cette indisponibilité ?" 5
ok $? "x on the absence asks for confirmation"
like "$(tmux_screen)" "Formation · du 19/05/2026 10:00 au 19/05/2026 12:00" "naming it"
tmux_keys Enter
tmux_wait "Indisponibilité supprimée." 5
ok $? "deleted"
is "$(sql -c "SELECT count(*) FROM rdv.absences WHERE title = 'Formation'")" "0" "gone from the database"
is "$(tuesday)" "10:30 unknown, 11:00 revoked, 11:30 unknown" "the rdvs are left as they were"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
