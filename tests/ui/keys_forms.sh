#!/bin/sh
# Issue 11, items 4, 7, 8 and the help: the status line never overprints
# itself, every screen is reachable under TERM=vt100 without function keys,
# q never quits from a form, Échap and quitting ask before dropping typed
# input, typing into a field just entered replaces it, and the help has a
# legend and stops at its end.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tmux.sh"
need_postgres

export RDV_DEMO_DIR="$TMUX_DIR/demo"
[ "$(id -u)" = 0 ] && { mkdir -p "$RDV_DEMO_DIR"; chown postgres: "$RDV_DEMO_DIR"; chmod 755 "$TMUX_DIR"; }
cleanup() {
	tmux_stop
	"$RDV" demo --stop >/dev/null 2>&1
	rm -rf "$TMUX_DIR"
}
trap cleanup EXIT
QUESTION="Abandonner les modifications ? o : oui · n : non"
status_line() { tmux_screen | tail -n 1; }

# ---------------------------------------------------------------- 120x40, julien
tmux_start 120 40 "RDV_DEMO_DIR=$RDV_DEMO_DIR RDV_NOW=2026-05-13T10:00 $RDV demo --as julien"
tmux_wait "Agenda de Julien BERNARD" 90
ok $? "the demo opens julien's week"
tmux_wait "● connecté" 10
tmux_wait "rendez-vous à renseigner (u)" 10
ok $? "the status line shows the rdvs to fill in"
line=$(status_line)
echo "$line" | grep -Eq '…  +[0-9]+ rendez-vous à renseigner \(u\)   ● connecté'
ok $? "the hints end with … two blanks before the status text, which is whole"
unlike "$line" "PgSui4" "no hint runs into the status text (the report's \"n/PgSui7 rendez-vous\")"

# The help: a legend of the glyphs, and no scrolling past the end.
tmux_keys '?'
tmux_wait "Aide · touches" 5
ok $? "? opens the help"
i=0
while [ $i -lt 120 ]; do tmux_keys j; i=$((i + 1)); done
tmux_wait "usager trouvé par une orthographe proche" 5
ok $? "scrolling down reaches the end of the legend"
screen=$(tmux_screen)
like "$screen" "Légende des symboles" "the help has a legend of the glyphs"
like "$screen" "indisponibilité de l'agent" "╱ is explained"
like "$screen" "rendez-vous passé, à renseigner" "? is explained"
row=$(tmux_screen | grep -n "usager trouvé par une orthographe proche" | cut -d: -f1)
is "$row" "39" "after 120 × ↓ the legend's last line is still on the last row: the scroll stops at the end"
tmux_keys k
tmux_wait_gone "usager trouvé par une orthographe proche" 5
row=$(tmux_screen | grep -n "indisponibilité de l'agent" | cut -d: -f1)
is "$row" "39" "one ↑ from the end moves one line back at once (nothing was scrolled beyond the end)"
tmux_keys Escape
tmux_wait_gone "Aide · touches" 5

# A new rdv at the cursor (Wednesday 10:00): a form.
tmux_keys r
tmux_wait "Nouveau rendez-vous" 5
ok $? "r opens the new rdv form"
# The title shows while the form loads (q would then quit): wait for its fields.
tmux_wait "Motif *" 5
tmux_keys q
tmux_wait "Nouveau rendez-vous" 2
is "$(tmux_exit_status 1)" "none" "q on the motif choice does not quit the client"
like "$(tmux_screen)" "Nouveau rendez-vous" "and the form is still there"
unlike "$(status_line)" "les abandonner" "an untouched form is not asked about"
tmux_keys Tab Tab
tmux_text "11:30"
tmux_wait "11:30" 5
ok $? "typing a time into the pre-filled field just entered replaces 10:00"
unlike "$(tmux_screen)" "10:0011" "nothing was appended or ignored"
tmux_keys Escape
tmux_wait "$QUESTION" 5
ok $? "Échap on a changed form asks, in French"
tmux_keys n
tmux_wait "Modifications conservées." 5
ok $? "n keeps the form"
like "$(tmux_screen)" "11:30" "with what was typed"
tmux_resize 60 20
tmux_wait "Terminal trop petit" 5
tmux_keys q
tmux_wait "$QUESTION" 5
ok $? "q on the too-small screen with a changed form asks too"
tmux_keys n
tmux_resize 120 40
tmux_wait "11:30" 5
ok $? "n: back at 120x40 the form is there, as typed"
is "$(tmux_exit_status 1)" "none" "and the client still runs"
tmux_keys F4
tmux_wait "$QUESTION" 5
ok $? "another screen's key (F4) asks the same question"
tmux_keys Escape
tmux_wait "Modifications conservées." 5
like "$(tmux_screen)" "Nouveau rendez-vous" "Échap answers no"
tmux_keys 4
tmux_wait "11:30" 2
like "$(tmux_screen)" "Nouveau rendez-vous" "the digit 4 typed in a form is not a screen key"
tmux_keys Escape
tmux_wait "$QUESTION" 5
tmux_keys o
tmux_wait "Semaine 20" 5
ok $? "o drops the form and comes back to the agenda"
unlike "$(tmux_screen)" "Nouveau rendez-vous" "the form is closed"

# The usager record: q in the birth date field does not quit (the report's case).
tmux_keys 4
tmux_wait "Rechercher :" 5
ok $? "4 opens the usagers screen, as F4"
tmux_keys C-n
tmux_wait "Date de naissance" 5
ok $? "Ctrl+N opens a new usager record"
tmux_text "Zoé"
tmux_keys Down Down Down Down
tmux_keys q
tmux_wait "Date de naissance" 2
is "$(tmux_exit_status 1)" "none" "q in the birth date field does not quit"
tmux_keys Escape
tmux_wait "$QUESTION" 5
ok $? "Échap on the half-typed record asks"
tmux_keys n
tmux_wait "Modifications conservées." 5
like "$(tmux_screen)" "Zoé" "n keeps what was typed"
# Ctrl+C (SIGINT) asks too, and n keeps the record as typed.
tmux_keys C-c
tmux_wait "$QUESTION" 5
ok $? "Ctrl+C on the half-typed record asks"
is "$(tmux_exit_status 1)" "none" "… and does not quit"
tmux_keys n
tmux_wait "Modifications conservées." 5
like "$(tmux_screen)" "Zoé" "n keeps what was typed after Ctrl+C"
tmux_keys Escape
tmux_wait "$QUESTION" 5
tmux_keys o
tmux_wait_gone "Date de naissance" 5
ok $? "o drops it"
# Digits are text in the usagers search (phones, birth dates): F2 goes back.
tmux_keys F2
tmux_wait "Semaine 20" 5
ok $? "F2 comes back to the agenda"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "q quits from the agenda, with nothing to lose, without asking"
tmux_stop

# ---------------------------------------------------------------- TERM=vt100, camille (admin)
TMUX_SESSION=vt
export TMUX_SESSION
tmux_start 80 24 "TERM=vt100 RDV_DEMO_DIR=$RDV_DEMO_DIR RDV_NOW=2026-05-13T10:00 $RDV demo --as camille"
tmux_wait "Agenda de Camille DUPONT" 90
ok $? "the client runs under TERM=vt100"
tmux_wait "● connecté" 10
tmux_keys F5
tmux_wait "Touche inconnue de ce terminal : voir l'aide (?)" 5
ok $? "F5, unknown to vt100, says so instead of doing something else"
like "$(tmux_screen)" "Agenda de Camille DUPONT" "and leaves the screen as it was"
tmux_keys 5
tmux_wait "Liste des RDV ·" 10
ok $? "5 opens the Liste des RDV"
tmux_keys 6
tmux_wait "Mon compte ·" 10
ok $? "6 opens Mon compte"
tmux_keys 7
tmux_wait "Administration ·" 10
ok $? "7 opens the administration"
tmux_keys 4
tmux_wait "Rechercher :" 10
tmux_keys C-f
tmux_wait "Fusionner deux usagers" 10
ok $? "Ctrl+F opens the merge screen"
# F1 to F4 exist on a vt100 (PF1 to PF4); digits are text in search fields.
tmux_keys Escape F2
tmux_wait "Agenda de Camille DUPONT" 10
ok $? "F2 (PF2 on a vt100) comes back to the agenda"
tmux_keys 3
tmux_wait "Trouver un RDV" 10
ok $? "3 opens Trouver un RDV"
tmux_keys F2
tmux_wait "Agenda de Camille DUPONT" 10
tmux_keys '?'
tmux_wait "Aide · touches" 5
screen=$(tmux_screen)
like "$screen" "F5/5" "the help shows 5 beside F5"
like "$screen" "F7/7" "and 7 beside F7"
tmux_keys Escape
tmux_wait_gone "Aide · touches" 5
tmux_keys C-c
is "$(tmux_exit_status 10)" "0" "Ctrl+C quits at once, with nothing to lose"
done_testing
