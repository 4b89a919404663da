# Plages d'ouverture, indisponibilités and administration (issue 4): the
# SQL functions of 008_agenda_admin, and the screens driven in tmux.
AGENDA_EDIT_TESTS = tests/agenda_edit/sql_functions.sh tests/agenda_edit/ui_plage.sh \
	tests/agenda_edit/ui_absence.sh tests/agenda_edit/ui_admin.sh
TESTS += $(AGENDA_EDIT_TESTS)
EXTRA_DIST += $(AGENDA_EDIT_TESTS)
check_PROGRAMS += tests/agenda_edit/t_recurrence
tests_agenda_edit_t_recurrence_SOURCES = tests/agenda_edit/t_recurrence.c
tests_agenda_edit_t_recurrence_LDADD = ui/libui.a src/core/libcore.a $(NCURSES_LIBS) $(CORE_LIBS)
TESTS += tests/agenda_edit/t_recurrence
