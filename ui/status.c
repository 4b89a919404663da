/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/status.h"

#include <string.h>

#include "core/text.h"
#include "core/xmalloc.h"

/* Narrower than this, a status text says too little to be worth showing cut. */
#define EXTRA_MIN 12
/* Blank columns kept between two parts. */
#define GAP 2

void
status_layout(int cols, int left_w, int extra_w, int state_w, struct status_cols *out)
{
	memset(out, 0, sizeof *out);
	if (cols <= 0)
		return;
	out->state_w = state_w < cols ? state_w : cols;
	out->state_x = cols - out->state_w;
	int left_max = cols / 2 < out->state_x ? cols / 2 : out->state_x;
	out->left_w = left_w < left_max ? left_w : left_max;
	int from = out->left_w + 1, to = out->state_x; /* free columns: [from, to) */
	if (extra_w > 0) {
		int room = to - GAP - from;
		int w = extra_w < room ? extra_w : room;
		if (w >= extra_w || w >= EXTRA_MIN) {
			out->extra_w = w;
			out->extra_x = to - GAP - w;
			to = out->extra_x;
		}
	}
	out->middle_x = from;
	out->middle_w = to - GAP - from > 0 ? to - GAP - from : 0;
}

char *
status_ellipsize(const char *s, int cols)
{
	if (s == NULL || cols <= 0)
		return xstrdup("");
	if (text_width(s) <= cols)
		return xstrdup(s);
	/* Room for the ellipsis, which is one column wide. */
	size_t keep = text_fit(s, cols - 1, NULL);
	/* Do not end on a blank before the ellipsis. */
	while (keep > 0 && s[keep - 1] == ' ')
		keep--;
	char *out = xmalloc(keep + sizeof "…");
	memcpy(out, s, keep);
	memcpy(out + keep, "…", sizeof "…");
	return out;
}
