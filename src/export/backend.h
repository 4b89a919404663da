/* SPDX-License-Identifier: MIT */
#ifndef RDV_EXPORT_BACKEND_H
#define RDV_EXPORT_BACKEND_H

/* The format back-ends behind writer.c; never included outside src/export. */

#include <stdbool.h>

#include "export/writer.h"

struct xlsx_out;
/* Start the workbook at path (the temporary file). */
struct xlsx_out *xlsx_out_open(const char *path, const struct export_table *t, char **err);
bool xlsx_out_row(struct xlsx_out *x, const char *const *cells, char **err);
/* Write the file out and free x; abort: free without caring for the file. */
bool xlsx_out_close(struct xlsx_out *x, char **err);
void xlsx_out_abort(struct xlsx_out *x);

struct pdf_out;
struct pdf_out *pdf_out_open(const char *path, const struct export_table *t, char **err);
bool pdf_out_row(struct pdf_out *p, const char *const *cells, char **err);
bool pdf_out_close(struct pdf_out *p, char **err);
void pdf_out_abort(struct pdf_out *p);

#endif
