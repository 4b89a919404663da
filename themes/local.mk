THEME_FILES = themes/default.theme themes/8colors.theme themes/monochrome.theme \
	themes/high-contrast.theme
themedir = $(pkgdatadir)/themes
dist_theme_DATA = $(THEME_FILES)
nodist_ui_libui_a_SOURCES = ui/themes_embedded.c
BUILT_SOURCES += ui/themes_embedded.c
CLEANFILES += ui/themes_embedded.c

ui/themes_embedded.c: $(THEME_FILES:%=$(srcdir)/%) $(srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) ui && \
	$(SHELL) $(srcdir)/build-aux/embed.sh ui/embedded.h embedded_file embedded_themes \
	  $(srcdir)/ $(THEME_FILES:%=$(srcdir)/%) > $@.tmp && mv $@.tmp $@
