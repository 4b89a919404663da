# Data-access layer: libpq, SQL. Returns core structs, owns every PGresult.
noinst_LIBRARIES += db/libdb.a
db_libdb_a_SOURCES =
SQL_FILES = $(sort $(wildcard $(srcdir)/db/migrations/*.sql)) $(sort $(wildcard $(srcdir)/db/seed/*.sql)) \
	$(srcdir)/db/hooks/after_migration.sql
db_libdb_a_SOURCES += db/db.h db/internal.h db/sql_files.h db/conn.c db/migrate.c \
	db/session.c db/agenda.c db/choices.c db/choices.h db/pick.c db/pick.h db/rdvs.c db/rdvs.h db/values.c
db_libdb_a_SOURCES += db/outbox.c db/outbox.h db/notif.c db/notif.h
db_libdb_a_SOURCES += db/slots.c db/slots.h
db_libdb_a_SOURCES += db/feed.c db/feed.h
db_libdb_a_SOURCES += db/route.c db/route.h
db_libdb_a_SOURCES += db/usagers.c db/usagers.h
db_libdb_a_SOURCES += db/plages.c db/plages.h db/admin.c db/admin.h
nodist_db_libdb_a_SOURCES = db/sql_embedded.c
BUILT_SOURCES += db/sql_embedded.c
CLEANFILES += db/sql_embedded.c
EXTRA_DIST += $(SQL_FILES)

db/sql_embedded.c: $(SQL_FILES) $(srcdir)/build-aux/embed.sh
	$(AM_V_GEN)$(MKDIR_P) db && \
	$(SHELL) $(srcdir)/build-aux/embed.sh db/sql_files.h sql_file sql_files $(srcdir)/db/ \
	  $(SQL_FILES) > $@.tmp && mv $@.tmp $@
db_libdb_a_SOURCES += db/rdvlist.c db/rdvlist.h db/exports.c db/exports.h
