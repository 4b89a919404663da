# Unit tests of the scheduling core (TAP, tests/tap.h) and of `rdv slots`.
check_PROGRAMS += tests/unit/t_holidays
tests_unit_t_holidays_SOURCES = tests/unit/t_holidays.c
tests_unit_t_holidays_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/unit/t_holidays

check_PROGRAMS += tests/unit/t_tz
tests_unit_t_tz_SOURCES = tests/unit/t_tz.c
tests_unit_t_tz_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/unit/t_tz

check_PROGRAMS += tests/unit/t_rrule
tests_unit_t_rrule_SOURCES = tests/unit/t_rrule.c
tests_unit_t_rrule_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/unit/t_rrule

check_PROGRAMS += tests/unit/t_slots
tests_unit_t_slots_SOURCES = tests/unit/t_slots.c
tests_unit_t_slots_CPPFLAGS = $(AM_CPPFLAGS) -DSCENARIO_DIR='"$(abs_top_srcdir)/tests/unit/scenarios"' \
	-DSLOTS_SCENARIO_DIR='"$(abs_top_srcdir)/tests/slots/scenarios"'
tests_unit_t_slots_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/unit/t_slots

# The real binary on the scenario files and the holiday command.
TESTS += tests/unit/cli_slots.sh tests/unit/cli_holidays.sh tests/unit/cli_demo_dir.sh
EXTRA_DIST += tests/unit/cli_slots.sh tests/unit/cli_holidays.sh tests/unit/cli_demo_dir.sh \
	$(wildcard $(srcdir)/tests/unit/scenarios/*.json) \
	$(wildcard $(srcdir)/tests/unit/scenarios/*.out) \
	$(wildcard $(srcdir)/tests/unit/scenarios/*.err) \
	$(wildcard $(srcdir)/tests/unit/scenarios/*.txt)

check_PROGRAMS += tests/unit/t_text
tests_unit_t_text_SOURCES = tests/unit/t_text.c
tests_unit_t_text_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/unit/t_text

check_PROGRAMS += tests/unit/t_warning
tests_unit_t_warning_SOURCES = tests/unit/t_warning.c
tests_unit_t_warning_LDADD = src/core/libcore.a $(CORE_LIBS)
TESTS += tests/unit/t_warning
