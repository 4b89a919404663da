#!/bin/sh
# The reference deployment of deploy/README on one machine, on loopback:
# one etcd member, NODES PostgreSQL servers managed by Patroni (synchronous
# replication), pgbouncer following the leader; the rdv schema migrated
# with `rdv db migrate` and the demo data seeded.
#
#   deploy/ha-loopback.sh start DIR [NODES]   (NODES: 2 or 3, default 3)
#   deploy/ha-loopback.sh status DIR          (patronictl list)
#   deploy/ha-loopback.sh leader DIR          (prints "NAME PORT" of the leader)
#   deploy/ha-loopback.sh ready DIR           (waits for a leader and a synchronous
#                                              standby, then prints as leader)
#   deploy/ha-loopback.sh stop DIR            (stops everything, keeps DIR)
#
# DIR/env then holds the ports and the two conninfos (source it):
#   HA_CONNINFO   host=127.0.0.1,127.0.0.1,… port=P1,P2,… target_session_attrs=read-write
#   HA_POOLER     host=127.0.0.1 port=B dbname=rdv (pgbouncer, session mode)
# Environment: RDV (the rdv program, default `rdv`), PG_BINDIR (default
# pg_config --bindir), HA_TODAY (demo data date, default today), HA_SEED=none
# (no demo data). Run as root (then the servers run as postgres) or as a user.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${RDV:=rdv}"
: "${PG_BINDIR:=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}"

die() {
	echo "ha-loopback: $*" >&2
	exit 1
}

# as_pg CMD… — as postgres when root (PostgreSQL refuses to run as root).
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# spawn PIDFILE LOG CMD… — in the background, in a session of its own, the
# pid being the program's own (exec all the way, for kill -9 by the failover
# test). setsid comes first and setpriv (not runuser, which would stay as the
# parent and forward SIGTERM) drops to postgres: a signal to the process
# group of the shell that ran `start` (Ctrl+C, a job runner) leaves the
# deployment running; `stop` stops it.
spawn() {
	pidfile=$1 log=$2
	shift 2
	rm -f "$pidfile"
	set -- sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@"
	if [ "$(id -u)" = 0 ]; then
		set -- setpriv --reuid=postgres --regid=postgres --init-groups \
			env HOME="$(getent passwd postgres | cut -d: -f6)" USER=postgres LOGNAME=postgres "$@"
	fi
	setsid "$@" >"$log" 2>&1 </dev/null &
	tries=100
	while [ ! -s "$pidfile" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
}

free_ports() { # N — N distinct free TCP ports on 127.0.0.1
	python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# api_get PORT PATH — Patroni's REST API (JSON on stdout), empty if down
# (a loaded machine may take seconds to answer).
api_get() {
	curl -s -m 5 "http://127.0.0.1:$1$2" 2>/dev/null
}

# leader — "NAME PORT" of the leader: the node whose REST API answers
# GET /primary with 200 (only the node holding the leader key and running
# as primary does). No python: fast enough to poll on a loaded machine.
leader() {
	. "$DIR/env"
	set -- $HA_PG_PORTS
	i=1
	for api in $HA_API_PORTS; do
		curl -sf -m 5 -o /dev/null "http://127.0.0.1:$api/primary" 2>/dev/null &&
			{ echo "pg$i $1"; return 0; }
		shift
		i=$((i + 1))
	done
	return 1
}

# wait_for SECONDS CMD… — until CMD succeeds; 0 if it did. The bound is
# wall-clock (CMD itself may be slow on a loaded machine).
wait_for() {
	end=$(($(date +%s) + $1))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# sync_ready — every node runs, and a synchronous standby is streaming.
sync_ready() {
	. "$DIR/env"
	for api in $HA_API_PORTS; do
		api_get "$api" /cluster | python3 -c '
import json, sys
c = json.load(sys.stdin)
m = c["members"]
n = int(sys.argv[1])
ok = len(m) == n and all(x.get("state") in ("running", "streaming") for x in m) \
    and any(x.get("role") == "sync_standby" for x in m)
sys.exit(0 if ok else 1)' "$HA_NODES" && return 0
	done
	return 1
}

start() {
	nodes=${1:-3}
	case $nodes in 2 | 3) ;; *) die "NODES: 2 or 3" ;; esac
	command -v patroni >/dev/null || die "patroni absent (Debian: apt-get install patroni)"
	command -v etcd >/dev/null || die "etcd absent (Debian: apt-get install etcd-server)"
	command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || die "pgbouncer absent"
	[ -e "$DIR/env" ] && die "$DIR is in use (stop it first, or choose another)"
	t0=$(date +%s)
	mkdir -p "$DIR"
	chmod 755 "$DIR"
	# shellcheck disable=SC2046
	set -- $(free_ports $((3 + 2 * nodes)))
	etcd_port=$1 peer_port=$2 bouncer_port=$3
	shift 3
	pg_ports= api_ports= names= hosts=
	i=1
	while [ "$i" -le "$nodes" ]; do
		pg_ports="$pg_ports${pg_ports:+ }$1" api_ports="$api_ports${api_ports:+ }$2"
		names="$names${names:+ }pg$i" hosts="$hosts${hosts:+,}127.0.0.1"
		shift 2
		i=$((i + 1))
	done
	commas=$(echo "$pg_ports" | tr ' ' ',')
	cat >"$DIR/env" <<EOT
HA_DIR='$DIR'
HA_NODES=$nodes
HA_NAMES='$names'
HA_PG_PORTS='$pg_ports'
HA_API_PORTS='$api_ports'
HA_ETCD_PORT=$etcd_port
HA_BOUNCER_PORT=$bouncer_port
HA_CONNINFO='host=$hosts port=$commas dbname=rdv target_session_attrs=read-write'
HA_POOLER='host=127.0.0.1 port=$bouncer_port dbname=rdv'
EOT
	[ "$(id -u)" = 0 ] && chown -R postgres: "$DIR"

	# etcd: one member (three on real hosts: deploy/README).
	as_pg mkdir -p "$DIR/etcd"
	spawn "$DIR/etcd/pid" "$DIR/etcd/etcd.log" etcd --name e1 --data-dir "$DIR/etcd/data" \
		--listen-client-urls "http://127.0.0.1:$etcd_port" \
		--advertise-client-urls "http://127.0.0.1:$etcd_port" \
		--listen-peer-urls "http://127.0.0.1:$peer_port" \
		--initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
		--initial-cluster "e1=http://127.0.0.1:$peer_port" --initial-cluster-state new \
		--heartbeat-interval 100 --election-timeout 1000
	wait_for 60 curl -sf -m 5 "http://127.0.0.1:$etcd_port/health" ||
		die "etcd did not start: $(tail -3 "$DIR/etcd/etcd.log")"
	say "etcd"

	# pgbouncer, before the nodes (their callback reloads it).
	b=$DIR/pgbouncer
	as_pg mkdir -p "$b"
	echo '"postgres" ""' | as_pg tee "$b/userlist.txt" >/dev/null
	: | as_pg tee "$b/databases.ini" >/dev/null
	sed -e "s|@BOUNCER_DIR@|$b|g" -e "s|@BOUNCER_PORT@|$bouncer_port|g" \
		"$here/pgbouncer.ini.in" | as_pg tee "$b/pgbouncer.ini" >/dev/null
	pgb=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
	spawn "$b/pid" "$b/stdout.log" "$pgb" "$b/pgbouncer.ini"

	# The Patroni nodes, all at once: the first to take etcd's initialize key
	# bootstraps (initdb), the others wait for it and clone the leader.
	set -- $pg_ports
	i=1
	for api in $api_ports; do
		n=$DIR/pg$i
		as_pg mkdir -p "$n"
		as_pg chmod 700 "$n"
		sed -e "s|@NAME@|pg$i|g" -e "s|@API_PORT@|$api|g" -e "s|@PG_PORT@|$1|g" \
			-e "s|@ETCD_HOSTS@|127.0.0.1:$etcd_port|g" -e "s|@DATA_DIR@|$n/data|g" \
			-e "s|@BIN_DIR@|$PG_BINDIR|g" -e "s|@NODE_DIR@|$n|g" \
			-e "s|@FOLLOW@|$here/pgbouncer-follow.sh $b $bouncer_port $1|g" \
			"$here/patroni.yml.in" | as_pg tee "$n/patroni.yml" >/dev/null
		spawn "$n/patroni.pid" "$n/patroni.log" patroni "$n/patroni.yml"
		shift
		i=$((i + 1))
	done
	# Bounds for a machine loaded by other work (a test suite): generous.
	wait_for 180 leader || die "no leader after 180 s: $(tail -5 "$DIR/pg1/patroni.log")"
	say "a leader"
	wait_for 180 sync_ready || die "the standbys did not catch up: $(status)"
	say "a streaming synchronous standby"

	# The schema and the data, on the leader that Patroni names at each step.
	on_leader "CREATE DATABASE rdv" step_database
	on_leader "rdv db migrate" step_migrate
	[ "${HA_SEED:-demo}" != none ] && on_leader "rdv db seed demo" step_seed
	on_leader "the pgbouncer userlist" step_userlist
	# Ready for a failover: a leader and a streaming synchronous standby.
	wait_for 180 sync_ready || die "the standbys did not catch up: $(status)"
	say "$nodes nodes up; leader $(leader); source $DIR/env"
}

# say WHAT — a progress line, with the seconds since the start.
say() {
	echo "ha-loopback: +$(($(date +%s) - t0)) s: $*"
}

# on_leader WHAT STEP — run STEP with LEADER set to a conninfo (no dbname) of
# the current leader, until it succeeds. On a loaded machine the leader can
# move while a step runs: the step fails (connection lost, or the node is a
# standby by then), and runs again on the new leader, which has everything
# committed before (synchronous replication). Every step is idempotent: the
# database is created if absent, `rdv db migrate` applies what is missing
# (each migration is one transaction), the seed (one transaction) runs if
# its data is absent, the userlist is rewritten.
on_leader() {
	what=$1 step=$2 try=1
	while :; do
		end=$(($(date +%s) + 180))
		until set -- $(leader) && [ $# = 2 ]; do
			[ "$(date +%s)" -lt "$end" ] || die "$what: no leader after 180 s: $(status)"
			sleep 0.5
		done
		LEADER="host=127.0.0.1 port=$2 user=postgres target_session_attrs=read-write connect_timeout=10"
		"$step" >"$DIR/step.log" 2>&1 && { say "$what (on $1)"; return 0; }
		[ "$try" -lt 5 ] || die "$what failed $try times: $(tail -3 "$DIR/step.log")"
		echo "ha-loopback: $what failed on $1 (try $try; the leader is now $(leader || echo none)), again" >&2
		sed 's/^/ha-loopback:   /' "$DIR/step.log" | tail -3 >&2
		try=$((try + 1))
		sleep 1
	done
}

step_database() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$LEADER dbname=postgres" <<'EOT'
SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'rdv') AS absent \gset
\if :absent
CREATE DATABASE rdv;
\endif
EOT
}

step_migrate() {
	"$RDV" db migrate --db "$LEADER dbname=rdv" >"$DIR/migrate.log" 2>&1
	st=$?
	cat "$DIR/migrate.log"
	return $st
}

step_seed() {
	seeded=$(psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$LEADER dbname=rdv" \
		-c "SELECT EXISTS (SELECT FROM rdv.agents)") || return 1
	[ "$seeded" = t ] && { echo "seeded already (the last try committed)"; return 0; }
	"$RDV" db seed demo ${HA_TODAY:+--today "$HA_TODAY"} --db "$LEADER dbname=rdv" >"$DIR/seed.log" 2>&1
	st=$?
	cat "$DIR/seed.log"
	return $st
}

# Every agent's role may go through pgbouncer (trust on loopback).
step_userlist() {
	b=$DIR/pgbouncer
	psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$LEADER dbname=rdv" -c "
		SELECT pg_catalog.format('%s%s%s %s%s', pg_catalog.chr(34), r.rolname, pg_catalog.chr(34),
			pg_catalog.chr(34), pg_catalog.chr(34)) FROM pg_catalog.pg_roles r
		WHERE r.rolcanlogin ORDER BY 1" >"$DIR/userlist.new" || return 1
	grep -q '"postgres"' "$DIR/userlist.new" || return 1
	as_pg tee "$b/userlist.txt" <"$DIR/userlist.new" >/dev/null
	psql -X -q -h "$b" -p "$HA_BOUNCER_PORT" -U postgres -d pgbouncer -c RELOAD >/dev/null
}

# ready — wait for a leader and a streaming synchronous standby (after a
# failover, or before a deliberate one); prints "NAME PORT" of the leader.
ready() {
	wait_for "${HA_WAIT:-180}" sync_ready || die "no synchronous standby: $(status)"
	end=$(($(date +%s) + 30))
	until out=$(leader); do
		[ "$(date +%s)" -lt "$end" ] || die "no leader: $(status)"
		sleep 0.5
	done
	echo "$out"
}

status() {
	# patronictl retries for minutes when etcd is down: bounded.
	timeout 20 patronictl -c "$DIR/pg1/patroni.yml" list 2>&1
}

stop_pid() { # PIDFILE
	[ -s "$1" ] || return 0
	p=$(cat "$1")
	kill -TERM "$p" 2>/dev/null || return 0
	tries=100
	while kill -0 "$p" 2>/dev/null && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	kill -KILL "$p" 2>/dev/null
	true
}

stop() {
	[ -f "$DIR/env" ] || return 0
	. "$DIR/env"
	# Patroni stops its PostgreSQL; then the pooler and etcd.
	for name in $HA_NAMES; do
		stop_pid "$DIR/$name/patroni.pid" &
	done
	wait
	for name in $HA_NAMES; do
		# A PostgreSQL left behind (its Patroni killed -9 by a test).
		[ -f "$DIR/$name/data/postmaster.pid" ] &&
			as_pg "$PG_BINDIR/pg_ctl" -D "$DIR/$name/data" -m immediate -w -s stop >/dev/null 2>&1
	done
	stop_pid "$DIR/pgbouncer/pid"
	stop_pid "$DIR/etcd/pid"
	rm -f "$DIR/env"
}

cmd=${1:-}
DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || die "usage: ha-loopback.sh start|status|leader|ready|stop DIR [NODES]"
DIR=$(mkdir -p "$DIR" && cd "$DIR" && pwd)
case $cmd in
start) start "${3:-3}" ;;
status) status ;;
leader) leader ;;
ready) ready ;;
stop) stop ;;
*) die "unknown command: $cmd" ;;
esac
