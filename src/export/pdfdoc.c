/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/pdfdoc.h"

#include <glib.h>
#include <hb-ot.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/xmalloc.h"

/*
 * Object numbers: 1 the catalog, 2 the page tree, 3 the resources shared by
 * every page (inherited from the tree), 4 the document information; then
 * each page's content and page objects as pages come, then the fonts.
 */
enum { OBJ_CATALOG = 1, OBJ_PAGES, OBJ_RESOURCES, OBJ_INFO, OBJ_FIRST_FREE };

/*
 * Level 1 of zlib: a content stream is made of a few hundred repeated
 * operators and glyph strings, which the fastest level already shrinks
 * about fivefold; the default level costs three times the time for a file
 * about a fifth smaller.
 */
#define PDF_ZLEVEL 1

/* Pages waiting for the writer thread: enough to smooth, bounded in memory. */
#define PAGE_QUEUE 4

/* A font file, embedded once. */
struct pdf_face {
	hb_face_t *face;
	hb_font_t *font; /* scaled to the face's units */
	unsigned upem, nglyphs;
	unsigned *chars;           /* the character each glyph used stands for (0: none) */
	int file, desc, tounicode; /* object numbers, once written */
};

/*
 * A face at one size: the widths it declares are those pango places glyphs
 * at, rounded to whole points as pango rounds them, so that a line needs no
 * adjustment but for kerning.
 */
struct pdf_font {
	int face;
	double size;
	double *advance; /* thousandths of an em; -1: glyph not used */
};

struct pdfdoc {
	FILE *f;
	bool failed;
	long pos;      /* bytes written */
	long *offsets; /* of each object, by number */
	int nobj, cap; /* objects allocated so far (numbers 1..nobj) */
	int *pages;    /* page object numbers */
	int npages, pages_cap;
	double width, height;
	struct pdf_face *faces;
	int nfaces;
	struct pdf_font *fonts;
	int nfonts;
	z_stream zs; /* one compressor for every stream: set up once, reset for each */
	bool zs_ready;
	unsigned char *z; /* compression buffer */
	size_t zcap;
	/*
	 * Pages are compressed and written by a second thread while the caller
	 * lays out the next ones (zlib is a quarter of a large export's time).
	 * Until pdfdoc_close joins it, that thread alone touches the file, the
	 * object offsets, the page list and the compressor; the queue and
	 * `failed` are shared under `lock`.
	 */
	bool threaded;
	pthread_t writer;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct page_job {
		char *content;
		size_t len;
	} queue[PAGE_QUEUE];
	int qhead, qlen;
	bool stop;
};

/* The file cannot be completed (the writer thread may say so while the caller reads it). */
static void
doc_fail(struct pdfdoc *d)
{
	if (d->threaded)
		pthread_mutex_lock(&d->lock);
	d->failed = true;
	if (d->threaded)
		pthread_mutex_unlock(&d->lock);
}

static void
out(struct pdfdoc *d, const void *data, size_t len)
{
	if (len && fwrite(data, 1, len, d->f) != len)
		doc_fail(d);
	d->pos += (long)len;
}

static void outf(struct pdfdoc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
outf(struct pdfdoc *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < (int)sizeof buf) {
		out(d, buf, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	char *big = xvasprintf(fmt, ap);
	va_end(ap);
	out(d, big, (size_t)n);
	free(big);
}

/* A new object number (its offset is recorded when it is written). */
static int
obj_new(struct pdfdoc *d)
{
	if (d->nobj + 1 >= d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		d->offsets = xreallocarray(d->offsets, (size_t)d->cap, sizeof *d->offsets);
	}
	d->nobj++;
	d->offsets[d->nobj] = 0;
	return d->nobj;
}

static void
obj_begin(struct pdfdoc *d, int n)
{
	d->offsets[n] = d->pos;
	outf(d, "%d 0 obj\n", n);
}

/* A stream object: data compressed (zlib) unless raw; extra goes into its dictionary. */
static void
stream_write(struct pdfdoc *d, int n, const void *data, size_t len, const char *extra)
{
	/*
	 * compress2() would allocate, clear and free the compressor's quarter
	 * of a megabyte for every page (and the heap be trimmed each time).
	 */
	if (!d->zs_ready) {
		if (deflateInit(&d->zs, PDF_ZLEVEL) != Z_OK) {
			doc_fail(d);
			return;
		}
		d->zs_ready = true;
	} else {
		deflateReset(&d->zs);
	}
	uLong bound = deflateBound(&d->zs, (uLong)len);
	if (bound > d->zcap) {
		d->zcap = bound;
		d->z = xrealloc(d->z, d->zcap);
	}
	d->zs.next_in = (Bytef *)(uintptr_t)data;
	d->zs.avail_in = (uInt)len;
	d->zs.next_out = d->z;
	d->zs.avail_out = (uInt)d->zcap;
	if (deflate(&d->zs, Z_FINISH) != Z_STREAM_END) {
		doc_fail(d);
		return;
	}
	uLong zlen = d->zs.total_out;
	obj_begin(d, n);
	outf(d, "<< /Length %lu /Filter /FlateDecode%s >>\nstream\n", (unsigned long)zlen,
	     extra ? extra : "");
	out(d, d->z, zlen);
	outf(d, "\nendstream\nendobj\n");
}

static void *writer_main(void *arg);

struct pdfdoc *
pdfdoc_open(FILE *f, double width, double height)
{
	struct pdfdoc *d = xcalloc(1, sizeof *d);
	d->f = f;
	d->width = width;
	d->height = height;
	for (int i = 1; i < OBJ_FIRST_FREE; i++)
		obj_new(d);
	/* Binary marker on the second line, as the format recommends. */
	outf(d, "%%PDF-1.5\n%%\xe2\xe3\xcf\xd3\n");
	if (pthread_mutex_init(&d->lock, NULL) == 0) {
		if (pthread_cond_init(&d->changed, NULL) == 0) {
			d->threaded = pthread_create(&d->writer, NULL, writer_main, d) == 0;
			if (!d->threaded)
				pthread_cond_destroy(&d->changed);
		}
		if (!d->threaded)
			pthread_mutex_destroy(&d->lock);
	}
	return d;
}

static int
face_add(struct pdfdoc *d, hb_face_t *face)
{
	for (int i = 0; i < d->nfaces; i++)
		if (d->faces[i].face == face)
			return i;
	d->faces = xreallocarray(d->faces, (size_t)d->nfaces + 1, sizeof *d->faces);
	struct pdf_face *pf = &d->faces[d->nfaces];
	*pf = (struct pdf_face){0};
	pf->face = hb_face_reference(face);
	pf->font = hb_font_create(face);
	pf->upem = hb_face_get_upem(face);
	if (pf->upem == 0)
		pf->upem = 1000;
	pf->nglyphs = hb_face_get_glyph_count(face);
	pf->chars = xcalloc((size_t)pf->nglyphs + 1, sizeof *pf->chars);
	return d->nfaces++;
}

int
pdfdoc_font(struct pdfdoc *d, hb_face_t *face, double size)
{
	int fi = face_add(d, face);
	for (int i = 0; i < d->nfonts; i++)
		if (d->fonts[i].face == fi && d->fonts[i].size == size)
			return i;
	d->fonts = xreallocarray(d->fonts, (size_t)d->nfonts + 1, sizeof *d->fonts);
	struct pdf_font *pf = &d->fonts[d->nfonts];
	pf->face = fi;
	pf->size = size;
	unsigned n = d->faces[fi].nglyphs;
	pf->advance = xmalloc(((size_t)n + 1) * sizeof *pf->advance);
	for (unsigned g = 0; g <= n; g++)
		pf->advance[g] = -1;
	return d->nfonts++;
}

double
pdfdoc_glyph(struct pdfdoc *d, int font, unsigned gid, unsigned c)
{
	struct pdf_font *pf = &d->fonts[font];
	struct pdf_face *face = &d->faces[pf->face];
	if (gid >= face->nglyphs)
		return 0;
	if (pf->advance[gid] < 0) {
		double pt =
		    (double)hb_font_get_glyph_h_advance(face->font, gid) * pf->size / face->upem;
		pt = floor(pt + 0.5); /* pango's PANGO_UNITS_ROUND, in points */
		pf->advance[gid] = pt * 1000 / pf->size;
		if (face->chars[gid] == 0)
			face->chars[gid] = c;
	}
	return pf->advance[gid];
}

/* Compress and write one page (the writer thread, or the caller without one). */
static void
page_write(struct pdfdoc *d, const char *content, size_t len)
{
	int contents = obj_new(d), page = obj_new(d);
	stream_write(d, contents, content, len, NULL);
	obj_begin(d, page);
	outf(d, "<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>\nendobj\n", OBJ_PAGES, contents);
	if (d->npages == d->pages_cap) {
		d->pages_cap = d->pages_cap ? 2 * d->pages_cap : 256;
		d->pages = xreallocarray(d->pages, (size_t)d->pages_cap, sizeof *d->pages);
	}
	d->pages[d->npages++] = page;
}

static void *
writer_main(void *arg)
{
	struct pdfdoc *d = arg;
	pthread_mutex_lock(&d->lock);
	for (;;) {
		while (d->qlen == 0 && !d->stop)
			pthread_cond_wait(&d->changed, &d->lock);
		if (d->qlen == 0)
			break;
		struct page_job job = d->queue[d->qhead];
		/* A failed file gets no more pages: the caller learns it and aborts. */
		bool failed = d->failed;
		pthread_mutex_unlock(&d->lock);
		if (!failed)
			page_write(d, job.content, job.len);
		free(job.content);
		pthread_mutex_lock(&d->lock);
		d->qhead = (d->qhead + 1) % PAGE_QUEUE;
		d->qlen--;
		pthread_cond_broadcast(&d->changed);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* Wait for the writer thread to write every queued page, and end it. */
static void
writer_join(struct pdfdoc *d)
{
	if (!d->threaded)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_broadcast(&d->changed);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->writer, NULL);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->changed);
	d->threaded = false;
}

bool
pdfdoc_page(struct pdfdoc *d, const char *content, size_t len)
{
	if (!d->threaded) {
		if (!d->failed)
			page_write(d, content, len);
		return !d->failed;
	}
	char *copy = xmalloc(len ? len : 1);
	memcpy(copy, content, len);
	pthread_mutex_lock(&d->lock);
	while (d->qlen == PAGE_QUEUE)
		pthread_cond_wait(&d->changed, &d->lock);
	d->queue[(d->qhead + d->qlen) % PAGE_QUEUE] = (struct page_job){copy, len};
	d->qlen++;
	pthread_cond_broadcast(&d->changed);
	bool ok = !d->failed;
	pthread_mutex_unlock(&d->lock);
	return ok;
}

/* ------------------------------------------------------------ fonts */

/* The face's PostScript name, reduced to the characters a PDF name may hold bare. */
static char *
font_name(hb_face_t *face, int index)
{
	char buf[128];
	unsigned len = sizeof buf;
	if (hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len,
	                        buf) == 0)
		buf[0] = '\0';
	char *name = xmalloc(strlen(buf) + 16), *o = name;
	for (const char *s = buf; *s; s++)
		if (g_ascii_isalnum(*s) || *s == '-' || *s == '_')
			*o++ = *s;
	*o = '\0';
	if (*name == '\0')
		snprintf(name, 16, "Font%d", index);
	return name;
}

/*
 * A number with two decimals, written without printf's %f: the decimal
 * separator must be a point whatever LC_NUMERIC says.
 */
static void
num2(char *buf, size_t size, double v)
{
	long k = lround(v * 100);
	snprintf(buf, size, "%s%ld.%02ld", k < 0 ? "-" : "", labs(k) / 100, labs(k) % 100);
}

static int
be16(const char *p)
{
	return (short)(((unsigned char)p[0] << 8) | (unsigned char)p[1]);
}

/* The 'head' table's bounding box, in thousandths of an em. */
static void
font_bbox(const struct pdf_face *pf, long box[4])
{
	hb_blob_t *head = hb_face_reference_table(pf->face, HB_TAG('h', 'e', 'a', 'd'));
	unsigned len;
	const char *p = hb_blob_get_data(head, &len);
	for (int i = 0; i < 4; i++)
		box[i] = len >= 44 ? be16(p + 36 + 2 * i) * 1000L / (long)pf->upem : 0;
	hb_blob_destroy(head);
}

/* The widths of the glyphs used: "g [w …] g [w …]" (others take no room in the file). */
static void
font_widths(struct pdfdoc *d, const struct pdf_font *pf, unsigned nglyphs)
{
	GString *w = g_string_new("[");
	for (unsigned g = 0; g < nglyphs; g++) {
		if (pf->advance[g] < 0)
			continue;
		unsigned end = g;
		while (end + 1 < nglyphs && pf->advance[end + 1] >= 0)
			end++;
		g_string_append_printf(w, "%u [", g);
		for (unsigned k = g; k <= end; k++) {
			char n[32];
			num2(n, sizeof n, pf->advance[k]);
			g_string_append_printf(w, "%s%s", k > g ? " " : "", n);
		}
		g_string_append(w, "]\n");
		g = end;
	}
	g_string_append(w, "]");
	out(d, w->str, w->len);
	g_string_free(w, TRUE);
}

/* The ToUnicode CMap of the glyphs used. */
static void
face_tounicode(struct pdfdoc *d, const struct pdf_face *pf)
{
	GString *m = g_string_new(
	    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	unsigned g = 0;
	for (;;) {
		unsigned batch[100], nb = 0;
		for (; g < pf->nglyphs && nb < 100; g++)
			if (pf->chars[g] != 0)
				batch[nb++] = g;
		if (nb == 0)
			break;
		g_string_append_printf(m, "%u beginbfchar\n", nb);
		for (unsigned i = 0; i < nb; i++) {
			gunichar c = pf->chars[batch[i]];
			g_string_append_printf(m, "<%04X> <", batch[i]);
			if (c >= 0x10000)
				g_string_append_printf(m, "%04X%04X",
				                       0xD800 + ((c - 0x10000) >> 10),
				                       0xDC00 + ((c - 0x10000) & 0x3FF));
			else
				g_string_append_printf(m, "%04X", c);
			g_string_append(m, ">\n");
		}
		g_string_append(m, "endbfchar\n");
	}
	g_string_append(m, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	stream_write(d, pf->tounicode, m->str, m->len, NULL);
	g_string_free(m, TRUE);
}

static bool
face_truetype(const struct pdf_face *pf)
{
	hb_blob_t *glyf = hb_face_reference_table(pf->face, HB_TAG('g', 'l', 'y', 'f'));
	bool truetype = hb_blob_get_length(glyf) > 0;
	hb_blob_destroy(glyf);
	return truetype;
}

/* Embed face i whole (TrueType or OpenType file), its descriptor and ToUnicode map. */
static void
face_write(struct pdfdoc *d, int i)
{
	struct pdf_face *pf = &d->faces[i];
	pf->file = obj_new(d);
	pf->desc = obj_new(d);
	pf->tounicode = obj_new(d);
	bool truetype = face_truetype(pf);
	hb_blob_t *blob = hb_face_reference_blob(pf->face);
	unsigned len;
	const char *data = hb_blob_get_data(blob, &len);
	char extra[64] = " /Subtype /OpenType";
	if (truetype)
		snprintf(extra, sizeof extra, " /Length1 %u", len);
	stream_write(d, pf->file, data, len, extra);
	hb_blob_destroy(blob);

	char *name = font_name(pf->face, i);
	long box[4];
	font_bbox(pf, box);
	hb_font_extents_t ext = {0};
	hb_font_get_h_extents(pf->font, &ext);
	long asc = ext.ascender * 1000L / (long)pf->upem;
	long dsc = ext.descender * 1000L / (long)pf->upem;
	obj_begin(d, pf->desc);
	outf(d,
	     "<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%ld %ld %ld %ld]"
	     " /ItalicAngle 0 /Ascent %ld /Descent %ld /CapHeight %ld /StemV 80 /%s %d 0 R >>\n"
	     "endobj\n",
	     name, box[0], box[1], box[2], box[3], asc, dsc, asc,
	     truetype ? "FontFile2" : "FontFile3", pf->file);
	free(name);
	face_tounicode(d, pf);
}

/* The CID font and Type 0 font of font i (a face at a size); returns the latter. */
static int
font_write(struct pdfdoc *d, int i)
{
	struct pdf_font *pf = &d->fonts[i];
	struct pdf_face *face = &d->faces[pf->face];
	int cid = obj_new(d), type0 = obj_new(d);
	bool truetype = face_truetype(face);
	char *name = font_name(face->face, pf->face);
	obj_begin(d, cid);
	outf(d,
	     "<< /Type /Font /Subtype /%s /BaseFont /%s"
	     " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
	     " /FontDescriptor %d 0 R%s /DW 1000 /W ",
	     truetype ? "CIDFontType2" : "CIDFontType0", name, face->desc,
	     truetype ? " /CIDToGIDMap /Identity" : "");
	font_widths(d, pf, face->nglyphs);
	outf(d, " >>\nendobj\n");
	obj_begin(d, type0);
	outf(d,
	     "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H"
	     " /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\nendobj\n",
	     name, cid, face->tounicode);
	free(name);
	return type0;
}

/* ------------------------------------------------------------ the end */

/* A text string of the document information: UTF-16BE in hex, with its byte order mark. */
static void
info_string(struct pdfdoc *d, const char *key, const char *s)
{
	if (s == NULL)
		return;
	glong n = 0;
	gunichar2 *u = g_utf8_to_utf16(s, -1, NULL, &n, NULL);
	if (u == NULL)
		return;
	outf(d, " /%s <FEFF", key);
	for (glong i = 0; i < n; i++)
		outf(d, "%04X", u[i]);
	outf(d, ">");
	g_free(u);
}

bool
pdfdoc_close(struct pdfdoc *d, const char *title, const char *subject, const char *creator)
{
	writer_join(d);
	for (int i = 0; i < d->nfaces; i++)
		face_write(d, i);
	int *type0 = xcalloc((size_t)d->nfonts + 1, sizeof *type0);
	for (int i = 0; i < d->nfonts; i++)
		type0[i] = font_write(d, i);
	obj_begin(d, OBJ_RESOURCES);
	outf(d, "<< /ProcSet [/PDF /Text] /Font <<");
	for (int i = 0; i < d->nfonts; i++)
		outf(d, " /F%d %d 0 R", i, type0[i]);
	outf(d, " >> >>\nendobj\n");
	free(type0);

	char w[32], h[32];
	num2(w, sizeof w, d->width);
	num2(h, sizeof h, d->height);
	obj_begin(d, OBJ_PAGES);
	outf(d, "<< /Type /Pages /Count %d /MediaBox [0 0 %s %s] /Resources %d 0 R /Kids [",
	     d->npages, w, h, OBJ_RESOURCES);
	for (int i = 0; i < d->npages; i++)
		outf(d, "%s%d 0 R", i % 10 ? " " : "\n", d->pages[i]);
	outf(d, "] >>\nendobj\n");
	obj_begin(d, OBJ_CATALOG);
	outf(d, "<< /Type /Catalog /Pages %d 0 R >>\nendobj\n", OBJ_PAGES);
	obj_begin(d, OBJ_INFO);
	outf(d, "<<");
	info_string(d, "Title", title);
	info_string(d, "Subject", subject);
	info_string(d, "Creator", creator);
	outf(d, " >>\nendobj\n");

	long xref = d->pos;
	outf(d, "xref\n0 %d\n0000000000 65535 f \n", d->nobj + 1);
	for (int i = 1; i <= d->nobj; i++)
		outf(d, "%010ld 00000 n \n", d->offsets[i]);
	outf(d, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%ld\n%%%%EOF\n",
	     d->nobj + 1, OBJ_CATALOG, OBJ_INFO, xref);
	bool ok = !d->failed;
	pdfdoc_free(d);
	return ok;
}

void
pdfdoc_free(struct pdfdoc *d)
{
	if (d == NULL)
		return;
	writer_join(d); /* the writer empties the queue before it ends */
	for (int i = 0; i < d->nfaces; i++) {
		hb_font_destroy(d->faces[i].font);
		hb_face_destroy(d->faces[i].face);
		free(d->faces[i].chars);
	}
	for (int i = 0; i < d->nfonts; i++)
		free(d->fonts[i].advance);
	free(d->faces);
	free(d->fonts);
	free(d->offsets);
	free(d->pages);
	if (d->zs_ready)
		deflateEnd(&d->zs);
	free(d->z);
	free(d);
}
