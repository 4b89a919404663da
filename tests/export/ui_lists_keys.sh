#!/bin/sh
# Issue 11 item 10 in Liste des RDV and Mon compte (julien, basic): Entrée
# on a row opens that rdv (as in the agenda), e its form; a failed "Enregistrer
# sous" keeps the prompt open with the path as typed and a French reason,
# the next keys edit the path instead of running commands, and the
# corrected path saves.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
T=$TMUX_DIR/out
mkdir -p "$T"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
asjulien() { psql -X -t -A -d rdv -U julien -c "$1"; }

# The latest rdv julien sees (the list's first row) and the next one.
row1=$(asjulien "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY à HH24\"h\"MI')
                   FROM rdv.rdvs ORDER BY starts_at DESC, id DESC LIMIT 1")
row2=$(asjulien "SELECT to_char(starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY')
                   FROM rdv.rdvs ORDER BY starts_at DESC, id DESC OFFSET 1 LIMIT 1")
"$RDV" export rdvs --db "$CONN" --now 2026-05-13T10:00 --format xlsx --from 2026-05-11 --to 2026-05-11 \
	-o "$T/first.xlsx" --store >/dev/null
is "$?" "0" "an export stored for julien"

tmux_start 100 30 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F5
tmux_wait "Liste des RDV · " 15
tmux_wait "/2026" 10
tmux_keys Enter
tmux_wait "Statut du rendez-vous" 5
ok $? "Entrée on the first row opens the rdv"
tmux_wait "$row1 · " 10
like "$(tmux_screen)" "$row1 · " "the rdv of that row ($row1)"
tmux_keys Escape
tmux_wait "Liste des RDV · " 5
ok $? "Échap comes back to the list"
tmux_keys Down e
tmux_wait "Modifier le rendez-vous" 5
ok $? "↓ then e opens the second row's rdv form"
# The form's title shows before the rdv it edits has loaded.
tmux_wait "$row2" 10
like "$(tmux_screen)" "$row2" "dated $row2"
tmux_keys Escape
tmux_wait "Liste des RDV · " 5

# Mon compte: save to a directory that does not exist.
tmux_keys F6
tmux_wait "Mes exports (1)" 10
ok $? "Mon compte lists the export"
tmux_keys w
tmux_wait "Enregistrer sous" 5
tmux_keys C-u
tmux_text "$T/nulle-part/x.xlsx"
tmux_keys Enter
tmux_wait "Enregistrement impossible : dossier introuvable" 10
ok $? "a path in a missing directory: the reason, in French"
like "$(tmux_screen)" "Enregistrer sous * $T/nulle-part/x.xlsx" "the prompt stays, as typed"
# Keys that are commands in the list (x: delete, e: preferences) are text in the prompt.
tmux_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
tmux_text "ex.xlsx"
tmux_wait "Enregistrer sous * $T/ex.xlsx" 5
ok $? "typing edits the path (x and e are text, not commands)"
unlike "$(tmux_screen)" "Supprimer l'export" "x did not ask to delete the export"
tmux_keys Enter
tmux_wait "Export enregistré dans « " 10
ok $? "the corrected path saves"
cmp -s "$T/first.xlsx" "$T/ex.xlsx"
ok $? "the file written is the export, byte for byte"
ok "$(test -e "$T/nulle-part" && echo 1 || echo 0)" "nothing was created for the bad path"
tmux_wait_gone "Enregistrer sous * " 5
ok $? "and the prompt closes"
done_testing
