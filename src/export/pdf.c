/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/backend.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "export/pdfdoc.h"

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
 * while, and a full cache is emptied, so memory stays bounded. Cells of
 * digits and signs (dates, birth dates, postcodes) are composed from their
 * glyphs without pango (see SIMPLE_CHARS), and pdfdoc compresses and
 * writes pages on a second thread.
 *
 * Breaks: a column is never narrower than the longest word of its header,
 * which wraps on word boundaries only; an e-mail address in a cell breaks
 * before "@", "." or "-", never inside a name.
 *
 * Output: pango lays text out (its context comes from a cairo PDF surface
 * that writes nothing, so line breaks and glyph positions are those cairo
 * printed), and each laid-out value is turned once into PDF text operators
 * ("[(glyph ids)] TJ" per line) that every page showing it copies; pdfdoc.c
 * writes the file. Going through cairo's PDF surface cost four fifths of
 * the time of a large export (it records, analyses and subsets each page).
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

/*
 * One line (or piece of a line at one height) of a laid-out cell: where its
 * first glyph sits relative to the cell's top left corner, in which PDF
 * font, and its glyphs as a ready-made "[(…)] TJ" operator.
 */
struct text_run {
	double dx, dy;
	int font; /* pdfdoc font number */
	double size;
	char *ops;
	size_t len;
};

struct cell_entry {
	PangoLayout *layout; /* while being laid out only */
	struct text_run *runs;
	int nruns;
	double height;
};

/* A growing byte string (a page's content stream). */
struct buf {
	char *s;
	size_t n, cap;
};

/* A pango font as the PDF knows it. */
struct font_use {
	PangoFont *font; /* referenced */
	int pdf;         /* pdfdoc font number */
	double size;     /* points */
};

/*
 * Cells made only of digits and a few signs (dates, times, birth dates,
 * postcodes: a hundred thousand distinct values in a large export, that no
 * cache keeps) are composed from their glyphs without pango when they fit
 * on one line. pdf_setup() checks against pango that these characters are
 * one glyph each, from one font, with no kerning between any two of them;
 * otherwise (another font, other shaping) every cell goes through pango.
 * The bytes written are those pango's layout would give.
 */
#define SIMPLE_CHARS "0123456789/:.,-h "

struct simple_glyphs {
	bool on;
	int font; /* in p->fonts (which grows: no pointer into it) */
	unsigned glyph[128]; /* by character; 0: not composed */
	int width[128];      /* pango units */
	int x0, baseline;    /* of a one-line cell */
	double height;
};

struct pdf_out {
	FILE *file;
	int write_errno;
	struct pdfdoc *doc;
	cairo_surface_t *surface; /* writes nothing: only gives pango its context */
	cairo_t *cr;
	const struct export_table *t;
	double *x, *w;             /* column left edges and widths */
	PangoLayout **cells;       /* one layout per column: every value is laid out in it */
	struct cell_cache *caches; /* one per column */
	GHashTable *widths;        /* e-mail pieces → width in points */
	PangoLayout *measure;      /* lays out the pieces measured */
	GString *wrapped;          /* an e-mail cell with its line breaks */
	struct cell_entry *heads;  /* the column headers, laid out once */
	struct cell_entry title, subtitle, generated; /* the same on every page */
	double head_h;
	PangoLayout *text; /* titles and foot */
	PangoFontDescription *cell_font, *head_font, *title_font, *sub_font, *foot_font;
	PangoContext *ctx;        /* shared by every layout: one font cache */
	struct simple_glyphs simple;
	struct cell_entry **row;  /* the cells of the row being drawn (borrowed) */
	struct cell_entry *plain; /* per column: the value not cached */
	struct font_use *fonts;   /* pango fonts met */
	int nfonts;
	struct buf page_text;  /* text operators of the page (between BT and ET) */
	struct buf page_lines; /* the header band and the rules under the rows */
	int cur_font;          /* font selected in page_text (-1: none yet) */
	double line_x, line_y; /* where the last Td put the text line (PDF coordinates) */
	int page;              /* pages begun */
	double y;              /* next row's top on the current page */
	long rows;
};

/*
 * The layouts of the values a column has met. Bounded: CACHE_MAX entries a
 * column (then emptied: exports are sorted by date, so old values seldom
 * come back), and a column where fewer than one value in CACHE_MIN_HITS
 * repeats stops caching after CACHE_PROBE look-ups. 4,096 entries hold the
 * usagers and postcodes of a large export (512 held a tenth of them: two
 * thirds of those cells were laid out again); an entry is a few hundred
 * bytes, so even every column full stays far under the 64 MiB goal.
 */
#define CACHE_MAX 4096
#define CACHE_PROBE 2000
#define CACHE_MIN_HITS 4

/* ------------------------------------------------------------ bytes */

static void
buf_grow(struct buf *b, size_t more)
{
	if (b->n + more <= b->cap)
		return;
	b->cap = 2 * (b->n + more);
	b->s = xrealloc(b->s, b->cap);
}

static inline void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

static inline void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/*
 * A number with at most two decimals, as PDF operands are written ("12.5",
 * "-3", "0.04"): sprintf would cost more than the rest of a cell. Returns
 * the value written.
 */
static double
buf_num(struct buf *b, double v)
{
	long k = lround(v * 100);
	double written = (double)k / 100;
	char tmp[32], *e = tmp + sizeof tmp, *o = e;
	unsigned long u = k < 0 ? (unsigned long)-k : (unsigned long)k;
	unsigned frac = (unsigned)(u % 100);
	u /= 100;
	if (frac) {
		if (frac % 10)
			*--o = (char)('0' + frac % 10);
		*--o = (char)('0' + frac / 10);
		*--o = '.';
	}
	do {
		*--o = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (k < 0)
		*--o = '-';
	buf_add(b, o, (size_t)(e - o));
	return written;
}

/*
 * A glyph id as the two bytes of a literal string (half the size of hex),
 * with what a literal string may not hold bare escaped: parentheses,
 * backslash and ends of line (a bare CR would read back as a line feed).
 */
static inline void
buf_glyph(struct buf *b, unsigned g)
{
	buf_grow(b, 4);
	unsigned char by[2] = {(unsigned char)(g >> 8), (unsigned char)g};
	for (int i = 0; i < 2; i++) {
		switch (by[i]) {
		case '(':
		case ')':
		case '\\':
			b->s[b->n++] = '\\';
			b->s[b->n++] = (char)by[i];
			break;
		case '\r':
			b->s[b->n++] = '\\';
			b->s[b->n++] = 'r';
			break;
		case '\n':
			b->s[b->n++] = '\\';
			b->s[b->n++] = 'n';
			break;
		default:
			b->s[b->n++] = (char)by[i];
		}
	}
}

/* ------------------------------------------------------------ glyphs */

/* The PDF font of a pango font (looked up once per font). */
static const struct font_use *
font_use(struct pdf_out *p, PangoFont *font)
{
	for (int i = 0; i < p->nfonts; i++)
		if (p->fonts[i].font == font)
			return &p->fonts[i];
	p->fonts = xreallocarray(p->fonts, (size_t)p->nfonts + 1, sizeof *p->fonts);
	struct font_use *u = &p->fonts[p->nfonts++];
	u->font = g_object_ref(font);
	PangoFontDescription *desc = pango_font_describe(font);
	u->size = (double)pango_font_description_get_size(desc) / PANGO_SCALE;
	pango_font_description_free(desc);
	u->pdf = pdfdoc_font(p->doc, hb_font_get_face(pango_font_get_hb_font(font)), u->size);
	return u;
}

static void
entry_add_run(struct cell_entry *e, const struct font_use *fu, double x, double y, struct buf *b)
{
	buf_str(b, ")] TJ\n");
	e->runs = xreallocarray(e->runs, (size_t)e->nruns + 1, sizeof *e->runs);
	e->runs[e->nruns++] = (struct text_run){x, y, fu->pdf, fu->size, b->s, b->n};
	*b = (struct buf){0};
}

/*
 * Glyphs becoming PDF text: glyph ids in a TJ array, with a position
 * adjustment wherever a glyph sits elsewhere than the width the file
 * declares would put it (kerning). A glyph raised or lowered (a mark)
 * starts a new run at its own height.
 */
struct glyph_enc {
	const struct font_use *fu;
	struct buf b;
	double cur; /* where the next glyph goes without adjustment, in points */
	double start_x, start_y;
};

/* Add glyph (standing for character c) at gx, gy (points, from the cell's top left). */
static void
enc_glyph(struct pdf_out *p, struct cell_entry *e, struct glyph_enc *en, unsigned glyph, double gx,
          double gy, gunichar c)
{
	if (en->b.n > 0 && gy != en->start_y)
		entry_add_run(e, en->fu, en->start_x, en->start_y, &en->b);
	if (en->b.n == 0) {
		buf_str(&en->b, "[(");
		en->start_x = en->cur = gx;
		en->start_y = gy;
	} else if (fabs(gx - en->cur) > 0.005) {
		buf_str(&en->b, ")");
		buf_num(&en->b, -(gx - en->cur) * 1000 / en->fu->size);
		buf_str(&en->b, "(");
		en->cur = gx;
	}
	double adv = pdfdoc_glyph(p->doc, en->fu->pdf, glyph, c);
	buf_glyph(&en->b, glyph);
	en->cur += adv * en->fu->size / 1000;
}

static void
enc_end(struct cell_entry *e, struct glyph_enc *en)
{
	if (en->b.n > 0)
		entry_add_run(e, en->fu, en->start_x, en->start_y, &en->b);
}

/* One pango run as PDF text. */
static void
run_encode(struct pdf_out *p, struct cell_entry *e, PangoLayoutRun *run, const char *text, int x0,
           int baseline)
{
	struct glyph_enc en = {.fu = font_use(p, run->item->analysis.font)};
	PangoGlyphString *gs = run->glyphs;
	int x = x0;
	for (int i = 0; i < gs->num_glyphs; i++) {
		PangoGlyphInfo *gi = &gs->glyphs[i];
		double gx = (double)(x + gi->geometry.x_offset) / PANGO_SCALE;
		double gy = (double)(baseline + gi->geometry.y_offset) / PANGO_SCALE;
		x += gi->geometry.width;
		if (gi->glyph == PANGO_GLYPH_EMPTY || (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG))
			continue;
		gunichar c = g_utf8_get_char(text + run->item->offset + gs->log_clusters[i]);
		enc_glyph(p, e, &en, gi->glyph, gx, gy, c);
	}
	enc_end(e, &en);
}

/*
 * The text operators of e's layout, once: drawing it afterwards copies them
 * at the cell's position, without going through pango again.
 */
static void
cell_entry_glyphs(struct pdf_out *p, struct cell_entry *e)
{
	const char *text = pango_layout_get_text(e->layout);
	PangoLayoutIter *it = pango_layout_get_iter(e->layout);
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		if (run == NULL || run->glyphs->num_glyphs == 0)
			continue;
		PangoRectangle logical;
		pango_layout_iter_get_run_extents(it, NULL, &logical);
		run_encode(p, e, run, text, logical.x, pango_layout_iter_get_baseline(it));
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
}

static void
cell_entry_clear(struct cell_entry *e)
{
	for (int i = 0; i < e->nruns; i++)
		free(e->runs[i].ops);
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
	free(e);
}

/* The cairo surface behind pango's context writes nothing. */
static cairo_status_t
write_nothing(void *closure, const unsigned char *data, unsigned int length)
{
	(void)closure;
	(void)data;
	(void)length;
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
 * The one glyph of text (one character) in l, or 0: its width, and the run's
 * font, start and baseline.
 */
static unsigned
simple_probe(PangoLayout *l, const char *text, int n, unsigned *glyphs, int *widths,
             PangoFont **font, int *x0, int *baseline)
{
	pango_layout_set_text(l, text, n);
	if (pango_layout_get_line_count(l) != 1)
		return 0;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
	unsigned ok = 0;
	if (run != NULL && run->glyphs->num_glyphs == n) {
		PangoRectangle logical;
		pango_layout_iter_get_run_extents(it, NULL, &logical);
		*x0 = logical.x;
		*baseline = pango_layout_iter_get_baseline(it);
		*font = run->item->analysis.font;
		ok = 1;
		for (int i = 0; i < n; i++) {
			PangoGlyphInfo *gi = &run->glyphs->glyphs[i];
			if (gi->glyph == PANGO_GLYPH_EMPTY || (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) ||
			    gi->geometry.x_offset != 0 || gi->geometry.y_offset != 0 ||
			    run->glyphs->log_clusters[i] != i)
				ok = 0;
			glyphs[i] = gi->glyph;
			widths[i] = gi->geometry.width;
		}
	}
	/* Only one run on the line. */
	if (ok && pango_layout_iter_next_run(it) && pango_layout_iter_get_run_readonly(it) != NULL)
		ok = 0;
	pango_layout_iter_free(it);
	return ok;
}

/* Fill p->simple: see SIMPLE_CHARS. */
static void
simple_setup(struct pdf_out *p)
{
	struct simple_glyphs *s = &p->simple;
	PangoLayout *l = layout_new(p, p->cell_font, -1);
	pango_layout_set_width(l, -1);
	const char *chars = SIMPLE_CHARS;
	size_t n = strlen(chars);
	PangoFont *font = NULL;
	int x0 = 0, baseline = 0;
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++) {
		unsigned g = 0;
		int w = 0, cx0 = 0, cbase = 0;
		PangoFont *f = NULL;
		ok = simple_probe(l, chars + i, 1, &g, &w, &f, &cx0, &cbase) &&
		     (font == NULL || (f == font && cx0 == x0 && cbase == baseline));
		font = f;
		x0 = cx0;
		baseline = cbase;
		s->glyph[(unsigned char)chars[i]] = g;
		s->width[(unsigned char)chars[i]] = w;
	}
	if (ok)
		s->height = layout_height(l);
	/* Every pair as pango shapes it: the same glyphs and widths, so no kerning. */
	for (size_t i = 0; ok && i < n; i++)
		for (size_t j = 0; ok && j < n; j++) {
			char pair[2] = {chars[i], chars[j]};
			unsigned g[2];
			int w[2], px0, pbase;
			PangoFont *f;
			unsigned char a = (unsigned char)pair[0], b = (unsigned char)pair[1];
			ok = simple_probe(l, pair, 2, g, w, &f, &px0, &pbase) && f == font &&
			     px0 == x0 && pbase == baseline && g[0] == s->glyph[a] &&
			     g[1] == s->glyph[b] && w[0] == s->width[a] && w[1] == s->width[b] &&
			     layout_height(l) == s->height;
		}
	if (ok) {
		s->font = (int)(font_use(p, font) - p->fonts);
		s->x0 = x0;
		s->baseline = baseline;
	}
	/* RDV_PDF_PANGO_ONLY=1: every cell through pango (tests compare the two). */
	const char *only = getenv("RDV_PDF_PANGO_ONLY");
	s->on = ok && !(only && *only == '1');
	g_object_unref(l);
}

/*
 * Compose text (width: the column's, less its padding) from its glyphs
 * without pango, when every character is one of SIMPLE_CHARS and the text
 * fits on one line with room to spare; false otherwise.
 */
static bool
simple_compose(struct pdf_out *p, struct cell_entry *e, const char *text, double width)
{
	const struct simple_glyphs *s = &p->simple;
	if (!s->on || *text == '\0')
		return false;
	long total = 0;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c >= 128 || s->glyph[*c] == 0)
			return false;
		total += s->width[*c];
	}
	if (total + PANGO_SCALE > (long)(int)(width * PANGO_SCALE))
		return false;
	struct glyph_enc en = {.fu = &p->fonts[s->font]};
	int x = s->x0;
	double gy = (double)s->baseline / PANGO_SCALE;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		double gx = (double)x / PANGO_SCALE;
		x += s->width[*c];
		enc_glyph(p, e, &en, s->glyph[*c], gx, gy, *c);
	}
	enc_end(e, &en);
	e->height = s->height;
	return true;
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
	struct cell_entry *e;
	if (k->off) {
		e = &p->plain[c];
		cell_entry_clear(e);
	} else {
		if (g_hash_table_size(k->map) >= CACHE_MAX)
			g_hash_table_remove_all(k->map);
		e = xcalloc(1, sizeof *e);
		g_hash_table_insert(k->map, xstrdup(text), e);
	}
	if (simple_compose(p, e, text, width))
		return e;
	/* The column's layout serves every value: an entry keeps its operators only. */
	e->layout = p->cells[c];
	cell_set_text(p, e->layout, width, text);
	e->height = layout_height(e->layout);
	cell_entry_glyphs(p, e);
	e->layout = NULL;
	return e;
}

/* Add a cell's text to the page with its top left corner at x, y (from the page's top). */
static void
cell_draw(struct pdf_out *p, const struct cell_entry *e, double x, double y)
{
	struct buf *b = &p->page_text;
	for (int i = 0; i < e->nruns; i++) {
		const struct text_run *r = &e->runs[i];
		if (r->font != p->cur_font) {
			char tf[48];
			int n = snprintf(tf, sizeof tf, "/F%d ", r->font);
			buf_add(b, tf, (size_t)n);
			buf_num(b, r->size);
			buf_str(b, " Tf\n");
			p->cur_font = r->font;
		}
		/* A move from the previous line's start: shorter than a Tm each time. */
		p->line_x += buf_num(b, x + r->dx - p->line_x);
		buf_str(b, " ");
		p->line_y += buf_num(b, PAGE_H - (y + r->dy) - p->line_y);
		buf_str(b, " Td ");
		buf_add(b, r->ops, r->len);
	}
}

static void
text_gray(struct pdf_out *p, const char *level)
{
	buf_str(&p->page_text, level);
	buf_str(&p->page_text, " g\n");
}

/* Lay out one of the texts outside the table (title, filters, foot) into e. */
static void
free_text(struct pdf_out *p, struct cell_entry *e, const PangoFontDescription *font,
          const char *text, PangoAlignment align)
{
	cell_entry_clear(e);
	e->layout = p->text;
	pango_layout_set_font_description(p->text, font);
	pango_layout_set_width(p->text, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_alignment(p->text, align);
	pango_layout_set_text(p->text, text ? text : "", -1);
	e->height = layout_height(p->text);
	cell_entry_glyphs(p, e);
	e->layout = NULL;
}

/* A rectangle or line's coordinates, from the page's bottom as PDF counts. */
static void
lines_nums(struct buf *g, int n, const double *v)
{
	for (int i = 0; i < n; i++) {
		buf_num(g, v[i]);
		buf_str(g, " ");
	}
}

/* Title, filters and column headers at the top of a new page. */
static void
page_begin(struct pdf_out *p)
{
	p->page++;
	p->page_text.n = 0;
	p->page_lines.n = 0;
	p->cur_font = -1;
	p->line_x = p->line_y = 0;
	const struct export_table *t = p->t;
	double y = MARGIN;

	text_gray(p, "0");
	cell_draw(p, &p->title, MARGIN, y);
	y += p->title.height + 2;
	if (t->subtitle && *t->subtitle) {
		cell_draw(p, &p->subtitle, MARGIN, y);
		y += p->subtitle.height + 4;
	}

	/* Column headers on a light band; the rules under the rows in light grey. */
	double h = p->head_h;
	buf_str(&p->page_lines, "0.86 0.89 0.94 rg ");
	lines_nums(&p->page_lines, 4, (double[]){MARGIN, PAGE_H - y - h, PAGE_W - 2 * MARGIN, h});
	buf_str(&p->page_lines, "re f\n0.75 G 0.3 w\n");
	for (int c = 0; c < t->ncols; c++)
		cell_draw(p, &p->heads[c], p->x[c] + PAD_X, y + PAD_Y);
	p->y = y + h;
}

/* When the file was made and the page number, at the foot; then the page goes out. */
static bool
page_end(struct pdf_out *p)
{
	double y = PAGE_H - MARGIN - FOOT_H + 3;
	text_gray(p, "0.3");
	cell_draw(p, &p->generated, MARGIN, y);
	char num[32];
	snprintf(num, sizeof num, "Page %d", p->page);
	struct cell_entry e = {0};
	free_text(p, &e, p->foot_font, num, PANGO_ALIGN_RIGHT);
	cell_draw(p, &e, MARGIN, y);
	cell_entry_clear(&e);

	struct buf *g = &p->page_lines;
	buf_str(g, "S\nBT\n");
	buf_add(g, p->page_text.s, p->page_text.n);
	buf_str(g, "ET\n");
	return pdfdoc_page(p->doc, g->s, g->n);
}

/* The fonts and the layouts that serve every page. */
static void
pdf_setup(struct pdf_out *p)
{
	const struct export_table *t = p->t;
	p->cell_font = pango_font_description_from_string(CELL_FONT);
	p->head_font = pango_font_description_from_string(HEAD_FONT);
	p->title_font = pango_font_description_from_string(TITLE_FONT);
	p->sub_font = pango_font_description_from_string(SUB_FONT);
	p->foot_font = pango_font_description_from_string(FOOT_FONT);
	/* The context of a PDF surface: the metrics cairo would print with. */
	p->surface = cairo_pdf_surface_create_for_stream(write_nothing, NULL, PAGE_W, PAGE_H);
	p->cr = cairo_create(p->surface);
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
	simple_setup(p);
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
		cell_entry_glyphs(p, head);
		g_object_unref(head->layout);
		head->layout = NULL;
		double hh = head->height + 2 * PAD_Y;
		if (hh > p->head_h)
			p->head_h = hh;
	}
	p->text = layout_new(p, p->sub_font, PAGE_W - 2 * MARGIN);
	free_text(p, &p->title, p->title_font, t->title, PANGO_ALIGN_LEFT);
	free_text(p, &p->subtitle, p->sub_font, t->subtitle, PANGO_ALIGN_LEFT);
	free_text(p, &p->generated, p->foot_font, t->generated, PANGO_ALIGN_LEFT);
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
	p->doc = pdfdoc_open(f, PAGE_W, PAGE_H);
	pdf_setup(p);
	page_begin(p);
	return p;
}

static char *
pdf_error(struct pdf_out *p)
{
	return xasprintf("écriture du PDF : %s", strerror(p->write_errno ? p->write_errno : EIO));
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
		errno = 0;
		if (!page_end(p)) {
			p->write_errno = errno;
			*err = pdf_error(p);
			return false;
		}
		page_begin(p);
	}
	for (int c = 0; c < t->ncols; c++)
		if (p->row[c])
			cell_draw(p, p->row[c], p->x[c] + PAD_X, p->y + PAD_Y);
	p->y += h;
	lines_nums(&p->page_lines, 2, (double[]){MARGIN, PAGE_H - p->y});
	buf_str(&p->page_lines, "m ");
	lines_nums(&p->page_lines, 2, (double[]){PAGE_W - MARGIN, PAGE_H - p->y});
	buf_str(&p->page_lines, "l\n");
	p->rows++;
	return true;
}

static void
pdf_free(struct pdf_out *p)
{
	for (int c = 0; c < p->t->ncols; c++) {
		if (p->cells && p->cells[c])
			g_object_unref(p->cells[c]);
		if (p->heads)
			cell_entry_clear(&p->heads[c]);
		if (p->caches && p->caches[c].map)
			g_hash_table_destroy(p->caches[c].map);
		if (p->plain)
			cell_entry_clear(&p->plain[c]);
	}
	cell_entry_clear(&p->title);
	cell_entry_clear(&p->subtitle);
	cell_entry_clear(&p->generated);
	for (int i = 0; i < p->nfonts; i++)
		g_object_unref(p->fonts[i].font);
	free(p->fonts);
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
	pdfdoc_free(p->doc);
	free(p->page_text.s);
	free(p->page_lines.s);
	free(p->cells);
	free(p->heads);
	free(p->row);
	free(p->plain);
	free(p->caches);
	free(p->x);
	free(p->w);
	free(p);
}

bool
pdf_out_close(struct pdf_out *p, char **err)
{
	if (p->rows == 0) {
		struct cell_entry e = {0};
		free_text(p, &e, p->sub_font, "Aucun rendez-vous ne correspond à ces filtres.",
		          PANGO_ALIGN_LEFT);
		text_gray(p, "0");
		cell_draw(p, &e, MARGIN, p->y + 6);
		cell_entry_clear(&e);
	}
	errno = 0;
	bool ok = page_end(p);
	struct pdfdoc *doc = p->doc;
	p->doc = NULL;
	ok = pdfdoc_close(doc, p->t->title, p->t->subtitle, "rdv-tui") && ok;
	/*
	 * A failed write is checked here too: stdio forgets the error once its
	 * buffer is dropped, so that fclose() then succeeds on a truncated file.
	 */
	if (ok && (fflush(p->file) != 0 || ferror(p->file)))
		ok = false;
	if (!ok) {
		p->write_errno = errno;
		*err = pdf_error(p);
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
