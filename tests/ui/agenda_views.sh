#!/bin/sh
# Several agendas side by side, the day view, the count of past rdvs still
# to fill in, and one statement per week switch (counted by the server).
. "$top_srcdir/tests/lib/tap.sh"
CLUSTER_LOG_STATEMENT=all
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
LOG="$CLUSTER_DIR/server.log"

to_fill=$(psql -X -q -t -A "$CONN" -c "SELECT count(*) FROM rdv.rdvs
  WHERE agent_ids @> ARRAY[rdv.current_agent_id()] AND status = 'unknown'
    AND starts_at < '2026-05-13'::timestamp AT TIME ZONE 'Europe/Paris'")
tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "$to_fill rendez-vous à renseigner" 15
ok $? "the status line counts Julien's past rdvs still to fill in ($to_fill)"

# statements_since LINE — statements the server logged after line LINE of its log.
statements_since() {
	tail -n +"$(($1 + 1))" "$LOG" | grep -c -E 'LOG: +(execute|statement)'
}
# log_quiet — wait (5 s at most) until the server's log stops growing.
log_quiet() {
	tries=50 last=-1
	while [ "$tries" -gt 0 ]; do
		n=$(wc -l < "$LOG")
		[ "$n" = "$last" ] && return 0
		last=$n
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# One round of queries per week switch: count what the server executed.
tmux_wait "● connecté" 5
log_quiet
before=$(wc -l < "$LOG")
tmux_keys n
tmux_wait "Semaine 21" 5
ok $? "n shows week 21"
tmux_wait "● connecté" 5
# The week shown was read by a logged statement; wait for it, then for any other.
tries=50
while [ "$tries" -gt 0 ] && [ "$(statements_since "$before")" = 0 ]; do
	sleep 0.1
	tries=$((tries - 1))
done
log_quiet
executed=$(statements_since "$before")
is "$executed" "1" "switching week costs exactly one statement"
tmux_keys p
tmux_wait "Semaine 20" 5

tmux_keys v
tmux_wait "mercredi 13 mai 2026" 5
ok $? "v shows the day view of the cursor's day"
tmux_keys l
tmux_wait "jeudi 14 mai 2026" 5
ok $? "→ moves the day view to the next day"
# Week 20 is loaded again since p: the title shows before its items.
tmux_wait "✱ Ascension" 10
like "$(tmux_screen)" "✱ Ascension" "the day view shows the holiday"
tmux_keys h v
tmux_wait "Semaine 20" 5
ok $? "v goes back to the week view"

tmux_keys a
tmux_wait "Agendas affichés côte à côte" 5
ok $? "a opens the choice of agendas"
screen=$(tmux_screen)
like "$screen" "[x] BERNARD Julien" "Julien's own agenda is ticked"
like "$screen" "DUPONT Camille" "a confrère of his service is offered"
unlike "$screen" "HADDAD" "an agent of another service is not offered to a basic agent"
# Tick Camille: she is listed before Julien (by name), the cursor starts on the first row.
row=$(printf '%s\n' "$screen" | grep -n "DUPONT Camille" | cut -d: -f1)
first=$(printf '%s\n' "$screen" | grep -n "^ *\[.\] " | head -1 | cut -d: -f1)
i=$first
while [ "$i" -lt "$row" ]; do tmux_keys Down; i=$((i + 1)); done
tmux_keys Space Enter
tmux_wait "Agendas de 2 agents" 5
ok $? "two agendas are shown side by side"
screen=$(tmux_screen)
like "$screen" "J. BERNARD" "Julien's column is named"
like "$screen" "C. DUPONT" "Camille's column is named"

# Léa's agenda alone: her rdvs at the CCAS, an organisation Julien does not
# belong to, show as busy times without details.
hidden=$(psql -X -q -t -A -c "SELECT count(*) FROM rdv.rdvs r JOIN rdv.agents a ON r.agent_ids @> ARRAY[a.id]
  WHERE a.db_role = 'lea' AND r.status IN ('unknown', 'seen', 'noshow')
    AND r.organisation_id <> (SELECT id FROM rdv.organisations WHERE name = 'MDS Valence')
    AND r.starts_at >= '2026-05-11'::timestamp AT TIME ZONE 'Europe/Paris'
    AND r.starts_at < '2026-05-18'::timestamp AT TIME ZONE 'Europe/Paris'")
ok $([ "$hidden" -gt 0 ]; echo $?) "Léa has $hidden rdvs this week in another organisation"
readable=$(psql -X -q -t -A "$CONN" -c "SELECT count(*) FROM rdv.rdvs r
  WHERE r.organisation_id <> (SELECT id FROM rdv.organisations WHERE name = 'MDS Valence')")
is "$readable" "0" "Julien cannot read any rdv of that organisation"
tmux_keys a
tmux_wait "Agendas affichés côte à côte" 5
tmux_keys Space Down Space Down Space Enter
tmux_wait "Agenda de L. ROUSSEAU" 5
ok $? "Léa's agenda alone"
tmux_wait "occupé" 5
ok $? "her other organisation's rdvs show as busy"
is "$(tmux_screen | grep -o '[0-9][0-9]:[0-9][0-9] occupé' | wc -l | tr -d ' ')" "$hidden" \
	"one busy block per rdv Julien cannot read"
colours=$(tmux_screen_colours | grep "occupé" | head -1)
# agenda.other: #808080 on #eeeeee -> 244 on 255
like "$colours" "48;5;255" "drawn greyed (agenda.other)"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
