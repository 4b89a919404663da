/* SPDX-License-Identifier: MIT */
#ifndef RDV_EXPORT_PDFDOC_H
#define RDV_EXPORT_PDFDOC_H

/*
 * A PDF file written directly: pages whose content streams the caller
 * builds (text as glyph ids in TJ arrays, rectangles, lines), fonts
 * embedded whole (TrueType or OpenType, Identity-H) with a ToUnicode map of
 * the glyphs used, so that the text reads back (pdftotext) as written.
 *
 * cairo's PDF surface records every page, analyses it, subsets its fonts
 * and writes it again: for a 100,000-row export most of the time went there.
 * Here a page is a byte string the caller appends to, compressed and
 * written out once full; nothing of a page is kept after it.
 */

#include <hb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct pdfdoc;

/* Start the file (header written to f, which the caller owns). */
struct pdfdoc *pdfdoc_open(FILE *f, double width, double height);

/*
 * The PDF font of a face at a size in points ("F<n>" in content streams,
 * used at that size only): the same pair gives the same number, and a face
 * is embedded once whatever its sizes. Its glyphs advance by whole points,
 * as pango places them by default. The face is referenced while d lives.
 */
int pdfdoc_font(struct pdfdoc *d, hb_face_t *face, double size);

/*
 * Record that glyph gid of font stands for the character c (the first
 * character recorded for a glyph wins) and return its advance in
 * thousandths of an em (two decimals), as the file declares it.
 */
double pdfdoc_glyph(struct pdfdoc *d, int font, unsigned gid, unsigned c);

/* Append one page with this content stream (uncompressed; compressed here). */
bool pdfdoc_page(struct pdfdoc *d, const char *content, size_t len);

/*
 * Write the fonts, the page tree, the document information (UTF-8
 * strings, may be NULL) and the cross-reference table, and free d. The
 * caller then flushes and closes f; false when a write failed (errno kept).
 */
bool pdfdoc_close(struct pdfdoc *d, const char *title, const char *subject, const char *creator);
/* Free d without finishing the file. */
void pdfdoc_free(struct pdfdoc *d);

#endif
