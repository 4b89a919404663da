#!/bin/sh
# The database stops under a client with a half-filled form, for 1 s, 15 s
# and 60 s: the status line says "hors connexion" (never "connecté"), Entrée
# says the form is kept and not sent, the client reconnects by itself within
# the backoff cap once the server is back, catches up from its change-feed
# cursor (nothing changed: the agenda does not reload), and the form, still
# as typed, saves. While it waits the client sleeps: its CPU time over the 15 s outage
# stays far under a second (it used to spin at 100 % and never come back).
# The client talks TCP to the server, with the keepalives it sets by default.
# After the reconnection the change feed is listened to again.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
. "$top_srcdir/tests/ui/reconnect_lib.sh"
command -v pgrep >/dev/null || { echo "1..0 # SKIP pgrep not found"; exit 77; }
# Over TCP: a refused connection fails inside PQconnectPoll, the case where
# the client used to keep a dead socket in its poll set and spin.
CLUSTER_TCP=1
cluster_start
trap 'tmux_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"
CONN="host=127.0.0.1 port=$PGPORT dbname=rdv user=julien"

TRACE=$TMUX_DIR/trace
tmux_start 120 40 "RDV_TRACE='$TRACE' $RDV tui --db '$CONN' --now 2026-05-13T08:00"
tmux_wait "● connecté" 15
ok $? "the client shows Julien's week"
pid=$(rdv_pid)
[ -n "$pid" ] && [ -r "/proc/$pid/stat" ]
ok $? "the client's process is found"

# keepalive_timer PID — the timer of the client's TCP socket to the server,
# as ss prints it: "timer:(keepalive,8.948ms" (8.948 s), "timer:(keepalive,9min59sec".
keepalive_timer() {
	line=$(ss -tnpo state established "( dport = :$PGPORT )" 2>/dev/null | grep "pid=$1,")
	if [ -z "$line" ]; then
		echo "no socket"
	else
		echo "$line" | grep -o 'timer:([a-z]*,[0-9a-z.]*' || echo "no timer"
	fi
}
if command -v ss >/dev/null; then
	# libpq turns keepalives on by itself, but with the kernel's 2 h idle time.
	timer=$(keepalive_timer "$pid")
	like "$timer" "timer:(keepalive," "TCP keepalives are on"
	unlike "$timer" "min" "the first probe comes within seconds, not the kernel's 2 hours ($timer)"
	TMUX_SESSION=b tmux_start 120 40 "$RDV tui --db '$CONN keepalives_idle=600' --now 2026-05-13T08:00"
	TMUX_SESSION=b tmux_wait "● connecté" 15
	timer=$(keepalive_timer "$(TMUX_SESSION=b rdv_pid)")
	like "$timer" "timer:(keepalive," "a client with keepalives_idle=600 has keepalives too"
	like "$timer" "min" "keepalives_idle in the conninfo wins over the default ($timer)"
	TMUX_SESSION=b tmux_keys q
	TMUX_SESSION=b tmux_exit_status 10 >/dev/null
fi

# outage SECONDS CONTEXT — one outage under a half-filled form.
outage() {
	label="$1 s outage"
	form_fill "$2"
	ok $? "$label: a half-filled rdv form (motif, lieu, context, usager)"
	cluster_pause
	ok $? "$label: the database stops"
	while_down "$2"
	before=$(cpu_ticks "$pid")
	sleep "$1"
	after=$(cpu_ticks "$pid")
	# However long the outage, the attempts stay at most 4 s apart.
	tmux_wait "○ hors connexion · essai dans" 10
	wait_s=$(status_line | sed -n 's/.*essai dans \([0-9]*\) s.*/\1/p')
	[ -n "$wait_s" ] && [ "$wait_s" -le 4 ]
	ok $? "$label: after $1 s the next attempt is at most 4 s away (${wait_s:-?} s)"
	cluster_resume
	ok $? "$label: the database starts again"
	back_up "$2"
	# The next form goes 1 h 30 later on the same day.
	tmux_keys Down Down Down
}

outage 1 "Dossier CAF à compléter"

# The change feed works again on the new session: a change made elsewhere
# shows by itself (no key pressed).
tmux_wait "08:00 • René PERRIN" 5
ok $? "the saved rdv is in the agenda"
psql -X -q -c "UPDATE rdv.rdvs SET status = 'excused' WHERE context = 'Dossier CAF à compléter'"
tmux_wait "08:00 ✗ René PERRIN" 10
ok $? "a change made elsewhere after the reconnection shows by itself (LISTEN again)"

outage 15 "Attestation de domicile"
ticks=$((after - before))
hz=$(getconf CLK_TCK)
echo "# CPU used while waiting 15 s for the server: $ticks ticks of 1/$hz s"
[ "$ticks" -lt "$hz" ]
ok $? "the client sleeps while waiting: under 1 s of CPU over the 15 s outage ($ticks/$hz s)"

outage 60 "Demande de logement social"

tmux_keys q
is "$(tmux_exit_status 10)" "0" "quits cleanly"
done_testing
