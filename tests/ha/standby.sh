#!/bin/sh
# The client on a hot standby (issue 13 goal 4 groundwork): it used to
# refuse to start ("cannot execute LISTEN during recovery"). Now it opens
# the agenda read-only: the week the primary wrote is shown, the status line
# says "connecté" and that writes are refused, and saving a form says so in
# French with the form kept; nothing reaches the standby.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
. "$top_srcdir/tests/ui/reconnect_lib.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux absent"; exit 77; }
[ -x "$PG_BINDIR/pg_basebackup" ] || { echo "1..0 # SKIP pg_basebackup absent"; exit 77; }
cluster_start
STANDBY=$CLUSTER_DIR/standby
standby_stop() {
	[ -d "$STANDBY/data" ] &&
		cluster_run "$PG_BINDIR/pg_ctl" -D "$STANDBY/data" -m immediate -w -s stop >/dev/null 2>&1
	true
}
trap 'tmux_stop; standby_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"

mkdir "$STANDBY"
[ "$(id -u)" = 0 ] && chown postgres: "$STANDBY"
cluster_run "$PG_BINDIR/pg_basebackup" -h "$CLUSTER_DIR" -p 5432 -U postgres -D "$STANDBY/data" -R \
	-X stream -c fast >"$STANDBY/basebackup.log" 2>&1 ||
	{ echo "Bail out! pg_basebackup failed: $(tail -3 "$STANDBY/basebackup.log")"; exit 1; }
cluster_run "$PG_BINDIR/pg_ctl" -D "$STANDBY/data" -l "$STANDBY/server.log" -w -s \
	-o "-c listen_addresses='' -c unix_socket_directories='$STANDBY' -p 5432" start ||
	{ echo "Bail out! standby start failed: $(tail -3 "$STANDBY/server.log")"; exit 1; }
sby() { psql -X -q -t -A -h "$STANDBY" "$@"; }
is "$(sby -c "SELECT pg_is_in_recovery()")" "t" "the standby is in recovery"
# A booking made on the primary after the copy (Julien, 13 May 17:00): the
# standby replays it and the client shows it.
set -- $(sql -c "$(booking_args_sql julien)" | tr '|' ' ')
psql -X -q -t -A -v ON_ERROR_STOP=1 -U julien -c "SELECT rdv.rdv_book($1, $2, '2026-05-13 17:00', 30,
	'{$3}', '{$4}', true, 'Vu sur le secondaire')" >/dev/null
ok $? "a booking on the primary after the copy"
lsn=$(sql -c "SELECT pg_current_wal_lsn()")
tries=100
while [ "$tries" -gt 0 ] && [ "$(sby -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" != t ]; do
	sleep 0.1
	tries=$((tries - 1))
done
is "$(sby -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" "t" "replayed on the standby"
before=$(sby -c "SELECT count(*) FROM rdv.rdvs")

CONN="host=$STANDBY port=5432 dbname=rdv user=julien"
tmux_start 120 40 "$RDV tui --db '$CONN' --now 2026-05-13T08:00 2>$TMUX_DIR/stderr"
tmux_wait "● connecté" 15
ok $? "the client starts on the standby and says connected"
like "$(tmux_screen)" "Agenda de Julien BERNARD" "it shows Julien's week"
like "$(tmux_screen)" "17:00 •" "with the booking replayed from the primary"
like "$(tmux_screen)" "consultation seulement" "the status line says writes are refused"
unlike "$(cat "$TMUX_DIR/stderr" 2>/dev/null)" "LISTEN" "no LISTEN error"

label="standby"
form_fill "Saisi sur le secondaire"
ok $? "a new rdv form can be filled (the usager picker reads the standby)"
tmux_keys Enter
tries=200
while [ "$tries" -gt 0 ]; do
	s=$(tmux_screen)
	case $s in
	*"lecture seule"*) break ;;
	*"Confirmer en ignorant les avertissements"*) tmux_keys Enter ;;
	esac
	sleep 0.05
	tries=$((tries - 1))
done
screen=$(tmux_screen)
like "$screen" "serveur secondaire en lecture seule, saisie conservée" \
	"saving says, in French, that the standby is read-only"
like "$screen" "Contexte           Saisi sur le secondaire" "the context is as typed"
like "$screen" "Usagers *          René PERRIN" "the usager is still there"
is "$(sby -c "SELECT count(*) FROM rdv.rdvs")" "$before" "nothing was written"
is "$(sql -c "SELECT count(*) FROM rdv.rdvs WHERE context = 'Saisi sur le secondaire'")" "0" \
	"nor on the primary"
tmux_keys Escape
tmux_wait "Abandonner les modifications ?" 5 && tmux_keys o
tmux_wait_gone "Contexte           Saisi" 5
ok $? "the form is left (modifications abandoned)"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
