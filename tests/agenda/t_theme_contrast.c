/* SPDX-License-Identifier: MIT */
/*
 * Every shipped theme is readable on a dark and on a light terminal: no slot
 * pairs an explicit colour with the terminal's default one (light grey on
 * light grey on a dark terminal), and in the 256-colour themes every
 * text/background pair reaches the WCAG 2 contrast ratio of 4.5:1, computed
 * from the xterm palette for both the colour as written and the palette
 * entry a 256-colour terminal shows for it. Themes go through the real
 * parser (theme_parse), from the copies compiled into the binary.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "ui/embedded.h"
#include "ui/theme.h"

/* The slots' names, from the table theme.h declares them in. */
static const char *const slot_names[SLOT_COUNT] = {
#define X(id, name, help) name,
    THEME_SLOTS(X)
#undef X
};

#define MIN_CONTRAST 4.5

/* WCAG 2 relative luminance of an sRGB colour. */
static double
luminance(const int rgb[3])
{
	double l[3];
	for (int i = 0; i < 3; i++) {
		double c = rgb[i] / 255.0;
		l[i] = c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

static double
contrast(const int a[3], const int b[3])
{
	double la = luminance(a), lb = luminance(b);
	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* Whether the theme last parsed names colours beyond the 16 basic ones. */
static bool
uses_256(void)
{
	for (int s = 0; s < SLOT_COUNT; s++)
		for (int bg = 0; bg < 2; bg++) {
			struct theme_colour_info c;
			theme_slot_colour((enum theme_slot)s, bg, &c);
			if (!c.is_default && (c.index < 0 || c.index >= 16))
				return true;
		}
	return false;
}

/* Count (and describe) the unreadable slots of the theme last parsed. */
static int
theme_problems(const char *origin)
{
	int problems = 0;
	bool check_contrast = uses_256();
	for (int s = 0; s < SLOT_COUNT; s++) {
		struct theme_colour_info fg, bg;
		theme_slot_colour((enum theme_slot)s, false, &fg);
		theme_slot_colour((enum theme_slot)s, true, &bg);
		const char *name = slot_names[s];
		if (fg.is_default != bg.is_default) {
			printf("# %s: %s pairs an explicit %s with the terminal's default %s\n",
			       origin, name, fg.is_default ? "background" : "text colour",
			       fg.is_default ? "text colour" : "background");
			problems++;
			continue;
		}
		if (!check_contrast || fg.is_default)
			continue;
		double written = contrast(fg.rgb, bg.rgb), shown = contrast(fg.shown, bg.shown);
		if (written < MIN_CONTRAST || shown < MIN_CONTRAST) {
			printf("# %s: %s contrast %.2f:1 (%.2f:1 in the xterm-256 palette), below "
			       "%.1f:1\n",
			       origin, name, written, shown, MIN_CONTRAST);
			problems++;
		}
	}
	return problems;
}

int
main(void)
{
	char *err = NULL;
	/* The checker itself, on the defects it must catch. */
	ok(theme_parse("header default #e4e4e4 bold\n", "old.theme", &err), "old header parses");
	is_int(theme_problems("old.theme"), 1,
	       "default text on an explicit light background is caught");
	ok(theme_parse("help.key #005f87 default bold\n", "old.theme", &err),
	   "old help key parses");
	is_int(theme_problems("old.theme"), 1,
	       "an explicit text colour on the default background is caught");
	ok(theme_parse("rdv.excused #808080 #eeeeee dim\n", "old.theme", &err), "old grey parses");
	is_int(theme_problems("old.theme"), 1, "grey #808080 on #eeeeee (3.4:1) is caught");
	ok(theme_parse("agenda.today colour231 colour31 bold\n", "old.theme", &err),
	   "palette indexes parse");
	is_int(theme_problems("old.theme"), 1,
	       "white on xterm colour 31 (#0087af, 4.1:1) is caught");
	ok(theme_parse("cursor #ffffff #5f00af bold\nnormal default default\n", "good.theme", &err),
	   "a readable theme parses");
	is_int(theme_problems("good.theme"), 0, "white on #5f00af and default on default pass");
	int white[3] = {255, 255, 255}, black[3] = {0, 0, 0};
	ok(fabs(contrast(white, black) - 21.0) < 1e-9, "white on black is 21:1");

	int total = 0, with_contrast = 0;
	for (const struct embedded_file *f = embedded_themes; f->name; f++, total++) {
		if (!theme_parse(f->text, f->name, &err)) {
			ok(0, "%s parses: %s", f->name, err);
			free(err);
			err = NULL;
			continue;
		}
		if (uses_256())
			with_contrast++;
		is_int(theme_problems(f->name), 0, "%s: readable on dark and light terminals%s",
		       f->name, uses_256() ? ", every pair at least 4.5:1" : "");
	}
	is_int(total, 4, "the four shipped themes were checked");
	is_int(with_contrast, 2, "two of them are 256-colour themes (default, high-contrast)");
	return done_testing();
}
