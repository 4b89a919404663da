#!/bin/sh
# Usagers menu: a search with a typo finds the usager (search as you type),
# Entrée opens the record with identity, statistics, upcoming rdvs and the
# history; a probable duplicate is listed on the record; the form refuses a
# bad phone in French and keeps what was typed; the database refuses an
# e-mail already used and the form says by whom.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=sophie"

# What the record must show, computed by the database as sophie sees it.
elodie=$(sql -c "SELECT id FROM rdv.usagers WHERE first_name = 'Élodie' AND last_name = 'Bézier'")
counts=$(sql -c "SET SESSION AUTHORIZATION sophie;
  SELECT count(*), count(*) FILTER (WHERE p.status = 'seen'),
         count(*) FILTER (WHERE r.starts_at >= '2026-05-13 10:00+02')
  FROM rdv.participations p JOIN rdv.rdvs r ON r.id = p.rdv_id WHERE p.usager_id = $elodie")
total=$(echo "$counts" | cut -d'|' -f1)
seen=$(echo "$counts" | cut -d'|' -f2)
upcoming=$(echo "$counts" | cut -d'|' -f3)
past=$((total - upcoming))

tmux_start 100 30 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F4
tmux_wait "Rechercher :" 5
ok $? "F4 opens the Usagers menu"
tmux_text "bezeir"
tmux_wait "pour « bezeir »" 10
ok $? "the search runs as the agent types"
like "$(tmux_screen)" "Élodie BÉZIER" "a search with a typo (bezeir) finds Élodie Bézier"
like "$(tmux_screen)" "elodie.bezier@example.com" "the hit shows her e-mail"
like "$(tmux_screen)" "14/06/1987" "and her birth date"
tmux_keys C-u
tmux_text "+33 6 12 34"
tmux_wait "pour « +33 6 12 34 » · par téléphone" 10
ok $? "by phone, international writing"
like "$(tmux_screen)" "06 12 34 56 78" "finds her number"
tmux_keys C-u
tmux_text "14/06/1987"
tmux_wait "pour « 14/06/1987 » · par date de naissance" 10
ok $? "by birth date"
like "$(tmux_screen)" "Élodie BÉZIER" "finds her"
tmux_keys Enter
tmux_wait "Fiche usager · Élodie BÉZIER" 10
ok $? "Entrée opens her record"
tmux_wait "Statistiques" 10
screen=$(tmux_screen)
like "$screen" "Date de naissance   14/06/1987 (38 ans)" "the record shows the birth date and age"
like "$screen" "Téléphone           06 12 34 56 78 (+33612345678)" "the phone and its E.164 form"
like "$screen" "Rendez-vous : $total (à venir : $upcoming)" "statistics: total and upcoming ($total, $upcoming)"
like "$screen" "Honorés : $seen" "statistics: honorés ($seen)"
like "$screen" "Absences non excusées :" "statistics: absences non excusées"
like "$screen" "Rendez-vous à venir ($upcoming)" "the upcoming rdvs are listed"
like "$screen" "Historique ($past)" "and the history"
tmux_keys Escape
tmux_wait "Rechercher :" 5

# A probable duplicate on a record; the merge is one key away.
tmux_keys C-u
tmux_text "marie dupond"
tmux_wait "pour « marie dupond »" 10
tmux_keys Enter
tmux_wait "Doublons probables : 1" 10
ok $? "Marie Dupond's record lists one probable duplicate"
like "$(tmux_screen)" "Marie DUPONT" "Marie Dupont, same phone"
like "$(tmux_screen)" "même téléphone · noms très proches" "with the reasons"
tmux_keys F10
tmux_wait "Fiche conservée" 10
ok $? "F10 opens the merge screen with both sides filled"
tmux_keys Escape
tmux_wait "Fiche usager · Marie DUPOND" 5

# Editing: a bad phone is refused in French, what was typed stays.
tmux_keys m
tmux_wait "modification" 5
tmux_keys Down Down Down Down Down C-u
tmux_text "06 45"
tmux_keys Enter
tmux_wait "n'est pas un numéro français" 5
ok $? "a bad phone is refused with a French message"
like "$(tmux_screen)" "06 45" "the form keeps what was typed"
tmux_keys C-u
tmux_text "0690 45 67 89"
tmux_keys Up C-u
tmux_text "marie.dupont@example.com"
tmux_keys Enter
tmux_wait "déjà celle de Marie DUPONT (fiche n° 8)" 10
ok $? "an e-mail already used: the database refuses it and the form names the record"
like "$(tmux_screen)" "marie.dupont@example.com" "the form still holds the typed e-mail"
tmux_keys C-u
tmux_text "marie.dupond@example.fr"
tmux_keys Enter
tmux_wait "Fiche enregistrée" 10
ok $? "a valid change is saved"
# The record reloads after the save reply: wait for it rather than read at once.
tmux_wait "0690 45 67 89 (+590690456789)" 5
ok $? "the overseas phone is stored in E.164"
tmux_keys Escape
tmux_wait "Rechercher :" 5
tmux_keys Escape
tmux_wait_gone "Marie DUPOND" 5
ok $? "Échap clears the search"
tmux_text q
tmux_wait "Rechercher :  q" 5
ok $? "q is a letter of the search, not quit"
tmux_keys F2
tmux_wait "Agenda de Sophie MARTIN" 5
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
