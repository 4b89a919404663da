check_PROGRAMS += tests/agenda/t_agenda tests/agenda/t_form tests/agenda/t_keys_theme
tests_agenda_t_agenda_SOURCES = tests/agenda/t_agenda.c
tests_agenda_t_agenda_LDADD = src/core/libcore.a $(CORE_LIBS)
tests_agenda_t_form_SOURCES = tests/agenda/t_form.c
tests_agenda_t_form_LDADD = ui/libui.a src/core/libcore.a $(NCURSES_LIBS) $(CORE_LIBS)
tests_agenda_t_keys_theme_SOURCES = tests/agenda/t_keys_theme.c
tests_agenda_t_keys_theme_LDADD = ui/libui.a src/core/libcore.a $(NCURSES_LIBS) $(CORE_LIBS)
TESTS += tests/agenda/t_agenda tests/agenda/t_form tests/agenda/t_keys_theme
