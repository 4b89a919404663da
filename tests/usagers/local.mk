# Usagers: search, record, duplicates and merge (issue 5). Unit tests of the
# core, pgTAP tests of the database functions, UI tests in tmux.
check_PROGRAMS += tests/usagers/t_usager tests/usagers/t_merge
tests_usagers_t_usager_SOURCES = tests/usagers/t_usager.c
tests_usagers_t_usager_LDADD = src/core/libcore.a $(CORE_LIBS)
tests_usagers_t_merge_SOURCES = tests/usagers/t_merge.c
tests_usagers_t_merge_LDADD = src/core/libcore.a $(CORE_LIBS)
USAGERS_TESTS = tests/usagers/t_usager tests/usagers/t_merge
TESTS += $(USAGERS_TESTS)
USAGERS_PGTAP = tests/usagers/merge.pgtap tests/usagers/search.pgtap tests/usagers/merge_trail.pgtap
TESTS += $(USAGERS_PGTAP)
EXTRA_DIST += $(USAGERS_PGTAP)
USAGERS_UI = tests/usagers/ui_search_record.sh tests/usagers/ui_merge.sh \
	tests/usagers/ui_record_actions.sh
TESTS += $(USAGERS_UI)
EXTRA_DIST += $(USAGERS_UI)
