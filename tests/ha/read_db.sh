#!/bin/sh
# Reads on a replica (issue 13 goal 4): the client with db = the primary and
# read_db = a streaming hot standby. Week loads, slot and usager searches and
# feed reads go to the standby (its log, application_name rdv-read); the
# agent reads his own booking at once while the standby's replay is paused;
# with the standby stopped the client keeps working on the primary and says
# so; it goes back to the standby when the standby returns.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
. "$top_srcdir/tests/ui/reconnect_lib.sh"
[ -x "$PG_BINDIR/pg_basebackup" ] || { echo "1..0 # SKIP pg_basebackup absent"; exit 77; }
CLUSTER_LOG_STATEMENT=all cluster_start
STANDBY=$CLUSTER_DIR/standby
standby_ctl() {
	cluster_run "$PG_BINDIR/pg_ctl" -D "$STANDBY/data" -l "$STANDBY/server.log" -w -s "$@"
}
standby_start() {
	standby_ctl -o "-c listen_addresses='' -c unix_socket_directories='$STANDBY' -p 5432 \
		-c log_statement=all -c log_line_prefix='%m [%p] %a '" start
}
standby_stop() {
	[ -d "$STANDBY/data" ] && standby_ctl -m immediate stop >/dev/null 2>&1
	true
}
trap 'tmux_stop; standby_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
# The primary's log names the connection too (log_statement = all from cluster_start).
sql -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] %a '" -c "SELECT pg_reload_conf()" >/dev/null

mkdir "$STANDBY"
[ "$(id -u)" = 0 ] && chown postgres: "$STANDBY"
cluster_run "$PG_BINDIR/pg_basebackup" -h "$CLUSTER_DIR" -p 5432 -U postgres -D "$STANDBY/data" -R \
	-X stream -c fast >"$STANDBY/basebackup.log" 2>&1 ||
	{ echo "Bail out! pg_basebackup failed: $(tail -3 "$STANDBY/basebackup.log")"; exit 1; }
standby_start || { echo "Bail out! standby start failed: $(tail -3 "$STANDBY/server.log")"; exit 1; }
sby() { psql -X -q -t -A -h "$STANDBY" -p 5432 "$@"; }
is "$(sby -c "SELECT pg_is_in_recovery()")" "t" "the standby is in recovery"

# replayed — wait until the standby replayed everything the primary wrote.
replayed() {
	lsn=$(sql -c "SELECT pg_current_wal_lsn()")
	tries=200
	while [ "$tries" -gt 0 ] && [ "$(sby -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" != t ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ "$(sby -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ]
}
# count LOG PATTERN — statements matching PATTERN sent by the client's connection
# LOG (p: the primary, rdv-primary; s: the standby, rdv-read).
count() {
	case $1 in
	p) grep -F " rdv-primary " "$CLUSTER_DIR/server.log" | grep -cF -- "$2" ;;
	s) grep -F " rdv-read " "$STANDBY/server.log" | grep -cF -- "$2" ;;
	esac
}
# grows LOG PATTERN BEFORE [SECONDS] — 0 once count LOG PATTERN > BEFORE.
grows() {
	tries=$(( ${4:-10} * 10 ))
	while [ "$tries" -gt 0 ]; do
		[ "$(count "$1" "$2")" -gt "$3" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}
WEEK="rdv.to_fill_count("
SLOTS="FROM rdv.motifs mo"
USAGERS="rdv.usager_search("
FEED="rdv.feed_since("

# book AT CONTEXT — another desk (sophie, psql on the primary) books Julien on 13 May.
set -- $(sql -c "$(booking_args_sql julien)" | tr '|' ' ')
MOTIF=$1 LIEU=$2 JULIEN=$3 USAGER=$4
book() {
	psql -X -q -t -A -v ON_ERROR_STOP=1 -U sophie -c "SELECT rdv.rdv_book($MOTIF, $LIEU,
		'2026-05-13 $1', 30, '{$JULIEN}', '{$USAGER}', true, '$2')" >/dev/null
}

# The client: db on the command line, read_db in the configuration file.
mkdir -p "$TMUX_DIR/xdg/rdv"
# No lag bound in practice for this desk: what sends its reads to the primary
# while replay is paused below is its own write, not the standby's lag.
READ="host=$STANDBY port=5432 dbname=rdv user=julien application_name=rdv-read target_session_attrs=prefer-standby"
printf 'read_db = %s\nread_db_max_lag = 3600\n' "$READ" >"$TMUX_DIR/xdg/rdv/config"
PRIMARY="host=$CLUSTER_DIR port=5432 dbname=rdv user=julien application_name=rdv-primary"
like "$("$RDV" tui --help)" "--read-db CONNINFO" "rdv tui --help lists --read-db"
tmux_start 120 40 "RDV_TRACE=$TMUX_DIR/trace XDG_CONFIG_HOME=$TMUX_DIR/xdg $RDV tui --db '$PRIMARY' --now 2026-05-13T08:00 2>$TMUX_DIR/stderr"
tmux_wait "Agenda de Julien BERNARD" 15
ok $? "the client starts"
# idle — wait until the status line says only "connecté": nothing in flight on
# either connection (the primary's WAL position after its last request, the
# standby's replay check), so reads go to the standby if it is caught up.
# It also waits for the client to know that the standby replayed all it sent
# to the primary (the trace's last "replica" line says 1): only then do its
# reads go to the standby (a loaded machine may take a while to replay).
idle() {
	tries=200
	while [ "$tries" -gt 0 ] && ! { status_line | grep -q "● connecté *$" &&
		[ "$(grep '^replica ' "$TMUX_DIR/trace" 2>/dev/null | tail -1 | cut -d' ' -f3)" = 1 ]; }; do
		sleep 0.1
		tries=$((tries - 1))
	done
}
idle
status_line | grep -q "● connecté *$"
ok $? "the status line says connected, nothing about the standby"
is "$(grep '^replica ' "$TMUX_DIR/trace" | tail -1 | cut -d' ' -f3)" "1" \
	"the client knows the standby replayed what it sent to the primary"
is "$(sby -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rdv-read' AND usename = 'julien'")" \
	"1" "the client has one connection on the standby, as julien"

# Week loads on the standby: next week, back.
p=$(count p "$WEEK") s=$(count s "$WEEK")
tmux_keys n
tmux_wait "Semaine 21" 10
tmux_keys p
tmux_wait "Semaine 20" 10
grows s "$WEEK" "$((s + 1))" 10
ok $? "two week loads went to the standby"
is "$(count p "$WEEK")" "$p" "and none to the primary"

# A booking by another desk (NOTIFY on the primary): the feed is read on the
# standby once replayed, and the week reloads there.
f=$(count s "$FEED") s=$(count s "$WEEK")
book "16:00" "Autre guichet"
tmux_wait "16:00 •" 15
ok $? "another desk's booking appears"
grows s "$FEED" "$f" 5
ok $? "the feed was read on the standby"
grows s "$WEEK" "$s" 5
ok $? "the week reloaded from the standby"
is "$(count p "$WEEK")" "$p" "not from the primary"

# "Trouver un RDV": the slot search reads the standby.
s=$(count s "$SLOTS") p=$(count p "$SLOTS")
tmux_keys F3
tmux_wait "À partir du" 5
# Opening it loaded its choices from the primary: wait for the standby to be known caught up.
idle
tmux_keys S Enter
tmux_wait "Suivi social · du mer. 13/05 au mar. 19/05/2026" 10
ok $? "a slot search answers"
grows s "$SLOTS" "$s" 5
ok $? "it ran on the standby"
is "$(count p "$SLOTS")" "$p" "not on the primary"
# Usagers: the search reads the standby.
s=$(count s "$USAGERS") p=$(count p "$USAGERS")
tmux_keys F4
tmux_wait "Usagers" 5
idle
tmux_text "perrin"
tmux_wait "René PERRIN" 10
ok $? "a usager search answers"
grows s "$USAGERS" "$s" 5
ok $? "it ran on the standby"
is "$(count p "$USAGERS")" "$p" "not on the primary"
tmux_keys F2
tmux_wait "Semaine 20" 5
ok $? "back to the agenda"
# F2 opens a new week screen: its title shows while its week loads, and the
# check below would read an empty grid.
tmux_wait "● connecté" 10

# Read-your-writes with the standby's replay paused.
replayed
sby -U postgres -c "SELECT pg_wal_replay_pause()" >/dev/null
on_standby=$(sby -c "SELECT count(*) FROM rdv.rdvs")
label="paused"
unlike "$(tmux_screen)" "08:00 • René PERRIN" "$label: nothing at 08:00 yet"
form_fill "Lu aussitôt"
ok $? "$label: a new rdv form is filled"
form_save
ok $? "$label: the agent books it"
tmux_wait "08:00 • René PERRIN" 10
ok $? "$label: and sees it at once in the week"
is "$(sql -c "SELECT count(*) FROM rdv.rdvs WHERE context = 'Lu aussitôt'")" "1" "$label: it is on the primary"
is "$(sby -c "SELECT count(*) FROM rdv.rdvs")" "$on_standby" "$label: not on the standby (replay paused)"
p=$(count p "$WEEK")
tmux_keys n
tmux_wait "Semaine 21" 10
tmux_keys p
tmux_wait "08:00 • René PERRIN" 10
ok $? "$label: a later week load shows it too"
[ "$(count p "$WEEK")" -gt "$p" ]
ok $? "$label: from the primary, the standby not having replayed it"
unlike "$(status_line)" "secondaire" "$label: the standby is not considered behind (bound 3600 s)"
# A second desk, read_db on the command line and the default bound (10 s):
# the paused standby is behind, so it reads the primary, and says so.
mkdir -p "$TMUX_DIR/xdg2"
TMUX_SESSION=b tmux_start 120 40 "XDG_CONFIG_HOME=$TMUX_DIR/xdg2 $RDV tui --db '$PRIMARY' --read-db '$READ' --now 2026-05-13T08:00 2>$TMUX_DIR/stderr.b"
TMUX_SESSION=b tmux_wait "secondaire en retard" 40
ok $? "$label: a desk with the default bound says the standby is behind"
TMUX_SESSION=b tmux_keys n
TMUX_SESSION=b tmux_wait "Semaine 21" 10
TMUX_SESSION=b tmux_keys p
TMUX_SESSION=b tmux_wait "08:00 • René PERRIN" 10
ok $? "$label: and shows what the primary has"
TMUX_SESSION=b tmux_keys q
is "$(TMUX_SESSION=b tmux_exit_status 10)" "0" "$label: that desk quits cleanly"
# Another desk's write: not required to be visible while replay is paused;
# once it resumes, it is, and reads go back to the standby.
book "17:00" "Pendant la pause"
sby -U postgres -c "SELECT pg_wal_replay_resume()" >/dev/null
tmux_wait "17:00 •" 15
ok $? "$label: after the replay resumes, the other desk's booking shows"
replayed
s=$(count s "$WEEK") p=$(count p "$WEEK")
tmux_keys n
tmux_wait "Semaine 21" 10
tmux_keys p
tmux_wait "08:00 • René PERRIN" 10
grows s "$WEEK" "$s" 10
ok $? "$label: week loads are back on the standby"
is "$(count p "$WEEK")" "$p" "$label: and not on the primary"

# The standby stops: reads fall back to the primary, the status line says so.
standby_stop
tmux_wait "secondaire hors ligne" 15
ok $? "stopped: the status line says the standby is offline"
like "$(status_line)" "● connecté · secondaire hors ligne" "stopped: still connected to the primary"
p=$(count p "$WEEK")
tmux_keys n
tmux_wait "Semaine 21" 10
ok $? "stopped: the next week shows"
grows p "$WEEK" "$p" 10
ok $? "stopped: loaded from the primary"
tmux_keys p
tmux_wait "Semaine 20" 10
book "15:00" "Standby arrêté"
tmux_wait "15:00 •" 15
ok $? "stopped: another desk's booking still appears (feed on the primary)"
tmux_keys F3
tmux_wait "À partir du" 5
tmux_keys S Enter
tmux_wait "Suivi social · du mer. 13/05 au mar. 19/05/2026" 10
ok $? "stopped: a slot search answers (primary)"
tmux_keys F2
tmux_wait "Semaine 20" 5

# It comes back: the client reconnects by itself and reads there again.
standby_start || echo "Bail out! standby restart failed: $(tail -3 "$STANDBY/server.log")"
tmux_wait_gone "secondaire hors ligne" 20
ok $? "back: the status line no longer says the standby is offline"
idle # its loads may still be in flight ("chargement…")
status_line | grep -q "● connecté *$"
ok $? "back: it says connected, nothing more"
replayed
s=$(count s "$WEEK")
tmux_keys n
tmux_wait "Semaine 21" 10
tmux_keys p
tmux_wait "Semaine 20" 10
grows s "$WEEK" "$s" 10
ok $? "back: week loads go to the standby again"
# read_db as another role: row-level security would show other rows; it is not used.
TMUX_SESSION=c tmux_start 120 40 "XDG_CONFIG_HOME=$TMUX_DIR/xdg2 $RDV tui --db '$PRIMARY' --read-db 'host=$STANDBY port=5432 dbname=rdv user=sophie application_name=rdv-other' --now 2026-05-13T08:00 2>$TMUX_DIR/stderr.c"
TMUX_SESSION=c tmux_wait "read_db : rôle sophie au lieu de julien, lectures sur le serveur principal" 20
ok $? "read_db as another role: the client says it reads the primary"
# (once the start's loads are in: "chargement…" stands there meanwhile)
TMUX_SESSION=c tmux_wait "● connecté · secondaire ignoré" 20
ok $? "read_db as another role: the status line says it is ignored"
tries=100
while [ "$tries" -gt 0 ] && [ "$(sby -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rdv-other'")" != 0 ]; do
	sleep 0.1
	tries=$((tries - 1))
done
is "$(sby -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rdv-other'")" "0" \
	"read_db as another role: its connection is closed"
TMUX_SESSION=c tmux_keys q
is "$(TMUX_SESSION=c tmux_exit_status 10)" "0" "read_db as another role: quits cleanly"
unlike "$(cat "$TMUX_DIR/stderr" "$TMUX_DIR/stderr.b" "$TMUX_DIR/stderr.c" 2>/dev/null)" "." "nothing on stderr"
tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
