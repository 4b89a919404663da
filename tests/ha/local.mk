# High availability (issue 13 goals 4 and 5): the client on a hot standby,
# and the reference deployment of deploy/ (Patroni + etcd + pgbouncer) run
# on loopback with a failover under a booking load (skipped without them).
# failover.sh starts etcd, two Patroni nodes and pgbouncer (about 1.5 to 2.5
# min on a loaded 2-core machine); it runs in the plain build only and skips
# itself under ASan and in make distcheck (see the test). make check-ha runs
# it alone, in any build. read_db.sh: a primary and a streaming standby.
TESTS += tests/ha/standby.sh tests/ha/read_db.sh tests/ha/failover.sh
check-ha: rdv$(EXEEXT)
	@$(AM_TESTS_ENVIRONMENT) RDV_HA_ALWAYS=1; export RDV_HA_ALWAYS; \
	$(SHELL) $(top_srcdir)/tests/ha/failover.sh
.PHONY: check-ha
EXTRA_DIST += tests/ha/standby.sh tests/ha/read_db.sh tests/ha/failover.sh tests/ha/load.sh \
	deploy/README deploy/ha-loopback.sh deploy/patroni.yml.in deploy/pgbouncer.ini.in \
	deploy/pgbouncer-follow.sh
