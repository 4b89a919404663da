#!/bin/sh
# Patroni callback (on_start, on_role_change): when this node is the primary,
# point pgbouncer's databases at it and RELOAD, then RECONNECT so that no
# server connection to the old primary is reused.
# usage: pgbouncer-follow.sh BOUNCER_DIR BOUNCER_PORT NODE_PORT ACTION ROLE SCOPE
bdir=$1 bport=$2 port=$3 action=$4 role=$5
case $role in
master | primary) ;;
*) exit 0 ;;
esac
cat >"$bdir/databases.ini.tmp" <<EOT
rdv = host=127.0.0.1 port=$port dbname=rdv
rdv_tx = host=127.0.0.1 port=$port dbname=rdv pool_mode=transaction
EOT
mv "$bdir/databases.ini.tmp" "$bdir/databases.ini"
echo "$(date -u +%FT%T.%3NZ) $action $role port $port" >>"$bdir/follow.log"
[ -f "$bdir/pgbouncer.pid" ] || exit 0
for cmd in RELOAD "RECONNECT rdv" "RECONNECT rdv_tx"; do
	psql -X -q -h "$bdir" -p "$bport" -U postgres -d pgbouncer -c "$cmd" >>"$bdir/follow.log" 2>&1
done
exit 0
