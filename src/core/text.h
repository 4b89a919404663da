/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_TEXT_H
#define RDV_CORE_TEXT_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

/*
 * Text from the database is data, never terminal commands. These helpers
 * decode UTF-8 strictly and neutralise anything a terminal could act on.
 */

/*
 * A copy of s fit for one line of a terminal: C0 and C1 control characters,
 * DEL, bidirectional overrides and invalid UTF-8 become U+FFFD; tab and
 * newline become a space. NULL gives "". Caller frees.
 */
char *text_sanitize(const char *s);

/*
 * Write s to f as text_sanitize would show it, but keeping newlines and
 * tabs (lines, TSV): for what the CLI and the worker print that came from
 * the database (an e-mail holding ESC ] 52 … must not reach the terminal).
 */
void text_fputs(const char *s, FILE *f);
/* printf then text_fputs. */
void text_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when s holds a character text_sanitize would replace. */
bool text_has_controls(const char *s);

/* Display width in terminal columns of a sanitised UTF-8 string. */
int text_width(const char *s);

/*
 * Number of bytes of the longest prefix of s (sanitised UTF-8) that fits in
 * cols columns; *width gets its width when not NULL.
 */
size_t text_fit(const char *s, int cols, int *width);

/* Decode one UTF-8 character; returns its length (0 at NUL, -1 if invalid). */
int text_decode(const char *s, unsigned *cp);

#endif
