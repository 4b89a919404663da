/* SPDX-License-Identifier: MIT */
#ifndef RDV_EXPORT_RDVEXPORT_H
#define RDV_EXPORT_RDVEXPORT_H

/*
 * The RDV export of reference §5.2: the columns of rdv_columns in that
 * order, French dates (dd/mm/yyyy), times (14h30) and statuses. One code
 * path for `rdv export rdvs` and for the client, which runs that command in
 * a child process. The list screen (ui/rdvlist.c) shows some of the same
 * columns, read the same way.
 */

#include <stdbool.h>

#include "core/caltime.h"
#include "db/rdvlist.h"
#include "export/writer.h"

/* How a column's text is made from its fields. */
enum rdv_column_read {
	RDV_READ_TEXT,   /* the field as it is */
	RDV_READ_YEAR,   /* of a "YYYY-MM-DDTHH:MM" field: "2026" */
	RDV_READ_DATE,   /* "13/05/2026" */
	RDV_READ_TIME,   /* "14h30" */
	RDV_READ_ORIGIN, /* rdvs.created_by → "RDV Pris sur internet"… */
	RDV_READ_STATUS, /* status, with the rdv's start as second field → "À renseigner"… */
	RDV_READ_YESNO,  /* a boolean ("t"/"f") → "oui"/"non" */
};

/*
 * One column of the Liste des RDV and of its export: the export's header,
 * the fields it is read from (the SQL aliases of db/rdvlist.c) and how,
 * what kind of cell it is in a spreadsheet, its relative width on the PDF
 * page; and, when the list screen shows it, its place, title and width
 * there (a fixed number of cells, or a percentage of what the fixed
 * columns leave; shown from a terminal width on).
 */
struct rdv_column {
	const char *header;
	const char *field, *field2; /* field2: the rdv's start for a status; else NULL */
	enum rdv_column_read read;
	enum export_kind kind;
	double pdf_width;
	struct {
		int order; /* 1, 2, …; 0: not on the list screen */
		const char *title;
		int width;    /* cells; 0: a share */
		int share;    /* percent of what is left; the last column takes the rest */
		int min_cols; /* shown from this terminal width on (0: always) */
	} list;
};

/* The columns in the export's order (reference §5.2; append only: departments read them by
 * position). */
extern const struct rdv_column rdv_columns[];
extern const int rdv_ncolumns;

/*
 * The field names to ask db/rdvlist.h for: field and field2 of each column
 * in order (column c's at 2c, 2c + 1); for the list, of the columns the
 * list screen shows only, in the same order (k-th such column at 2k).
 * Static storage.
 */
const struct rdvlist_fields *rdv_columns_fields(void);
const struct rdvlist_fields *rdv_columns_list_fields(void);

/*
 * The text of column c from its two fields (f2 may be NULL); buf holds it
 * when it is made up. today: the day a status is judged from.
 */
#define RDV_CELL_BUF 16
const char *rdv_column_text(const struct rdv_column *c, const char *f, const char *f2,
                            rdv_date today, char buf[RDV_CELL_BUF]);

/* "14h30". */
char *rdv_export_format_hhmm(int minute_of_day, char buf[8]);

/*
 * The filters in French for the title ("Filtres : motif Suivi social ·
 * du 01/05/2026 au 31/05/2026"); names come from choices (may be NULL:
 * ids then). Caller frees.
 */
char *rdv_export_filters_summary(const struct rdvlist_filters *f,
                                 const struct rdvlist_choices *choices);

/* "export-rdv-2026-05-13.xlsx", or "…-org-000012.xlsx" for one organisation. Caller frees. */
char *rdv_export_file_name(rdv_date day, const int *orgs, int norgs, enum export_format format);

/* Called after each batch; return false to stop (the export then fails). */
typedef bool (*rdv_export_progress_fn)(void *ctx, long done, long total);

struct rdv_export_job {
	const struct rdvlist_filters *filters;
	rdv_time now; /* local wall clock: the day of statuses, the date in the title */
	enum export_format format;
	const char *path;
	const char *summary; /* the filters in French */
	const char *author;  /* who exports, for the foot of the pages */
	rdv_export_progress_fn progress;
	void *progress_ctx;
	int batch; /* rows per query and per fetch; 0 = 5,000 and 1,000 */
};

/*
 * Run the export on db (blocking: the command line's own connection). On
 * success the file is at job->path and *rows, *orgs (caller frees) and
 * *norgs say what it holds; on failure nothing is left at the path and
 * *err says why (caller frees).
 */
bool rdv_export_run(struct db *db, const struct rdv_export_job *job, long *rows, int **orgs,
                    int *norgs, char **err);

#endif
