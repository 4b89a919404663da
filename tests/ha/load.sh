#!/bin/sh
# Booking load for tests/ha/failover.sh: books one rdv after another as the
# agent sophie, each in its own connection, alternately through the
# multi-host conninfo and through pgbouncer (transaction mode), until STOP
# exists. Every booking the server acknowledged (rdv_book returned its id
# after COMMIT) is appended to ACKED as "N ID ROUTE"; failures (server down,
# standby refusing, connection lost during the commit) are counted in
# ACKED.failed and retried with the next number.
# usage: load.sh HA_DIR ACKED STOP MOTIF LIEU AGENT USAGER
dir=$1 acked=$2 stop=$3 motif=$4 lieu=$5 agent=$6 usager=$7
. "$dir/env"
n=0
: >"$acked"
: >"$acked.failed"
while [ ! -e "$stop" ]; do
	n=$((n + 1))
	# 20 half-hours a day from 2027-01-04, far from the agenda the TUI shows.
	day=$((n / 20)) slot=$((n % 20))
	starts="timestamp '2027-01-04 08:00' + interval '$day days' + interval '$((slot * 30)) minutes'"
	if [ $((n % 2)) = 0 ]; then
		route=multi conn="$HA_CONNINFO user=sophie connect_timeout=2"
	else
		route=pooler conn="host=127.0.0.1 port=$HA_BOUNCER_PORT dbname=rdv_tx user=sophie connect_timeout=2"
	fi
	id=$(psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$conn" -c "SELECT rdv.rdv_book($motif, $lieu, $starts, 30,
		'{$agent}', '{$usager}', true, 'ha-load-$n')" 2>>"$acked.err")
	if [ -n "$id" ]; then
		echo "$n $id $route $(date +%s.%N)" >>"$acked"
	else
		echo "$n $route $(date +%s.%N)" >>"$acked.failed"
		sleep 0.1
	fi
done
