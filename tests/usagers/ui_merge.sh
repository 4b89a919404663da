#!/bin/sh
# "Fusionner deux usagers": type a name in each column to pick the usagers;
# identical rows are green with "=", different rows orange with "≠"
# (checked in capture-pane -e); ← → choose the side kept; the e-mail row
# decides the survivor; Entrée twice merges; the surviving record opens and
# its history holds both histories. The monochrome theme keeps the gutter.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=sophie"
dupont=$(sql -c "SELECT id FROM rdv.usagers WHERE first_name = 'Marie' AND last_name = 'Dupont'")
dupond=$(sql -c "SELECT id FROM rdv.usagers WHERE first_name = 'Marie' AND last_name = 'Dupond'")
both=$(sql -c "SET SESSION AUTHORIZATION sophie;
  SELECT count(DISTINCT rdv_id) FROM rdv.participations WHERE usager_id IN ($dupont, $dupond)")
everywhere=$(sql -c "SELECT count(DISTINCT rdv_id) FROM rdv.participations WHERE usager_id IN ($dupont, $dupond)")

tmux_start 110 32 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "connecté" 15
tmux_keys F4
tmux_wait "Rechercher :" 5
tmux_keys F10
tmux_wait "Fusionner deux usagers" 5
ok $? "F10 opens Fusionner deux usagers"
tmux_text "marie dupont"
tmux_wait "Marie DUPONT" 10
tmux_keys Enter
tmux_wait "Usager A : Marie DUPONT" 10
ok $? "column A: a name typed, the usager picked"
tmux_text "dupond"
tmux_wait "Marie DUPOND" 10
tmux_keys Enter
tmux_wait "Fiche conservée" 10
ok $? "column B picked: the comparison shows"
screen=$(tmux_screen)
like "$screen" "Usager B : Marie DUPOND" "column B names the usager"
like "$screen" "n° $dupont · " "each side shows its context (number)"
like "$screen" "RDV · " "and its rdvs"
like "$screen" "0 proche" "and relatives"
colours=$(tmux_screen_colours)
same=$(printf '%s\n' "$colours" | grep -F "Prénom")
diff=$(printf '%s\n' "$colours" | grep -F "Dupond" | grep -F "Dupont")
# merge.same = #005f00 on #d7f5d7 -> 22 on 194; merge.diff = #000000 on #ffaf5f -> 16 on 215
like "$same" "38;5;22" "an identical row (Prénom) has the green text"
like "$same" "48;5;194" "on the green background"
like "$diff" "38;5;16" "a different row (Nom) has the merge.diff text"
like "$diff" "48;5;215" "on the orange background"
like "$(tmux_screen | grep -F 'Prénom')" "=" "the identical row has the = gutter"
like "$(tmux_screen | grep -F 'Dupond' | grep -F 'Dupont')" "≠" "the different row has the ≠ gutter"
like "$(tmux_screen)" "Fiche conservée : A (n° $dupont)" "by default side A's e-mail: A survives"
# The cursor starts on the e-mail row: keep B's e-mail, so B survives.
tmux_keys Right
tmux_wait "Fiche conservée : B (n° $dupond)" 5
ok $? "→ on the e-mail row: B's e-mail kept, B survives"
# Down to the last name row, keep A's "Dupont".
tmux_keys Down Down Left
tmux_wait "● Dupont" 5
like "$(tmux_screen | grep -F 'Dupond' | grep -F 'Dupont')" "● Dupont" "← on the Nom row keeps A's value (●)"
like "$(tmux_screen | grep -F 'Dupond' | grep -F 'Dupont')" "○ Dupond" "and drops B's (○)"
tmux_keys Enter
tmux_wait "Entrée pour confirmer" 5
ok $? "Entrée asks for confirmation"
tmux_keys Enter
tmux_wait "Les usagers ont été fusionnés" 10
ok $? "the merge is done"
tmux_wait "Fiche usager · Marie DUPONT (n° $dupond)" 10
ok $? "the surviving record opens, with the chosen name"
screen=$(tmux_screen)
like "$screen" "marie.dupond@example.net" "it kept its e-mail"
like "$screen" "Rendez-vous : $both" "its statistics hold both histories ($both rdvs)"
is "$(sql -c "SELECT count(*) FROM rdv.usagers WHERE id = $dupont")" "0" "the other record is gone"
is "$(sql -c "SELECT count(*) FROM rdv.participations WHERE usager_id = $dupond")" "$everywhere" \
	"every participation is the survivor's, in every organisation ($everywhere)"
is "$(sql -c "SELECT survivor_id || ',' || removed_id || ',' || (SELECT db_role FROM rdv.agents WHERE id = merged_by_agent_id) FROM rdv.usager_merges")" \
	"$dupond,$dupont,sophie" "the merge is logged with who did it"
tmux_keys Escape
tmux_wait "Fusionner deux usagers" 5
ok $? "Échap returns to an empty merge screen"
tmux_keys Escape
tmux_wait "Rechercher :" 5
tmux_keys F2
tmux_wait "Agenda de Sophie MARTIN" 5
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"

# Monochrome: the gutter carries the meaning.
TMUX_SESSION=mono
tmux_start 110 32 "$RDV tui --db '$CONN' --now 2026-05-13T10:00 --theme monochrome"
tmux_wait "connecté" 15
tmux_keys F4
tmux_wait "Rechercher :" 5
tmux_keys F10
tmux_wait "Fusionner deux usagers" 5
tmux_text "jean-pierre"
tmux_wait "Jean-Pierre DUPONT" 10
tmux_keys Enter
tmux_wait "Usager A :" 10
tmux_text "jean pierre"
# Column A names one Jean-Pierre already: wait for both in B's hits.
tries=200
while [ "$tries" -gt 0 ] && [ "$(tmux_screen | grep -c 'Jean-Pierre DUPONT')" -lt 3 ]; do
	sleep 0.05
	tries=$((tries - 1))
done
tmux_keys Down Enter
tmux_wait "Fiche conservée" 10
ok $? "monochrome: two Jean-Pierre Dupont compared"
screen=$(tmux_screen)
like "$(printf '%s\n' "$screen" | grep -F 'Date de naissance')" "=" "monochrome: same birth date marked ="
like "$(printf '%s\n' "$screen" | grep -F 'E-mail')" "≠" "monochrome: different e-mails marked ≠"
unlike "$(tmux_screen_colours)" "38;5;" "monochrome: no colour at all"
tmux_keys Escape
tmux_wait "Rechercher :" 5
tmux_keys F2
tmux_wait "Agenda" 5
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
