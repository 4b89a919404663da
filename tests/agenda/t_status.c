/* SPDX-License-Identifier: MIT */
/* The status line's layout: hints give way, cut with "…", never overprinted. */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "tests/tap.h"
#include "ui/status.h"

int
main(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	char *s = status_ellipsize("n/PgSuiv Semaine suivante", 8);
	is_str(s, "n/PgSui…", "a cut text ends with an ellipsis within the width");
	is_int(text_width(s), 8, "and takes exactly the columns given");
	free(s);
	s = status_ellipsize("Entrée Valider", 14);
	is_str(s, "Entrée Valider",
	       "a text that fits is kept whole (width counted in columns, not bytes)");
	free(s);
	s = status_ellipsize("Entrée Valider", 8);
	is_str(s, "Entrée…", "no blank is left before the ellipsis");
	free(s);
	s = status_ellipsize("日本語のテキスト", 7);
	is_str(s, "日本語…", "double-width characters are never split");
	ok(text_width(s) <= 7, "and the result fits");
	free(s);
	s = status_ellipsize("abc", 0);
	is_str(s, "", "no room, no text");
	free(s);

	/* The case of the report: 120 columns, a long name, the to-fill count. */
	struct status_cols c;
	const int left = 38, extra = 30, state = 12;
	status_layout(120, left, extra, state, &c);
	is_int(c.state_x, 108, "the connection state is against the right edge");
	is_int(c.extra_w, 30, "the status text is shown whole");
	is_int(c.extra_x, 108 - 2 - 30, "two blanks before the connection state");
	is_int(c.middle_x, 39, "hints start one blank after the name");
	ok(c.middle_x + c.middle_w <= c.extra_x - 2, "hints end two blanks before the status text");

	/* Every width from tiny to wide, every mix: nothing overlaps, nothing leaves the line. */
	int bad = 0, dropped_whole = 0;
	for (int cols = 1; cols <= 300 && bad < 5; cols++)
		for (int l = 0; l <= 80; l += 7)
			for (int e = 0; e <= 60; e += 6)
				for (int st = 1; st <= 20; st += 9) {
					status_layout(cols, l, e, st, &c);
					bool fine = c.state_x + c.state_w == cols &&
					            c.left_w <= l && c.left_w <= c.state_x &&
					            c.middle_w >= 0 &&
					            (c.middle_w == 0 ||
					             (c.middle_x >= c.left_w &&
					              c.middle_x + c.middle_w <= c.state_x));
					if (c.extra_w > 0) {
						fine = fine && c.extra_w <= e &&
						       c.extra_x >= c.left_w &&
						       c.extra_x + c.extra_w <= c.state_x &&
						       (c.middle_w == 0 ||
						        c.middle_x + c.middle_w < c.extra_x);
					} else if (e > 0 && cols >= l + e + st + 8 &&
					           l <= cols / 2) {
						dropped_whole++;
					}
					if (!fine && bad++ < 5)
						printf("# cols=%d left=%d extra=%d state=%d: "
						       "left_w=%d middle=%d+%d "
						       "extra=%d+%d state=%d+%d\n",
						       cols, l, e, st, c.left_w, c.middle_x,
						       c.middle_w, c.extra_x, c.extra_w, c.state_x,
						       c.state_w);
				}
	is_int(bad, 0, "at every width from 1 to 300 columns the parts never overlap");
	is_int(dropped_whole, 0, "a status text that fits is never dropped");
	return done_testing();
}
