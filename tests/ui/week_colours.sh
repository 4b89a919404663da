#!/bin/sh
# A public holiday (Ascension, Thursday 14 May 2026) and a plage d'ouverture
# appear in the week view with their theme colours, and with their glyphs in
# the monochrome theme.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=$PGHOST port=$PGPORT dbname=rdv user=julien"

tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "✱ Ascension" 15
ok $? "the Ascension holiday is named in the week of 14 May"
screen=$(tmux_screen_colours)
line=$(printf '%s\n' "$screen" | grep -F "Ascension")
# default theme: agenda.holiday = #870000 on #ffd7d7 -> 256-colour 88 on 224
like "$line" "38;5;88" "the holiday's text has the holiday colour (88)"
like "$line" "48;5;224" "the holiday's background has the holiday colour (224)"
# Julien's exceptional plage of Wednesday 13:30 shows its lieu on its first row.
plage=$(printf '%s\n' "$screen" | grep -F "MDS Valence Centre")
# agenda.plage = #005f00 on #d7f5d7 -> 22 on 194
like "$plage" "38;5;22" "the plage's label has the plage text colour (22)"
like "$plage" "48;5;194" "the plage is drawn in the plage colour (194)"
like "$(tmux_screen)" "░" "the blocked holiday column is hatched"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"

TMUX_SESSION=mono
tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T10:00 --theme monochrome"
tmux_wait "✱ Ascension" 15
ok $? "monochrome theme: the holiday is named"
screen=$(tmux_screen)
like "$screen" "░" "monochrome theme: the holiday is hatched"
like "$screen" "·" "monochrome theme: plages are dotted"
colours=$(tmux_screen_colours)
unlike "$colours" "38;5;" "monochrome theme: no colour escape at all"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"

TMUX_SESSION=nocolor
tmux_start 120 40 "NO_COLOR=1 $RDV tui --db '$CONN' --now 2026-05-13T10:00"
tmux_wait "✱ Ascension" 15
ok $? "NO_COLOR: the view opens"
unlike "$(tmux_screen_colours)" "48;5;" "NO_COLOR: no background colour is used"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"

TMUX_SESSION=badtheme
tmux_start 120 40 "$RDV tui --db '$CONN' --theme nosuchtheme 2>$TMUX_DIR/err"
is "$(tmux_exit_status 10)" "2" "an unknown --theme exits with status 2"
like "$(cat "$TMUX_DIR/err")" "thème inconnu « nosuchtheme »" "and says why on stderr"
done_testing
