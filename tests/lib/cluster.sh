# Throwaway PostgreSQL cluster for one test script. Source it, then call
# cluster_start; it registers its own clean-up. Works as root (through
# runuser -u postgres) and as a normal user.
#
# After cluster_start: PGHOST, PGPORT, PGUSER (superuser), PGDATABASE=rdv
# are exported, the migrations are applied (unless CLUSTER_NO_MIGRATE=1),
# and CLUSTER_DIR holds the cluster.

: "${PG_BINDIR:=$(pg_config --bindir 2>/dev/null)}"

# Without PostgreSQL the script is skipped, not failed: a TAP skip plan, the
# reason on stderr, exit 77 (tests/lib/run-test.sh hands the plan to the
# TAP driver). Source this file before any TAP line.
if ! [ -x "${PG_BINDIR:-}/initdb" ] || ! command -v psql >/dev/null 2>&1; then
	echo "1..0 # SKIP PostgreSQL not found (initdb in PG_BINDIR, psql in PATH)"
	echo "${0##*/}: skipped: PostgreSQL not found (initdb in PG_BINDIR='${PG_BINDIR:-}', psql in PATH)" >&2
	exit 77
fi

cluster_run() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

cluster_stop() {
	# CLUSTER_KEEP_LOG=FILE keeps the server's log (deadlock reports, statements).
	if [ -n "${CLUSTER_KEEP_LOG:-}" ] && [ -n "${CLUSTER_DIR:-}" ]; then
		cp "$CLUSTER_DIR/server.log" "$CLUSTER_KEEP_LOG" 2>/dev/null || true
	fi
	if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ]; then
		cluster_run "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w -s stop >/dev/null 2>&1 || true
	fi
	[ -n "${CLUSTER_DIR:-}" ] && rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}

# Start the server of an initialised cluster (again, after cluster_pause).
# CLUSTER_TCP=1 before cluster_start: it also listens on 127.0.0.1, on a free
# port (PGPORT), for tests that need TCP (keepalives, connection refused).
cluster_resume() {
	cluster_run "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -s \
		-o "-c listen_addresses='${CLUSTER_LISTEN:-}' -c unix_socket_directories='$CLUSTER_DIR' \
		    -p ${CLUSTER_PORT:-5432} -F \
		    -c synchronous_commit=off -c full_page_writes=off -c log_statement=${CLUSTER_LOG_STATEMENT:-none}" start
}

# Stop the server, keeping the cluster (a database outage under a client).
cluster_pause() {
	cluster_run "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w -s stop
}

cluster_start() {
	CLUSTER_DIR=$(mktemp -d /tmp/rdv-test.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	[ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR"
	trap 'cluster_stop' EXIT
	trap 'exit 129' HUP INT TERM
	CLUSTER_PORT=5432 CLUSTER_LISTEN=
	if [ "${CLUSTER_TCP:-0}" = 1 ]; then
		CLUSTER_LISTEN=127.0.0.1
		CLUSTER_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
			CLUSTER_PORT=$((20000 + $$ % 20000))
	fi
	cluster_run "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 || {
		echo "Bail out! initdb failed: $(tail -3 "$CLUSTER_DIR/initdb.log")"; exit 1; }
	cluster_resume || {
		echo "Bail out! pg_ctl start failed: $(tail -3 "$CLUSTER_DIR/server.log")"; exit 1; }
	export PGHOST="$CLUSTER_DIR" PGPORT="$CLUSTER_PORT" PGUSER=postgres PGDATABASE=rdv
	createdb rdv || { echo "Bail out! createdb failed"; exit 1; }
	if [ "${CLUSTER_NO_MIGRATE:-0}" != 1 ]; then
		"$RDV" db migrate >"$CLUSTER_DIR/migrate.log" 2>&1 || {
			echo "Bail out! rdv db migrate failed: $(tail -3 "$CLUSTER_DIR/migrate.log")"; exit 1; }
	fi
}

# psql as the superuser, quiet, stopping at the first error.
sql() {
	psql -X -q -v ON_ERROR_STOP=1 -t -A "$@"
}
