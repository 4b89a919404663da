# ncurses client: the only layer that calls curses.
noinst_LIBRARIES += ui/libui.a
ui_libui_a_SOURCES = ui/ui.h ui/screen.h ui/embedded.h \
	ui/app.c ui/draw.c ui/draw.h ui/help.c \
	ui/keys.c ui/keys.h ui/status.c ui/status.h ui/theme.c ui/theme.h ui/week.c \
	ui/form.c ui/form.h ui/list.c ui/list.h ui/pick.c ui/pick.h \
	ui/search.c ui/booking.c ui/rdv.c ui/tofill.c \
	ui/editor.c ui/editor.h
ui_libui_a_SOURCES += ui/rdvlist.c ui/account.c
ui_libui_a_SOURCES += ui/usagers.c ui/usagers.h ui/usager_record.c ui/merge.c
ui_libui_a_SOURCES += ui/rdv_notif.c ui/rdv_notif.h
ui_libui_a_SOURCES += ui/plage.c ui/absence.c ui/admin.c ui/recurrence.c ui/recurrence.h
ui_libui_a_SOURCES += ui/focus.c ui/focus.h
ui_libui_a_SOURCES += ui/readdb.c ui/readdb.h
