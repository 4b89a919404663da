#!/bin/sh
# The client through a transaction-mode pooler (issue 13 goal 3, client
# side): real pgbouncer (pool_mode = transaction, ONE server connection as
# rdv_pool shared by every desk), real TUI in tmux.
#   - pooled login: the agent connects as itself, takes a session token,
#     closes that connection and works through the pooler only;
#   - the week shows, a booking saves, another desk's booking appears by
#     feed polling (no LISTEN through a pooler);
#   - two agents of different organisations on the same server connection
#     each see their own organisation only, as they do directly;
#   - pgbouncer restarts under a half-filled form: the client comes back
#     with the same token and the form saves;
#   - a revoked token is renewed by the client by itself; the token is
#     renewed before it expires (pool_ttl = 1 minute here);
#   - a forged or expired token sees nothing; the token is never on the
#     screen, in the trace, in pgbouncer's log or in the environment.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"
. "$top_srcdir/tests/lib/tmux.sh"
. "$top_srcdir/tests/ui/reconnect_lib.sh"
PGBOUNCER=$(command -v pgbouncer 2>/dev/null || { [ -x /usr/sbin/pgbouncer ] && echo /usr/sbin/pgbouncer; })
if [ -z "$PGBOUNCER" ]; then
	echo "1..0 # SKIP pgbouncer is not installed (Debian package pgbouncer)"
	echo "${0##*/}: skipped: pgbouncer is not installed (Debian package pgbouncer)" >&2
	exit 77
fi
command -v pgrep >/dev/null || { echo "1..0 # SKIP pgrep not found"; exit 77; }

cluster_start
bouncer_stop() {
	[ -f "$CLUSTER_DIR/pgbouncer.pid" ] && kill "$(cat "$CLUSTER_DIR/pgbouncer.pid")" 2>/dev/null
	tries=100
	while [ -f "$CLUSTER_DIR/pgbouncer.pid" ] && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
}
trap 'tmux_stop; bouncer_stop; cluster_stop; rm -rf "$TMUX_DIR"' EXIT
"$RDV" db seed demo --today 2026-05-13 >/dev/null || echo "Bail out! seed failed"

BPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) ||
	BPORT=$((30000 + $$ % 20000))
cat >"$CLUSTER_DIR/pgbouncer.ini" <<EOF
[databases]
rdv = host=$CLUSTER_DIR port=$PGPORT dbname=rdv user=rdv_pool pool_size=1
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BPORT
unix_socket_dir =
auth_type = trust
auth_file = $CLUSTER_DIR/users.txt
pool_mode = transaction
default_pool_size = 1
max_db_connections = 1
max_client_conn = 50
server_reset_query =
logfile = $CLUSTER_DIR/pgbouncer.log
pidfile = $CLUSTER_DIR/pgbouncer.pid
EOF
printf '"rdv_pool" ""\n' >"$CLUSTER_DIR/users.txt"
[ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR/pgbouncer.ini" "$CLUSTER_DIR/users.txt"
POOLCONN="host=127.0.0.1 port=$BPORT dbname=rdv user=rdv_pool connect_timeout=3"
bouncer_start() {
	cluster_run "$PGBOUNCER" -d "$CLUSTER_DIR/pgbouncer.ini" >/dev/null 2>&1 || return 1
	tries=100
	until psql -X -q -t -A "$POOLCONN" -c 'SELECT 1' 2>/dev/null | grep -qx 1; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.1
	done
}
bouncer_start || { echo "Bail out! pgbouncer did not start: $(tail -3 "$CLUSTER_DIR/pgbouncer.log" 2>/dev/null)"; exit 1; }

direct() { echo "host=$PGHOST port=$PGPORT dbname=rdv user=$1"; }

# Start-up errors: one line on stderr. A bad pool_ttl is bad input (2); a
# pooler that does not answer is a failed start (1).
mkdir -p "$TMUX_DIR/bad/rdv"
echo "pool_ttl = 0" >"$TMUX_DIR/bad/rdv/config"
err=$(XDG_CONFIG_HOME="$TMUX_DIR/bad" "$RDV" tui --db "$(direct julien)" --pool-db "$POOLCONN" 2>&1 </dev/null)
is "$?|$err" "2|rdv: pool_ttl : nombre de minutes entre 1 et 1440 attendu, pas « 0 »" \
	"pool_ttl = 0: one line on stderr, exit status 2"
err=$("$RDV" tui --db "$(direct julien)" --pool-db "host=127.0.0.1 port=1 dbname=rdv user=rdv_pool" 2>&1 </dev/null)
st=$?
like "$st|$err" "1|rdv: connexion au pooler impossible" "a pooler that does not answer: exit status 1, said on stderr"
# Desk A's configuration: a token of one minute, renewed every 30 s.
mkdir -p "$TMUX_DIR/cfg/rdv"
echo "pool_ttl = 1" >"$TMUX_DIR/cfg/rdv/config"
TA="$TMUX_DIR/trace.a" TC="$TMUX_DIR/trace.c"
NOW=2026-05-13T08:00

# ---------------------------------------------------------------- log in, week
TMUX_SESSION=a tmux_start 120 40 "RDV_TRACE=$TA XDG_CONFIG_HOME=$TMUX_DIR/cfg $RDV tui --db '$(direct julien)' --pool-db '$POOLCONN' --now $NOW"
TMUX_SESSION=a tmux_wait "● connecté via le pooler" 20
ok $? "desk A (Julien) logs in through the pooler; the status line says so"
screen=$(TMUX_SESSION=a tmux_screen)
like "$screen" "Semaine 20 · du 11 au 17 mai 2026" "desk A shows the week"
like "$screen" "Julien BERNARD · MDS Valence" "desk A is Julien, MDS Valence"
like "$screen" "lodie B" "desk A shows Julien's Monday rdv (Élodie Bézier)"
is "$(psql -X -q -t -A -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'julien'")" 0 \
	"the agent's own connection is closed after the token is taken"
is "$(psql -X -q -t -A -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'rdv_pool'")" 1 \
	"the server has one connection of rdv_pool"
is "$(psql -X -q -t -A -c "SELECT count(*) FROM pg_listening_channels()")" 0 "nothing LISTENs (no session through a pooler)"

TMUX_SESSION=c tmux_start 120 40 "RDV_TRACE=$TC $RDV tui --db '$(direct julien)' --pool-db '$POOLCONN' --now $NOW"
TMUX_SESSION=t tmux_start 120 40 "$RDV tui --db '$(direct thomas)' --pool-db '$POOLCONN' --now $NOW"
TMUX_SESSION=c tmux_wait "● connecté via le pooler" 20
ok $? "desk B (Julien again) logs in through the same pool"
TMUX_SESSION=t tmux_wait "● connecté via le pooler" 20
ok $? "desk T (Thomas, CCAS) logs in through the same pool"
like "$(TMUX_SESSION=t tmux_screen)" "Thomas GIRARD · CCAS Romans" "desk T is Thomas, CCAS Romans"
is "$(psql -X -q -t -A -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'rdv_pool'")" 1 \
	"three desks, still one server connection"

# ---------------------------------------------------------------- book, feed polling
export TMUX_SESSION=a
tmux_keys r
tmux_wait "Motif *" 5
tmux_keys S Down Down Down Down Right Down Down Down
tmux_text "par le pooler"
tmux_keys C-n
tmux_text "rené perrin"
tmux_wait "René PERRIN" 5
tmux_keys Enter
tmux_wait "Usagers *          René PERRIN" 5
ok $? "desk A fills a new rdv form (Wednesday 08:00)"
form_save
ok $? "desk A books the rdv through the pooler"
is "$(psql -X -q -t -A -c "SELECT count(*) FROM rdv.rdvs WHERE context = 'par le pooler'")" 1 \
	"the rdv is in the database, once"
is "$(psql -X -q -t -A -c "SELECT a.db_role FROM rdv.rdvs r JOIN rdv.rdv_agents ra ON ra.rdv_id = r.id
      JOIN rdv.agents a ON a.id = ra.agent_id WHERE r.context = 'par le pooler'")" julien "… for Julien"
TMUX_SESSION=c tmux_wait "08:00 • René PERRIN" 15
ok $? "desk B shows desk A's booking by itself (feed polling, no LISTEN)"
unlike "$(TMUX_SESSION=t tmux_screen)" "René PERRIN" "desk T (CCAS) does not show it"

# ---------------------------------------------------------------- organisations on one connection
# (tmux: no session named b, a prefix of the panes' window name "bash".)
# The rdv list (5) of each agent, pooled, then directly: the same count, and
# Julien's (MDS) differs from Thomas's (CCAS). The pooled loads of the three
# desks interleave on the one server connection.
list_count() {
	tmux_keys 5
	tmux_wait "Liste des RDV · " 10 || { echo none; return; }
	tmux_wait_gone "Liste des RDV · chargement" 15
	tmux_screen | sed -n 's/.*Liste des RDV · \([0-9]*\) rendez-vous.*/\1/p;s/.*Liste des RDV · aucun rendez-vous.*/0/p' | head -n 1
}
for i in 1 2 3; do
	TMUX_SESSION=a tmux_keys C-l
	TMUX_SESSION=t tmux_keys C-l
	TMUX_SESSION=c tmux_keys C-l
done
PA=$(TMUX_SESSION=a list_count)
# An export from the list is written by a child process: it connects as the
# agent himself (never with the token, never as rdv_pool, which sees nothing).
TMUX_SESSION=a tmux_keys X
TMUX_SESSION=a tmux_wait "Export .xlsx terminé : $PA rendez-vous" 60
ok $? "desk A's export (a child process, connected as Julien) has his $PA rdvs"
PT=$(TMUX_SESSION=t list_count)
TMUX_SESSION=dj tmux_start 120 40 "$RDV tui --db '$(direct julien)' --now $NOW"
TMUX_SESSION=dt tmux_start 120 40 "$RDV tui --db '$(direct thomas)' --now $NOW"
TMUX_SESSION=dj tmux_wait "● connecté" 20
TMUX_SESSION=dt tmux_wait "● connecté" 20
DA=$(TMUX_SESSION=dj list_count)
DT=$(TMUX_SESSION=dt list_count)
ok "$(printf '%s' "$PA" | grep -qx '[0-9][0-9]*'; echo $?)" "Julien's rdv list through the pooler has a count ($PA)"
is "$PA" "$DA" "Julien sees through the pooler the rdvs he sees directly"
is "$PT" "$DT" "Thomas sees through the pooler the rdvs he sees directly"
ok "$([ "$PA" != "$PT" ]; echo $?)" "Julien (MDS, $PA) and Thomas (CCAS, $PT) see different rdvs on the same server connection"
unlike "$(TMUX_SESSION=t tmux_screen)" "par le pooler" "Thomas's list does not show Julien's new rdv"
for s in dj dt; do TMUX_SESSION=$s tmux_keys q; done
# Desk A's account screen (6) says it too; back to the week (2).
TMUX_SESSION=a tmux_keys 6
TMUX_SESSION=a tmux_wait "Mon compte · Julien BERNARD · via le pooler" 10
ok $? "the account screen says the client runs through the pooler"
for s in a t; do TMUX_SESSION=$s tmux_keys 2; done

# ---------------------------------------------------------------- pgbouncer restarts
export TMUX_SESSION=c
label="pgbouncer restart"
form_fill "pooler redémarré"
ok $? "$label: desk B has a half-filled rdv form"
bouncer_stop
ok "$([ ! -f "$CLUSTER_DIR/pgbouncer.pid" ]; echo $?)" "$label: pgbouncer stops"
while_down "pooler redémarré"
bouncer_start
ok $? "$label: pgbouncer starts again"
back_up "pooler redémarré"

# ---------------------------------------------------------------- token refused, renewed
# Desk C keeps its token for an hour: it renews only when refused.
export TMUX_SESSION=c
psql -X -q -t -A "$(direct julien)" -c "SELECT rdv.session_revoke()" >/dev/null
tmux_keys C-l
tmux_wait "Session renouvelée." 20
st=$?
ok $st "Julien's tokens revoked: desk C takes a new one by itself"
if [ $st -ne 0 ]; then
	tmux_screen | tail -n 1 | sed 's/^/#   | /'
	grep -v '^key\|^frame' "$TC" | tail -n 12 | sed 's/^/#   trace: /'
fi
tmux_wait "● connecté via le pooler" 10
tmux_wait "lodie B" 10
ok $? "… and shows the week again"
export TMUX_SESSION=a
# pool_ttl = 1: desk A renews its token every 30 s; after two renewals its
# first token (60 s) has expired, and desk A still works.
tries=1800
while [ "$(grep -c '^token-renew [0-9.]* 1$' "$TA")" -lt 3 ] && [ $tries -gt 0 ]; do
	sleep 0.1
	tries=$((tries - 1))
done
ok "$([ "$(grep -c '^token-renew [0-9.]* 1$' "$TA")" -ge 3 ]; echo $?)" \
	"desk A renews its token before it expires (pool_ttl = 1 minute)"
tmux_keys C-l
tmux_wait "● connecté via le pooler" 10
tmux_wait "lodie B" 10
ok $? "desk A still loads its week after its first token expired"
unlike "$(tmux_screen)" "Session expirée" "… with no session error"

# ---------------------------------------------------------------- forged, expired tokens
pooled() { psql -X -q -t -A "$POOLCONN" -v VERBOSITY=sqlstate -c "$1" 2>&1 | tail -n 1; }
TJ=$(psql -X -q -t -A "$(direct julien)" -c "SELECT rdv.session_token_issue()")
JN=$(psql -X -q -t -A "$(direct julien)" -c "SELECT count(*) FROM rdv.rdvs")
is "$(pooled "SELECT rdv.session_resume('$TJ'); SELECT count(*) FROM rdv.rdvs")" "$JN" \
	"through the pooler, a valid token sees what Julien sees ($JN rdvs)"
# The same token, its signature's last digit changed.
case $TJ in *0) FORGED="${TJ%?}1" ;; *) FORGED="${TJ%?}0" ;; esac
is "$(pooled "SELECT rdv.session_resume('$FORGED')")" "ERROR:  28000" "a forged token is refused"
is "$(pooled "SELECT set_config('rdv.token', '$FORGED', true), set_config('rdv.token_at', rdv.epoch_us(transaction_timestamp())::text, true); SELECT count(*) FROM rdv.rdvs")" \
	"0" "… and, set by hand, sees nothing"
# An expired token, correctly signed (the superuser signs it with the live key).
EXPIRED=$(psql -X -q -t -A -c "SELECT b || '.' || rdv.hmac_sha256(b, k.secret)
	FROM (SELECT kid, secret FROM rdv.session_keys WHERE retired_at IS NULL ORDER BY kid DESC LIMIT 1) k,
	LATERAL (SELECT format('v1.%s.%s.%s.%s', k.kid, a.id, rdv.epoch_us(now() - interval '2 hours'),
	                       rdv.epoch_us(now() - interval '1 hour')) AS b
	         FROM rdv.agents a WHERE a.db_role = 'julien') t")
ok "$(printf '%s' "$EXPIRED" | grep -q '^v1\.'; echo $?)" "an expired token, signed with the live key"
is "$(pooled "SELECT rdv.session_resume('$EXPIRED')")" "ERROR:  28000" "an expired token is refused"
is "$(pooled "SELECT set_config('rdv.token', '$EXPIRED', true), set_config('rdv.token_at', rdv.epoch_us(transaction_timestamp())::text, true); SELECT count(*) FROM rdv.rdvs")" \
	"0" "… and, set by hand, sees nothing"
is "$(pooled "SELECT count(*) FROM rdv.rdvs")" "0" "no token: rdv_pool sees nothing"

# ---------------------------------------------------------------- the token stays in memory
leak=0
for s in a c t; do TMUX_SESSION=$s tmux_screen | grep -q 'v1\.[0-9]*\.[0-9]*\.' && leak=1; done
grep -q 'v1\.[0-9]*\.[0-9]*\.' "$TA" "$TC" "$CLUSTER_DIR/pgbouncer.log" && leak=1
for s in a c t; do
	pid=$(TMUX_SESSION=$s rdv_pid)
	[ -n "$pid" ] && tr '\0' '\n' <"/proc/$pid/environ" | grep -q 'v1\.[0-9]*\.[0-9]*\.' && leak=1
done
is "$leak" 0 "no token on the screens, in the trace, in pgbouncer's log or in the clients' environment"

for s in a c t; do TMUX_SESSION=$s tmux_keys q; done
for s in a c t; do
	st=$(TMUX_SESSION=$s tmux_exit_status 10)
	[ "$st" = 0 ] || [ "$st" = none ] || echo "# desk $s exited $st"
done
is "$(TMUX_SESSION=a tmux_exit_status 10)" 0 "desk A quits cleanly"
done_testing
