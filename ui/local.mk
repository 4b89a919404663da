# ncurses client: the only layer that calls curses.
noinst_LIBRARIES += ui/libui.a
ui_libui_a_SOURCES =
