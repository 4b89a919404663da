# High availability (issue 13 goals 4 and 5): the client on a hot standby,
# and the reference deployment of deploy/ (Patroni + etcd + pgbouncer) run
# on loopback with a failover under a booking load (skipped without them).
TESTS += tests/ha/standby.sh tests/ha/failover.sh
EXTRA_DIST += tests/ha/standby.sh tests/ha/failover.sh tests/ha/load.sh \
	deploy/README deploy/ha-loopback.sh deploy/patroni.yml.in deploy/pgbouncer.ini.in \
	deploy/pgbouncer-follow.sh
