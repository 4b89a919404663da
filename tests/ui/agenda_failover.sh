#!/bin/sh
# Failover under a client with a half-filled form: a primary and a streaming
# standby (pg_basebackup -R, another socket directory), the client started
# with a multi-host conninfo (target_session_attrs=read-write). The primary
# crashes (immediate stop); the standby is promoted 5 s later. The client,
# which meanwhile says "hors connexion" and keeps the form, comes back by
# itself on the new primary, where the form saves.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
. "$top_srcdir/tests/ui/reconnect_lib.sh"
command -v pgrep >/dev/null || { echo "1..0 # SKIP pgrep not found"; exit 77; }
[ -x "$PG_BINDIR/pg_basebackup" ] || { echo "1..0 # SKIP pg_basebackup not found"; exit 77; }
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
is "$(psql -X -q -t -A -h "$STANDBY" -c "SELECT pg_is_in_recovery()")" "t" "the standby is in recovery"

CONN="host=$CLUSTER_DIR,$STANDBY port=5432,5432 dbname=rdv user=julien target_session_attrs=read-write"
TRACE=$TMUX_DIR/trace
tmux_start 120 40 "RDV_TRACE='$TRACE' $RDV tui --db '$CONN' --now 2026-05-13T08:00"
tmux_wait "● connecté" 15
ok $? "the client shows Julien's week, from the primary"

label="failover"
form_fill "Dossier CAF après bascule"
ok $? "$label: a half-filled rdv form (motif, lieu, context, usager)"
cluster_run "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w -s stop
ok $? "$label: the primary crashes (immediate stop)"
while_down "Dossier CAF après bascule"
# The standby is read-only for 5 s: the client must not settle on it.
sleep 5
unlike "$(status_line)" "connecté" "$label: the client does not take the read-only standby"
cluster_run "$PG_BINDIR/pg_ctl" -D "$STANDBY/data" -w -s promote
ok $? "$label: the standby is promoted"
back_up "Dossier CAF après bascule" -h "$STANDBY"

tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
