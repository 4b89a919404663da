# make loadtest (issue 13): simulated agents on loopback, direct and pooled
# (pgbouncer), at 10, 100 and 1,000 connected agents, then a saturation run.
# Not part of make check; see loadtest/run.sh for its knobs (LOADTEST_*).
LOADTEST_FILES = loadtest/run.sh loadtest/setup.sql loadtest/week_sql.inc \
	loadtest/week_old_sql.inc loadtest/search_sql.inc loadtest/book_sql.inc loadtest/feed_sql.inc \
	loadtest/cpu_per_statement.sh
EXTRA_DIST += $(LOADTEST_FILES)

loadtest: all
	@LANG=C.UTF-8 top_srcdir='$(abs_top_srcdir)' RDV='$(abs_top_builddir)/rdv' \
	  PG_BINDIR='$(PG_BINDIR)' \
	  $(SHELL) '$(abs_top_srcdir)/loadtest/run.sh'

.PHONY: loadtest
