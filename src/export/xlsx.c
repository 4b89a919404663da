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
 *
 * A sheet people can sort, filter and print without fixing it: dates and
 * times are date cells (shown jj/mm/aaaa and hh:mm), numbers are numbers;
 * each column is as wide as its content (within bounds, and never narrower
 * than its header's longest word: the header wraps between words); an
 * autofilter on the header row, which stays frozen; printed landscape, one
 * page wide, the header row repeated on each page. Widths, filter and print
 * setup belong to the sheet's XML outside its rows, so they are set at the
 * end, once the content is known.
 */
struct xlsx_out {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *header, *date, *time;
	const struct export_table *t;
	lxw_row_t row;
	double *fit; /* per column: the widest content so far, in characters */
};

/* Column widths, in characters: bounds for content (long text is cut off, not wrapped). */
#define COL_MIN 6.0
#define COL_MAX 50.0

/* Characters, not bytes: what a column width counts. */
static double
text_width(const char *s)
{
	double n = 0;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The longest space-separated word of s, in characters. */
static double
longest_word(const char *s)
{
	double best = 0, n = 0;
	for (;; s++) {
		if (*s == ' ' || *s == '\0') {
			if (n > best)
				best = n;
			n = 0;
			if (*s == '\0')
				return best;
		} else if ((*s & 0xC0) != 0x80) {
			n++;
		}
	}
}

/* "13/05/2026" → the date; false if s is not such a date. */
static bool
parse_date(const char *s, lxw_datetime *dt)
{
	int d, m, y, n = 0;
	if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 || s[n] != '\0' || n != 10)
		return false;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*dt = (lxw_datetime){.year = y, .month = m, .day = d};
	return true;
}

/* "14h30" → the fraction of a day; false if s is not such a time. */
static bool
parse_time(const char *s, double *day_fraction)
{
	int h, m, n = 0;
	if (sscanf(s, "%2dh%2d%n", &h, &m, &n) != 2 || s[n] != '\0' || n != 5)
		return false;
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	*day_fraction = (h * 60 + m) / 1440.0;
	return true;
}

static enum export_kind
column_kind(const struct xlsx_out *x, int c)
{
	return x->t->kinds ? x->t->kinds[c] : EXPORT_TEXT;
}

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
	format_set_text_wrap(x->header);
	format_set_align(x->header, LXW_ALIGN_VERTICAL_TOP);
	x->date = workbook_add_format(wb);
	format_set_num_format(x->date, "dd/mm/yyyy");
	x->time = workbook_add_format(wb);
	format_set_num_format(x->time, "hh:mm");
	x->fit = xcalloc((size_t)t->ncols, sizeof *x->fit);
	lxw_doc_properties props = {
	    .title = (char *)t->title,
	    .subject = (char *)t->subtitle,
	    .comments = (char *)t->generated,
	    .author = (char *)"rdv-tui",
	};
	workbook_set_properties(wb, &props);
	worksheet_freeze_panes(x->ws, 1, 0);
	worksheet_set_landscape(x->ws);
	worksheet_set_paper(x->ws, 9); /* A4 */
	worksheet_fit_to_pages(x->ws, 1, 0);
	worksheet_repeat_rows(x->ws, 0, 0);
	for (int c = 0; c < t->ncols; c++)
		x->fit[c] = longest_word(t->headers[c]);
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
		lxw_datetime dt;
		lxw_col_t col = (lxw_col_t)c;
		double w = 0;
		switch (column_kind(x, c)) {
		case EXPORT_NUMBER:
			if ((v = strtod(s, &end), *end == '\0')) {
				e = worksheet_write_number(x->ws, x->row, col, v, NULL);
				w = text_width(s);
				break;
			}
			goto text;
		case EXPORT_DATE:
			if (parse_date(s, &dt)) {
				e = worksheet_write_datetime(x->ws, x->row, col, &dt, x->date);
				w = 10;
				break;
			}
			goto text;
		case EXPORT_TIME:
			if (parse_time(s, &v)) {
				e = worksheet_write_number(x->ws, x->row, col, v, x->time);
				w = 5;
				break;
			}
			goto text;
		default:
		text:
			e = worksheet_write_string(x->ws, x->row, col, s, NULL);
			w = text_width(s);
			break;
		}
		if (e != LXW_NO_ERROR) {
			*err = xlsx_error("écriture du classeur", e);
			return false;
		}
		if (w > x->fit[c])
			x->fit[c] = w;
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

/* Widths that fit the content (bounded) and the autofilter over every row. */
static void
sheet_finish(struct xlsx_out *x)
{
	for (int c = 0; c < x->t->ncols; c++) {
		double w = x->fit[c] + 2;
		double head = longest_word(x->t->headers[c]) + 2;
		w = w < COL_MIN ? COL_MIN : w > COL_MAX ? COL_MAX : w;
		if (w < head)
			w = head;
		worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
	}
	worksheet_autofilter(x->ws, 0, 0, x->row - 1, (lxw_col_t)(x->t->ncols - 1));
}

bool
xlsx_out_close(struct xlsx_out *x, char **err)
{
	sheet_finish(x);
	lxw_error e = workbook_close_quiet(x->wb);
	free(x->fit);
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
	free(x->fit);
	free(x);
}
