#!/bin/sh
# SPDX-License-Identifier: MIT
# The last admin of an organisation cannot be raced away (issue 10, class 7):
# two admins of organisation A, in two psql sessions, each demote (or delete)
# the other's admin role in concurrent transactions. The first one holds its
# transaction open; the second must wait for it (seen in pg_stat_activity,
# no sleep), and once the first commits, the second fails: A keeps one admin.
# Under READ COMMITTED and REPEATABLE READ, for UPDATE and DELETE.
# Fixtures: tests/db/fixtures.sql (t_admin = agent 4, admin of A, role 4;
# t_basic_x = agent 1, made admin of A here, role 1).
# Environment (from the harness): RDV, top_srcdir, PG_BINDIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

command -v psql >/dev/null 2>&1 || { echo "1..0 # SKIP no psql"; exit 77; }
cluster_start
sql -f "$top_srcdir/tests/db/fixtures.sql" >/dev/null || { echo "Bail out! fixtures"; exit 1; }

# wait_for CMD... — run CMD until it succeeds, 30 s at most.
wait_for() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 300 ] && return 1
		sleep 0.1
	done
}

# Whether session 2 (t_basic_x) is waiting for a lock.
s2_waiting() {
	test "$(sql -c "SELECT count(*) FROM pg_stat_activity
	                WHERE usename = 't_basic_x' AND wait_event_type = 'Lock'")" = 1
}

# race ISOLATION STMT1 STMT2 — session 1 (t_admin) runs STMT1 in an open
# transaction; session 2 (t_basic_x) runs STMT2 and commits; then session 1
# commits. Prints session 1's and session 2's output.
race() {
	iso=$1 stmt1=$2 stmt2=$3
	sql -c "UPDATE rdv.agent_roles SET access_level = 'admin' WHERE id IN (1, 4)" >/dev/null
	d=$(mktemp -d "$CLUSTER_DIR/race.XXXXXX")
	mkfifo "$d/in1"
	psql -X -q -t -A -v VERBOSITY=terse -U t_admin <"$d/in1" >"$d/out1" 2>&1 &
	p1=$!
	exec 7>"$d/in1"
	printf "BEGIN ISOLATION LEVEL %s;\n%s;\nSELECT 'S1 done';\n" "$iso" "$stmt1" >&7
	wait_for grep -q 'S1 done' "$d/out1" || echo "# session 1 did not run: $(cat "$d/out1")"
	printf "BEGIN ISOLATION LEVEL %s;\nSELECT 'S2 begun';\n%s;\nSELECT 'S2 done';\nCOMMIT;\n" "$iso" "$stmt2" |
		psql -X -q -t -A -v VERBOSITY=terse -U t_basic_x >"$d/out2" 2>&1 &
	p2=$!
	# Session 2 waits on a lock held by session 1.
	if wait_for s2_waiting; then
		echo "session 2 waited for session 1"
	else
		echo "session 2 never waited: $(cat "$d/out2")"
	fi
	printf 'COMMIT;\n' >&7
	exec 7>&-
	wait $p1
	wait $p2
	printf '%s\n--\n%s\n' "$(cat "$d/out1")" "$(cat "$d/out2")"
}

admins() {
	sql -c "SELECT string_agg(agent_id::text, ',' ORDER BY agent_id) FROM rdv.agent_roles
	        WHERE organisation_id = 1 AND access_level = 'admin'"
}

out=$(race 'READ COMMITTED' "UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 1" \
	"UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 4")
like "$out" "session 2 waited for session 1" "read committed, demote vs demote: the second session waits"
like "$out" "l'organisation doit garder au moins un administrateur" \
	"read committed, demote vs demote: the second transaction fails"
unlike "$out" "S2 done" "… and did not get past its update"
is "$(admins)" "4" "… organisation A keeps agent 4 as admin"

out=$(race 'READ COMMITTED' "DELETE FROM rdv.agent_roles WHERE id = 1" \
	"UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 4")
like "$out" "l'organisation doit garder au moins un administrateur" \
	"read committed, delete vs demote: the second transaction fails"
is "$(admins)" "4" "… organisation A keeps agent 4 as admin"
sql -c "INSERT INTO rdv.agent_roles (id, agent_id, organisation_id, access_level) VALUES (1, 1, 1, 'admin')" >/dev/null

out=$(race 'READ COMMITTED' "UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 1" \
	"DELETE FROM rdv.agent_roles WHERE id = 4")
like "$out" "l'organisation doit garder au moins un administrateur" \
	"read committed, demote vs delete: the second transaction fails"
is "$(admins)" "4" "… organisation A keeps agent 4 as admin"

out=$(race 'REPEATABLE READ' "UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 1" \
	"UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 4")
like "$out" "session 2 waited for session 1" "repeatable read: the second session waits"
like "$out" "ERROR" "repeatable read, demote vs demote: the second transaction fails"
unlike "$out" "S2 done" "… and did not get past its update"
is "$(admins)" "4" "… organisation A keeps agent 4 as admin"

out=$(race 'SERIALIZABLE' "UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 1" \
	"UPDATE rdv.agent_roles SET access_level = 'basic' WHERE id = 4")
like "$out" "ERROR" "serializable, demote vs demote: the second transaction fails"
is "$(admins)" "4" "… organisation A keeps agent 4 as admin"

done_testing
