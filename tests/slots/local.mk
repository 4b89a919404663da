# Slot search and booking through the database (issue 3): the scenarios
# through the schema, permissions, booking and a 20-desk booking race.
SLOTS_TESTS = tests/slots/scenarios.sh
TESTS += $(SLOTS_TESTS)
EXTRA_DIST += $(SLOTS_TESTS) tests/slots/load_scenario.py
SLOTS_TESTS += tests/slots/permissions.sh
EXTRA_DIST += tests/slots/fixture.sql
SLOTS_TESTS += tests/slots/book.sh
check_PROGRAMS += tests/slots/book_race
tests_slots_book_race_SOURCES = tests/slots/book_race.c
tests_slots_book_race_LDADD = db/libdb.a src/core/libcore.a $(PQ_LIBS) $(CORE_LIBS) -lm
# The hand-written scenarios of tests/unit/t_slots.c (one file each).
EXTRA_DIST += $(wildcard $(srcdir)/tests/slots/scenarios/*.json) \
	$(wildcard $(srcdir)/tests/slots/scenarios/*.out) \
	$(wildcard $(srcdir)/tests/slots/scenarios/*.err) \
	$(wildcard $(srcdir)/tests/slots/scenarios/*.txt)
