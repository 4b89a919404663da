/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/backend.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/*
 * An A4 landscape table: on every page the title, the filters, the column
 * headers and, at the foot, when it was made and the page number. Text is
 * laid out by pango (DejaVu Sans, embedded as a subset, so accents come
 * back intact through pdftotext) and wraps inside its column; a row is as
 * tall as its tallest cell and never splits across pages.
 *
 * Pages are emitted as they fill, so memory does not grow with the row
 * count; the total page count is therefore unknown while writing, and the
 * foot says "Page N".
 */

#define PAGE_W 841.89
#define PAGE_H 595.28
#define MARGIN 22.0
#define PAD_X 1.8
#define PAD_Y 1.4
#define FOOT_H 12.0
#define CELL_FONT "DejaVu Sans 5.5"
#define HEAD_FONT "DejaVu Sans Bold 5.5"
#define TITLE_FONT "DejaVu Sans Bold 10"
#define SUB_FONT "DejaVu Sans 7"
#define FOOT_FONT "DejaVu Sans 6"

struct pdf_out {
	FILE *file;
	int write_errno;
	cairo_surface_t *surface;
	cairo_t *cr;
	const struct export_table *t;
	double *x, *w;       /* column left edges and widths */
	PangoLayout **cells; /* one layout per column, reused row after row */
	PangoLayout **heads; /* the column headers, laid out once */
	double head_h;
	PangoLayout *text; /* titles and foot */
	PangoFontDescription *cell_font, *head_font, *title_font, *sub_font, *foot_font;
	int page; /* pages begun */
	double y; /* next row's top on the current page */
	long rows;
};

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
	struct pdf_out *p = closure;
	if (fwrite(data, 1, length, p->file) != length) {
		p->write_errno = errno;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* No hyphen is added where a long word wraps: the text reads back as written. */
static void
layout_plain(PangoLayout *l)
{
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
}

static PangoLayout *
layout_new(struct pdf_out *p, const PangoFontDescription *font, double width)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	pango_cairo_context_set_resolution(pango_layout_get_context(l), 72);
	pango_layout_context_changed(l);
	pango_layout_set_font_description(l, font);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	layout_plain(l);
	return l;
}

static double
layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void
show_at(struct pdf_out *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

/* Title, filters and column headers at the top of a new page. */
static void
page_begin(struct pdf_out *p)
{
	p->page++;
	cairo_t *cr = p->cr;
	const struct export_table *t = p->t;
	double width = PAGE_W - 2 * MARGIN;
	double y = MARGIN;

	cairo_set_source_rgb(cr, 0, 0, 0);
	pango_layout_set_font_description(p->text, p->title_font);
	pango_layout_set_width(p->text, (int)(width * PANGO_SCALE));
	pango_layout_set_alignment(p->text, PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->text, t->title ? t->title : "", -1);
	show_at(p, p->text, MARGIN, y);
	y += layout_height(p->text) + 2;
	if (t->subtitle && *t->subtitle) {
		pango_layout_set_font_description(p->text, p->sub_font);
		pango_layout_set_text(p->text, t->subtitle, -1);
		show_at(p, p->text, MARGIN, y);
		y += layout_height(p->text) + 4;
	}

	/* Column headers on a light band. */
	double h = p->head_h;
	cairo_set_source_rgb(cr, 0.86, 0.89, 0.94);
	cairo_rectangle(cr, MARGIN, y, width, h);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int c = 0; c < t->ncols; c++)
		show_at(p, p->heads[c], p->x[c] + PAD_X, y + PAD_Y);
	p->y = y + h;
}

/* When the file was made and the page number, at the foot. */
static void
page_end(struct pdf_out *p)
{
	double width = PAGE_W - 2 * MARGIN;
	double y = PAGE_H - MARGIN - FOOT_H + 3;
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	pango_layout_set_font_description(p->text, p->foot_font);
	pango_layout_set_width(p->text, (int)(width * PANGO_SCALE));
	pango_layout_set_alignment(p->text, PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->text, p->t->generated ? p->t->generated : "", -1);
	show_at(p, p->text, MARGIN, y);
	char num[32];
	snprintf(num, sizeof num, "Page %d", p->page);
	pango_layout_set_alignment(p->text, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(p->text, num, -1);
	show_at(p, p->text, MARGIN, y);
	cairo_show_page(p->cr);
}

static char *
pdf_error(struct pdf_out *p)
{
	cairo_status_t st = cairo_status(p->cr);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(p->surface);
	if (st == CAIRO_STATUS_WRITE_ERROR && p->write_errno)
		return xasprintf("écriture du PDF : %s", strerror(p->write_errno));
	return xasprintf("écriture du PDF : %s", cairo_status_to_string(st));
}

struct pdf_out *
pdf_out_open(const char *path, const struct export_table *t, char **err)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		*err = xasprintf("impossible de créer « %s » : %s", path, strerror(errno));
		return NULL;
	}
	struct pdf_out *p = xcalloc(1, sizeof *p);
	p->file = f;
	p->t = t;
	p->surface = cairo_pdf_surface_create_for_stream(pdf_write, p, PAGE_W, PAGE_H);
	p->cr = cairo_create(p->surface);
	if (t->title)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, t->title);
	if (t->subtitle)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, t->subtitle);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "rdv-tui");
	p->cell_font = pango_font_description_from_string(CELL_FONT);
	p->head_font = pango_font_description_from_string(HEAD_FONT);
	p->title_font = pango_font_description_from_string(TITLE_FONT);
	p->sub_font = pango_font_description_from_string(SUB_FONT);
	p->foot_font = pango_font_description_from_string(FOOT_FONT);

	double total = 0;
	for (int c = 0; c < t->ncols; c++)
		total += t->widths ? t->widths[c] : 1;
	p->x = xcalloc((size_t)t->ncols, sizeof *p->x);
	p->w = xcalloc((size_t)t->ncols, sizeof *p->w);
	p->cells = xcalloc((size_t)t->ncols, sizeof *p->cells);
	p->heads = xcalloc((size_t)t->ncols, sizeof *p->heads);
	double x = MARGIN;
	for (int c = 0; c < t->ncols; c++) {
		p->x[c] = x;
		p->w[c] = (PAGE_W - 2 * MARGIN) * (t->widths ? t->widths[c] : 1) / total;
		x += p->w[c];
		p->cells[c] = layout_new(p, p->cell_font, p->w[c] - 2 * PAD_X);
		p->heads[c] = layout_new(p, p->head_font, p->w[c] - 2 * PAD_X);
		pango_layout_set_text(p->heads[c], t->headers[c], -1);
		double hh = layout_height(p->heads[c]) + 2 * PAD_Y;
		if (hh > p->head_h)
			p->head_h = hh;
	}
	p->text = layout_new(p, p->sub_font, PAGE_W - 2 * MARGIN);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		*err = pdf_error(p);
		pdf_out_abort(p);
		return NULL;
	}
	page_begin(p);
	return p;
}

bool
pdf_out_row(struct pdf_out *p, const char *const *cells, char **err)
{
	const struct export_table *t = p->t;
	double h = 0;
	for (int c = 0; c < t->ncols; c++) {
		pango_layout_set_text(p->cells[c], cells[c] ? cells[c] : "", -1);
		double ch = cells[c] && *cells[c] ? layout_height(p->cells[c]) : 0;
		if (ch > h)
			h = ch;
	}
	h += 2 * PAD_Y;
	double bottom = PAGE_H - MARGIN - FOOT_H;
	if (p->y + h > bottom && p->rows > 0 && p->y > MARGIN + 40) {
		page_end(p);
		page_begin(p);
	}
	cairo_t *cr = p->cr;
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int c = 0; c < t->ncols; c++)
		if (cells[c] && *cells[c])
			show_at(p, p->cells[c], p->x[c] + PAD_X, p->y + PAD_Y);
	p->y += h;
	cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
	cairo_set_line_width(cr, 0.3);
	cairo_move_to(cr, MARGIN, p->y);
	cairo_line_to(cr, PAGE_W - MARGIN, p->y);
	cairo_stroke(cr);
	p->rows++;
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		*err = pdf_error(p);
		return false;
	}
	return true;
}

static void
pdf_free(struct pdf_out *p)
{
	for (int c = 0; c < p->t->ncols; c++) {
		if (p->cells[c])
			g_object_unref(p->cells[c]);
		if (p->heads[c])
			g_object_unref(p->heads[c]);
	}
	if (p->text)
		g_object_unref(p->text);
	pango_font_description_free(p->cell_font);
	pango_font_description_free(p->head_font);
	pango_font_description_free(p->title_font);
	pango_font_description_free(p->sub_font);
	pango_font_description_free(p->foot_font);
	cairo_destroy(p->cr);
	cairo_surface_destroy(p->surface);
	free(p->cells);
	free(p->heads);
	free(p->x);
	free(p->w);
	free(p);
}

bool
pdf_out_close(struct pdf_out *p, char **err)
{
	if (p->rows == 0) {
		pango_layout_set_font_description(p->text, p->sub_font);
		pango_layout_set_alignment(p->text, PANGO_ALIGN_LEFT);
		pango_layout_set_text(p->text, "Aucun rendez-vous ne correspond à ces filtres.",
		                      -1);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		show_at(p, p->text, MARGIN, p->y + 6);
	}
	page_end(p);
	cairo_surface_finish(p->surface);
	/*
	 * A failed write is checked here too: cairo does not always carry the
	 * stream's error to the surface, and stdio forgets it once its buffer
	 * is dropped, so that fclose() then succeeds on a truncated file.
	 */
	bool ok = cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS &&
	          cairo_status(p->cr) == CAIRO_STATUS_SUCCESS && p->write_errno == 0 &&
	          fflush(p->file) == 0 && !ferror(p->file);
	if (!ok) {
		if (p->write_errno == 0 && ferror(p->file))
			p->write_errno = errno ? errno : EIO;
		*err = p->write_errno ? xasprintf("écriture du PDF : %s", strerror(p->write_errno))
		                      : pdf_error(p);
	}
	FILE *f = p->file;
	pdf_free(p);
	if (fclose(f) != 0 && ok) {
		*err = xasprintf("écriture du PDF : %s", strerror(errno));
		ok = false;
	}
	return ok;
}

void
pdf_out_abort(struct pdf_out *p)
{
	if (p == NULL)
		return;
	FILE *f = p->file;
	pdf_free(p);
	fclose(f);
}
