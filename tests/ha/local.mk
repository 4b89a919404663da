# High availability (issue 13 goals 4 and 5): the client on a hot standby,
# and the reference deployment of deploy/ (Patroni + etcd + pgbouncer) run
# on loopback with a failover under a booking load (skipped without them).
TESTS += tests/ha/standby.sh tests/ha/read_db.sh
# The failover test starts etcd, two Patroni nodes and pgbouncer: about a
# minute on a quiet machine, and its Patroni timings (ttl 20 s) are not made
# for a machine busy with the rest of the suite, where the leader can move
# while the schema is being migrated. It runs on its own: make check-ha.
check-ha: rdv$(EXEEXT)
	@$(AM_TESTS_ENVIRONMENT) $(SHELL) $(top_srcdir)/tests/ha/failover.sh
.PHONY: check-ha
EXTRA_DIST += tests/ha/standby.sh tests/ha/read_db.sh tests/ha/failover.sh tests/ha/load.sh \
	deploy/README deploy/ha-loopback.sh deploy/patroni.yml.in deploy/pgbouncer.ini.in \
	deploy/pgbouncer-follow.sh
