/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_EMBEDDED_H
#define RDV_UI_EMBEDDED_H

/* Theme files compiled into the binary ("themes/default.theme", …). */
struct embedded_file {
	const char *name;
	const char *text;
};

/* Ends with {NULL, NULL}. */
extern const struct embedded_file embedded_themes[];

#endif
