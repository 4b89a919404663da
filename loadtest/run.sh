#!/bin/sh
# make loadtest: simulated agents on loopback, direct and pooled (issue 13).
#
# Each simulated agent is one pgbench client with its own identity and think
# time, running the client's own SQL (week load : usager search : booking =
# 6 : 3 : 1, loadtest/*_sql.inc, taken from db/agenda.c, db/usagers.c,
# db/slots.c):
#   direct  one server connection per agent; the agent's identity is its own
#           role (SET SESSION AUTHORIZATION lt_<id> on the pgbench
#           connection: session_user is the agent's role, as on a login);
#   pooled  through pgbouncer (transaction mode, one pool of
#           LOADTEST_POOL server connections as rdv_pool); every action is
#           one transaction that first presents the agent's session token
#           (rdv.session_resume).
# Think time: every agent acts on average every LOADTEST_THINK seconds
# (pgbench --rate, Poisson arrivals); latencies exclude the schedule lag.
# Pooled agents also read the change feed every LOADTEST_POLL seconds, as
# the client does through a pooler (FEED_POLL_MS, ui/app.c): one more
# transaction (session_resume and the client's feed query,
# loadtest/feed_sql.inc) since a cursor that a background loop renews every
# LOADTEST_POLL seconds, so each read returns the changes of the last one
# to two intervals. Direct agents LISTEN instead (not simulated: the
# notification fan-out is measured apart, see README). The polls count in
# the server CPU per action (it is what an action costs with them) but not
# in actions/s.
#
# Prints one line per mode and number of connected agents: actions/s,
# p50/p95 (ms) per action kind, server connections used (max sampled), server
# CPU per action (all PostgreSQL processes, ms), memory per connected agent
# (PSS of the server's backends plus pgbouncer, divided by the agents, MB),
# and reloads per booking: with the change feed, the connected agents whose
# shown week (their own agenda, the reference week) a booking touches
# (rdv.changes rows × what each agent shows, as rdv.feed_touches decides),
# beside the LISTEN behaviour before (every connected client reloads).
# Then a saturation run (no think time) at LOADTEST_SAT_LOW and
# LOADTEST_SAT_HIGH concurrent sessions per mode (goal 6).
#
# Environment: LOADTEST_AGENTS (default "10 100 1000"; none: saturation only), LOADTEST_MODES
# ("direct pooled"), LOADTEST_SECONDS (60), LOADTEST_THINK (10), LOADTEST_POLL (5; 0: no polls),
# LOADTEST_POOL (cores + 1, at most 20 in the goal), LOADTEST_SAT_SECONDS (30; 0 skips), LOADTEST_SAT_LOW
# (10), LOADTEST_SAT_HIGH (200), LOADTEST_WEEK (new | old: the week load's
# "à renseigner" count through rdv.to_fill_count, or the current client SQL),
# LOADTEST_FEED_NOTIFY (on | off: NOTIFY wake-up hint of the change feed),
# LOADTEST_SCALE (seed scale, 1). LOADTEST_PGHOST/LOADTEST_PGPORT: use that
# running server (as superuser postgres, database rdv, seeded and migrated)
# instead of a throwaway cluster. Loopback only.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${RDV:=$top_srcdir/build/rdv}"
AGENTS=${LOADTEST_AGENTS:-10 100 1000}
MODES=${LOADTEST_MODES:-direct pooled}
SECS=${LOADTEST_SECONDS:-60}
THINK=${LOADTEST_THINK:-10}
POLL=${LOADTEST_POLL:-5}
# Server connections of the pool: one more than the cores. More only adds
# contention (20 on this 2-core machine: p95 1.7-3.6 s at 1,000 agents
# against 0.14-0.18 s with 2 or 3; see README).
POOL=${LOADTEST_POOL:-$(( $(nproc) + 1 ))}
SAT_SECS=${LOADTEST_SAT_SECONDS:-30}
SAT_LOW=${LOADTEST_SAT_LOW:-10}
SAT_HIGH=${LOADTEST_SAT_HIGH:-200}
WEEK=${LOADTEST_WEEK:-new}
NOTIFY=${LOADTEST_FEED_NOTIFY:-on}
TODAY=2026-05-13
here=$top_srcdir/loadtest

for p in pgbench pgbouncer psql; do
	command -v $p >/dev/null 2>&1 || [ -x /usr/sbin/$p ] || { echo "loadtest: $p is missing" >&2; exit 77; }
done
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

WORK=$(mktemp -d /tmp/rdv-loadtest.XXXXXX)
chmod 755 "$WORK"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$WORK"

if [ -n "${LOADTEST_PGHOST:-}" ]; then
	export PGHOST=$LOADTEST_PGHOST PGPORT=${LOADTEST_PGPORT:-5432} PGUSER=postgres PGDATABASE=rdv
	trap 'stop_bouncer; rm -rf "$WORK"' EXIT
else
	. "$top_srcdir/tests/lib/cluster.sh"
	CLUSTER_TCP=1 cluster_start
	cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
max_connections = 1200
shared_buffers = 256MB
max_locks_per_transaction = 128
CONF
	cluster_pause && cluster_resume || { echo "loadtest: restart failed" >&2; exit 1; }
	trap 'stop_bouncer; cluster_stop; rm -rf "$WORK"' EXIT
	echo "seeding (rdv db seed scale --scale ${LOADTEST_SCALE:-1}) …" >&2
	"$RDV" db seed scale --today $TODAY --scale "${LOADTEST_SCALE:-1}" >/dev/null || exit 1
fi
psql -X -q -v ON_ERROR_STOP=1 -c 'SELECT 1 FROM loadtest.agents LIMIT 1' >/dev/null 2>&1 ||
	psql -X -q -v ON_ERROR_STOP=1 -c "SET rdv.loadtest_today = '$TODAY'" -f "$here/setup.sql" >/dev/null || exit 1
NAGENTS=$(psql -X -At -c 'SELECT count(*) FROM loadtest.agents')
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE IF NOT EXISTS loadtest.feed_cursor (snap text, server text)' \
	-c 'GRANT SELECT ON loadtest.feed_cursor TO rdv_agent, rdv_pool' \
	-c 'DELETE FROM loadtest.feed_cursor' \
	-c 'INSERT INTO loadtest.feed_cursor SELECT pg_current_snapshot()::text, rdv.feed_server_id()' >/dev/null || exit 1
psql -X -q -c "ALTER DATABASE rdv SET rdv.feed_notify = '$NOTIFY'"
SQLPORT=$(psql -X -At -c 'SHOW port')
PGSOCK=$(psql -X -At -c "SELECT split_part(current_setting('unix_socket_directories'), ',', 1)")
POSTMASTER=$(head -1 "$(psql -X -At -c 'SHOW data_directory')/postmaster.pid")

# ------------------------------------------------------------------ pgbouncer
BPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORK/pgbouncer.ini" <<INI
[databases]
rdv = host=$PGSOCK port=$SQLPORT dbname=rdv user=rdv_pool pool_size=$POOL
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BPORT
unix_socket_dir =
auth_type = trust
auth_file = $WORK/users.txt
pool_mode = transaction
max_client_conn = 3000
default_pool_size = $POOL
max_db_connections = $POOL
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = $WORK/pgbouncer.log
pidfile = $WORK/pgbouncer.pid
INI
echo '"rdv_pool" ""' >"$WORK/users.txt"
[ "$(id -u)" = 0 ] && chown postgres: "$WORK"/*
stop_bouncer() { [ -f "$WORK/pgbouncer.pid" ] && kill "$(cat "$WORK/pgbouncer.pid")" 2>/dev/null; rm -f "$WORK/pgbouncer.pid"; }
as_pg "$PGBOUNCER" -d "$WORK/pgbouncer.ini" >/dev/null 2>&1 || { echo "loadtest: pgbouncer did not start" >&2; exit 1; }
for i in $(seq 50); do psql -X -At -h 127.0.0.1 -p "$BPORT" -U rdv_pool -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done

# ------------------------------------------------------------------ scripts
week_inc=$here/week_sql.inc
[ "$WEEK" = old ] && week_inc=$here/week_old_sql.inc
ident_direct='SELECT agent_id AS a, db_role AS r, org AS o, week_from AS wf, motif_id AS m, usager_id AS u, term AS t FROM loadtest.agents WHERE n = :n \gset
SELECT set_config('"'"'session_authorization'"'"', :r, false);'
# Pooled: as the client, one pipeline (session_resume, the statement, one
# sync): one transaction, one round trip, the server connection held for
# that round trip only. The simulated agent's identity is looked up first,
# in a transaction of its own (pgbench cannot \gset inside a pipeline).
ident_pooled='SELECT token AS tok, agent_id AS a, org AS o, week_from AS wf, motif_id AS m, usager_id AS u, term AS t FROM loadtest.agents WHERE n = :n \gset'
start_pooled='\startpipeline
SELECT rdv.session_resume(:tok);'
for mode in direct pooled; do
	for kind in week search book; do
		f=$WORK/$kind.$mode.sql
		{
			echo '\set n (:client_id % '"$NAGENTS"') + 1'
			echo '\set off random(-4, 4)'
			echo '\set d random(0, 4)'
			echo '\set h random(8, 17)'
			echo '\set mm random(0, 11) * 5'
			if [ $mode = direct ]; then echo "$ident_direct"; else echo "$ident_pooled"; printf "%s\n" "$start_pooled"; fi
			case $kind in week) cat "$week_inc" ;; search) cat "$here/search_sql.inc" ;; book) cat "$here/book_sql.inc" ;; esac
			[ $mode = pooled ] && printf '%s\n' '\endpipeline'
		} >"$f"
	done
done
{
	echo '\set n (:client_id % '"$NAGENTS"') + 1'
	echo "$ident_pooled"
	# the cursor, looked up outside the pipeline like the identity
	echo 'SELECT snap AS cur, server AS sid FROM loadtest.feed_cursor \gset'
	printf "%s\n" "$start_pooled"
	cat "$here/feed_sql.inc"
	printf '%s\n' '\endpipeline'
} >"$WORK/feed.pooled.sql"

# ------------------------------------------------------------------ measures
cpu_ticks() { # all PostgreSQL processes: postmaster (+ reaped children) + live children
	{ cat /proc/"$POSTMASTER"/stat; for c in $(cat /proc/"$POSTMASTER"/task/*/children 2>/dev/null); do cat /proc/"$c"/stat 2>/dev/null; done; } |
		awk -v pm="$POSTMASTER" '{ sub(/^.*\) /, ""); t += $12 + $13; if ($0 ~ /./ && NR == 1) t += $14 + $15 } END { print t }'
}
backends() { psql -X -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = 'rdv' AND pid <> pg_backend_pid()"; }
pss_kb() { # PSS of the client backends of rdv (+ pgbouncer), kB
	{ psql -X -At -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = 'rdv' AND pid <> pg_backend_pid()"
	  [ -f "$WORK/pgbouncer.pid" ] && cat "$WORK/pgbouncer.pid"; } |
	while read -r pid; do awk '/^Pss:/ { print $2 }' /proc/"$pid"/smaps_rollup 2>/dev/null; done | awk '{ s += $1 } END { print s + 0 }'
}
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } i = int((NR - 1) * p / 100 + 0.5) + 1; printf "%.1f", v[i] / 1000 }'; }

printf '%-7s %6s %5s %9s %15s %15s %15s %15s %6s %9s %9s %14s\n' mode agents secs "actions/s" "week p50/p95" "search p50/95" "book p50/p95" "polls/s p50/95" conns "cpu/act" "MB/agent" "reloads/book"
run() { # mode clients seconds rate(0: none) label
	mode=$1 n=$2 secs=$3 rate=$4
	rm -f "$WORK"/pgbench_log.*
	conn="-h $PGSOCK -p $SQLPORT -U postgres"
	[ "$mode" = pooled ] && conn="-h 127.0.0.1 -p $BPORT -U rdv_pool"
	ratearg= feedarg=
	# The polls (pooled, with think time): 20 for every 6 + 3 + 1 actions
	# when LOADTEST_POLL is half LOADTEST_THINK; the rate grows to match.
	if [ "$mode" = pooled ] && [ "$rate" != 0 ] && [ "$POLL" != 0 ]; then
		fw=$(echo "$THINK $POLL" | awk '{ printf "%d", 10 * $1 / $2 + 0.5 }')
		feedarg="-f $WORK/feed.pooled.sql@$fw"
		rate=$(echo "$rate $fw" | awk '{ printf "%.2f", $1 * (10 + $2) / 10 }')
		( while [ ! -f "$WORK/stop" ]; do
			sleep "$POLL"
			psql -X -q -c 'UPDATE loadtest.feed_cursor SET snap = pg_current_snapshot()::text' >/dev/null 2>&1
		  done ) &
		cursors=$!
	fi
	[ "$rate" != 0 ] && ratearg="-R $rate"
	start=$(psql -X -At -c 'SELECT coalesce(max(id), 0) FROM rdv.changes')
	c0=$(cpu_ticks)
	( maxc=0; while [ ! -f "$WORK/stop" ]; do c=$(backends); [ "$c" -gt "$maxc" ] && maxc=$c; echo "$maxc" >"$WORK/maxc"; sleep 1; done ) &
	sampler=$!
	( sleep $((secs / 2)); pss_kb >"$WORK/pss" ) &
	psser=$!
	(cd "$WORK" && pgbench -n -M extended $conn -c "$n" -j 2 -T "$secs" $ratearg -l --log-prefix=pgbench_log \
		-f "$WORK/week.$mode.sql@6" -f "$WORK/search.$mode.sql@3" -f "$WORK/book.$mode.sql@1" $feedarg rdv >"$WORK/out" 2>&1)
	touch "$WORK/stop"; wait $sampler $psser ${cursors:-} 2>/dev/null; rm -f "$WORK/stop"
	sleep 0.5 # the direct backends are reaped (their CPU then counts in the postmaster's)
	c1=$(cpu_ticks)
	cursors=
	cat "$WORK"/pgbench_log.* >"$WORK/log" 2>/dev/null
	done_=$(awk '$3 >= 0 && $4 <= 2' "$WORK/log" | wc -l)
	polls=$(awk '$3 >= 0 && $4 == 3' "$WORK/log" | wc -l)
	fails=$(grep -c 'aborted\|error' "$WORK/out")
	for s in 0 1 2 3; do
		awk -v s=$s '$4 == s && $3 >= 0 { print $3 - ($7 == "" ? 0 : $7) }' "$WORK/log" >"$WORK/lat.$s"
	done
	reloads=$(psql -X -At -c "
		WITH b AS (SELECT c.id, c.agent_ids, c.day_from, c.day_to FROM rdv.changes c
		           WHERE c.id > $start AND c.table_name = 'rdv_agents' AND c.action = 'INSERT'),
		     shown AS (SELECT agent_id, week_from FROM loadtest.agents WHERE n <= least($n, $NAGENTS))
		SELECT CASE WHEN count(*) = 0 THEN '-' ELSE
		       round(avg((SELECT count(*) FROM shown s WHERE b.agent_ids @> ARRAY[s.agent_id]
		                  AND b.day_from <= s.week_from + 6 AND b.day_to >= s.week_from)), 2) || ' (' || $n || ')' END
		FROM b")
	printf '%-7s %6s %5s %9.1f %7s/%-7s %7s/%-7s %7s/%-7s %4s %4s/%-5s %6s %9s %9s %14s%s\n' "$mode" "$n" "$secs" \
		"$(echo "$done_ $secs" | awk '{ print $1 / $2 }')" \
		"$(pct 50 <"$WORK/lat.0")" "$(pct 95 <"$WORK/lat.0")" "$(pct 50 <"$WORK/lat.1")" "$(pct 95 <"$WORK/lat.1")" \
		"$(pct 50 <"$WORK/lat.2")" "$(pct 95 <"$WORK/lat.2")" \
		"$(echo "$polls $secs" | awk '{ printf "%.0f", $1 / $2 }')" "$(pct 50 <"$WORK/lat.3")" "$(pct 95 <"$WORK/lat.3")" \
		"$(cat "$WORK/maxc")" \
		"$(echo "$c0 $c1 $done_" | awk '{ if ($3 > 0) printf "%.1fms", ($2 - $1) * 10 / $3; else print "-" }')" \
		"$(echo "$(cat "$WORK/pss") $n" | awk '{ printf "%.2f", $1 / 1024 / $2 }')" "$reloads" \
		"$([ "$fails" -gt 0 ] && echo "  ($fails errors, see $WORK/out)")"
	[ "$fails" -gt 0 ] && cp "$WORK/out" "/tmp/loadtest-$mode-$n.out"
}
[ "$AGENTS" = none ] && AGENTS=
for n in $AGENTS; do
	for mode in $MODES; do
		run "$mode" "$n" "$SECS" "$(echo "$n $THINK" | awk '{ printf "%.2f", $1 / $2 }')"
	done
done
if [ "$SAT_SECS" != 0 ]; then
	echo "saturation (no think time):"
	for n in $SAT_LOW $SAT_HIGH; do
		for mode in $MODES; do
			run "$mode" "$n" "$SAT_SECS" 0
		done
	done
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc); pool: $POOL server connections; feed polls every ${POLL}s (pooled); feed NOTIFY: $NOTIFY; week SQL: $WEEK"
