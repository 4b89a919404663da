#!/bin/sh
# Pooled identity through a real pgbouncer (issue 13 goal 3, 018_scale.sql):
# transaction pooling on loopback, every client on one pool of at most
# POOL server connections as rdv_pool. Agents obtain their session token on
# their own connection, then each transaction through the pooler presents it:
#   - an agent sees through the pooler exactly what it sees directly, also
#     with several agents interleaved on the same few server connections;
#   - without a token, with another's edited token, or with a token left in
#     the session by a previous client, a transaction sees nothing;
#   - the change feed is read through the pooler by cursor;
#   - the server never holds more than POOL connections of rdv_pool.
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

command -v psql >/dev/null 2>&1 || { echo "1..0 # SKIP no psql"; exit 77; }
[ -n "$PG_BINDIR" ] || { echo "1..0 # SKIP no PostgreSQL"; exit 77; }
PGBOUNCER=$(command -v pgbouncer 2>/dev/null || { [ -x /usr/sbin/pgbouncer ] && echo /usr/sbin/pgbouncer; })
[ -n "$PGBOUNCER" ] || { echo "1..0 # SKIP pgbouncer is not installed (Debian package pgbouncer)"; exit 77; }

POOL=2
cluster_start
sql -1 -f "$top_srcdir/tests/db/fixtures.sql" >/dev/null || { echo "Bail out! fixtures"; exit 1; }

BPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) ||
	BPORT=$((30000 + $$ % 20000))
cat >"$CLUSTER_DIR/pgbouncer.ini" <<EOF
[databases]
rdv = host=$CLUSTER_DIR port=$PGPORT dbname=rdv user=rdv_pool pool_size=$POOL
rdv1 = host=$CLUSTER_DIR port=$PGPORT dbname=rdv user=rdv_pool pool_size=1
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BPORT
unix_socket_dir =
auth_type = trust
auth_file = $CLUSTER_DIR/users.txt
pool_mode = transaction
max_client_conn = 100
max_db_connections = $((POOL + 1))
server_reset_query =
logfile = $CLUSTER_DIR/pgbouncer.log
pidfile = $CLUSTER_DIR/pgbouncer.pid
EOF
# Agents authenticate to the pooler as themselves (here trust on loopback; in
# production auth_type = scram-sha-256 with auth_query); the server sees rdv_pool.
printf '"t_basic_x" ""\n"t_basic_y" ""\n"t_nobody" ""\n' >"$CLUSTER_DIR/users.txt"
[ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR/pgbouncer.ini" "$CLUSTER_DIR/users.txt"
cluster_run "$PGBOUNCER" -d "$CLUSTER_DIR/pgbouncer.ini" >/dev/null 2>&1 || {
	echo "Bail out! pgbouncer did not start: $(tail -3 "$CLUSTER_DIR/pgbouncer.log" 2>/dev/null)"; exit 1; }
trap '[ -f "$CLUSTER_DIR/pgbouncer.pid" ] && kill "$(cat "$CLUSTER_DIR/pgbouncer.pid")"; cluster_stop' EXIT

# pooled USER DB SQL: one simple-query message (one transaction) through the pooler.
pooled() {
	psql -X -q -t -A -h 127.0.0.1 -p "$BPORT" -U "$1" -d "$2" -v VERBOSITY=sqlstate -c "$3" 2>&1 | tail -1
}
tries=0
until pooled t_basic_x rdv 'SELECT 1' | grep -qx 1; do
	tries=$((tries + 1))
	[ $tries -gt 100 ] && { echo "Bail out! pgbouncer does not answer"; exit 1; }
	sleep 0.1
done

direct() { psql -X -q -t -A -U "$1" -c "$2"; }
TX=$(direct t_basic_x 'SELECT rdv.session_token_issue()')
TY=$(direct t_basic_y 'SELECT rdv.session_token_issue()')
RX=$(direct t_basic_x 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM rdv.rdvs')
RY=$(direct t_basic_y 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM rdv.rdvs')
AX=$(direct t_basic_x 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM rdv.agents')

is "$(pooled t_basic_x rdv 'SELECT session_user')" rdv_pool "the pooler logs in as rdv_pool"
is "$(pooled t_basic_x rdv "SELECT rdv.session_resume('$TX'); SELECT string_agg(id::text, ',' ORDER BY id) FROM rdv.rdvs")" \
	"$RX" "basic_x's token through the pooler: the rdvs basic_x sees directly ($RX)"
is "$(pooled t_basic_x rdv "SELECT rdv.session_resume('$TX'); SELECT string_agg(id::text, ',' ORDER BY id) FROM rdv.agents")" \
	"$AX" "… and the same agents"
is "$(pooled t_basic_y rdv "SELECT rdv.session_resume('$TY'); SELECT string_agg(id::text, ',' ORDER BY id) FROM rdv.rdvs")" \
	"$RY" "basic_y's token: the rdvs basic_y sees directly ($RY)"
is "$(pooled t_basic_x rdv 'SELECT count(*) FROM rdv.rdvs')" 0 "no token: no rdv"
is "$(pooled t_nobody rdv 'SELECT count(*) FROM rdv.agents')" 0 "no token: no agent"
FORGED=$(printf '%s' "$TX" | sed 's/^\(v1\.[0-9]*\)\.1\./\1.2./')
is "$(pooled t_basic_x rdv "SELECT rdv.session_resume('$FORGED')")" "ERROR:  28000" \
	"basic_x's token edited to name agent 2 is refused"
is "$(pooled t_basic_x rdv "SELECT set_config('rdv.token', '$FORGED', true), set_config('rdv.token_at', rdv.epoch_us(transaction_timestamp())::text, true); SELECT count(*) FROM rdv.rdvs")" \
	0 "… and, set by hand, sees nothing"

# A token left in the session by a careless client does not reach the next
# client of the same server connection (database rdv1: one connection).
pooled t_basic_x rdv1 "SET rdv.token = '$TX'" >/dev/null
is "$(pooled t_nobody rdv1 'SELECT current_setting($$rdv.token$$, true) <> $$$$, count(*) FROM rdv.rdvs')" "t|0" \
	"the next client on that server connection inherits the token's text but sees nothing"
pooled t_basic_x rdv1 'RESET rdv.token' >/dev/null

# Interleaved agents: 6 clients × 15 transactions, alternating tokens, on
# $POOL server connections; every answer is the right agent's.
rm -f "$CLUSTER_DIR"/mix.*
i=0
while [ $i -lt 6 ]; do
	(
		j=0
		while [ $j -lt 15 ]; do
			if [ $(((i + j) % 2)) -eq 0 ]; then t=$TX want=$RX u=t_basic_x; else t=$TY want=$RY u=t_basic_y; fi
			got=$(pooled $u rdv "SELECT rdv.session_resume('$t'); SELECT string_agg(id::text, ',' ORDER BY id) FROM rdv.rdvs, pg_sleep(0.01)")
			[ "$got" = "$want" ] && echo ok || echo "bad: $u got $got"
			j=$((j + 1))
		done >"$CLUSTER_DIR/mix.$i"
	) &
	pids="${pids:-} $!"
	i=$((i + 1))
done
maxconn=0
running() { for p in $pids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while running; do
	c=$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'rdv_pool'")
	[ "$c" -gt "$maxconn" ] && maxconn=$c
	sleep 0.05
done
wait
is "$(cat "$CLUSTER_DIR"/mix.* | grep -c '^ok$')" 90 "90 interleaved transactions of two agents: each saw its own rows"
ok "$([ "$maxconn" -le $((POOL + 1)) ] && [ "$maxconn" -ge 1 ]; echo $?)" \
	"… on at most $((POOL + 1)) server connections of rdv_pool (seen: $maxconn)"

# The change feed through the pooler.
C0=$(pooled t_basic_x rdv "SELECT rdv.session_resume('$TX'); SELECT cursor FROM rdv.feed(NULL)")
sql -c "UPDATE rdv.rdvs SET context = 'via pooler' WHERE id IN (2, 3)" >/dev/null
is "$(pooled t_basic_x rdv "SELECT rdv.session_resume('$TX'); SELECT string_agg(DISTINCT table_name || ':' || row_id, ',') FROM rdv.feed('$C0') WHERE id IS NOT NULL")" \
	"rdvs:3" "basic_x reads the feed through the pooler: its rdv 3, not basic_y's rdv 2"
is "$(pooled t_basic_y rdv "SELECT rdv.session_resume('$TY'); SELECT touched FROM rdv.feed_touches('$C0', ARRAY[2], '2026-03-02', '2026-03-08')")" \
	t "basic_y: the change touches agent 2's week"
is "$(pooled t_basic_x rdv "SELECT count(*) FROM rdv.feed('$C0') WHERE id IS NOT NULL")" 0 \
	"without a token the feed says nothing"

echo "1..$TAP_N"
[ $TAP_FAIL -eq 0 ]
