/* SPDX-License-Identifier: MIT */
/*
 * Deterministic random keys for tests/ui/monkey.sh: the same seed gives the
 * same script on every machine (own PRNG, no libc rand()).
 *
 *   monkey_keys SEED NKEYS [WxH,WxH,...]
 *
 * One command a line:
 *   R W H    resize the terminal to W×H
 *   K k...   tmux key names (F3 Enter Up C-u ...)
 *   T text   literal text (tmux send-keys -l)
 *   P        end of a batch: check that the program is alive and redraws
 *
 * Left out on purpose, with the reason:
 *   X and P (exports: each starts a detached exporter process that outlives
 *   the client), '/' at the start of a text (the "Enregistrer sous" field
 *   would write an absolute path; '/' appears only inside dates), ';' (a
 *   tmux command separator).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

/* splitmix64 */
static uint64_t
next(void)
{
	uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static unsigned
below(unsigned n)
{
	return (unsigned)(next() % n);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const nav[] = {"Up", "Down", "Left", "Right", "PPage", "NPage", "Home", "End",
				  "Tab", "BTab", "Up", "Down", "Left", "Right", "Tab"};
static const char *const fkeys[] = {"F1", "F2", "F2", "F3", "F3", "F3", "F4", "F4", "F5", "F5", "F6",
				    "F6", "F7", "F7", "F8", "F9", "F10", "F11", "F12"};
static const char *const ctrl[] = {"C-u", "C-n", "C-d", "C-f", "C-a", "C-e", "C-k", "C-w", "C-h",
				   "BSpace", "BSpace", "DC", "IC", "Space", "C-l"};
/* Command letters and digits, one key each; q counted in, X and P left out. */
static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOQRSTUVWYZ0123456789?*+-.,:'\"";
static const char *const words[] = {
    "bernard", "Élodie", "BÉZIER", "martin", "rené perrin", "ça", "œuf", "suivi", "é", "12",
    "0612345678", "06 12 34 56 78", "13/05/2026", "31/02/2026", "01/01/1900", "29/02/2028",
    "99/99/9999", "10:30", "25:61", "00:00", "23:59", "élodie.bezier@example.fr", "@", "  ",
    "日本語", "😀", "e\xcc\x81", "Zoë", "x", "Ω", "-1", "999999999999", "0",
    "un texte assez long pour déborder largement de n'importe quel champ de saisie du formulaire",
};

static void
emit_keys(const char **keys, int n)
{
	if (n == 0)
		return;
	fputs("K", stdout);
	for (int i = 0; i < n; i++)
		printf(" %s", keys[i]);
	putchar('\n');
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: monkey_keys SEED NKEYS [WxH,...]\n");
		return 2;
	}
	state = strtoull(argv[1], NULL, 10) * 0x2545F4914F6CDD1DULL + 1;
	long nkeys = strtol(argv[2], NULL, 10);
	int sizes[16][2], nsizes = 0;
	const char *spec = argc > 3 ? argv[3] : "80x24,120x40,100x30,80x24,79x23,60x20,40x12";
	for (const char *p = spec; *p && nsizes < 16;) {
		int w, h, used;
		if (sscanf(p, "%dx%d%n", &w, &h, &used) != 2 || w < 2 || h < 2) {
			fprintf(stderr, "monkey_keys: bad size list %s\n", spec);
			return 2;
		}
		sizes[nsizes][0] = w;
		sizes[nsizes][1] = h;
		nsizes++;
		p += used;
		if (*p == ',')
			p++;
	}
	/* The first size is where it starts. */
	printf("R %d %d\n", sizes[0][0], sizes[0][1]);
	long sent = 0;
	while (sent < nkeys) {
		if (below(4) == 0) {
			int k = (int)below((unsigned)nsizes);
			printf("R %d %d\n", sizes[k][0], sizes[k][1]);
		}
		int batch = 8 + (int)below(25);
		const char *pending[64];
		int npending = 0;
		for (int i = 0; i < batch && sent < nkeys; i++, sent++) {
			unsigned r = below(100);
			const char *key = NULL;
			static char one[2];
			if (r < 30)
				key = nav[below(COUNT(nav))];
			else if (r < 42)
				key = "Enter";
			else if (r < 49)
				key = "Escape";
			else if (r < 59)
				key = fkeys[below(COUNT(fkeys))];
			else if (r < 66)
				key = ctrl[below(COUNT(ctrl))];
			if (key != NULL) {
				/* After Escape, a key of its own (never the start of a sequence). */
				pending[npending++] = key;
				if (npending == 64) {
					emit_keys(pending, npending);
					npending = 0;
				}
				continue;
			}
			emit_keys(pending, npending);
			npending = 0;
			if (r < 86) {
				one[0] = letters[below(sizeof letters - 1)];
				one[1] = '\0';
				printf("T %s\n", one);
			} else {
				printf("T %s\n", words[below(COUNT(words))]);
			}
		}
		emit_keys(pending, npending);
		puts("P");
	}
	return 0;
}
