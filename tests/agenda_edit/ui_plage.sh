#!/bin/sh
# Plages d'ouverture from the week view (julien, demo of 2026-05-13, now
# Wednesday 13 May 10:00): an exceptional plage and a permanent one created
# at the cursor, an overlap warning confirmed with "Confirmer en ignorant
# les avertissements", bad input kept as typed, edit and delete.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"

# Replace the focused text field's value.
field() {
	tmux_keys C-a C-k
	tmux_text "$1"
}
down() {
	i=0
	while [ "$i" -lt "$1" ]; do
		tmux_keys Down
		i=$((i + 1))
	done
}
plage() { # the plage titled $1 as stored
	sql -c "SELECT p.first_day, p.start_time, p.end_time, coalesce(p.rrule, 'NULL'), coalesce(l.name, 'NULL'),
	               (SELECT string_agg(m.name, ', ' ORDER BY m.name) FROM rdv.plage_motifs pm
	                  JOIN rdv.motifs m ON m.id = pm.motif_id WHERE pm.plage_id = p.id)
	          FROM rdv.plages_ouverture p LEFT JOIN rdv.lieux l ON l.id = p.lieu_id
	         WHERE p.title = '$1' AND p.agent_id = 3"
}

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "Semaine 20" 15
ok $? "the week of 13 May opens"

# ------------------------------------------------------------ exceptional
tmux_keys n
tmux_wait "Semaine 21" 5
ok $? "next week (cursor on Wednesday 20 May, 10:00)"
tmux_keys o
tmux_wait "Titre *" 5
ok $? "o opens a new plage at the cursor"
screen=$(tmux_screen)
like "$screen" "Agent : Julien BERNARD · MDS Valence" "for the cursor's agent, in the session's organisation"
like "$screen" "Date *        20/05/2026" "dated the cursor's day"
like "$screen" "Début *       10:00" "starting at the cursor's time"
like "$screen" "Fin *         13:00" "for three hours"
like "$screen" "→ le mercredi 20/05/2026" "exceptional by default"
like "$screen" "[ ] Suivi social, 30 min" "the motifs julien may use are offered"
unlike "$screen" "Consultation PMI" "but not those of another service"
field "Renfort du mercredi"
down 4
tmux_keys Right
down 9
tmux_keys Tab
tmux_wait "Suivi social" 2
tmux_keys Enter
tmux_wait "Motifs : cochez au moins un motif" 5
ok $? "no motif checked: a French message, nothing saved"
like "$(tmux_screen)" "Renfort du mercredi" "and the form keeps what was typed"
tmux_keys Down Down Space
tmux_wait "[x] Suivi social" 2
ok $? "Espace checks Suivi social in the motif pane"
tmux_keys Enter
tmux_wait "Plage d'ouverture enregistrée." 5
ok $? "saved, back in the week view"
is "$(plage 'Renfort du mercredi')" "2026-05-20|10:00:00|13:00:00|NULL|Antenne de Fontbarlettes|Suivi social" \
	"stored as an exceptional plage with its lieu and motif"
tmux_wait "│ Antenne de Fontbarle" 5
ok $? "the week view shows it with its lieu"

# ------------------------------------------------------------ edit, bad input
tmux_keys e
tmux_wait "Titre *       Renfort" 5
ok $? "e on the plage under the cursor opens it"
screen=$(tmux_screen)
like "$screen" "Titre *       Renfort du mercredi" "with its title"
like "$screen" "[x] Suivi social" "and its motif checked"
down 4
tmux_keys q
# Keys after q still reach the form (the end time below shows what is typed).
tmux_keys Up
field "09:00"
tmux_wait "Fin *         09:00" 5
like "$(tmux_screen)" "Modifier la plage d'ouverture" "q on the lieu choice does not quit the form"
tmux_keys Enter
tmux_wait "Fin : doit être après le début" 5
ok $? "an end before the start: French message on the status line"
like "$(tmux_screen)" "Fin *         09:00" "the field keeps what was typed"
field "12:30"
tmux_keys Enter
tmux_wait "Plage d'ouverture modifiée." 5
ok $? "the plage is modified"
is "$(plage 'Renfort du mercredi')" "2026-05-20|10:00:00|12:30:00|NULL|Antenne de Fontbarlettes|Suivi social" \
	"its new end is stored"

# ------------------------------------------------------------ permanent
tmux_keys Right Right
tmux_keys o
tmux_wait "Titre *" 5
like "$(tmux_screen)" "Date *        22/05/2026" "o on Friday 22 May"
field "Permanence du vendredi"
down 2
field "14:00"
tmux_keys Down
field "17:00"
tmux_keys Down Right Right Down Right
tmux_keys Down
field "2"
tmux_keys Down Down Space
down 4
tmux_keys Down
field "31/07/2026"
tmux_wait "→ toutes les 2 semaines le mardi et le vendredi, jusqu'au 31/07/2026" 5
ok $? "the recurrence reads in French as it is typed"
screen=$(tmux_screen)
like "$screen" "Lieu          ‹ MDS Valence Centre ›" "lieu chosen"
like "$screen" "Répétition *  ‹ chaque semaine ›" "weekly"
tmux_keys Tab Down Space
tmux_wait "[x] Premier accueil social" 2
ok $? "Premier accueil social checked"
tmux_keys Enter
tmux_wait "Plage d'ouverture enregistrée." 5
ok $? "the permanent plage is saved"
is "$(plage 'Permanence du vendredi')" \
	"2026-05-22|14:00:00|17:00:00|FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20260731|MDS Valence Centre|Premier accueil social" \
	"stored with its RRULE"
# Julien has no other plage on Fridays: the day view of a Friday shows
# whether this one occurs.
tmux_keys n v
tmux_wait "vendredi 29 mai 2026" 5
ok $? "day view of Friday 29 May"
# The title shows while that new week loads ("chargement…"): the check below
# would pass on an empty grid.
tmux_wait_gone "chargement" 10
unlike "$(tmux_screen)" "MDS Valence Centre" "no occurrence the week after"
tmux_keys v n v
tmux_wait "vendredi 5 juin 2026" 5
tmux_wait "MDS Valence Centre" 5
ok $? "an occurrence two weeks after the first day"
tmux_keys v

# ------------------------------------------------------------ overlap warning
tmux_keys t
tmux_wait "Semaine 20" 5
tmux_keys o
tmux_wait "Titre *" 5
field "Renfort du lundi"
tmux_keys Down
field "18/05/2026"
tmux_keys Down
field "10:00"
tmux_keys Down
field "11:00"
tmux_keys Down Right Right
down 9
tmux_keys Down Down Down Space
tmux_wait "[x] Suivi social" 2
tmux_keys Enter
tmux_wait "Avertissements" 5
ok $? "an overlap with another plage is a warning, not a refusal"
screen=$(tmux_screen)
like "$screen" "⚠ Chevauche la plage « Permanence Valence Centre » (09:00–12:00), par exemple le 18/05/2026" \
	"naming the plage it overlaps and the first shared date"
like "$screen" "lundi 18/05/2026 · 10:00–11:00 · Renfort du lundi" "under the plage being saved"
like "$screen" "Entrée : Confirmer en ignorant les avertissements" "to be confirmed on the same screen"
is "$(sql -c "SELECT count(*) FROM rdv.plages_ouverture WHERE title = 'Renfort du lundi'")" "0" \
	"nothing saved before the confirmation"
tmux_keys Escape
tmux_wait "Titre *       Renfort du lundi" 5
ok $? "Échap goes back to the form, as typed"
tmux_keys Enter
tmux_wait "Avertissements" 5
tmux_keys Enter
tmux_wait "Plage d'ouverture enregistrée." 5
ok $? "confirmed: saved"
is "$(plage 'Renfort du lundi')" "2026-05-18|10:00:00|11:00:00|NULL|MDS Valence Centre|Suivi social" \
	"the overlapping plage is stored"

# ------------------------------------------------------------ delete
tmux_keys n
tmux_wait "│ Antenne de Fontbarle" 5
ok $? "back on the week of 20 May"
tmux_keys x
tmux_wait "Supprimer cette plage d'ouverture ?" 5
ok $? "x on the plage asks for confirmation"
like "$(tmux_screen)" "mercredi 20/05/2026 · 10:00–12:30 · Renfort du mercredi" "naming it"
tmux_keys Enter
tmux_wait "Plage d'ouverture supprimée." 5
ok $? "deleted"
is "$(sql -c "SELECT count(*) FROM rdv.plages_ouverture WHERE title = 'Renfort du mercredi'")" "0" "gone from the database"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
