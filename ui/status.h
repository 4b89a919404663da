/* SPDX-License-Identifier: MIT */
#ifndef RDV_UI_STATUS_H
#define RDV_UI_STATUS_H

/*
 * The status line's layout, in display columns, kept apart from drawing so
 * that a unit test can check it at every width. From left to right: who is
 * connected, the hints (or a message), the screen's own status text, the
 * connection state. Nothing overlaps: the hints give way first (cut with
 * "…"), then the status text, never the connection state.
 */
struct status_cols {
	int left_w;             /* "Prénom Nom · organisation", from column 0 */
	int middle_x, middle_w; /* hints or a message; 0 wide when no room */
	int extra_x, extra_w;   /* the screen's status text; 0 wide when dropped */
	int state_x, state_w;   /* connection state, against the right edge */
};

/* Place parts of the given natural widths on a line of cols columns. */
void status_layout(int cols, int left_w, int extra_w, int state_w, struct status_cols *out);

/*
 * s (sanitised UTF-8) cut to at most cols display columns, ending with "…"
 * when something was cut. Caller frees.
 */
char *status_ellipsize(const char *s, int cols);

#endif
