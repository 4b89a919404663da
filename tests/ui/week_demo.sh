#!/bin/sh
# The demo as a basic agent: it creates its private cluster, opens the
# week view, moves across weeks, survives a resize below 80x24 and back,
# and quits cleanly.
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

tmux_start 120 40 "RDV_DEMO_DIR=$RDV_DEMO_DIR RDV_NOW=2026-05-13T10:00 $RDV demo --as julien"
tmux_wait "Agenda de Julien BERNARD" 60
ok $? "the demo opens the week view of Julien BERNARD"
tmux_wait "Semaine 20 · du 11 au 17 mai 2026" 5
ok $? "the week of 13 May 2026 is shown (week 20)"
screen=$(tmux_screen)
like "$screen" "lun. 11/05" "Monday 11/05 heads the first column"
like "$screen" "mer. 13/05 ◆" "today (13/05) is marked"
like "$screen" "Julien BERNARD · MDS Valence" "the status line names the agent and organisation"
tmux_wait "● connecté" 10
ok $? "the status line shows the connection once the week is loaded"

tmux_keys n
tmux_wait "Semaine 21 · du 18 au 24 mai 2026" 5
ok $? "n shows the next week"
tmux_keys PageDown
tmux_wait "Semaine 22 · du 25 au 31 mai 2026" 5
ok $? "PageDown shows the next week"
tmux_keys p p p
tmux_wait "Semaine 19 · du 4 au 10 mai 2026" 5
ok $? "p three times goes back three weeks"
tmux_keys t
tmux_wait "Semaine 20 · du 11 au 17 mai 2026" 5
ok $? "t comes back to today's week"
tmux_keys l l l l l
tmux_wait "Semaine 21" 5
ok $? "moving right past Friday crosses into next week"

tmux_resize 60 20
tmux_wait "Terminal trop petit" 5
ok $? "at 60x20 the client says the terminal is too small"
like "$(tmux_screen)" "80×24 minimum (actuel 60×20)" "the message gives the minimum and the current size"
tmux_resize 120 40
tmux_wait "Semaine 21" 5
ok $? "back at 120x40 the week view returns"

tmux_keys '?'
tmux_wait "Aide · touches" 5
ok $? "? opens the help"
screen=$(tmux_screen)
like "$screen" "Semaine suivante" "the help lists the actions from the key table"
like "$screen" "n/PgSuiv" "the help shows the keys of an action"
tmux_keys Escape
tmux_wait "Semaine 21" 5
ok $? "Escape closes the help"

tmux_keys q
is "$(tmux_exit_status 10)" "0" "q quits with status 0"
done_testing
