#!/bin/sh
# Booking from "Trouver un RDV" checks the agent's week as the rdv form
# does (core/warning.h): an indisponibilité given meanwhile by another desk
# is shown as a warning, to abandon (Échap: nothing booked) or confirm
# (Entrée: booked, without acknowledging any overlap).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"; }
LEA=$(q "SELECT id FROM rdv.agents WHERE db_role = 'lea'")
booked() {
	q "SELECT count(*) FROM rdv.rdvs r JOIN rdv.participations p ON p.rdv_id = r.id
	     JOIN rdv.usagers u ON u.id = p.usager_id
	    WHERE r.agent_ids = ARRAY[$LEA] AND u.last_name = 'Bézier'
	      AND r.starts_at = '2026-05-13 10:45'::timestamp AT TIME ZONE 'Europe/Paris'
	      AND NOT r.overlap_acknowledged"
}

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T08:00"
tmux_wait "Agenda de Julien BERNARD" 15
tmux_keys F3
tmux_wait "À partir du" 5
tmux_keys S Enter
tmux_wait "10:45 L. ROUSSEAU" 10
ok $? "Léa is free at 10:45 (Fontbarlettes)"
tmux_keys Enter
tmux_wait "Réserver ce créneau" 5
tmux_text "elodie bez"
tmux_wait "Élodie BÉZIER" 5
tmux_keys Enter
tmux_wait "Rendez-vous pour Élodie BÉZIER." 5
ok $? "Élodie Bézier is chosen"

# Meanwhile Camille (admin) gives Léa an indisponibilité over the slot.
psql -X -q -t -A "host=$PGHOST port=$PGPORT dbname=rdv user=camille" -c \
	"SELECT rdv.absence_save(0, $LEA, 'Réunion imprévue', '2026-05-13', '10:30', '2026-05-13', '11:30', NULL)" >/dev/null
ok $? "meanwhile Camille gives Léa an indisponibilité from 10:30 to 11:30"

tmux_keys Enter
tmux_wait "Indisponibilité « Réunion imprévue » de 10:30 à 11:30." 5
ok $? "confirming shows the indisponibilité as a warning"
screen=$(tmux_screen)
like "$screen" "Avertissements" "under the heading the rdv form uses"
like "$screen" "Entrée : Confirmer en ignorant les avertissements · Échap : revenir au formulaire" \
	"with the rdv form's prompt"
is "$(booked)" "0" "nothing is booked while the warning is shown"

tmux_keys Escape
tmux_wait "Entrée : confirmer · Échap : revenir au choix de l'usager" 5
ok $? "Échap abandons: back to the confirmation"
unlike "$(tmux_screen)" "Réunion imprévue" "the warning is gone"
is "$(booked)" "0" "abandoned: nothing booked"

tmux_keys Enter
tmux_wait "Indisponibilité « Réunion imprévue » de 10:30 à 11:30." 5
ok $? "confirming again checks again and warns again"
tmux_keys Enter
tmux_wait "RDV enregistré : mer. 13/05 10h45, L. ROUSSEAU, Élodie BÉZIER." 5
ok $? "Entrée confirms in spite of the warning: booked"
is "$(booked)" "1" "the database holds the rdv, not marked as an acknowledged overlap"
# Trouver un RDV is still open under the booking: back to the agenda, quit.
tmux_keys Escape
tmux_wait "À partir du" 5
tmux_keys q
tmux_keys F2
tmux_wait "Semaine 20" 5
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
