/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "db/internal.h"

/*
 * Id lists cross the wire as text: a PostgreSQL array literal going in
 * ("{3,7}", a parameter cast to int[]) and array_to_string's "3,7" coming
 * back. Every data-access file uses these two.
 */

int *
db_ids_parse(const char *text, int *n)
{
	*n = 0;
	if (text == NULL)
		text = "";
	int *ids = xcalloc(strlen(text) / 2 + 2, sizeof *ids);
	for (const char *p = text; *p;) {
		ids[(*n)++] = atoi(p);
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return ids;
}

char *
db_ids_format(const int *ids, int n)
{
	size_t cap = 3 + (size_t)n * 12;
	char *s = xmalloc(cap), *p = s;
	*p++ = '{';
	for (int i = 0; i < n; i++)
		p += snprintf(p, cap - (size_t)(p - s), "%s%d", i ? "," : "", ids[i]);
	*p++ = '}';
	*p = '\0';
	return s;
}
