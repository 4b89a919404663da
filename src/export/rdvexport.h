/* SPDX-License-Identifier: MIT */
#ifndef RDV_EXPORT_RDVEXPORT_H
#define RDV_EXPORT_RDVEXPORT_H

/*
 * The RDV export of reference §5.2: 21 columns in that order (append only:
 * departments read them by position), French dates (dd/mm/yyyy), times
 * (14h30) and statuses. One code path for `rdv export rdvs` and for the
 * client, which runs that command in a child process.
 */

#include <stdbool.h>

#include "core/caltime.h"
#include "db/rdvlist.h"
#include "export/writer.h"

#define RDV_EXPORT_NCOLS 21

extern const char *const rdv_export_headers[RDV_EXPORT_NCOLS];

/* The cells of one row; the pointers borrow from the row and from this struct. */
struct rdv_export_cells {
	char year[8], created_date[11], created_time[8], date[11], time[8];
	const char *cells[RDV_EXPORT_NCOLS];
};
void rdv_export_cells_fill(struct rdv_export_cells *out, const struct rdvlist_export_row *r,
                           rdv_date today);

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
