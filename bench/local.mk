# make bench: each script prints its figures beside the floor they are
# compared with. Benchmarks measure; tests assert behaviour.
BENCH_RUN =
EXTRA_DIST += $(BENCH_RUN)

bench: all
	@for s in $(BENCH_RUN); do \
	  echo "== $$s"; \
	  LANG=C.UTF-8 top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  RDV='$(abs_top_builddir)/rdv' PG_BINDIR='$(PG_BINDIR)' \
	  $(SHELL) $(srcdir)/$$s || exit 1; \
	done
