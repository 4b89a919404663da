# Scheduling core: pure C (no curses, no libpq, no I/O). libical and jansson only.
noinst_LIBRARIES += src/core/libcore.a
src_core_libcore_a_SOURCES = \
	src/core/xmalloc.c src/core/xmalloc.h \
	src/core/caltime.c src/core/caltime.h \
	src/core/text.c src/core/text.h \
	src/core/status.c src/core/status.h \
	src/core/agenda.c src/core/agenda.h \
	src/core/warning.c src/core/warning.h
src_core_libcore_a_SOURCES += \
	src/core/tz.c src/core/tz.h \
	src/core/rrule.c src/core/rrule.h \
	src/core/holidays.c src/core/holidays.h \
	src/core/slots.c src/core/slots.h \
	src/core/scenario.c src/core/scenario.h
src_core_libcore_a_SOURCES += src/core/usager.c src/core/usager.h src/core/merge.c src/core/merge.h
