/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "ui/theme.h"

#include <curses.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "ui/embedded.h"

/* A colour as written in a theme: -1 default, 0–255, or an RGB value. */
struct colour {
	int index;     /* -1 = terminal default, 0–255 */
	bool rgb;
	int r, g, b;
};

struct style {
	struct colour fg, bg;
	int attrs;
	bool set;
};

static const char *const slot_names[SLOT_COUNT] = {
#define X(id, name, help) name,
    THEME_SLOTS(X)
#undef X
};

/* What a slot looks like without colour: attributes that keep it apart. */
static const int mono_attrs[SLOT_COUNT] = {
    [SLOT_NORMAL] = A_NORMAL,       [SLOT_TITLE] = A_BOLD | A_REVERSE,
    [SLOT_HEADER] = A_BOLD,         [SLOT_TODAY] = A_BOLD | A_UNDERLINE,
    [SLOT_GRID] = A_DIM,            [SLOT_PLAGE] = A_NORMAL,
    [SLOT_ABSENCE] = A_DIM,         [SLOT_HOLIDAY] = A_BOLD,
    [SLOT_OTHER] = A_DIM,           [SLOT_RDV_UNKNOWN] = A_REVERSE,
    [SLOT_RDV_SEEN] = A_REVERSE,    [SLOT_RDV_EXCUSED] = A_DIM | A_UNDERLINE,
    [SLOT_RDV_REVOKED] = A_DIM | A_UNDERLINE, [SLOT_RDV_NOSHOW] = A_REVERSE | A_UNDERLINE,
    [SLOT_CURSOR] = A_REVERSE | A_BOLD, [SLOT_STATUS] = A_REVERSE,
    [SLOT_STATUS_ERROR] = A_REVERSE | A_BOLD, [SLOT_STATUS_OK] = A_REVERSE,
    [SLOT_HELP_KEY] = A_BOLD,       [SLOT_MERGE_SAME] = A_NORMAL,
    [SLOT_MERGE_DIFF] = A_BOLD | A_UNDERLINE,
};

static struct style styles[SLOT_COUNT];
static int slot_attrs[SLOT_COUNT];
static bool use_colour;
static int next_pair = 1;

/* Motif colours get pairs on demand; a small cache keyed by the RGB value. */
#define MOTIF_CACHE 64
static struct {
	int rgb;
	int attr;
} motif_cache[MOTIF_CACHE];
static int motif_cached;

static const char *const slot_help[SLOT_COUNT] = {
#define X(id, name, help) help,
    THEME_SLOTS(X)
#undef X
};

void
theme_print_slots(FILE *out, bool roff)
{
	for (int s = 0; s < SLOT_COUNT; s++) {
		if (roff)
			fprintf(out, ".TP\n.B %s\n%s\n", slot_names[s], slot_help[s]);
		else
			fprintf(out, "  %-16s %s\n", slot_names[s], slot_help[s]);
	}
}

static const char *const colour_names[] = {"black", "red",     "green", "yellow",
					   "blue",  "magenta", "cyan",  "white"};

static bool
parse_colour(const char *w, struct colour *c)
{
	memset(c, 0, sizeof *c);
	c->index = -1;
	if (strcmp(w, "default") == 0)
		return true;
	for (int i = 0; i < 8; i++) {
		if (strcmp(w, colour_names[i]) == 0) {
			c->index = i;
			return true;
		}
		if (strncmp(w, "bright", 6) == 0 && strcmp(w + 6, colour_names[i]) == 0) {
			c->index = i + 8;
			return true;
		}
	}
	if (w[0] == '#' && strlen(w) == 7) {
		for (int i = 1; i < 7; i++)
			if (!isxdigit((unsigned char)w[i]))
				return false;
		unsigned v = (unsigned)strtoul(w + 1, NULL, 16);
		c->rgb = true;
		c->r = (int)(v >> 16) & 0xff;
		c->g = (int)(v >> 8) & 0xff;
		c->b = (int)v & 0xff;
		return true;
	}
	const char *digits = strncmp(w, "colour", 6) == 0 ? w + 6 : strncmp(w, "color", 5) == 0 ? w + 5 : w;
	if (*digits == '\0' || strlen(digits) > 3)
		return false;
	for (const char *p = digits; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	int n = atoi(digits);
	if (n > 255)
		return false;
	c->index = n;
	return true;
}

static bool
parse_attr(const char *w, int *attrs)
{
	static const struct {
		const char *name;
		int attr;
	} table[] = {{"bold", A_BOLD},     {"underline", A_UNDERLINE}, {"reverse", A_REVERSE},
		     {"dim", A_DIM},       {"italic", A_ITALIC},       {"standout", A_STANDOUT},
		     {"blink", A_BLINK},   {"none", A_NORMAL}};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(w, table[i].name) == 0) {
			*attrs |= table[i].attr;
			return true;
		}
	return false;
}

/* The xterm 256-colour palette entry nearest to an RGB value. */
static int
rgb_to_256(int r, int g, int b)
{
	static const int steps[] = {0, 95, 135, 175, 215, 255};
	int ri = 0, gi = 0, bi = 0, best = 1 << 30;
	for (int i = 0; i < 6; i++) {
		if (abs(steps[i] - r) < abs(steps[ri] - r))
			ri = i;
		if (abs(steps[i] - g) < abs(steps[gi] - g))
			gi = i;
		if (abs(steps[i] - b) < abs(steps[bi] - b))
			bi = i;
	}
	int cube = 16 + 36 * ri + 6 * gi + bi;
	int dr = steps[ri] - r, dg = steps[gi] - g, db = steps[bi] - b;
	best = dr * dr + dg * dg + db * db;
	int grey = (r + g + b) / 3;
	int gidx = grey > 238 ? 23 : (grey - 3) / 10;
	if (gidx < 0)
		gidx = 0;
	int gv = 8 + 10 * gidx;
	int dgrey = (gv - r) * (gv - r) + (gv - g) * (gv - g) + (gv - b) * (gv - b);
	return dgrey < best ? 232 + gidx : cube;
}

/* RGB of a 256-palette entry, to degrade to 8 colours. */
static void
index_to_rgb(int idx, int *r, int *g, int *b)
{
	static const int base[16][3] = {
	    {0, 0, 0},     {205, 0, 0},   {0, 205, 0},   {205, 205, 0}, {0, 0, 238},   {205, 0, 205},
	    {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0},  {255, 255, 0},
	    {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255}};
	static const int steps[] = {0, 95, 135, 175, 215, 255};
	if (idx < 16) {
		*r = base[idx][0];
		*g = base[idx][1];
		*b = base[idx][2];
	} else if (idx < 232) {
		idx -= 16;
		*r = steps[idx / 36];
		*g = steps[(idx / 6) % 6];
		*b = steps[idx % 6];
	} else {
		*r = *g = *b = 8 + 10 * (idx - 232);
	}
}

void
theme_slot_colour(enum theme_slot s, bool background, struct theme_colour_info *out)
{
	memset(out, 0, sizeof *out);
	out->index = -1;
	if ((unsigned)s >= SLOT_COUNT) {
		out->is_default = true;
		return;
	}
	const struct colour *c = background ? &styles[s].bg : &styles[s].fg;
	if (!c->rgb && c->index < 0) {
		out->is_default = true;
		return;
	}
	int shown;
	if (c->rgb) {
		out->rgb[0] = c->r;
		out->rgb[1] = c->g;
		out->rgb[2] = c->b;
		shown = rgb_to_256(c->r, c->g, c->b);
	} else {
		out->index = c->index;
		index_to_rgb(c->index, &out->rgb[0], &out->rgb[1], &out->rgb[2]);
		shown = c->index;
	}
	index_to_rgb(shown, &out->shown[0], &out->shown[1], &out->shown[2]);
}

static int
rgb_to_8(int r, int g, int b)
{
	int best = 0, bestd = 1 << 30;
	for (int i = 0; i < 8; i++) {
		int cr, cg, cb;
		index_to_rgb(i, &cr, &cg, &cb);
		int d = (cr - r) * (cr - r) + (cg - g) * (cg - g) + (cb - b) * (cb - b);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/* The terminal colour number for a theme colour, given what it can show. */
static short
colour_for_terminal(const struct colour *c)
{
	if (!c->rgb && c->index < 0)
		return -1;
	if (COLORS >= 256)
		return (short)(c->rgb ? rgb_to_256(c->r, c->g, c->b) : c->index);
	int r, g, b;
	if (c->rgb) {
		r = c->r;
		g = c->g;
		b = c->b;
	} else if (c->index < 8) {
		return (short)c->index;
	} else {
		index_to_rgb(c->index, &r, &g, &b);
	}
	return (short)rgb_to_8(r, g, b);
}

static int
pair_for(short fg, short bg)
{
	if (next_pair >= COLOR_PAIRS)
		return 0;
	init_pair((short)next_pair, fg, bg);
	return COLOR_PAIR(next_pair++);
}

/* Turn the parsed styles into curses attributes. */
static void
theme_apply(void)
{
	next_pair = 1;
	motif_cached = 0;
	for (int s = 0; s < SLOT_COUNT; s++) {
		const struct style *st = &styles[s];
		if (!use_colour) {
			/* A theme made for monochrome says so with attributes only. */
			slot_attrs[s] = st->set && st->fg.index < 0 && !st->fg.rgb && st->bg.index < 0 &&
						!st->bg.rgb && st->attrs != A_NORMAL
					    ? st->attrs
					    : mono_attrs[s];
			continue;
		}
		int pair = pair_for(colour_for_terminal(&st->fg), colour_for_terminal(&st->bg));
		slot_attrs[s] = pair | st->attrs;
	}
}

/*
 * Cut a '#' comment off a line. A '#' followed by six hex digits and a
 * blank (or the end) is an RGB colour, not a comment.
 */
static void
strip_comment(char *line)
{
	for (char *h = strchr(line, '#'); h; h = strchr(h + 1, '#')) {
		bool rgb = h > line && strspn(h + 1, "0123456789abcdefABCDEF") == 6 &&
			   (h[7] == '\0' || isspace((unsigned char)h[7]));
		if (!rgb) {
			*h = '\0';
			return;
		}
	}
}

bool
theme_parse(const char *text, const char *origin, char **err)
{
	struct style parsed[SLOT_COUNT];
	memset(parsed, 0, sizeof parsed);
	for (int s = 0; s < SLOT_COUNT; s++) {
		parsed[s].fg.index = parsed[s].bg.index = -1;
	}
	int lineno = 0;
	const char *p = text;
	while (*p) {
		lineno++;
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		p += len + (p[len] == '\n');
		strip_comment(line);
		char *words[16];
		int n = 0;
		for (char *w = strtok(line, " \t\r"); w && n < 16; w = strtok(NULL, " \t\r"))
			words[n++] = w;
		if (n == 0) {
			free(line);
			continue;
		}
		int slot = -1;
		for (int s = 0; s < SLOT_COUNT; s++)
			if (strcmp(words[0], slot_names[s]) == 0)
				slot = s;
		const char *problem = NULL;
		if (slot < 0)
			problem = "emplacement inconnu";
		else if (n < 3)
			problem = "couleurs de texte et de fond attendues";
		else if (!parse_colour(words[1], &parsed[slot].fg))
			problem = "couleur de texte invalide";
		else if (!parse_colour(words[2], &parsed[slot].bg))
			problem = "couleur de fond invalide";
		for (int i = 3; problem == NULL && i < n; i++)
			if (!parse_attr(words[i], &parsed[slot].attrs))
				problem = "attribut inconnu";
		if (problem) {
			*err = xasprintf("%s:%d : %s (« %s »)", origin, lineno, problem, words[0]);
			free(line);
			return false;
		}
		parsed[slot].set = true;
		free(line);
	}
	memcpy(styles, parsed, sizeof styles);
	return true;
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (n + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

const char *const *
theme_builtin_names(void)
{
	static const char *names[] = {"default", "8colors", "monochrome", "high-contrast", NULL};
	return names;
}

bool
theme_load(const char *name, char **err)
{
	char *text = NULL, *origin = NULL;
	if (name == NULL || *name == '\0')
		name = "default";
	if (strchr(name, '/')) {
		text = read_file(name);
		origin = xstrdup(name);
		if (text == NULL) {
			*err = xasprintf("thème illisible : %s", name);
			free(origin);
			return false;
		}
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		char *user = xdg && *xdg == '/' ? xasprintf("%s/rdv/themes/%s.theme", xdg, name)
						: xasprintf("%s/.config/rdv/themes/%s.theme", home ? home : "", name);
		char *installed = xasprintf("%s/themes/%s.theme", RDV_DATADIR, name);
		if ((text = read_file(user)) != NULL)
			origin = xstrdup(user);
		else if ((text = read_file(installed)) != NULL)
			origin = xstrdup(installed);
		free(user);
		free(installed);
		if (text == NULL) {
			char *key = xasprintf("themes/%s.theme", name);
			for (const struct embedded_file *f = embedded_themes; f->name; f++)
				if (strcmp(f->name, key) == 0) {
					text = xstrdup(f->text);
					origin = xstrdup(key);
				}
			free(key);
		}
		if (text == NULL) {
			*err = xasprintf("thème inconnu « %s » (default, 8colors, monochrome, "
					 "high-contrast, ou un chemin)", name);
			return false;
		}
	}
	bool ok = theme_parse(text, origin, err);
	free(text);
	free(origin);
	if (!ok)
		return false;
	/* A theme that names no colour (monochrome) turns colour off altogether. */
	bool theme_colours = false;
	for (int i = 0; i < SLOT_COUNT; i++)
		if (styles[i].fg.rgb || styles[i].fg.index >= 0 || styles[i].bg.rgb ||
		    styles[i].bg.index >= 0)
			theme_colours = true;
	const char *no_colour = getenv("NO_COLOR");
	use_colour = theme_colours && has_colors() && !(no_colour && *no_colour);
	if (use_colour) {
		start_color();
		use_default_colors();
	}
	theme_apply();
	return true;
}

int
theme_attr(enum theme_slot s)
{
	return (unsigned)s < SLOT_COUNT ? slot_attrs[s] : (int)A_NORMAL;
}

bool
theme_has_colour(void)
{
	return use_colour;
}

int
theme_motif_attr(const char *hex, enum theme_slot fallback)
{
	struct colour bg;
	if (!use_colour || hex == NULL || !parse_colour(hex, &bg) || !bg.rgb || COLORS < 256)
		return theme_attr(fallback);
	int key = (bg.r << 16) | (bg.g << 8) | bg.b;
	for (int i = 0; i < motif_cached; i++)
		if (motif_cache[i].rgb == key)
			return motif_cache[i].attr;
	/* Black or white text by YIQ luminance, as the web application does. */
	int yiq = (bg.r * 299 + bg.g * 587 + bg.b * 114) / 1000;
	struct colour fg = {.index = yiq >= 128 ? 16 : 231};
	int attr = pair_for(colour_for_terminal(&fg), colour_for_terminal(&bg));
	if (attr == 0)
		return theme_attr(fallback);
	if (motif_cached < MOTIF_CACHE) {
		motif_cache[motif_cached].rgb = key;
		motif_cache[motif_cached++].attr = attr;
	}
	return attr;
}

/* The linear reading mode (--accessible, accessible = true). */
static bool accessible;

void
theme_set_accessible(bool on)
{
	accessible = on;
}

bool
theme_accessible(void)
{
	return accessible;
}

wchar_t
theme_glyph(wchar_t ch)
{
	if (!accessible || ch < 0x2500 || ch > 0x259F)
		return ch;
	/* Box drawing (U+2500–U+257F) and blocks (U+2580–U+259F): a reader spells them out. */
	/* Lines go (a reader would say "dash, dash…"); a full block stays as '#' (a progress bar). */
	switch (ch) {
	case L'█': case L'▓':
		return L'#';
	default:
		return L' ';
	}
}

int
theme_rdv_slot(enum rdv_status st)
{
	switch (st) {
	case RDV_SEEN:
		return SLOT_RDV_SEEN;
	case RDV_EXCUSED:
		return SLOT_RDV_EXCUSED;
	case RDV_REVOKED:
		return SLOT_RDV_REVOKED;
	case RDV_NOSHOW:
		return SLOT_RDV_NOSHOW;
	default:
		return SLOT_RDV_UNKNOWN;
	}
}

const char *
theme_rdv_glyph(enum rdv_status st, rdv_date day, rdv_date today)
{
	switch (st) {
	case RDV_SEEN:
		return "✓";
	case RDV_EXCUSED:
	case RDV_REVOKED:
		return "✗";
	case RDV_NOSHOW:
		return "!";
	default:
		return day < today ? "?" : "•";
	}
}
