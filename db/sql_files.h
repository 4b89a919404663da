/* SPDX-License-Identifier: MIT */
#ifndef RDV_DB_SQL_FILES_H
#define RDV_DB_SQL_FILES_H

/* SQL files compiled into the binary: "migrations/NNN_x.sql", "seed/x.sql". */
struct sql_file {
	const char *name;
	const char *text;
};

/* Sorted by name; ends with {NULL, NULL}. */
extern const struct sql_file sql_files[];

#endif
