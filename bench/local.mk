# make bench: each script prints its figures beside the floor they are
# compared with. Benchmarks measure; tests assert behaviour.
BENCH_RUN = bench/agenda.sh

# Usager search per keystroke and a merge of 1,000 participations.
BENCH_RUN += bench/usagers.sh
BENCH_RUN += bench/export.sh

# Slot search at département scale (bench/slots.sh and its timing driver).
BENCH_RUN += bench/slots.sh
noinst_PROGRAMS += bench/slots_bench
bench_slots_bench_SOURCES = bench/slots_bench.c
bench_slots_bench_LDADD = db/libdb.a src/core/libcore.a $(PQ_LIBS) $(CORE_LIBS) -lm

EXTRA_DIST += $(BENCH_RUN)

bench: all
	@for s in $(BENCH_RUN); do \
	  echo "== $$s"; \
	  LANG=C.UTF-8 top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	  RDV='$(abs_top_builddir)/rdv' PG_BINDIR='$(PG_BINDIR)' \
	  $(SHELL) $(srcdir)/$$s || exit 1; \
	done
