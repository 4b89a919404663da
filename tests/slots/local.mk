# Slot search and booking through the database (issue 3): the scenarios
# through the schema, permissions, booking and a 20-desk booking race.
SLOTS_TESTS = tests/slots/scenarios.sh
TESTS += $(SLOTS_TESTS)
EXTRA_DIST += $(SLOTS_TESTS) tests/slots/load_scenario.py
