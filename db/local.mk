# Data-access layer: libpq, SQL. Returns core structs, owns every PGresult.
noinst_LIBRARIES += db/libdb.a
db_libdb_a_SOURCES =
MIGRATIONS = $(sort $(wildcard $(srcdir)/db/migrations/*.sql))
