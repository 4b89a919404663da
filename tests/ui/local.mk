TESTS += tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh tests/ui/search_book.sh \
	tests/ui/agenda_live.sh tests/ui/agenda_reconnect.sh tests/ui/agenda_rdv.sh \
	tests/ui/search_matrix.sh tests/ui/monkey.sh
EXTRA_DIST += tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh tests/ui/search_book.sh \
	tests/ui/agenda_live.sh tests/ui/agenda_reconnect.sh tests/ui/agenda_rdv.sh \
	tests/ui/search_matrix.sh tests/ui/monkey.sh
# The monkey's deterministic key generator (tests/ui/monkey.sh).
check_PROGRAMS += tests/ui/monkey_keys
tests_ui_monkey_keys_SOURCES = tests/ui/monkey_keys.c

# A longer monkey: more seeds, every seed with every kind of agent, more keys.
FUZZ_UI_SEEDS = 11 12 13 14 15 16 17 18 19 20
FUZZ_UI_KEYS = 5000
fuzz-ui: rdv$(EXEEXT) tests/ui/monkey_keys$(EXEEXT)
	@$(AM_TESTS_ENVIRONMENT) \
	MONKEY_SEEDS='$(FUZZ_UI_SEEDS)' MONKEY_KEYS='$(FUZZ_UI_KEYS)' MONKEY_PAIRS=all \
	MONKEY_AGENTS='julien sophie camille lea claire thomas nadia' \
	$(SHELL) $(top_srcdir)/tests/ui/monkey.sh
.PHONY: fuzz-ui
