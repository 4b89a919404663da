#!/bin/sh
# Catch-up after a reconnection (issue 13, goal 2): the client keeps its
# change-feed cursor across an outage and, once back, reads what changed
# meanwhile from it; only what that touches reloads. Each outage: the server
# restarts listening on its Unix socket only (the client, on TCP, cannot
# reconnect), other desks write through the socket, then the server listens
# on TCP again and the client comes back by itself.
#   1. nothing changed: the catch-up reads no change, the agenda stays;
#   2. changes to another agent and to another week: read, the agenda stays;
#   3. an rdv of Julien's week: the agenda reloads exactly once and shows it;
#   4. the feed pruned past the cursor: everything reloads, once.
# Reloads are counted from RDV_TRACE ("reply T 0" is an agenda reply).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
. "$top_srcdir/tests/ui/reconnect_lib.sh"
CLUSTER_TCP=1
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
. "$top_srcdir/tests/ui/desks_lib.sh"

TRACE=$TMUX_DIR/trace
: >"$TRACE"
tmux_start 120 40 "RDV_TRACE='$TRACE' $RDV tui --db 'host=127.0.0.1 port=$PGPORT dbname=rdv user=julien' --now 2026-05-13T08:00"
tmux_wait "● connecté" 15
ok $? "the client shows Julien's week (over TCP)"
tries=200
while [ "$tries" -gt 0 ] && ! grep -q '^feed ' "$TRACE"; do sleep 0.05; tries=$((tries - 1)); done
grep -q '^feed ' "$TRACE"
ok $? "it read the feed's start cursor"

# outage WHAT — the server away for the client (socket only) while WHAT (a
# shell command) writes; then back on TCP. Waits until the client caught up.
outage() {
	cluster_pause && CLUSTER_LISTEN= cluster_resume || return 1
	tmux_wait "○ hors connexion" 10 || return 1
	eval "$1" >/dev/null || return 1
	cluster_pause && CLUSTER_LISTEN=127.0.0.1 cluster_resume || return 1
	tmux_wait "● connecté" 15 || return 1
	catchup_settle "$TRACE"
}
catchup() { since_link_up "$TRACE" | sed -n 's/^catchup [0-9.]* //p' | head -n 1; }
reloads() { since_link_up "$TRACE" | grep -c '^reply [0-9.]* 0$'; }

# 1. Nothing changed.
outage true
ok $? "1: the client comes back and catches up"
is "$(catchup)" "0" "1: the catch-up reads no change"
is "$(reloads)" "0" "1: the agenda does not reload"

# 2. Sophie's rdv this week, Julien's in three weeks: not on this agenda.
outage "book $SOPHIE 2026-05-13 10:00 1; book $JULIEN 2026-06-03 10:00 2"
ok $? "2: the client comes back and catches up"
n=$(catchup)
ok "$([ "${n:-0}" -ge 2 ]; echo $?)" "2: the catch-up reads the changes made during the outage ($n)"
is "$(reloads)" "0" "2: none touches the week shown: the agenda does not reload"

# 3. Julien, Wednesday 11:00: this week, this agent.
outage "book $JULIEN 2026-05-13 11:00 3 >'$TMUX_DIR/n3'"
ok $? "3: the client comes back and catches up"
n=$(catchup)
ok "$([ "${n:-0}" -ge 1 ]; echo $?)" "3: the catch-up reads the change ($n)"
tmux_wait "11:00 • $(cat "$TMUX_DIR/n3")" 10
ok $? "3: Julien's new rdv shows without a key pressed"
is "$(reloads)" "1" "3: the agenda reloads exactly once"

# 4. The feed pruned past the client's cursor (as rdv.changes_prune() leaves
# it): the cursor cannot be trusted, everything reloads.
outage "sql \"UPDATE rdv.changes_horizon SET pruned_through = pg_current_xact_id()\""
ok $? "4: the client comes back and catches up"
is "$(catchup)" "-1" "4: the catch-up answers reset (pruned past the cursor)"
is "$(reloads)" "1" "4: the agenda reloads, once"

tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
