/* SPDX-License-Identifier: MIT */
#ifndef RDV_EXPORT_WRITER_H
#define RDV_EXPORT_WRITER_H

/*
 * Table writers: rows of UTF-8 cells in, one file out (.xlsx through
 * libxlsxwriter in constant-memory mode, .pdf through cairo + pango). They
 * know nothing of the database or of curses, so the command line and the
 * client use the same ones.
 *
 * The file appears whole or not at all: rows go to a temporary file beside
 * the target, renamed over it by export_writer_close() once complete; any
 * failure (and export_writer_abort()) removes the temporary file.
 */

#include <stdbool.h>
#include <stddef.h>

enum export_format {
	EXPORT_XLSX,
	EXPORT_PDF,
};

/* "xlsx" / "pdf" → the format; -1 otherwise. */
int export_format_parse(const char *s);
const char *export_format_name(enum export_format f);

/*
 * What a column holds, for a spreadsheet: text, a number, a date written
 * "13/05/2026" or a time written "14h30" (dates and times become real date
 * cells shown as jj/mm/aaaa and hh:mm; a cell that does not parse stays
 * text). The PDF prints every cell as written.
 */
enum export_kind {
	EXPORT_TEXT,
	EXPORT_NUMBER,
	EXPORT_DATE,
	EXPORT_TIME,
};

struct export_table {
	const char *title;     /* "Liste des RDV" */
	const char *subtitle;  /* the filters, in French */
	const char *generated; /* "Exporté le 13/05/2026 à 10h00" */
	const char *const *headers;
	const double *widths;          /* relative column widths */
	const enum export_kind *kinds; /* per column (may be NULL: all text) */
	int ncols;
};

struct export_writer;

/*
 * Start writing the table to path. The table's strings are borrowed until
 * export_writer_close() or export_writer_abort(). NULL on failure with *err
 * (French, caller frees).
 */
struct export_writer *export_writer_open(enum export_format format, const char *path,
                                         const struct export_table *table, char **err);
/* One row of ncols cells (NULL cells are empty). */
bool export_writer_row(struct export_writer *w, const char *const *cells, char **err);
/*
 * Finish the file and move it into place. Frees w, whatever the outcome; on
 * failure nothing is left at path nor beside it.
 */
bool export_writer_close(struct export_writer *w, char **err);
/* Give up: free w and remove the temporary file. */
void export_writer_abort(struct export_writer *w);

/*
 * Whether an export may be written at path: nothing there yet or a regular
 * file (through symbolic links), never a device, pipe or directory. On
 * false *err says why in French (caller frees).
 */
bool export_target_ok(const char *path, char **err);

/* Write bytes to path through a temporary file and a rename. */
bool export_file_write(const char *path, const void *data, size_t size, char **err);
/* Read a whole file. Caller frees *data. */
bool export_file_read(const char *path, unsigned char **data, size_t *size, char **err);

#endif
