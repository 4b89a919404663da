/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/backend.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/xmalloc.h"

/*
 * Constant-memory mode: each row is flushed to a temporary file as soon as
 * the next one starts, so memory stays flat whatever the row count. Its
 * price: rows strictly in order, and strings written inline (no shared
 * string table), which is also what makes the sheet easy to read back.
 */
struct xlsx_out {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *header;
	const struct export_table *t;
	lxw_row_t row;
};

static char *
xlsx_error(const char *what, lxw_error e)
{
	return xasprintf("%s : %s", what, lxw_strerror(e));
}

struct xlsx_out *
xlsx_out_open(const char *path, const struct export_table *t, char **err)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (wb == NULL) {
		*err = xasprintf("impossible de créer le classeur « %s »", path);
		return NULL;
	}
	struct xlsx_out *x = xcalloc(1, sizeof *x);
	x->wb = wb;
	x->t = t;
	x->ws = workbook_add_worksheet(wb, "Rendez-vous");
	x->header = workbook_add_format(wb);
	format_set_bold(x->header);
	lxw_doc_properties props = {
	    .title = (char *)t->title,
	    .subject = (char *)t->subtitle,
	    .comments = (char *)t->generated,
	    .author = (char *)"rdv-tui",
	};
	workbook_set_properties(wb, &props);
	double total = 0;
	for (int c = 0; c < t->ncols; c++)
		total += t->widths ? t->widths[c] : 1;
	for (int c = 0; c < t->ncols; c++) {
		double w = t->widths ? t->widths[c] : 1;
		worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, 4 + 220 * w / total, NULL);
	}
	worksheet_freeze_panes(x->ws, 1, 0);
	for (int c = 0; c < t->ncols; c++) {
		lxw_error e =
		    worksheet_write_string(x->ws, 0, (lxw_col_t)c, t->headers[c], x->header);
		if (e != LXW_NO_ERROR) {
			*err = xlsx_error("en-tête du classeur", e);
			xlsx_out_abort(x);
			return NULL;
		}
	}
	x->row = 1;
	return x;
}

bool
xlsx_out_row(struct xlsx_out *x, const char *const *cells, char **err)
{
	for (int c = 0; c < x->t->ncols; c++) {
		const char *s = cells[c];
		if (s == NULL || *s == '\0')
			continue;
		lxw_error e;
		char *end;
		double v;
		if (x->t->numeric && x->t->numeric[c] && (v = strtod(s, &end), *end == '\0'))
			e = worksheet_write_number(x->ws, x->row, (lxw_col_t)c, v, NULL);
		else
			e = worksheet_write_string(x->ws, x->row, (lxw_col_t)c, s, NULL);
		if (e != LXW_NO_ERROR) {
			*err = xlsx_error("écriture du classeur", e);
			return false;
		}
	}
	x->row++;
	return true;
}

/*
 * libxlsxwriter prints its own "[ERROR]" lines on stderr when the zip
 * cannot be written; the caller reports the failure in one French line, so
 * stderr is pointed at /dev/null for the time of the call.
 */
static lxw_error
workbook_close_quiet(lxw_workbook *wb)
{
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	int null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	lxw_error e = workbook_close(wb);
	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(saved, STDERR_FILENO);
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	return e;
}

bool
xlsx_out_close(struct xlsx_out *x, char **err)
{
	lxw_error e = workbook_close_quiet(x->wb);
	free(x);
	if (e != LXW_NO_ERROR) {
		*err = xlsx_error("écriture du classeur", e);
		return false;
	}
	return true;
}

void
xlsx_out_abort(struct xlsx_out *x)
{
	if (x == NULL)
		return;
	/* Free without zipping 100,000 rows that nobody wants; the caller removes the file. */
	lxw_workbook_free(x->wb);
	free(x);
}
