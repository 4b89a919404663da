#!/bin/sh
# Screen readers and braille displays follow the terminal cursor (issue 16):
# on every screen the cursor rests on the focused element, and the focus
# line (the status line, after a key) says in words what is there. The text
# drawn at the cursor must be what the focus line names.
. "$top_srcdir/tests/lib/tap.sh"
command -v tmux >/dev/null 2>&1 || { echo "1..0 # SKIP tmux not found"; exit 77; }
command -v perl >/dev/null 2>&1 || { echo "1..0 # SKIP perl not found"; exit 77; }
[ -x "$PG_BINDIR/initdb" ] || { echo "1..0 # SKIP PostgreSQL not found"; exit 77; }
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"

# "x y" of the terminal cursor.
cursor() { tmux -S "$TMUX_SOCK" display -p -t "${TMUX_SESSION:-ui}" '#{cursor_x} #{cursor_y}'; }
# Row y of the screen (0-based).
screen_row() { tmux_screen | sed -n "$(($1 + 1))p"; }
# The text from the cursor to the end of its row (characters, not bytes).
at_cursor() {
	set -- $(cursor)
	screen_row "$2" | X="$1" perl -CSD -ne 'print substr($_, $ENV{X})' | sed 's/ *$//'
}
status_line() { tmux_screen | tail -n 1; }
# status_wait TEXT — wait for TEXT on the status line (the focus line).
status_wait() {
	tries=100
	while [ "$tries" -gt 0 ]; do
		status_line | grep -qF -- "$1" && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	return 1
}
# starts_with TEXT PREFIX DESCRIPTION
starts_with() {
	case "$1" in
	"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; printf '#   got:  %s\n#   want: %s…\n' "$1" "$2" ;;
	esac
}

# ------------------------------------------------------------------ agenda
tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "Agenda de Julien BERNARD" 15
tmux_wait "● connecté" 10
tmux_wait "MDS Valence Centre" 10
set -- $(cursor)
starts_with "$(screen_row "$2")" "10:00" "agenda: the cursor starts on the 10:00 row (the focused cell's row)"
head=$(screen_row 1 | X="$1" perl -CSD -ne 'print substr($_, $ENV{X}, 21)')
like "$head" "mer. 13/05" "agenda: … in today's column (the day header above the cursor is mer. 13/05)"

tmux_keys h h
status_wait "lundi 11 mai, 10:00, Jean-François ROUX, Entretien téléphonique, honoré, 10:00–10:20"
ok $? "agenda ←: the focus line says the rdv under the cursor in words (day, time, usager, motif, status)"
starts_with "$(at_cursor)" "10:00 ✓ Jean-François" "agenda: the cursor sits at the start of that rdv's text"

tmux_keys k
status_wait "lundi 11 mai, 09:40, René PERRIN, Entretien téléphonique, à renseigner"
ok $? "agenda ↑: an rdv's second row is described as that rdv"
starts_with "$(at_cursor)" "Entretien" "agenda: the cursor sits on the motif shown on that row"
tmux_keys k
status_wait "lundi 11 mai, 09:20, René PERRIN"
ok $? "agenda ↑: the row where the rdv starts"
starts_with "$(at_cursor)" "09:30 ? René PERRIN" "agenda: the cursor sits on the rdv's time, glyph and name"

tmux_keys l
status_wait "mardi 12 mai, 09:20, plage d'ouverture MDS Valence Centre, 09:00–12:00"
ok $? "agenda →: a plage is named as a plage d'ouverture with its lieu and hours"
starts_with "$(at_cursor)" "MDS Valence Centre" "agenda: the cursor sits on the plage's label"

tmux_keys l l
status_wait "jeudi 14 mai, 09:20, jour férié Ascension"
ok $? "agenda: a public holiday is said in words"
set -- $(cursor)
head=$(screen_row 1 | X="$1" perl -CSD -ne 'print substr($_, $ENV{X}, 21)')
like "$head" "jeu. 14/05" "agenda: the cursor is in Thursday's column"

tmux_keys n
tmux_wait "Semaine 21" 5
tmux_keys h h h
status_wait "lundi 18 mai, 09:20, plage d'ouverture MDS Valence Centre, 09:00–12:00"
ok $? "agenda: a cell inside a plage, below its label, names the plage"
# Down to 10:00, whatever the rows' step this week.
i=0
while [ $i -lt 8 ] && ! status_line | grep -qF "lundi 18 mai, 10:00"; do
	before=$(status_line)
	tmux_keys j
	tries=100
	while [ "$tries" -gt 0 ] && [ "$(status_line)" = "$before" ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	i=$((i + 1))
done
status_wait "lundi 18 mai, 10:00, indisponibilité Rendez-vous médical, 10:00–12:00"
ok $? "agenda ↓: an indisponibilité is named with its title and hours"
starts_with "$(at_cursor)" "Rendez-vous médical" "agenda: the cursor sits on the indisponibilité's label"

# A message stays until the next key, whatever is redrawn meanwhile.
tmux_keys v
status_wait "Vue jour."
ok $? "v: the message is on the status line"
psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO rdv.absences (agent_id, title, first_day, start_time, end_day, end_time)
  SELECT id, 'Formation CAF', '2026-05-18', '16:00', '2026-05-18', '17:00' FROM rdv.agents WHERE db_role = 'julien'" ||
	echo "Bail out! insert failed"
tmux_wait "Formation CAF" 10
ok $? "another desk's change is drawn (the agenda reloaded)"
like "$(status_line)" "Vue jour." "the message is still there after the redraw: it waits for the next key"
tmux_keys v
tmux_wait "Semaine 21" 5

# A menu: the rdv's status choices.
tmux_keys t
tmux_wait "Semaine 20" 5
tmux_keys h h
status_wait "lundi 11 mai, 10:00, Jean-François ROUX"
tmux_keys Enter
tmux_wait "Statut du rendez-vous" 5
# The title shows before the rdv and its choices have loaded.
tmux_wait "Statut actuel" 10
starts_with "$(at_cursor)" "Réinitialiser le statut" "menu: the cursor sits on the selected choice"
tmux_keys Escape
tmux_wait "Semaine 20" 5

# A list described as drawn: the rdvs to fill in.
tmux_keys u
tmux_wait "Rendez-vous à renseigner" 5
# The title shows while the list loads (↓ would move in an empty list).
tmux_wait "sans statut" 10
tmux_keys j
status_wait "jeu. 30/04/2026 15:30 Camille REYNAUD · Suivi social"
ok $? "to fill in ↓: the selected row is read (as drawn, blanks collapsed)"
starts_with "$(at_cursor)" "jeu. 30/04/2026 15:30  Camille REYNAUD" "to fill in: the cursor sits on that row"
tmux_keys Escape
tmux_wait "Semaine 20" 5

# A checklist: the agendas shown side by side.
tmux_keys a
tmux_wait "Agendas affichés côte à côte" 5
tmux_keys j
status_wait "DUPONT Camille, non coché, 2 sur"
ok $? "agents ↓: the row in words, ticked or not"
starts_with "$(at_cursor)" "[ ] DUPONT Camille" "agents: the cursor sits on that row"
tmux_keys Space
status_wait "DUPONT Camille, coché, 2 sur"
ok $? "agents: Espace ticks it, and the focus line says so"
tmux_keys Escape
tmux_wait "Semaine 20" 5

# A form with choices: Mon compte's preferences.
tmux_keys 6
tmux_wait "Mon compte" 5
# The title shows while the preferences load (e does nothing until then).
tmux_wait "Notifications des RDV" 10
tmux_keys e
status_wait "Notifications des RDV : "
ok $? "preferences: the focused choice field is named with its value"
set -- $(cursor)
like "$(screen_row "$2")" "Notifications des RDV" "preferences: the cursor is on that field's row"
starts_with "$(at_cursor)" "‹ " "preferences: … at the start of its value"
tmux_keys Down
status_wait "Plages d'ouverture : À chaque modification, choix 1 sur 2"
ok $? "preferences ↓: the next field"
set -- $(cursor)
like "$(screen_row "$2")" "Plages d'ouverture" "preferences ↓: the cursor moved to it"
tmux_keys Escape
tmux_keys 2
tmux_wait "Semaine 20" 5

# ----------------------------------------------------------- Trouver un RDV
tmux_keys 3
tmux_wait "À partir du" 5
set -- $(cursor)
like "$(screen_row "$2")" "Motif *" "search form: the cursor is on the Motif field's row"
tmux_keys S Enter
tmux_wait "Suivi social · du mer. 13/05" 10
status_wait "mercredi 13 mai, 10:45–11:15, L. ROUSSEAU, Antenne de Fontbarlettes, créneau 1 sur"
ok $? "results: the focus line says the first slot in words (day, hours, agent, lieu, rank)"
starts_with "$(at_cursor)" "10:45 L. ROUSSEAU" "results: the cursor sits on that slot"
tmux_keys Right
status_wait "mercredi 13 mai, 13:30–14:00, J. BERNARD, MDS Valence Centre, créneau 2 sur"
ok $? "results →: the next slot, in another lieu"
starts_with "$(at_cursor)" "13:30 J. BERNARD" "results: the cursor moved to it"
tmux_keys Right
status_wait "mercredi 13 mai, 16:15–16:45, J. BERNARD, MDS Valence Centre, créneau 3 sur"
starts_with "$(at_cursor)" "16:15 J. BERNARD" "results →: a slot further on the same line"
tmux_keys Down
status_wait "lundi 18 mai, 09:00–09:30, J. BERNARD"
ok $? "results ↓: the next line's first slot"
starts_with "$(at_cursor)" "09:00 J. BERNARD" "results ↓: the cursor is on it"

# ------------------------------------------------------------ Liste des RDV
tmux_keys 5
tmux_wait "Liste des RDV ·" 10
tmux_wait "Rendez-vous à venir" 10
set -- $(cursor)
is "$1 $2" "0 3" "Liste des RDV: the cursor is on the first row"
tmux_keys Down
status_wait "mardi 16 juin 2026, 14:45, Loic Le Goff, Premier accueil social, rendez-vous à venir"
ok $? "Liste des RDV ↓: the row in words (date, time, usager, motif, status, agent)"
set -- $(cursor)
is "$1 $2" "0 4" "Liste des RDV ↓: the cursor moved to the second row"
row=$(screen_row 4)
like "$row" "16/06/2026 14h45" "… which is the row the focus line names (date)"
like "$row" "Loic Le Goff" "… (usager)"

# ---------------------------------------------------------------- Usagers
tmux_keys 4
tmux_wait "Rechercher" 5
tmux_text "dupont"
status_wait "Jean-Pierre DUPONT, né(e) le 12/04/1968, jp.dupont@example.com, 06 11 22 33 44, Valence, 1 sur 4"
ok $? "usagers: the selected hit in words, uncut"
set -- $(cursor)
like "$(screen_row "$2")" "Rechercher" "usagers: while typing, the cursor stays in the search field"
tmux_keys Down
status_wait "jeanpierre.dupont26@example.org"
ok $? "usagers ↓: the next hit is named"

# ------------------------------------------------------------------ merge
tmux_keys F10
tmux_wait "Fusionner deux usagers" 5
tmux_text "dupont"
status_wait "Jean-Pierre DUPONT, né(e) le 12/04/1968, jp.dupont@example.com"
tmux_keys Enter
tmux_wait "Fiche conservée" 10
status_wait "E-mail : différent, A : jeanpierre.dupont26@example.org (conservé), B : jp.dupont@example.com (écarté)"
ok $? "merge: the focused row says both values and which is kept, in words"
starts_with "$(at_cursor)" "E-mail" "merge: the cursor sits on that row's label"
tmux_keys Down
status_wait "Prénom : identique, Jean-Pierre"
ok $? "merge ↓: an identical row is said identical"
starts_with "$(at_cursor)" "Prénom" "merge ↓: the cursor moved to it"
tmux_keys Escape

# ------------------------------------------------------------------- help
tmux_wait_gone "Fusionner deux usagers" 5
tmux_keys F1
tmux_wait "Aide · touches" 5
tmux_keys j
status_wait "?/F1 : Aide : liste des touches"
ok $? "help ↓: the line at the reading position is read"
starts_with "$(at_cursor)" "?/F1" "help: the cursor sits on that line"
tmux_keys j
status_wait "q : Quitter"
starts_with "$(at_cursor)" "q " "help ↓: the cursor follows the reading position"
tmux_keys Escape q

# ------------------------------------------ the linear reading mode (config)
mkdir -p "$TMUX_DIR/cfg/rdv"
echo "accessible = true" > "$TMUX_DIR/cfg/rdv/config"
TMUX_SESSION=config
tmux_start 80 24 "XDG_CONFIG_HOME=$TMUX_DIR/cfg TERM=vt100 $RDV tui --db '$CONN' --now 2026-05-13T10:00 --theme monochrome"
tmux_wait "Agenda de J. BERNARD, mercredi 13 mai 2026" 15
ok $? "accessible = true: the agenda is the day as a list, titled with the agent and the day"
tmux_wait "14:00 Élodie ALLÈGRE" 10
screen=$(tmux_screen)
printf '%s\n' "$screen" | perl -CSD -ne 'exit 1 if /[\x{2500}-\x{259F}]/'
ok $? "accessible: no box-drawing or block character on the agenda"
like "$screen" "14:00 Élodie ALLÈGRE, Suivi social, à venir, 14:00–14:30" "accessible: an rdv is one line, in words"
like "$screen" "13:30 plage d'ouverture MDS Valence Centre, 13:30–17:00" "accessible: a plage is one line, in words"
body=$(printf '%s\n' "$screen" | sed -n '3,23p')
others=$(printf '%s\n' "$body" | grep -cvE '^([0-9]{2}:[0-9]{2} .+)?$')
is "$others" "0" "accessible: every line of the day is one time row: HH:MM then one item"
set -- $(cursor)
is "$1" "6" "accessible: the cursor is at the start of the item's words"
starts_with "$(screen_row "$2")" "10:00 libre" "accessible: on the line of the cursor's time"
tmux_keys j
status_wait "mercredi 13 mai, 10:30, libre, hors plage d'ouverture"
ok $? "accessible ↓: the focus line follows"
starts_with "$(screen_row "$(cursor | cut -d' ' -f2)")" "10:30" "accessible ↓: the cursor moved one line down"

tmux_keys 3
tmux_wait "À partir du" 5
tmux_keys S Enter
tmux_wait "Suivi social · du mer. 13/05" 10
screen=$(tmux_screen)
printf '%s\n' "$screen" | perl -CSD -ne 'exit 1 if /[\x{2500}-\x{259F}]/'
ok $? "accessible: no box-drawing character on Trouver un RDV"
many=$(printf '%s\n' "$screen" | grep -cE '[0-9]{2}:[0-9]{2} [A-Z]\. .*[0-9]{2}:[0-9]{2} [A-Z]\. ')
is "$many" "0" "accessible: one slot per line in the results"
starts_with "$(at_cursor)" "10:45 L. ROUSSEAU" "accessible: the cursor on the first slot"
tmux_keys Down
status_wait "13:30–14:00, J. BERNARD"
starts_with "$(at_cursor)" "13:30 J. BERNARD" "accessible ↓: the next slot, on its own line"

tmux_keys 5
tmux_wait "Liste des RDV ·" 10
tmux_wait "Rendez-vous à venir" 10
printf '%s\n' "$(tmux_screen)" | perl -CSD -ne 'exit 1 if /[\x{2500}-\x{259F}]/'
ok $? "accessible: no box-drawing character on the Liste des RDV"
tmux_keys q

# ---------------------------------------------- --accessible on the command line
TMUX_SESSION=option
tmux_start 120 40 "$RDV tui --accessible --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "Agenda de J. BERNARD, mercredi 13 mai 2026" 15
ok $? "--accessible: the day as a list"
done_testing
