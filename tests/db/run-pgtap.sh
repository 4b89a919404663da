#!/bin/sh
# Log compiler for tests/db/*.pgtap (PGTAP_LOG_COMPILER): a private cluster,
# the migrations, pgTAP, tests/db/fixtures.sql, then the test file, whose TAP
# goes to stdout for automake's tap-driver.
#
#   run-pgtap.sh tests/db/policies_read.pgtap
#
# Environment (exported by the harness): top_srcdir, RDV, PG_BINDIR.
# Migrations are applied with `$RDV db migrate` when $RDV is built; set
# RDV_TEST_MIGRATE=psql to apply db/migrations/*.sql with psql instead (each
# file in one transaction together with db/hooks/after_migration.sql, as
# `rdv db migrate` does, in file-name order, as the superuser).
set -u

test_file=${1:?usage: run-pgtap.sh FILE.pgtap}
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RDV:=}"

# shellcheck source=../lib/cluster.sh
. "$top_srcdir/tests/lib/cluster.sh"

migrate=${RDV_TEST_MIGRATE:-rdv}
if [ "$migrate" = rdv ] && ! [ -x "${RDV:-}" ]; then
	migrate=psql
fi

if [ "$migrate" = rdv ]; then
	cluster_start
else
	CLUSTER_NO_MIGRATE=1 cluster_start
	for f in "$top_srcdir"/db/migrations/*.sql; do
		psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" \
			-f "$top_srcdir/db/hooks/after_migration.sql" \
			>>"$CLUSTER_DIR/migrate.log" 2>&1 || {
			echo "Bail out! migration $(basename "$f") failed: $(tail -3 "$CLUSTER_DIR/migrate.log")"
			exit 1
		}
	done
fi

if [ -z "$(psql -X -q -t -A -c "SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'pgtap'")" ]; then
	echo "1..0 # SKIP pgTAP not installed (Debian: postgresql-NN-pgtap)"
	echo "${test_file##*/}: skipped: pgTAP not installed" >&2
	exit 77
fi
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pgtap' >"$CLUSTER_DIR/setup.log" 2>&1 &&
	psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$top_srcdir/tests/db/fixtures.sql" \
		>>"$CLUSTER_DIR/setup.log" 2>&1 || {
	echo "Bail out! test set-up failed: $(tail -3 "$CLUSTER_DIR/setup.log")"
	exit 1
}

# Pooled mode (018_scale.sql): the same checks on the shared role rdv_pool,
# each agent presenting its session token (tests/db/pooled.sql).
if [ "${RDV_TEST_POOLED:-0}" = 1 ]; then
	psql -X -q -v ON_ERROR_STOP=1 -f "$top_srcdir/tests/db/pooled.sql" >>"$CLUSTER_DIR/setup.log" 2>&1 || {
		echo "Bail out! pooled set-up failed: $(tail -3 "$CLUSTER_DIR/setup.log")"
		exit 1
	}
	# The notification worker is not an agent: it keeps its own login.
	sed -e '/^SET SESSION AUTHORIZATION t_notifier;/b' \
	    -e 's/^SET SESSION AUTHORIZATION \(t_[a-z_]*\);/RESET SESSION AUTHORIZATION; DO $pool$ BEGIN PERFORM test.pool_as('"'"'\1'"'"'); END $pool$; SET SESSION AUTHORIZATION rdv_pool;/' \
	    -e 's/db_role = session_user/id = rdv.current_agent_id()/g' \
	    "$test_file" >"$CLUSTER_DIR/pooled.pgtap"
	test_file=$CLUSTER_DIR/pooled.pgtap
fi

psql -X -q -t -A -v ON_ERROR_STOP=1 -f "$test_file" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	echo "Bail out! psql exited with status $rc"
fi
exit $rc
