#!/bin/sh
# In the client (tmux): Liste des RDV filtered by status and period, with
# its count; a malformed date keeps the form as typed; exports to .xlsx and
# .pdf run in the background and land in Mon compte, where one is saved to
# a path (read back: the filtered rows) and the other deleted; a display
# preference is saved.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
T=$TMUX_DIR/out
mkdir -p "$T"
CHECK="python3 $top_srcdir/tests/export/check.py"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
asjulien() { psql -X -t -A -d rdv -U julien -c "$1"; }

all=$(asjulien "SELECT count(*) FROM rdv.rdvs")
seen=$(asjulien "SELECT count(*) FROM rdv.rdvs WHERE status = 'seen'
                   AND (starts_at AT TIME ZONE 'Europe/Paris')::date BETWEEN '2026-04-01' AND '2026-04-30'")

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F5
tmux_wait "Liste des RDV · $all rendez-vous · 1–50" 15
ok $? "F5 opens the list: the $all rdvs julien may see, 50 a page"
like "$(tmux_screen)" "Filtres : aucun (tous les rendez-vous que je vois)" "no filter at first"
like "$(tmux_screen | sed -n 3p)" "Date       Heure Motif" "column names"

# Filter: status "Rendez-vous honoré", April.
tmux_keys f
tmux_wait "Filtres — Entrée : appliquer" 5
ok $? "f opens the filters"
tmux_keys Down Down Down Down Right Down
tmux_text "01/04/2026"
tmux_keys Down
tmux_text "30/04/2026"
tmux_keys Enter
tmux_wait "Liste des RDV · $seen rendez-vous · 1–$seen" 10
ok $? "the filtered list counts the $seen rdvs seen in April, as the database says"
screen=$(tmux_screen)
like "$screen" "Filtres : statut : Rendez-vous honoré · du 01/04/2026 au 30/04/2026" "the filters are spelled out"
is "$(printf '%s\n' "$screen" | sed -n '4,23p' | grep -c '✓ Rendez-vous honoré')" "$seen" \
	"every row shown is honoured (glyph and label)"
unlike "$screen" "/05/2026 " "no May rdv is listed"

# A malformed date: French message, form kept as typed.
tmux_keys f
tmux_wait "Filtres — Entrée" 5
tmux_keys Down Down Down Down Down C-u
tmux_text "31/02/2026"
tmux_keys Enter
tmux_wait "date invalide" 5
screen=$(tmux_screen)
like "$screen" "31/02/2026" "a malformed date stays as typed"
like "$(printf '%s\n' "$screen" | tail -1)" "Du" "the status line names the field"
tmux_keys C-u
tmux_text "01/04/2026"
tmux_keys Enter
tmux_wait_gone "Filtres — Entrée" 5
ok $? "once corrected the filters apply"

# Exports in the background.
tmux_keys X
tmux_wait "Export .xlsx terminé : $seen rendez-vous, à retrouver dans Mon compte (F6)" 20
ok $? "X exports the filtered list to .xlsx"
tmux_keys P
tmux_wait "Export .pdf terminé : $seen rendez-vous, à retrouver dans Mon compte (F6)" 20
ok $? "P exports it to .pdf"
is "$(sql -c "SELECT string_agg(format || ':' || status || ':' || row_count, ' ' ORDER BY format::text)
              FROM rdv.exports e JOIN rdv.agents a ON a.id = e.agent_id WHERE a.db_role = 'julien'")" \
	"pdf:available:$seen xlsx:available:$seen" "both are stored as julien's, available"

# Mon compte.
tmux_keys F6
tmux_wait "Mes exports (2)" 10
ok $? "F6 opens Mon compte with the two exports"
screen=$(tmux_screen)
like "$screen" "export-rdv-2026-05-13-org-000001.pdf" "the pdf is listed"
like "$screen" "export-rdv-2026-05-13-org-000001.xlsx" "the xlsx is listed"
is "$(printf '%s\n' "$screen" | grep -c "disponible  *$seen ")" "2" "both available, with their row count"
like "$screen" "Notifications des RDV *    ‹ Uniquement les modifications de rendez-vous ayant lieu moins de 24 heures à l'avance ›" \
	"julien's rdv notification level (soon)"
like "$screen" "Mes services : Service social" "his services"
like "$screen" "Mes organisations : MDS Valence (agent)" "his organisations"

# Save the xlsx (second row: newest first) to a path.
tmux_keys Down w
tmux_wait "Enregistrer sous" 5
tmux_keys C-u
tmux_text "$T/avril.xlsx"
tmux_keys Enter
tmux_wait "Export enregistré dans « $T/avril.xlsx »" 10
ok $? "w saves the selected export to a path"
$CHECK xlsx2tsv "$T/avril.xlsx" >"$T/avril.tsv"
is "$(tail -n +2 "$T/avril.tsv" | wc -l)" "$seen" "the saved file holds the $seen filtered rows"
is "$(tail -n +2 "$T/avril.tsv" | cut -f 10 | sort -u)" "Rendez-vous honoré" "all honoured"
is "$(tail -n +2 "$T/avril.tsv" | cut -f 5 | cut -c4- | sort -u)" "04/2026" "all in April"

# Delete the pdf, after confirming.
tmux_keys Up x
tmux_wait "Supprimer l'export « export-rdv-2026-05-13-org-000001.pdf » ? o : oui" 5
ok $? "x asks to confirm"
tmux_keys o
tmux_wait "Export supprimé." 10
ok $? "o deletes it"
tmux_wait "Mes exports (1)" 10
ok $? "one export left"
is "$(asjulien "SELECT format FROM rdv.exports")" "xlsx" "the database agrees"

# A display preference.
tmux_keys e Down Down Down Space Enter
tmux_wait "Préférences enregistrées." 10
ok $? "e, Espace, Entrée saves the preferences"
is "$(asjulien "SELECT display_saturdays FROM rdv.agents WHERE db_role = 'julien'")" "t" \
	"Saturdays are now shown for julien"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
