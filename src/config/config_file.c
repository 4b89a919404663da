/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "config/config_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

char *
config_get(const char *key)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path = xdg && *xdg == '/' ? xasprintf("%s/rdv/config", xdg)
					: xasprintf("%s/.config/rdv/config", home ? home : "");
	FILE *f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return NULL;
	char line[1024];
	char *value = NULL;
	size_t klen = strlen(key);
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || strncmp(p, key, klen) != 0)
			continue;
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, "\r\n");
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		free(value);
		value = xstrndup(p, n);
	}
	fclose(f);
	return value;
}
