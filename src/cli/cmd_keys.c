/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/theme.h"

/*
 * rdv keys [--man]: the key table and the colour slots, as the help screen
 * shows them; --man prints roff for the man page, which is built from it.
 */
int
cmd_keys(int argc, char **argv)
{
	bool roff = argc > 1 && strcmp(argv[1], "--man") == 0;
	if (argc > 1 && !roff)
		return cli_usage_error("keys : option inconnue « %s » (--man)", argv[1]);
	keys_init();
	if (roff) {
		keys_print(stdout, true);
		fputs(".SH THEMES\n", stdout);
		fputs("A theme file has one line per colour slot: the slot, the text colour, the "
		      "background colour, then attributes (bold, underline, reverse, dim, italic, "
		      "none). Colours are names (default, black, red, green, yellow, blue, magenta, "
		      "cyan, white, bright\\-\\fIname\\fR), 0 to 255, or #rrggbb; they are degraded "
		      "to what the terminal shows (256, 8, or none). Slots:\n",
		      stdout);
		theme_print_slots(stdout, true);
	} else {
		keys_print(stdout, false);
		printf("\nEmplacements de couleur des thèmes :\n");
		theme_print_slots(stdout, false);
	}
	return 0;
}
