TESTS += tests/ui/agenda_draw.sh tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh tests/ui/search_book.sh \
	tests/ui/agenda_live.sh tests/ui/agenda_reconnect.sh tests/ui/agenda_catchup.sh tests/ui/agenda_failover.sh tests/ui/agenda_rdv.sh \
	tests/ui/keys_forms.sh tests/ui/search_matrix.sh tests/ui/monkey.sh tests/ui/booking_warnings.sh tests/ui/a11y_focus.sh
TESTS += tests/ui/agenda_targeted.sh
EXTRA_DIST += tests/ui/agenda_targeted.sh
# The client through a transaction-mode pooler (pgbouncer; skipped without it).
TESTS += tests/ui/pooled.sh
EXTRA_DIST += tests/ui/pooled.sh
EXTRA_DIST += tests/ui/agenda_draw.sh tests/ui/agenda_draw.py tests/ui/week_demo.sh tests/ui/week_colours.sh tests/ui/agenda_views.sh tests/ui/search_book.sh \
	tests/ui/agenda_live.sh tests/ui/agenda_reconnect.sh tests/ui/agenda_catchup.sh tests/ui/agenda_failover.sh tests/ui/agenda_rdv.sh \
	tests/ui/reconnect_lib.sh tests/ui/desks_lib.sh tests/ui/keys_forms.sh \
	tests/ui/search_matrix.sh tests/ui/monkey.sh tests/ui/booking_warnings.sh tests/ui/a11y_focus.sh
# The monkey's deterministic key generator (tests/ui/monkey.sh).
check_PROGRAMS += tests/ui/monkey_keys
tests_ui_monkey_keys_SOURCES = tests/ui/monkey_keys.c

# A longer monkey: every seed with every agent (7 logins), more keys; more seeds with
# make fuzz-ui FUZZ_UI_SEEDS="11 12 13 14 15 16".
FUZZ_UI_SEEDS = 11 12 13 14
FUZZ_UI_KEYS = 3000
fuzz-ui: rdv$(EXEEXT) tests/ui/monkey_keys$(EXEEXT)
	@$(AM_TESTS_ENVIRONMENT) \
	MONKEY_SEEDS='$(FUZZ_UI_SEEDS)' MONKEY_KEYS='$(FUZZ_UI_KEYS)' MONKEY_PAIRS=all \
	MONKEY_AGENTS='julien sophie camille lea claire thomas nadia' \
	$(SHELL) $(top_srcdir)/tests/ui/monkey.sh
.PHONY: fuzz-ui

# The request API: replies to their owner only, cancelled requests freed (issue 12).
TESTS += tests/ui/requests.sh
EXTRA_DIST += tests/ui/requests.sh
check_PROGRAMS += tests/ui/t_requests
tests_ui_t_requests_SOURCES = tests/ui/t_requests.c
tests_ui_t_requests_LDADD = db/libdb.a src/core/libcore.a $(PQ_LIBS) $(CORE_LIBS) -lm
