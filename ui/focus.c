/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/focus.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DESC_SIZE 512

static int focus_y = -1, focus_x = -1;
static char desc[DESC_SIZE];
/* The description on screen when the last key was read. */
static char at_key[DESC_SIZE];
/* The description drawn by the last frame. */
static char shown[DESC_SIZE];
/* Nothing is news before the first key: the first screen is read whole. */
static bool keyed;

void
focus_set(int y, int x, const char *description)
{
	focus_y = y;
	focus_x = x;
	if (description)
		snprintf(desc, sizeof desc, "%s", description);
}

void
focus_describe(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
}

void
focus_frame_start(void)
{
	focus_y = focus_x = -1;
	desc[0] = '\0';
}

bool
focus_position(int *y, int *x)
{
	if (focus_y < 0 || focus_x < 0)
		return false;
	*y = focus_y;
	*x = focus_x;
	return true;
}

const char *
focus_news(void)
{
	snprintf(shown, sizeof shown, "%s", desc);
	if (!keyed || desc[0] == '\0' || strcmp(desc, at_key) == 0)
		return NULL;
	return desc;
}

const char *
focus_description(void)
{
	return desc;
}

void
focus_key(void)
{
	memcpy(at_key, shown, sizeof at_key);
	keyed = true;
}
