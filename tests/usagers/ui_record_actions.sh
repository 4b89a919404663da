#!/bin/sh
# Issue 11 item 10, the usager record as a basic agent (julien): Entrée on
# one of the usager's rdvs opens it, e its form; F9 says when there is no
# duplicate and moves to them when there are; r books for the usager
# through Trouver un RDV, the usager already chosen; creating a usager who
# matches one the agent sees (names and birth date, phone) warns first,
# with the matching records, and Échap goes back to the form as typed; a
# match the agent may not see (another organisation) says nothing; the
# same warning when the usager is created inline from the rdv form.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
asjulien() { psql -X -t -A -d rdv -U julien -c "$1"; }
NOW="'2026-05-13 10:00 Europe/Paris'::timestamptz"

elodie=$(sql -c "SELECT id FROM rdv.usagers WHERE first_name = 'Élodie' AND last_name = 'Bézier'")
# The rdv under the cursor when the record opens: the first upcoming one, else the latest past one.
first=$(asjulien "SELECT to_char(r.starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY à HH24\"h\"MI')
                  FROM rdv.participations p JOIN rdv.rdvs r ON r.id = p.rdv_id
                 WHERE p.usager_id = $elodie
                 ORDER BY r.starts_at < $NOW, CASE WHEN r.starts_at >= $NOW THEN r.starts_at END,
                          r.starts_at DESC LIMIT 1")
second=$(asjulien "SELECT to_char(r.starts_at AT TIME ZONE 'Europe/Paris', 'DD/MM/YYYY')
                  FROM rdv.participations p JOIN rdv.rdvs r ON r.id = p.rdv_id
                 WHERE p.usager_id = $elodie
                 ORDER BY r.starts_at < $NOW, CASE WHEN r.starts_at >= $NOW THEN r.starts_at END,
                          r.starts_at DESC OFFSET 1 LIMIT 1")
before=$(sql -c "SELECT count(*) FROM rdv.participations WHERE usager_id = $elodie")

tmux_start 100 30 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F4
tmux_wait "Rechercher :" 5
tmux_text "elodie bezier"
tmux_wait "pour « elodie bezier »" 10
tmux_keys Enter
tmux_wait "Fiche usager · Élodie BÉZIER" 10
ok $? "julien opens Élodie Bézier's record"
tmux_wait "Historique (" 10
like "$(tmux_screen)" "r : prendre RDV pour cet usager" "the record says how to book for her"

# F9 without duplicates. They load after the record ("en cours" until then):
# wait until nothing is in flight.
tmux_wait "● connecté" 10
tmux_keys F9
tmux_wait "Aucun doublon probable trouvé pour cet usager." 5
ok $? "F9 on a record without duplicates says so"

# Entrée on the selected rdv, then on the next one; e opens the form.
tmux_keys Enter
tmux_wait "Statut du rendez-vous" 5
ok $? "Entrée opens the rdv under the cursor"
tmux_wait "$first · " 10
like "$(tmux_screen)" "$first · " "the first of her rdvs ($first)"
like "$(tmux_screen)" "Élodie BÉZIER" "with her as participant"
tmux_keys Escape
tmux_wait "Fiche usager · Élodie BÉZIER" 5
tmux_keys Down e
tmux_wait "Modifier le rendez-vous" 5
ok $? "↓ then e opens the next rdv's form"
# The form's title shows before the rdv it edits has loaded (seen under ASan).
tmux_wait "$second" 10
like "$(tmux_screen)" "$second" "dated $second"
tmux_keys Escape
tmux_wait "Fiche usager · Élodie BÉZIER" 5
ok $? "Échap comes back to the record"

# r: Trouver un RDV for her; the booking starts with her chosen.
tmux_keys r
tmux_wait "Trouver un RDV pour Élodie BÉZIER" 5
ok $? "r opens Trouver un RDV for the usager"
# The title shows while the criteria load (keys other than Échap wait for them).
tmux_wait "À partir du" 10
tmux_keys Right Enter
tmux_wait "créneaux" 15
ok $? "a motif, Entrée: the slots"
tmux_keys Enter
tmux_wait "Rendez-vous pour Élodie BÉZIER." 5
ok $? "Entrée on a slot goes straight to the confirmation, for her"
tmux_keys Enter
tmux_wait "RDV enregistré :" 10
ok $? "Entrée books"
like "$(tmux_screen | tail -1)" "J. BERNARD, Élodie B" "the message names her"
is "$(sql -c "SELECT count(*) FROM rdv.participations WHERE usager_id = $elodie")" "$((before + 1))" \
	"the database has one more rdv for her"
is "$(sql -c "SELECT a.db_role FROM rdv.participations p JOIN rdv.rdvs r ON r.id = p.rdv_id
                JOIN rdv.agents a ON a.id = r.created_by_agent_id
               WHERE p.usager_id = $elodie ORDER BY r.id DESC LIMIT 1")" "julien" "booked by julien"
tmux_wait "Fiche usager · Élodie BÉZIER" 5
ok $? "after booking, back to her record"
back_to() {
	for _ in 1 2 3 4; do
		tmux_wait "$1" 2 && return 0
		tmux_keys Escape
	done
	tmux_wait "$1" 2
}
back_to "Rechercher :"

# F9 with duplicates: Marie Dupond has one (same phone).
tmux_keys C-u
tmux_text "marie dupond"
tmux_wait "pour « marie dupond »" 10
tmux_keys Enter
tmux_wait "Doublons probables : 1" 10
tmux_keys F9
tmux_wait "1 doublon probable : ↑↓ choisir, F10 fusionner" 5
ok $? "F9 on a record with a duplicate moves to it"
tmux_keys Enter
tmux_wait "Fiche usager · Marie DUPONT" 5
ok $? "Entrée on the duplicate opens its record"
tmux_keys Escape
tmux_wait "Fiche usager · Marie DUPOND" 5
tmux_keys Escape
tmux_wait "Rechercher :" 5

# Creating Élodie Bézier again (other case and accents): warned, with her record.
tmux_keys C-u
tmux_text "Elodie BEZIER"
tmux_keys C-n
tmux_wait "Nouvel usager" 5
tmux_keys Down Down Down
tmux_text "14/06/1987"
tmux_keys Enter
tmux_wait "peut-être déjà enregistré" 10
ok $? "creating the same names and birth date warns"
like "$(tmux_screen)" "Élodie BÉZIER, né(e) le 14/06/1987 (fiche n° $elodie) · mêmes nom, prénom et date de naissance" \
	"naming the matching record and why"
ELODIES="SELECT count(*) FROM rdv.usagers WHERE first_name ILIKE '_lodie' AND last_name ILIKE 'b_zier'"
is "$(sql -c "$ELODIES")" "1" "nothing saved yet"
tmux_keys Escape
tmux_wait_gone "peut-être déjà enregistré" 5
ok $? "Échap goes back to the form"
like "$(tmux_screen)" "14/06/1987" "as typed"
tmux_keys Enter
tmux_wait "Entrée : créer quand même" 10
tmux_keys Enter
tmux_wait "Fiche enregistrée." 10
ok $? "Entrée on the warning creates anyway"
is "$(sql -c "$ELODIES")" "2" "two records now"
tmux_keys Escape
tmux_wait "Rechercher :" 5

# Same phone, other name.
tmux_keys C-u C-n
tmux_wait "Nouvel usager" 5
tmux_text "Paul"
tmux_keys Down
tmux_text "Martin"
tmux_keys Down Down Down Down
tmux_text "06 12 34 56 78"
tmux_keys Enter
tmux_wait "même téléphone" 10
ok $? "the same phone warns"
like "$(tmux_screen)" "Élodie BÉZIER, né(e) le 14/06/1987 (fiche n° $elodie) · même téléphone" "naming her"
tmux_keys Escape Escape
# The form holds what was typed: leaving it asks first (app_key).
tmux_wait "Abandonner les modifications" 5
tmux_keys o
tmux_wait "Rechercher :" 5

# A usager of the CCAS only: julien (MDS) may not see her, so no warning names her.
read -r cfirst clast cbirth <<EOS
$(sql -F ' ' -c "SELECT u.first_name, u.last_name, to_char(u.birth_date, 'DD/MM/YYYY') FROM rdv.usagers u
                 WHERE u.birth_date IS NOT NULL AND position(' ' IN u.first_name || u.last_name) = 0
                   AND NOT EXISTS (SELECT 1 FROM rdv.usager_profiles p JOIN rdv.organisations o
                                   ON o.id = p.organisation_id WHERE p.usager_id = u.id AND o.name = 'MDS Valence')
                   AND NOT EXISTS (SELECT 1 FROM rdv.usagers o WHERE o.id <> u.id
                                   AND o.first_name = u.first_name AND o.last_name = u.last_name)
                 ORDER BY u.id LIMIT 1")
EOS
is "$(asjulien "SELECT count(*) FROM rdv.usagers WHERE first_name = '$cfirst' AND last_name = '$clast'")" "0" \
	"julien cannot see $cfirst $clast (CCAS)"
tmux_keys C-u C-n
tmux_wait "Nouvel usager" 5
tmux_text "$cfirst"
tmux_keys Down
tmux_text "$clast"
tmux_keys Down Down
tmux_text "$cbirth"
tmux_keys Enter
tmux_wait "Fiche enregistrée." 10
ok $? "creating $cfirst $clast ($cbirth) goes through without a warning"
unlike "$(tmux_screen)" "peut-être déjà enregistré" "no warning"
# The same warning when the usager is created inline, from the rdv form's picker.
tmux_keys F2
tmux_wait "Agenda de Julien" 10
tmux_keys r
tmux_wait "Motif *" 5
tmux_keys C-n
tmux_text "bezier"
tmux_wait "BÉZIER" 10
tmux_keys C-n
tmux_wait "Nouvel usager (Entrée" 5
ok $? "Ctrl+N in the rdv form's picker opens an inline new usager"
tmux_text "Élodie"
tmux_keys Down Down Down
tmux_text "14/06/1987"
tmux_keys Enter
tmux_wait "peut-être déjà enregistré" 10
ok $? "inline: the same names and birth date warn"
like "$(tmux_screen)" "(fiche n° $elodie) · mêmes nom, prénom et date de naissance" "inline: naming the record and why"
is "$(sql -c "$ELODIES")" "2" "inline: nothing saved yet"
tmux_keys Escape
tmux_wait_gone "peut-être déjà enregistré" 5
ok $? "inline: Échap goes back to the new usager as typed"
like "$(tmux_screen)" "14/06/1987" "inline: as typed"
tmux_keys Enter
tmux_wait "Entrée : créer quand même" 10
tmux_keys Enter
tmux_wait_gone "Nouvel usager (Entrée" 10
ok $? "inline: Entrée on the warning creates anyway"
is "$(sql -c "$ELODIES")" "3" "inline: three records now"
done_testing
