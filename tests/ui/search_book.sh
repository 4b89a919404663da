#!/bin/sh
# "Trouver un RDV": slots grouped by lieu (the lieu with the earliest
# availability first), booking a slot for a usager found with a typo-free
# accentless search, the next availability of an empty week, and a slot
# taken by another desk between choosing and confirming.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
id_of() { q "SELECT id FROM rdv.agents WHERE db_role = '$1'"; }
JULIEN=$(id_of julien) LEA=$(id_of lea)

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T08:00"
tmux_wait "Agenda de Julien BERNARD" 15
tmux_keys F3
tmux_wait "À partir du" 5
ok $? "F3 opens Trouver un RDV"
tmux_keys S Enter
tmux_wait "Suivi social · du mer. 13/05 au mar. 19/05/2026" 10
ok $? "Suivi social from today: seven days of slots"
screen=$(tmux_screen)
fb=$(printf '%s\n' "$screen" | grep -n "Antenne de Fontbarlettes —" | cut -d: -f1)
mc=$(printf '%s\n' "$screen" | grep -n "MDS Valence Centre —" | cut -d: -f1)
ok $([ -n "$fb" ] && [ -n "$mc" ] && [ "$fb" -lt "$mc" ]; echo $?) \
	"the lieu with the earliest availability (Fontbarlettes, 10:45) comes first"
like "$screen" "Antenne de Fontbarlettes — 3 rue Pierre Corneille, 26000 Valence · prochaine disponibilité le mer. 13/05 à 10h45" \
	"each lieu says its address and next availability"
like "$screen" "10:45 L. ROUSSEAU" "Léa's slot at Fontbarlettes"
like "$screen" "13:30 J. BERNARD" "Julien's slot at the centre"

tmux_keys Enter
tmux_wait "Réserver ce créneau" 5
ok $? "Entrée on the first slot opens the booking"
like "$(tmux_screen)" "mercredi 13 mai 2026 à 10h45 · 30 min · Suivi social · avec L. ROUSSEAU" \
	"the booking names the slot"
tmux_text "elodie bez"
tmux_wait "Élodie BÉZIER" 5
ok $? "typing without accents finds Élodie BÉZIER"
tmux_keys Enter
tmux_wait "Rendez-vous pour Élodie BÉZIER." 5
ok $? "Entrée picks her"
tmux_keys Enter
tmux_wait "RDV enregistré : mer. 13/05 10h45, L. ROUSSEAU, Élodie BÉZIER." 5
ok $? "the booking is confirmed in the status line"
is "$(q "SELECT count(*) FROM rdv.rdvs r JOIN rdv.participations p ON p.rdv_id = r.id
          JOIN rdv.usagers u ON u.id = p.usager_id
         WHERE r.agent_ids = ARRAY[$LEA] AND u.first_name = 'Élodie' AND u.last_name = 'Bézier'
           AND r.starts_at = '2026-05-13 10:45'::timestamp AT TIME ZONE 'Europe/Paris'
           AND r.ends_at = '2026-05-13 11:15'::timestamp AT TIME ZONE 'Europe/Paris'
           AND r.created_by_agent_id = $JULIEN")" "1" \
	"the database holds the rdv: Léa, 10:45–11:15, Élodie Bézier, booked by Julien"
tmux_wait_gone "10:45 L. ROUSSEAU" 5
ok $? "the booked slot leaves the results"

# Another desk takes 13:30 between choosing and confirming.
tmux_wait "13:30 J. BERNARD" 5
tmux_keys Enter
tmux_wait "mercredi 13 mai 2026 à 13h30" 5
ok $? "the 13:30 slot is chosen"
tmux_text "rené perrin"
tmux_wait "René PERRIN" 5
tmux_keys Enter
tmux_wait "Rendez-vous pour René PERRIN." 5
MOTIF=$(q "SELECT id FROM rdv.motifs WHERE name = 'Suivi social'")
LIEU=$(q "SELECT id FROM rdv.lieux WHERE name = 'MDS Valence Centre'")
OTHER=$(q "SELECT id FROM rdv.usagers WHERE last_name = 'Roux' ORDER BY id LIMIT 1")
psql -X -q -t -A "host=$PGHOST port=$PGPORT dbname=rdv user=camille" -c \
	"SELECT rdv.rdv_book($MOTIF, $LIEU, '2026-05-13 13:30', 30, ARRAY[$JULIEN], ARRAY[$OTHER])" >/dev/null
ok $? "meanwhile Camille books Julien at 13:30 from her desk"
tmux_keys Enter
tmux_wait "Ce créneau vient d'être pris" 5
ok $? "confirming says the slot has just been taken"
tmux_wait_gone "13:30 J. BERNARD" 5
ok $? "and the refreshed results no longer offer it"
is "$(q "SELECT count(*) FROM rdv.rdv_agents WHERE agent_id = $JULIEN AND active
          AND during && tstzrange('2026-05-13 13:30+02', '2026-05-13 14:00+02')")" "1" \
	"Julien has exactly one rdv at 13:30: no double booking"

# An empty week offers the next availability.
tmux_keys Escape
tmux_wait "À partir du" 5
tmux_keys Down Right Right Right Down Down C-u
tmux_text "01/06/2026"
tmux_keys Enter
tmux_wait "Aucune disponibilité du 01/06 au 07/06/2026." 10
ok $? "Léa is on leave the week of 1 June: no slot"
tmux_wait "Prochaine disponibilité le mercredi 10 juin 2026 à 09h00 — touche d pour y aller." 5
ok $? "the next availability is offered"
tmux_keys d
tmux_wait "du mer. 10/06 au mar. 16/06/2026" 10
ok $? "d jumps to it"
like "$(tmux_screen)" "09:00 L. ROUSSEAU" "and shows the slot"
tmux_keys q
tmux_keys F2
tmux_wait "Semaine 20" 5
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
