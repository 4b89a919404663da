#!/bin/sh
# loadtest/cpu_per_statement.sh N MODE KIND [ITER]: server CPU of one
# statement of the load-test mix (issue 13, goals 6 and 7), the reliable
# figure on a shared machine: utime + stime of the backend (from /proc, so
# this runs on the database host, as root or as the server's user), per
# execution, over ITER executions (default 60) after 3 warm-ups, each in its
# own transaction, as simulated agent n = N of loadtest.agents:
#   MODE owner   the superuser, no row-level security (the week load's
#                rdv.to_fill_count replaced by the same count with literals)
#        direct  SET SESSION AUTHORIZATION to the agent's own role
#        pooled  rdv_pool: BEGIN; SELECT rdv.session_resume(token); stmt; COMMIT
#   KIND week | search | book (loadtest/*_sql.inc) | resume (session_resume
#        and SELECT 1) | feed (rdv.feed_touches of the agent's week)
# The database: PGHOST/PGPORT/PGDATABASE as the superuser, seeded by
# `rdv db seed scale` and loadtest/setup.sql (make loadtest with
# LOADTEST_PGHOST leaves both in place). Prints one line:
#   N MODE KIND iter=ITER cpu/exec=X.XXms errors=E
set -u
n=${1:?usage: cpu_per_statement.sh N MODE KIND [ITER]} mode=${2:?} kind=${3:?} iter=${4:-60}
here=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/rdv-cpu.XXXXXX)
chmod 755 "$W"
inc=$here/${kind}_sql.inc
stmt() {
	case $kind in
	resume) echo "SELECT 1;" ;;
	feed) echo "SELECT * FROM rdv.feed_touches(:'cur', ARRAY[:a::int], :wf::date, :wf::date + 6);" ;;
	week)
		if [ "$mode" = owner ]; then
			sed "s/rdv.to_fill_count('2026-05-13'::date, 'Europe\/Paris')/(SELECT count(*)::int FROM rdv.rdvs r WHERE r.agent_ids @> ARRAY[:a::int] AND r.organisation_id = ANY (ARRAY[:o::int]) AND r.status = 'unknown' AND r.starts_at < ('2026-05-13'::date::timestamp AT TIME ZONE 'Europe\/Paris'))/" "$inc"
		else
			cat "$inc"
		fi ;;
	*) cat "$inc" ;;
	esac
}
{
	echo "\\set n $n"
	echo "SELECT agent_id AS a, db_role AS r, org AS o, quote_literal(week_from) AS wf, motif_id AS m, usager_id AS u, quote_literal(term) AS t, token AS tok FROM loadtest.agents WHERE n = :n \\gset"
	echo "SELECT pg_backend_pid() AS pid \\gset"
	echo "\\setenv BPID :pid"
	echo "SELECT cursor AS cur FROM rdv.feed(NULL) \\gset"
	case $mode in
	direct) echo "SET SESSION AUTHORIZATION :'r';" ;;
	pooled) echo "SET SESSION AUTHORIZATION rdv_pool;" ;;
	esac
	i=0
	while [ $i -lt $((iter + 3)) ]; do
		[ $i = 3 ] && echo "\\! cat /proc/\$BPID/stat > $W/c0"
		# a different booking slot each time (week offset, day, hour, minutes)
		echo "\\set off $(( (i % 9) - 4 ))"
		echo "\\set d $(( (i / 9) % 5 ))"
		echo "\\set h $(( 8 + (i / 45) % 10 ))"
		echo "\\set mm $(( 5 * ((i / 450) % 12) ))"
		echo "BEGIN;"
		[ "$mode" = pooled ] && echo "SELECT rdv.session_resume(:'tok') \\g /dev/null"
		stmt | sed '$ s/;$/ \\g \/dev\/null/'
		echo "COMMIT;"
		i=$((i + 1))
	done
	echo "\\! cat /proc/\$BPID/stat > $W/c1"
} >"$W/script.sql"
psql -X -q -f "$W/script.sql" >"$W/out" 2>&1
errs=$(grep -c ERROR "$W/out")
a=$(sed 's/^.*) //' "$W/c0" | awk '{ print $12 + $13 }')
b=$(sed 's/^.*) //' "$W/c1" | awk '{ print $12 + $13 }')
echo "$n $mode $kind iter=$iter cpu/exec=$(echo "$a $b $iter" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($2 - $1) * 1000 / hz / $3 }')ms errors=$errs"
[ "$errs" -gt 0 ] && grep ERROR "$W/out" | sort | uniq -c | head -3
rm -rf "$W"
