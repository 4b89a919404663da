/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/backend.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <malloc.h>
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
 *
 * Speed: shaping text is most of the cost, and exports repeat themselves
 * (the same service, motif, lieu, status, date and agents on thousands of
 * rows). Each column keeps the layouts of the values it has met, keyed by
 * their text, so a repeated value is shaped and measured once; a column
 * whose values do not repeat (names of usagers) stops caching after a
 * while, and a full cache is emptied, so memory stays bounded.
 *
 * Breaks: a column is never narrower than the longest word of its header,
 * which wraps on word boundaries only; an e-mail address in a cell breaks
 * before "@", "." or "-", never inside a name.
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
	double *x, *w;             /* column left edges and widths */
	PangoLayout **cells;       /* one layout per column, for values not cached */
	struct cell_cache *caches; /* one per column */
	GHashTable *widths;        /* e-mail pieces → width in points */
	PangoLayout *measure;      /* lays out the pieces measured */
	GString *wrapped;          /* an e-mail cell with its line breaks */
	struct cell_entry *heads;  /* the column headers, laid out once */
	double head_h;
	PangoLayout *text; /* titles and foot */
	PangoFontDescription *cell_font, *head_font, *title_font, *sub_font, *foot_font;
	PangoContext *ctx;        /* shared by every layout: one font cache */
	struct cell_entry **row;  /* the cells of the row being drawn (borrowed) */
	struct cell_entry *plain; /* per column: the value not cached */
	cairo_glyph_t *batch;     /* glyphs of the page not drawn yet, in place */
	int nbatch, batch_cap;
	cairo_scaled_font_t *batch_font; /* their font */
	int page;                        /* pages begun */
	double y;                        /* next row's top on the current page */
	long rows;
};

/*
 * The layouts of the values a column has met. Bounded: CACHE_MAX entries a
 * column (then emptied: exports are sorted by date, so old values seldom
 * come back), and a column where fewer than one value in CACHE_MIN_HITS
 * repeats stops caching after CACHE_PROBE look-ups.
 */
#define CACHE_MAX 512
#define CACHE_PROBE 2000
#define CACHE_MIN_HITS 4

/* Glyphs of one run of a laid-out cell, relative to the cell's text origin. */
struct glyph_run {
	cairo_scaled_font_t *font;
	cairo_glyph_t *glyphs;
	int n;
};

struct cell_entry {
	PangoLayout *layout;
	struct glyph_run *runs;
	int nruns;
	double height;
};

/*
 * The glyphs pango chose for l, once: drawing them afterwards is one
 * cairo_show_glyphs() a run, without going through the layout again.
 */
static void
cell_entry_glyphs(struct cell_entry *e)
{
	PangoLayoutIter *it = pango_layout_get_iter(e->layout);
	int cap = 0;
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (run == NULL || run->glyphs->num_glyphs == 0)
			continue;
		PangoRectangle logical;
		pango_layout_iter_get_run_extents(it, NULL, &logical);
		int baseline = pango_layout_iter_get_baseline(it);
		if (e->nruns == cap) {
			cap = cap ? 2 * cap : 4;
			e->runs = xrealloc(e->runs, (size_t)cap * sizeof *e->runs);
		}
		struct glyph_run *r = &e->runs[e->nruns++];
		PangoGlyphString *gs = run->glyphs;
		r->font = cairo_scaled_font_reference(
		    pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font)));
		r->glyphs = xcalloc((size_t)gs->num_glyphs, sizeof *r->glyphs);
		r->n = 0;
		int x = logical.x;
		for (int i = 0; i < gs->num_glyphs; i++) {
			PangoGlyphInfo *gi = &gs->glyphs[i];
			if (gi->glyph != PANGO_GLYPH_EMPTY &&
			    !(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
				cairo_glyph_t *g = &r->glyphs[r->n++];
				g->index = gi->glyph;
				g->x = (double)(x + gi->geometry.x_offset) / PANGO_SCALE;
				g->y = (double)(baseline + gi->geometry.y_offset) / PANGO_SCALE;
			}
			x += gi->geometry.width;
		}
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
}

static void
cell_entry_clear(struct cell_entry *e)
{
	for (int i = 0; i < e->nruns; i++) {
		cairo_scaled_font_destroy(e->runs[i].font);
		free(e->runs[i].glyphs);
	}
	free(e->runs);
	e->runs = NULL;
	e->nruns = 0;
}

struct cell_cache {
	GHashTable *map; /* text (owned) → struct cell_entry (owned) */
	long lookups, hits;
	bool off;
};

static void
cell_entry_free(gpointer data)
{
	struct cell_entry *e = data;
	cell_entry_clear(e);
	g_object_unref(e->layout);
	free(e);
}

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
	/*
	 * No ligatures: cells are drawn from their glyphs alone (see
	 * cell_draw()), and a ligature glyph ("ﬁ") would read back as one
	 * character instead of the letters written.
	 */
	pango_attr_list_insert(attrs, pango_attr_font_features_new("liga=0, clig=0"));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
}

static PangoLayout *
layout_new(struct pdf_out *p, const PangoFontDescription *font, double width)
{
	PangoLayout *l = pango_layout_new(p->ctx);
	pango_layout_set_font_description(l, font);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	layout_plain(l);
	return l;
}

static double
layout_width(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
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

/* The widest piece of a header that may not break (its longest word), in points. */
static double
header_min_width(struct pdf_out *p, const char *text)
{
	PangoLayout *l = layout_new(p, p->head_font, 1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_set_text(l, text, -1);
	double w = layout_width(l);
	g_object_unref(l);
	return w;
}

/*
 * Column widths: the table's relative widths over the page, except that no
 * column is narrower than its header's longest word (those columns are
 * fixed at that minimum and the others share what is left, in proportion).
 * Should the minimums not fit on the page, the relative widths alone.
 */
static void
columns_place(struct pdf_out *p)
{
	const struct export_table *t = p->t;
	int n = t->ncols;
	double avail = PAGE_W - 2 * MARGIN;
	double *minw = xcalloc((size_t)n, sizeof *minw);
	bool *fixed = xcalloc((size_t)n, sizeof *fixed);
	double summin = 0;
	for (int c = 0; c < n; c++) {
		minw[c] = header_min_width(p, t->headers[c]) + 2 * PAD_X + 0.5;
		summin += minw[c];
	}
	if (summin > avail)
		memset(minw, 0, (size_t)n * sizeof *minw);
	for (bool changed = true; changed;) {
		changed = false;
		double rel = 0, room = avail;
		for (int c = 0; c < n; c++) {
			if (fixed[c])
				room -= p->w[c];
			else
				rel += t->widths ? t->widths[c] : 1;
		}
		for (int c = 0; c < n; c++) {
			if (fixed[c])
				continue;
			p->w[c] = room * (t->widths ? t->widths[c] : 1) / rel;
			if (p->w[c] < minw[c]) {
				p->w[c] = minw[c];
				fixed[c] = changed = true;
			}
		}
	}
	double x = MARGIN;
	for (int c = 0; c < n; c++) {
		p->x[c] = x;
		x += p->w[c];
	}
	free(minw);
	free(fixed);
}

/* The width of a piece of cell text, in points; each piece is measured once. */
static double
piece_width(struct pdf_out *p, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	char *key = xstrndup(s, n);
	gpointer v;
	if (g_hash_table_lookup_extended(p->widths, key, NULL, &v)) {
		free(key);
		return (double)(GPOINTER_TO_INT(v) - 1) / PANGO_SCALE;
	}
	if (g_hash_table_size(p->widths) >= 4096)
		g_hash_table_remove_all(p->widths);
	pango_layout_set_text(p->measure, s, (int)n);
	int w, h;
	pango_layout_get_size(p->measure, &w, &h);
	g_hash_table_insert(p->widths, key, GINT_TO_POINTER(w + 1));
	return (double)w / PANGO_SCALE;
}

/*
 * Set a cell's text. A cell holding an e-mail address gets its line breaks
 * here: words break at spaces, and an address only before its "@", "." and
 * "-" (the break pango would find inside a long name is mid-word). Pango
 * still wraps a single piece wider than the column, as a last resort.
 */
static void
cell_set_text(struct pdf_out *p, PangoLayout *l, double width, const char *text)
{
	if (strchr(text, '@') == NULL) {
		pango_layout_set_text(l, text, -1);
		return;
	}
	GString *out = p->wrapped;
	g_string_truncate(out, 0);
	double line = 0;
	width -= 0.5; /* pieces measured apart lose the kerning between them */
	for (const char *s = text; *s;) {
		const char *word_end = s + strcspn(s, " ");
		const char *end = word_end;
		if (memchr(s, '@', (size_t)(word_end - s)) != NULL) {
			end = s + 1 + strcspn(s + 1, "@.- ");
			if (end > word_end)
				end = word_end;
		}
		const char *next = end;
		while (*next == ' ')
			next++;
		double w = piece_width(p, s, (size_t)(end - s));
		if (line > 0 && line + w > width) {
			while (out->len > 0 && out->str[out->len - 1] == ' ')
				g_string_truncate(out, out->len - 1);
			g_string_append_c(out, '\n');
			line = 0;
		}
		g_string_append_len(out, s, next - s);
		line += w + piece_width(p, end, (size_t)(next - end));
		s = next;
	}
	pango_layout_set_text(l, out->str, (int)out->len);
}

/*
 * The layout of text in column c, shaped once per distinct value while the
 * column's cache is on. Borrowed until the next call for the same column.
 */
static struct cell_entry *
cell_layout(struct pdf_out *p, int c, const char *text)
{
	struct cell_cache *k = &p->caches[c];
	double width = p->w[c] - 2 * PAD_X;
	if (!k->off) {
		k->lookups++;
		struct cell_entry *e = g_hash_table_lookup(k->map, text);
		if (e != NULL) {
			k->hits++;
			return e;
		}
		if (k->lookups >= CACHE_PROBE && k->hits * CACHE_MIN_HITS < k->lookups) {
			k->off = true;
			g_hash_table_remove_all(k->map);
		}
	}
	if (k->off) {
		struct cell_entry *e = &p->plain[c];
		cell_entry_clear(e);
		e->layout = p->cells[c];
		cell_set_text(p, e->layout, width, text);
		e->height = layout_height(e->layout);
		cell_entry_glyphs(e);
		return e;
	}
	if (g_hash_table_size(k->map) >= CACHE_MAX)
		g_hash_table_remove_all(k->map);
	struct cell_entry *e = xcalloc(1, sizeof *e);
	e->layout = layout_new(p, p->cell_font, width);
	cell_set_text(p, e->layout, width, text);
	e->height = layout_height(e->layout);
	cell_entry_glyphs(e);
	g_hash_table_insert(k->map, xstrdup(text), e);
	return e;
}

/*
 * Draw the glyphs gathered so far in one cairo_show_glyphs(): cairo's cost
 * is per call as much as per glyph (each call is recorded, measured,
 * analysed and written as its own text object).
 */
static void
glyphs_flush(struct pdf_out *p)
{
	if (p->nbatch == 0)
		return;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_scaled_font(p->cr, p->batch_font);
	cairo_show_glyphs(p->cr, p->batch, p->nbatch);
	p->nbatch = 0;
}

/* Queue a cell's glyphs with their text origin at x, y (drawn by glyphs_flush()). */
static void
cell_draw(struct pdf_out *p, const struct cell_entry *e, double x, double y)
{
	for (int i = 0; i < e->nruns; i++) {
		const struct glyph_run *r = &e->runs[i];
		if (r->font != p->batch_font) {
			glyphs_flush(p);
			cairo_scaled_font_destroy(p->batch_font);
			p->batch_font = cairo_scaled_font_reference(r->font);
		}
		if (p->nbatch + r->n > p->batch_cap) {
			p->batch_cap = 2 * (p->nbatch + r->n);
			p->batch = xrealloc(p->batch, (size_t)p->batch_cap * sizeof *p->batch);
		}
		cairo_glyph_t *out = p->batch + p->nbatch;
		for (int g = 0; g < r->n; g++) {
			out[g].index = r->glyphs[g].index;
			out[g].x = r->glyphs[g].x + x;
			out[g].y = r->glyphs[g].y + y;
		}
		p->nbatch += r->n;
	}
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
		cell_draw(p, &p->heads[c], p->x[c] + PAD_X, y + PAD_Y);
	p->y = y + h;
}

/* When the file was made and the page number, at the foot. */
static void
page_end(struct pdf_out *p)
{
	glyphs_flush(p);
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
	/*
	 * cairo allocates and frees large buffers for every page; with glibc's
	 * defaults each one is a fresh mmap (zeroed page by page) and each free
	 * trims the heap. Keeping them in the heap costs no peak memory and
	 * saves a fifth of the time.
	 */
	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
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
	p->ctx = pango_cairo_create_context(p->cr);
	pango_cairo_context_set_resolution(p->ctx, 72);

	p->x = xcalloc((size_t)t->ncols, sizeof *p->x);
	p->w = xcalloc((size_t)t->ncols, sizeof *p->w);
	p->cells = xcalloc((size_t)t->ncols, sizeof *p->cells);
	p->heads = xcalloc((size_t)t->ncols, sizeof *p->heads);
	p->row = xcalloc((size_t)t->ncols, sizeof *p->row);
	p->plain = xcalloc((size_t)t->ncols, sizeof *p->plain);
	p->caches = xcalloc((size_t)t->ncols, sizeof *p->caches);
	p->widths = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	p->measure = layout_new(p, p->cell_font, -1);
	pango_layout_set_width(p->measure, -1);
	p->wrapped = g_string_new(NULL);
	columns_place(p);
	for (int c = 0; c < t->ncols; c++) {
		p->caches[c].map =
		    g_hash_table_new_full(g_str_hash, g_str_equal, free, cell_entry_free);
		p->cells[c] = layout_new(p, p->cell_font, p->w[c] - 2 * PAD_X);
		struct cell_entry *head = &p->heads[c];
		head->layout = layout_new(p, p->head_font, p->w[c] - 2 * PAD_X);
		/* A header wraps between words only: its column is wide enough for each. */
		pango_layout_set_wrap(head->layout, PANGO_WRAP_WORD);
		pango_layout_set_text(head->layout, t->headers[c], -1);
		head->height = layout_height(head->layout);
		cell_entry_glyphs(head);
		double hh = head->height + 2 * PAD_Y;
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
		p->row[c] = cells[c] && *cells[c] ? cell_layout(p, c, cells[c]) : NULL;
		if (p->row[c] && p->row[c]->height > h)
			h = p->row[c]->height;
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
		if (p->row[c])
			cell_draw(p, p->row[c], p->x[c] + PAD_X, p->y + PAD_Y);
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
		if (p->heads[c].layout) {
			cell_entry_clear(&p->heads[c]);
			g_object_unref(p->heads[c].layout);
		}
		if (p->caches && p->caches[c].map)
			g_hash_table_destroy(p->caches[c].map);
	}
	if (p->text)
		g_object_unref(p->text);
	if (p->measure)
		g_object_unref(p->measure);
	if (p->widths)
		g_hash_table_destroy(p->widths);
	if (p->wrapped)
		g_string_free(p->wrapped, TRUE);
	if (p->ctx)
		g_object_unref(p->ctx);
	pango_font_description_free(p->cell_font);
	pango_font_description_free(p->head_font);
	pango_font_description_free(p->title_font);
	pango_font_description_free(p->sub_font);
	pango_font_description_free(p->foot_font);
	cairo_destroy(p->cr);
	cairo_surface_destroy(p->surface);
	free(p->cells);
	free(p->heads);
	free(p->row);
	if (p->plain)
		for (int c = 0; c < p->t->ncols; c++)
			cell_entry_clear(&p->plain[c]);
	free(p->plain);
	free(p->batch);
	cairo_scaled_font_destroy(p->batch_font);
	free(p->caches);
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
